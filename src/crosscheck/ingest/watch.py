"""Polling sources for ``crosscheck watch``: conditional requests, robots.txt, one host at a time.

A round polls each feed and each listed URL once. Feeds are asked for with the validators of the
last answer (``If-None-Match`` / ``If-Modified-Since``); a ``304`` costs nothing more. Only feed
entries and pages the store does not hold yet are fetched. Every request first asks the host's
robots.txt (fetched once per host per round) and waits ``host_delay`` seconds after the last
request to that host; 429 and 503 answers are retried after their ``Retry-After`` (see
:mod:`.fetch`), and a host that fails more than ``fetch_retries`` requests in a row (timeouts,
5xx, 429) is left alone for the rest of the round. Validators are handed back to the caller, which stores them only once the round's
documents are stored, so an interrupted round asks again in full.
"""

from __future__ import annotations

import os
import time
import urllib.robotparser
from collections.abc import Callable, Container, Iterator, Mapping, Sequence
from dataclasses import dataclass

import httpx

from ..errors import FetchError, InputError
from ..records import RawDocument, Rejected
from ..settings import Settings
from .common import make_rejected, rejected_from
from .feeds import iter_feed, new_entries
from .fetch import Fetched, Fetcher, Resolver, _Retryable, classify, page_document, resolve_host
from .urls import is_http_url, looks_like_url_list

__all__ = ["PoliteFetcher", "Validators", "poll", "watched_urls"]


@dataclass(frozen=True, slots=True)
class Validators:
    """What a URL's last answer said about its version, sent back on the next request."""

    url: str
    etag: str | None
    last_modified: str | None

    def headers(self) -> dict[str, str]:
        headers = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers


class PoliteFetcher(Fetcher):
    """A :class:`Fetcher` that obeys robots.txt, keeps ``host_delay`` seconds between two
    requests to one host and stops asking a host that keeps failing. Requests go one at a time
    (the fetcher is not shared across threads)."""

    def __init__(self, *, settings: Settings, transport: httpx.BaseTransport | None = None,
                 resolve: Resolver = resolve_host, sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic):
        super().__init__(settings=settings, transport=transport, resolve=resolve, sleep=sleep)
        self._clock = clock
        self._last_request: dict[str, float] = {}
        self._robots: dict[str, urllib.robotparser.RobotFileParser | str] = {}
        self._troubled: dict[str, int] = {}  # host -> failed requests in a row
        self.requests = 0
        self.failures = 0

    def fetch(self, url: str, *, headers: Mapping[str, str] | None = None) -> Fetched:
        try:
            return super().fetch(url, headers=headers)
        except FetchError:
            self.failures += 1
            raise

    def _check_url(self, url: str) -> None:
        super()._check_url(url)
        parsed = httpx.URL(url)
        failures = self._troubled.get(_host(parsed), 0)
        if failures > self.settings.fetch_retries:
            raise FetchError(url, f"the host failed {failures} times in a row this round; "
                                  "it is left alone until the next round")
        if parsed.path == "/robots.txt":
            return
        rules = self._robots_for(parsed)
        if isinstance(rules, str):
            raise FetchError(url, f"robots.txt of the host cannot be read ({rules}); "
                                  "the host is left alone until the next round")
        if not rules.can_fetch(self.settings.user_agent, url):
            raise FetchError(url, "robots.txt of the host disallows fetching it")

    def _get_once(self, url: str, headers: Mapping[str, str] | None = None) -> tuple[Fetched, str | None]:
        host = _host(httpx.URL(url))
        wait = self._last_request.get(host, -1e18) + self.settings.host_delay - self._clock()
        if wait > 0:
            self._sleep(wait)
        try:
            self.requests += 1
            answer = super()._get_once(url, headers)
        except _Retryable:  # timeouts, 5xx, 429: the host's own trouble, not the URL's
            self._troubled[host] = self._troubled.get(host, 0) + 1
            raise
        finally:
            self._last_request[host] = self._clock()
        self._troubled.pop(host, None)
        return answer

    def _robots_for(self, parsed: httpx.URL) -> urllib.robotparser.RobotFileParser | str:
        """The host's rules, or why its robots.txt could not be read."""
        origin = f"{parsed.scheme}://{_host(parsed)}"
        if origin not in self._robots:
            self._robots[origin] = self._read_robots(origin + "/robots.txt")
        return self._robots[origin]

    def _read_robots(self, url: str) -> urllib.robotparser.RobotFileParser | str:
        # RFC 9309: a 4xx answer means no rules; an unreachable robots.txt (5xx, timeout, and
        # 429, which asks to slow down) means keep away.
        rules = urllib.robotparser.RobotFileParser(url)
        try:
            fetched = Fetcher.fetch(self, url)  # not counted in failures: a missing robots.txt is normal
        except FetchError as err:
            if err.status is not None and 400 <= err.status < 500 and err.status != 429:
                rules.allow_all = True
                return rules
            return err.reason
        rules.parse(fetched.body.decode("utf-8", "replace").splitlines())
        return rules


