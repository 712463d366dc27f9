"""Per-document chrome removal: what can be recognised without seeing the rest of the corpus.

The input is a scraped or extracted text; the output has one paragraph per line and no page
chrome: ad-slot sizes, mobile and accessibility links, banners, share bars, navigation crumbs,
repeated titles and subtitles, image captions, bylines, and wire-service headers and markup.
Every removal is reported as ``(position, removed_text, reason)``; ``position`` is the
character offset of the removed text in the *input*.

The rules are deliberately narrow: a line goes only when it matches a shape that article prose
does not take. When in doubt a line is kept: a lost body sentence cannot be recovered later,
while a kept crumb costs little (and corpus-level boilerplate learning may still catch it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .metadata import normalize_date

__all__ = ["strip_document_chrome", "Chrome"]

Chrome = tuple[int, str, str]  # (position in the input, removed text, reason)

_TOP_ZONE = 5  # paragraphs at the top that may hold bylines
_HEADER_ZONE = 8  # paragraphs at the top searched for the headline
_TAIL_ZONE = 10  # paragraphs at the end searched for a "most read" list


# ---------------------------------------------------------------------------------------------
# Paragraphs with offsets back into the input


@dataclass(frozen=True)
class _Paragraph:
    text: str
    offsets: tuple[int, ...]  # input offset of each character of ``text``

    @property
    def start(self) -> int:
        return self.offsets[0]

    def head(self, end: int) -> "_Paragraph":
        kept = self.text[:end].rstrip()
        return _Paragraph(kept, self.offsets[: len(kept)])

    def tail(self, start: int) -> "_Paragraph":
        rest = self.text[start:]
        skip = start + len(rest) - len(rest.lstrip())
        return _Paragraph(self.text[skip:], self.offsets[skip:])


# Markup that is never text: an HTML head, comments, tags, control and zero-width characters
# (soft hyphens too: unseen by a reader, they cut a word such as a city name in two for a machine),
# and line ends. Wire copy marks paragraph ends with "<" and starts with a control character.
_CONTROL = re.compile(r"\r\n?|[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f\u200b-\u200d\u00ad\u2060\ufeff]")
_MARKUP = re.compile(
    r"(?P<head><head\b.*?</head\s*>)|(?P<comment><!--.*?-->)"
    # A tag may break over line ends (wrapped text joins it into one line later; a tag
    # recognised only then would make cleaning give another answer when run twice).
    r"|(?P<tag></?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>)"
    r"|(?P<mark><[ \t]*(?=\n|$))",
    re.I | re.S,
)
_INLINE_TAGS = {"a", "b", "i", "u", "em", "strong", "span", "font", "img", "small", "big", "sup", "sub"}
# Only real markup goes: wire copy writes tickers and names in angle brackets ("Plc <BP>").
_MARKUP_TAGS = _INLINE_TAGS | {
    "p", "br", "div", "hr", "html", "head", "body", "title", "meta", "link", "script", "style",
    "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "table", "tr", "td", "th", "tbody",
    "thead", "blockquote", "pre", "figure", "figcaption", "section", "article", "header",
    "footer", "nav", "aside", "iframe", "noscript", "center", "dl", "dt", "dd", "code", "tt",
    "text", "headline", "byline", "dateline", "doc", "docno", "slug", "story", "tag", "caption"}
_TERMINAL = ".!?:;\"'”’)»"


def _substitute(text: str, origin: list[int], pattern: re.Pattern[str], replace) -> tuple[str, list[int]]:
    """Apply ``replace(match) -> str`` to every match, keeping each character's input offset."""
    chars: list[str] = []
    kept: list[int] = []
    cursor = 0
    for match in pattern.finditer(text):
        chars.append(text[cursor : match.start()])
        kept.extend(origin[cursor : match.start()])
        replacement = replace(match)
        chars.append(replacement)
        kept.extend([origin[match.start()] if match.start() < len(origin) else len(origin)] * len(replacement))
        cursor = match.end()
    chars.append(text[cursor:])
    kept.extend(origin[cursor:])
    return "".join(chars), kept


