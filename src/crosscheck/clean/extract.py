"""HTML main-text extraction: trafilatura as the base, then page chrome it leaves behind removed.

trafilatura finds the article body; this module asks it for the body as an XML tree with its
links kept, so that blocks made of links (related headlines, "also on" teasers), share and
subscribe prompts, photo credits and a repeated headline can be told apart from prose and
dropped, each with a reason. A second, recall-oriented pass runs only when the precise pass
finds little text. Text keeps one paragraph per line, so later stages can align sentences.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import trafilatura
from lxml import etree
from lxml.html import HtmlElement
from trafilatura.utils import load_html
from trafilatura.xml import xmltotxt

from ..errors import ExtractionError

__all__ = ["Extraction", "extract_html"]

# A precise pass that finds fewer characters than this gets a second, recall-oriented pass.
SHORT_BODY_CHARS = 600
# ... and takes the second pass's text only when it is this many times longer.
RECALL_GAIN = 2.0
# Removed blocks kept for the audit trail, and the longest text kept for each.
MAX_REMOVED = 40
MAX_REMOVED_CHARS = 300

# htmldate's fast mode: no free-text search; page dates before a date in the URL path.
_DATE_PARAMS = {"extensive_search": False, "original_date": True, "deferred_url_extractor": True}

Removed = tuple[tuple[int, str, str], ...]


@dataclass(frozen=True)
class Extraction:
    """One page's main text and metadata.

    ``text`` holds one paragraph per line (joined by ``"\\n"``). ``published`` is ISO
    ``YYYY-MM-DD``; ``published_from`` is ``"meta"`` (found in the page) or ``"url"`` (a date in
    the URL path). ``removed`` lists notable chrome blocks taken out of trafilatura's output as
    ``(position, text, reason)``, position being the character offset in that output.
    """

    text: str
    title: str | None
    sitename: str | None
    url: str | None
    published: str | None
    published_from: str | None
    language: str | None
    removed: Removed = ()


def extract_html(html: str, *, source: str, url: str | None = None) -> Extraction:
    """Extract the article body and metadata from one HTML page.

    ``source`` names the page in error messages; ``url`` is where the page came from, if known.
    Raises :class:`~crosscheck.errors.ExtractionError` when the page has no usable body.
    """
    if not html or not html.strip():
        raise ExtractionError(source, "empty page: no HTML to extract from")
    tree = load_html(html)
    if tree is None:
        raise ExtractionError(source, "not an HTML page: the parser found no document tree")
    document = _run_trafilatura(tree, url=url, favor_precision=True)
    if document is None:
        raise ExtractionError(source, _no_body_reason(_title_of(tree)))
    page = _Page(title=_clean_title(document.title, sitename=document.sitename),
                 link_texts=_link_texts(tree))
    text, removed = _clean_body(document.body, page=page)
    if len(text) < SHORT_BODY_CHARS:
        text, removed = _recall_pass(tree, url=url, page=page, found=(text, removed))
    if not text:
        raise ExtractionError(source, _no_body_reason(page.title))
    published, published_from = _publication(document.date, url=url or document.url)
    return Extraction(
        text=text,
        title=page.title,
        sitename=_clean_sitename(document.sitename),
        url=document.url or url,
        published=published,
        published_from=published_from,
        language=_declared_language(html),
        removed=removed,
    )


def _run_trafilatura(tree: HtmlElement, *, url: str | None, favor_precision: bool = False,
                     favor_recall: bool = False) -> trafilatura.settings.Document | None:
    # trafilatura works on its own copy of the tree, so one parse serves both passes
    return trafilatura.bare_extraction(
        tree,
        url=url,
        include_comments=False,
        favor_precision=favor_precision,
        favor_recall=favor_recall,
        with_metadata=True,
        date_extraction_params=dict(_DATE_PARAMS),
    )


def _recall_pass(tree: HtmlElement, *, url: str | None, page: _Page,
                 found: tuple[str, Removed]) -> tuple[str, Removed]:
    """Second chance for short bodies: precision mode sometimes keeps only a fragment."""
    document = _run_trafilatura(tree, url=url, favor_recall=True)
    if document is None:
        return found
    text, removed = _clean_body(document.body, page=page)
    # a little more text is usually chrome; a fragment against a full body is a miss
    return (text, removed) if len(text) > RECALL_GAIN * len(found[0]) else found


def _no_body_reason(title: str | None) -> str:
    if title:
        return f"no article body found: the page has a title ({title[:80]!r}) but no paragraphs of text"
    return "no article body found: no title and no paragraphs of text in the page"


# ---------------------------------------------------------------- body: chrome left by trafilatura

_BLOCK_TAGS = frozenset({"p", "head", "item", "quote", "cell"})

_CHROME_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("share bar", re.compile(
        r"^(share( this| on| it)?|tweet|email|print|like this story|share (this|it) with)\b", re.I)),
    ("subscribe prompt", re.compile(
        r"\b(sign up|subscribe|newsletter|delivered (to|through) your (inbox|letterbox))\b", re.I)),
    ("comments prompt", re.compile(
        r"^(\d+\s+)?(comments?|leave a (comment|reply)|tell us what you think|join the discussion)\b", re.I)),
    ("copyright", re.compile(r"^(copyright|©|\(c\))|all rights reserved", re.I)),
    ("caption", re.compile(
        r"(\bphoto(graph)?s?\b|\bimages?\b|\bpicture\b|\bcredit\b)[^.]{0,60}(©|\bgetty\b|\breuters\b|\bap\b|\bafp\b)"
        r"|©[^.]{0,40}\b(photo|image)|^\(?(photo|image|picture|credit)s?\s*:", re.I)),
)
# Chrome prompts are short; a long paragraph mentioning "subscribe" is prose.
_MAX_CHROME_WORDS = 30


@dataclass(frozen=True)
class _Page:
    """What the chrome rules know about the whole page: its headline and the words of its links."""

    title: str | None
    link_texts: frozenset[str]


def _link_texts(tree: HtmlElement) -> frozenset[str]:
    """Normalized words of every link on the page (trafilatura's body no longer shows links)."""
    texts = (" ".join(_words(anchor.text_content())) for anchor in tree.iter("a"))
    return frozenset(text for text in texts if text)


def _title_of(tree: HtmlElement) -> str | None:
    element = tree.find(".//title")
    return _normalize_space(element.text_content()) or None if element is not None else None


def _clean_body(body: etree._Element | None, *, page: _Page) -> tuple[str, Removed]:
    """Text of trafilatura's body tree after chrome blocks are removed, and what was removed."""
    if body is None:
        return "", ()
    seen_text = _body_text(body)
    removals: list[tuple[etree._Element, str, str]] = []
    for index, block in enumerate(_leaf_blocks(body)):
        block_text = _normalize_space("".join(block.itertext()))
        reason = _chrome_reason(block, block_text, is_first=index == 0, page=page)
        if reason:
            removals.append((block, block_text, reason))
    for block, _, _ in removals:
        _drop(block)
    return _body_text(body), _audit_trail(seen_text, removals)


def _body_text(body: etree._Element) -> str:
    """Plain text, one paragraph per line."""
    return _tidy_lines(xmltotxt(body, include_formatting=False))


def _leaf_blocks(body: etree._Element) -> list[etree._Element]:
    """Paragraph-like elements that hold no other paragraph-like element, in document order."""
    blocks = []
    for element in body.iter(*_BLOCK_TAGS):
        if not any(child.tag in _BLOCK_TAGS for child in element.iterdescendants()):
            if _normalize_space("".join(element.itertext())):
                blocks.append(element)
    return blocks


def _chrome_reason(block: etree._Element, text: str, *, is_first: bool, page: _Page) -> str | None:
    if is_first and page.title and block.tag == "head" and _same_words(text, page.title):
        return "repeated title"
    if len(text.split()) > _MAX_CHROME_WORDS:
        return None
    if " ".join(_words(text)) in page.link_texts:
        return "related link"
    for reason, pattern in _CHROME_PATTERNS:
        if pattern.search(text):
            return reason
    return None


def _drop(element: etree._Element) -> None:
    """Remove an element but keep its tail text, which belongs to the parent's flow."""
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail
    if tail and tail.strip():
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)