def _host(url: httpx.URL) -> str:
    return url.netloc.decode("ascii")


def watched_urls(sources: Sequence[str]) -> tuple[list[str], list[str]]:
    """``(urls, paths)``: URL sources and the URLs of URL-list files, in order; and the other
    local paths, read as ``analyze`` reads them."""
    urls: list[str] = []
    paths: list[str] = []
    for source in sources:
        if is_http_url(source):
            urls.append(source.strip())
        elif _is_url_list(source):
            with open(source, encoding="utf-8", errors="replace") as fh:
                urls.extend(line.strip() for line in fh if is_http_url(line))
        else:
            paths.append(source)
    return list(dict.fromkeys(urls)), paths  # a feed named twice is polled once


def _is_url_list(path: str) -> bool:
    if not os.path.isfile(path) or os.path.getsize(path) > 10_000_000:
        return False
    with open(path, encoding="utf-8", errors="replace") as fh:
        return looks_like_url_list(fh.read())


def poll(
    urls: Sequence[str],
    *,
    fetcher: PoliteFetcher,
    settings: Settings,
    known: Container[str],
    validators: Mapping[str, Validators],
    answered: dict[str, Validators],
    deferred: dict[str, int] | None = None,
) -> Iterator[RawDocument | Rejected]:
    """New documents (and rejects) from ``urls``: pages whose source is not in ``known`` and the
    feed entries not in ``known``, at most ``settings.watch_max_entries`` from one feed (the
    number left for the next round goes into ``deferred``). Each URL's new validators are put
    in ``answered`` unless something it led to could not be fetched or entries were left."""
    deferred = {} if deferred is None else deferred
    for url in urls:
        if url in known:  # a page already stored; pages are not polled again
            continue
        previous = validators.get(url)
        try:
            fetched = fetcher.fetch(url, headers=previous.headers() if previous else None)
        except InputError as err:
            yield rejected_from(err, url)
            continue
        if fetched.status == 304:
            continue
        failures = fetcher.failures
        taken = 0
        for document in _documents(url, fetched, fetcher=fetcher, settings=settings, known=known):
            yield document
            taken += 1
            if taken == settings.watch_max_entries:
                # entries are read lazily: the ones left are not fetched this round
                left = new_entries(fetched.body, source=url, base_url=fetched.url,
                                   skip=known) - taken
                if left:
                    deferred[url] = left
                break
        # An entry whose page could not be fetched, or one left for the next round, is read
        # only if the feed is read again: keep no validators then.
        if fetcher.failures == failures and url not in deferred:
            answered[url] = Validators(url, fetched.etag, fetched.last_modified)


def _documents(url: str, fetched: Fetched, *, fetcher: Fetcher, settings: Settings,
               known: Container[str]) -> Iterator[RawDocument | Rejected]:
    try:
        if classify(fetched.content_type, fetched.body) == "feed":
            yield from iter_feed(fetched.body, source=url, settings=settings, fetcher=fetcher,
                                 base_url=fetched.url, skip=known)
            return
        yield page_document(fetched, source=url)
    except InputError as err:
        yield rejected_from(err, url)
    except Exception as err:  # a malformed answer costs that URL, not the watch
        yield make_rejected(url, f"cannot be read ({type(err).__name__}: {err})")
