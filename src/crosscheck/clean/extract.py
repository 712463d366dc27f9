"""HTML main-text extraction: trafilatura as the base, then page chrome it leaves behind removed.

trafilatura (precision mode, comments off) finds the article body as a tree of blocks. Blocks
that are page chrome are dropped, each with a reason: the repeated headline, a block whose words
are exactly a link's on the page (related headlines, "also on" teasers), short share, subscribe
and comment prompts, photo credits, copyright lines. A body that the page's template cut into
several same-class containers is joined again. A second, recall-oriented pass runs only when
the precise pass finds little text. Metadata is read from the page here (htmldate's fast mode
for the date), which costs less than trafilatura's own metadata search. Text keeps one
paragraph per line, so later stages can align sentences.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import trafilatura
from htmldate import find_date
from lxml import etree
from lxml.html import HtmlElement
from trafilatura.utils import load_html
from trafilatura.xml import xmltotxt

from ..errors import ExtractionError
from .metadata import normalize_date, normalize_time

__all__ = ["Extraction", "extract_html"]

# A precise pass that finds fewer characters than this gets a second, recall-oriented pass.
SHORT_BODY_CHARS = 600
# ... and takes the second pass's text only when it is this many times longer.
RECALL_GAIN = 2.0
# Paragraphs a container needs to count as a part of a body split across containers.
MIN_PART_PARAGRAPHS = 2
# Removed blocks kept for the audit trail, and the longest text kept for each.
MAX_REMOVED = 40
MAX_REMOVED_CHARS = 300

# htmldate's fast mode: no free-text search; page dates before a date in the URL path.
_DATE_PARAMS: dict[str, bool] = {
    "extensive_search": False,
    "original_date": True,
    "deferred_url_extractor": True,
}

Removed = tuple[tuple[int, str, str], ...]


@dataclass(frozen=True)
class Extraction:
    """One page's main text and metadata.

    ``text`` holds one paragraph per line (joined by ``"\\n"``). ``published`` is ISO
    ``YYYY-MM-DD``; ``published_from`` is ``"meta"`` (found in the page) or ``"url"`` (a date in
    the URL path). ``published_at`` is the page's publication time in UTC when its metadata
    gives one with a time zone on the ``published`` day, else ``None``. ``removed`` lists notable chrome blocks taken out of trafilatura's output as
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
    published_at: str | None = None


# libxml2's HTML parser keeps at most this many levels and drops what lies deeper, without error
PARSER_MAX_DEPTH = 256


def extract_html(html: str, *, source: str, url: str | None = None,
                 max_depth: int = PARSER_MAX_DEPTH) -> Extraction:
    """Extract the article body and metadata from one HTML page.

    ``source`` names the page in error messages; ``url`` is where the page came from, if known.
    Raises :class:`~crosscheck.errors.ExtractionError` when the page has no usable body, or
    when its elements nest deeper than ``max_depth`` (or reach the parser's own limit,
    ``PARSER_MAX_DEPTH``, below which it silently drops everything).
    """
    if not html or not html.strip():
        raise ExtractionError(source, "empty page: no HTML to extract from")
    tree = load_html(html)
    if tree is None:
        raise ExtractionError(source, "not an HTML page: the parser found no document tree")
    depth = tree_depth(tree, stop=min(max_depth + 1, PARSER_MAX_DEPTH))
    if depth > max_depth or depth >= PARSER_MAX_DEPTH:
        raise ExtractionError(source, _too_deep(depth, max_depth))
    tags = _meta_tags(tree)
    page = _Page(title=_page_title(tree, tags), link_texts=_link_texts(tree))
    text, removed = _body(tree, url=url, page=page)
    if not text:
        raise ExtractionError(source, _no_body_reason(page.title))
    page_url = _canonical_url(tree, tags) or url
    published, published_from = _publication(tree, url=url or page_url)
    return Extraction(
        text=text,
        title=page.title,
        sitename=_sitename(tags),
        url=page_url,
        published=published,
        published_from=published_from,
        language=_declared_language(tree, tags),
        removed=removed,
        published_at=_publication_time(tree, tags, published) if published_from == "meta" else None,
    )


def tree_depth(tree: HtmlElement, *, stop: int | None = None) -> int:
    """How deep the elements of ``tree`` nest (the root is 1); counting ends at ``stop``."""
    deepest, stack = 0, [(tree, 1)]
    while stack:
        element, depth = stack.pop()
        if depth > deepest:
            deepest = depth
            if stop is not None and deepest >= stop:
                return deepest
        stack.extend((child, depth + 1) for child in element)
    return deepest


def _too_deep(depth: int, max_depth: int) -> str:
    if depth >= PARSER_MAX_DEPTH:
        return (f"markup is nested {PARSER_MAX_DEPTH} elements deep: the HTML parser drops "
                "everything deeper, so the page cannot be read whole")
    return (f"markup is nested more than max_markup_depth={max_depth} elements deep; "
            "raise max_markup_depth to read it")


