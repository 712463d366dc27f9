"""Claim alignment: the same claim found in several articles.

Each claim is first resolved into :class:`ClaimFacts` — its slots made comparable across
articles: the speaker and places as corpus entity ids (through mention keys and
:class:`~crosscheck.records.EntityKey`), quantities and times as intervals, every entity the
claim names. :func:`align_claims` then pairs claims of different articles of one story by
semantic similarity of their texts (a pluggable embedder) plus slot agreement, and merges
pairs best-first into groups that hold at most one claim per article.

A group stays within one story. An article of another story that recalls the claim in
background ("a year earlier, 42 people were arrested in the north") tells a reader nothing new
about that event and is no independent confirmation of it — mostly the same agency's archive —
yet joined to the group it would count as an origin and show as a side of every conflict. It
forms its own group in its own story with the other articles recalling it. Only a claim of an
article that no story holds may join a group across the boundary, and only on strict anchors:
the same exact figure, the same action and a shared place.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ..records import Claim, EntityKey, Mention, Quantity, Quote, TimeExpr
from .claim_vectors import ClaimVectors, claim_vectors

__all__ = ["ClaimFacts", "EntityNames", "ClaimVectors", "CLAIM_THRESHOLDS", "DATELINE", "PEOPLE", "claim_facts", "align_claims",
           "fact_vectors", "claim_vectors", "pair_score", "counts_people", "body_text",
           "intervals_overlap", "weekday_of"]

_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
_SPEAKER_LABELS = frozenset({"PERSON", "ORG"})
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY = re.compile(r"\b(" + "|".join(_WEEKDAYS) + r")\b", re.IGNORECASE)
# A dateline ("SELVAR, March 5 (Agency) -") dates and places the report, not the claim.
DATELINE = re.compile(r"^[A-Z][A-Z .'-]+,[^\n]{0,60}?\s[-–—]\s")
# Words for people, so that "42 individuals", "42 members" and "42 arrests" count one thing.
PEOPLE = frozenset(
    "people person individual member supporter activist suspect detainee prisoner student "
    "arrest detention militant fighter terrorist operative agent worker protester "
    "demonstrator civilian man woman child youth opponent dissident spy".split())
_LEAD_SENTENCES = 4  # a lead count sits in the first sentences (a title line counts as one)
_LEAD_SCALE = 20  # lead counts more than this factor apart count different things
# Claims of two articles that name no person or body in common (each names some): a story of
# templated briefs ("X declared a dividend of N cts") holds many companies' own claims.
UNRELATED_ARTICLES = 1.0
_SHORT_WORDS = 8  # fragments this short match anything of their story: a stricter bar
_BLOCK = 1024  # rows of the similarity matrix computed at once: bounded memory on big stories
# Cost bounds of claim alignment, whatever the story (see docs/formats.md, "Cost bounds"): a
# claim is scored against at most its MAX_PAIRS_PER_ARTICLE nearest claims of each other article
# (a group holds one claim per article, so only the best few can matter) and its
# MAX_PAIRS_PER_CLAIM nearest in all; two groups merge on at most MAX_MERGE_CHECKS of their cross
# pairs. Without them an article repeating one sentence 600 times, or a story of a thousand
# copies, is scored pair by pair: the square of its claims.
MAX_PAIRS_PER_ARTICLE = 20
MAX_PAIRS_PER_CLAIM = 200
MAX_MERGE_CHECKS = 400
# Pair score above which two claims are the same claim. Static word embeddings score any two
# sentences of one story high, so their cosine is averaged with the hashing embedder's
# lexical one (shared words and stems), which separates rewordings from neighbours better.
CLAIM_THRESHOLDS = {"wordllama": 0.56, "minilm": 0.56, "hashing": 0.5}


@dataclass(frozen=True)
class ClaimFacts:
    """A claim with its slots resolved for comparison across articles.

    ``speaker`` is a corpus entity id when the speaker could be resolved, else the speaker's
    text lower-cased (``None``: the outlet states it itself); ``speaker_name`` its most used
    name in the corpus (else the text the article gives); ``speaker_label`` the entity's
    mention label. ``places`` and ``entities`` are entity ids (or lower-cased names);
    ``quantities`` and ``times`` the records themselves, in text order. ``lead_count``
    marks the article's lead figure: its first claim, in the first sentences, that counts
    people — how news states the story's main number, whatever words a rewrite uses.
    """

    claim: Claim
    story: str | None
    speaker: str | None
    speaker_name: str | None
    speaker_label: str | None
    speaker_span: tuple[int, int] | None
    places: tuple[tuple[str, str, int | None, int | None], ...]  # (entity, name, start, end)
    entities: frozenset[str]
    quantities: tuple[Quantity, ...]
    times: tuple[TimeExpr, ...]
    lead_count: bool = False
    actors: frozenset[str] = frozenset()  # words of the people and bodies the article names

    @property
    def article(self) -> str:
        return self.claim.article

    @property
    def place_ids(self) -> frozenset[str]:
        return frozenset(place[0] for place in self.places)


def intervals_overlap(a: tuple[float | None, float | None],
                      b: tuple[float | None, float | None]) -> bool:
    """Closed intervals with open ends (``None``) overlap."""
    (a_low, a_high), (b_low, b_high) = a, b
    if a_low is not None and b_high is not None and a_low > b_high:
        return False
    return not (b_low is not None and a_high is not None and b_low > a_high)


def counts_people(quantity: Quantity) -> bool:
    counted = (quantity.counted or "").lower()
    return quantity.unit is None and (counted in PEOPLE or counted.rstrip("s") in PEOPLE
                                      or counted.endswith("ies") and counted[:-3] + "y" in PEOPLE)


def body_text(text: str) -> str:
    """A claim's text without a leading dateline."""
    dateline = DATELINE.match(text)
    return text[dateline.end():] if dateline else text


