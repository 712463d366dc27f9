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

Direction: different publication dates decide (the earlier one is the source). Same day or a
date missing: weighted content cues (:func:`content_score`, weights ``CUE_WEIGHTS``) decide —
the later text credits the other outlet; it says "yesterday" where the first said "today"; it
has a lead of its own or the source keeps an unused tail; it cuts words inside the passages it
reuses. Below a score of ``min_votes`` the direction is ``undetermined`` and the pair is stored
in id order: saying "undetermined" beats guessing. On METER (same-day wire and newspaper pairs)
the cues decide 98.5% of wire-newspaper edges and are right on 99.7% of those.

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
from .prune import merged_spans, prune_derivations

if TYPE_CHECKING:  # only its fields are read here
    from .passages import Alignment

__all__ = ["CUE_WEIGHTS", "content_score", "coverage", "derive", "prune_derivations"]

_NUMBER = re.compile(r"\d[\d,.]*\d|\d")
_NAME = re.compile(r"(?<=[a-z,;:] )[A-Z][a-z]+(?: [A-Z][a-z]+)*")
_CITE_CUES = r"(?:reported|reports|said|says|told|according to|citing|quoted|cited)"


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
    ``quantities_a``/``_b`` (the enrich stage's) name the figures compared for dropped details;
    without them digits in the texts are used. ``min_votes`` is how far the weighted content
    score must lean (either way) before it decides the direction. ``min_quoted_words``: the
    quoted words a verbatim passage must carry to make a small shared part a derivation.
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
    a_is_source, direction, evidence = _direction(a, b, verbatim, paraphrase,
                                                  quantities_a, quantities_b, min_votes)
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
    quoted_words: int = 0  # words of verbatim passages inside quotation marks in both texts
    stretches: int = 0  # separate aligned stretches of the derived text

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


# --- direction -------------------------------------------------------------------------------

# Weights of the content cues, fitted as a logistic regression without intercept on the METER
# wire/newspaper pairs (story-grouped 5-fold cross-validation; see bench/derivations.py), then
# rounded. Whole-text length and whole-text "details only in one text" were measured too and
# point the wrong way there (a newspaper story often merges several wire items and adds its own
# reporting), so they take no part. The citation weight is set by hand (no METER text credits
# its wire), as strong as the day shift.
CUE_WEIGHTS = {"citation": 5.8, "day_shift": 5.8, "framing": 1.4, "edits": 1.0}
# Lower case, or capitalised at a sentence start only: "Korvask Today" is a name, not a day.
_SENTENCE_START = r"(?:(?<=^)|(?<=[.!?\n] )|(?<=\n))"
_EARLIER_DAY = re.compile(rf"\b(?:today|tonight|this (?:morning|afternoon|evening))\b"
                          rf"|{_SENTENCE_START}(?:Today|Tonight|This (?:morning|afternoon|evening))\b")
_LATER_DAY = re.compile(rf"\b(?:yesterday|last night)\b|{_SENTENCE_START}(?:Yesterday|Last night)\b")
_WORDS = re.compile(r"[^\W_]+")


def _direction(a, b, verbatim, paraphrase, quantities_a, quantities_b, min_votes):
    """``(a_is_source, direction, evidence)``."""
    if a.published and b.published and a.published != b.published:
        a_first = a.published < b.published
        return a_first, "dated", f"{_name(a)} published {a.published}, {_name(b)} {b.published}"
    why_no_date = ("same publication date " + a.published) if a.published else "no publication date"
    if a.published and not b.published or b.published and not a.published:
        why_no_date = "one publication date missing"
    score, reasons = content_score(a, b, verbatim=verbatim, paraphrase=paraphrase,
                                   quantities_a=quantities_a, quantities_b=quantities_b)
    if abs(score) < min_votes:
        first = min(a.id, b.id)
        detail = "; ".join(reasons) if reasons else "no content cue"
        return first == a.id, "undetermined", (f"{why_no_date}; cues too weak or split "
                                               f"(score {score:+.2f}: {detail})")
    return score > 0, "content", f"{why_no_date}; score {score:+.2f}: " + "; ".join(reasons)


def content_score(a: Article, b: Article, *, verbatim: Sequence[Alignment],
                  paraphrase: Sequence[Alignment], quantities_a: Sequence[Quantity] = (),
                  quantities_b: Sequence[Quantity] = ()) -> tuple[float, list[str]]:
    """Weighted content cues: positive says ``a`` is the source, negative ``b``; with a reason
    for each cue that spoke. Each cue gives a value in [-1, 1], weighted by ``CUE_WEIGHTS``."""
    cues = {"citation": _citation_cue, "day_shift": _day_shift_cue, "framing": _framing_cue,
            "edits": _edit_cue}
    score, reasons = 0.0, []
    for name, cue in cues.items():
        value, reason = cue(a, b, verbatim=verbatim, paraphrase=paraphrase,
                            quantities_a=quantities_a, quantities_b=quantities_b)
        if value:
            score += CUE_WEIGHTS[name] * value
            reasons.append(f"{reason} ({CUE_WEIGHTS[name] * value:+.2f})")
    return round(score, 4), reasons


def _citation_cue(a, b, **_):
    """Crediting the other outlet ("..., the Courier reported") marks the later text."""
    a_cites, b_cites = _cites(a.text, b.outlet), _cites(b.text, a.outlet)
    if b_cites and not a_cites:
        return 1, f"{_name(b)} credits {b_cites!r}"
    if a_cites and not b_cites:
        return -1, f"{_name(a)} credits {a_cites!r}"
    return 0, ""


def _cites(text: str, outlet: str | None) -> str | None:
    if not outlet or len(outlet) < 3:
        return None
    name = re.escape(outlet.removeprefix("The ").strip())
    pattern = rf"{_CITE_CUES}\W+(?:the\s+)?{name}|{name}\W+(?:\w+\W+)?{_CITE_CUES}"
    found = re.search(pattern, text, flags=re.IGNORECASE)
    return found.group(0) if found else None


def _day_shift_cue(a, b, **_):
    """A retelling written the next day turns the first report's "today" into "yesterday":
    the text leaning more on "yesterday"/"last night" is the later one."""
    lean_a, lean_b = _day_lean(a.text), _day_lean(b.text)
    if lean_a == lean_b:
        return 0, ""
    later, earlier = (b, a) if lean_a > lean_b else (a, b)
    return (1 if lean_a > lean_b else -1), (
        f"{_name(later)} says 'yesterday' where {_name(earlier)} says 'today' "
        f"(day words {min(lean_a, lean_b):+d} against {max(lean_a, lean_b):+d})")


def _day_lean(text: str) -> int:
    return len(_EARLIER_DAY.findall(text)) - len(_LATER_DAY.findall(text))


def _edit_cue(a, b, *, verbatim, paraphrase, quantities_a, quantities_b, **_):
    """Editors cut more than they add inside the passages they reuse: of the words that differ
    between aligned passages, the source side holds most. Value: (dropped - added) / both."""
    dropped, added, details = 0, 0, set()
    for x in [*verbatim, *paraphrase]:
        words_a = set(_WORDS.findall(a.text[x.source_start:x.source_end].lower()))
        words_b = set(_WORDS.findall(b.text[x.derived_start:x.derived_end].lower()))
        dropped, added = dropped + len(words_a - words_b), added + len(words_b - words_a)
        details |= _details(a.text, x.source_start, x.source_end, quantities_a) - _details(
            b.text, x.derived_start, x.derived_end, quantities_b)
    gap_a, gap_b = _gaps(a.text, b.text, [*verbatim, *paraphrase])
    dropped, added = dropped + gap_a, added + gap_b
    if dropped == added:
        return 0, ""
    value = (dropped - added) / (dropped + added)
    cutter = b if value > 0 else a
    kept = f", e.g. {_sample(details)}" if value > 0 and details else ""
    return round(value, 4), (f"{_name(cutter)} cuts reused passages ({max(dropped, added)} words "
                             f"only in the other side, {min(dropped, added)} added{kept})")


def _gaps(text_a: str, text_b: str, alignments) -> tuple[int, int]:
    """Words between consecutive passages (in both texts' order): a clause cut from the source
    or one slipped into the copy between two reused stretches."""
    words_a = words_b = 0
    ordered = sorted(alignments, key=lambda x: (x.derived_start, x.source_start))
    for x, y in zip(ordered, ordered[1:]):
        if y.source_start >= x.source_end and y.derived_start >= x.derived_end:
            words_a += len(_WORDS.findall(text_a[x.source_end:y.source_start]))
            words_b += len(_WORDS.findall(text_b[x.derived_end:y.derived_start]))
    return words_a, words_b


def _details(text: str, start: int, end: int, quantities: Sequence[Quantity]) -> set[str]:
    """Figures and names inside ``text[start:end]``."""
    piece = text[start:end]
    inside = [q.text for q in quantities if start <= q.start and q.end <= end]
    figures = {f.lower() for f in inside} if quantities else set(_NUMBER.findall(piece))
    return figures | set(_NAME.findall(piece))


def _sample(details: set[str]) -> str:
    return ", ".join(sorted(details)[:3])


def _framing_cue(a, b, *, verbatim, paraphrase, **_):
    """Copies are cut from the bottom (the source keeps an unaligned tail) and get a lead of
    their own (the derived text starts with unaligned sentences)."""
    both = [*verbatim, *paraphrase]
    if not both:
        return 0, ""
    lead_a, tail_a = _outside(a.text, [(x.source_start, x.source_end) for x in both])
    lead_b, tail_b = _outside(b.text, [(x.derived_start, x.derived_end) for x in both])
    vote = _sign(tail_a - tail_b, 2) + _sign(lead_b - lead_a, 2)
    if vote > 0:
        return 1, f"{_name(b)} has a lead of its own ({lead_b} sentences) or ends early ({tail_a} of {_name(a)}'s last sentences not used)"
    if vote < 0:
        return -1, f"{_name(a)} has a lead of its own ({lead_a} sentences) or ends early ({tail_b} of {_name(b)}'s last sentences not used)"
    return 0, ""


def _sign(difference: int, margin: int) -> int:
    return 1 if difference >= margin else -1 if difference <= -margin else 0


def _outside(text: str, spans: list[tuple[int, int]]) -> tuple[int, int]:
    """Sentences before the first and after the last aligned passage."""
    first, last = min(s for s, _ in spans), max(e for _, e in spans)
    return _sentences(text[:first]), _sentences(text[last:])


def _sentences(text: str) -> int:
    pieces = re.split(r"(?<=[.!?])\s+", text.strip())
    return len([s for s in pieces if len(s.split()) >= 4 and s.rstrip("\"'”’)").endswith((".", "!", "?"))])


def _name(article: Article) -> str:
    return article.outlet or article.id


def _passages(derivation_id, verbatim, paraphrase, a_is_source) -> list[Passage]:
    passages = []
    for kind, alignments in (("verbatim", verbatim), ("paraphrase", paraphrase)):
        for x in alignments:
            spans = ((x.source_start, x.source_end, x.derived_start, x.derived_end) if a_is_source
                     else (x.derived_start, x.derived_end, x.source_start, x.source_end))
            passages.append(Passage(content_id(derivation_id, kind, *spans), derivation_id,
                                    *spans, kind, round(float(x.similarity), 4)))
    return sorted(passages, key=lambda p: (p.derived_start, p.source_start, p.kind))
