"""Corpus-level boilerplate: lines that recur across the articles of one outlet or the corpus.

Learning streams over the drafts once and keeps only 64-bit line hashes with counts (pruned
when the table grows past a bound), so memory does not grow with the corpus. Only short lines
are candidates: a long paragraph shared by two articles is a *copy*, which crosscheck must
find later, not boilerplate. Short sentences ("The trial continues.") recur in body text too,
so a sentence-shaped line must also recur in most of an outlet's articles, and in articles
whose bodies differ (a per-article fingerprint tells near-identical copies apart).

Outlets come from the drafts; drafts without one can be grouped first by the page chrome they
shared (see :func:`infer_outlets`) and the groups passed to :func:`learn_boilerplate`.
"""

from __future__ import annotations

import hashlib
import math
import re
import zlib
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

from ..records import Article, Draft, Removal, content_id
from ..settings import Settings
from .document import _crumb_like, _is_sentence

__all__ = ["BoilerplateModel", "DraftKeys", "learn_boilerplate", "apply_boilerplate", "infer_outlets",
           "draft_keys", "model_from_tallies"]

_MAX_CHARS = 160  # longer lines are never boilerplate
_MAX_WORDS = 25
_PREFIX_WORDS = 5  # longest crumb prefix learned
_CHROME_REASONS = {"crumb", "mobile-chrome", "accessibility-chrome", "breaking-banner", "share-bar",
                   "ad-size", "ad-label"}


def _normal(line: str) -> str:
    return " ".join(line.casefold().split())