def _tag_gap(match: re.Match[str]) -> str:
    """What removing one markup match leaves (a line-end mark is left in place)."""
    kind, found = match.lastgroup, match.group()
    if kind == "mark":
        return found
    name = found.strip("</>").split()[0].lower() if kind == "tag" and found.strip("</>") else ""
    if kind == "tag" and name not in _MARKUP_TAGS:
        return found
    return " " if name in _INLINE_TAGS else "\n\n"


def _unmark(text: str) -> tuple[str, list[int], list[Chrome]]:
    """``text`` without markup, the input offset of each kept character, and the markup removed.

    Control characters go first, so that markup they split is still recognised as markup.
    """
    # Line-end marks are counted as they stand once tags are gone: "<<b>" ends in a mark when
    # its tag is removed, and cleaning the cleaned text again must find the same marks.
    untagged = _MARKUP.sub(_tag_gap, _CONTROL.sub(lambda m: "\n" if m.group().startswith("\r") else "", text))
    lines = untagged.split("\n")
    marks = sum(1 for line in lines if line.rstrip().endswith("<"))
    wire = marks >= 2 or (marks == 1 and re.search(r"<[ \t]*\r?\n[\x00-\x08\x0e-\x1f]", text) is not None)

    def control(match: re.Match[str]) -> str:
        if match.group().startswith("\r"):
            return "\n"
        return "\n\n" if wire and match.group() < " " else ""

    plain, origin = _substitute(text, list(range(len(text))), _CONTROL, control)
    removals: list[Chrome] = []

    def markup(match: re.Match[str]) -> str:
        kind, found = match.lastgroup, match.group()
        if kind == "mark":
            if not wire:
                return found
            if not any(chunk == "<" for _, chunk, _ in removals):
                removals.append((origin[match.start()], "<", "wire-markup"))  # stands for all marks
            return "\n\n"
        gap = _tag_gap(match)
        if gap == found:  # a tag of no markup language: text, kept
            return found
        first, last = origin[match.start()], origin[match.end() - 1]
        removals.append((first, text[first : last + 1], "wire-markup"))
        return gap

    clean, origin = _substitute(plain, origin, _MARKUP, markup)
    # Removing a mark can join what is left into a tag ("<a<" + newline + ">"): removed in turn,
    # or cleaning the cleaned text again would give another answer.
    for _ in range(3):
        again, again_origin = _substitute(clean, origin, _MARKUP, markup)
        if again == clean:
            break
        clean, origin = again, again_origin
    return clean, origin, removals


def _lines(text: str, origin: list[int]) -> list[_Paragraph | None]:
    """Each line with collapsed whitespace; ``None`` for a blank line."""
    lines: list[_Paragraph | None] = []
    start = 0
    for line in text.split("\n"):
        words = [(m.group(), start + m.start()) for m in re.finditer(r"\S+", line)]
        start += len(line) + 1
        if not words:
            lines.append(None)
            continue
        parts, offsets = [], []
        for word, at in words:
            if parts:
                parts.append(" ")
                offsets.append(offsets[-1] + 1)
            parts.append(word)
            offsets.extend(origin[at + k] for k in range(len(word)))
        lines.append(_Paragraph("".join(parts), tuple(offsets)))
    return lines


def _join(first: _Paragraph, second: _Paragraph) -> _Paragraph:
    return _Paragraph(first.text + " " + second.text, first.offsets + (first.offsets[-1] + 1,) + second.offsets)


def _wrap_width(lines: list[_Paragraph | None]) -> int | None:
    """The width a hard-wrapped document was wrapped at, or ``None`` when it was not wrapped."""
    texts = [line.text for line in lines if line is not None]
    if not texts or None not in lines:
        return None  # without blank lines there is no telling wrapped lines from paragraphs
    width = max(len(t) for t in texts)
    open_long = [t for t in texts if len(t) >= width - 25 and not t.endswith(tuple(_TERMINAL))]
    if 40 <= width <= 100 and len(open_long) >= 3 and len(open_long) >= 0.3 * len(texts):
        return width
    return None


