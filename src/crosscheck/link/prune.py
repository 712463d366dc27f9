"""Corpus-level pruning of derivation edges, once every compared pair's edge is known.

Pairwise alignment finds what two texts share; whether that makes one the source of the other
depends on the rest of the corpus. Three rules, in this order:

1. Common source (:func:`_explained`): two rewrites of one wire story share its sentences, which
   makes neither a copy of the other.
2. Weak partial (:func:`_weak_partials`): a partial edge whose material the derived text's
   stronger sources already hold adds nothing.
3. Earlier news cycle (:func:`_stale`): a running story (a trial, a strike) repeats its
   background every day, so a report shares names, facts and stock phrases with reports of days
   before without copying them. An edge whose source is ``stale_days`` or more older than its
   derived text goes when the derived text has a better source (a fuller retelling, or one
   published later), or when both texts come from one outlet (its own follow-up reusing its
   own background is one origin, not a copy). On METER, where every gold story is one day,
   these were nearly all the edges whose two texts belong to different stories.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from ..records import Derivation, Passage
from .common_source import ORIGINATING_SHARE, SOURCE_MARGIN, Containment, mark_shared_sources

__all__ = ["prune_derivations"]



def prune_derivations(
    derivations: list[Derivation],
    passages: Mapping[str, list[Passage]],
    published: Mapping[str, str | None],
    *,
    explained: float = 0.6,
    weak_ratio: float = 0.25,
    stale_days: int = 2,
    outlets: Mapping[str, str | None] | None = None,
    texts: Mapping[str, str] | None = None,
    common_source_by: str = "containment",
    source_margin: float = SOURCE_MARGIN,
    originating_share: float | None = ORIGINATING_SHARE,
    shared_source_sides: int = 1,
) -> list[Derivation]:
    """The derivations worth keeping once the whole corpus's edges are known.

    1. Common source: when A is (or may be) the source of both B and C, the B–C edge goes if at
       least ``explained`` of what B and C share, on both sides, lies inside what each shares
       with A (two papers rewriting one wire story are not copies of each other). Weakest edges
       are judged first and a dropped edge explains nothing, so of three mutual copies the two
       strongest edges stay. A published after B or C is no common source of them. Whether A
       may be the source of B and C: where an edge was decided by dates, the dates say;
       otherwise its direction, unless (``common_source_by="containment"``, with ``texts``)
       word containment names B or C as the source of the three (:func:`crosscheck.link.common_source.source_of_triangle`):
       each copy departs from the source in its own way, so the source holds more of every
       copy than a copy holds of its sibling, and a sibling whose edges the content cues
       misdirected no longer explains away the edge to the source. Containment only vetoes,
       and only where one of the three texts has no publication date: on METER (all dated,
       same day) it names a newspaper that quotes a whole wire story as their source, which
       the day-shift and citation cues rightly deny, and it scored worse across story folds
       (docs/benchmarks.md). ``common_source_by="direction"`` or no ``texts``: the rule
       before, directions alone.
    2. Weak partial: a ``partial`` edge goes when its derived text has a source whose score is
       at least 1 / ``weak_ratio`` times higher, or whose passages already hold ``explained``
       of the partial edge's material in the derived text.
    3. Earlier news cycle: an edge (not a ``copy``) whose source was published at least
       ``stale_days`` days before its derived text goes when both come from one outlet
       (``outlets`` maps article ids to outlet names; without it this part is off), and a
       ``partial`` one also when the derived text has another source that is not partial or
       was published later than this one. The freshest or fullest source always stays.

    ``source_margin``: how much more of the others' words the source of three texts must hold
    than the runner-up (:data:`SOURCE_MARGIN`, chosen across METER story folds).
    ``passages`` maps derivation ids to their passages; ``published`` article ids to ISO dates.
    4. Shared unseen source: a kept edge between two texts of which at least
       ``shared_source_sides`` (1 or 2) have another kept source, and that neither dates, a
       citation, a whole copy nor an originating source outlet orders, gets
       ``relation="shared_source"`` (:func:`crosscheck.link.common_source.mark_shared_sources`):
       what two retellings share outside their sources came from a source the corpus does
       not hold as readily as from one another. An outlet originates when it is the source on
       at least ``originating_share`` of its directed edges (an agency); ``None``: no such
       prior, and a day shift orders any edge (the first version of this rule).

    Each edge costs O(common neighbours * passages): near linear on sparse derivation graphs.
    Returns the kept derivations in the input order.
    """
    spans = {d.id: _sides(d, passages.get(d.id, [])) for d in derivations}
    edges = {frozenset((d.source, d.derived)): d for d in derivations}
    neighbours: dict[str, set[str]] = {}
    for d in derivations:
        neighbours.setdefault(d.source, set()).add(d.derived)
        neighbours.setdefault(d.derived, set()).add(d.source)
    if common_source_by not in ("containment", "direction"):
        raise ValueError(f"common_source_by must be 'containment' or 'direction', got {common_source_by!r}")
    rank = (Containment(texts, margin=source_margin)
            if common_source_by == "containment" and texts is not None else None)
    for d in sorted(derivations, key=lambda d: (d.score, d.id)):
        if _explained(d, edges, neighbours, spans, published, explained, rank):
            del edges[frozenset((d.source, d.derived))]
            neighbours[d.source].discard(d.derived)
            neighbours[d.derived].discard(d.source)
    kept = {d.id for d in edges.values()}
    kept -= _weak_partials([d for d in derivations if d.id in kept], spans,
                           explained=explained, weak_ratio=weak_ratio)
    kept -= _stale([d for d in derivations if d.id in kept], published, outlets or {},
                   stale_days=stale_days)
    return mark_shared_sources([d for d in derivations if d.id in kept], outlets=outlets,
                               originating_share=originating_share, sides=shared_source_sides)


def _sides(d: Derivation, passages: list[Passage]) -> dict[str, list[tuple[int, int]]]:
    """Each article's aligned spans in one derivation, merged."""
    return {d.source: merged_spans([(p.source_start, p.source_end) for p in passages]),
            d.derived: merged_spans([(p.derived_start, p.derived_end) for p in passages])}


