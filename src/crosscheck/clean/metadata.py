"""Text metadata: publication dates and times, outlet from URL, language.

Dates decide the direction of derivation later on, so a date is only taken where its origin is
clear: a date in the URL path, or a dateline or publication line before the first sentence of
the text (:func:`find_published`). A date inside a sentence is a date the story talks about (a
bond "due April 2, 1992", "the year ending March 31, 1991", "on April 19, ..."), not the day it
was published; on Reuters-21578 (all 1987) taking any date near the top gave 20 right of 104. A time of day
(:func:`normalize_time`) is only taken from a timestamp that names its time zone, so that two
outlets' times compare in UTC; it orders two copies made on the same day.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from urllib.parse import urlsplit

__all__ = ["dateline_date", "find_published", "normalize_date", "normalize_time", "outlet_from_url", "detect_language"]

_MONTHS = {
    name: number
    for number, names in enumerate(
        [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
         ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
         ("october", "oct"), ("november", "nov"), ("december", "dec")],
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAY = r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|mon|tue|wed|thu|fri|sat|sun)\.?,?\s+"

_DATE_PATTERNS = [
    # 2019-04-24, 2019/04/24, 2019.04.24 (also at the start of an ISO timestamp)
    re.compile(r"\b(?P<year>(?:19|20)\d\d)[-/.](?P<mnum>\d{1,2})[-/.](?P<day>\d{1,2})(?!\d)"),
    # May 25, 2020 / Wednesday, April 24, 2019 / Apr. 24 2019
    re.compile(rf"\b(?:{_WEEKDAY})?{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>(?:19|20)\d\d)\b", re.I),
    # Monday 24 April 2019 / 24th of April, 2019
    re.compile(rf"\b(?:{_WEEKDAY})?(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s+(?P<year>(?:19|20)\d\d)\b", re.I),
    # 26-FEB-1987 15:01:01.79 (Reuters), 05-Mar-2021
    re.compile(rf"\b(?P<day>\d{{1,2}})-{_MONTH}-(?P<year>(?:19|20)\d\d)\b", re.I),
    # 24/04/2019, 24.04.2019, 01/03/00 (day first; month first only when day first is impossible)
    re.compile(r"(?<![\d/.])(?P<first>\d{1,2})[/.](?P<second>\d{1,2})[/.](?P<year>\d{4}|\d{2})(?![\d/])"),
]

# /2019/04/24/, /2019-04-24-, /20190424/ and /2019/04/ (month only is not a date: skipped)
_URL_DATE = re.compile(
    r"(?<!\d)(?P<year>(?:19|20)\d\d)(?P<sep>[/_-]?)(?P<month>0[1-9]|1[0-2]|[1-9])(?P=sep)"
    r"(?P<day>0[1-9]|[12]\d|3[01]|[1-9])(?!\d)"
)


def _iso(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def _full_year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        # Two-digit years in news archives: 70-99 are the 1900s, 00-69 the 2000s.
        year += 1900 if year >= 70 else 2000
    return year


def _from_match(match: re.Match[str]) -> str | None:
    groups = match.groupdict()
    year = _full_year(groups["year"])
    if groups.get("month"):
        return _iso(year, _MONTHS[groups["month"].lower()], int(groups["day"]))
    if groups.get("mnum"):
        return _iso(year, int(groups["mnum"]), int(groups["day"]))
    first, second = int(groups["first"]), int(groups["second"])
    return _iso(year, second, first) or _iso(year, first, second)


def normalize_date(value: str) -> str | None:
    """The first date in ``value`` as ISO ``YYYY-MM-DD``, or ``None`` when there is none.

    Numeric dates are read day first (``24/04/2019``), month first only when day first is not
    a valid date (``04/24/2019``).
    """
    if not value:
        return None
    found = [(m.start(), _from_match(m)) for pattern in _DATE_PATTERNS for m in pattern.finditer(value)]
    valid = sorted((start, iso) for start, iso in found if iso)
    return valid[0][1] if valid else None


# 2024-03-05T11:52:00Z, 2024-03-05 15:10+01:00, 2024-03-05T15:10:00.000+0100, ... 10:05 GMT
_TIMESTAMP = re.compile(
    r"\b(?P<year>(?:19|20)\d\d)-(?P<month>\d\d)-(?P<day>\d\d)[T ](?P<hour>[01]\d|2[0-3]):"
    r"(?P<minute>[0-5]\d)(?::(?P<second>[0-5]\d)(?:[.,]\d+)?)?\s*"
    r"(?P<zone>Z|UTC|GMT|[+-](?:[01]\d|2[0-3]):?[0-5]\d)(?![\d:])", re.I)


def normalize_time(value: str | None) -> str | None:
    """The first timestamp with a time zone in ``value`` as UTC ``YYYY-MM-DDTHH:MM:SSZ``, or
    ``None``: a bare date or a time without a zone cannot be compared across outlets."""
    match = _TIMESTAMP.search(value or "")
    if not match:
        return None
    zone = match["zone"].upper().replace(":", "")
    offset = timedelta(0) if zone in ("Z", "UTC", "GMT") else \
        (1 if zone[0] == "+" else -1) * timedelta(hours=int(zone[1:3]), minutes=int(zone[3:5]))
    try:
        local = datetime(int(match["year"]), int(match["month"]), int(match["day"]),
                         int(match["hour"]), int(match["minute"]), int(match["second"] or 0),
                         tzinfo=timezone(offset))
    except ValueError:  # 2024-02-30T10:00Z is no time
        return None
    return local.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _date_in_url(url: str) -> str | None:
    path = urlsplit(url).path
    for match in _URL_DATE.finditer(path):
        iso = _iso(int(match["year"]), int(match["month"]), int(match["day"]))
        if iso:
            return iso
    return None


# A publication line: "Published: 4 March 2021", "Updated on Mar 4, 2021 10:05 GMT", "Posted ...".
_PUBLICATION_LINE = re.compile(
    r"^\W*(?:(?:first|last|originally|story)\s+)?(?:published|updated|posted|released|created|dated?|modified)"
    r"\b(?:\s+(?:on|at))?\s*[:\-\u2013\u2014]?\s*", re.I)
# What may stand before a dateline's date: a place ("VELMORA, ", "Port Amra (Lorn), "), a time
# of day ("16:54 ", a wire header), a byline ("By Ana Ruiz | "), "on", nothing else. Words that make
# the date a date the story talks about ("Due", "Until", "Ending") are no place.
# (a scrape's tokeniser may space it out: "1: 35 p. m.")
_TIME = r"\d{1,2}\s?[:.]\s?\d\d(?::\d\d)?(?:\s*(?:[AaPp](?:\.?\s?[Mm]\.?)?|hrs?)\b)?(?:\s+[A-Z]{2,4}\b)?"
_PLACE_WORD = r"(?!(?:Due|Until|Till|Before|After|Ending|Ended|Ends|From|To|Through|On|In|At|Since|For|Of|And|The|Or)\b)[A-Z][\w.'\u2019-]*"
_DATELINE_PREFIX = re.compile(
    rf"^\W*(?:By\s+[^|\n]{{2,60}}?\s*[|\u2022\u00b7]\s*)?(?:on\s+)?(?:{_PLACE_WORD}(?:[\s,/()-]+{_PLACE_WORD}){{0,4}})?"
    rf"[\s,()|\u2022\u00b7\u2013\u2014-]*(?:{_TIME}\s*[,|]?\s*)?$")
# What may follow it: a time, a time zone, then a dash, bar, colon, parenthesis or the line's
# end (a full stop may close a line that holds only the date and time).
_DATELINE_SUFFIX = re.compile(
    rf"^\s*,?\s*(?:(?:at\s+|@\s*)?{_TIME}\s*(?:[A-Z]{{2,4}}|[+-]\d\d:?\d\d)?\s*)?(?:[-\u2013\u2014|:(/]|\.?\s*$)")
# A line holding only a date: "on" or a time before it, a time, a zone, ", updated ..." or a
# full stop after it.
_DATE_ONLY_PREFIX = re.compile(rf"^\W*(?:on\s+)?(?:{_TIME}\s*[,|]?\s*)?$", re.I)
_DATE_ONLY_SUFFIX = re.compile(
    rf"^\s*,?\s*(?:(?:at\s+|@\s*)?{_TIME}\s*(?:[A-Z]{{2,4}}|[+-]\d\d:?\d\d)?\s*)?"
    rf"(?:\.?\s*$|,\s*(?:updated|posted|published)\b)", re.I)
# A hard-wrapped line ending mid-sentence belongs to a sentence: no dateline below it.
_WRAPS = re.compile(r"[a-z,;]\s*$")


def _head_lines(text: str, *, max_lines: int = 3, max_chars: int = 400) -> list[tuple[str, bool]]:
    """The first non-blank lines, each with whether a blank line follows it."""
    raw = text[: max_chars * 2].splitlines()
    kept, total = [], 0
    for i, line in enumerate(raw):
        if not line.strip():
            continue
        blank_after = i + 1 < len(raw) and not raw[i + 1].strip()
        kept.append((line[: max_chars - total], blank_after))
        total += len(line) + 1
        if len(kept) == max_lines or total >= max_chars:
            break
    return kept


def _dates_in(line: str) -> list[tuple[int, int, str]]:
    found = [(m.start(), m.end(), _from_match(m)) for pattern in _DATE_PATTERNS for m in pattern.finditer(line)]
    return sorted((start, end, iso) for start, end, iso in found if iso)


def dateline_date(text: str, *, title: str | None = None) -> str | None:
    """The date of a dateline or publication line before the first sentence of ``text``, or
    ``None``.

    Looked for in the first three non-blank lines (at most 400 characters), a headline equal to
    ``title`` at the start of a line set aside: a publication line ("Published", "Updated",
    "Posted", "Created" and a date), a line holding only a date (with a weekday, "on", a time
    and a time zone: "Saturday, Sep 14, 2013", "on April 30, 2008 at 4:31 AM"), or a dateline: a
    date with at most a place, a time of day or a byline before it and a dash, bar, colon,
    parenthesis or the line's end after it ("VELMORA, March 4, 2021 - The union ..."). A
    dateline counts only before the first line that reads as a sentence (it ends in ``.``,
    ``!`` or ``?``); nothing counts on a line that a hard-wrapped sentence runs into. So a date
    the story talks about never counts.
    """
    in_body = wraps = False
    for line, blank_after in _head_lines(text or ""):
        headline = bool(title) and line.strip() == title.strip()
        if title and line.startswith(title) and len(line) > len(title):
            line = line[len(title):]
        iso = _line_date(line, in_body=in_body, wrapped=wraps)
        if iso:
            return iso
        stripped = line.rstrip()
        # a headline or standfirst has no full stop; a hard-wrapped line (50 to 80 characters,
        # ending mid-sentence, no blank line after, not the ``title``) runs on into the next
        in_body = in_body or stripped.endswith((".", "!", "?"))
        wraps = (not headline and not blank_after and 50 <= len(stripped) <= 80
                 and bool(_WRAPS.search(stripped)))
        in_body = in_body or wraps
    return None


def _line_date(line: str, *, in_body: bool, wrapped: bool) -> str | None:
    publication = _PUBLICATION_LINE.match(line)
    dates = _dates_in(line)
    # "Updated 3:09 AM EST Dec 19, 2008": a time may come first
    if publication and dates and dates[0][0] <= publication.end() + 30:
        return dates[0][2]
    if wrapped:
        return None
    for start, end, iso in dates:
        prefix, suffix = line[:start], line[end:]
        if _DATE_ONLY_PREFIX.match(prefix) and _DATE_ONLY_SUFFIX.match(suffix):
            return iso
        if not in_body and _DATELINE_PREFIX.match(prefix) and _DATELINE_SUFFIX.match(suffix):
            return iso
    return None


def find_published(text: str, *, url: str | None = None, not_after: str | None = None,
                   title: str | None = None) -> tuple[str | None, str | None]:
    """``(ISO date, "url" | "text")`` or ``(None, None)``.

    The URL path wins (it was set when the page was published); otherwise a dateline or
    publication line before the first sentence (:func:`dateline_date`). A text date later than
    ``not_after`` (an ISO date another source gives as the latest possible, e.g. when the page
    was crawled) is no publication date and is dropped.
    """
    if url:
        iso = _date_in_url(url)
        if iso:
            return iso, "url"
    iso = dateline_date(text or "", title=title)
    if iso and not_after and iso > not_after[:10]:
        return None, None
    return (iso, "text") if iso else (None, None)


def outlet_from_url(url: str | None) -> str | None:
    """The host of ``url`` in lower case without ``www.`` and port, e.g. ``example.com``."""
    if not url:
        return None
    host = urlsplit(url if "//" in url else "//" + url).hostname
    if not host:
        return None
    host = host.lower().rstrip(".")
    return host[4:] if host.startswith("www.") and host.count(".") > 1 else host


def _classify(sample: str) -> tuple[str, float]:
    # py3langid keeps one identifier per process, loaded on first use (about a second).
    import py3langid

    return py3langid.classify(sample)


def detect_language(text: str, *, min_letters: int = 20) -> str | None:
    """ISO 639-1 code of the language of ``text`` (first 2000 characters), or ``None``.

    Texts with fewer than ``min_letters`` letters are too short to tell and give ``None``.
    """
    sample = (text or "")[:2000]
    if sum(ch.isalpha() for ch in sample) < min_letters:
        return None
    language, _score = _classify(sample)
    return str(language)
