"""Who an article is talking about, clause by clause: the subjects a later "he", "it" or
"they" most likely stands for (read by :mod:`.speakers`).

A subject counts when the outlet itself writes the clause (not inside quote marks or someone's
reported words) and the name is the subject, not a word inside it: "the FBI director
chastised Clinton" has an unnamed director as subject, not the FBI; "Matthew's parents" are
not Matthew. Conjoined names ("Darren Kamara and Sharon Wong agreed") are a plural, never one
person. Subjects the tagger left unnamed still count, as somebody nobody named: "the president
appeared cowed. ... he barely mentioned" stops "he" from reaching an earlier senator; a name
the tagger missed ("Wilson admitted ... He denied") is the person of that surname when the
article named one. Hard-wrapped wire text ("... with the Securities and\\nExchange Commission")
makes the parser start clauses at line ends; their subjects are not subjects, and a name left
alone before such a break ("Red Lion Inns Limited Partnership\\nsaid it ...") is the subject of
the verb after it.
"""

from __future__ import annotations

from .speaker_words import PERSON_NOUNS, is_definite

__all__ = ["described", "just_before", "subject_events", "wrapped"]

_SUBJECTS = ("nsubj", "nsubjpass", "csubj")
_SENTENCE_END = tuple(".!?:;\"'”’)")
# Clauses that hang off another clause: their subjects are less salient than the main one's.
_SUBORDINATE = frozenset({"relcl", "advcl", "acl", "pcomp", "csubj", "prep", "pobj"})


def subject_events(speakers) -> list[tuple[int, str | None, str]]:
    """(offset, key or None, kind) for every salient subject, in text order; ``speakers`` is
    the :class:`~.speakers.Speakers` of the article (its context, kinds and settings)."""
    ctx, main_only = speakers.ctx, speakers.resolution.main_clauses
    named_tokens: set[int] = set()
    events = []
    for mention in ctx.mentions:
        token = speakers.root(mention)
        span = ctx.doc.char_span(mention.start, mention.end, alignment_mode="expand")
        named_tokens.update(range(span.start, span.end) if span is not None else ())
        kind = speakers.kinds[mention.start]
        if kind == "other" or speakers.reported(mention.start) \
                or _opens_wrap(speakers, token, mention.start):
            continue
        if _conjoined(token):
            if _is_subject(token, main_only):
                events.append((mention.start, None, "plural"))
        elif _is_subject(token, main_only) or _left_before_verb(speakers, token):
            events.append((mention.start, mention.key, kind))
    events += _unnamed(speakers, named_tokens, main_only, sorted(events))
    return sorted(events, key=lambda e: (e[0], e[1] or ""))


def _is_subject(token, main_only: bool) -> bool:
    if token.dep_ == "compound" and token.head.pos_ == "PROPN":
        token = token.head  # part of a longer name
    if token.dep_ == "appos":
        token = token.head  # "His guest, the actress X, was ..."
    if token.dep_ == "poss" and token.head.pos_ == "NOUN":
        # "Mr. Ban's record has been mixed. He did appoint ...", in the sentence's own clause;
        # not "Matthew's parents", other people
        return token.head.dep_ in _SUBJECTS and token.head.head.dep_ == "ROOT" \
            and token.head.tag_ == "NN"
    if token.dep_ not in _SUBJECTS:
        return False
    return not main_only or _main_clause(token.head)


def _main_clause(verb) -> bool:
    while verb.dep_ in ("conj", "xcomp", "ccomp", "parataxis") and verb.head is not verb:
        verb = verb.head
    return verb.dep_ not in _SUBORDINATE


def _conjoined(token) -> bool:
    return token.dep_ == "conj" or any(c.dep_ == "conj" for c in token.children)


def wrapped(doc, start: int, text: str) -> int | None:
    """Where the clause the parser started at token ``start`` has its first word, when it
    started at a line wrap inside a sentence; else ``None``. ``text`` is ``doc.text`` (which
    spaCy builds anew on every access)."""
    first = next((t for t in doc[start : start + 8] if not t.is_space), doc[start])
    window = text[max(0, first.idx - 80) : first.idx]  # a bounded look back
    before = window.rstrip()
    gap = window[len(before) :]
    if before and "\n" in gap and "\n\n" not in gap.replace(" ", "") \
            and not before.endswith(_SENTENCE_END):
        return first.idx
    return None


