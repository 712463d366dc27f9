"""Findings: things a fact-checker should look at, each with a sentence a journalist can read
and the span in the article where it shows.

- ``internal_inconsistency``: one article glosses the same period with two date ranges that do
  not match ("last Iranian year (2017-2018)" ... "last Iranian year (2018-2019)"), or gives two
  different counts of the same thing (same counted noun, action and speaker);
- ``unattributed_figure``: a casualty or detention figure the outlet states on nobody's word;
- ``quote_moved``: the same quoted words given to another speaker than in the article they came
  from (along a derivation, or, without one, the earlier article or the speaker most articles
  give); a body and the spokesperson its attribution names are one voice;
- ``number_changed``: an aligned passage of a derivation where a count differs;
- ``single_origin``: a claim carried by several articles that all go back to one origin;
- ``hedge_dropped``: a claim stated as fact that the article it came from only reported on
  someone's word (``hedges.py``).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from datetime import date

from rapidfuzz import fuzz

from ..records import (Article, Claim, ClaimGroup, ClaimGroupMember, Derivation, Finding,
                       Passage, Quantity, Quote, TimeExpr, content_id)
from .hedges import dropped_hedges

__all__ = ["find_findings", "date_range_inconsistencies", "count_inconsistencies",
           "unattributed_figures", "moved_quotes", "changed_numbers", "single_origins"]


def find_findings(*, articles: Mapping[str, Article], claims: Sequence[Claim],
                  quantities: Mapping[str, Quantity], times: Mapping[str, TimeExpr],
                  quotes: Sequence[Quote], derivations: Sequence[Derivation],
                  passages: Sequence[Passage], claim_groups: Sequence[ClaimGroup],
                  members: Sequence[ClaimGroupMember]) -> list[Finding]:
    """Every finding of the corpus, sorted by article, position and kind."""
    found = [
        *date_range_inconsistencies(articles, times.values()),
        *count_inconsistencies(articles, claims, quantities),
        *unattributed_figures(articles, claims, quantities),
        *moved_quotes(articles, quotes, derivations),
        *changed_numbers(articles, quantities.values(), derivations, passages),
        *single_origins(articles, claims, claim_groups, members),
        *dropped_hedges(articles, claims, claim_groups, members, derivations),
    ]
    unique = {f.id: f for f in found}
    return sorted(unique.values(), key=lambda f: (f.article, f.start or -1, f.kind, f.id))


def _finding(kind: str, article: str, detail: str, start: int | None, end: int | None,
             related: str | None = None) -> Finding:
    return Finding(content_id("finding", kind, article, start, end, related, detail), kind,
                   article, detail, start, end, related)


def _outlet(articles: Mapping[str, Article], article_id: str) -> str:
    article = articles.get(article_id)
    return (article.outlet if article and article.outlet else None) or f"article {article_id}"


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
    return _finding("internal_inconsistency", article.id, detail, later.start, later.end)


# --- counts ----------------------------------------------------------------------------------

# Figures a reader needs a source for: people killed, hurt, held or gone.
# Detentions are left out: news states arrest counts on its own reporting every day.
_HARM = re.compile(
    r"\b(died|dead|deaths|killed|killings|lives|executed|injured|wounded|tortured|casualties|"
    r"death\s+toll|murdered|disappeared)\b", re.IGNORECASE)
# Any trace of a source inside the claim itself.
_SOURCED = re.compile(
    r"\b(said|says|say|told|tells|according|admit\w*|claim\w*(?!\s+(?:the\s+)?li(?:ves|fe))|report\w*|announc\w*|stated?|"
    r"counted|estimat\w*|confirm\w*|allege\w*|cited|citing|quoted|figures? from|data from)\b",
    re.IGNORECASE)


def _counted(quantity: Quantity) -> str | None:
    noun = (quantity.counted or "").lower()
    return noun[:-1] if noun.endswith("s") and not noun.endswith("ss") else noun or None


def count_inconsistencies(articles: Mapping[str, Article], claims: Sequence[Claim],
                          quantities: Mapping[str, Quantity]) -> list[Finding]:
    """Two exact counts of the same counted noun, for the same action and speaker, that cannot
    both be true (their intervals do not meet)."""
    seen: dict[tuple, tuple[Claim, Quantity]] = {}
    found = []
    for claim in sorted(claims, key=lambda c: (c.article, c.start, c.id)):
        for quantity_id in claim.quantities:
            quantity = quantities.get(quantity_id)
            if quantity is None or quantity.approximate or _counted(quantity) is None:
                continue
            key = (claim.article, _counted(quantity), claim.action, claim.speaker)
            if claim.action is None or key not in seen:
                seen.setdefault(key, (claim, quantity))
                continue
            first_claim, first = seen[key]
            if _disjoint(first, quantity):
                detail = (f"{_outlet(articles, claim.article)} gives two counts of "
                          f"{quantity.counted} for the same event: \"{first.text}\" and "
                          f"\"{quantity.text}\".")
                found.append(_finding("internal_inconsistency", claim.article, detail,
                                      quantity.start, quantity.end))
    return found


def _disjoint(one: Quantity, two: Quantity) -> bool:
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
    """A count of people killed, hurt or held that the outlet states on nobody's word."""
    found = []
    for claim in sorted(claims, key=lambda c: (c.article, c.start, c.id)):
        if claim.speaker is not None or claim.hedged or claim.cue is not None:
            continue
        if not _HARM.search(claim.text) or _SOURCED.search(claim.text):
            continue
        figures = [quantities[q] for q in claim.quantities if q in quantities]
        figures = [q for q in figures if q.unit is None and q.value is not None and q.value >= 1]
        if not figures:
            continue
        figure = figures[0]
        detail = (f"{_outlet(articles, claim.article)} states \"{_figure(figure)}\" with no "
                  "source: no one is named or cited for this figure.")
        found.append(_finding("unattributed_figure", claim.article, detail, claim.start, claim.end))
    return found


