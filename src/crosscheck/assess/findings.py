"""Findings: things a fact-checker should look at, each with a sentence a journalist can read
and the span in the article where it shows.

Inside one article (:mod:`.article_findings`):

- ``internal_inconsistency``: one article glosses the same period with two date ranges that do
  not match ("last Iranian year (2017-2018)" ... "last Iranian year (2018-2019)"), or gives two
  different counts of the same thing (same counted noun, action and speaker);
- ``unattributed_figure``: a casualty or detention figure the outlet states on nobody's word.

Across articles (here):

- ``quote_moved``: the same quoted words given to another speaker than in the article they came
  from (along a derivation, or, without one, the earlier article or the speaker most articles
  give); a body and the spokesperson its attribution names are one voice, and so are two
  names of one speaker (:mod:`.voices`);
- ``number_changed``: an aligned passage of a derivation where a count differs;
- ``single_origin``: claims carried by several outlets that all go back to one origin (one
  finding per origin article and story);
- ``hedge_dropped``: a claim stated as fact that the article it came from only reported on
  someone's word (``hedges.py``).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from itertools import chain

from rapidfuzz import fuzz

from ..excerpt import excerpt
from ..link.claims import counts_people
from ..records import (Article, Claim, ClaimGroup, ClaimGroupMember, Derivation, EntityKey,
                       Finding, Mention, Passage, Quantity, Quote, TimeExpr)
from .article_findings import (count_inconsistencies, counted, date_range_inconsistencies,
                               disjoint, figure_text, finding, outlet_of, outlets_of, published_of,
                               unattributed_figures)
from .hedges import dropped_hedges
from ..enrich.speaker_words import ROLE_WORDS
from ..enrich.speakers import refers_only, shown_speaker, speaker_names
from .voices import PLACE_LABELS, Voice, place_words, same_voice, voice_words

__all__ = ["find_findings", "date_range_inconsistencies", "count_inconsistencies",
           "unattributed_figures", "moved_quotes", "changed_numbers", "single_origins"]


def find_findings(*, articles: Mapping[str, Article], claims: Sequence[Claim],
                  quantities: Mapping[str, Quantity], times: Mapping[str, TimeExpr],
                  quotes: Sequence[Quote], derivations: Sequence[Derivation],
                  passages: Sequence[Passage], claim_groups: Sequence[ClaimGroup],
                  members: Sequence[ClaimGroupMember], mentions: Sequence[Mention] = (),
                  entity_keys: Sequence[EntityKey] = ()) -> list[Finding]:
    """Every finding of the corpus, sorted by article, position and kind; ``mentions`` and
    ``entity_keys`` tell which speakers are one voice (see :func:`moved_quotes`)."""
    found = [
        *date_range_inconsistencies(articles, times.values()),
        *count_inconsistencies(articles, claims, quantities, times),
        *unattributed_figures(articles, claims, quantities),
        *moved_quotes(articles, quotes, derivations, mentions=mentions,
                      entity_keys=entity_keys),
        *changed_numbers(articles, quantities.values(), derivations, passages),
        *single_origins(articles, claims, claim_groups, members, quantities),
        *dropped_hedges(articles, claims, claim_groups, members, derivations),
    ]
    unique = {f.id: f for f in found}
    return sorted(unique.values(), key=lambda f: (f.article, f.start or -1, f.kind, f.id))


# --- along derivations -----------------------------------------------------------------------

_MIN_QUOTE_WORDS = 6


def moved_quotes(articles: Mapping[str, Article], quotes: Sequence[Quote],
                 derivations: Sequence[Derivation], *, mentions: Sequence[Mention] = (),
                 entity_keys: Sequence[EntityKey] = (),
                 place_names: Iterable[str] | None = None,
                 story_of: Mapping[str, str] | None = None) -> list[Finding]:
    """The same quoted words with another speaker than in the article they came from.

    ``mentions`` give the place names that only qualify a speaker ("Korvask security agency"
    and "Velmora security agency" are one voice) and ``entity_keys`` the entity each speaker
    key belongs to; without them, speakers are compared by their names alone. ``place_names``,
    when given, are the corpus's place names, and ``mentions`` need only be those of each
    quote's article and speaker key (their names for speakers).

    Two articles are compared only when they could have passed the words on: a derivation links
    them, or (``story_of`` given) they tell one story. Elsewhere the same words under two
    speakers are a formula each says for itself ("it filed a registration statement with the
    SEC", "bought the stake for investment purposes"), not a quote moved."""
    if not quotes:
        return []
    voices = _Voices(articles, mentions, entity_keys, place_names)
    # A pronoun or a bare role ("he", "the judge", "His counsel") counts once resolved to the
    # person it stands for: unresolved, it says nothing of who speaks, and "the judge" against
    # "Mr Justice Kell" is no quote moved.
    carried = [(q, _quoted_words(articles, q)) for q in quotes
               if q.speaker and _names_someone(voices.shown(q))]
    carried = [(q, words) for q, words in carried if len(words.split()) >= _MIN_QUOTE_WORDS]
    carried.sort(key=lambda item: (item[0].article, item[0].start, item[0].id))
    edges = _directed_edges(articles, derivations)
    linked: dict[str, set[str]] = defaultdict(set)
    for derivation in derivations:
        linked[derivation.source].add(derivation.derived)
        linked[derivation.derived].add(derivation.source)

    def related(one: str, two: str) -> bool:
        story = story_of.get(one) if story_of is not None else None
        return two in linked[one] or (story is not None and story == story_of.get(two))

    found = []
    for group in _same_quote_groups(carried):
        for quote in group:
            reach = [q for q in group if q.article == quote.article or related(quote.article, q.article)]
            if len({q.article for q in reach}) < 2:
                continue
            majority = Counter(voices.name(q) for q in _one_per_article(reach)).most_common()
            source = _quote_source(quote, reach, edges, voices, majority)
            if source is None:
                continue
            mine, theirs = outlets_of(articles, quote.article, source.article)
            detail = (f"{mine} gives the quote \""
                      f"{excerpt(_quoted_words(articles, quote), 90)}\" to {voices.shown(quote)}; "
                      f"{theirs} gives it to {voices.shown(source)}.")
            found.append(finding("quote_moved", quote.article, detail, quote.content_start,
                                 quote.content_end, source.article))
    return found


def _quoted_words(articles: Mapping[str, Article], quote: Quote) -> str:
    article = articles.get(quote.article)
    if article is None:
        return ""
    return article.text[quote.content_start:quote.content_end].strip(" \"'“”‘’,.")


_PRONOUNS = frozenset("he she they it we i you his her their its who which that these those "
                      "this".split())
_POSSESSIVES = frozenset("his her its their our my your".split())
_NOT_NAMES = frozenset("a an the".split())
_ROLE_MODIFIERS = frozenset("prime deputy chief senior junior former acting vice assistant general "
                            "foreign home interior defence defense finance justice health trade "
                            "consultant crown high".split())


def _bare_role(shown: str) -> bool:
    """An office or a body's role and nothing else: "The Coroner", "the Prime Minister",
    "Counsel", "the crown prosecutor" (no name among its words)."""
    words = [w.lower().strip(".,'’") for w in shown.split()]
    head = [w for w in words if w not in _NOT_NAMES and w not in _POSSESSIVES]
    return bool(head) and head[-1] in ROLE_WORDS and all(
        w in ROLE_WORDS or w in _ROLE_MODIFIERS for w in head)


def _names_someone(shown: str) -> bool:
    """A speaker as shown names someone: not a pronoun, nor a role phrase with no name in it
    ("the judge", "His counsel", "the singer")."""
    words = shown.split()
    if not words or shown.lower() in _PRONOUNS or refers_only(shown):
        return False
    return not (words[0].lower() in _POSSESSIVES and not any(w[:1].isupper() for w in words[1:]))


class _Voices:
    """Who speaks in a quote, compared across articles (see :mod:`.voices`)."""

    def __init__(self, articles: Mapping[str, Article], mentions: Sequence[Mention],
                 entity_keys: Sequence[EntityKey], place_names: Iterable[str] | None = None):
        self.articles = articles
        self.entity_of = {k.key: k.entity for k in entity_keys}
        if place_names is None:
            place_names = (m.text for m in mentions if m.label in PLACE_LABELS)
        self.places = place_words(place_names)
        self.names = speaker_names(mentions)
        # one_voice depends only on each quote's voice, speaker and attribution words: a story
        # that repeats one quote a thousand times asks the same question a million times
        self._signatures: dict[str, int] = {}  # quote id -> number of its signature
        self._numbers: dict[tuple, int] = {}
        self._distinct: list[tuple] = []
        self._answers: dict[tuple[int, int], bool] = {}

    def shown(self, quote: Quote) -> str:
        """The speaker's name: the article's name for a resolved pronoun or role phrase."""
        return shown_speaker(quote.speaker or "", self.names.get((quote.article, quote.speaker_key)))

    def voice(self, quote: Quote) -> Voice:
        key = quote.speaker_key
        return Voice(self.shown(quote), self.entity_of.get(key, key) if key else None)

    def name(self, quote: Quote) -> str:
        """A comparable form of the speaker: its entity, else its name words."""
        voice = self.voice(quote)
        return voice.entity or " ".join(sorted(voice_words(voice.name, places=self.places)))

    def one_voice(self, one: Quote, two: Quote) -> bool:
        """The same speaker (:func:`.voices.same_voice`), or one named in the other's
        attribution: "the Front said" and "X, a spokeswoman for the Front, said" are one
        voice, not a quote moved to someone else. Answered once per pair of distinct
        (voice, speaker words, attribution words)."""
        key = (self._signature(one), self._signature(two))
        if key not in self._answers:
            (voice_one, names_one, words_one), (voice_two, names_two, words_two) = (
                self._distinct[key[0]], self._distinct[key[1]])
            self._answers[key] = same_voice(voice_one, voice_two, places=self.places) or bool(
                names_one and names_one <= words_two or names_two and names_two <= words_one) or (
                # an office against a name ("The Coroner", "Dr Varn") may well be one person;
                # two offices ("the Prime Minister", "the Foreign Secretary") are two
                _bare_role(voice_one.name) != _bare_role(voice_two.name))
        return self._answers[key]

    def _signature(self, quote: Quote) -> int:
        """The number of the quote's (voice, speaker words, attribution words)."""
        number = self._signatures.get(quote.id)
        if number is None:
            signature = (self.voice(quote), frozenset(_name_words(quote.speaker or "")),
                         frozenset(_attribution_words(quote, self.articles)))
            number = self._numbers.setdefault(signature, len(self._numbers))
            if number == len(self._distinct):
                self._distinct.append(signature)
            self._signatures[quote.id] = number
        return number


def _name_words(speaker: str) -> set[str]:
    capitalised = {w.lower() for w in re.findall(r"[A-Z][\w'’-]+", speaker)} - _NOT_NAMES
    return capitalised or {w.lower() for w in re.findall(r"\w+", speaker)} - _NOT_NAMES


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
        shared = Counter(chain.from_iterable([index[gram] for gram in grams if gram in index]))
        # Half the trigrams of the shorter of the two: a short quote inside a long one still
        # meets it (n >= min(a, b) // 2 is n >= a // 2 or n >= b // 2; each group counted is
        # shared at least once).
        half = len(grams) // 2
        candidates = sorted((p for p, n in shared.items() if n >= half or n >= sizes[p] // 2),
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
    if len(words) < 3:
        return {tuple(words)}
    return set(zip(words, words[1:], words[2:]))


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
                  voices: _Voices, majority: list[tuple[str, int]]) -> Quote | None:
    """The quote this one departs from: along a derivation, else an earlier article, else the
    speaker most articles give (when this one is in the minority)."""
    if any(voices.one_voice(q, quote) for q in group
           if q.article in edges.get(quote.article, ())):
        return None
    # An article that repeats the words gives them to each of its speakers: another article
    # giving them to one of those has not moved them ("X said he wanted 'to serve'... Y said
    # X wanted 'to serve'" in two copies of one text).
    own = [q for q in group if q.article == quote.article]
    others = [q for q in group
              if q.article != quote.article and not any(voices.one_voice(q, mine) for mine in own)]
    if not others:
        return None
    for other in others:
        if other.article in edges.get(quote.article, ()):
            return other
    mine = published_of(voices.articles, quote.article)
    earlier = [q for q in others if mine and published_of(voices.articles, q.article)
               and published_of(voices.articles, q.article) < mine
               and quote.article not in edges.get(q.article, ())]
    if earlier:
        return earlier[0]
    counts = dict(majority)
    top_speaker, top = majority[0]
    if top >= 2 and counts.get(voices.name(quote), 0) < top:
        return next((q for q in others if voices.name(q) == top_speaker), None)
    return None


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
        before = [q for q in by_article[source] if inside(q, *spans[0]) and counted(q)]
        after = [q for q in by_article[derived] if inside(q, *spans[1]) and counted(q)]
        for old, new in _paired(before, after):
            if new.id in reported:
                continue
            reported.add(new.id)
            changed_by, shared_with = outlets_of(articles, derived, source)
            detail = (f"{changed_by} says \"{figure_text(new)}\" where the passage "
                      f"it shares with {shared_with} says \"{figure_text(old)}\".")
            found.append(finding("number_changed", derived, detail, new.start, new.end, source))
    return found


def _edge_rank(articles: Mapping[str, Article], derivation: Derivation | None) -> tuple:
    if derivation is None:
        return ("9999",)
    source, _ = _oriented(articles, derivation)
    return (published_of(articles, source) or "9999", source)


def _oriented(articles: Mapping[str, Article], derivation: Derivation) -> tuple[str, str]:
    """(source, derived); with no known direction, an undated article is taken as the copy."""
    if derivation.direction == "undetermined":
        source_date = published_of(articles, derivation.source)
        derived_date = published_of(articles, derivation.derived)
        if source_date is None and derived_date is not None:
            return derivation.derived, derivation.source
    return derivation.source, derivation.derived


def _paired(before: list[Quantity], after: list[Quantity]) -> list[tuple[Quantity, Quantity]]:
    """Counts that speak of the same thing: the same counted noun, or the only count on each
    side of the passage ("42 individuals" rewritten as "420 people")."""
    pairs = []
    for new in after:
        if any(not disjoint(old, new) for old in before):
            continue  # the figure is in the source passage too ("two of the five berths")
        same_noun = [old for old in before if counted(old) == counted(new) and old.unit == new.unit]
        if (not same_noun and len(before) == 1 and len(after) == 1 and counts_people(before[0])
                and counts_people(new)):
            same_noun = before  # people under another word: "42 individuals" / "420 people"
        if len(same_noun) == 1 and disjoint(same_noun[0], new):
            pairs.append((same_noun[0], new))
    return pairs


def single_origins(articles: Mapping[str, Article], claims: Sequence[Claim],
                   claim_groups: Sequence[ClaimGroup],
                   members: Sequence[ClaimGroupMember],
                   quantities: Mapping[str, Quantity] | None = None) -> list[Finding]:
    """Claims that look corroborated and are not: a figure carried by two or more outlets, or
    any claim by three or more, that all go back to one reporting line ("366 kidnappings" that
    were one report). Outlets, not articles, are what a reader counts, so one wire's updates
    repeating its own figure are no echo. One finding per origin article and story, led by
    its figure most outlets carry (else its claim most outlets carry), with how many more it
    passed on: the papers that rewrite one agency report share a dozen of its sentences, and a
    finding per sentence would bury the one fact that matters, that the report had one source.
    A lone "one" is no figure (given ``quantities``): "one of the men" is counted by nobody.
    The finding quotes the origin's own sentence, not the group's terse key."""
    claim_by_id = {c.id: c for c in claims}

    def figure(claim: Claim) -> bool:
        if quantities is None:
            return bool(claim.quantities)
        return any(q in quantities and (quantities[q].unit or quantities[q].value not in (None, 1))
                   for q in claim.quantities)

    by_group: dict[str, list[ClaimGroupMember]] = defaultdict(list)
    for member in members:
        by_group[member.group].append(member)
    carried_from: dict[tuple[str, str], list[tuple[ClaimGroup, set[str], set[str], bool]]] = \
        defaultdict(list)
    for group in sorted(claim_groups, key=lambda g: g.id):
        own = by_group[group.id]
        carriers = {m.article for m in own}
        outlets = {outlet_of(articles, article) for article in carriers}
        if group.origins != 1 or len(outlets) < 2:
            continue
        has_figure = any(figure(claim_by_id[m.claim]) for m in own if m.claim in claim_by_id)
        if not has_figure and len(outlets) < 3:
            continue
        origin = min(m.origin for m in own)
        carried_from[(group.story or "", origin)].append((group, carriers, outlets, has_figure))
    found = []
    for (_, origin), carried in sorted(carried_from.items()):
        group, *_ = min(
            carried, key=lambda c: (not c[3], -len(c[2]), -len(c[1]), c[0].key, c[0].id))
        carriers = set().union(*(c[1] for c in carried))
        outlets = set().union(*(c[2] for c in carried))
        span = next((claim_by_id[m.claim] for m in by_group[group.id]
                     if m.article == origin and m.claim in claim_by_id), None)
        articles_note = f" ({len(carriers)} articles)" if len(carriers) > len(outlets) else ""
        more = (f" and {len(carried) - 1} more of its claims" if len(carried) > 1 else "")
        said = excerpt(span.text, 90) if span else group.key
        detail = (f"{len(outlets)} outlets, one origin: \"{said}\"{more} "
                  f"{'are' if more else 'is'} carried by {len(outlets)} outlets{articles_note} "
                  f"that all go back to {outlet_of(articles, origin)}.")
        found.append(finding("single_origin", origin, detail, span.start if span else None,
                             span.end if span else None))
    return found