def _opens_wrap(speakers, token, start: int) -> bool:
    """The name opens a clause the parser started at a line wrap: it was the object of the
    clause before the wrap ("... with the Securities and\\nExchange Commission covering")."""
    first = speakers.wraps.get(speakers.ctx.sentence_of(token.i)[0])
    return first is not None and first >= start


def _left_before_verb(speakers, token) -> bool:
    """A name alone in its "sentence" right before a line break, and the next "sentence"
    opens with a verb: the parser split "Name\\nsaid it ..." at the wrap."""
    if token.dep_ != "ROOT" or token.pos_ not in ("PROPN", "NOUN"):
        return False
    doc = token.doc
    lo, hi = speakers.ctx.sentence_of(token.i)  # hi: the next sentence's first token
    if hi >= len(doc) or any(t.pos_ in ("VERB", "AUX") for t in doc[lo:hi]):
        return False
    following = next((t for t in doc[hi : hi + 8] if not t.is_space), None)
    return following is not None and following.pos_ == "VERB" \
        and speakers.ctx.sentence_of(following.i)[0] in speakers.wraps


def _unnamed(speakers, named_tokens: set[int], main_only: bool, named: list):
    """Subjects the tagger named nothing in: a person noun ("the president"), the person
    given that role when the article gave it to one, else nobody named; a plural of people
    ("analysts", "the underwriters"); a surname the tagger missed."""
    from spacy.symbols import nsubj, nsubjpass  # here: the module is read where no Doc is parsed

    doc, events = speakers.ctx.doc, []
    deps = doc.to_array("DEP")  # walking every Token costs more than all the rest here
    for i in ((deps == nsubj) | (deps == nsubjpass)).nonzero()[0]:
        token = doc[int(i)]
        if token.i in named_tokens \
                or speakers.reported(token.idx) or _opens_wrap(speakers, token, token.idx) \
                or (main_only and not _main_clause(token.head)):
            continue
        owner = _owner(token)
        if owner is not None:  # "The president's roots came into play": the president
            token = owner
        elif token.pos_ == "PROPN":
            key = _surname_before(speakers, token)
            if key is not None:
                events.append((token.idx, key, "person"))
            continue
        lemma = token.lemma_.lower()
        if token.pos_ != "NOUN" or lemma not in PERSON_NOUNS \
                or any(c.dep_ == "poss" for c in token.children):
            continue
        if token.tag_ == "NNS":
            events.append((token.idx, None, "plural"))
        elif speakers.resolution.unnamed_subjects:
            # "the nominee": the one person the article gave that role, else nobody named
            keys = set(speakers.holders(token, token.idx))
            key = next(iter(keys)) if len(keys) == 1 else None
            if key is None and described(token, speakers.ctx.mentions) and any(
                    c.dep_ == "det" and is_definite(c) for c in token.children):
                # "the Republican presidential nominee" nobody was introduced as is the
                # person the sentence before was about ("Trump says ... The Republican
                # presidential nominee noted"), when the resolution reads descriptions
                key = just_before(speakers, named, token.idx)
            events.append((token.idx, key, "person"))
    return events


def described(token, mentions=()) -> bool:
    """A person noun with words of its own: "the former New Mexico governor"; not one an
    organisation defines ("the Velmora Port director" is the port's, somebody else)."""
    words = [c for c in token.children if c.dep_ in ("amod", "compound", "nmod")
             and not is_definite(c)]
    return bool(words) and not any(m.label == "ORG" and m.start <= w.idx < m.end
                                   for w in words for m in mentions)


def just_before(speakers, events, offset: int) -> str | None:
    """The named person the last sentence or this one was about, when descriptions are read."""
    if not speakers.resolution.descriptions:
        return None
    earlier = [e for e in events if e[0] < offset]
    if not earlier:
        return None
    at, key, kind = max(earlier, key=lambda e: e[0])
    close = speakers.sentence(offset) - speakers.sentence(at) <= 1
    return key if close and kind == "person" else None


def _owner(token):
    """The person noun owning a subject: "the president" in "the president's roots"."""
    owner = next((c for c in token.children if c.dep_ == "poss"), None)
    if owner is None or owner.pos_ != "NOUN":
        return None
    return owner if any(is_definite(c) for c in owner.children) else None


def _surname_before(speakers, token) -> str | None:
    for mention in reversed(speakers.ctx.mentions):
        if mention.start < token.idx and speakers.kinds[mention.start] == "person" \
                and mention.text.split()[-1] == token.text:
            return mention.key
    return None