# --- along derivations -----------------------------------------------------------------------

_MIN_QUOTE_WORDS = 6


def moved_quotes(articles: Mapping[str, Article], quotes: Sequence[Quote],
                 derivations: Sequence[Derivation]) -> list[Finding]:
    """The same quoted words with another speaker than in the article they came from."""
    carried = [(q, _quoted_words(articles, q)) for q in quotes
               if q.speaker and q.speaker.lower() not in _PRONOUNS]
    carried = [(q, words) for q, words in carried if len(words.split()) >= _MIN_QUOTE_WORDS]
    carried.sort(key=lambda item: (item[0].article, item[0].start, item[0].id))
    edges = _directed_edges(articles, derivations)
    groups = _same_quote_groups(carried)
    found = []
    for group in groups:
        majority = Counter(_speaker_name(q) for q in _one_per_article(group)).most_common()
        for quote in group:
            source = _quote_source(quote, group, edges, articles, majority)
            if source is None:
                continue
            detail = (f"{_outlet(articles, quote.article)} gives the quote \""
                      f"{_quoted_words(articles, quote)[:90]}\" to {quote.speaker}; "
                      f"{_outlet(articles, source.article)} gives it to {source.speaker}.")
            found.append(_finding("quote_moved", quote.article, detail, quote.content_start,
                                  quote.content_end, source.article))
    return found


def _quoted_words(articles: Mapping[str, Article], quote: Quote) -> str:
    article = articles.get(quote.article)
    if article is None:
        return ""
    return article.text[quote.content_start:quote.content_end].strip(" \"'“”‘’,.")


_PRONOUNS = frozenset("he she they it we i you his her their its".split())
_NOT_NAMES = frozenset("a an the".split())


def _speaker_name(quote: Quote) -> str:
    """A comparable form of the speaker: its entity key, else its name words."""
    return quote.speaker_key or " ".join(sorted(_name_words(quote.speaker or "")))


def _name_words(speaker: str) -> set[str]:
    capitalised = {w.lower() for w in re.findall(r"[A-Z][\w'’-]+", speaker)} - _NOT_NAMES
    return capitalised or {w.lower() for w in re.findall(r"\w+", speaker)} - _NOT_NAMES


def _same_speaker(one: Quote, two: Quote) -> bool:
    """Same entity key, or a name word in common ("Drevic" / "Anselm Drevic")."""
    if one.speaker_key and one.speaker_key == two.speaker_key:
        return True
    return bool(_name_words(one.speaker or "") & _name_words(two.speaker or ""))


def _one_voice(one: Quote, two: Quote, articles: Mapping[str, Article]) -> bool:
    """The same speaker, or one named in the other's attribution: "the Front said" and "X, a
    spokeswoman for the Front, said" are one voice, not a quote moved to someone else."""
    return _same_speaker(one, two) or any(
        (names := _name_words(a.speaker or "")) and names <= _attribution_words(b, articles)
        for a, b in ((one, two), (two, one)))


