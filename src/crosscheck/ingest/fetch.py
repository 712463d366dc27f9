"""Fetching pages and feeds over HTTP, politely and safely.

A crosscheck run may be fed URL lists written by someone else, so every hop is checked: only
http(s), no host that resolves to a private, loopback, link-local, multicast, reserved or
unspecified address (unless ``allow_private``), redirects followed by hand (at most
:data:`MAX_REDIRECTS`) so each target is checked too, bodies streamed and cut at ``max_bytes``,
and timeouts, 5xx and 429 retried with exponential backoff (or after the server's
``Retry-After``, up to ``max_retry_after`` seconds). Network access goes through an injectable
``httpx`` transport so tests never touch the network.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

import httpx

from ..errors import FetchError, PrivateAddressError
from ..records import RawDocument
from ..settings import Settings
from .common import make_document
from .decode import charset_from_content_type, decode_bytes

__all__ = ["Fetched", "Fetcher", "MAX_REDIRECTS", "check_public_host", "classify", "page_document",
           "retry_after_seconds"]

MAX_REDIRECTS = 5
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_CHUNK = 65536

_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_FEED_TYPES = frozenset({"application/rss+xml", "application/atom+xml", "application/rdf+xml",
                         "application/xml", "text/xml", "application/feed+xml"})
_FEED_ROOTS = (b"<rss", b"<feed", b"<rdf:rdf")

Resolver = Callable[[str, int], list[str]]


@dataclass(frozen=True, slots=True)
class Fetched:
    """A fetched response body: ``url`` is the final URL after redirects. ``etag`` and
    ``last_modified`` are the response's validators, for a conditional request next time (a
    ``304`` answer has ``status`` 304 and an empty body)."""

    url: str
    status: int
    content_type: str | None
    body: bytes
    etag: str | None = None
    last_modified: str | None = None


class _Retryable(Exception):
    """A failure worth another attempt (timeout, 5xx, 429); ``reason`` says which, and
    ``retry_after`` how long the server asked to wait (seconds), when it said."""

    def __init__(self, reason: str, *, status: int | None = None, retry_after: float | None = None):
        super().__init__(reason)
        self.reason = reason
        self.status = status
        self.retry_after = retry_after


def resolve_host(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (the system resolver)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return sorted({info[4][0] for info in infos})


def _address_kind(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """Why ``ip`` is refused, or ``None`` for a public address."""
    mapped = getattr(ip, "ipv4_mapped", None)
    if mapped is not None:
        return _address_kind(mapped)
    for kind in ("loopback", "link_local", "multicast", "unspecified", "reserved", "private"):
        if getattr(ip, f"is_{kind}"):
            return kind.replace("_", "-")
    # Shared address space (carrier-grade NAT) and similar ranges are neither private nor
    # global; they are not the public internet either.
    return None if ip.is_global else "non-global"


def check_public_host(url: str, *, resolve: Resolver = resolve_host) -> None:
    """Raise :class:`PrivateAddressError` when any address of ``url``'s host is not public."""
    parsed = httpx.URL(url)
    host = parsed.host
    try:
        addresses = resolve(host, parsed.port or (443 if parsed.scheme == "https" else 80))
    except OSError as err:
        raise FetchError(url, f"cannot resolve host {host!r}: {err}") from None
    for address in addresses:
        kind = _address_kind(ipaddress.ip_address(address.split("%")[0]))
        if kind is not None:
            raise PrivateAddressError(
                url,
                f"host {host!r} resolves to {kind} address {address}; "
                "pass --allow-private if fetching it is intended",
            )