def weekday_of(time: TimeExpr) -> str | None:
    """The weekday a time expression names or resolves to (a single resolved day)."""
    named = _WEEKDAY.search(time.text)
    if named:
        return named.group(1).lower()
    if time.low is not None and time.low == time.high:
        import datetime

        try:
            return _WEEKDAYS[datetime.date.fromisoformat(time.low).weekday()]
        except ValueError:
            return None
    return None


# --- facts -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class EntityNames:
    """Each corpus entity's most used name and mention label (ties: the longer name, then the
    first in order). Counted over every mention of the corpus; a part of the corpus assessed on
    its own is handed the corpus-wide counts (see ``assess/partition.py``)."""

    names: Mapping[str | None, str]
    labels: Mapping[str | None, str]

    @classmethod
    def from_counts(cls, names: Mapping, labels: Mapping) -> "EntityNames":
        """From ``entity -> Counter(name)`` and ``entity -> Counter(label)``."""
        return cls({entity: min(counts, key=lambda n: (-counts[n], -len(n), n))
                    for entity, counts in names.items()},
                   {entity: min(counts, key=lambda n: (-counts[n], n))
                    for entity, counts in labels.items()})


class _Resolver:
    """Mention keys to corpus entities, per article, for speakers and places; ``entity_names``
    (corpus-wide) replaces the counts over ``mentions`` when those are a part of the corpus."""

    def __init__(self, mentions: Sequence[Mention], entity_keys: Sequence[EntityKey],
                 entity_names: EntityNames | None = None):
        self.entity_of = {k.key: k.entity for k in entity_keys}
        self.by_article: dict[str, list[Mention]] = defaultdict(list)
        names: dict[str, Counter] = defaultdict(Counter)
        labels: dict[str, Counter] = defaultdict(Counter)
        for mention in sorted(mentions, key=lambda m: (m.article, m.start, m.id)):
            self.by_article[mention.article].append(mention)
            if entity_names is None:
                names[self.entity(mention.key)][mention.name] += 1
                labels[self.entity(mention.key)][mention.label] += 1
        if entity_names is None:
            entity_names = EntityNames.from_counts(names, labels)
        self.names, self.labels = entity_names.names, entity_names.labels

    def entity(self, key: str | None) -> str | None:
        return None if key is None else self.entity_of.get(key, key)

    def inside(self, article: str, start: int, end: int) -> list[Mention]:
        return [m for m in self.by_article.get(article, ()) if start <= m.start and m.end <= end]

    def label_of(self, key: str | None) -> str | None:
        return self.labels.get(self.entity(key))


