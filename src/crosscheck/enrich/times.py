"""Time expressions: dates, ranges and relative times resolved to intervals of ISO dates.

``resolve_time`` reads one expression without spaCy; ``extract_times`` finds them in a parsed
article. Every interval ``[low, high]`` is inclusive. Kinds:

- ``date`` ("25 May 2020", "Wednesday, April 24", "2019-04-24"), ``month`` ("April 2019",
  "last January"), ``year`` ("in 2018", "last year"), ``decade`` ("the 1980s"), ``range``
  ("March 21, 2017-March 20, 2018", "2017-18", "April 1-5, 2019");
- ``weekday`` ("on Wednesday": the latest Wednesday on or before publication; "last Wednesday"
  strictly before it), ``relative`` ("yesterday", "three days ago", "last week"), ``period``
  ("the past year", "in recent weeks", "the last twelve months": back from publication to it;
  "recent"/"few" count as 5 units, "several" as 9, "a couple of" as 2), ``since`` ("since
  1979": from the start of 1979 to publication; also an expression after "since" or "since the
  spring of" that the pattern matched alone, "since last year");
- ``iranian-year`` ("the last Iranian year": the Solar Hijri year before the one holding the
  publication date; "Iranian year 1397") and ``holiday`` ("the Iranian New Year": the 13 days
  of Nowruz), both with calendar ``solar-hijri``.

A date without a year takes the publication year (the year before when that would put it more
than 60 days after publication), unless the verb it hangs on is in the future tense
(:func:`time_tense`): then it takes the next such date ("payable July 27", "will redeem on June
1", "expected to close by early April"), or one at most 30 days before publication (a schedule
that just passed); a bare weekday in the future tense ("will meet on Friday") is the next one.
A date without a year that the article has already given with one ("August 21" after "August
21, 1997") is that day again. A past tense says nothing here: news reports plans with a past
reporting verb ("said closing is on March 6"), and 13 of 14 dates a past-tense rule moved back a
year on Reuters were wrong. Without a publication date, relative expressions keep their
kind and text with ``low``/``high`` ``None``; a date with a weekday but no year ("Wednesday,
April 24") takes the year nearest ``near_year`` (the latest year the article names) in which
that day falls on that weekday, and other dates without a year then take ``anchor``'s year.

Solar Hijri years start on Nowruz: the day of the March equinox in Iran when the equinox comes
before noon at 52.5 degrees east (08:30 UTC), else the day after. The equinox instant comes from
Meeus' formula (Astronomical Algorithms, ch. 27: mean equinox plus 24 periodic terms), accurate
to a minute or two, so only an equinox within minutes of that noon could be put a day off.
"""

from __future__ import annotations

import bisect
import math
import re
from calendar import monthrange
from datetime import date, datetime, timedelta

from ..records import Article, TimeExpr, content_id

__all__ = ["extract_times", "resolve_time", "time_tense", "nowruz", "solar_hijri_year"]

Resolved = tuple[str, str | None, str | None, str | None]

_MONTHS = {m: i + 1 for i, m in enumerate(
    "january february march april may june july august september october november december"
    .split())}
_MONTH_ABBR = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
               "sept": 9, "oct": 10, "nov": 11, "dec": 12}
_WEEKDAYS = {d: i for i, d in enumerate(
    "monday tuesday wednesday thursday friday saturday sunday".split())}
_COUNT_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
                "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
                "eighteen": 18, "twenty": 20, "thirty": 30, "few": 5, "a few": 5, "recent": 5,
                "several": 9, "couple of": 2, "a couple of": 2}
_UNIT_DAYS = {"day": 1, "week": 7}
_UNIT_MONTHS = {"month": 1, "year": 12, "decade": 120}

_MONTH_RE = ("(?:January|February|March|April|May|June|July|August|September|October|November|"
             r"December|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|"
             r"Dec\.?)(?![a-z])")
