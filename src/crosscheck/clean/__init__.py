"""The clean stage: raw documents to drafts (per document), drafts to articles (corpus-wide).

``clean_document`` runs per document on the engine: HTML main-text extraction, page chrome that
needs no corpus (ad sizes, crumbs, repeated titles, captions, wire headers), and metadata.
``boilerplate`` then learns what recurs across an outlet or the whole corpus and removes it.
Every removal is kept as a :class:`~crosscheck.records.Removal` with its reason.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

from ..errors import InputError
from ..records import Draft, RawDocument, Rejected, Removal, content_id
from ..settings import Settings
from .document import strip_document_chrome
from .encoding import repair_encoding
from .extract import extract_html
from .limits import STAGE as LIMITS_STAGE
from .limits import cut_long_tokens, cut_to_length, page_reason
from .metadata import detect_language, find_published, normalize_date, normalize_time, outlet_from_url

__all__ = ["clean_document", "clean_batch"]

Cleaned = Draft | Removal | Rejected


def clean_batch(batch: list[RawDocument | Rejected], *, settings: Settings) -> list[Cleaned]:
    """Clean a batch; rejections from earlier stages pass through unchanged."""
    out: list[Cleaned] = []
    for item in batch:
        if isinstance(item, Rejected):
            out.append(item)
        else:
            out.extend(clean_document(item, settings=settings))
    return out


def clean_document(raw: RawDocument, *, settings: Settings) -> list[Cleaned]:
    """One raw document to a :class:`Draft` and its removals, or a :class:`Rejected`."""
    try:
        return _clean(raw, settings)
    except InputError as exc:
        return [Rejected(raw.id, raw.source, "clean", exc.reason)]
    except (OSError, MemoryError):
        raise  # the machine's trouble (a full disk), not the document's: stop, do not reject it
    except Exception as exc:  # hostile input must not stop the run; say what broke
        reason = f"could not clean this document ({type(exc).__name__}: {exc})"
        return [Rejected(raw.id, raw.source, "clean", reason)]


def _clean(raw: RawDocument, settings: Settings) -> list[Cleaned]:
    removed: list[tuple[str, int, str, str]] = []
    meta = _Meta(raw)
    # Scrapes and feeds carry HTML entities in plain text ("Plc &lt;BP&gt;"); readers see "<BP>".
    text = html.unescape(raw.content) if raw.format == "text" else raw.content
    if raw.format == "html":
        too_big = page_reason(raw.content, max_page_chars=settings.max_page_chars)
        if too_big:
            return [Rejected(raw.id, raw.source, "clean", too_big)]
        page = extract_html(raw.content, source=raw.source, url=raw.url,
                            max_depth=settings.max_markup_depth)
        text = page.text
        meta.take_page(page)
        removed.extend(("extract", pos, chunk, why) for pos, chunk, why in page.removed)
    text = _within_limits(text, settings, removed)
    # "Â£600m" for "£600m": text decoded with the wrong charset before it reached us
    text = repair_encoding(text)
    text, title, chrome = strip_document_chrome(text, title=repair_encoding(meta.title or "") or None)
    meta.title = title
    # The headline line moves to metadata, then comes back once as the text's first line (below);
    # only its repeats are chrome.
    removed.extend(("document", pos, chunk, why) for pos, chunk, why in chrome if why != "title")
    meta.take_text(text)
    if len(text.strip()) < settings.min_text_chars:
        reason = (f"no article body: {len(text.strip())} characters left after cleaning "
                  f"(min_text_chars is {settings.min_text_chars})")
        return [Rejected(raw.id, raw.source, "clean", reason)]
    text = _with_headline(text, meta.title)
    draft = Draft(
        id=raw.id, source=raw.source, url=meta.url, outlet=meta.outlet,
        outlet_from=meta.outlet_from, title=meta.title, published=meta.published,
        published_from=meta.published_from, language=detect_language(text), text=text,
        published_at=meta.published_at,
    )
    return [draft, *_removals(raw.id, removed)]


def _within_limits(text: str, settings: Settings, removed: list) -> str:
    """``text`` with over-long runs and any length past ``max_article_chars`` cut out, before
    the costlier steps read it; each cut is recorded with its reason."""
    text, long_runs = cut_long_tokens(text, max_token_chars=settings.max_token_chars)
    text, tail = cut_to_length(text, max_chars=settings.max_article_chars)
    removed.extend((LIMITS_STAGE, pos, chunk, why) for pos, chunk, why in [*long_runs, *tail])
    return text


def _with_headline(text: str, title: str | None) -> str:
    """The headline as the first line of the text: headlines carry claims too (often the most
    inflated ones), and every later stage reads only the text."""
    if not title or text.startswith(title):
        return text
    return f"{title}\n{text}"


def _removals(article_id: str, removed: Iterable[tuple[str, int, str, str]]) -> list[Removal]:
    return [
        Removal(content_id(article_id, stage, pos, chunk, why), article_id, stage, pos, chunk, why)
        for stage, pos, chunk, why in removed
    ]


class _Meta:
    """Metadata for one document, taking the first source that has each field.

    Order: what the input declared, then the page's own metadata, then the URL, then the text.
    The time of day (UTC) comes with the date it belongs to: the input's or the page's.
    The page's site name ("Velmora Daily Courier") reads better than its host, so it comes first.
    """

    def __init__(self, raw: RawDocument):
        self.url = raw.url
        self.title = html.unescape(raw.title) if raw.title else None
        self.outlet, self.outlet_from = (raw.outlet, "input") if raw.outlet else (None, None)
        published = normalize_date(raw.published) if raw.published else None
        self.published, self.published_from = (published, "input") if published else (None, None)
        # the time of day only with the date it came with ("2024-03-05T11:52:00Z")
        self.published_at = normalize_time(raw.published) if published else None
        # the latest day another source of truth allows (when a crawler saved the page)
        self.not_after = normalize_date(raw.not_after) if raw.not_after else None

    def take_page(self, page) -> None:
        self.url = self.url or page.url
        self.title = self.title or page.title
        if self.outlet is None and page.sitename:
            self.outlet, self.outlet_from = page.sitename, "meta"
        if self.published is None and page.published:
            self.published, self.published_from = page.published, page.published_from
            self.published_at = page.published_at

    def take_text(self, text: str) -> None:
        if self.outlet is None and (host := outlet_from_url(self.url)):
            self.outlet, self.outlet_from = host, "url"
        if self.published is None:
            published, where = find_published(text, url=self.url, not_after=self.not_after,
                                              title=self.title)
            if published:
                self.published, self.published_from = published, where