def merged_spans(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """``[start, end)`` spans with overlapping or touching ones joined, in order."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _inside(spans: list[tuple[int, int]], cover: list[tuple[int, int]]) -> float:
    """Share of the characters of ``spans`` (merged) that ``cover`` (merged) also holds."""
    total = sum(e - s for s, e in spans)
    common, j = 0, 0
    for start, end in spans:
        while j < len(cover) and cover[j][1] <= start:
            j += 1
        k = j
        while k < len(cover) and cover[k][0] < end:
            common += min(end, cover[k][1]) - max(start, cover[k][0])
            k += 1
    return common / total if total else 0.0


def _may_source(d: Derivation, article: str) -> bool:
    return d.source == article or d.direction == "undetermined"


def _may_common(edge: Derivation, a: str, pair: tuple[str, str], rank) -> bool:
    """Whether ``a`` may be the source along ``edge`` as a common source of ``pair``: dates say
    where they decided; otherwise the direction, unless word containment (``rank``) names one
    of ``pair`` as the source of the three."""
    if rank is None or edge.direction == "dated":
        return _may_source(edge, a)
    return _may_source(edge, a) and rank.source(a, pair) in (a, None)


def _undated(trio: tuple[str, ...], published: Mapping[str, str | None]) -> bool:
    return not all(published.get(x) for x in trio)


def _explained(d, edges, neighbours, spans, published, explained, rank=None) -> bool:
    """Whether third articles hold, on both sides, most of what ``d``'s two texts share. A
    third A counts when it is (or may be) the source of both (:func:`_may_common`), or when,
    published after the source and before the derived text (or on its day, with an edge that
    runs from A), it passed the source's material on (source -> A -> derived: dates make that
    chain trustworthy; :func:`_passed_on`). What several thirds share with each side is
    pooled."""
    s, t = d.source, d.derived
    cover_s, cover_t = [], []
    for a in sorted(neighbours[s] & neighbours[t]):
        sa, at = edges[frozenset((a, s))], edges[frozenset((a, t))]
        # same-day texts have the day shift and credits to go by; undated ones only content
        veto = rank if _undated((a, s, t), published) else None
        common = _may_common(sa, a, (s, t), veto) and not _later(a, (s, t), published)
        if (_may_common(at, a, (s, t), veto) and common) or _passed_on(s, a, t, at, published):
            cover_s += spans[sa.id][s]
            cover_t += spans[at.id][t]
    return bool(cover_s) and (_inside(spans[d.id][s], merged_spans(cover_s)) >= explained
                              and _inside(spans[d.id][t], merged_spans(cover_t)) >= explained)


def _later(article: str, others: tuple[str, ...], published: Mapping[str, str | None]) -> bool:
    date = _date(article, published)
    return bool(date) and any("" < _date(o, published) < date for o in others)


def _date(article: str, published: Mapping[str, str | None]) -> str:
    return published.get(article) or ""


def _passed_on(first: str, middle: str, last: str, edge: Derivation,
               published: Mapping[str, str | None]) -> bool:
    """Whether ``middle``, published after ``first``, passed its material on to ``last``
    (``edge`` joins middle and last): published before ``last``, or on its day when the edge
    runs from ``middle``. A same-day text whose edge nothing orders is as likely ``last``'s copy
    as its source, so it explains away no edge to an earlier source."""
    dates = [_date(x, published) for x in (first, middle, last)]
    if not all(dates) or not dates[0] < dates[1] <= dates[2]:
        return False
    if dates[1] < dates[2]:
        return _may_source(edge, middle)
    return edge.source == middle and edge.direction != "undetermined"


def _weak_partials(derivations, spans, *, explained, weak_ratio) -> set[str]:
    """Ids of partial edges that add nothing: their derived text has a source at least
    1 / ``weak_ratio`` times stronger, or its other kept sources already hold ``explained`` of
    the edge's material there. Weakest first, so two sources never explain each other away; a
    source that itself drew on the edge's source is downstream of it and explains nothing."""
    edges = {frozenset((d.source, d.derived)): d for d in derivations}
    sources: dict[str, list[Derivation]] = {}
    for d in derivations:
        if d.direction != "undetermined":
            sources.setdefault(d.derived, []).append(d)
    weak: set[str] = set()
    for incoming in sources.values():
        best = max(o.score for o in incoming)
        for d in sorted(incoming, key=lambda o: (o.score, o.id)):
            others = [o for o in incoming if o.id != d.id and o.id not in weak
                      and not _upstream(d.source, o.source, edges)]
            if d.kind != "partial" or not others:
                continue
            cover = merged_spans([span for o in others for span in spans[o.id][d.derived]])
            if d.score < weak_ratio * best or _inside(spans[d.id][d.derived], cover) >= explained:
                weak.add(d.id)
    return weak