_WEEKDAY_RE = "(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_DAY_RE = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?(?!\d)"
_YEAR_RE = r"(?:1[6-9]\d\d|20\d\d)(?!\d)"
_COUNT_RE = r"(?:\d+|" + "|".join(sorted(_COUNT_WORDS, key=len, reverse=True)) + ")"
_UNIT_RE = r"(?:days?|weeks?|months?|years?|decades?)"
_ABS = (rf"{_YEAR_RE}-[01]\d-[0-3]\d|(?:{_WEEKDAY_RE},?\s+)?(?:{_MONTH_RE}\s+{_DAY_RE}"
        rf"(?:,?\s+{_YEAR_RE})?|(?:the\s+)?{_DAY_RE}\s+(?:of\s+)?{_MONTH_RE}(?:,?\s+{_YEAR_RE})?)"
        rf"|{_MONTH_RE},?\s+{_YEAR_RE}|{_MONTH_RE}\s+(?i:last|this)\s+year")
_PATTERNS = [
    r"(?i:(?:the\s+)?(?:last|previous|past|current|this)\s+(?:iranian|persian)\s+(?:calendar\s+)?"
    r"year|(?:iranian|persian)\s+(?:calendar\s+)?year\s+1[34]\d\d|(?:the\s+)?(?:iranian|persian)"
    r"\s+new\s+year)",
    rf"(?:(?i:between|from)\s+)?(?:{_ABS})\s*(?:-|\u2013|\u2014|(?i:to|and|until|through))\s*"
    rf"(?:{_ABS}|{_DAY_RE}(?:,?\s+{_YEAR_RE})?)",
    rf"(?:(?i:between|from)\s+)?{_YEAR_RE}\s*(?:-|\u2013|(?i:to|and))\s*(?:{_YEAR_RE}|\d\d(?!\d))",
    rf"(?:(?i:since)\s+)?(?:{_ABS}|(?i:the\s+)?{_YEAR_RE}s|{_YEAR_RE})",
    r"(?i:the\s+day\s+before\s+yesterday|yesterday|today|tonight|tomorrow|last\s+night|"
    r"this\s+(?:morning|afternoon|evening))",
    rf"(?i:{_COUNT_RE}\s+{_UNIT_RE}\s+ago)",
    rf"(?i:(?:the\s+)?(?:past|last|previous|recent|coming|next)\s+(?:{_COUNT_RE}\s+)?{_UNIT_RE}"
    rf"|recent\s+{_UNIT_RE}|(?:last|this|next|earlier\s+this|later\s+this)\s+(?:week|month|year))",
    rf"(?:(?i:last|next|this)\s+)?{_WEEKDAY_RE}",
    rf"(?:(?i:last|this|next|early|late)\s+)?{_MONTH_RE}",
]
_FINDER = re.compile("|".join(f"(?<![\\w-])(?:{p})(?![\\w])" for p in _PATTERNS))


def resolve_time(text: str, *, published: date | None, near_year: int | None = None,
                 anchor: date | None = None, tense: str | None = None) -> Resolved:
    """Resolve one expression: ``(kind, low, high, calendar)`` with ISO dates or ``None``.
    ``tense`` (:func:`time_tense` of the verb the expression hangs on): "future" picks the next
    year a date without one can fall in, and the next week for a bare weekday; "past" and
    ``None`` leave the publication date to decide.

    Never raises; what it cannot read is ``("unresolved", None, None, None)``.

    >>> resolve_time("last Iranian year", published=date(2019, 4, 25))
    ('iranian-year', '2018-03-21', '2019-03-20', 'solar-hijri')
    """
    try:
        phrase = re.sub(r"\s+", " ", str(text)).strip()
        phrase = re.sub(r"^(?i:on|in|during|over|earlier on)\s+", "", phrase)
        kind, low, high, calendar = _resolve(phrase, published, near_year, anchor, tense)
    except (ValueError, OverflowError, IndexError, KeyError):
        return ("unresolved", None, None, None)
    return (kind, _iso(low), _iso(high), calendar)


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _resolve(phrase: str, published: date | None, near_year: int | None, anchor: date | None,
             tense: str | None = None):
    lower = phrase.lower()
    context = _Context(published, near_year, anchor, tense)
    for reader in (_read_iranian, _read_since, _read_range, _read_absolute, _read_relative_day,
                   _read_ago, _read_period, _read_weekday, _read_month_alone):
        found = reader(phrase, lower, context)
        if found is not None:
            return found
    return ("unresolved", None, None, None)


