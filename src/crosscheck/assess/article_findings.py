"""Findings inside one article, and the helpers every kind of finding shares.

- ``internal_inconsistency``: one article glosses the same period with two date ranges that do
  not match ("last Iranian year (2017-2018)" ... "last Iranian year (2018-2019)"), or gives two
  different counts of the same people (same counted noun, action, speaker, time, place and
  subject, in two sentences);
- ``unattributed_figure``: a casualty or detention figure the outlet states on nobody's word.

The findings that compare articles (moved quotes, changed numbers, single origins) are in
:mod:`.findings`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date

from ..enrich.speaker_words import PERSON_NOUNS
from ..link.claims import counts_people
from ..records import Article, Claim, Finding, Quantity, TimeExpr, content_id, outlet_label
from ..excerpt import titled_label

__all__ = ["date_range_inconsistencies", "count_inconsistencies", "unattributed_figures",
           "finding", "outlet_of", "outlets_of", "published_of", "counted", "disjoint", "figure_text"]


def finding(kind: str, article: str, detail: str, start: int | None, end: int | None,
             related: str | None = None) -> Finding:
    return Finding(content_id("finding", kind, article, start, end, related, detail), kind,
                   article, detail, start, end, related)


def outlet_of(articles: Mapping[str, Article], article_id: str) -> str:
    """How a finding names an article: its outlet, else its file name or row (never a bare id)."""
    article = articles.get(article_id)
    return outlet_label(article.outlet, article.source) if article else f"article {article_id}"


def outlets_of(articles: Mapping[str, Article], one: str, two: str) -> tuple[str, str]:
    """How a finding names two articles: by outlet, and by outlet and headline when the outlets
    are the same ("BBC gives ...; BBC gives ..." tells nothing)."""
    first, second = outlet_of(articles, one), outlet_of(articles, two)
    if first != second:
        return first, second
    titles = [articles[i].title if i in articles else None for i in (one, two)]
    return titled_label(first, titles[0]), titled_label(second, titles[1])


def published_of(articles: Mapping[str, Article], article_id: str) -> str | None:
    article = articles.get(article_id)
    return article.published if article else None


def figure_text(quantity: Quantity) -> str:
    noun = quantity.counted or ""
    return quantity.text if noun in quantity.text else f"{quantity.text} {noun}".strip()


# --- date ranges -----------------------------------------------------------------------------

_LABEL_STOP = frozenset("a an the of in on at during over for from to which it gave as "
                        "calendar period its their this that".split())
_LABEL_SYNONYMS = {"past": "last", "previous": "last", "twelve": "", "12": "", "months": "year",
                   "month": "year"}
# "the same period a year earlier" compares two periods on purpose.
_COMPARISON = re.compile(r"\b(earlier|before|previous|prior|ago|compared|than)\b", re.IGNORECASE)


def date_range_inconsistencies(articles: Mapping[str, Article],
                               times: Sequence[TimeExpr] | object) -> list[Finding]:
    """Two date ranges glossing the same named period ("last Iranian year", "the past year" ...
    "the same twelve months") in one article that do not overlap."""
    by_article: dict[str, list[TimeExpr]] = defaultdict(list)
    for time in times:  # type: ignore[union-attr]
        by_article[time.article].append(time)
    found = []
    for article_id in sorted(by_article):
        article = articles.get(article_id)
        if article is None:
            continue
        exprs = sorted(by_article[article_id], key=lambda t: (t.start, t.end))
        ranges = [t for t in exprs if t.kind == "range" and t.low and t.high]
        labelled = [(r, *_period_label(article.text, r, exprs)) for r in ranges]
        for i, (later, later_label, later_same) in enumerate(labelled):
            for earlier, earlier_label, _ in labelled[:i]:
                same = later_same or (later_label and later_label == earlier_label)
                if same and _disjoint_alike(earlier, later):
                    found.append(_range_finding(article, earlier, later))
                    break
    return found


def _period_label(text: str, expr: TimeExpr, exprs: Sequence[TimeExpr]) -> tuple[str, bool]:
    """The words naming the period a range glosses, and whether they point back ("the same")."""
    window_start = max(0, expr.start - 70)
    for other in exprs:  # a time expression right before the range is its name
        if other is not expr and other.end <= expr.start and expr.start - other.end <= 3:
            window_start = other.start
    window = text[window_start:expr.start]
    window = re.split(r"[.!?\n]", window)[-1]
    words = [_LABEL_SYNONYMS.get(w, w) for w in re.findall(r"\w+", window.lower())]
    pointing_back = "same" in words and not _COMPARISON.search(window)
    content = [w for w in words if w and w not in _LABEL_STOP and w != "same"]
    label = " ".join(content[-3:]) if any(w in ("year", "quarter", "week") for w in content) else ""
    return label, pointing_back


def _disjoint_alike(one: TimeExpr, two: TimeExpr) -> bool:
    a_low, a_high = date.fromisoformat(one.low), date.fromisoformat(one.high)
    b_low, b_high = date.fromisoformat(two.low), date.fromisoformat(two.high)
    a_days, b_days = (a_high - a_low).days + 1, (b_high - b_low).days + 1
    overlap = (min(a_high, b_high) - max(a_low, b_low)).days + 1
    alike = min(a_days, b_days) / max(a_days, b_days) >= 0.8
    return alike and overlap < 0.5 * min(a_days, b_days)


def _range_finding(article: Article, earlier: TimeExpr, later: TimeExpr) -> Finding:
    detail = (f"{article.outlet or 'This article'} gives the same period two different date ranges: "
              f"\"{earlier.text}\" ({earlier.low} to {earlier.high}) and later "
              f"\"{later.text}\" ({later.low} to {later.high}).")
    return finding("internal_inconsistency", article.id, detail, later.start, later.end)


# --- counts ----------------------------------------------------------------------------------

# Figures a reader needs a source for: people killed, hurt, held or gone.
# Detentions are left out: news states arrest counts on its own reporting every day.
_HARM = re.compile(
    r"\b(died|dead|deaths|killed|killings|lives|executed|injured|wounded|tortured|casualties|"
    r"death\s+toll|murdered|disappeared)\b", re.IGNORECASE)
# Any trace of a source inside the claim itself.
_SOURCED = re.compile(
    r"\b(said|says|say|told|tells|according|admit\w*|claim\w*(?!\s+(?:the\s+)?li(?:ves|fe))|report\w*|announc\w*|stated?|"
    r"counted|estimat\w*|confirm\w*|allege\w*|cited|citing|quoted|figures? from|data from|"
    r"heard)\b",
    re.IGNORECASE)


_CASUALTY_NOUNS = frozenset("victim passenger patient casualty civilian soldier child children "
                            "resident villager pilgrim migrant refugee inmate hostage crew "
                            "fan worker miner".split())


def _counts_persons(quantity: Quantity) -> bool:
    """The figure counts people: the claims' people nouns, a person noun of the speaker rules
    ("officers", "nurses") or the nouns casualty tolls count ("victims", "passengers")."""
    noun = counted(quantity)
    return counts_people(quantity) or noun is not None and (
        noun in PERSON_NOUNS or noun in _CASUALTY_NOUNS or noun.endswith(("man", "men", "person")))


def counted(quantity: Quantity) -> str | None:
    noun = (quantity.counted or "").lower()
    return noun[:-1] if noun.endswith("s") and not noun.endswith("ss") else noun or None


def count_inconsistencies(articles: Mapping[str, Article], claims: Sequence[Claim],
                          quantities: Mapping[str, Quantity],
                          times: Mapping[str, TimeExpr] | None = None) -> list[Finding]:
    """Two exact counts of the same people (the counted noun names people: members, protesters,
    detainees), for the same action and speaker, that cannot both be true (their intervals do
    not meet) and that nothing sets apart as two things (see :func:`_two_things`). Figures of
    money, goods or shares side by side are what business copy is made of: on 17k Reuters and
    the BBC's business and politics pages every such pair read was two things, not a
    contradiction."""
    seen: dict[tuple, tuple[Claim, Quantity]] = {}
    found = []
    for claim in sorted(claims, key=lambda c: (c.article, c.start, c.id)):
        for quantity_id in claim.quantities:
            quantity = quantities.get(quantity_id)
            if quantity is None or quantity.approximate or not counts_people(quantity):
                continue
            key = (claim.article, counted(quantity), claim.action, claim.speaker_key or claim.speaker)
            if claim.action is None or key not in seen:
                seen.setdefault(key, (claim, quantity))
                continue
            first_claim, first = seen[key]
            if disjoint(first, quantity) and not _two_things(first_claim, first, claim, quantity,
                                                             times or {}):
                detail = (f"{outlet_of(articles, claim.article)} gives two counts of "
                          f"{quantity.counted} for the same event: \"{first.text}\" and "
                          f"\"{quantity.text}\".")
                found.append(finding("internal_inconsistency", claim.article, detail,
                                      quantity.start, quantity.end))
    return found


def _two_things(one_claim: Claim, one: Quantity, two_claim: Claim, two: Quantity,
                times: Mapping[str, TimeExpr]) -> bool:
    """What tells two figures of one noun apart as figures of two things, read on business and
    political news where such pairs are everywhere and almost never a contradiction:

    - one sentence gives both ("fell to 537m euros from 798m", "92 outgoing flights and 86
      incoming"): a writer compares, changes or splits them there, never contradicts himself;
    - another unit ("2% of MPs" against "42 MPs");
    - another time: either claim names one the other does not ("In July 1999 they asked 801
      adults" against 2,234 in another poll);
    - other places: both claims name places, not the same ones (4,900 workers at plants in
      Wentsville and Flint, 3,500 at others in Pontiac and Oshawa);
    - another subject: both claims have one and they share no word ("Profits rose 20%" against
      "Earnings at the investment bank rose 25%")."""
    if one.sentence == two.sentence or one.unit != two.unit:
        return True
    if _periods(one_claim, times) != _periods(two_claim, times):
        return True
    if one_claim.places and two_claim.places and set(one_claim.places) != set(two_claim.places):
        return True
    words_one, words_two = _subject_words(one_claim.actor), _subject_words(two_claim.actor)
    return bool(words_one and words_two and not words_one & words_two)


def _periods(claim: Claim, times: Mapping[str, TimeExpr]) -> frozenset:
    """The periods a claim's time expressions resolve to (their words when unresolved; the
    expression's own id, unlike any other, when its record is not at hand)."""
    found = set()
    for time_id in claim.times:
        expression = times.get(time_id)
        if expression is None:
            found.add(time_id)
        else:
            found.add((expression.low, expression.high) if expression.low else expression.text.lower())
    return frozenset(found)


_SUBJECT_STOP = frozenset("a an the of in at on for to and or its it their his her this that which who "
                          "these those some all".split())


def _subject_words(actor: str | None) -> set[str]:
    return {w for w in re.findall(r"[a-z][\w'’-]*", (actor or "").lower()) if w not in _SUBJECT_STOP}


def disjoint(one: Quantity, two: Quantity) -> bool:
    a_low, a_high = _bounds(one)
    b_low, b_high = _bounds(two)
    return None not in (a_low, b_low) and (a_high < b_low or b_high < a_low)


def _bounds(quantity: Quantity) -> tuple[float | None, float | None]:
    low = quantity.low if quantity.low is not None else quantity.value
    high = quantity.high if quantity.high is not None else quantity.value
    if low is None or high is None:
        return (None, None)
    return (low, high)


def unattributed_figures(articles: Mapping[str, Article], claims: Sequence[Claim],
                         quantities: Mapping[str, Quantity]) -> list[Finding]:
    """A count of people killed, hurt or held (two or more) that the outlet states on nobody's
    word."""
    found = []
    for claim in sorted(claims, key=lambda c: (c.article, c.start, c.id)):
        if claim.speaker is not None or claim.hedged or claim.cue is not None:
            continue
        if not _HARM.search(claim.text) or _SOURCED.search(claim.text):
            continue
        figures = [quantities[q] for q in claim.quantities if q in quantities]
        # the count of people harmed, not the claim's first figure ("53 operations after which
        # 29 patients died": 29 patients; "65 caps", "3.5 stone" count no one); "one woman"
        # is the case a report tells, not a toll anyone adds up
        figures = [q for q in figures if q.unit is None and q.value is not None and q.value > 1
                   and _counts_persons(q)]
        if not figures:
            continue
        figure = figures[0]
        detail = (f"{outlet_of(articles, claim.article)} states \"{figure_text(figure)}\" with no "
                  "source: no one is named or cited for this figure.")
        found.append(finding("unattributed_figure", claim.article, detail, claim.start, claim.end))
    return found