def claim_facts(claims: Sequence[Claim], *, story_of: Mapping[str, str],
                quantities: Mapping[str, Quantity], times: Mapping[str, TimeExpr],
                quotes: Sequence[Quote], mentions: Sequence[Mention],
                entity_keys: Sequence[EntityKey],
                entity_names: EntityNames | None = None) -> list[ClaimFacts]:
    """Resolve every claim's slots (claims in id order); ``entity_names``: see :class:`EntityNames`."""
    resolver = _Resolver(mentions, entity_keys, entity_names)
    quotes_by_article: dict[str, list[Quote]] = defaultdict(list)
    for quote in sorted(quotes, key=lambda q: (q.article, q.start, q.id)):
        quotes_by_article[quote.article].append(quote)
    facts = []
    actors = {article: _actor_words(found) for article, found in resolver.by_article.items()}
    for claim in sorted(claims, key=lambda c: c.id):
        inside = resolver.inside(claim.article, claim.start, claim.end)
        speaker, label, span = _speaker(claim, quotes_by_article.get(claim.article, []),
                                        inside, resolver)
        facts.append(ClaimFacts(
            claim=claim, story=story_of.get(claim.article), speaker=speaker,
            speaker_name=resolver.names.get(speaker, claim.speaker) if speaker else None,
            speaker_label=label, speaker_span=span, places=_places(claim, inside, resolver),
            entities=frozenset(resolver.entity(m.key) for m in inside),
            quantities=tuple(sorted((quantities[i] for i in claim.quantities if i in quantities),
                                    key=lambda q: (q.start, q.id))),
            times=tuple(sorted((times[i] for i in claim.times if i in times),
                               key=lambda t: (t.start, t.id))),
            actors=actors.get(claim.article, frozenset())))
    return _mark_leads(facts)


_CORPORATE = frozenset("inc corp co ltd plc llc sa ag nv group holdings company corporation "
                       "the of and".split())


def _actor_words(mentions: Sequence[Mention]) -> frozenset[str]:
    """The words of the people and bodies an article names, without "Inc", "Corp" and the like:
    compared by words, not entity ids, so "Gulf Applied Technologies Inc" and "Applied
    Technologies" in two articles still have something in common."""
    return frozenset(w for m in mentions if m.label in _SPEAKER_LABELS
                     for w in re.findall(r"[a-z0-9]+", m.text.lower())
                     if len(w) > 1 and w not in _CORPORATE)


def _mark_leads(facts: list[ClaimFacts]) -> list[ClaimFacts]:
    first: dict[str, ClaimFacts] = {}
    for fact in facts:
        if fact.claim.sentence < _LEAD_SENTENCES and any(map(counts_people, fact.quantities)):
            held = first.get(fact.article)
            if held is None or fact.claim.start < held.claim.start:
                first[fact.article] = fact
    leads = {fact.claim.id for fact in first.values()}
    return [dataclasses.replace(f, lead_count=True) if f.claim.id in leads else f for f in facts]


def _speaker(claim: Claim, quotes: list[Quote], inside: list[Mention], resolver: _Resolver):
    """Speaker entity, its label and span: the claim's own resolved speaker key first ("he" is
    the person the article named before), then the overlapping quote's, then a named mention
    inside the claim that the speaker phrase contains."""
    if claim.speaker is None:
        return None, None, None
    quote = _overlapping_quote(quotes, claim)
    key = claim.speaker_key or (quote.speaker_key if quote is not None else None)
    if key:
        span = None
        if quote is not None and quote.speaker_key == key and quote.speaker_start is not None:
            span = (quote.speaker_start, quote.speaker_end)
        return resolver.entity(key), resolver.label_of(key), span
    named = [m for m in inside if m.label in _SPEAKER_LABELS and m.text in claim.speaker]
    if named:
        # "NLF spokeswoman Irena Solvik": the person, and the last name in the phrase, is the
        # speaker; the organisation before it only says whom she speaks for.
        best = max(named, key=lambda m: (m.label == "PERSON", m.start))
        return resolver.entity(best.key), resolver.label_of(best.key), (best.start, best.end)
    return claim.speaker.lower().strip(), None, None