class _Context:
    """What a relative or year-less expression is resolved against."""

    def __init__(self, published: date | None, near_year: int | None, anchor: date | None,
                 tense: str | None = None):
        self.published, self.near_year, self.anchor = published, near_year, anchor
        self.tense = tense

    @property
    def reference(self) -> date | None:
        return self.published or self.anchor


# --- Solar Hijri --------------------------------------------------------------------------------

_EQUINOX_TERMS = (
    (485, 324.96, 1934.136), (203, 337.23, 32964.467), (199, 342.08, 20.186),
    (182, 27.85, 445267.112), (156, 73.14, 45036.886), (136, 171.52, 22518.443),
    (77, 222.54, 65928.934), (74, 296.72, 3034.906), (70, 243.58, 9037.513),
    (58, 119.81, 33718.147), (52, 297.17, 150.678), (50, 21.02, 2281.226),
    (45, 247.54, 29929.562), (44, 325.15, 31555.956), (29, 60.93, 4443.417),
    (18, 155.12, 67555.328), (17, 288.79, 4562.452), (16, 198.04, 62894.029),
    (14, 199.76, 31436.921), (12, 95.39, 14577.848), (12, 287.11, 31931.756),
    (12, 320.81, 34777.259), (9, 227.73, 1222.114), (8, 15.45, 16859.074),
)


def march_equinox(year: int) -> datetime:
    """The March equinox of a Gregorian year (1000..3000), UTC to a minute or two."""
    y = (year - 2000) / 1000
    jde = (2451623.80984 + 365242.37404 * y + 0.05169 * y**2 - 0.00411 * y**3
           - 0.00057 * y**4)
    t = (jde - 2451545.0) / 36525
    w = math.radians(35999.373 * t - 2.47)
    spread = 1 + 0.0334 * math.cos(w) + 0.0007 * math.cos(2 * w)
    s = sum(a * math.cos(math.radians(b + c * t)) for a, b, c in _EQUINOX_TERMS)
    jde += 0.00001 * s / spread
    return datetime(2000, 1, 1, 12) + timedelta(days=jde - 2451545.0, seconds=-69)


def nowruz(year: int) -> date:
    """Farvardin 1 falling in Gregorian ``year``: the equinox day in Iran if before noon."""
    local = march_equinox(year) + timedelta(hours=3, minutes=30)  # mean time at 52.5 E
    return local.date() if local.hour < 12 else local.date() + timedelta(days=1)


def solar_hijri_year(day: date) -> tuple[int, date, date]:
    """The Solar Hijri year holding ``day``: ``(year, first day, last day)``."""
    start_year = day.year if day >= nowruz(day.year) else day.year - 1
    return (start_year - 621, nowruz(start_year), nowruz(start_year + 1) - timedelta(days=1))


def _read_iranian(phrase: str, lower: str, ctx: _Context) -> Resolved | None:
    if not re.search(r"\b(?:iranian|persian)\b", lower):
        return None
    published = ctx.published
    if lower.endswith("new year"):
        if published is None:
            return ("holiday", None, None, "solar-hijri")
        first = nowruz(published.year) if nowruz(published.year) <= published else \
            nowruz(published.year - 1)
        return ("holiday", first, first + timedelta(days=12), "solar-hijri")
    numbered = re.search(r"year (1[34]\d\d)$", lower)
    if numbered:
        year = int(numbered.group(1)) + 621
        return ("iranian-year", nowruz(year), nowruz(year + 1) - timedelta(days=1), "solar-hijri")
    which = re.match(r"(?:the )?(last|previous|past|current|this) ", lower)
    if which is None:
        return None
    if published is None:
        return ("iranian-year", None, None, "solar-hijri")
    _, first, last = solar_hijri_year(published)
    if which.group(1) in ("last", "previous", "past"):
        _, first, last = solar_hijri_year(first - timedelta(days=1))
    return ("iranian-year", first, last, "solar-hijri")


