"""RSS and Atom feeds: each entry becomes a document, from its own HTML or from its link.

An entry whose content (or, lacking that, summary) holds at least ``min_text_chars`` characters
of text becomes an ``html`` document; otherwise its link is fetched when a fetcher is at hand.
Either way the document keeps the entry's link, title and publication date. Entries whose
source is in ``skip`` (entries a store already holds, for ``crosscheck watch``) are passed over
before anything is fetched for them.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Container, Iterator
from datetime import datetime
from email.utils import parsedate_to_datetime

import feedparser

from ..errors import InputError
from ..records import RawDocument, Rejected
from ..settings import Settings
from .common import make_document, make_rejected, rejected_from
from .fetch import Fetcher, page_document

__all__ = ["iter_feed", "new_entries"]

_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")
_PARSER_POSITION = re.compile(r"^<unknown>:\d+:\d+:\s*")


def iter_feed(
    data: bytes,
    *,
    source: str,
    settings: Settings,
    fetcher: Fetcher | None = None,
    base_url: str | None = None,
    skip: Container[str] = frozenset(),
) -> Iterator[RawDocument | Rejected]:
    """Documents for the entries of the feed ``data`` read from ``source`` (a path or URL)."""
    try:
        parsed = _parse(data, base_url)
    except Exception as err:  # feedparser's own failures ("&#xD800;") must not end the run
        yield make_rejected(source, f"feed cannot be parsed ({type(err).__name__}: {_first_line(err)})")
        return
    if not parsed.get("version"):
        problem = parsed.get("bozo_exception")
        detail = f" ({_first_line(problem)})" if problem else ""
        yield make_rejected(source, f"not an RSS or Atom feed{detail}")
        return
    if not parsed.get("entries"):
        yield make_rejected(source, "feed has no entries")
        return
    for index, entry in enumerate(parsed.entries, start=1):
        if entry_source(entry, source=source, index=index) in skip:
            continue
        try:
            yield _entry_document(entry, index=index, source=source, settings=settings, fetcher=fetcher)
        except Exception as err:  # a malformed entry costs that entry, not the run
            yield make_rejected(f"{source}#{index}", f"feed entry cannot be read "
                                f"({type(err).__name__}: {_first_line(err)})")


def new_entries(data: bytes, *, source: str, base_url: str | None = None,
                skip: Container[str] = frozenset()) -> int:
    """How many entries of the feed ``data`` :func:`iter_feed` would read (0 for a page or a
    feed that cannot be parsed), without fetching anything."""
    try:
        parsed = _parse(data, base_url)
    except Exception:
        return 0
    return sum(1 for index, entry in enumerate(parsed.get("entries", []), start=1)
               if entry_source(entry, source=source, index=index) not in skip)


def _parse(data: bytes, base_url: str | None) -> feedparser.FeedParserDict:
    headers = {"content-location": base_url} if base_url else {}
    # A stream, never a str: feedparser would fetch a str that looks like a URL or path.
    return feedparser.parse(io.BytesIO(data), response_headers=headers, sanitize_html=False)


def _entry_document(
    entry: feedparser.FeedParserDict,
    *,
    index: int,
    source: str,
    settings: Settings,
    fetcher: Fetcher | None,
) -> RawDocument | Rejected:
    own_source = entry_source(entry, source=source, index=index)
    link = entry.get("link") or None
    title = _clean_title(entry.get("title"))
    published = _iso_date(entry.get("published") or entry.get("updated"))
    body = _entry_html(entry)
    if len(_visible_text(body)) >= max(1, settings.min_text_chars):
        return make_document(own_source, "html", body, url=link, title=title, published=published)
    if link is None:
        return make_rejected(own_source, "feed entry has too little content and no link to fetch")
    if fetcher is None:
        return make_rejected(own_source, f"feed entry has too little content and fetching {link} is not possible")
    try:
        return page_document(fetcher.fetch(link), source=own_source, title=title, published=published)
    except InputError as err:
        return rejected_from(err, own_source)


def entry_source(entry: feedparser.FeedParserDict, *, source: str, index: int) -> str:
    """``SOURCE#ENTRY``: the entry's id, else its link, else its position in the feed."""
    return f"{source}#{entry.get('id') or entry.get('link') or index}"


def _entry_html(entry: feedparser.FeedParserDict) -> str:
    """The entry's longest body: full content when the feed carries it, else the summary."""
    # feedparser gives None for some broken markup ("<description></body><html>")
    bodies = [part.get("value") or "" for part in entry.get("content", [])]
    bodies.append(entry.get("summary") or "")
    return max(bodies, key=lambda body: len(_visible_text(body)))


def _visible_text(markup: str) -> str:
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", markup))).strip()


def _clean_title(title: str | None) -> str | None:
    text = _visible_text(title or "")
    return text or None


def _iso_date(value: str | None) -> str | None:
    """An ISO 8601 timestamp, keeping the feed's own offset; the raw value if unparseable."""
    if not value:
        return None
    for parse in (parsedate_to_datetime, datetime.fromisoformat):
        try:
            return parse(value.strip()).isoformat()
        except (TypeError, ValueError, IndexError):
            continue
    return value.strip()


def _first_line(problem: object) -> str:
    text = str(problem).strip()
    if not text:
        return type(problem).__name__
    # The parser's "<unknown>:LINE:COL:" prefix counts lines of its own rewritten input.
    return _PARSER_POSITION.sub("", text.splitlines()[0])
