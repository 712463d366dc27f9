"""Speaker resolution: a quote's speaker phrase to a mention key, walking the article in order.

Names resolve directly; pronouns to the last person speaking or acting (nobody, when that was a
person the article does not name: "a young woman said she ..."); definite role phrases ("the
minister") to the person the article introduced with that role; a title that names nobody
("Director-General of the provincial office says ...") to the person the next sentence opens by
introducing as that official ("The official introduced as X said ...").
"""

from __future__ import annotations

import bisect
import re
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
_FEMININE = frozenset("she her".split())
_THING = frozenset("it".split())
_PLURAL = frozenset("they them".split())
# Nouns for one person: an unnamed speaker so described is the antecedent of "he" or "she".
_PERSON_NOUNS = frozenset(
    "woman man girl boy mother father son daughter wife husband sister brother student teacher "
    "worker resident witness neighbour neighbor lawyer doctor nurse official officer spokesman "
    "spokeswoman spokesperson activist relative friend journalist reporter farmer driver "
    "owner employee guard soldier survivor victim detainee prisoner judge prosecutor coroner "
    "magistrate counsel barrister solicitor analyst economist banker trader dealer source "
    "executive aide adviser advisor strategist insider diplomat announcer narrator teenager "
    "defendant priest manager director chairman chairwoman president minister secretary "
    "senator governor mayor candidate nominee leader chief expert critic".split())
# Nouns for a body: "the company" is the organisation the article has been reporting on.
_BODY_NOUNS = frozenset(
    "company firm bank group fund partnership corporation concern association department "
    "ministry agency commission newspaper paper union board council committee campaign "
    "network station organisation organization institute office authority bureau exchange "
    "trust utility maker producer retailer carrier airline lender insurer unit subsidiary "
    "channel magazine foundation coalition alliance federation league club army police "
    "service court government administration".split())
# Titles before a name: a person, whatever label the tagger gave the name.
_MASCULINE_TITLES = frozenset("mr mr. mister sir lord".split())
_FEMININE_TITLES = frozenset("mrs mrs. ms ms. miss lady dame madam".split())
_PERSON_TITLES = _MASCULINE_TITLES | _FEMININE_TITLES | frozenset(
    "dr dr. president chairman chairwoman minister secretary spokesman spokeswoman director "
    "analyst economist governor gov. senator sen. rep. representative judge justice mayor "
    "deputy chief officer executive commissioner ambassador professor prof. general gen. "
    "premier king queen prince pope".split())
# Words a person's name may begin with (a title inside the tagged name): not "General Assembly".
_NAME_TITLES = _MASCULINE_TITLES | _FEMININE_TITLES | frozenset(
    "dr dr. gov. sen. rep. prof. president".split())
# "The intelligence official introduced as X", "the officer, identified as X,"
_INTRODUCED = re.compile(
    r"\s*[Tt]he\s+(?:[\w-]+\s+){0,3}(?:official|officer|director|minister|spokesman|spokeswoman|"
    r"spokesperson|governor|chief|commander|head|prosecutor|judge)\s*,?\s+"
    r"(?:introduced|identified|named|known)\s+as\s+")
_ROLE_WORDS = _PERSON_TITLES | _PERSON_NOUNS
_BODY_LABELS = frozenset({"ORG"})
_PLACE_LABELS = frozenset({"GPE"})


