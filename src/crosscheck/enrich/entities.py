"""Named-entity mentions with the outlet's surface form, an article-level name and a corpus key.

spaCy's small English model finds most names but misses or mislabels acronyms (MEK, PMOI, NLF)
and never links a short form to its long form. This module corrects the Doc's entities first, so
every later extractor (quotes, claims) sees the same names:

1. acronyms from the alias table, and acronyms the article itself defines ("the Northern
   Liberation Front (NLF)"), are tagged as entities of the long form's type;
2. "the Front", a capitalised head noun of an organisation named earlier, is tagged as it;

then turns entities into :class:`~crosscheck.records.Mention` records whose ``name`` drops
titles ("Mrs."), expands defined acronyms and resolves a bare surname or a partial name to the
full one used in the same article, and whose ``key`` is alias-resolved (see ``aliases.py``).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable

from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from ..records import Article, Mention, content_id
from .aliases import ENTITY_LABELS, AliasTable, is_acronym, load_alias_table, normalize_name
from .nlp import sentence_lookup

__all__ = ["extract_mentions", "tag_entities", "find_acronym_definitions", "strip_titles"]

_TITLES = {
    "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "sir", "dame", "lord", "lady",
    "madam", "colonel", "col", "general", "gen", "lieutenant", "lt", "major", "maj", "captain",
    "capt", "sergeant", "sgt", "admiral", "commander", "brigadier", "president", "minister",
    "prime", "premier", "chancellor", "senator", "sen", "rep", "representative", "governor",
    "gov", "mayor", "judge", "justice", "ayatollah", "hojatoleslam", "sheikh", "imam", "rev",
    "reverend", "father", "bishop", "king", "queen", "prince", "princess", "spokesman",
    "spokeswoman", "director", "chief", "secretary", "ambassador", "deputy", "interior",
    "foreign", "defence", "defense", "intelligence", "supreme", "leader", "president-elect",
}
# Words that may sit inside a capitalised name run: "Ministry of Intelligence & Security".
_CONNECTORS = {"of", "and", "&", "for", "the", "de", "al", "el", "e", "-", "'s", "’s", "on"}
_NOT_NAMES = {"the official", "official", "he", "she", "they", "it", "we", "i", "you"}
_DEFINITION = re.compile(r"\(\s*([A-Z][A-Za-z0-9.&]*(?:\s*/\s*[A-Z][A-Za-z0-9.&]*)*)[^()]{0,12}\)")
_POSSESSIVE = {"'s", "’s", "'", "’"}


def extract_mentions(doc: Doc, *, article: Article,
                     aliases: AliasTable | None = None) -> list[Mention]:
    """Mentions of PERSON, ORG, GPE, LOC, NORP, FAC and EVENT entities in ``doc``.

    Corrects ``doc.ents`` in place first (see :func:`tag_entities`), so call it before the
    extractors that read entities."""
    table = aliases or load_alias_table()
    definitions = tag_entities(doc, aliases=table)
    sentence_of = sentence_lookup(doc)
    spans = [span for ent in doc.ents if ent.label_ in ENTITY_LABELS
             if (span := _trim(ent)) is not None]
    names = _article_names(spans, definitions)
    mentions = []
    for span, name in zip(spans, names):
        key = _key(span.text, name, table)
        mentions.append(Mention(
            id=content_id(article.id, "mention", span.start_char, span.end_char),
            article=article.id, start=span.start_char, end=span.end_char, text=span.text,
            label=span.label_, name=name, key=key, sentence=sentence_of[span.start]))
    return mentions


def tag_entities(doc: Doc, *, aliases: AliasTable) -> dict[str, str]:
    """Add acronym and short-form entities to ``doc.ents``; return the acronyms the text defines
    (acronym -> long form)."""
    definitions = find_acronym_definitions(doc, aliases=aliases)
    added = _acronym_spans(doc, definitions, aliases)
    _set_ents(doc, added)
    _set_ents(doc, _short_form_spans(doc))
    return {acronym: long.text for acronym, long in definitions.items()}


def find_acronym_definitions(doc: Doc, *, aliases: AliasTable) -> dict[str, Span]:
    """``Long Form (ABBR)`` and ``Long Form (ABBR/OTHER)`` in the text: acronym -> long-form
    span (the first definition wins)."""
    found: dict[str, Span] = {}
    for match in _DEFINITION.finditer(doc.text):
        paren = doc.char_span(match.start(), match.start() + 1)
        if paren is None:
            continue
        run = _name_run_before(doc, paren.start)
        if run is None:
            continue
        for acronym in re.split(r"\s*/\s*", match.group(1)):
            long_form = _long_form_for(acronym, run, aliases) if is_acronym(acronym) else None
            if long_form is not None and acronym not in found:
                found[acronym] = long_form
    return found


def _long_form_for(acronym: str, run: Span, aliases: AliasTable) -> Span | None:
    """The tail of the capitalised run that ``acronym`` abbreviates ("Supporters of the Northern
    Liberation Front (NLF)" -> "Northern Liberation Front"). Best first: a tail the alias table
    gives the acronym's entity, one whose word initials spell it, the longest that fits."""
    doc = run.doc
    tails = [doc[start:run.end] for start in range(run.start, run.end)
             if doc[start].lower_ not in _CONNECTORS]
    fitting = [tail for tail in tails if _fits(acronym, tail.text, aliases)]
    if not fitting:
        return None
    entry = aliases.resolve(acronym)
    letters = "".join(ch for ch in acronym.upper() if ch.isalpha())
    for tail in fitting:
        if entry is not None and aliases.resolve(tail.text) == entry:
            return tail
    for tail in fitting:
        initials = "".join(t.text[0].upper() for t in tail
                           if t.lower_ not in _CONNECTORS and t.text[:1].isalpha())
        if initials == letters:
            return tail
    return fitting[0]


def strip_titles(name: str) -> str:
    """``"Mrs. Maryam Rajavi"`` -> ``"Maryam Rajavi"``; a name that is all title stays."""
    words = name.split()
    while len(words) > 1 and words[0].lower().rstrip(".") in _TITLES:
        words = words[1:]
    return " ".join(words)


def _name_run_before(doc: Doc, end: int) -> Span | None:
    """The run of capitalised words (and connectors) ending right before token ``end``."""
    start = end
    while start > 0 and end - start < 12:
        token = doc[start - 1]
        if not (token.text[:1].isupper() or token.lower_ in _CONNECTORS) or token.is_space:
            break
        start -= 1
    while start < end and (doc[start].lower_ in _CONNECTORS):
        start += 1
    stop = end
    while stop > start and doc[stop - 1].text in _POSSESSIVE:
        stop -= 1
    if stop - start < 1 or (stop - start == 1 and not doc[start].text[:1].isupper()):
        return None
    return doc[start:stop]


def _fits(acronym: str, long_form: str, aliases: AliasTable) -> bool:
    """Whether ``acronym`` plausibly abbreviates ``long_form``: same first letter with its
    letters in order in the long form, or the alias table says they name the same thing."""
    letters = [ch for ch in acronym.lower() if ch.isalpha()]
    text = long_form.lower()
    if letters and letters[0] == text[:1] and len(long_form.split()) > 1:
        position = 0
        for letter in letters:
            position = text.find(letter, position)
            if position < 0:
                break
            position += 1
        else:
            return True
    entry, other = aliases.resolve(acronym), aliases.resolve(long_form)
    return entry is not None and entry == other


def _acronym_spans(doc: Doc, definitions: dict[str, Span], aliases: AliasTable) -> list[Span]:
    labels: dict[str, str] = {}
    spans = []
    for acronym, long in definitions.items():
        labels[acronym] = _label_of(long, aliases) or "ORG"
        spans.append(Span(doc, long.start, long.end, label=labels[acronym]))
    for token in doc:
        text = token.text
        if text in labels or (len(text) >= 3 and text in aliases.acronyms):
            label = labels.get(text) or aliases.acronyms[text].type
            spans.append(Span(doc, token.i, token.i + 1, label=label))
    return _join_slashes(doc, spans)


def _label_of(span: Span, aliases: AliasTable) -> str | None:
    entry = aliases.resolve(span.text)
    if entry is not None:
        return entry.type
    overlapping = [e.label_ for e in span.doc.ents if e.start < span.end and span.start < e.end]
    return overlapping[0] if overlapping and overlapping[0] in ENTITY_LABELS else None


def _join_slashes(doc: Doc, spans: list[Span]) -> list[Span]:
    """``PMOI/MEK`` and ``NLF/People's Front`` are one name, not two."""
    by_start = {span.start: span for span in spans}
    ents = {ent.start: ent for ent in doc.ents}
    joined = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        end = span.end
        while end + 1 < len(doc) and doc[end].text == "/" and not doc[end - 1].whitespace_:
            following = by_start.get(end + 1) or ents.get(end + 1)
            after = following.end if following is not None else _capitalised_run_end(doc, end + 1)
            if after is None:
                break
            end = after
        joined.append(Span(doc, span.start, end, label=span.label_))
    return joined


def _capitalised_run_end(doc: Doc, start: int) -> int | None:
    """End of the capitalised words from ``start`` ("People's Front"), ``None`` if none."""
    end = start
    while end < len(doc) and end - start < 8 and (
            doc[end].text[:1].isupper() or (end > start and doc[end].text in _POSSESSIVE)):
        end += 1
    while end > start and doc[end - 1].text in _POSSESSIVE:
        end -= 1
    return end if end > start else None


def _short_form_spans(doc: Doc) -> list[Span]:
    """"the Front" after "the Northern Liberation Front": a capitalised head noun of a
    multi-word organisation named before it."""
    heads: set[str] = set()
    spans = []
    ents = sorted(doc.ents, key=lambda e: e.start)
    next_ent = 0
    for token in doc[:-1]:
        while next_ent < len(ents) and ents[next_ent].end <= token.i:
            ent = ents[next_ent]
            if ent.label_ == "ORG" and len(ent) > 1 and ent[-1].text[:1].isupper():
                heads.add(ent[-1].text)
            next_ent += 1
        following = doc[token.i + 1]
        if token.lower_ == "the" and following.text in heads and _stands_alone(following):
            spans.append(Span(doc, token.i, token.i + 2, label="ORG"))
    return spans


def _stands_alone(token) -> bool:
    """Not part of a longer name: "the Front said", not "the Front Line" or "Ministry of X"."""
    after = token.doc[token.i + 1] if token.i + 1 < len(token.doc) else None
    if after is not None and (after.text[:1].isupper() or after.ent_iob_ == "I"):
        return False
    return token.ent_iob_ != "I"


def _set_ents(doc: Doc, added: list[Span]) -> None:
    """Put ``added`` into ``doc.ents``; an added span replaces the entities it overlaps."""
    if not added:
        return
    added = filter_spans(added)
    taken = set()
    for span in added:
        taken.update(range(span.start, span.end))
    kept = [ent for ent in doc.ents if not taken.intersection(range(ent.start, ent.end))]
    doc.ents = sorted(kept + added, key=lambda s: s.start)


def _trim(ent: Span) -> Span | None:
    """The entity without a leading "the", a trailing possessive or punctuation; ``None`` when
    nothing name-like is left."""
    start, end = ent.start, ent.end
    doc = ent.doc
    while start < end and (doc[start].lower_ == "the" and not _keeps_the(ent)):
        start += 1
    while end > start and (doc[end - 1].text in _POSSESSIVE or doc[end - 1].is_punct
                           or doc[end - 1].is_space):
        end -= 1
    while start < end and (doc[start].is_punct or doc[start].is_space):
        start += 1
    if start >= end:
        return None
    span = Span(doc, start, end, label=ent.label_)
    text = span.text
    if not any(ch.isupper() for ch in text) or text.lower() in _NOT_NAMES:
        return None
    return span


def _keeps_the(ent: Span) -> bool:
    # "the Front" is only a name with its article; "the Northern Liberation Front" is not.
    return len(ent) == 2 and ent.label_ == "ORG" and ent[1].text[:1].isupper() \
        and not is_acronym(ent[1].text)


def _article_names(spans: list[Span], definitions: dict[str, str]) -> list[str]:
    """The article-level name of each span, in order: a surname or a partial organisation name
    becomes the fuller name of the same type nearest before it (else the first after it)."""
    names = [_own_name(span, definitions) for span in spans]
    # Where each full name occurs, by (last word, label): only those can be shortened to it.
    positions: dict[tuple[str, str], dict[str, list[int]]] = {}
    for i, (span, name) in enumerate(zip(spans, names)):
        words = name.split()
        if len(words) > 1 and not is_acronym(name) and words[0].lower() != "the":
            group = positions.setdefault((words[-1], span.label_), {})
            group.setdefault(name, []).append(i)
    fuller: dict[tuple[str, str], list[str]] = {}
    resolved = []
    for i, (span, name) in enumerate(zip(spans, names)):
        if (name, span.label_) not in fuller:
            fuller[(name, span.label_)] = _fuller_names(name, span.label_, positions)
        candidates = fuller[(name, span.label_)]
        resolved.append(_nearest(i, candidates, positions, span.label_) if candidates else name)
    return resolved


def _fuller_names(name: str, label: str, positions: dict) -> list[str]:
    words = [w for w in name.split() if w.lower() != "the"]
    if not words or is_acronym(name) or label not in ("PERSON", "ORG"):
        return []
    if label == "ORG" and len(name.split()) < 2:
        return []  # a bare "Guard" or "Council" is too vague to expand
    group = positions.get((words[-1], label), {})
    return sorted(other for other in group if other != name and _shortens(words, other.split()))


def _nearest(index: int, candidates: list[str], positions: dict, label: str) -> str:
    best_before, first_after = None, None
    for name in candidates:
        places = positions[(name.split()[-1], label)][name]
        at = bisect.bisect_left(places, index)
        if at > 0 and (best_before is None or places[at - 1] > best_before[0]):
            best_before = (places[at - 1], name)
        if at < len(places) and (first_after is None or places[at] < first_after[0]):
            first_after = (places[at], name)
    return (best_before or first_after)[1]


def _own_name(span: Span, definitions: dict[str, str]) -> str:
    text = span.text
    for part in (text, *_slash_parts(text)):
        if part in definitions:  # "PMOI/MEK" after "... of Iran (PMOI/MEK)" is the long form
            return _clean_long_form(definitions[part])
    if span.label_ == "PERSON":
        return strip_titles(text)
    return text


def _clean_long_form(text: str) -> str:
    words = text.split()
    if words and words[0].lower() == "the":
        words = words[1:]
    return " ".join(words)


def _shortens(words: list[str], longer: list[str]) -> bool:
    """``Rajavi`` shortens ``Maryam Rajavi``; ``Liberation Front`` shortens ``Northern
    Liberation Front``: same last word, every word found in order, fewer words."""
    if len(words) >= len(longer) or words[-1] != longer[-1]:
        return False
    position = 0
    for word in words:
        try:
            position = longer.index(word, position) + 1
        except ValueError:
            return False
    return True


def _key(text: str, name: str, table: AliasTable) -> str:
    for candidate in (name, text, *_slash_parts(text)):
        entry = table.resolve(candidate)
        if entry is not None:
            return normalize_name(entry.canonical)
    return normalize_name(name)


def _slash_parts(text: str) -> Iterable[str]:
    return [part for part in re.split(r"\s*/\s*", text) if part] if "/" in text else []
