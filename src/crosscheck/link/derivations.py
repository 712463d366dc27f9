"""Derivations: which article was copied, rewritten or paraphrased from which, with direction.

:func:`derive` takes two articles and the passages aligned between them (verbatim from
``passages.align_verbatim``, paraphrase from ``paraphrase.align_paraphrases``; both with ``a`` on
the source side and ``b`` on the derived side) and returns a :class:`Derivation` with its
:class:`Passage` records, or ``None`` when too little is shared.

Thresholds (keyword options of :func:`derive`, documented there):

* not a derivation: fewer than ``min_shared_chars`` aligned characters in either text, or
  neither text at least ``min_coverage`` covered, or less than ``min_shared_chars`` verbatim
  and fewer than ``min_paraphrases`` paraphrase passages (independent reports of one event
  share a sentence or two in other words);
* ``copy``: verbatim passages cover at least ``copy_coverage`` of both texts;
* ``rewrite`` / ``paraphrase``: aligned passages cover at least ``whole_coverage`` of one text
  and ``part_coverage`` of the other (a shortened retelling still is one); ``paraphrase`` when paraphrase passages hold more of the aligned text than verbatim ones;
* ``partial``: anything else shared (a part of one reused in the other).

Direction (:mod:`crosscheck.link.direction`): publication dates, then times of day, decide;
else weighted content cues; else ``undetermined`` (see that module).

:func:`prune_derivations` is the corpus-level step after all pairs: it drops edges explained by
a common source and partial edges that a derived text's other sources already explain.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..records import Article, Derivation, Passage, Quantity, content_id
from .direction import CUE_WEIGHTS, content_score, decide_direction

if TYPE_CHECKING:  # only its fields are read here
    from .passages import Alignment

__all__ = ["CUE_WEIGHTS", "content_score", "coverage", "derive", "prune_derivations"]


def derive(
    a: Article,
    b: Article,
    *,
    verbatim: Sequence[Alignment],
    paraphrase: Sequence[Alignment],
    quantities_a: Sequence[Quantity] = (),
    quantities_b: Sequence[Quantity] = (),
    min_shared_chars: int = 150,
    min_coverage: float = 0.10,
    copy_coverage: float = 0.80,
    whole_coverage: float = 0.50,
    part_coverage: float = 0.30,
    min_paraphrases: int = 3,
    min_votes: float = 0.2,
) -> tuple[Derivation, list[Passage]] | None:
    """The derivation between ``a`` and ``b``, or ``None`` when too little is shared.

    ``verbatim`` and ``paraphrase`` align ``a`` (source side) with ``b`` (derived side).
    ``quantities_a``/``_b`` (the enrich stage's) are passed on to the direction cues.
    ``min_votes`` is how far the weighted content score must lean (either way) before it
    decides the direction (:func:`crosscheck.link.direction.decide_direction`).
    """
    _check_spans(a, b, [*verbatim, *paraphrase])
    shared = _Shared.of(a, b, verbatim, paraphrase)
    if min(shared.chars_a, shared.chars_b) < min_shared_chars:
        return None
    if max(shared.coverage_a, shared.coverage_b) < min_coverage:
        return None
    if shared.verbatim_chars < min_shared_chars and len(paraphrase) < min_paraphrases:
        return None  # a sentence or two in other words is what any two reports of one event share
    kind = _kind(shared, copy_coverage=copy_coverage, whole_coverage=whole_coverage,
                 part_coverage=part_coverage)
    a_is_source, direction, evidence = decide_direction(
        a, b, verbatim=verbatim, paraphrase=paraphrase, quantities_a=quantities_a,
        quantities_b=quantities_b, min_votes=min_votes)
    source, derived = (a, b) if a_is_source else (b, a)
    score = shared.coverage_b if a_is_source else shared.coverage_a
    derivation = Derivation(
        id=content_id("derivation", source.id, derived.id), source=source.id, derived=derived.id,
        kind=kind, score=round(score, 4), similarity=round(shared.similarity, 4),
        direction=direction, evidence=f"{kind}: {shared.describe(a_is_source)}; {evidence}",
    )
    return derivation, _passages(derivation.id, verbatim, paraphrase, a_is_source)


def coverage(spans: Sequence[tuple[int, int]], length: int) -> float:
    """Share of a text of ``length`` characters covered by the union of ``spans``."""
    return _union(spans) / length if length else 0.0


def _union(spans: Sequence[tuple[int, int]]) -> int:
    total, reach = 0, -1
    for start, end in sorted(spans):
        start = max(start, reach)
        if end > start:
            total, reach = total + end - start, end
    return total


def _check_spans(a: Article, b: Article, alignments: Sequence[Alignment]) -> None:
    for x in alignments:
        if not (0 <= x.source_start < x.source_end <= len(a.text)
                and 0 <= x.derived_start < x.derived_end <= len(b.text)):
            raise ValueError(
                f"alignment ({x.source_start}, {x.source_end}) -> ({x.derived_start}, {x.derived_end}) is outside the texts of {a.id} ({len(a.text)} characters) "
                f"and {b.id} ({len(b.text)} characters): align a as source and b as derived"
            )


@dataclass(frozen=True)
class _Shared:
    """How much of each text the alignments cover, verbatim and in paraphrase."""

    chars_a: int
    chars_b: int
    coverage_a: float
    coverage_b: float
    verbatim_a: float
    verbatim_b: float
    verbatim_chars: int
    paraphrase_chars: int
    similarity: float

    @classmethod
    def of(cls, a, b, verbatim, paraphrase) -> _Shared:
        both = [*verbatim, *paraphrase]
        spans_a = [(x.source_start, x.source_end) for x in both]
        spans_b = [(x.derived_start, x.derived_end) for x in both]
        chars_a, chars_b = _union(spans_a), _union(spans_b)
        weighted = sum(x.similarity * ((x.source_end - x.source_start) + (x.derived_end - x.derived_start))
                       for x in both)
        length = len(a.text) + len(b.text)
        return cls(
            chars_a=chars_a, chars_b=chars_b,
            coverage_a=chars_a / max(1, len(a.text)), coverage_b=chars_b / max(1, len(b.text)),
            verbatim_a=coverage([(x.source_start, x.source_end) for x in verbatim], len(a.text)),
            verbatim_b=coverage([(x.derived_start, x.derived_end) for x in verbatim], len(b.text)),
            verbatim_chars=sum(x.derived_end - x.derived_start for x in verbatim),
            paraphrase_chars=sum(x.derived_end - x.derived_start for x in paraphrase),
            similarity=min(1.0, weighted / length) if length else 0.0,
        )

    def describe(self, a_is_source: bool) -> str:
        src, der = (self.coverage_a, self.coverage_b) if a_is_source else (self.coverage_b, self.coverage_a)
        return (f"{der:.0%} of the derived text and {src:.0%} of the source aligned "
                f"({self.verbatim_chars} characters verbatim, {self.paraphrase_chars} in paraphrase)")


def _kind(shared: _Shared, *, copy_coverage: float, whole_coverage: float,
          part_coverage: float) -> str:
    if min(shared.verbatim_a, shared.verbatim_b) >= copy_coverage:
        return "copy"
    if (max(shared.coverage_a, shared.coverage_b) >= whole_coverage
            and min(shared.coverage_a, shared.coverage_b) >= part_coverage):
        return "paraphrase" if shared.paraphrase_chars > shared.verbatim_chars else "rewrite"
    return "partial"


def _passages(derivation_id, verbatim, paraphrase, a_is_source) -> list[Passage]:
    passages = []
    for kind, alignments in (("verbatim", verbatim), ("paraphrase", paraphrase)):
        for x in alignments:
            spans = ((x.source_start, x.source_end, x.derived_start, x.derived_end) if a_is_source
                     else (x.derived_start, x.derived_end, x.source_start, x.source_end))
            passages.append(Passage(content_id(derivation_id, kind, *spans), derivation_id,
                                    *spans, kind, round(float(x.similarity), 4)))
    return sorted(passages, key=lambda p: (p.derived_start, p.source_start, p.kind))


# --- corpus-level pruning --------------------------------------------------------------------


def prune_derivations(
    derivations: list[Derivation],
    passages: Mapping[str, list[Passage]],
    published: Mapping[str, str | None],
    *,
    explained: float = 0.6,
    weak_ratio: float = 0.25,
) -> list[Derivation]:
    """The derivations worth keeping once the whole corpus's edges are known.

    1. Common source: when A is (or may be) the source of both B and C, the B–C edge goes if at
       least ``explained`` of what B and C share, on both sides, lies inside what each shares
       with A (two papers rewriting one wire story are not copies of each other). Weakest edges
       are judged first and a dropped edge explains nothing, so of three mutual copies the two
       strongest edges stay. A published after B or C is no common source of them.
    2. Weak partial: a ``partial`` edge goes when its derived text has a source whose score is
       at least 1 / ``weak_ratio`` times higher, or whose passages already hold ``explained``
       of the partial edge's material in the derived text.

    ``passages`` maps derivation ids to their passages; ``published`` article ids to ISO dates.
    Each edge costs O(common neighbours * passages): near linear on sparse derivation graphs.
    Returns the kept derivations in the input order.
    """
    spans = {d.id: _sides(d, passages.get(d.id, [])) for d in derivations}
    edges = {frozenset((d.source, d.derived)): d for d in derivations}
    neighbours: dict[str, set[str]] = {}
    for d in derivations:
        neighbours.setdefault(d.source, set()).add(d.derived)
        neighbours.setdefault(d.derived, set()).add(d.source)
    for d in sorted(derivations, key=lambda d: (d.score, d.id)):
        if _explained(d, edges, neighbours, spans, published, explained):
            del edges[frozenset((d.source, d.derived))]
            neighbours[d.source].discard(d.derived)
            neighbours[d.derived].discard(d.source)
    kept = {d.id for d in edges.values()}
    kept -= _weak_partials([d for d in derivations if d.id in kept], spans,
                           explained=explained, weak_ratio=weak_ratio)
    return [d for d in derivations if d.id in kept]


def _sides(d: Derivation, passages: list[Passage]) -> dict[str, list[tuple[int, int]]]:
    """Each article's aligned spans in one derivation, merged."""
    return {d.source: _merged([(p.source_start, p.source_end) for p in passages]),
            d.derived: _merged([(p.derived_start, p.derived_end) for p in passages])}


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
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


def _explained(d, edges, neighbours, spans, published, explained) -> bool:
    """Whether third articles hold, on both sides, most of what ``d``'s two texts share. A
    third A counts when it is (or may be) the source of both, or when, published strictly
    between them, it passed the source's material on (source -> A -> derived: dates make that
    chain trustworthy). What several thirds share with each side is pooled."""
    s, t = d.source, d.derived
    cover_s, cover_t = [], []
    for a in sorted(neighbours[s] & neighbours[t]):
        sa, at = edges[frozenset((a, s))], edges[frozenset((a, t))]
        common = _may_source(sa, a) and not _later(a, (s, t), published)
        if _may_source(at, a) and (common or _between(s, a, t, published)):
            cover_s += spans[sa.id][s]
            cover_t += spans[at.id][t]
    return bool(cover_s) and (_inside(spans[d.id][s], _merged(cover_s)) >= explained
                              and _inside(spans[d.id][t], _merged(cover_t)) >= explained)


def _later(article: str, others: tuple[str, ...], published: Mapping[str, str | None]) -> bool:
    date = _date(article, published)
    return bool(date) and any("" < _date(o, published) < date for o in others)


def _date(article: str, published: Mapping[str, str | None]) -> str:
    return published.get(article) or ""


def _between(first: str, middle: str, last: str, published: Mapping[str, str | None]) -> bool:
    dates = [_date(x, published) for x in (first, middle, last)]
    return all(dates) and dates[0] < dates[1] <= dates[2]


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
            cover = _merged([span for o in others for span in spans[o.id][d.derived]])
            if d.score < weak_ratio * best or _inside(spans[d.id][d.derived], cover) >= explained:
                weak.add(d.id)
    return weak


def _upstream(first: str, second: str, edges: dict) -> bool:
    """Whether ``first`` is (or may be) a source of ``second``."""
    edge = edges.get(frozenset((first, second)))
    return edge is not None and _may_source(edge, first)
