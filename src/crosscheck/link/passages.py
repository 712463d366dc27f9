"""Verbatim reuse between two texts: seed, chain and extend.

1. Seeds. Both texts are split into the normalised words of :func:`crosscheck.link.minhash.words`
   (with their character offsets). Every ``seed_words``-word sequence that the derived text
   shares with the source is a seed; a sequence that recurs more than ``_MAX_SEED_REPEATS``
   times in the source (a refrain, a repeated byline) seeds nothing.
2. Runs. Seeds on one diagonal (source and derived positions both advancing by one) join into
   maximal exact runs of words.
3. Choice. Runs are taken longest first; a run overlapping derived words already taken keeps
   only its untaken stretches of at least ``seed_words`` words, so each derived word belongs to
   one source place (the best one) and the result never overlaps in the derived text.
4. Chaining. Taken runs, in derived order, join into one passage while the next one starts at
   most ``max_gap_words`` words after the previous one ends in *both* texts and moves forward in
   both: a changed word, a dropped or added clause stays inside one passage.
5. Extension. A passage's ends reach past a small edit to a short match that could not seed
   (fewer than ``seed_words`` words): two words after the same number of changed words on both
   sides (one or two), or three words after a gap of up to ``max_gap_words``; never into the
   next passage.
6. Score. A passage's similarity is difflib's ratio of its two word sequences (1.0 verbatim);
   a passage is kept when it holds at least ``min_words`` matching words. Past
   ``_MAX_RATIO_WORDS`` words, the share of its words in exact runs stands in for difflib's
   ratio, whose cost grows with the square of the length on repetitive text.

Spans are character offsets: from the first word's start to the last word's end, so they sit
inside the texts and hold no leading or trailing space.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

from .minhash import WORD_PATTERN

__all__ = ["Alignment", "align_verbatim"]

_MAX_SEED_REPEATS = 20
_MAX_RATIO_WORDS = 2000


@dataclass(frozen=True)
class Alignment:
    """A passage of ``derived_text`` reused from ``source_text``: ``[start, end)`` character
    spans in each, and ``similarity``, the word-level match ratio of the two spans (0..1)."""

    source_start: int
    source_end: int
    derived_start: int
    derived_end: int
    similarity: float


@dataclass(frozen=True)
class _Words:
    tokens: list[str]
    starts: list[int]
    ends: list[int]


@dataclass(frozen=True)
class _Run:
    source: int  # first word in the source
    derived: int  # first word in the derived text
    length: int


def align_verbatim(source_text: str, derived_text: str, *, seed_words: int = 5,
                   max_gap_words: int = 8, min_words: int = 6) -> list[Alignment]:
    """Passages of ``derived_text`` taken word for word (small edits allowed) from
    ``source_text``, sorted by ``derived_start`` and non-overlapping in the derived text.

    ``min_words`` 6: a clause lifted whole ("received money and instructions from abroad") is
    reuse worth showing; five words are mostly a name or a stock phrase. Whether the passages
    add up to a derivation is :func:`crosscheck.link.derivations.derive`'s call."""
    if seed_words < 1 or max_gap_words < 0 or min_words < 1:
        raise ValueError("seed_words and min_words must be at least 1 and max_gap_words at "
                         f"least 0; got {seed_words}, {min_words}, {max_gap_words}")
    source, derived = _words(source_text), _words(derived_text)
    runs = _choose(_runs(source.tokens, derived.tokens, seed_words), seed_words)
    chains = [c for c in _chains(runs, max_gap_words) if sum(r.length for r in c) >= min_words]
    spans = [(c[0].source, c[-1].source + c[-1].length, c[0].derived,
              c[-1].derived + c[-1].length) for c in chains]
    matched = [sum(r.length for r in c) for c in chains]
    grown = _extended(spans, source.tokens, derived.tokens, max_gap_words)
    return [_alignment(span, source, derived, words) for span, words in zip(grown, matched)]


def _words(text: str) -> _Words:
    """Words with offsets into ``text`` itself. NFKC may change a string's length, so each
    character is normalised on its own (a ligature becomes its letters, offsets stay put)."""
    tokens, starts, ends = [], [], []
    for match in WORD_PATTERN.finditer(text):
        tokens.append(unicodedata.normalize("NFKC", match.group()).casefold())
        starts.append(match.start())
        ends.append(match.end())
    return _Words(tokens, starts, ends)


def _runs(source: list[str], derived: list[str], size: int) -> list[_Run]:
    """Maximal runs of shared words at least ``size`` long, found from shared ``size``-grams."""
    where: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for i in range(len(source) - size + 1):
        where[tuple(source[i : i + size])].append(i)
    open_runs: dict[int, int] = {}  # source position expected next -> derived start of its run
    runs: list[_Run] = []
    for j in range(len(derived) - size + 1):
        places = where.get(tuple(derived[j : j + size]), ())
        if len(places) > _MAX_SEED_REPEATS:
            places = ()
        still_open: dict[int, int] = {}
        for i in places:
            still_open[i + 1] = open_runs.pop(i, j)
        runs.extend(_closed(open_runs, j, size))
        open_runs = still_open
    runs.extend(_closed(open_runs, len(derived) - size + 1, size))
    return runs