def _overlapping_quote(quotes: list[Quote], claim: Claim) -> Quote | None:
    best, best_overlap = None, 0
    for quote in quotes:
        overlap = min(claim.end, quote.end) - max(claim.start, quote.start)
        if overlap > best_overlap and 2 * overlap >= min(claim.end - claim.start,
                                                         quote.end - quote.start):
            best, best_overlap = quote, overlap
    return best


def _places(claim: Claim, inside: list[Mention], resolver: _Resolver):
    found = []
    for name in claim.places:
        mention = next((m for m in inside if m.name == name and m.label in _PLACE_LABELS), None)
        if mention is None:
            found.append((name.lower(), name, None, None))
        else:
            found.append((resolver.entity(mention.key), name, mention.start, mention.end))
    return tuple(found)


# --- alignment -------------------------------------------------------------------------------


def pair_score(similarity: float, a: ClaimFacts, b: ClaimFacts, *,
               lead_floor: float = 0.0) -> float:
    """Semantic similarity adjusted by slot agreement; a different speaker of the same kind
    (resolved entities) counts against unless the texts are near-identical (a quote moved to
    another speaker). Two lead
    counts of one story that name a common entity score at least ``lead_floor``."""
    score = similarity
    if a.claim.action and a.claim.action == b.claim.action:
        score += 0.06
    union = a.entities | b.entities
    if union:
        score += 0.08 * len(a.entities & b.entities) / len(union)
    if a.quantities and b.quantities and _numbers_agree(a, b):
        score += 0.05
    if a.place_ids & b.place_ids:
        score += 0.03
    if (a.speaker_label and a.speaker_label == b.speaker_label and a.speaker != b.speaker
            and similarity < 0.9):
        score -= 0.10  # two people (or two bodies) said it: likely two different claims
    if a.actors and b.actors and not a.actors & b.actors:
        score -= UNRELATED_ARTICLES  # no person or body in common: two companies' dividends
    if min(len(a.claim.text.split()), len(b.claim.text.split())) < _SHORT_WORDS:
        score -= 0.05
    if (a.lead_count and b.lead_count and a.story is not None and a.story == b.story
            and a.entities & b.entities and _same_scale(a, b)):
        score = max(score, lead_floor)
    return score


def _same_scale(a: ClaimFacts, b: ClaimFacts) -> bool:
    """Lead figures of one size class: an inflated count (42 vs 420) still is the story's
    count; 60 against 100,000 counts something else."""
    counts = [next((q for q in f.quantities if counts_people(q)), None) for f in (a, b)]
    sizes = [_size(q) if q is not None else None for q in counts]
    if None in sizes:
        return False
    return max(sizes) <= _LEAD_SCALE * min(sizes)


def _size(quantity: Quantity) -> float | None:
    for bound in (quantity.value, quantity.low, quantity.high):
        if bound is not None and bound > 0:
            return bound
    return None


def _numbers_agree(a: ClaimFacts, b: ClaimFacts) -> bool:
    return any(intervals_overlap((x.low, x.high), (y.low, y.high))
               for x in a.quantities for y in b.quantities if x.unit == y.unit)