def _body(tree: HtmlElement, *, url: str | None, page: _Page) -> tuple[str, Removed]:
    """A precise pass, then a recall pass when the precise one kept only a fragment."""
    found = _clean_body(_run_trafilatura(tree, url=url, favor_precision=True), page=page)
    if len(found[0]) >= SHORT_BODY_CHARS:
        return _with_split_parts(tree, found, page=page)
    second = _clean_body(_run_trafilatura(tree, url=url, favor_recall=True), page=page)
    # a little more text is usually chrome; a fragment against a full body is a miss
    best = second if len(second[0]) > RECALL_GAIN * len(found[0]) else found
    return ("", best[1]) if _only_link_words(best[0], page) else best


def _with_split_parts(tree: HtmlElement, found: tuple[str, Removed], *, page: _Page) -> tuple[str, Removed]:
    """Add body parts that templates split into sibling containers (between ads, say).

    trafilatura keeps the container that holds most of the text; a page that cuts its body into
    several containers of the same tag and class loses the others. Their paragraphs go before
    or after the found text, by where they sit in the page.
    """
    lines = found[0].split("\n")
    kept = {" ".join(_words(line)) for line in lines}
    container = _body_container(tree, kept)
    if container is None:
        return found
    before, after = [], []
    # parts stay near the found one (same grandparent): comments far down reuse body classes
    scope = container.getparent().getparent() if container.getparent() is not None else None
    if scope is None:
        return found
    for part in scope.iterdescendants(container.tag):
        if part is container:
            before, after = after, []  # parts seen so far come before the found text
        elif part.get("class") == container.get("class"):
            after.extend(_part_paragraphs(part, kept, page=page))
    if not before and not after:
        return found
    return "\n".join([*before, *lines, *after]), found[1]


def _body_container(tree: HtmlElement, kept: set[str]) -> HtmlElement | None:
    """The classed element whose paragraphs trafilatura kept most of, if any."""
    votes: dict[HtmlElement, int] = {}
    for paragraph in tree.iter("p"):
        parent = paragraph.getparent()
        if parent is not None and parent.get("class") and " ".join(_words(paragraph.text_content())) in kept:
            votes[parent] = votes.get(parent, 0) + 1
    if not votes:
        return None
    best = max(votes, key=votes.__getitem__)
    return best if votes[best] >= MIN_PART_PARAGRAPHS else None


def _part_paragraphs(part: HtmlElement, kept: set[str], *, page: _Page) -> list[str]:
    paragraphs = []
    for paragraph in part.iter("p"):
        text = _normalize_space(paragraph.text_content())
        words = " ".join(_words(text))
        if words and words not in kept and not _chrome_reason(text, is_first=False, page=page):
            paragraphs.append(text)
            kept.add(words)
    return paragraphs if len(paragraphs) >= MIN_PART_PARAGRAPHS else []


def _only_link_words(text: str, page: _Page) -> bool:
    """A short text made only of words from the page's links is a menu, not an article."""
    link_words = {word for link in page.link_texts for word in link.split()}
    return all(word in link_words for word in _words(text))


def _run_trafilatura(tree: HtmlElement, *, url: str | None, favor_precision: bool = False,
                     favor_recall: bool = False) -> etree._Element | None:
    # trafilatura works on its own copy of the tree, so one parse serves both passes; metadata
    # is read here instead, without trafilatura's author and tag searches
    document = trafilatura.bare_extraction(
        tree,
        url=url,
        include_comments=False,
        favor_precision=favor_precision,
        favor_recall=favor_recall,
    )
    return document.body if document is not None else None


def _no_body_reason(title: str | None) -> str:
    if title:
        return f"no article body found: the page has a title ({title[:80]!r}) but no paragraphs of text"
    return "no article body found: no title and no paragraphs of text in the page"


# ---------------------------------------------------------------- body: chrome left by trafilatura

# table cells are left alone: a linked name in a cell is data, not a teaser
_BLOCK_TAGS = frozenset({"p", "head", "item", "quote"})

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


def _clean_body(body: etree._Element | None, *, page: _Page) -> tuple[str, Removed]:
    """Text of trafilatura's body tree after chrome blocks are removed, and what was removed."""
    if body is None:
        return "", ()
    seen_text = _body_text(body)
    removals: list[tuple[etree._Element, str, str]] = []
    for index, block in enumerate(_leaf_blocks(body)):
        block_text = _normalize_space("".join(block.itertext()))
        reason = _chrome_reason(block_text, is_first=index == 0, page=page)
        if reason:
            removals.append((block, block_text, reason))
    for block, _, _ in removals:
        _drop(block)
    if any(block is body for block, _, _ in removals):  # the one block trafilatura found was chrome
        return "", _audit_trail(seen_text, removals)
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