def _closed(open_runs: dict[int, int], j: int, size: int) -> list[_Run]:
    """Runs that did not continue at derived position ``j``."""
    closed = []
    for next_source, start in open_runs.items():
        seeds = j - start
        closed.append(_Run(next_source - seeds, start, seeds + size - 1))
    return closed


def _choose(runs: list[_Run], min_length: int) -> list[_Run]:
    """Longest runs first; later ones keep only their stretches not yet taken."""
    taken = [False] * (max((r.derived + r.length for r in runs), default=0))
    chosen = []
    for run in sorted(runs, key=lambda r: (-r.length, r.derived, r.source)):
        for offset, length in _free_stretches(taken, run):
            if length >= min_length:
                piece = _Run(run.source + offset, run.derived + offset, length)
                taken[piece.derived : piece.derived + length] = [True] * length
                chosen.append(piece)
    return sorted(chosen, key=lambda r: (r.derived, r.source))


def _free_stretches(taken: list[bool], run: _Run) -> list[tuple[int, int]]:
    stretches, start = [], None
    for offset in range(run.length + 1):
        free = offset < run.length and not taken[run.derived + offset]
        if free and start is None:
            start = offset
        elif not free and start is not None:
            stretches.append((start, offset - start))
            start = None
    return stretches


def _chains(runs: list[_Run], max_gap: int) -> list[list[_Run]]:
    chains: list[list[_Run]] = []
    for run in runs:
        if chains and _continues(chains[-1][-1], run, max_gap):
            chains[-1].append(run)
        else:
            chains.append([run])
    return chains


def _continues(previous: _Run, run: _Run, max_gap: int) -> bool:
    source_gap = run.source - (previous.source + previous.length)
    derived_gap = run.derived - (previous.derived + previous.length)
    return 0 <= source_gap <= max_gap and 0 <= derived_gap <= max_gap


def _extended(spans: list[tuple[int, int, int, int]], source: list[str], derived: list[str],
              max_gap: int) -> list[tuple[int, int, int, int]]:
    """Each passage's word span grown at both ends, staying clear of its neighbours."""
    grown = []
    for index, (s_low, s_high, d_low, d_high) in enumerate(spans):
        d_floor = grown[-1][3] if grown else 0
        d_ceiling = spans[index + 1][2] if index + 1 < len(spans) else len(derived)
        s_high, d_high = _reach(source, derived, s_high, d_high, d_ceiling, max_gap)
        back_s, back_d = _reach(source[::-1], derived[::-1], len(source) - s_low,
                                len(derived) - d_low, len(derived) - d_floor, max_gap)
        grown.append((len(source) - back_s, s_high, len(derived) - back_d, d_high))
    return grown


def _reach(source: list[str], derived: list[str], s_end: int, d_end: int, d_limit: int,
           max_gap: int) -> tuple[int, int]:
    """How far a passage ending at ``(s_end, d_end)`` extends forward past small edits."""
    while True:
        window = max_gap + 3
        matcher = difflib.SequenceMatcher(None, source[s_end : s_end + window],
                                          derived[d_end : min(d_limit, d_end + window)],
                                          autojunk=False)
        step = next((b for b in matcher.get_matching_blocks() if _bridges(b, max_gap)), None)
        if step is None:
            return s_end, d_end
        s_end, d_end = s_end + step.a + step.size, d_end + step.b + step.size


def _bridges(block: difflib.Match, max_gap: int) -> bool:
    if block.size >= 3:
        return block.a <= max_gap and block.b <= max_gap
    return block.size == 2 and block.a == block.b and 1 <= block.a <= 2


def _alignment(span: tuple[int, int, int, int], source: _Words, derived: _Words,
               matched: int) -> Alignment:
    s_low, s_high, d_low, d_high = span
    return Alignment(
        source_start=source.starts[s_low],
        source_end=source.ends[s_high - 1],
        derived_start=derived.starts[d_low],
        derived_end=derived.ends[d_high - 1],
        similarity=_similarity(source.tokens[s_low:s_high], derived.tokens[d_low:d_high], matched),
    )


def _similarity(a: list[str], b: list[str], matched: int) -> float:
    """difflib's ratio; past ``_MAX_RATIO_WORDS`` words (where difflib's time grows with the
    square of the length on repetitive text) the share of words in the passage's exact runs."""
    if len(a) <= _MAX_RATIO_WORDS and len(b) <= _MAX_RATIO_WORDS:
        return round(difflib.SequenceMatcher(None, a, b, autojunk=False).ratio(), 6)
    return round(min(1.0, 2 * matched / (len(a) + len(b))), 6)
