"""Quantities: numbers in an article as values, intervals, units and what they count.

``parse_quantity`` reads one quantity phrase without spaCy; ``extract_quantities`` finds the
phrases in a parsed article and adds the counted noun ("sixty individuals" -> "individuals").

Conventions (outlets inflate and hedge figures, so the interval matters as much as the value):

- ``value`` is the number the text names; ``None`` when it names none ("tens of", a range).
- Vague plurals are approximate intervals: "tens of" 20..90, "dozens of" 24..99, "scores of"
  40..99, "hundreds" 200..999, "thousands" 2000..9999 ("tens of thousands" 20000..99999, and so
  on), "a couple of" 2..3, "a few" 2..5, "a handful of" 2..6, "several" 3..9.
  "many", "numerous" and "a large number of" are *not* quantities: they give no scale, and
  reading them as one would invent number conflicts between outlets.
- Modifiers make a figure approximate and bound it: "more than/over/at least" -> low = value;
  "up to/less than/fewer than/at most" -> high = value; "nearly/almost" -> [0.9 v, v];
  "about/around/some/roughly/approximately/an estimated" -> [0.9 v, 1.1 v].
- Ranges ("20-30", "between 5 and 10", "from 5 to 10") give low/high and no value; "5 ± 0.2"
  gives value 5 and [4.8, 5.2].
- Years, dates, durations, times and ordinals are not quantities (``times.py`` owns them):
  ORDINAL entities, days next to a month name, numbers glued to letters ("1st", "10am"), and
  numbers in DATE/TIME entities that count no noun or a unit of time ("five years") are skipped;
  so is a bare four-digit number from 1000 to 2100 unless it counts a plural noun ("2000
  people"). spaCy's DATE entities run long ("May 3 some 40"), hence the noun test.
"""

from __future__ import annotations

import bisect
import math
import re

from ..records import Article, Quantity, content_id

__all__ = ["CURRENCY_CODES", "extract_quantities", "parse_quantity"]

ParsedQuantity = tuple[float | None, float | None, float | None, bool, str | None]
_NOTHING: ParsedQuantity = (None, None, None, False, None)

_SMALL = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen".split())}
_TENS = {w: 10 * (i + 2) for i, w in enumerate(
    "twenty thirty forty fifty sixty seventy eighty ninety".split())}