def _read_since(phrase: str, lower: str, ctx: _Context) -> Resolved | None:
    if not lower.startswith("since "):
        return None
    kind, low, _, _ = _resolve(phrase[6:], ctx.published, ctx.near_year, ctx.anchor)
    if kind == "unresolved":
        return None
    return ("since", low, ctx.published if low is not None else None, None)


_SEPARATOR = re.compile(r"\s*(?:-|\u2013|\u2014|\bto\b|\band\b|\buntil\b|\bthrough\b)\s*", re.I)


def _read_range(phrase: str, lower: str, ctx: _Context) -> Resolved | None:
    body = re.sub(r"^(?:between|from)\s+", "", phrase, flags=re.I)
    for sep in _SEPARATOR.finditer(body):
        left, right = body[:sep.start()], body[sep.end():]
        if re.fullmatch(r"\d{4}", left) and re.fullmatch(r"\d{4}|\d\d", right):
            first = int(left)
            last = int(right) if len(right) == 4 else first // 100 * 100 + int(right)
            if first <= last:
                return ("range", date(first, 1, 1), date(last, 12, 31), None)
        start, end = _parse_absolute(left), _parse_absolute(right)
        if start is None and end is None:
            continue
        if start is not None and end is None:
            day = re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?", right)
            if day is None or start["month"] is None:
                continue
            end = {**start, "day": int(day.group(1)), "weekday": None,
                   "year": int(day.group(2)) if day.group(2) else start["year"]}
        if start is None or end is None:
            continue
        if start["year"] is None:
            start = {**start, "year": end["year"]}
        low, high = _complete(start, ctx), _complete(end, ctx)
        if low is None or high is None:
            return ("range", None, None, None)
        if low[1] <= high[2]:
            return ("range", low[1], high[2], None)
        earlier = _safe_date(low[1].year - 1, low[1].month, low[1].day)
        if start["year"] is None and earlier <= high[2]:
            # "December 20 to January 10" placed by its verb: the start is the year before
            return ("range", earlier, high[2], None)
    return None


def _read_absolute(phrase: str, lower: str, ctx: _Context) -> Resolved | None:
    relative = re.fullmatch(r"(\w+\.?)\s+(last|this) year", lower)
    if relative and _month_number(relative.group(1)):
        if ctx.published is None:
            return ("month", None, None, None)
        year = ctx.published.year - (1 if relative.group(2) == "last" else 0)
        return ("month", *_month_bounds(year, _month_number(relative.group(1))), None)
    parsed = _parse_absolute(phrase)
    if parsed is None:
        return None
    completed = _complete(parsed, ctx)
    return (parsed["kind"], None, None, None) if completed is None else (*completed, None)


def _parse_absolute(text: str) -> dict | None:
    """A date, month, year or decade named outright: its parts, the year possibly missing."""
    text = text.strip().rstrip(",.")
    parts = {"kind": "date", "year": None, "month": None, "day": None, "weekday": None}
    iso = re.fullmatch(r"(\d{4})-(\d\d)-(\d\d)", text)
    if iso:
        return {**parts, "year": int(iso.group(1)), "month": int(iso.group(2)),
                "day": int(iso.group(3))}
    decade = re.fullmatch(r"(?:the\s+)?(\d{3})0s", text, re.I)
    if decade:
        return {**parts, "kind": "decade", "year": int(decade.group(1)) * 10}
    if re.fullmatch(r"\d{4}", text):
        return {**parts, "kind": "year", "year": int(text)}
    weekday = re.match(r"(\w+),?\s+", text)
    if weekday and weekday.group(1).lower() in _WEEKDAYS:
        parts["weekday"] = _WEEKDAYS[weekday.group(1).lower()]
        text = text[weekday.end():]
    words = re.findall(r"[A-Za-z]+|\d+", re.sub(r"\b(?:the|of)\b|(?<=\d)(?:st|nd|rd|th)\b", "",
                                                text, flags=re.I))
    months = [w for w in words if _month_number(w)]
    numbers = [int(w) for w in words if w.isdigit()]
    if len(months) != 1 or len(words) != len(months) + len(numbers) or len(numbers) > 2:
        return None
    parts["month"] = _month_number(months[0])
    for number in numbers:
        key = "year" if number > 31 else "day"
        if parts[key] is not None:
            return None
        parts[key] = number
    if parts["day"] is None:
        parts["kind"] = "month"
    return parts