def _upstream(first: str, second: str, edges: dict) -> bool:
    """Whether ``first`` is (or may be) a source of ``second``."""
    edge = edges.get(frozenset((first, second)))
    return edge is not None and _may_source(edge, first)


def _stale(derivations: list[Derivation], published: Mapping[str, str | None],
           outlets: Mapping[str, str | None], *, stale_days: int) -> set[str]:
    """Ids of edges carrying a running story's background from an earlier news cycle. Judged
    all at once against the edges given, so the freshest or fullest source of a text stays."""
    sources: dict[str, list[Derivation]] = {}
    for d in derivations:
        if d.direction != "undetermined":
            sources.setdefault(d.derived, []).append(d)
    stale = set()
    for d in derivations:
        age = _days_between(d.source, d.derived, published)
        if d.kind == "copy" or age is None or age < stale_days:
            continue
        better = [o for o in sources.get(d.derived, []) if o.id != d.id
                  and (o.kind != "partial" or _date(o.source, published) > _date(d.source, published))]
        if _same_outlet(d, outlets) or (d.kind == "partial" and better):
            stale.add(d.id)
    return stale


def _days_between(first: str, second: str, published: Mapping[str, str | None]) -> int | None:
    """Whole days between two articles' publication dates; ``None`` when one is unknown."""
    try:
        days = [date.fromisoformat(_date(x, published)[:10]) for x in (first, second)]
    except ValueError:  # a missing or malformed date decides nothing
        return None
    return abs((days[1] - days[0]).days)


def _same_outlet(d: Derivation, outlets: Mapping[str, str | None]) -> bool:
    source, derived = outlets.get(d.source), outlets.get(d.derived)
    return bool(source) and bool(derived) and source.casefold() == derived.casefold()