def _indent_starts(clean: str, lines: list[_Paragraph | None]) -> list[bool] | None:
    """Which lines open a paragraph, for hard-wrapped text that marks paragraphs by indenting.

    ``None`` when the text does not look like that (few indented lines, or long unwrapped lines).
    """
    raw = clean.split("\n")
    indented = [bool(re.match(r"(?: {2,}|\t)\S", line)) for line in raw]
    texts = [line.text for line in lines if line is not None]
    if sum(indented[1:]) < 1 or len(texts) - sum(indented) < 2 or max(map(len, texts)) > 100:
        return None
    return indented


def _split_paragraphs(text: str) -> tuple[list[_Paragraph], list[Chrome]]:
    clean, origin, removals = _unmark(text)
    lines = _lines(clean, origin)
    wire = any(reason == "wire-markup" and chunk == "<" for _, chunk, reason in removals)
    starts = _indent_starts(clean, lines) if not wire else None
    width = _wrap_width(lines) if starts is None else None
    paragraphs: list[_Paragraph] = []
    open_paragraph = False
    for number, line in enumerate(lines):
        if line is None:
            open_paragraph = False
            continue
        if starts is not None and starts[number]:
            open_paragraph = False
        if open_paragraph and not _is_separator(line.text) and not _is_separator(paragraphs[-1].text):
            paragraphs[-1] = _join(paragraphs[-1], line)
        else:
            paragraphs.append(line)
        open_paragraph = wire or starts is not None or (width is not None and len(line.text) >= width - 12)
    return paragraphs, removals


def _mend_broken(paragraphs: list[_Paragraph]) -> list[_Paragraph]:
    """Join a line that ends mid-sentence to the next one when that starts in lower case."""
    mended: list[_Paragraph] = []
    for para in paragraphs:
        previous = mended[-1].text if mended else ""
        if (para.text[:1].islower() and previous and not previous.endswith(tuple(_TERMINAL))
                and not _is_separator(previous)):
            mended[-1] = _join(mended[-1], para)
        else:
            mended.append(para)
    return mended


# ---------------------------------------------------------------------------------------------
# Line shapes


def _key(line: str) -> str:
    return " ".join(line.lower().split()).strip(" :|·•-–—")


_AD_SIZE = re.compile(r"^\d{2,4} ?[x×] ?\d{2,4}$", re.I)
_AD_LABELS = {"advertisement", "advertisment", "ad", "sponsored", "sponsored content",
              "story continues below advertisement", "continue reading below", "scroll to continue"}
_MOBILE = {"exit mobile version", "view mobile version", "switch to mobile version", "mobile version",
           "view desktop version", "switch to desktop version", "desktop version", "view full site"}
_ACCESSIBILITY = {"accessibility links", "accessibility", "skip to content", "skip to main content",
                  "skip to navigation", "skip navigation", "skip to main navigation", "jump to navigation",
                  "jump to content", "skip to search", "skip to footer", "skip to the content"}
_BANNERS = {"breaking news", "breaking", "just in", "developing story", "live updates"}
_SHARE_CORE = {"share", "print", "tweet", "facebook", "twitter", "whatsapp", "email", "e-mail", "linkedin",
               "reddit", "pinterest", "telegram", "messenger", "flipboard", "pocket"}
_SHARE_WORDS = _SHARE_CORE | {"this", "article", "story", "page", "on", "via", "to", "click", "opens", "in",
                              "new", "window", "copy", "link", "the", "x", "(opens", "window)", "comments"}