_SCALES = {"hundred": 100, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_WORD_NUMBER = "|".join(sorted([*_SMALL, *_TENS, *_SCALES, "dozen"], key=len, reverse=True))

# Scale words and abbreviations after digits ("1.13bn", "2 million", "3 mln"). A bare "m" is
# a million only after a currency ("£600m"); otherwise it is metres.
_SUFFIX_SCALES = {"k": 1e3, "thousand": 1e3, "m": 1e6, "mn": 1e6, "mln": 1e6, "million": 1e6,
                  "b": 1e9, "bn": 1e9, "billion": 1e9, "tn": 1e12, "trillion": 1e12}
_CURRENCY_SIGNS = {"us$": "USD", "$": "USD", "£": "GBP", "€": "EUR", "¥": "JPY", "usd": "USD",
                   "gbp": "GBP", "eur": "EUR", "rs": "INR", "rs.": "INR",
                   # dollars of other countries: "A$4.25" is no US price, nor a bare 4.25
                   "a$": "AUD", "au$": "AUD", "c$": "CAD", "ca$": "CAD", "nz$": "NZD",
                   "hk$": "HKD", "s$": "SGD", "r$": "BRL"}
_CURRENCY_WORDS = {"dollars": "USD", "dollar": "USD", "dlrs": "USD", "dlr": "USD",
                   "pounds": "GBP", "pound": "GBP", "sterling": "GBP", "euros": "EUR",
                   "euro": "EUR", "yen": "JPY", "rials": "IRR", "rial": "IRR", "tomans": "IRT",
                   "toman": "IRT", "yuan": "CNY", "rupees": "INR", "roubles": "RUB",
                   "rubles": "RUB", "usd": "USD", "eur": "EUR", "gbp": "GBP"}
# A hundredth of a currency: "26 cts" a share is 0.26 dollars, "476 pence" 4.76 pounds.
_SUBUNITS = {"cts": ("USD", 0.01), "cents": ("USD", 0.01), "cent": ("USD", 0.01),
             "pence": ("GBP", 0.01), "penny": ("GBP", 0.01)}
_PERCENT = {"%": "percent", "percent": "percent", "per cent": "percent", "pct": "percent"}
_MEASURES = {"km": "km", "kilometres": "km", "kilometers": "km", "miles": "mi", "mile": "mi",
             "m": "m", "metres": "m", "meters": "m", "cm": "cm", "mm": "mm", "kg": "kg",
             "kilograms": "kg", "g": "g", "grams": "g", "mg": "mg", "tonnes": "t", "tons": "t",
             "hectares": "ha", "ha": "ha", "acres": "acre", "litres": "l", "liters": "l",
             "barrels": "bbl", "°c": "°C", "°f": "°F", "degrees": "deg", "mw": "MW", "gw": "GW",
             "kwh": "kWh", "sq km": "km2", "km2": "km2", "square kilometres": "km2"}
_UNIT_WORDS = {**_CURRENCY_WORDS, **{w: unit for w, (unit, _) in _SUBUNITS.items()}, **_PERCENT,
               **_MEASURES}

_VAGUE = {  # word -> (low, high); "tens" needs "of" after it to count as an amount
    "tens": (20, 90), "dozens": (24, 99), "scores": (40, 99), "hundreds": (200, 999),
    "thousands": (2e3, 9999), "millions": (2e6, 999e6), "billions": (2e9, 999e9),
    "a couple of": (2, 3), "a few": (2, 5), "a handful of": (2, 6), "several": (3, 9),
}
_VAGUE_SCALES = {"thousands": 1e3, "millions": 1e6, "billions": 1e9}

_LOWER_BOUND = ("more than", "far more than", "well over", "just over", "over", "above",
                "in excess of", "upwards of", "at least", "no fewer than", "no less than",
                "a minimum of", "as many as")
_UPPER_BOUND = ("up to", "at most", "no more than", "fewer than", "less than", "under",
                "below", "a maximum of", "just under", "as few as")
_NEAR_BELOW = ("nearly", "almost", "close to")
_AROUND = ("about", "around", "approximately", "roughly", "some", "an estimated",
           "estimated", "circa", "approx.", "~")
_MODIFIERS = sorted([*_LOWER_BOUND, *_UPPER_BOUND, *_NEAR_BELOW, *_AROUND], key=len, reverse=True)

_DIGITS = r"\d{1,3}(?:,\d{3})+(?!\d)(?:\.\d+)?|\d+(?:\.\d+)?(?:\^[-]?\d+|e[-+]?\d+(?![a-z]))?"
_NUMBER_RE = re.compile(rf"({_DIGITS})", re.I)
_WORDS_RE = re.compile(
    rf"\b(?:an?[\s]+)?(?:{_WORD_NUMBER})(?:(?:[\s-]+|(?:(?<=hundred)|(?<=thousand)|"
    rf"(?<=million)|(?<=billion))\s+and\s+)(?:{_WORD_NUMBER}))*\b", re.I)


def parse_quantity(text: str) -> ParsedQuantity:
    """Read one quantity phrase: ``(value, low, high, approximate, unit)``.

    Never raises: text that is not a quantity gives ``(None, None, None, False, None)``.

    >>> parse_quantity("more than 44,800")
    (44800.0, 44800.0, None, True, None)
    """
    try:
        phrase = _normalise(text)
        value, low, high, approximate, unit = _parse_phrase(phrase) if phrase else _NOTHING
        return (_tidy(value), _tidy(low), _tidy(high), approximate, unit)
    except (ValueError, OverflowError, ArithmeticError, IndexError):
        return _NOTHING


def _tidy(number: float | None) -> float | None:
    """Twelve significant digits: "about 200" is [180, 220], not 220.00000000000003."""
    return None if number is None else float(f"{number:.12g}")


def _normalise(text: str) -> str:
    text = str(text).replace("\u2212", "-").replace("\u2013", "-").replace("\u2014", "-")
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip().lower()


def _parse_phrase(phrase: str) -> ParsedQuantity:
    modifier, rest = _take_prefix(phrase, _MODIFIERS)
    vague = _parse_vague(rest)
    if vague is not None:
        return vague
    ranged = _parse_range(rest)
    if ranged is not None:
        return ranged
    amount = _parse_amount(rest)
    if amount is None:
        return _NOTHING
    value, unit, tolerance = amount
    if tolerance is not None:
        return (value, value - tolerance, value + tolerance, True, unit)
    low, high, approximate = _bounds(value, modifier)
    return (value, low, high, approximate, unit)


def _take_prefix(phrase: str, prefixes: list[str] | tuple[str, ...]) -> tuple[str | None, str]:
    for prefix in prefixes:
        if phrase.startswith(prefix) and (len(phrase) == len(prefix) or not prefix[-1].isalpha()
                                          or not phrase[len(prefix)].isalpha()):
            return prefix, phrase[len(prefix):].strip()
    return None, phrase


def _bounds(value: float, modifier: str | None) -> tuple[float | None, float | None, bool]:
    if modifier is None:
        return value, value, False
    if modifier in _LOWER_BOUND:
        return value, None, True
    if modifier in _UPPER_BOUND:
        return None, value, True
    if modifier in _NEAR_BELOW:
        return value * 0.9, value, True
    return value * 0.9, value * 1.1, True


def _parse_vague(rest: str) -> ParsedQuantity | None:
    word, tail = _take_prefix(rest, sorted(_VAGUE, key=len, reverse=True))
    if word is None:
        return None
    low, high = _VAGUE[word]
    # "tens of thousands", "hundreds of millions": the plural scales the interval
    match = re.match(r"of (thousands|millions|billions)\b", tail)
    if match and word in ("tens", "dozens", "scores", "hundreds"):
        scale = _VAGUE_SCALES[match.group(1)]
        low, high = low * scale, 10 ** len(str(int(high))) * scale - 1  # up to 99,999
        tail = tail[match.end():].strip()
    scaled = re.match(r"(hundred|thousand|million|billion)\b", tail)
    if scaled and word in ("a few", "several", "a couple of"):  # "several hundred": 300..900
        low, high = low * _SCALES[scaled.group(1)], high * _SCALES[scaled.group(1)]
        tail = tail[scaled.end():].strip()
    tail = re.sub(r"^of\b", "", tail).strip()
    if tail and tail not in _UNIT_WORDS:
        return None
    return (None, float(low), float(high), True, _UNIT_WORDS.get(tail))


def _parse_range(rest: str) -> ParsedQuantity | None:
    match = (re.fullmatch(r"(?:between) (.+?) (?:and) (.+)", rest)
             or re.fullmatch(r"(?:from) (.+?) (?:to) (.+)", rest)
             or re.fullmatch(r"(.*?\d[^\s-]*) ?(?:-|to) ?([$£€¥]?\d.*)", rest)
             or re.fullmatch(r"([a-z-]+) to ([a-z-]+)", rest))
    if match is None:
        return None
    first, second = _parse_amount(match.group(1)), _parse_amount(match.group(2))
    if first is None or second is None:
        return None
    low, high = first[0], second[0]
    unit = second[1] or first[1]
    if _scale_of(match.group(1)) == 1.0:
        low *= _scale_of(match.group(2))  # "2 to 3 million": the scale covers both ends
    if low > high:
        return None
    return (None, low, high, False, unit)


def _scale_of(text: str) -> float:
    match = re.search(r"\d\s*(bn|mn|mln|million|billion|thousand|tn|trillion|k)\b", text)
    return _SUFFIX_SCALES[match.group(1)] if match else 1.0


def _parse_amount(text: str) -> tuple[float, str | None, float | None] | None:
    """A single amount: ``(value, unit, tolerance)`` or ``None``."""
    text = text.strip()
    currency, text = _take_prefix(text, sorted(_CURRENCY_SIGNS, key=len, reverse=True))
    number, tail = _leading_number(text.strip())
    if number is None:
        return None
    tail, tolerance = _take_tolerance(tail)
    scale, tail = _take_scale(tail, after_currency=currency is not None)
    unit = _CURRENCY_SIGNS.get(currency) if currency else None
    tail = tail.strip().rstrip(".,;:")
    if tail:
        if tail not in _UNIT_WORDS:
            return None
        unit = unit or _UNIT_WORDS[tail]
        if tail in _SUBUNITS and _SUBUNITS[tail][0] == unit:
            scale *= _SUBUNITS[tail][1]
    value = number * scale
    if not math.isfinite(value):
        return None
    return value, unit, (tolerance * scale if tolerance is not None else None)


def _leading_number(text: str) -> tuple[float | None, str]:
    text = text.lstrip("+")
    sign = -1.0 if text.startswith("-") and text[1:2].isdigit() else 1.0
    text = text[1:] if sign < 0 else text
    match = re.match(_DIGITS, text, re.I)
    if match:
        return sign * _digits_value(match.group(0)), text[match.end():]
    match = _WORDS_RE.match(text)
    if match:
        value = _words_value(match.group(0))
        return (value, text[match.end():]) if value is not None else (None, text)
    return None, text


def _digits_value(token: str) -> float:
    token = token.replace(",", "")
    if "^" in token:
        base, exponent = token.split("^")
        if abs(int(exponent)) > 300:
            raise OverflowError(f"exponent {exponent} is out of range")
        return float(base) ** int(exponent)
    return float(token)


def _words_value(words: str) -> float | None:
    """"one hundred and twenty" -> 120; ``None`` for a sequence that is not one number."""
    parts = [w for w in re.split(r"[\s-]+", words.lower()) if w and w != "and"]
    if parts and parts[0] in ("a", "an"):
        parts = parts[1:] if len(parts) > 1 and parts[1] in (*_SCALES, "dozen") else []
        parts = ["one", *parts] if parts else []
    total, current, last = 0.0, 0.0, None
    for word in parts:
        if word in _SMALL or word in _TENS:
            small = _SMALL.get(word, _TENS.get(word, 0))
            if last in ("small", "tens") and not (last == "tens" and word in _SMALL and small < 10):
                return None  # "five ten", "twenty thirty": two numbers, not one
            current, last = current + small, ("tens" if word in _TENS else "small")
        elif word == "dozen":
            current, last = (current or 1) * 12, "scale"
        elif word == "hundred":
            current, last = (current or 1) * 100, "hundred"
        elif word in _SCALES:
            total, current, last = total + (current or 1) * _SCALES[word], 0.0, "scale"
        else:
            return None
    return total + current if parts else None


def _take_tolerance(tail: str) -> tuple[str, float | None]:
    match = re.match(r"\s*(?:±|\+/-)\s*(" + _DIGITS + ")", tail)
    if match is None:
        return tail, None
    return tail[match.end():], _digits_value(match.group(1))


def _take_scale(tail: str, *, after_currency: bool) -> tuple[float, str]:
    match = re.match(r"\s*(bn|mn|mln|million|billion|thousand|tn|trillion|m|b|k)\b", tail)
    if match is None or (match.group(1) == "m" and not after_currency):
        return 1.0, tail
    return _SUFFIX_SCALES[match.group(1)], tail[match.end():]



# --- finding quantities in a parsed article ---------------------------------------------------

_NAME_LABELS = {"ORG", "EVENT", "LAW", "WORK_OF_ART", "PRODUCT", "FAC", "GPE", "NORP", "PERSON"}
_QUANTITY_LABELS = {"CARDINAL", "QUANTITY", "MONEY", "PERCENT"}
#: The currency codes a quantity's unit may hold ("USD", "GBP", "AUD" ...).
CURRENCY_CODES = frozenset(_CURRENCY_SIGNS.values()) | frozenset(_CURRENCY_WORDS.values())


def _alternatives(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_VAGUE_CORE = (r"\b(?:(?:tens|dozens|scores|hundreds) of (?:thousands|millions|billions)|"
               r"tens(?= of\b)|scores(?= of\b)|dozens|hundreds|thousands|millions|billions|"
               r"(?:a couple of|a few|several) (?:hundred|thousand|million|billion)|"
               r"a couple of|a handful of|a few|several)\b")
_CORE_RE = re.compile(rf"(?<![\w.,:/])(?<![a-z]-)(?:{_DIGITS})(?![\d:/])|(?<![\w-]){_WORDS_RE.pattern}"
                      rf"(?!-\w)|{_VAGUE_CORE}", re.I)
_CURRENCY_RE = r"(?:us\$|au\$|ca\$|nz\$|hk\$|a\$|c\$|s\$|r\$|\$|£|€|¥)"
_LEFT_RE = re.compile(rf"(?<![\w])(?P<mod>{_alternatives(_MODIFIERS)})?\s?"
                      rf"(?P<span>\b(?:between|from) )?(?P<cur>{_CURRENCY_RE} ?)?$", re.I)
_RIGHT_RE = re.compile(rf"(?:\s?(?:±|\+/-)\s?(?:{_DIGITS}))?(?:\s?(?:bn|mn|mln|million|billion|"
                       rf"thousand|tn|trillion|m|b|k)\b)?(?:\s?(?:{_alternatives(_UNIT_WORDS)})"
                       rf"(?![\w]))?", re.I)
_RANGE_RE = re.compile(rf"\s?(?P<joint>-|\u2013|\u2014|to|and)\s?{_CURRENCY_RE}?"
                       rf"(?:(?<![\w.,])(?:{_DIGITS})(?![\w:/])|{_WORDS_RE.pattern})", re.I)
_LIST_MARKS = {",0", ",1", ",2", ",3", ",4", ",5", ",6", ",7", ",8", ",9"}
_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
          r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_DAY_BEFORE_MONTH = re.compile(rf"\s(?:of\s)?{_MONTH}\b", re.I)
_MONTH_BEFORE_DAY = re.compile(rf"\b{_MONTH}\s$", re.I)
_PRONOUN_ONE = re.compile(r"\b(?:the|no|any|this|that|every|each|which)\s+$", re.I)


def extract_quantities(doc, *, article: Article) -> list[Quantity]:
    """The quantities of ``article``, whose text ``doc`` (a spaCy ``Doc``) was parsed from.

    Example::

        doc = nlp("Police said sixty individuals were held.")
        extract_quantities(doc, article=article)[0].counted  # "individuals"
    """
    text = doc.text
    ordinals = [(e.start_char, e.end_char) for e in doc.ents if e.label_ == "ORDINAL"]
    dated = [(e.start_char, e.end_char) for e in doc.ents if e.label_ in ("DATE", "TIME")]
    found: list[tuple[int, int]] = []
    years_until = 0  # the end of the last span of years passed over ("between 1998 and 2003")
    for match in _CORE_RE.finditer(text):
        if found and match.start() < found[-1][1] or match.start() < years_until:
            continue  # swallowed by the previous quantity's range, or by a span of years
        if _overlaps(match.start(), match.end(), ordinals) or _is_not_amount(doc, match):
            continue
        span = _grow(text, match.start(), match.end())
        if span is not None and _years(text, span):
            years_until = span[1]
            continue
        if span is None or _is_year(doc, text, span, match):
            continue
        # spaCy's DATE entities run long ("May 3 some 40"): a number in one is a duration or
        # date unless it counts something other than time ("40 people")
        if _overlaps(match.start(), match.end(), dated) and _counts_time(doc, *span):
            continue
        found.append(span)
    for ent in doc.ents:  # what spaCy calls a quantity and the patterns above missed
        if ent.label_ in _QUANTITY_LABELS and not _overlaps(ent.start_char, ent.end_char, found):
            if any(v is not None for v in parse_quantity(ent.text)[:3]):
                found.append((ent.start_char, ent.end_char))
    starts = [sent.start_char for sent in doc.sents]
    return [_record(doc, article, start, end, starts) for start, end in sorted(found)]


def _record(doc, article: Article, start: int, end: int, sentence_starts: list[int]) -> Quantity:
    # article.text, not doc.text: spaCy joins doc.text anew on every read (quadratic per match)
    value, low, high, approximate, unit = parse_quantity(article.text[start:end])
    return Quantity(
        id=content_id(article.id, "quantity", start, end), article=article.id, start=start,
        end=end, text=article.text[start:end], value=value, low=low, high=high,
        approximate=approximate, unit=unit, counted=_counted(doc, start, end, unit),
        sentence=max(0, bisect.bisect_right(sentence_starts, start) - 1),
    )


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < b and a < end for a, b in spans)


def _is_not_amount(doc, match: re.Match) -> bool:
    """A pronoun "one" ("no one", "the one that"), or a number inside a name ("Free Iran 2018")."""
    text = match.string  # the doc's text, joined once by the caller
    if text[match.start() - 1:match.start()] == ",":
        return True  # a later item of "1,2,3"
    if match.group(0).isdigit() and int(match.group(0)) <= 31 and (
            _DAY_BEFORE_MONTH.match(text, match.end())
            or _MONTH_BEFORE_DAY.search(text[max(0, match.start() - 11):match.start()])):
        return True  # a day of the month that spaCy did not mark as a date
    if match.group(0).lower() == "one":
        before = text[max(0, match.start() - 12):match.start()]
        after = text[match.end():match.end() + 9].lower()
        if _PRONOUN_ONE.search(before) or after.startswith(" another"):
            return True
    span = doc.char_span(match.start(), match.end(), alignment_mode="expand")
    if span is None:
        return False
    ent = span[0].ent_type_
    return ent in _NAME_LABELS and span[0].ent_iob_ == "I"


def _grow(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Extend a number with its modifier, currency, scale, unit and range end; check it parses."""
    left = _LEFT_RE.search(text[max(0, start - 30):start])
    opener = (left.group("span") or "").strip().lower()
    stop = _RIGHT_RE.match(text, end).end()
    if stop < len(text) and (text[stop].isalnum() or text[stop:stop + 2] in _LIST_MARKS):
        return None  # glued to a word ("1st", "3D", "10am") or one item of "1,2,3"
    alone = stop  # the quantity without a range end
    ranged = _RANGE_RE.match(text, stop)
    if ranged and _joint_fits(ranged.group("joint").lower(), opener):
        stop = _RIGHT_RE.match(text, ranged.end()).end()
        # "rose 12% to 476 pence", "12% to $4.76": a change and the level it led to, not a
        # range, when the first figure has a unit the second does not share
        unit = parse_quantity(text[start:alone])[4]
        if unit is not None and parse_quantity(text[ranged.end("joint"):stop])[4] != unit:
            ranged, stop = None, alone
    else:
        ranged = None
    # "between"/"from" belong to the quantity only when a range follows
    lead = len(left.group(0)) if ranged or not opener else len(left.group("cur") or "")
    for first, last in ((start - lead, stop), (start, stop), (start, end)):
        while first < start and text[first].isspace():
            first += 1
        if any(v is not None for v in parse_quantity(text[first:last])[:3]):
            return first, last
    return None


def _joint_fits(joint: str, opener: str) -> bool:
    if opener == "between":
        return joint != "to"
    if opener == "from":
        return joint != "and"
    return joint != "and"


def _is_year(doc, text: str, span: tuple[int, int], match: re.Match) -> bool:
    """A bare 1000..2100 integer is a year unless it counts a plural noun ("2000 people")."""
    core = match.group(0)
    if span != (match.start(), match.end()) or not re.fullmatch(r"1\d{3}|20\d{2}|2100", core):
        return False
    tokens = doc.char_span(span[0], span[1], alignment_mode="expand")
    following = doc[tokens.end] if tokens is not None and tokens.end < len(doc) else None
    return following is None or following.tag_ not in ("NNS", "NNPS")


_YEAR_RANGE = re.compile(r"(?:(?i:between|from)\s+)?(1[89]\d\d|20\d\d)\s*"
                         r"(?:-|\u2013|\u2014|/|(?i:to|and|until))\s*(\d{4}|\d\d)")
_YEAR_BEFORE = re.compile(r"\b(?:1[89]|20)\d\d\s*[-\u2013/]$")


def _years(text: str, span: tuple[int, int]) -> bool:
    """A span of years, not an amount: "his 1973-1990 rule", "between 1998 and 2003", or the
    end of one written short ("the 1914-18 war" gives "18")."""
    start, end = span
    if _YEAR_BEFORE.search(text[max(0, start - 6):start]):
        return True
    both = _YEAR_RANGE.fullmatch(text[start:end].strip())
    if both is None:
        return False
    first, last = int(both.group(1)), both.group(2)
    last_year = int(last) if len(last) == 4 else first // 100 * 100 + int(last)
    return first < last_year <= first + 100


_TIME_UNITS = {"second", "minute", "hour", "day", "night", "week", "weekend", "month", "year",
               "decade", "century", "millennium", "season", "quarter", "semester", "term"}


def _counts_time(doc, start: int, end: int) -> bool:
    counted = _counted(doc, start, end, None)
    if counted is None:
        return True
    return counted.lower().rstrip("s") in _TIME_UNITS or counted.lower() in ("centuries",)


def _counted(doc, start: int, end: int, unit: str | None) -> str | None:
    """The noun counted: the last noun of the run after the number, past "of", articles and
    adjectives ("60 MEK members" -> "members", "tens of spies" -> "spies")."""
    if unit is not None and unit != "percent":
        return None
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return None
    index, skipped = span.end, 0
    while index < len(doc) and skipped < 4 and (
            doc[index].lower_ == "of" or doc[index].pos_ in ("DET", "ADJ")
            or doc[index].is_quote or (doc[index].pos_ == "PUNCT" and doc[index].text in "“\"'‘")):
        index, skipped = index + 1, skipped + 1
    noun = None
    while index < len(doc) and doc[index].pos_ in ("NOUN", "PROPN"):
        noun, index = doc[index], index + 1
    return noun.text if noun is not None else None