def _attribution_words(quote: Quote, articles: Mapping[str, Article]) -> set[str]:
    article = articles.get(quote.article)
    if article is None:
        return set()
    text = article.text[quote.start:quote.content_start] + " " + article.text[
        quote.content_end:quote.end]
    return {w.lower() for w in re.findall(r"[\w'’-]+", text)}


def _same_quote_groups(carried: list[tuple[Quote, str]]) -> list[list[Quote]]:
    """Quotes of different articles whose words are (nearly) the same, grouped.

    A quote is compared only with the groups sharing a good part of its word trigrams (quotes
    close enough to match share most of them), best first, so the work grows with the corpus,
    not with its square."""
    groups: list[tuple[str, list[Quote]]] = []
    index: dict[tuple[str, ...], list[int]] = defaultdict(list)
    sizes: list[int] = []
    for quote, words in carried:
        lowered = words.lower()
        grams = _word_trigrams(lowered)
        shared = Counter(g for gram in grams for g in index.get(gram, ()))
        # Half the trigrams of the shorter of the two: a short quote inside a long one still meets it.
        candidates = sorted((p for p, n in shared.items()
                             if n >= max(1, min(len(grams), sizes[p]) // 2)),
                            key=lambda p: (-shared[p], p))[:_MAX_CANDIDATES]
        for position in candidates:
            anchor, group = groups[position]
            if fuzz.ratio(anchor, lowered) >= 85 or fuzz.partial_ratio(anchor, lowered) >= 95:
                group.append(quote)
                break
        else:
            groups.append((lowered, [quote]))
            sizes.append(len(grams))
            for gram in grams:
                if len(index[gram]) < _MAX_GROUPS_PER_TRIGRAM:
                    index[gram].append(len(groups) - 1)
    return [group for _, group in groups if len({q.article for q in group}) >= 2]


_MAX_GROUPS_PER_TRIGRAM = 200  # a trigram in more quotes than this is a stock phrase
_MAX_CANDIDATES = 20


def _word_trigrams(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text)
    return {tuple(words[i:i + 3]) for i in range(max(1, len(words) - 2))}


def _one_per_article(group: list[Quote]) -> list[Quote]:
    first: dict[str, Quote] = {}
    for quote in group:
        first.setdefault(quote.article, quote)
    return list(first.values())


def _directed_edges(articles: Mapping[str, Article], derivations: Sequence[Derivation],
                    ) -> dict[str, set[str]]:
    """Derived article -> its sources, for derivations whose direction is known."""
    edges: dict[str, set[str]] = defaultdict(set)
    for derivation in derivations:
        if derivation.direction != "undetermined":
            edges[derivation.derived].add(derivation.source)
    return edges


def _quote_source(quote: Quote, group: list[Quote], edges: Mapping[str, set[str]],
                  articles: Mapping[str, Article], majority: list[tuple[str, int]]) -> Quote | None:
    """The quote this one departs from: along a derivation, else an earlier article, else the
    speaker most articles give (when this one is in the minority)."""
    if any(_one_voice(q, quote, articles) for q in group
           if q.article in edges.get(quote.article, ())):
        return None
    others = [q for q in group
              if q.article != quote.article and not _one_voice(q, quote, articles)]
    if not others:
        return None
    for other in others:
        if other.article in edges.get(quote.article, ()):
            return other
    mine = _published(articles, quote.article)
    earlier = [q for q in others if mine and _published(articles, q.article)
               and _published(articles, q.article) < mine
               and quote.article not in edges.get(q.article, ())]
    if earlier:
        return earlier[0]
    counts = dict(majority)
    top_speaker, top = majority[0]
    if top >= 2 and counts.get(_speaker_name(quote), 0) < top:
        return next((q for q in others if _speaker_name(q) == top_speaker), None)
    return None


def _published(articles: Mapping[str, Article], article_id: str) -> str | None:
    article = articles.get(article_id)
    return article.published if article else None


def changed_numbers(articles: Mapping[str, Article], quantities: Sequence[Quantity] | object,
                    derivations: Sequence[Derivation], passages: Sequence[Passage]) -> list[Finding]:
    """Counts of the same thing that differ between the two sides of an aligned passage."""
    by_article: dict[str, list[Quantity]] = defaultdict(list)
    for quantity in quantities:  # type: ignore[union-attr]
        by_article[quantity.article].append(quantity)
    by_id = {d.id: d for d in derivations}
    found: list[Finding] = []
    reported: set[str] = set()
    # Dated sources first, so a changed figure is laid at the door of the earliest article.
    ordered = sorted(passages, key=lambda p: (_edge_rank(articles, by_id.get(p.derivation)),
                                              p.derivation, p.derived_start, p.id))
    for passage in ordered:
        derivation = by_id.get(passage.derivation)
        if derivation is None:
            continue
        source, derived = _oriented(articles, derivation)
        inside = (lambda q, lo, hi: lo <= q.start and q.end <= hi)
        if source == derivation.source:
            spans = ((passage.source_start, passage.source_end),
                     (passage.derived_start, passage.derived_end))
        else:
            spans = ((passage.derived_start, passage.derived_end),
                     (passage.source_start, passage.source_end))
        before = [q for q in by_article[source] if inside(q, *spans[0]) and _counted(q)]
        after = [q for q in by_article[derived] if inside(q, *spans[1]) and _counted(q)]
        for old, new in _paired(before, after):
            if new.id in reported:
                continue
            reported.add(new.id)
            detail = (f"{_outlet(articles, derived)} says \"{_figure(new)}\" where the passage "
                      f"it shares with {_outlet(articles, source)} says \"{_figure(old)}\".")
            found.append(_finding("number_changed", derived, detail, new.start, new.end, source))
    return found


def _edge_rank(articles: Mapping[str, Article], derivation: Derivation | None) -> tuple:
    if derivation is None:
        return ("9999",)
    source, _ = _oriented(articles, derivation)
    return (_published(articles, source) or "9999", source)


def _figure(quantity: Quantity) -> str:
    counted = quantity.counted or ""
    return quantity.text if counted in quantity.text else f"{quantity.text} {counted}".strip()


def _oriented(articles: Mapping[str, Article], derivation: Derivation) -> tuple[str, str]:
    """(source, derived); with no known direction, an undated article is taken as the copy."""
    if derivation.direction == "undetermined":
        source_date = _published(articles, derivation.source)
        derived_date = _published(articles, derivation.derived)
        if source_date is None and derived_date is not None:
            return derivation.derived, derivation.source
    return derivation.source, derivation.derived


def _paired(before: list[Quantity], after: list[Quantity]) -> list[tuple[Quantity, Quantity]]:
    """Counts that speak of the same thing: the same counted noun, or the only count on each
    side of the passage ("42 individuals" rewritten as "420 people")."""
    pairs = []
    for new in after:
        if any(not _disjoint(old, new) for old in before):
            continue  # the figure is in the source passage too ("two of the five berths")
        same_noun = [old for old in before if _counted(old) == _counted(new)]
        if not same_noun and len(before) == 1 and len(after) == 1:
            same_noun = before
        if len(same_noun) == 1 and _disjoint(same_noun[0], new):
            pairs.append((same_noun[0], new))
    return pairs


def single_origins(articles: Mapping[str, Article], claims: Sequence[Claim],
                   claim_groups: Sequence[ClaimGroup],
                   members: Sequence[ClaimGroupMember]) -> list[Finding]:
    """A figure carried by two or more articles that all go back to one reporting line, or
    any claim carried by three or more: repeated figures are what get counted as corroboration
    ("366 kidnappings" that were one report), and every shared sentence would drown them."""
    claim_by_id = {c.id: c for c in claims}
    by_group: dict[str, list[ClaimGroupMember]] = defaultdict(list)
    for member in members:
        by_group[member.group].append(member)
    found = []
    for group in sorted(claim_groups, key=lambda g: g.id):
        carriers = sorted({m.article for m in by_group[group.id]})
        if group.origins != 1 or len(carriers) < 2:
            continue
        has_figure = any(claim_by_id[m.claim].quantities for m in by_group[group.id]
                         if m.claim in claim_by_id)
        if not has_figure and len(carriers) < 3:
            continue
        origin = min(m.origin for m in by_group[group.id])
        origin_claims = [claim_by_id[m.claim] for m in by_group[group.id]
                         if m.article == origin and m.claim in claim_by_id]
        span = origin_claims[0] if origin_claims else None
        detail = (f"{len(carriers)} articles, one origin: \"{group.key}\" is carried by "
                  f"{len(carriers)} articles that all go back to {_outlet(articles, origin)}.")
        found.append(_finding("single_origin", origin, detail, span.start if span else None,
                              span.end if span else None))
    return found