_SEPARATOR = re.compile(r"^[-=_*~#.·•+ ]{3,}$")
_WIRE_STAMP = re.compile(r"^\d{1,2}[:.]\d{2} \d{1,2}/\d{1,2}/\d{2,4}:?\s")
_WIRE_SLUG = re.compile(r"\bPage \d+ \([A-Z]{2,5}\)")
_ADVISORY = re.compile(
    r"^\((?:advisory|memo|mem to|attention|note to|correct\w*|supersedes|re-?opens|repeat\w*|"
    r"with (?:pic|pix|picture|photo|graphic)s?|(?:pic|pix|picture)s? later|embargo\w*|"
    r"not for publication|see [A-Z]{3,}|adds|updates|recasts)\b[^()]*(?:\([^()]*\)[^()]*)*\)?$",
    re.I,
)
_WIRE_CATCHLINE = re.compile(r"^[A-Z0-9-]+/[A-Z0-9/-]+(?: \([A-Z]+(?: \d+)?\))?$")  # TOPIC/SUBJECT (UPDATE 1)
_WIRE_CREDIT = re.compile(r"^\((?:reporting|writing|editing|additional reporting|compiled|written) by [^()]*\)$", re.I)
_EMBARGO = re.compile(r"^(?:embargoed|embargo|not for publication|for immediate release)\b", re.I)
_TRAILERS = {"end", "ends", "more", "mf", "mfl", "mfm", "-30-", "###", "+++", "endit", "eds",
             "reuter", "reuters"}
GLUED_TRAILER = re.compile(r"(?<=[.!?'\"”’)])\s+(?:end|ends|mfl|mf|reuter)$", re.I)
_CAPTION_START = re.compile(
    r"^(?:photo|image|picture|pic|photograph|file photo|caption|credit|photo credit|illustration)\s*[:|/]", re.I)
_CAPTION_AGENCY = re.compile(
    r"\((?:AFP|AP|Reuters|Getty Images|Getty|EPA|PA|Xinhua|ANSA|dpa|Shutterstock|(?i:handout|file|photo|picture))"
    r"(?:[ /][^()]*)?\)$")
_RELATED = re.compile(r"^(?:read more|related|see also|also read|read also|more|watch|listen|read next)\s*:\s*\S", re.I)
_COPYRIGHT = re.compile(r"^(?:©|\(c\)|copyright\b)|\ball rights reserved\b", re.I)
_APPEAL = re.compile(
    r"^(?:subscribe|sign up|donate|support (?:our|independent)|join us|become a (?:member|subscriber)|"
    r"get our|follow us)\b|\bdonate today\b|\bnewsletter$", re.I)
_COOKIES = re.compile(r"\bcookies?\b.*\b(?:accept|agree|consent|settings|policy)\b", re.I)
_READING_TIME = re.compile(r"\b\d+\s*min(?:ute)?s?\s+read\b", re.I)
_LIST_HEADINGS = {"most read", "most popular", "popular now", "trending", "trending now", "editor's picks",
                  "editors' picks", "related stories", "related articles", "read next", "recommended",
                  "more stories", "you may also like", "top stories", "latest news", "more from this section"}
_SELF_DESCRIPTION = re.compile(
    r"\b(?:is an? (?:independent|local|national|regional|digital|online|news)|collects|aggregat\w*|"
    r"summari[sz]ed|publishes|all rights)\b", re.I)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.-]+\b")
_CAPTION_SEGMENTS = {"undated", "logo", "file photo", "file picture", "handout", "archive photo", "file image"}
_SEGMENT_SPLIT = re.compile(r"\s+-{1,2}\s+|\s+[–—|]\s+")
_BYLINE = re.compile(
    r"^(?i:by|reporting by|reported by|written by|words by|report by|text by|story by)\s+"
    r"[A-Z][\w'’.-]*(?:[ ,/&]+(?:[A-Z][\w'’.-]*|and|in|for|of|de|van|von))*$")
_DANGLING = {"a", "an", "and", "as", "at", "by", "for", "from", "in", "of", "on", "or", "the", "to", "with"}
_CRUMB_SEPARATORS = re.compile(r"\s*[›»>/|]\s*")
_CRUMB_CONNECTORS = {"&", "and", "of", "the", "in", "de"}


def _is_separator(line: str) -> bool:
    return bool(_SEPARATOR.match(line)) and any(ch != " " for ch in line)


def _is_share_bar(key: str) -> bool:
    words = key.replace("|", " ").split()
    return 0 < len(words) <= 15 and set(words) <= _SHARE_WORDS and bool(set(words) & _SHARE_CORE)