def _month_number(word: str) -> int | None:
    word = word.lower().rstrip(".")
    return _MONTHS.get(word) or _MONTH_ABBR.get(word)


def _complete(parts: dict, ctx: _Context) -> tuple[str, date, date] | None:
    """Bounds of a parsed absolute expression; ``None`` when its year stays open."""
    kind, year, month, day = parts["kind"], parts["year"], parts["month"], parts["day"]
    if kind == "decade":
        return kind, date(year, 1, 1), date(year + 9, 12, 31)
    if kind == "year":
        return kind, date(year, 1, 1), date(year, 12, 31)
    if year is None:
        year = _year_for(month, day, parts["weekday"], ctx)
        if year is None:
            return None
    if kind == "month":
        return (kind, *_month_bounds(year, month))
    return kind, date(year, month, day), date(year, month, day)


_FUTURE_GRACE = timedelta(days=30)


def _year_for(month: int, day: int | None, weekday: int | None, ctx: _Context) -> int | None:
    """The year of a date without one (``day`` ``None``: the whole month)."""
    reference = ctx.published or ctx.anchor
    if reference is not None:
        year = reference.year
        if ctx.tense == "future":  # "payable July 27", "will redeem on June 1": the next one
            # (a month counts until its last day; a schedule just passed, "had been scheduled
            # to expire February 28" in a March report, is this year's: _FUTURE_GRACE back)
            last = _safe_date(year, month, day or monthrange(year, month)[1])
            return year + 1 if last < reference - _FUTURE_GRACE else year
        if _safe_date(year, month, day or 1) > reference + timedelta(days=60):
            year -= 1
        return year
    if weekday is None or ctx.near_year is None:
        return None
    fits = [y for y in range(ctx.near_year - 6, ctx.near_year + 7)
            if _safe_date(y, month, day or 1).weekday() == weekday]
    return min(fits, key=lambda y: (abs(y - ctx.near_year), -y)) if fits else None


def _safe_date(year: int, month: int, day: int) -> date:
    return date(year, month, min(day, 28)) if month == 2 and day == 29 else date(year, month, day)