def _audit_trail(seen_text: str, removals: list[tuple[etree._Element, str, str]]) -> Removed:
    trail, cursor = [], 0
    for _, block_text, reason in removals[:MAX_REMOVED]:
        position = seen_text.find(block_text[:40], cursor)
        if position >= 0:
            cursor = position
        trail.append((max(position, cursor), block_text[:MAX_REMOVED_CHARS], reason))
    return tuple(trail)


def _tidy_lines(text: str) -> str:
    lines = (_normalize_space(line) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def _normalize_space(text: str) -> str:
    return " ".join(text.split())


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def _same_words(text: str, title: str) -> bool:
    a, b = _words(text), _words(title)
    return bool(a) and (a == b or (len(a) >= 4 and " ".join(a) in " ".join(b)))


# ---------------------------------------------------------------- metadata

_URL_DATE = re.compile(r"/((?:19|20)\d\d)[/-](0?[1-9]|1[0-2])[/-](0?[1-9]|[12]\d|3[01])(?:/|[-_]|$)")
_TITLE_SEPARATORS = re.compile(r"\s+[|\u2013\u2014·»:-]\s+")
_LANG_ATTRIBUTE = re.compile(r"<html\b[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})?)", re.I)


def _clean_title(title: str | None, *, sitename: str | None) -> str | None:
    """The headline without a trailing or leading "| Site Name" part."""
    if not title:
        return None
    title = _normalize_space(title)
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) > 1 and sitename:
        site_words = set(_words(sitename))
        kept = [p for p in parts if not (set(_words(p)) and set(_words(p)) <= site_words)]
        if kept and len(kept) < len(parts):
            return " - ".join(kept) if len(kept) > 1 else kept[0]
    return title


def _clean_sitename(sitename: str | None) -> str | None:
    return _normalize_space(sitename) or None if sitename else None


def _publication(page_date: str | None, *, url: str | None) -> tuple[str | None, str | None]:
    """The publication date and where it came from; a date the URL also carries counts as URL."""
    url_date = _url_date(url)
    if page_date and page_date != url_date:
        return page_date, "meta"
    if url_date:
        return url_date, "url"
    return None, None


def _url_date(url: str | None) -> str | None:
    match = _URL_DATE.search(url or "")
    if not match:
        return None
    year, month, day = match.groups()
    return f"{year}-{int(month):02d}-{int(day):02d}"


def _declared_language(html: str) -> str | None:
    """The language the page declares on its <html> element, lower-cased (e.g. "en", "pt-br")."""
    match = _LANG_ATTRIBUTE.search(html[:20000])
    return match.group(1).replace("_", "-").lower() if match else None