def align_claims(facts: Sequence[ClaimFacts], *, embedder: str = "wordllama",
                 threshold: float | None = None,
                 vectors: Mapping[str, np.ndarray] | None = None) -> list[list[ClaimFacts]]:
    """Groups of the same claim across articles: at least two articles, one claim per article.

    ``threshold`` is the pair score above which two claims are the same (default:
    ``CLAIM_THRESHOLDS`` for the embedder). ``vectors`` (the :class:`ClaimVectors` of
    :func:`fact_vectors`, or any claim id -> row mapping) saves encoding again; candidates are
    scored a story at a time, so no dense matrix of the whole corpus is built. Groups come
    sorted by their first claim id.
    """
    facts = sorted(facts, key=lambda f: f.claim.id)
    if len(facts) < 2:
        return []
    threshold = CLAIM_THRESHOLDS.get(embedder, 0.56) if threshold is None else threshold
    if vectors is None:
        vectors = fact_vectors(facts, embedder=embedder)
    elif not isinstance(vectors, ClaimVectors):
        vectors = ClaimVectors.from_rows(vectors, [f.claim.id for f in facts])
    scorer = _Scorer(facts, vectors, threshold)
    pairs = _story_pairs(scorer) + _lead_pairs(scorer) + _anchor_pairs(scorer)
    clusters = _merge(scorer, sorted(set(pairs), key=lambda p: (-p[0], p[1], p[2])))
    groups = [sorted(members, key=lambda f: f.claim.id) for members in clusters]
    return sorted((g for g in groups if len({f.article for f in g}) >= 2),
                  key=lambda g: g[0].claim.id)


class _Scorer:
    """Pair scores of claims by index, with the threshold they are judged against."""

    def __init__(self, facts: list[ClaimFacts], vectors: ClaimVectors, threshold: float):
        self.facts, self.vectors, self.threshold = facts, vectors, threshold
        # Fact index -> row of ``vectors``: rows are fetched per story, never all at once.
        self.row = np.array([vectors.position[f.claim.id] for f in facts], dtype=np.intp)
        self.lead_floor = threshold + 0.01
        self.known: dict[tuple[int, int], float] = {}  # merging asks for the same pairs again

    def rows(self, indexes: list[int]) -> np.ndarray:
        """Dense vectors of the facts at ``indexes``."""
        return self.vectors.rows(self.row[indexes])

    def score(self, i: int, j: int, similarity: float | None = None) -> float:
        pair = (i, j) if i < j else (j, i)
        if pair not in self.known:
            if similarity is None:
                first, second = self.rows([i, j])
                similarity = float(first @ second)
            self.known[pair] = pair_score(similarity, self.facts[i], self.facts[j],
                                          lead_floor=self.lead_floor)
        return self.known[pair]

    def pair(self, i: int, j: int, score: float) -> tuple[float, int, int]:
        return (round(score, 6), min(i, j), max(i, j))

    def by_story(self) -> dict[str, list[int]]:
        grouped: dict[str, list[int]] = defaultdict(list)
        for index, fact in enumerate(self.facts):
            if fact.story is not None:
                grouped[fact.story].append(index)
        return grouped


def fact_vectors(facts: Sequence[ClaimFacts], *, embedder: str) -> ClaimVectors:
    """Claim id -> its :func:`claim_vectors` row (the text without its dateline)."""
    return claim_vectors([body_text(f.claim.text) for f in facts], embedder=embedder,
                         ids=[f.claim.id for f in facts])


def _story_pairs(scorer: _Scorer) -> list[tuple[float, int, int]]:
    """Scored pairs of claims of different articles in one story, above the threshold."""
    facts, pairs = scorer.facts, []
    by_story = scorer.by_story()
    for story in sorted(by_story):
        members = by_story[story]
        article_of = np.unique([facts[k].article for k in members], return_inverse=True)[1]
        for lo in range(0, len(members), _BLOCK):  # one story's rows only: bounded by its size
            rows = members[lo:lo + _BLOCK]
            sims = scorer.vectors.similarities(scorer.row[rows], scorer.row[members])
            near = sims >= scorer.threshold - 0.2
            for r in range(len(rows)):
                cols = _nearest(np.nonzero(near[r])[0], sims[r], article_of, article_of[lo + r])
                for c in cols:  # a pair near for either of its claims (scored once)
                    i, j = rows[r], members[c]
                    score = scorer.score(i, j, float(sims[r, c]))
                    if score >= scorer.threshold:
                        pairs.append(scorer.pair(i, j, score))
    return pairs


