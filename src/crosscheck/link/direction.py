"""Direction of a derivation: which of two related articles is the source, and why.

:func:`decide_direction` takes two articles and the passages aligned between them (``a`` on the
source side of the alignments) and says ``(a_is_source, direction, evidence)``:

* ``dated``: two different known times of day (``published_at``, UTC) decide, else two
  different publication dates (the earlier one is the source);
* ``content``: otherwise weighted content cues (:func:`content_score`, weights
  ``CUE_WEIGHTS``) decide — the later text credits the other outlet; it says "yesterday" where
  the first said "today"; it has a lead of its own; it cuts words inside the passages it reuses;
  the source side of aligned passages (verbatim and paraphrase pairs) holds specifics (dates,
  weekdays, names, parenthetical explanations) the other lacks, a name written another way
  (initials, a plural) not counted as lacking; the derived text puts editorial brackets into
  quotes; it frames the shared facts in loaded words; it slips loaded words into passages it
  otherwise copies word for word;
* ``undetermined``: the score leans less than ``min_votes`` either way, or the cues on each side
  are nearly as strong as each other. Saying "undetermined" beats guessing; the pair is then
  stored in a deterministic order that does not make a copy look like the origin (the dated
  one, else the longer text, else the smaller id first).

The evidence string names every cue that spoke with its signed weight (positive: ``a`` is the
source). On METER (same-day wire and newspaper pairs) the weights were fitted as a logistic
regression (see ``bench/derivations.py``); see docs/benchmarks.md for the figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..records import Article, Quantity
from .direction_cues import CUES, outlet_name

if TYPE_CHECKING:  # only its fields are read here
    from .passages import Alignment

__all__ = ["CUE_WEIGHTS", "content_score", "cue_values", "decide_direction", "source_first"]

# Weights of the content cues. On METER (same-day wire -> newspaper pairs) a logistic regression
# without intercept gives day_shift ~5.5 and lead ~1.5, and little to edits, details, brackets
# and loaded words: there the day shift fires on 96% of pairs and is always right, and the other
# cues alone are right on 68% (edits, the same whichever text is ``a``), 62% (details), 100%
# (brackets, 3% of pairs), 75% (loaded) and 86% (lead) of the pairs they fire on. Partisan rewrites (brackets in quotes, loaded
# framing, dropped dates and explanations) are rare there, so those weights are set by hand,
# checked to keep METER's direction share (see docs/benchmarks.md). No unused-tail cue: it was
# right on 45% of METER pairs, and a partisan rewrite's closing commentary looks like one.
# loaded_insert (a loaded word only one side of a verbatim passage holds) fires on 7 of 782
# METER wire-newspaper pairs (3 right: there a wire's stock epithet before a name, which the
# paper cuts, looks like an insertion the other way), all decided by the day shift, so METER
# cannot set its weight; it is set by hand like the loaded cue's.
CUE_WEIGHTS = {"citation": 5.8, "day_shift": 5.8, "lead": 1.4, "brackets": 2.0, "loaded": 0.8,
               "edits": 0.5, "details": 0.5, "loaded_insert": 0.8}
# How much of the stronger side the weaker side of the cues may reach before the cues count as
# disagreeing (and the direction as undetermined).
SPLIT_RATIO = 0.75


def decide_direction(a: Article, b: Article, *, verbatim: Sequence[Alignment],
                     paraphrase: Sequence[Alignment], quantities_a: Sequence[Quantity] = (),
                     quantities_b: Sequence[Quantity] = (),
                     min_votes: float = 0.2) -> tuple[bool, str, str]:
    """``(a_is_source, direction, evidence)`` for a pair aligned with ``a`` as source side.

    ``quantities_a``/``_b`` (the enrich stage's) are passed on to the cues; none reads them at
    present (bare figures pointed either way on METER).
    """
    dated = _dated(a, b)
    if dated is not None:
        return dated
    why_no_date = _why_no_date(a, b)
    score, reasons, split = _scored(a, b, verbatim=verbatim, paraphrase=paraphrase,
                                    quantities_a=quantities_a, quantities_b=quantities_b)
    if abs(score) < min_votes or split:
        detail = "; ".join(reasons) if reasons else "no content cue"
        first = source_first(a, b)
        return first is a, "undetermined", (f"{why_no_date}; cues too weak or split "
                                            f"(score {score:+.2f}: {detail})")
    return score > 0, "content", f"{why_no_date}; score {score:+.2f}: " + "; ".join(reasons)


def source_first(a: Article, b: Article) -> Article:
    """The article to list as source when nothing decides the direction: a dated one before an
    undated one (an undated copy must not look like the origin), else the longer text (copies
    are cut more often than padded), else the smaller id."""
    return min((a, b), key=lambda x: (x.published is None, -len(x.text), x.id))


def _dated(a: Article, b: Article) -> tuple[bool, str, str] | None:
    """Known times of day decide first (they are UTC, so they also order two time zones'
    dates); else two different dates."""
    at_a, at_b = a.published_at, b.published_at
    if at_a and at_b and at_a != at_b:
        return (at_a < at_b, "dated",
                f"{outlet_name(a)} published {at_a}, {outlet_name(b)} {at_b}")
    if a.published and b.published and a.published != b.published:
        a_first = a.published < b.published
        return (a_first, "dated",
                f"{outlet_name(a)} published {a.published}, {outlet_name(b)} {b.published}")
    return None


def _why_no_date(a: Article, b: Article) -> str:
    if bool(a.published) != bool(b.published):
        return "one publication date missing"
    if not a.published:
        return "no publication date"
    if a.published_at and a.published_at == b.published_at:
        return "same publication time " + a.published_at
    return "same publication date " + a.published


def content_score(a: Article, b: Article, *, verbatim: Sequence[Alignment],
                  paraphrase: Sequence[Alignment], quantities_a: Sequence[Quantity] = (),
                  quantities_b: Sequence[Quantity] = ()) -> tuple[float, list[str]]:
    """Weighted content cues: positive says ``a`` is the source, negative ``b``; with a reason
    for each cue that spoke. Each cue gives a value in [-1, 1], weighted by ``CUE_WEIGHTS``."""
    score, reasons, _ = _scored(a, b, verbatim=verbatim, paraphrase=paraphrase,
                                quantities_a=quantities_a, quantities_b=quantities_b)
    return score, reasons


def cue_values(a: Article, b: Article, *, verbatim: Sequence[Alignment],
               paraphrase: Sequence[Alignment], quantities_a: Sequence[Quantity] = (),
               quantities_b: Sequence[Quantity] = ()) -> dict[str, tuple[float, str]]:
    """Each cue's unweighted value in [-1, 1] and its reason (for fitting the weights)."""
    return {name: cue(a, b, verbatim=verbatim, paraphrase=paraphrase,
                      quantities_a=quantities_a, quantities_b=quantities_b)
            for name, cue in CUES.items()}


def _scored(a, b, **aligned) -> tuple[float, list[str], bool]:
    """Score, reasons and whether the cues split (each side nearly as strong as the other)."""
    score, reasons, pro, contra = 0.0, [], 0.0, 0.0
    for name, (value, reason) in cue_values(a, b, **aligned).items():
        if value:
            weighted = CUE_WEIGHTS[name] * value
            score += weighted
            pro, contra = pro + max(weighted, 0.0), contra + max(-weighted, 0.0)
            reasons.append(f"{reason} ({weighted:+.2f})")
    split = min(pro, contra) >= SPLIT_RATIO * max(pro, contra) > 0
    return round(score, 4), reasons, split
