"""Derivations: which article was copied, rewritten or paraphrased from which, with direction.

:func:`derive` takes two articles and the passages aligned between them (verbatim from
``passages.align_verbatim``, paraphrase from ``paraphrase.align_paraphrases``; both with ``a`` on
the source side and ``b`` on the derived side) and returns a :class:`Derivation` with its
:class:`Passage` records, or ``None`` when too little is shared.

Thresholds (keyword options of :func:`derive`, documented there):

* not a derivation: fewer than ``min_shared_chars`` aligned characters in either text, or
  neither text at least ``min_coverage`` covered, or less than ``min_shared_chars`` verbatim
  and fewer than ``min_paraphrases`` paraphrase passages (independent reports of one event
  share a sentence or two in other words) — unless the derived text repeats a quotation of
  the source word for word (at least ``min_quoted_words`` words inside quotation marks in both)
  and shares at least one more stretch with it: a commentary that lifts a quote and a claim
  or two from a report is a partial derivation however little of it that is, while a report
  of its own restates facts and names but rarely the same quoted words and sentences;
* ``copy``: verbatim passages cover at least ``copy_coverage`` of both texts;
* ``rewrite`` / ``paraphrase``: aligned passages cover at least ``whole_coverage`` of one text
  and ``part_coverage`` of the other (a shortened retelling still is one); ``paraphrase`` when paraphrase passages hold more of the aligned text than verbatim ones;
* ``partial``: anything else shared (a part of one reused in the other).

Direction (:mod:`crosscheck.link.direction`): publication dates, then times of day, decide;
else weighted content cues; else ``undetermined`` (see that module).

:func:`prune_derivations` (in :mod:`.prune`, re-exported here) is the corpus-level step after
all pairs: it drops edges explained by a common source, partial edges that a derived text's other
sources already explain, and background reused across news cycles.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..records import Article, Derivation, Passage, Quantity, content_id
from .direction import CUE_WEIGHTS, content_score, decide_direction
from .common_source import union_length
from .prune import merged_spans, prune_derivations

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
    min_quoted_words: int = 3,
) -> tuple[Derivation, list[Passage]] | None:
    """The derivation between ``a`` and ``b``, or ``None`` when too little is shared.

    ``verbatim`` and ``paraphrase`` align ``a`` (source side) with ``b`` (derived side).
    ``quantities_a``/``_b`` (the enrich stage's) are passed on to the direction cues.
    ``min_votes`` is how far the weighted content score must lean (either way) before it
    decides the direction (:func:`crosscheck.link.direction.decide_direction`).
    ``min_quoted_words``: the quoted words a verbatim passage must carry to make a small shared
    part a derivation.
    """
    _check_spans(a, b, [*verbatim, *paraphrase])
    shared = _Shared.of(a, b, verbatim, paraphrase)
    substantial = (min(shared.chars_a, shared.chars_b) >= min_shared_chars
                   and max(shared.coverage_a, shared.coverage_b) >= min_coverage
                   # a sentence or two in other words is what any two reports of one event share
                   and (shared.verbatim_chars >= min_shared_chars or len(paraphrase) >= min_paraphrases))
    if not substantial and not (shared.quoted_words >= min_quoted_words and shared.stretches >= 2):
        return None
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
    return union_length(spans) / length if length else 0.0


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
    quoted_words: int = 0  # words of verbatim passages inside quotation marks in both texts
    stretches: int = 0  # separate aligned stretches of the derived text

    @classmethod
    def of(cls, a, b, verbatim, paraphrase) -> _Shared:
        both = [*verbatim, *paraphrase]
        spans_a = [(x.source_start, x.source_end) for x in both]
        spans_b = [(x.derived_start, x.derived_end) for x in both]
        chars_a, chars_b = union_length(spans_a), union_length(spans_b)
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
            quoted_words=_quoted_words(a.text, b.text, verbatim),
            stretches=len(merged_spans(spans_b)),
        )

    def describe(self, a_is_source: bool) -> str:
        src, der = (self.coverage_a, self.coverage_b) if a_is_source else (self.coverage_b, self.coverage_a)
        return (f"{der:.0%} of the derived text and {src:.0%} of the source aligned "
                f"({self.verbatim_chars} characters verbatim, {self.paraphrase_chars} in paraphrase)")


_WORD_RUN = re.compile(r"[^\W_]+")
# A quotation: double quotes, TeX-style ``...'' (wire copy), or single quotes opening after a
# non-word character and closing before one (so "didn't" and "students' union" open nothing).
_QUOTATION = re.compile(r'"[^"\n]{3,800}"|“[^”\n]{3,800}”|``[^\n]{3,800}?\'\''
                        r"|(?<!\w)['‘](?=\w)[^\n]{3,800}?(?<=[\w.,!?])['’](?!\w)")


def _quoted_words(text_a: str, text_b: str, verbatim: Sequence[Alignment]) -> int:
    """Words of the verbatim passages that sit inside a quotation in both texts (a passage
    counts its fewer side)."""
    quotes_a = [m.span() for m in _QUOTATION.finditer(text_a)]
    quotes_b = [m.span() for m in _QUOTATION.finditer(text_b)]
    return sum(min(_words_inside(text_a, x.source_start, x.source_end, quotes_a),
                   _words_inside(text_b, x.derived_start, x.derived_end, quotes_b))
               for x in verbatim)


def _words_inside(text: str, start: int, end: int, quotes: list[tuple[int, int]]) -> int:
    return sum(len(_WORD_RUN.findall(text[max(start, s):min(end, e)]))
               for s, e in quotes if s < end and e > start)


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