class Speakers:
    """Resolves speaker phrases to mention keys, walking the article in order.

    ``contents`` are the spans of reported words (direct and indirect quotes): a name inside
    what someone said is not who speaks next ("Earnest said Obama hopes ... He said").
    """

    def __init__(self, ctx, contents=()):  # quotes._Context: the parsed article and its mentions
        self.ctx = ctx
        self.contents = sorted(contents)
        self.people = [m for m in ctx.mentions if m.label == "PERSON"]
        self.people_starts = [m.start for m in self.people]
        self.person_keys = {m.key for m in self.people}
        # "Trump" tagged a body where "Donald Trump" is a person: the same person
        self.surnames = {m.text.split()[-1] for m in self.people if len(m.text.split()) > 1}
        self.gender: dict[str, str] = {}
        self.kinds = {m.start: self._kind(m) for m in ctx.mentions}
        self.subjects = self._subjects()
        self.roles = self._roles()
        # (offset, key, kind); key None: someone unnamed spoke there (kind person or plural)
        self.recent: list[tuple[int, str | None, str]] = []

    def _kind(self, mention) -> str:
        """person | body | place | other; a name after a person's title is a person whatever
        its label ("president Pierre Peladeau" tagged a place); titles also give a gender."""
        before = self.ctx.text[max(0, mention.start - 14) : mention.start].split()
        title = before[-1].lower().rstrip(",") if before else ""  # "Its spokeswoman, X"
        first = mention.text.split()[0].lower() if mention.text.split() else ""
        for word in (title, first):
            if word in _MASCULINE_TITLES or word in _FEMININE_TITLES:
                self.gender.setdefault(mention.key, "m" if word in _MASCULINE_TITLES else "f")
        if mention.label == "PERSON" or mention.key in self.person_keys or title in _PERSON_TITLES \
                or first in _NAME_TITLES or mention.text in self.surnames:
            return "person"
        if mention.label in _BODY_LABELS:
            return "body"
        return "place" if mention.label in _PLACE_LABELS else "other"

    def _reported(self, offset: int) -> bool:
        """Inside quote marks or inside someone's reported words."""
        if self.ctx.mark_at(offset) is not None:
            return True
        i = bisect.bisect_right(self.contents, (offset, float("inf"))) - 1
        return any(lo <= offset < hi for lo, hi in self.contents[max(0, i - 8) : i + 1])

    def _subjects(self) -> list[tuple[int, str, str]]:
        """Named subjects of clauses the outlet itself writes: the people and bodies a later
        "he" or "it" most likely stands for."""
        events = []
        for mention in self.ctx.mentions:
            kind = self.kinds[mention.start]
            if kind == "other" or self._reported(mention.start):
                continue
            span = self.ctx.doc.char_span(mention.start, mention.end, alignment_mode="expand")
            token = span.root if span is not None and len(span) else \
                self.ctx.doc[self.ctx.token_at(mention.start)]
            if any(t.dep_ in _SUBJECTS for t in (token, token.head)):
                events.append((mention.start, mention.key, kind))
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
        key, kind = self._named(start, end, head)
        if key is None and head is not None:
            key, kind = self._referred(head, start)
        if key is None and head is not None:
            key, kind = self._introduced_after(head, end)
        if key is not None:
            self.recent.append((start, key, self._described(start, end) or kind))
        elif head is not None and head.pos_ == "NOUN":
            lemma = head.lemma_.lower()
            if head.tag_ in ("NNS", "NNPS") and lemma not in _BODY_NOUNS:
                self.recent.append((start, None, "plural"))  # "analysts said ... they"
            elif lemma in _PERSON_NOUNS:
                # "A young woman said she ...": the nearest speaker is a person nobody named,
                # so a pronoun after her is not an earlier named official.
                self.recent.append((start, None, "person"))
            else:  # "Drevic's directorate said ... It alleged": a body nobody named
                self.recent.append((start, None, "body"))
        return key

    def _described(self, start: int, end: int) -> str | None:
        """What the phrase's own common nouns call the speaker, whatever the tagger made of
        the name: "Civic Watch Velmora, a rights organisation" is a body."""
        span = self.ctx.doc.char_span(start, end, alignment_mode="expand")
        lemmas = {t.lemma_.lower() for t in span or () if t.pos_ == "NOUN"}
        if lemmas & _BODY_NOUNS and not lemmas & _PERSON_NOUNS:
            return "body"
        return "person" if lemmas & _PERSON_NOUNS and not lemmas & _BODY_NOUNS else None

    def _named(self, start: int, end: int, head) -> tuple[str | None, str]:
        """The mention holding the phrase's head, else the first person, else the first
        organisation or place; a bare surname is the person named with it earlier."""
        inside = [m for m in self.ctx.mentions if m.start < end and start < m.end]
        if head is not None:
            if head.pos_ == "NOUN" and any(c.dep_ == "poss" for c in head.children):
                # "Diyalameh's counterpart" is somebody else; "X's chief, Y" is Y
                named = [m for m in inside if self.kinds.get(m.start) == "person"
                         and m.start > head.idx]
                return (named[0].key, "person") if named else (None, "")
            holding = [m for m in inside if m.start <= head.idx < m.end]
            if head.pos_ == "PROPN":
                surname = self._surname(head.text, start)
                if surname is not None and not any(m.label == "PERSON" for m in holding):
                    return surname, "person"
                inside = holding  # a name no mention covers is nobody else in the phrase
            elif not holding:
                inside = [m for m in inside if m.label == "PERSON"]  # "the official, X"
            else:
                inside = holding
        people = [m for m in inside if m.label == "PERSON"]
        if people and (not inside or inside[0].label == "PERSON"):
            return people[0].key, "person"
        named = [m for m in inside if m.label in ("PERSON", "ORG", "NORP", "GPE", "FAC")]
        return (named[0].key, self.kinds.get(named[0].start, "other")) if named else (None, "")

    def _surname(self, word: str, offset: int) -> str | None:
        for mention in reversed(self.people[: bisect.bisect_left(self.people_starts, offset)]):
            if len(mention.text.split()) > 1 and mention.text.split()[-1] == word:
                return mention.key
        return None

    def _referred(self, head, offset: int) -> tuple[str | None, str]:
        word = head.lower_
        if word in _PERSONAL:
            key = self._last(offset, ("person",), gender="f" if word in _FEMININE else "m")
            if key is not None:
                self.gender.setdefault(key, "f" if word in _FEMININE else "m")
            return key, "person"
        if word in _THING:
            return self._last(offset, ("body", "place")), "body"
        if word in _PLURAL:
            return self._last(offset, ("body", "plural"), subjects=("body",)), "body"
        if head.pos_ != "NOUN" or any(c.dep_ == "poss" for c in head.children):
            return None, ""  # "Diyalameh's counterpart" is somebody else
        if not any(c.dep_ == "det" and c.lower_ in ("the", "this", "that") for c in head.children):
            return None, ""
        lemma = head.lemma_.lower()
        roles = [key for at, role, key in self.roles if role == lemma and at < offset]
        if roles:
            return roles[-1], "person"
        if lemma in _BODY_NOUNS:
            return self._body(lemma, offset), "body"
        return None, ""

    def _introduced_after(self, head, end: int) -> tuple[str | None, str]:
        """A title that names nobody ("Director-General of the provincial office says ...")
        is the person the next sentence opens by introducing as that official ("The official
        introduced as Ivo Penn said ...")."""
        if head.lemma_.lower() not in _ROLE_WORDS:
            return None, ""
        sentence = head.sent
        if sentence.end >= len(head.doc) or sentence.end_char < end:
            return None, ""
        following = head.doc[sentence.end].sent
        found = _INTRODUCED.match(following.text)
        if found is None:
            return None, ""
        at = following.start_char + found.end()
        named = [m for m in self.ctx.mentions if m.start == at]
        return (named[0].key, "person") if named else (None, "")

    def _body(self, noun: str, offset: int) -> str | None:
        """"the bank": the last body named with that word ("Commerce Bank-Houston", also in
        reported words, not in quote marks), else the body the article was last reporting on."""
        named = [m for m in self.ctx.mentions if m.start < offset and m.label in ("ORG", "GPE", "FAC")
                 and noun in _words(m.text) and self.ctx.mark_at(m.start) is None]
        if named:
            return named[-1].key
        return self._last(offset, ("body",))

    def _last(self, offset: int, kinds: tuple[str, ...], *, gender: str | None = None,
              subjects: tuple[str, ...] | None = None) -> str | None:
        """The latest speaker or named subject of one of ``kinds`` before ``offset`` (None
        when that was somebody unnamed); a person of the other gender is passed over."""
        from_subjects = kinds if subjects is None else subjects
        events = [e for e in self.recent if e[2] in kinds]
        events += [e for e in self.subjects if e[2] in from_subjects]
        events = [e for e in events if e[0] < offset
                  and (gender is None or e[1] is None or self.gender.get(e[1], gender) == gender)]
        return max(events, key=lambda e: e[0])[1] if events else None


def _words(name: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[A-Za-z]+", name)}


def _role_words(span) -> list[str]:
    root = span.root
    words = [c for c in root.children if c.i < span.start and c.pos_ in ("NOUN", "PROPN")]
    if root.dep_ == "appos":
        words.append(root.head)
    words += [c for c in root.children if c.dep_ == "appos"]
    if root.dep_ == "pobj" and root.head.lower_ == "as" and root.head.head.dep_ == "acl":
        words.append(root.head.head.head)
    return sorted({w.lemma_.lower() for w in words if w.pos_ in ("NOUN", "PROPN")})