def _is_sentence(line: str) -> bool:
    return line.rstrip("\"'”’)»").endswith((".", "!", "?", ";", ",", ":", "…"))


def _is_caption(line: str) -> bool:
    words = line.split()
    if len(words) > 30:
        return False
    if _CAPTION_START.match(line) or (len(words) <= 25 and _CAPTION_AGENCY.search(line)):
        return True
    if _is_sentence(line) or len(words) > 20:
        return False
    segments = [s.strip() for s in _SEGMENT_SPLIT.split(line)]
    if any(s.lower() in _CAPTION_SEGMENTS for s in re.split(r",\s*|\s+-{1,2}\s+", line)):
        return True
    return len(segments) >= 2 and any(len(s) <= 30 and _is_date(s) for s in segments)


def _is_date(segment: str) -> bool:
    digits = re.sub(r"[^\d]", "", segment)
    return bool(digits) and normalize_date(segment) is not None and len(segment.split()) <= 5


def _line_reason(line: str) -> str | None:
    """The reason to drop ``line`` wherever it stands, or ``None``."""
    key = _key(line)
    checks = (
        ("separator", _is_separator(line)),
        ("ad-size", bool(_AD_SIZE.match(key))),
        ("ad-label", key in _AD_LABELS),
        ("mobile-chrome", key in _MOBILE),
        ("accessibility-chrome", key in _ACCESSIBILITY),
        ("breaking-banner", key in _BANNERS),
        ("share-bar", _is_share_bar(key)),
        ("wire-header", bool(_WIRE_STAMP.match(line) or _WIRE_SLUG.search(line)) and len(line.split()) <= 15),
        ("wire-header", bool(_WIRE_CATCHLINE.match(line))),
        ("wire-credit", len(line.split()) <= 30 and bool(_WIRE_CREDIT.match(line))),
        ("wire-advisory", bool(_ADVISORY.match(line) or _EMBARGO.match(line)) and len(line.split()) <= 30),
        ("caption", _is_caption(line)),
        *_page_checks(line, key),
    )
    return next((reason for reason, hit in checks if hit), None)


def _page_checks(line: str, key: str) -> tuple[tuple[str, bool], ...]:
    words = len(line.split())
    short = words <= 20
    return (
        ("related-link", short and bool(_RELATED.match(line))),
        ("copyright", short and bool(_COPYRIGHT.search(line))),
        ("appeal", words <= 12 and bool(_APPEAL.search(line))),
        ("cookie-banner", words <= 40 and bool(_COOKIES.search(line))),
        ("byline", words <= 12 and bool(_READING_TIME.search(line))),
        ("nav", _is_nav(line)),
        ("contact-line", words <= 25 and bool(_EMAIL.search(line)) and _is_about_line(line)),
    )


def _is_nav(line: str) -> bool:
    """Three or more short items between pipes or bullets, and no sentence."""
    items = [item.strip() for item in re.split(r"\s[|·•]\s", line)]
    return len(items) >= 3 and all(0 < len(item.split()) <= 3 for item in items) and not _is_sentence(line)


def _is_about_line(line: str) -> bool:
    return bool(re.search(r"\b(?:tips?|contact|write to|email us|e-mail us|newsroom)\b", line, re.I))


def _is_label(line: str) -> bool:
    """A masthead, section or weather line: short, capitalised words or a "Label:" start."""
    words = line.split()
    if _is_sentence(line) or len(words) > 8:
        return False
    return words[0].endswith(":") or all(not w[0].isalpha() or w[0].isupper() for w in words)


def _is_prose(line: str) -> bool:
    return _is_sentence(line) or len(line.split()) > 12


def _comparable(text: str) -> str:
    return " ".join(text.casefold().split()).strip(" .:|-–—\"'“”‘’")


def _looks_like_headline(line: str, following: str) -> bool:
    """Short, no final period, not a sentence broken over two lines."""
    words = line.split()
    return (2 <= len(words) <= 16 and len(line) <= 140 and not _is_sentence(line)
            and (line[0].isupper() or line[0].isdigit() or line[0] in "\"'‘“`")
            and words[-1].lower() not in _DANGLING and not words[-1].endswith(("'s", "’s"))
            and not following[:1].islower())