class Fetcher:
    """An HTTP client bound to the fetch settings; use as a context manager or call close()."""

    def __init__(
        self,
        *,
        settings: Settings,
        transport: httpx.BaseTransport | None = None,
        resolve: Resolver = resolve_host,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.settings = settings
        self._resolve = resolve
        self._sleep = sleep
        self._client = httpx.Client(
            transport=transport,
            timeout=settings.fetch_timeout,
            headers={"User-Agent": settings.user_agent},
            follow_redirects=False,
        )

    def __enter__(self) -> "Fetcher":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def fetch(self, url: str, *, headers: Mapping[str, str] | None = None) -> Fetched:
        """GET ``url`` following up to :data:`MAX_REDIRECTS` redirects; raises FetchError.
        ``headers`` go with every hop (``If-None-Match`` for a conditional request)."""
        current = url
        for _hop in range(MAX_REDIRECTS + 1):
            self._check_url(current)
            fetched, location = self._get_with_retries(current, headers)
            if location is None:
                return fetched
            try:
                current = str(httpx.URL(current).join(location))
            except httpx.InvalidURL as err:
                raise FetchError(current, f"redirect to an invalid URL {location!r}: {err}") from None
        raise FetchError(url, f"more than {MAX_REDIRECTS} redirects")

    def _check_url(self, url: str) -> None:
        try:
            parsed = httpx.URL(url)
        except httpx.InvalidURL as err:
            raise FetchError(url, f"invalid URL: {err}") from None
        if parsed.scheme not in ("http", "https"):
            raise FetchError(url, f"unsupported URL scheme {parsed.scheme!r}; only http and https are fetched")
        if not parsed.host:
            raise FetchError(url, "URL has no host")
        if not self.settings.allow_private:
            check_public_host(url, resolve=self._resolve)

    def _get_with_retries(self, url: str, headers: Mapping[str, str] | None = None) -> tuple[Fetched, str | None]:
        attempts = self.settings.fetch_retries + 1
        for attempt in range(attempts):
            try:
                return self._get_once(url, headers)
            except _Retryable as failure:
                wait = max(self.settings.fetch_backoff * 2**attempt, failure.retry_after or 0.0)
                if attempt + 1 == attempts or wait > self.settings.max_retry_after:
                    raise FetchError(url, _gave_up(failure, attempt + 1, wait, self.settings.max_retry_after),
                                     status=failure.status) from None
                self._sleep(wait)
        raise AssertionError("unreachable")

    def _get_once(self, url: str, headers: Mapping[str, str] | None = None) -> tuple[Fetched, str | None]:
        """One GET: the response and the redirect target, if it is a redirect."""
        try:
            with self._client.stream("GET", url, headers=dict(headers or {})) as response:
                status = response.status_code
                if response.is_redirect:
                    return Fetched(url, status, None, b""), response.headers.get("location")
                if status in _RETRY_STATUSES:
                    raise _Retryable(f"HTTP status {status}", status=status,
                                     retry_after=retry_after_seconds(response.headers.get("retry-after")))
                if status >= 400:
                    raise FetchError(url, f"HTTP status {status}", status=status)
                body = b"" if status == 304 else self._read_capped(url, response)
                return Fetched(url, status, response.headers.get("content-type"), body,
                               etag=response.headers.get("etag"),
                               last_modified=response.headers.get("last-modified")), None
        except httpx.TimeoutException:
            raise _Retryable(f"timed out after {self.settings.fetch_timeout:g} s") from None
        except httpx.ConnectError as err:
            raise FetchError(url, f"cannot connect: {err}") from None
        except httpx.RequestError as err:
            # Broken transfers, bad content encodings, protocol errors: not worth a retry.
            raise FetchError(url, f"fetch failed: {err}") from None

    def _read_capped(self, url: str, response: httpx.Response) -> bytes:
        """The body, refusing one over max_bytes without reading the rest of it."""
        cap = self.settings.max_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap:
            raise FetchError(url, _over_cap(int(declared), cap))
        # httpx's timeout bounds each read, so a server trickling bytes could stall for ever;
        # a whole-body deadline closes that gap.
        deadline = time.monotonic() + self.settings.fetch_timeout
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes(_CHUNK):
            size += len(chunk)
            if size > cap:
                raise FetchError(url, _over_cap(size, cap, at_least=True))
            if time.monotonic() > deadline:
                raise _Retryable(f"timed out after {self.settings.fetch_timeout:g} s")
            chunks.append(chunk)
        return b"".join(chunks)


def retry_after_seconds(value: str | None, *, now: float | None = None) -> float | None:
    """A ``Retry-After`` header (seconds or an HTTP date) in seconds from now; ``None`` when
    absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, when - (time.time() if now is None else now))


def _gave_up(failure: _Retryable, attempts: int, wait: float, longest: float) -> str:
    if wait > longest:
        return (f"{failure.reason}; the server asked to wait {wait:g} s, over max_retry_after="
                f"{longest:g}; try again later or raise max_retry_after")
    plural = "s" if attempts > 1 else ""
    return f"{failure.reason} (after {attempts} attempt{plural})"


def _over_cap(size: int, cap: int, *, at_least: bool = False) -> str:
    amount = f"more than {cap}" if at_least else str(size)
    return f"response body is {amount} bytes, over max_bytes={cap}; raise max_bytes to accept it"


def classify(content_type: str | None, body: bytes) -> str | None:
    """``"html"``, ``"text"``, ``"feed"``, or ``None`` for content crosscheck cannot read.

    Servers often send feeds as ``text/html`` or ``text/plain``, so the body's root element
    decides before the declared type does.
    """
    if _looks_like_feed(body):
        return "feed"
    media_type = (content_type or "").split(";")[0].strip().lower()
    if media_type in _HTML_TYPES:
        return "html"
    if media_type in _FEED_TYPES:
        return "feed"
    if media_type == "text/plain":
        return "text"
    if not media_type:
        return "html" if b"<html" in body[:4096].lower() else "text"
    return None


def _looks_like_feed(body: bytes) -> bool:
    head = body[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"<?xml"):
        head = head[head.find(b"?>") + 2:]
    # Skip comments, doctype and stylesheet instructions before the root element.
    while head.lstrip().startswith((b"<!--", b"<?", b"<!")):
        head = head.lstrip()
        end = b"-->" if head.startswith(b"<!--") else b">"
        head = head[head.find(end) + len(end):] if end in head else b""
    return head.lstrip().startswith(_FEED_ROOTS)


def page_document(
    fetched: Fetched,
    *,
    source: str,
    title: str | None = None,
    published: str | None = None,
) -> RawDocument:
    """A fetched HTML or plain-text page as a document; raises FetchError for anything else."""
    kind = classify(fetched.content_type, fetched.body)
    if kind not in ("html", "text"):
        what = "a feed" if kind == "feed" else f"content type {fetched.content_type!r}"
        raise FetchError(fetched.url, f"{what} is not an HTML or text page")
    if not fetched.body.strip():
        raise FetchError(fetched.url, "empty response body")
    content = decode_bytes(
        fetched.body,
        source=fetched.url,
        declared=charset_from_content_type(fetched.content_type),
        html=kind == "html",
    )
    return make_document(source, kind, content, url=fetched.url, title=title, published=published)