def _hash(*parts: str) -> int:
    digest = hashlib.blake2b("\x00".join(parts).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def _is_candidate(line: str) -> bool:
    return 0 < len(line) <= _MAX_CHARS and len(line.split()) <= _MAX_WORDS


def _sentence_like(line: str) -> bool:
    # Even "The case continues." is prose: house-style endings are body, not page chrome.
    return len(line.split()) >= 2 and _is_sentence(line)


def _fingerprint(text: str) -> int:
    """The smallest hash of the text's word 4-grams: equal for most near-identical copies."""
    words = text.casefold().split()
    if len(words) < 4:
        return zlib.crc32(" ".join(words).encode("utf-8")) if words else 0
    grams = map(" ".join, zip(words, words[1:], words[2:], words[3:]))
    return min(map(zlib.crc32, map(str.encode, grams)))


@dataclass
class _Tally:
    count: int = 0
    prints: set[int] = field(default_factory=set)  # up to 4 distinct article fingerprints

    def add(self, fingerprint: int) -> None:
        self.count += 1
        if len(self.prints) < 4:
            self.prints.add(fingerprint)


@dataclass(frozen=True)
class BoilerplateModel:
    """What recurs: line hashes (and title-crumb prefixes) with the number of articles they were in.

    ``outlet_lines`` is keyed by outlet and hash of the normalised line, ``corpus_lines`` by the
    line hash alone, ``outlet_prefixes`` by outlet and hash of the normalised title prefix.
    """

    outlet_lines: Mapping[tuple[str, int], int]
    corpus_lines: Mapping[int, int]
    outlet_prefixes: Mapping[tuple[str, int], int]
    articles: int
    outlets: Mapping[str, int]

    def line_count(self, line: str, *, outlet: str | None) -> tuple[int, str] | None:
        """``(articles, "outlet" | "corpus")`` when ``line`` is learned boilerplate."""
        key = _normal(line)
        if outlet is not None and (n := self.outlet_lines.get((outlet, _hash(key)))):
            return n, "outlet"
        if n := self.corpus_lines.get(_hash(key)):
            return n, "corpus"
        return None


@dataclass(frozen=True)
class DraftKeys:
    """What one draft adds to the tallies: the hash of each distinct candidate line (with
    whether it reads as a sentence), the hashes of its crumb-shaped title prefixes, and the
    fingerprint of its body."""

    fingerprint: int
    lines: list[tuple[int, bool]]
    prefixes: list[int]
    titles: list[int]  # the title prefixes :func:`apply_boilerplate` looks up as crumbs


def draft_keys(draft: Draft) -> DraftKeys:
    lines = {_normal(line): line for line in draft.text.split("\n") if _is_candidate(line.strip())}
    words = (draft.title or "").split()
    return DraftKeys(_fingerprint(draft.text),
                     [(_hash(key), _sentence_like(line)) for key, line in sorted(lines.items())],
                     [_hash(_normal(prefix)) for prefix in _crumb_prefixes(draft)],
                     [_hash(_normal(" ".join(words[:n]))) for n in _title_prefix_lengths(words)])


def _title_prefix_lengths(words: list[str]) -> range:
    return range(min(_PREFIX_WORDS, len(words) - 3), 1, -1)


class _Learner:
    def __init__(self, settings: Settings, max_tracked: int):
        self.settings = settings
        self.max_tracked = max_tracked
        self.outlet_lines: dict[tuple[str, int], _Tally] = {}
        self.corpus_lines: dict[int, _Tally] = {}
        self.prefixes: dict[tuple[str, int], _Tally] = {}
        self.sentences: set[int] = set()  # line hashes of sentence-shaped lines
        self.outlets: dict[str, int] = defaultdict(int)
        self.articles = 0

    def add(self, draft: Draft, outlet: str | None) -> None:
        self.articles += 1
        keys = draft_keys(draft)
        for line_hash, sentence in keys.lines:
            if sentence:
                self.sentences.add(line_hash)
            self._tally(self.corpus_lines, line_hash, keys.fingerprint)
            if outlet is not None:
                self._tally(self.outlet_lines, (outlet, line_hash), keys.fingerprint)
        if outlet is not None:
            self.outlets[outlet] += 1
            for prefix_hash in keys.prefixes:
                self._tally(self.prefixes, (outlet, prefix_hash), keys.fingerprint)

    def _tally(self, table: dict, key: object, fingerprint: int) -> None:
        tally = table.get(key)
        if tally is None:  # not setdefault: a tally built for every line seen again costs seconds
            tally = table[key] = _Tally()
        tally.add(fingerprint)
        if len(table) > self.max_tracked:
            # Lossy counting: lines seen once are dropped; real boilerplate recurs and comes back.
            for stale in [k for k, tally in table.items() if tally.count == 1]:
                del table[stale]


def _crumb_prefixes(draft: Draft) -> list[str]:
    """Crumb-shaped word prefixes of the title (or of a headline-shaped first line)."""
    head = draft.title or draft.text.split("\n", 1)[0]
    words = head.split()
    if _is_sentence(head) or len(words) < 4:
        return []
    # One capitalised word opening several headlines is news ("Velmora detains ..."), not a crumb.
    return [" ".join(words[:n]) for n in range(2, min(_PREFIX_WORDS, len(words) - 3) + 1)
            if _crumb_like(" ".join(words[:n]))]


def learn_boilerplate(drafts: Iterable[Draft], *, settings: Settings,
                      outlets: Mapping[str, tuple[str, str]] | None = None,
                      max_tracked: int = 2_000_000) -> BoilerplateModel:
    """Learn recurring lines in one pass over ``drafts``.

    ``outlets`` (draft id -> (outlet, how)), e.g. from :func:`infer_outlets`, groups drafts
    that have no outlet of their own; without it they count towards the corpus only.
    ``max_tracked`` bounds each hash table (memory is about 200 bytes per entry).
    """
    learner = _Learner(settings, max_tracked)
    for draft in drafts:
        outlet = draft.outlet or (outlets or {}).get(draft.id, (None, None))[0]
        learner.add(draft, outlet)
    return _finish(learner)


def _finish(learner: _Learner) -> BoilerplateModel:
    def counts(table: dict) -> dict:
        return {key: (tally.count, len(tally.prints)) for key, tally in table.items()}

    return model_from_tallies(counts(learner.corpus_lines), counts(learner.outlet_lines),
                              counts(learner.prefixes), sentences=learner.sentences,
                              articles=learner.articles, outlets=learner.outlets,
                              settings=learner.settings)


Tallies = Mapping[object, tuple[int, int]]  # key -> (articles it is in, distinct fingerprints, up to 4)


def model_from_tallies(corpus_lines: Tallies, outlet_lines: Tallies, prefixes: Tallies, *,
                       sentences: Collection[int], articles: int, outlets: Mapping[str, int],
                       settings: Settings) -> BoilerplateModel:
    """The model the recurrence rules keep from counted lines and title prefixes (keys as in
    :class:`BoilerplateModel`), however they were counted: streamed here, or inside the store
    from each draft's kept keys (``boilerplate_state.py``)."""
    floor = settings.boilerplate_min_articles
    corpus: dict[int, int] = {}
    if articles >= 5:
        corpus_floor = max(2, math.ceil(settings.boilerplate_corpus_share * articles))
        for line_hash, tally in corpus_lines.items():
            if _recurs(tally, line_hash in sentences, corpus_floor, articles):
                corpus[line_hash] = tally[0]
    by_outlet = {
        key: tally[0] for key, tally in outlet_lines.items()
        if _recurs(tally, key[1] in sentences, floor, outlets[key[0]])
    }
    # A crumb prefix must start a good share of the outlet's titles, not two by chance.
    crumbs = {
        key: tally[0] for key, tally in prefixes.items()
        if _recurs(tally, False, max(floor, 3, math.ceil(0.3 * outlets[key[0]])), 0)
    }
    return BoilerplateModel(by_outlet, corpus, crumbs, articles, dict(outlets))


def _recurs(tally: tuple[int, int], sentence: bool, floor: int, population: int) -> bool:
    count, prints = tally
    if sentence:
        # Body sentences recur too ("The trial continues."): ask for three different bodies
        # and half of the articles, which stock phrases of news prose do not reach.
        return count >= max(floor, 3, math.ceil(population / 2)) and prints >= 3
    return count >= floor and prints >= 2


def apply_boilerplate(draft: Draft, model: BoilerplateModel, *, outlet: str | None = None,
                      outlet_from: str | None = None) -> tuple[Article, list[Removal]]:
    """The :class:`Article` for ``draft`` without learned boilerplate, and what was removed.

    ``outlet`` and ``outlet_from`` fill in a draft that has no outlet of its own (from
    :func:`infer_outlets`). Removal positions are offsets in ``draft.text``; a crumb removed
    from the title is reported at position 0.
    """
    if draft.outlet is not None:
        outlet, outlet_from = draft.outlet, draft.outlet_from
    removed: list[tuple[int, str, str]] = []
    title = draft.title
    if title and outlet is not None:
        title, crumb = _strip_title_crumb(title, model, outlet)
        if crumb:
            removed.append((0, crumb[0], f"outlet-crumb:{crumb[1]} articles"))
    kept: list[str] = []
    position = 0
    for line in draft.text.split("\n"):
        hit = model.line_count(line, outlet=outlet) if _is_candidate(line.strip()) else None
        if hit:
            count, scope = hit
            reason = f"outlet-boilerplate:{count} articles" if scope == "outlet" else "corpus-boilerplate"
            removed.append((position, line, reason))
        else:
            kept.append(line)
        position += len(line) + 1
    article = Article(
        id=draft.id, source=draft.source, url=draft.url, outlet=outlet, outlet_from=outlet_from,
        title=title, published=draft.published, published_from=draft.published_from,
        language=draft.language, text="\n".join(kept), published_at=draft.published_at,
    )
    removals = [Removal(content_id(draft.id, "boilerplate", pos, text), draft.id, "boilerplate", pos, text, why)
                for pos, text, why in removed]
    return article, removals


def _strip_title_crumb(title: str, model: BoilerplateModel, outlet: str) -> tuple[str, tuple[str, int] | None]:
    words = title.split()
    for n in _title_prefix_lengths(words):
        prefix = " ".join(words[:n])
        count = model.outlet_prefixes.get((outlet, _hash(_normal(prefix))))
        if count:
            return " ".join(words[n:]), (prefix, count)
    return title, None


def infer_outlets(drafts: Iterable[Draft], *, removals: Iterable[Removal] | None = None
                  ) -> dict[str, tuple[str, str]]:
    """Group drafts that have no outlet by the page chrome they share.

    Two drafts sharing at least two chrome features (a crumb's first two words, a mobile or
    accessibility link, a share bar...) are taken as one site, named ``site-<hash>`` after the
    features; ``outlet_from`` is ``"crumb"`` when a crumb is among them, else ``"chrome"``.
    Features come from the per-document ``removals`` when given (the chrome is gone from the
    drafts' text by then), and from chrome-shaped first and last lines of the text.
    """
    features: dict[str, set[str]] = defaultdict(set)
    names: dict[str, Counter[str]] = defaultdict(Counter)
    for draft in drafts:
        if draft.outlet is None:
            features[draft.id] |= _text_features(draft.text)
    for removal in removals or ():
        if removal.article not in features:
            continue
        if removal.reason in _CHROME_REASONS:
            features[removal.article].add(_chrome_feature(removal.reason, removal.text))
        if name := _outlet_name(removal):
            names[removal.article][name] += 1
    outlets = _group_by_pairs(features)
    return _name_outlets(outlets, names)


_COPYRIGHT = re.compile(r"^(?:©|\(c\)|copyright)\s*(?:\d{4}(?:\s*[-–]\s*\d{4})?\s*)?(?P<name>[^.|]{2,60}?)"
                        r"\s*(?:\d{4}\s*)?(?:[.,|]|all rights reserved|$)", re.I)


def _outlet_name(removal: Removal) -> str | None:
    """A site's own name, when its chrome says it: a copyright holder or a masthead line."""
    text = removal.text.strip()
    if removal.reason == "copyright" and (match := _COPYRIGHT.match(text)):
        return match.group("name").strip()
    words = text.split()
    if (removal.reason == "page-header" and 1 <= len(words) <= 4 and ":" not in text
            and not any(ch.isdigit() for ch in text) and text[0].isupper()):
        return text
    return None


def _name_outlets(outlets: dict[str, tuple[str, str]], names: dict[str, Counter[str]]
                  ) -> dict[str, tuple[str, str]]:
    """Name chrome-grouped sites after the name their chrome gives, and single drafts too."""
    by_site: dict[str, Counter[str]] = defaultdict(Counter)
    for draft_id, (site, _) in outlets.items():
        by_site[site].update(names.get(draft_id, {}))
    named = {}
    for draft_id, (site, how) in outlets.items():
        votes = by_site[site]
        named[draft_id] = (min(votes, key=lambda n: (-votes[n], n)), how) if votes else (site, how)
    for draft_id, votes in names.items():
        if draft_id not in named and votes:
            named[draft_id] = (min(votes, key=lambda n: (-votes[n], n)), "chrome")
    return named


def _chrome_feature(reason: str, text: str) -> str:
    if reason == "crumb":
        return "crumb:" + " ".join(_normal(text).split()[:2])
    return f"{reason}:{_normal(text)}"


def _text_features(text: str) -> set[str]:
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    edges = lines[:2] + lines[-2:] if len(lines) > 4 else []
    return {"line:" + _normal(line) for line in edges if len(line.split()) <= 8 and not _is_sentence(line)}


def _group_by_pairs(features: dict[str, set[str]]) -> dict[str, tuple[str, str]]:
    """Union drafts that share a pair of recurring features; name each group after its pairs."""
    seen: dict[str, int] = defaultdict(int)
    for feats in features.values():
        for feat in feats:
            seen[feat] += 1
    pairs: dict[tuple[str, str], list[str]] = defaultdict(list)
    for draft_id in sorted(features):
        shared = sorted(f for f in features[draft_id] if seen[f] >= 2)
        for i, first in enumerate(shared):
            for second in shared[i + 1 :]:
                pairs[(first, second)].append(draft_id)
    linked = {pair: members for pair, members in sorted(pairs.items()) if len(members) >= 2}
    parent: dict[str, str] = {}

    def root(item: str) -> str:
        while parent.setdefault(item, item) != item:
            item = parent[item]
        return item

    for members in linked.values():
        for member in members[1:]:
            low, high = sorted((root(members[0]), root(member)))
            parent[high] = low
    group_pairs: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for pair, members in linked.items():
        group_pairs[root(members[0])].append(pair)
    outlets: dict[str, tuple[str, str]] = {}
    for member in sorted(parent):
        pairs_of_group = group_pairs[root(member)]
        name = "site-" + content_id(*min(pairs_of_group))[:8]
        crumb = any(f.startswith("crumb:") for pair in pairs_of_group for f in pair)
        outlets[member] = (name, "crumb" if crumb else "chrome")
    return outlets