def _chrome_reason(text: str, *, is_first: bool, page: _Page) -> str | None:
    if is_first and page.title and _same_words(text, page.title):
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
# " | Site", " - Site", " — Site"; a colon usually starts a subtitle, so it is not one of them
_TITLE_SEPARATOR = re.compile(r"\s+[|\u2013\u2014·»-]\s+")
_LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})?$")
# A title part this short after a separator is taken for the site's name ("Story | Site").
_MAX_SITE_PART_WORDS = 4


def _meta_tags(tree: HtmlElement) -> dict[str, str]:
    """``<meta>`` contents by lower-cased property, name or itemprop; the first one wins."""
    tags: dict[str, str] = {}
    for element in tree.iter("meta"):
        content = _normalize_space(element.get("content") or "")
        key = element.get("property") or element.get("name") or element.get("itemprop") \
            or element.get("http-equiv")
        if content and key:
            tags.setdefault(key.strip().lower(), content)
    return tags


def _first(tags: dict[str, str], *keys: str) -> str | None:
    return next((tags[key] for key in keys if tags.get(key)), None)


def _page_title(tree: HtmlElement, tags: dict[str, str]) -> str | None:
    """The headline: social-card title, else ``<title>``, without a site part; else the h1."""
    title = _first(tags, "og:title", "twitter:title") or _element_text(tree, "title")
    title = _without_site_part(title, sitename=_sitename(tags))
    return title or _element_text(tree, "h1")


def _sitename(tags: dict[str, str]) -> str | None:
    name = _first(tags, "og:site_name", "application-name")
    return name.lstrip("@") or None if name else None


def _without_site_part(title: str | None, *, sitename: str | None) -> str | None:
    """``"Story | Site"`` to ``"Story"``: parts made of the site's words, else a short last part."""
    if not title:
        return None
    parts = _TITLE_SEPARATOR.split(title)
    if len(parts) < 2:
        return title
    site_words = set(_words(sitename or ""))
    kept = [part for part in parts if not (site_words and set(_words(part)) <= site_words)]
    last_is_short = len(parts[-1].split()) <= _MAX_SITE_PART_WORDS < len(parts[0].split())
    if len(kept) == len(parts) and last_is_short:
        kept = parts[:-1]
    return " - ".join(kept) if kept else title


def _element_text(tree: HtmlElement, tag: str) -> str | None:
    element = next(tree.iter(tag), None)
    return _normalize_space(element.text_content()) or None if element is not None else None


def _canonical_url(tree: HtmlElement, tags: dict[str, str]) -> str | None:
    for link in tree.iter("link"):
        href = (link.get("href") or "").strip()
        if "canonical" in (link.get("rel") or "").lower() and href.startswith(("http://", "https://")):
            return href
    og_url = tags.get("og:url", "")
    return og_url if og_url.startswith(("http://", "https://")) else None


def _publication(tree: HtmlElement, *, url: str | None) -> tuple[str | None, str | None]:
    """The original publication date and where it came from: the page itself, else its URL."""
    try:
        # Without the URL, so a date found here really is the page's own ("meta").
        page_date = find_date(tree, **_DATE_PARAMS)
    except ValueError:  # htmldate refuses some malformed trees; the URL may still say
        page_date = None
    if page_date:
        return page_date, "meta"
    url_date = _url_date(url)
    return (url_date, "url") if url_date else (None, None)


# The page's own publication time: meta tags first, then JSON-LD, then a <time> element.
_TIME_TAGS = ("article:published_time", "og:published_time", "datepublished", "pubdate",
              "publishdate", "dc.date.issued", "dcterms.created")
_JSON_LD_PUBLISHED = re.compile(r'"datePublished"\s*:\s*"([^"]{10,40})"')


def _publication_time(tree: HtmlElement, tags: dict[str, str], published: str) -> str | None:
    """The first zoned timestamp the page gives for its ``published`` day, in UTC. A timestamp
    of another day (an update, a related item) is not this page's publication time."""
    scripts = [s.text or "" for s in tree.iter("script") if "ld+json" in (s.get("type") or "")]
    candidates = [tags.get(key) for key in _TIME_TAGS]
    candidates += [m.group(1) for text in scripts for m in _JSON_LD_PUBLISHED.finditer(text)]
    candidates += [element.get("datetime") for element in tree.iter("time")]
    for value in candidates:
        if value and normalize_date(value) == published and (found := normalize_time(value)):
            return found
    return None


def _url_date(url: str | None) -> str | None:
    match = _URL_DATE.search(url or "")
    if not match:
        return None
    year, month, day = match.groups()
    return f"{year}-{int(month):02d}-{int(day):02d}"


def _declared_language(tree: HtmlElement, tags: dict[str, str]) -> str | None:
    """The language the page declares (``<html lang>``, then meta tags), e.g. "en" or "pt-br"."""
    for declared in (tree.get("lang"), tree.get("xml:lang"), _first(tags, "content-language", "og:locale", "language")):
        code = (declared or "").strip().replace("_", "-").lower().split(",")[0]
        if _LANGUAGE_CODE.match(code):
            return code
    return None
