"""Speaker resolution: a quote's speaker phrase to a mention key, walking the article in order.

Names resolve directly; pronouns to the last person speaking or acting (nobody, when that was a
person the article does not name: "a young woman said she ..."); definite role phrases ("the
minister") to the person the article introduced with that role.
"""

from __future__ import annotations

import bisect
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only named in annotations
    from .cue_syntax import _Found

__all__ = ["Speakers", "is_pronoun", "refers_only", "shown_speaker", "speaker_names"]

_DEFINITE = frozenset("the this that".split())
_SHOWN_PRONOUNS = frozenset("he she they it him her them".split())


def is_pronoun(phrase: str) -> bool:
    return phrase.strip().lower() in _SHOWN_PRONOUNS


def refers_only(phrase: str) -> bool:
    """A speaker phrase that refers without naming: a pronoun ("he", "It") or a definite
    phrase with no capitalised word after its determiner ("the company", "the official")."""
    words = phrase.split()
    if not words:
        return False
    if len(words) == 1:
        return words[0].lower() in _SHOWN_PRONOUNS
    return words[0].lower() in _DEFINITE and not any(w[:1].isupper() for w in words[1:])


def shown_speaker(phrase: str, name: str | None) -> str:
    """The speaker as a reader should see it: ``name`` (the article's name for the resolved
    speaker) where ``phrase`` only refers to it, else the phrase as written."""
    return name if name and refers_only(phrase) else phrase


def speaker_names(mentions) -> dict[tuple[str, str], str]:
    """``(article, key) -> name``: the fullest name each article gives a mention key."""
    names: dict[tuple[str, str], str] = {}
    for m in sorted(mentions, key=lambda m: (m.article, m.start, m.id)):
        held = names.get((m.article, m.key))
        if held is None or len(m.name) > len(held):
            names[(m.article, m.key)] = m.name
    return names

_SUBJECTS = ("nsubj", "nsubjpass", "csubj")
_PERSONAL = frozenset("he she him her".split())
_GROUP = frozenset("they them it".split())
# Nouns for one person: an unnamed speaker so described is the antecedent of "he" or "she".
_PERSON_NOUNS = frozenset(
    "woman man girl boy mother father son daughter wife husband sister brother student teacher "
    "worker resident witness neighbour neighbor lawyer doctor nurse official officer spokesman "
    "spokeswoman spokesperson activist relative friend journalist reporter farmer driver "
    "owner employee guard soldier survivor victim detainee prisoner".split())


class Speakers:
    """Resolves speaker phrases to mention keys, walking the article in order."""

    def __init__(self, ctx):  # quotes._Context: the parsed article and its mentions
        self.ctx = ctx
        self.people = [m for m in ctx.mentions if m.label == "PERSON"]
        self.people_starts = [m.start for m in self.people]
        self.subjects = self._person_subjects()
        self.roles = self._roles()
        # (offset, key, is_person); key None: an unnamed person spoke there
        self.recent: list[tuple[int, str | None, bool]] = []

    def _person_subjects(self) -> list[tuple[int, str]]:
        events = []
        for mention in self.people:
            token = self.ctx.doc[self.ctx.token_at(mention.start)]
            if any(t.dep_ in _SUBJECTS for t in (token, token.head)):
                events.append((mention.start, mention.key))
        return events

    def _roles(self) -> list[tuple[int, str, str]]:
        """(offset, role lemma, key): "Intelligence Minister X", "X, the minister", "the
        official introduced as X" give X the roles minister and official."""
        roles = []
        for mention in self.people:
            span = self.ctx.doc.char_span(mention.start, mention.end, alignment_mode="expand")
            if span is None or not len(span):
                continue
            for lemma in _role_words(span):
                roles.append((mention.start, lemma, mention.key))
        return roles

    def resolve(self, quote: _Found) -> str | None:
        start, end = quote.speaker
        head = self.ctx.doc[quote.speaker_head] if quote.speaker_head is not None else None
        key, person = self._named(start, end, head)
        if key is None and head is not None:
            key, person = self._referred(head, start)
        if key is not None:
            self.recent.append((start, key, person))
        elif head is not None and head.pos_ == "NOUN" and head.lemma_.lower() in _PERSON_NOUNS:
            # "A young woman said she ...": the nearest speaker is a person nobody named, so
            # a pronoun after her is not an earlier named official.
            self.recent.append((start, None, True))
        return key

    def _named(self, start: int, end: int, head) -> tuple[str | None, bool]:
        """The mention holding the phrase's head, else the first person, else the first
        organisation or place; a bare surname is the person named with it earlier."""
        inside = [m for m in self.ctx.mentions if m.start < end and start < m.end]
        if head is not None:
            if head.pos_ == "NOUN" and any(c.dep_ == "poss" for c in head.children):
                # "Diyalameh's counterpart" is somebody else; "X's chief, Y" is Y
                named = [m for m in inside if m.label == "PERSON" and m.start > head.idx]
                return (named[0].key, True) if named else (None, False)
            holding = [m for m in inside if m.start <= head.idx < m.end]
            if head.pos_ == "PROPN":
                surname = self._surname(head.text, start)
                if surname is not None and not any(m.label == "PERSON" for m in holding):
                    return surname, True
                inside = holding  # a name no mention covers is nobody else in the phrase
            elif not holding:
                inside = [m for m in inside if m.label == "PERSON"]  # "the official, X"
            else:
                inside = holding
        people = [m for m in inside if m.label == "PERSON"]
        if people and (not inside or inside[0].label == "PERSON"):
            return people[0].key, True
        named = [m for m in inside if m.label in ("PERSON", "ORG", "NORP", "GPE", "FAC")]
        return (named[0].key, named[0].label == "PERSON") if named else (None, False)

    def _surname(self, word: str, offset: int) -> str | None:
        for mention in reversed(self.people[: bisect.bisect_left(self.people_starts, offset)]):
            if len(mention.text.split()) > 1 and mention.text.split()[-1] == word:
                return mention.key
        return None

    def _referred(self, head, offset: int) -> tuple[str | None, bool]:
        word = head.lower_
        if word in _PERSONAL:
            return self._last(offset, person=True), True
        if word in _GROUP:
            return self._last(offset, person=False), False
        if head.pos_ != "NOUN" or any(c.dep_ == "poss" for c in head.children):
            return None, False  # "Diyalameh's counterpart" is somebody else
        if not any(c.dep_ == "det" and c.lower_ in ("the", "this", "that") for c in head.children):
            return None, False
        lemma = head.lemma_.lower()
        roles = [key for at, role, key in self.roles if role == lemma and at < offset]
        return (roles[-1], True) if roles else (None, False)

    def _last(self, offset: int, *, person: bool) -> str | None:
        events = [(at, key) for at, key, is_person in self.recent if is_person == person]
        if person:
            events += self.subjects
        events = [e for e in events if e[0] < offset]
        return max(events, key=lambda e: e[0])[1] if events else None


def _role_words(span) -> list[str]:
    root = span.root
    words = [c for c in root.children if c.i < span.start and c.pos_ in ("NOUN", "PROPN")]
    if root.dep_ == "appos":
        words.append(root.head)
    words += [c for c in root.children if c.dep_ == "appos"]
    if root.dep_ == "pobj" and root.head.lower_ == "as" and root.head.head.dep_ == "acl":
        words.append(root.head.head.head)
    return sorted({w.lemma_.lower() for w in words if w.pos_ in ("NOUN", "PROPN")})