def _month_bounds(year: int, month: int) -> tuple[date, date]:
    following = date(year + month // 12, month % 12 + 1, 1)
    return date(year, month, 1), following - timedelta(days=1)


def _shift(day: date, *, months: int = 0, days: int = 0) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = _month_bounds(year, month + 1)[1].day
    return date(year, month + 1, min(day.day, last)) + timedelta(days=days)


def _shift_units(day: date, count: int, unit: str) -> date:
    unit = unit.rstrip("s")
    if unit in _UNIT_DAYS:
        return _shift(day, days=count * _UNIT_DAYS[unit])
    return _shift(day, months=count * _UNIT_MONTHS[unit])


def _read_relative_day(phrase: str, lower: str, ctx: _Context) -> Resolved | None:
    offsets = {"the day before yesterday": -2, "yesterday": -1, "last night": -1, "today": 0,
               "tonight": 0, "this morning": 0, "this afternoon": 0, "this evening": 0,
               "tomorrow": 1}
    if lower not in offsets:
        return None
    if ctx.published is None:
        return ("relative", None, None, None)
    day = ctx.published + timedelta(days=offsets[lower])
    return ("relative", day, day, None)


def _read_ago(phrase: str, lower: str, ctx: _Context) -> Resolved | None:
    match = re.fullmatch(rf"({_COUNT_RE}) ({_UNIT_RE}) ago", lower)
    if match is None:
        return None
    if ctx.published is None:
        return ("relative", None, None, None)
    count, unit = _count(match.group(1)), match.group(2).rstrip("s")
    point = _shift_units(ctx.published, -count, unit)
    if match.group(1) in ("few", "a few", "several"):  # vague: from that far back to 2 units back
        return ("relative", point, _shift_units(ctx.published, -2, unit), None)
    if unit == "month":
        return ("relative", *_month_bounds(point.year, point.month), None)
    if unit in ("year", "decade"):
        return ("relative", date(point.year, 1, 1), date(point.year, 12, 31), None)
    spread = timedelta(days=3 if unit == "week" else 0)
    return ("relative", point - spread, point + spread, None)


def _count(word: str) -> int:
    return int(word) if word.isdigit() else _COUNT_WORDS[word]


def _read_period(phrase: str, lower: str, ctx: _Context) -> Resolved | None:
    calendar = re.fullmatch(r"(last|this|next|earlier this|later this) (week|month|year)", lower)
    if calendar:
        return _calendar_unit(calendar.group(1), calendar.group(2), ctx.published)
    match = re.fullmatch(rf"(?:the )?(past|last|previous|recent|coming|next) (?:({_COUNT_RE}) )?"
                         rf"({_UNIT_RE})|(recent) ({_UNIT_RE})", lower)
    if match is None:
        return None
    if ctx.published is None:
        return ("period", None, None, None)
    word = match.group(1) or match.group(4)
    unit = match.group(3) or match.group(5)
    count = _count(match.group(2)) if match.group(2) else (5 if unit.endswith("s") else 1)
    if word in ("coming", "next"):
        return ("period", ctx.published, _shift_units(ctx.published, count, unit), None)
    return ("period", _shift_units(ctx.published, -count, unit), ctx.published, None)


def _calendar_unit(which: str, unit: str, published: date | None) -> Resolved:
    kind = {"week": "relative", "month": "month", "year": "year"}[unit]
    if published is None:
        return (kind, None, None, None)
    step = {"last": -1, "next": 1}.get(which, 0)
    if unit == "year":
        first, last = date(published.year + step, 1, 1), date(published.year + step, 12, 31)
    elif unit == "month":
        moved = _shift(published.replace(day=1), months=step)
        first, last = _month_bounds(moved.year, moved.month)
    else:  # weeks run Monday to Sunday
        first = published - timedelta(days=published.weekday()) + timedelta(weeks=step)
        last = first + timedelta(days=6)
    if which == "earlier this":
        last = published
    elif which == "later this":
        first = published
    return (kind, first, last, None)


def _read_weekday(phrase: str, lower: str, ctx: _Context) -> Resolved | None:
    match = re.fullmatch(r"(?:(last|next|this) )?(\w+)", lower)
    if match is None or match.group(2) not in _WEEKDAYS:
        return None
    if ctx.published is None:
        return ("weekday", None, None, None)
    target, today = _WEEKDAYS[match.group(2)], ctx.published.weekday()
    if match.group(1) == "next":
        day = ctx.published + timedelta(days=(target - today) % 7 or 7)
    elif match.group(1) is None and ctx.tense == "future":  # "will meet on Friday"
        day = ctx.published + timedelta(days=(target - today) % 7)
    else:
        back = (today - target) % 7
        day = ctx.published - timedelta(days=back or (7 if match.group(1) == "last" else 0))
    return ("weekday", day, day, None)


def _read_month_alone(phrase: str, lower: str, ctx: _Context) -> Resolved | None:
    match = re.fullmatch(r"(?:(last|this|next|early|late) )?(\w+\.?)", lower)
    month = _month_number(match.group(2)) if match else None
    if month is None:
        return None
    reference = ctx.published or ctx.anchor
    if reference is None:
        return ("month", None, None, None)
    which, year = match.group(1), reference.year
    if which == "next":
        year += 1 if month <= reference.month else 0
    elif which in (None, "early", "late") and ctx.tense == "future":
        year += 1 if month < reference.month else 0  # "expected to close by early April"
    elif which != "this" and (month > reference.month or (which == "last"
                                                          and month == reference.month)):
        year -= 1
    return ("month", *_month_bounds(year, month), None)


# --- finding time expressions in a parsed article ----------------------------------------------

_NAME_LABELS = {"PERSON", "ORG", "WORK_OF_ART", "PRODUCT", "FAC"}


def extract_times(doc, *, article: Article, tense: bool = True) -> list[TimeExpr]:
    """The time expressions of ``article``, whose text ``doc`` (a spaCy ``Doc``) was parsed from.
    With ``tense`` (the default), a date without a year, a month alone or a bare weekday is
    placed by the verb it hangs on (:func:`time_tense`); without it, by the publication date
    alone (benchmarks compare the two).

    Example::

        extract_times(nlp("He spoke on Wednesday."), article=article)[0].low  # a Wednesday
    """
    spans = _find_spans(doc)
    published = _published(article.published)
    near_year = anchor = None
    whole = article.text  # doc.text is joined anew on every read
    if published is None:
        years = [int(y) for s, e in spans for y in re.findall(_YEAR_RE, whole[s:e])]
        near_year = max(years) if years else None
        anchor = _weekday_anchor(whole, spans, near_year)
    starts = [sent.start_char for sent in doc.sents]
    records = []
    dated: dict[tuple[int, int], int] = {}  # (month, day) -> the year the article gave it
    for start, end in spans:
        text = whole[start:end]
        kind, low, high, calendar = resolve_time(text, published=published, near_year=near_year,
                                                 anchor=anchor,
                                                 tense=time_tense(doc, start, end) if tense
                                                 else None)
        parts = _parse_absolute(text)
        if parts is not None and parts["kind"] == "date" and parts["month"] and parts["day"]:
            day = (parts["month"], parts["day"])
            if parts["year"] is not None:
                dated[day] = parts["year"]
            elif day in dated and kind == "date":
                # "August 21" after "August 21, 1997" in the same article is that day again
                low = high = _safe_date(dated[day], *day).isoformat()
        if kind not in ("since", "unresolved") and low is not None and _SINCE_BEFORE.search(
                whole[max(0, start - 48):start]):
            # "since last year", "since the spring of last year": from then to publication,
            # not the year itself (the expression matched is only "last year")
            kind, high = "since", published.isoformat() if published is not None else None
        records.append(TimeExpr(
            id=content_id(article.id, "time", start, end), article=article.id, start=start,
            end=end, text=text, kind=kind, low=low, high=high, calendar=calendar,
            sentence=max(0, bisect.bisect_right(starts, start) - 1)))
    return records


# What marks the time a verb speaks of as to come: "will pay", "is to replace", "is expected
# to close", "payable", "due".
_FUTURE_AUX = frozenset({"will", "shall", "'ll", "wo"})
_FUTURE_WORDS = frozenset({"payable", "due"})
_FUTURE_BEFORE_TO = frozenset({"expect", "plan", "schedule", "set", "intend", "aim", "propose",
                               "be", "due", "go", "hope", "seek", "agree", "vote", "decide"})
_SCHEDULED = frozenset({"schedule", "set", "plan", "expect", "slate"})  # "is scheduled for June 3"


def time_tense(doc, start: int, end: int) -> str | None:
    """``"future"``, ``"past"`` or ``None``: the tense of the verb the time expression between
    ``start`` and ``end`` (characters of ``doc``) hangs on, the first verb (or "payable",
    "due") up its parse. Future: a "will"/"shall" auxiliary, "payable"/"due", or an infinitive
    after "is (expected/scheduled/set/due) to". Past: a past-tense verb or auxiliary ("said",
    "was held", "had agreed") or a perfect ("has approved")."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or not len(span):
        return None
    token = span.root
    for _ in range(5):
        if token.lower_ in _FUTURE_WORDS:
            return "future"
        if token.pos_ in ("VERB", "AUX") and token.dep_ != "aux":
            break
        if token.head is token:
            return None
        token = token.head
    else:
        return None
    auxiliaries = [c for c in token.children if c.dep_ in ("aux", "auxpass")]
    if any(a.lower_ in _FUTURE_AUX for a in auxiliaries):
        return "future"
    if any(a.lower_ == "to" for a in auxiliaries) and token.head is not token and (
            token.head.lemma_ in _FUTURE_BEFORE_TO or token.head.lower_ in _FUTURE_WORDS):
        return "future"
    if token.tag_ == "VBD" or any(a.tag_ == "VBD" for a in auxiliaries) or (
            token.tag_ == "VBN" and any(a.lemma_ == "have" for a in auxiliaries)):
        return "past"
    if token.tag_ == "VBN" and token.lemma_ in _SCHEDULED and any(
            a.lemma_ == "be" for a in auxiliaries):
        return "future"
    return None


_SINCE_BEFORE = re.compile(r"\b(?i:since)\s+(?:(?i:the)\s+(?i:spring|summer|autumn|fall|winter|start|"
                           r"beginning|end|middle|turn)\s+(?i:of)\s+)?$")
_BEFORE_BARE_MONTH = re.compile(r"\b(?i:in|since|during|until|till|by|of|from|to|through|before|"
                                r"after|between|and|or|around|throughout|early|late|mid)\s+$")


def _find_spans(doc) -> list[tuple[int, int]]:
    names = [(e.start_char, e.end_char) for e in doc.ents if e.label_ in _NAME_LABELS]
    spans, refused = [], []
    for match in _FINDER.finditer(doc.text):
        start, end = match.span()
        if _refuse(doc, match, names):
            refused.append((start, end))
        else:
            spans.append((start, end))
    for ent in doc.ents:  # what spaCy calls a date and the patterns above missed
        taken = [*spans, *refused]
        if ent.label_ == "DATE" and not any(ent.start_char < b and a < ent.end_char
                                            for a, b in taken):
            if resolve_time(ent.text, published=date(2000, 1, 1))[0] != "unresolved":
                spans.append((ent.start_char, ent.end_char))
    return sorted(spans)


def _refuse(doc, match: re.Match, names: list[tuple[int, int]]) -> bool:
    """A name ("Theresa May"), a verb ("March on"), a year that counts ("2000 people") or a
    clock time ("at 1959")."""
    start, end, text = match.start(), match.end(), match.group(0)
    if not re.search(r"\d", text):
        if any(start < b and a < end for a, b in names):
            return True
        if _month_number(text) and not _BEFORE_BARE_MONTH.search(match.string[max(0, start - 12):start]):
            return True
    if re.fullmatch(r"\d{4}", text):
        if int(text[:2]) < 24 and int(text[2:]) < 60 and re.search(
                r"\b(?i:at)\s+$", match.string[max(0, start - 4):start]):
            return True  # "answered the phone at 1959": a clock time (19:59), not the year
        span = doc.char_span(start, end, alignment_mode="expand")
        after = doc[span.end:] if span is not None else (t for t in doc if t.idx >= end)
        following = next((t for t in after if t.idx >= end and not t.is_space), None)
        return following is not None and following.tag_ in ("NNS", "NNPS")
    return False


def _published(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def _weekday_anchor(text: str, spans: list[tuple[int, int]], near_year: int | None):
    """The first date pinned by its weekday ("Wednesday, April 24" near 2019 -> 2019-04-24)."""
    for start, end in spans:
        parts = _parse_absolute(text[start:end])
        if parts and parts["weekday"] is not None and parts["year"] is None and parts["day"]:
            kind, low, _, _ = resolve_time(text[start:end], published=None, near_year=near_year)
            if low is not None:
                return date.fromisoformat(low)
    return None