def _nearest(cols: np.ndarray, sims: np.ndarray, article_of: np.ndarray, own: int) -> np.ndarray:
    """Candidate columns of one claim in other articles, cut to its nearest
    ``MAX_PAIRS_PER_ARTICLE`` per article and ``MAX_PAIRS_PER_CLAIM`` in all (ties: column)."""
    cols = cols[article_of[cols] != own]
    if len(cols) <= MAX_PAIRS_PER_ARTICLE:
        return cols
    ranked = cols[np.lexsort((cols, -sims[cols], article_of[cols]))]  # per article, nearest first
    articles = article_of[ranked]
    first = np.searchsorted(articles, articles, side="left")  # where each one's article starts
    kept = ranked[np.arange(len(ranked)) - first < MAX_PAIRS_PER_ARTICLE]
    if len(kept) > MAX_PAIRS_PER_CLAIM:
        kept = kept[np.lexsort((kept, -sims[kept]))][:MAX_PAIRS_PER_CLAIM]
    return np.sort(kept)


def _lead_pairs(scorer: _Scorer) -> list[tuple[float, int, int]]:
    """The lead counts of one story's articles, pairwise (the story's main figure)."""
    pairs = []
    for story, members in sorted(scorer.by_story().items()):
        leads = [i for i in members if scorer.facts[i].lead_count]
        for i, j in itertools.combinations(leads, 2):
            pairs.append(scorer.pair(i, j, scorer.score(i, j)))
    return pairs


def _anchor_key(fact: ClaimFacts) -> list[tuple]:
    return [(fact.claim.action, q.value, q.unit) for q in fact.quantities
            if q.value is not None and q.low == q.high == q.value and fact.claim.action]


def _anchor_pairs(scorer: _Scorer) -> list[tuple[float, int, int]]:
    """Pairs with a claim of an article outside every story, on strict anchors: same exact
    figure, action and a shared place (two stories are two events: see the module notes)."""
    facts, index = scorer.facts, defaultdict(list)
    for i, fact in enumerate(facts):
        for key in set(_anchor_key(fact)):
            index[key].append(i)
    pairs = []
    for key in sorted(index, key=repr):
        for i, j in itertools.combinations(index[key], 2):
            a, b = facts[i], facts[j]
            if a.story is not None and b.story is not None or a.article == b.article:
                continue
            if not a.place_ids & b.place_ids:
                continue
            if (score := scorer.score(i, j)) >= scorer.threshold - 0.1:
                pairs.append(scorer.pair(i, j, score))
    return pairs


def _merge(scorer: _Scorer, pairs) -> list[list[ClaimFacts]]:
    """Best pairs first; two groups merge when they share no article and at least half their
    cross pairs score near the threshold (no chaining of loosely related claims through one
    good pair; a rewrite that matches some members in its own words still joins)."""
    facts = scorer.facts
    group_of = list(range(len(facts)))
    members: dict[int, list[int]] = {i: [i] for i in range(len(facts))}
    for _score, i, j in pairs:
        gi, gj = group_of[i], group_of[j]
        if gi == gj:
            continue
        left, right = members[gi], members[gj]
        if {facts[k].article for k in left} & {facts[k].article for k in right}:
            continue
        cross = [scorer.score(x, y) >= scorer.threshold - 0.1 for x, y in _cross_pairs(left, right)]
        if 2 * sum(cross) < len(cross):
            continue
        keep, gone = (gi, gj) if gi < gj else (gj, gi)
        members[keep] = members[keep] + members.pop(gone)
        for k in members[keep]:
            group_of[k] = keep
    return [[facts[k] for k in ids] for _, ids in sorted(members.items())]


def _cross_pairs(left: list[int], right: list[int]) -> list[tuple[int, int]]:
    """Every pair of the two groups, or ``MAX_MERGE_CHECKS`` of them spread evenly over all."""
    total = len(left) * len(right)
    if total <= MAX_MERGE_CHECKS:
        return [(x, y) for x in left for y in right]
    picks = sorted({k * total // MAX_MERGE_CHECKS for k in range(MAX_MERGE_CHECKS)})
    return [(left[k // len(right)], right[k % len(right)]) for k in picks]