def _crumb_like(prefix: str) -> bool:
    if re.search(r"[.,;:!?\"()\d]", prefix):
        return False
    words = [w for part in _CRUMB_SEPARATORS.split(prefix) for w in part.split()]
    return (1 <= len(words) <= 8 and words[0][0].isupper()
            and all(w[0].isupper() or w.lower() in _CRUMB_CONNECTORS for w in words))


def _crumb_before(line: str, title: str) -> int | None:
    """Length of a crumb glued before ``title`` at the start of ``line``, or ``None``."""
    if len(line) <= len(title) + 1 or not line.lower().endswith(title.lower()):
        return None
    prefix = line[: len(line) - len(title)]
    if not prefix.endswith(" ") and not _CRUMB_SEPARATORS.search(prefix[-2:]):
        return None
    return len(prefix) if _crumb_like(prefix.strip()) and len(title.split()) >= 3 else None


def _is_crumb_line(line: str) -> bool:
    parts = [p for p in _CRUMB_SEPARATORS.split(line) if p]
    if len(parts) >= 2 and _CRUMB_SEPARATORS.search(line):
        return _crumb_like(line)
    return line.split()[0] == "Home" and 2 <= len(line.split()) <= 6 and _crumb_like(line)


# ---------------------------------------------------------------------------------------------
# The document pass


@dataclass
class _State:
    source: str  # the input: removals quote it exactly, wrapped lines and all
    paragraphs: list[_Paragraph]
    title: str | None
    removals: list[Chrome]
    masthead: str | None = None  # the site's name when it stood above the headline

    def _record(self, para: _Paragraph, start: int, end: int, reason: str) -> None:
        first, last = para.offsets[start], para.offsets[end - 1]
        self.removals.append((first, self.source[first : last + 1], reason))

    def drop(self, index: int, reason: str) -> None:
        para = self.paragraphs.pop(index)
        self._record(para, 0, len(para.text), reason)

    def cut_prefix(self, index: int, length: int, reason: str) -> None:
        para = self.paragraphs[index]
        self._record(para, 0, len(para.text[:length].rstrip()), reason)
        self.paragraphs[index] = para.tail(length)

    def cut_suffix(self, index: int, start: int, reason: str) -> None:
        para = self.paragraphs[index]
        skip = start + len(para.text[start:]) - len(para.text[start:].lstrip())
        self._record(para, skip, len(para.text), reason)
        self.paragraphs[index] = para.head(start)


def strip_document_chrome(text: str, *, title: str | None = None) -> tuple[str, str | None, list[Chrome]]:
    """Remove page chrome from one document: ``(clean_text, title, removals)``.

    ``title`` is the given title, else the first line when it reads like a headline (short, no
    final period); title lines at the top are removed from the text. Calling the function again
    on ``clean_text`` with the returned title changes nothing.

    Example: ``strip_document_chrome("728 x 90\\n\\nStorm hits coast\\n\\nWind rose.")`` gives
    ``("Wind rose.", "Storm hits coast", [(0, "728 x 90", "ad-size"), (10, ...,"title")])``.
    """
    paragraphs, markup = _split_paragraphs(text or "")
    given = " ".join(title.split()) if title else None
    state = _State(text or "", paragraphs, given or None, list(markup))
    for _round in range(10):  # rules uncover each other; a fixpoint comes in two or three rounds
        before = (len(state.removals), len(state.paragraphs))
        state.paragraphs = _mend_broken(state.paragraphs)
        _drop_anywhere(state)
        _strip_top(state)
        _drop_duplicates(state)
        _strip_tail(state)
        if (len(state.removals), len(state.paragraphs)) == before:
            break
    state.removals.sort(key=lambda item: (item[0], item[2], item[1]))
    return "\n".join(p.text for p in state.paragraphs), state.title, state.removals


