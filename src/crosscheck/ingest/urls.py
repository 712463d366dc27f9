"""URL inputs and URL lists: fetch each URL; a response that is a feed yields its entries."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..errors import InputError
from ..records import RawDocument, Rejected
from ..settings import Settings
from .common import make_rejected, rejected_from
from .feeds import iter_feed
from .fetch import Fetcher, classify, page_document

__all__ = ["is_http_url", "looks_like_url_list", "iter_url", "iter_url_list"]

_HTTP_URL = re.compile(r"^https?://[^\s/?#]+\S*$", re.IGNORECASE)


def is_http_url(value: str) -> bool:
    return bool(_HTTP_URL.match(value.strip()))


def _listed_lines(text: str) -> list[tuple[int, str]]:
    """(line number, stripped line) for lines that are neither blank nor ``#`` comments."""
    lines = enumerate(text.splitlines(), start=1)
    return [(n, line.strip()) for n, line in lines if line.strip() and not line.lstrip().startswith("#")]


def looks_like_url_list(text: str) -> bool:
    """True when every listed line of ``text`` is an http(s) URL (and there is at least one)."""
    listed = _listed_lines(text)
    return bool(listed) and all(is_http_url(line) for _, line in listed)


def iter_url_list(
    text: str, *, source: str, settings: Settings, fetcher: Fetcher
) -> Iterator[RawDocument | Rejected]:
    """Documents for each URL listed in ``text`` (read from ``source``), in list order."""
    listed = _listed_lines(text)
    if not listed:
        yield make_rejected(source, "URL list has no URLs")
    for lineno, line in listed:
        if is_http_url(line):
            yield from iter_url(line, settings=settings, fetcher=fetcher)
        else:
            yield make_rejected(f"{source}#{lineno}", f"not an http(s) URL: {line[:200]!r}")


def iter_url(url: str, *, settings: Settings, fetcher: Fetcher) -> Iterator[RawDocument | Rejected]:
    """The page at ``url`` (its source is ``url`` as given), or the entries of the feed there."""
    try:
        fetched = fetcher.fetch(url)
        if classify(fetched.content_type, fetched.body) == "feed":
            yield from iter_feed(fetched.body, source=url, settings=settings, fetcher=fetcher, base_url=fetched.url)
            return
        yield page_document(fetched, source=url)
    except InputError as err:
        yield rejected_from(err, url)
