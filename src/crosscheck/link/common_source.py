"""Who is the common source of several texts, and when two texts only share one.

A copy keeps its source's words except where it edits them, and two copies edit in different
places. So of three texts that share material, the source holds more of the other two's word
3-grams than either holds of the others' (:func:`source_of_triangle`, summed shares). Pruning
uses that to keep a sibling from being taken for the source (:mod:`.prune`), and
:func:`direct_undated_copies` to direct edges between undated texts: summed over the third
texts aligned with both, the text whose 3-grams overlap the others' more (Dice) is the source.
Only texts without a publication date, and edges no citation or day shift orders, are directed
this way: on METER with its dates hidden, containment names a newspaper that quotes a whole
wire story and adds its own as the source of both, where the day shift says otherwise.

:func:`mark_shared_sources` marks the edges that nothing orders between texts that take from
others as ``relation="shared_source"``: a source the corpus does not hold.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import replace
from functools import lru_cache

from ..records import Derivation, Passage, content_id

__all__ = ["ORIGINATING_SHARE", "SOURCE_MARGIN", "Containment", "direct_undated_copies", "union_length",
           "mark_shared_sources", "ordered_by_strong_cue", "originating_outlets", "source_of_triangle",
           "word_trigrams"]

# Reasons the strong content cues write into the evidence (crosscheck.link.direction_cues).
_STRONG_CUE_REASONS = (" credits ", " says 'yesterday' where ")


def ordered_by_strong_cue(evidence: str) -> bool:
    """Whether a derivation's evidence holds a citation or a day shift ("today" become
    "yesterday"): the cues that order two texts on their own (weights 5.8 against 2 at most)."""
    return any(reason in evidence for reason in _STRONG_CUE_REASONS)


#: The share of an outlet's directed edges on which it is the source from which it counts as
#: an originating outlet (an agency others take from): its edges stay ``derived``. Between two
#: outlets that mostly take from others a day shift orders nothing: which of two next-day
#: rewrites kept the wire's "today" says nothing about them (leaving the day shift out for
#: every outlet marked 108 METER wire -> paper edges too: a later wire version and a paper are
#: siblings of the first version).
ORIGINATING_SHARE = 0.5

#: How much more of the other two texts' word 3-grams (summed shares) the common source of a
#: triangle must hold than the runner-up; closer than this, none of the three is taken for it.
SOURCE_MARGIN = 0.10

_WORD = re.compile(r"[^\W_]+")


def word_trigrams(text: str) -> frozenset[int]:
    """Hashes of the lower-cased word 3-grams of ``text`` (compared within one process only)."""
    words = [w.lower() for w in _WORD.findall(text)]
    return frozenset(hash(tuple(words[i:i + 3])) for i in range(max(0, len(words) - 2)))


def source_of_triangle(grams: Mapping[str, frozenset[int]], *, margin: float = SOURCE_MARGIN) -> str | None:
    """Of three texts (id -> :func:`word_trigrams`), the one holding most of the other two's
    word 3-grams (summed shares), or ``None`` when the runner-up comes within ``margin``: a
    copy keeps the source's words except where it edits, so the source contains each copy
    better than one copy contains another (whose edits fall elsewhere). Two revisers who
    change the same words (a light and a heavy revision both turning "said" into "stated")
    bring a copy level with the source; then nothing is decided here."""
    def held(x: str) -> float:
        return sum(len(grams[y] & grams[x]) / max(1, len(grams[y])) for y in grams if y != x)
    scores = sorted(((round(held(x), 6), x) for x in grams), reverse=True)
    return scores[0][1] if scores[0][0] - scores[1][0] > margin else None


class Containment:
    """:func:`source_of_triangle` over a corpus's texts, each text's 3-grams hashed once."""

    def __init__(self, texts: Mapping[str, str], *, margin: float = SOURCE_MARGIN):
        self._grams = lru_cache(maxsize=4096)(lambda article: word_trigrams(texts.get(article, "")))
        self._source = lru_cache(maxsize=65536)(self._of)
        self._margin = margin

    @property
    def margin(self) -> float:
        return self._margin

    def held(self, x: str, others: tuple[str, ...]) -> float:
        """Summed Dice overlap of ``x``'s word 3-grams with each of ``others``' (1 less the
        share of the two texts that is not in both: what one added, cut or reworded)."""
        grams = self._grams(x)
        return sum(2 * len(self._grams(y) & grams) / max(1, len(self._grams(y)) + len(grams)) for y in others)

    def _of(self, trio: tuple[str, str, str]) -> str | None:
        return source_of_triangle({x: self._grams(x) for x in trio}, margin=self._margin)

    def source(self, a: str, pair: tuple[str, str]) -> str | None:
        return self._source(tuple(sorted((a, *pair))))


def direct_undated_copies(
    derivations: list[Derivation],
    passages: Mapping[str, list[Passage]],
    published: Mapping[str, str | None],
    texts: Mapping[str, str],
    *,
    margin: float = SOURCE_MARGIN,
) -> tuple[list[Derivation], dict[str, list[Passage]]]:
    """Derivations between two undated texts directed by the triangles they sit in.

    For an edge between two texts without a publication date (not ``dated``, no citation or
    day shift in its evidence), with third texts aligned with both: the text whose word 3-grams
    overlap the others' more (Dice, summed over those triangles) by more than ``margin`` is
    the source. The edge is turned if it pointed
    the other way or was ``undetermined``, with ``direction="content"`` and the reason added
    to its evidence. Without thirds, or within the margin, the edge is left as the pairwise
    cues had it.

    Returns the derivations (in the input order) and their passages, keyed by the (new, when
    turned) derivation ids, with the spans swapped along.
    """
    containment = Containment(texts, margin=margin)
    neighbours: dict[str, set[str]] = {}
    for d in derivations:
        neighbours.setdefault(d.source, set()).add(d.derived)
        neighbours.setdefault(d.derived, set()).add(d.source)
    directed, moved = [], {}
    for d in derivations:
        winner, why = _named_source(d, neighbours, published, containment)
        if winner is None or (winner == d.source and d.direction != "undetermined"):
            directed.append(d)
            moved[d.id] = list(passages.get(d.id, []))
            continue
        turned, turned_passages = _turned(d, passages.get(d.id, []), winner=winner, why=why,
                                          texts=texts)
        directed.append(turned)
        moved[turned.id] = turned_passages
    return directed, moved


def _named_source(d: Derivation, neighbours, published, containment) -> tuple[str | None, str]:
    """The text of ``d`` that the triangles name as the source, with the figures that say so:
    summed over the thirds aligned with both, how much more of the other two's words one
    holds than the other does (one third alone may tip either way where two revisers changed
    the same words alike; the sum weighs them all)."""
    s, t = d.source, d.derived
    if d.direction == "dated" or published.get(s) or published.get(t) or ordered_by_strong_cue(d.evidence):
        return None, ""
    thirds = sorted(neighbours[s] & neighbours[t])
    if not thirds:
        return None, ""
    lead = sum(containment.held(s, (t, a)) - containment.held(t, (s, a)) for a in thirds)
    if abs(lead) <= containment.margin:
        return None, ""
    return (s if lead > 0 else t), f"{len(thirds)} other text{'s' if len(thirds) > 1 else ''}, lead {abs(lead):.2f}"


_SHARES = re.compile(r"(\d+)% of the derived text and (\d+)% of the source")


def _turned(d: Derivation, passages: list[Passage], *, winner: str, why: str, texts):
    """``d`` with ``winner`` as its source (turned round when needed: spans swapped, score
    the share of the new derived text aligned), and its passages."""
    loser = d.derived if winner == d.source else d.source
    reason = (f"common source: {winner} holds more of the words of {loser} and of the texts "
              f"aligned with both than {loser} holds of theirs ({why})")
    if winner == d.source:
        return replace(d, direction="content", evidence=f"{d.evidence}; {reason}"), list(passages)
    new_id = content_id("derivation", winner, loser)
    evidence = _SHARES.sub(lambda m: f"{m[2]}% of the derived text and {m[1]}% of the source", d.evidence, count=1)
    covered = union_length([(p.source_start, p.source_end) for p in passages])
    score = round(covered / max(1, len(texts.get(loser, ""))), 4)
    turned = replace(d, id=new_id, source=winner, derived=loser, direction="content", score=score,
                     evidence=f"{evidence}; turned round, {reason}")
    swapped = [Passage(content_id(new_id, p.kind, p.derived_start, p.derived_end, p.source_start, p.source_end),
                       new_id, p.derived_start, p.derived_end, p.source_start, p.source_end, p.kind, p.similarity)
               for p in passages]
    return turned, sorted(swapped, key=lambda p: (p.derived_start, p.source_start, p.kind))


def union_length(spans) -> int:
    """Characters covered by the union of ``[start, end)`` spans."""
    total, reach = 0, -1
    for start, end in sorted(spans):
        start = max(start, reach)
        if end > start:
            total, reach = total + end - start, end
    return total


def mark_shared_sources(derivations: list[Derivation], *, outlets: Mapping[str, str | None] | None = None,
                        originating_share: float | None = ORIGINATING_SHARE,
                        sides: int = 1) -> list[Derivation]:
    """``derivations`` with ``relation="shared_source"`` on edges that nothing orders between
    texts that take from others: at least ``sides`` (1 or 2) of the two texts have another
    source among ``derivations``, and neither dates, a citation, a whole copy nor an
    originating source outlet (:func:`originating_outlets`) says which took from which. Two
    papers rewriting one wire share a hearing's quotes too, and which of them kept the wire's
    "today" orders nothing; an agency's text, by contrast, is what others take from.
    ``originating_share=None`` (the first rule): no outlet prior, a day shift orders any edge."""
    sources: dict[str, set[str]] = {}
    for d in derivations:
        if d.direction != "undetermined":
            sources.setdefault(d.derived, set()).add(d.source)
    originating = (originating_outlets(derivations, outlets, share=originating_share)
                   if originating_share is not None else set())
    marked = []
    for d in derivations:
        others = [bool(sources.get(d.derived, set()) - {d.source}),
                  bool(sources.get(d.source, set()) - {d.derived})]
        ordered = (d.direction == "dated" or d.kind == "copy" or " credits " in d.evidence
                   or (d.direction != "undetermined" and _outlet(d.source, outlets or {}) in originating)
                   or (originating_share is None and ordered_by_strong_cue(d.evidence)))
        marked.append(replace(d, relation="shared_source") if sum(others) >= sides and not ordered else d)
    return marked


def originating_outlets(derivations: list[Derivation], outlets: Mapping[str, str | None] | None, *,
                        share: float = ORIGINATING_SHARE, minimum: int = 5) -> set[str]:
    """Outlets that are the source on at least ``share`` of their (at least ``minimum``)
    directed edges: the agencies a corpus's other outlets take from."""
    if not outlets:
        return set()
    as_source: Counter[str] = Counter()
    on_edges: Counter[str] = Counter()
    for d in derivations:
        if d.direction == "undetermined":
            continue
        for article in (d.source, d.derived):
            on_edges[_outlet(article, outlets)] += 1
        as_source[_outlet(d.source, outlets)] += 1
    return {o for o, n in on_edges.items() if o and n >= minimum and as_source[o] >= share * n}


def _outlet(article: str, outlets: Mapping[str, str | None]) -> str:
    return (outlets.get(article) or "").casefold()