def _drop_anywhere(state: _State) -> None:
    index = 0
    while index < len(state.paragraphs):
        reason = _line_reason(state.paragraphs[index].text)
        if reason:
            state.drop(index, reason)
        else:
            index += 1


def _drop_duplicates(state: _State) -> None:
    """A subtitle or paragraph scraped twice in a row: the second copy goes."""
    index = 1
    while index < len(state.paragraphs):
        line = state.paragraphs[index].text
        if line == state.paragraphs[index - 1].text and len(line.split()) >= 3:
            state.drop(index, "duplicate-line")
        else:
            index += 1


def _strip_top(state: _State) -> None:
    _strip_page_header(state)
    while state.paragraphs and _strip_first(state):
        pass
    for index in range(min(_TOP_ZONE, len(state.paragraphs)) - 1, -1, -1):
        line = state.paragraphs[index].text
        if len(state.paragraphs) > 1 and len(line.split()) <= 12 and _BYLINE.match(line):
            state.drop(index, "byline")


def _title_anchor(state: _State) -> int | None:
    """Where the headline starts: the given title, a headline repeated below, or one over a byline."""
    top = [p.text for p in state.paragraphs[:_HEADER_ZONE]]
    for index, line in enumerate(top):
        if state.title is not None:
            if _comparable(line) == _comparable(state.title) or _crumb_before(line, state.title):
                return index
            continue
        rest = top[index + 1 :]
        if not _looks_like_headline(line, rest[0] if rest else ""):
            continue
        if any(_comparable(r) == _comparable(line) for r in rest) or (rest and _BYLINE.match(rest[0])):
            glued = [j for j in range(index) if _crumb_before(top[j], line)]
            return glued[0] if glued else index
    return None


def _strip_page_header(state: _State) -> None:
    """Mastheads, section and weather lines above the headline, when none of them is prose."""
    anchor = _title_anchor(state)
    if not anchor or not all(_is_label(p.text) for p in state.paragraphs[:anchor]):
        return
    first = state.paragraphs[0].text
    if len(first.split()) <= 4:
        state.masthead = first
    for _ in range(anchor):
        state.drop(0, "page-header")


def _strip_first(state: _State) -> bool:
    first = state.paragraphs[0].text
    following = state.paragraphs[1].text if len(state.paragraphs) > 1 else None
    if state.title is not None:
        if _comparable(first) == _comparable(state.title):
            state.drop(0, "repeated-title")
            return True
        crumb = _crumb_before(first, state.title)
    else:
        crumb = _crumb_before(first, following) if following else None
    if crumb:
        state.cut_prefix(0, crumb, "crumb")
        return True
    if following is None:
        return False
    if state.title is None and _looks_like_headline(first, following):
        state.title = first
        state.drop(0, "title")
        return True
    if _is_crumb_line(first):
        state.drop(0, "crumb")
        return True
    return False


def _strip_tail(state: _State) -> None:
    while len(state.paragraphs) > 1 and state.paragraphs[-1].text.lower() in _TRAILERS:
        state.drop(len(state.paragraphs) - 1, "wire-trailer")
    if state.paragraphs:
        match = GLUED_TRAILER.search(state.paragraphs[-1].text)
        if match:
            state.cut_suffix(len(state.paragraphs) - 1, match.start(), "wire-trailer")
    _strip_related_list(state)
    if state.masthead and len(state.paragraphs) > 1:
        last = state.paragraphs[-1].text
        if last.startswith(state.masthead + " ") and len(last.split()) <= 30 and _SELF_DESCRIPTION.search(last):
            state.drop(len(state.paragraphs) - 1, "about-line")


def _strip_related_list(state: _State) -> None:
    """A "Most read" style heading near the end and the headlines listed under it."""
    paragraphs = state.paragraphs
    for index in range(len(paragraphs) - 1, max(0, len(paragraphs) - _TAIL_ZONE), -1):
        if _key(paragraphs[index].text) in _LIST_HEADINGS:
            for _ in range(len(paragraphs) - index):
                state.drop(index, "related-list")
            return
        if _is_prose(paragraphs[index].text):
            return
