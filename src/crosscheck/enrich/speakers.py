"""Speaker resolution: a quote's speaker phrase to a mention key, walking the article in order.

Names resolve directly; pronouns to the last person speaking or acting (nobody, when that was a
person the article does not name: "a young woman said she ...", or further back than
``Resolution.max_sentences``); what counts as acting is in :mod:`.salience`. Definite role
phrases ("the minister", "the judge" for "Mr Justice X") go to the person the article introduced
with that role; a described person ("the former New Mexico governor") to the person the
sentence before was about; "the bank" to the body named with that word and the phrase's own
nouns ("the appeals court" is not the "Supreme Court"); "the company" with no such name to the
company last speaking or acting, never a public body it dealt with. A title that names nobody
("Director-General of the provincial office says ...") is the person the next sentence opens by
introducing as that official ("The official introduced as X said ..."). Where the text does not
decide (conjoined speakers, an unnamed subject in between), the speaker stays unresolved: a wrong
name shown to a reader is worse than none.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .salience import described, just_before, subject_events, wrapped
from .speaker_words import (BODY_NOUNS, COMPANY_NOUNS, FEMININE_TITLES, INTRODUCED,
                            MASCULINE_TITLES, NAME_TITLES, PERSON_NOUNS, PERSON_TITLES,
                            PUBLIC_HEADS, ROLE_WORDS, is_definite, same_role)

if TYPE_CHECKING:  # only named in annotations
    from .cue_syntax import _Found

__all__ = ["RESOLUTION", "Resolution", "Speakers", "is_pronoun", "refers_only", "shown_speaker",
           "speaker_names"]

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
_BODY_LABELS = frozenset({"ORG"})
_CORPORATE = frozenset("inc corp co ltd plc llc lp group holdings partners associates capital "
                       "securities research services international industries".split())
_PLACE_LABELS = frozenset({"GPE"})


@dataclass(frozen=True)
class Resolution:
    """How far the resolver looks back, chosen by cross-validation across articles
    (``bench/speakers.py --cv``).

    ``max_sentences``: an antecedent more sentences back than this leaves a pronoun unresolved
    (``None``: no limit); ``main_clauses``: only subjects of main clauses are salient, not of
    relative or adverbial clauses ("Clinton will face the fire Obama has. He noted"); and
    ``unnamed_subjects``: a person the article does not name, as a clause's subject ("the
    president appeared cowed"), stops a later "he" or "she" from reaching past it; and
    ``descriptions``: a definite description no role holder takes ("the Republican presidential
    nominee") is the person the sentence before was about.
    """

    max_sentences: int | None = 6
    main_clauses: bool = True
    unnamed_subjects: bool = True
    descriptions: bool = True


RESOLUTION = Resolution()


class Speakers:
    """Resolves speaker phrases to mention keys, walking the article in order.

    ``contents`` are the spans of reported words (direct and indirect quotes): a name inside
    what someone said is not who speaks next ("Earnest said Obama hopes ... He said").
    """

    def __init__(self, ctx, contents=(), resolution: Resolution | None = None):
        self.ctx = ctx  # quotes._Context: the parsed article and its mentions
        self.resolution = resolution or RESOLUTION
        self.contents = sorted(contents)
        # sentences as a reader counts them: not the clause starts the parser made at wraps
        self.wraps = {lo: first for lo, _ in ctx.sents if lo < len(ctx.doc)
                      and (first := wrapped(ctx.doc, lo, ctx.text)) is not None}
        self.sentence_starts = [ctx.doc[lo].idx for lo, _ in ctx.sents
                                if lo < len(ctx.doc) and lo not in self.wraps]
        self.people = [m for m in ctx.mentions if m.label == "PERSON"]
        self.person_keys = {m.key for m in self.people}
        # "Trump" tagged a body where "Donald Trump" is a person: the same person
        self.surnames = {m.text.split()[-1] for m in self.people if len(m.text.split()) > 1}
        self.gender: dict[str, str] = {}
        self.kinds = {m.start: self._kind(m) for m in ctx.mentions}
        self.roles = self._roles()
        self.subjects = subject_events(self)
        # (offset, key, kind); key None: someone unnamed spoke there (kind person or plural)
        self.recent: list[tuple[int, str | None, str]] = []

    def sentence(self, offset: int) -> int:
        return bisect.bisect_right(self.sentence_starts, offset) - 1

    def root(self, mention):
        span = self.ctx.doc.char_span(mention.start, mention.end, alignment_mode="expand")
        return span.root if span is not None and len(span) else \
            self.ctx.doc[self.ctx.token_at(mention.start)]

    def _kind(self, mention) -> str:
        """person | body | place | other; a name after a person's title is a person whatever
        its label ("president Pierre Peladeau" tagged a place); titles also give a gender."""
        before = self.ctx.text[max(0, mention.start - 14) : mention.start].split()
        title = before[-1].lower().rstrip(",") if before else ""  # "Its spokeswoman, X"
        first = mention.text.split()[0].lower() if mention.text.split() else ""
        for word in (title, first):
            if word in MASCULINE_TITLES or word in FEMININE_TITLES:
                self.gender.setdefault(mention.key, "m" if word in MASCULINE_TITLES else "f")
        if mention.label == "PERSON" or mention.key in self.person_keys or title in PERSON_TITLES \
                or first in NAME_TITLES or mention.text in self.surnames or self._of_body(mention):
            return "person"
        if mention.label in _BODY_LABELS:
            return "body"
        return "place" if mention.label in _PLACE_LABELS else "other"

    def _of_body(self, mention) -> bool:
        """"said Perrin Long|ORG of Lipper Analytical|ORG": a person's two or three plain words
        before "of" and a body's name is a person at that body, whatever the tag."""
        words = mention.text.split()
        if mention.label != "ORG" or not 2 <= len(words) <= 3 or not all(
                w[:1].isupper() and w[1:].islower() and w.isalpha() for w in words) \
                or _words(mention.text) & (BODY_NOUNS | _CORPORATE):
            return False
        after = self.ctx.text[mention.end : mention.end + 4]
        return after == " of " and any(m.start == mention.end + 4 and m.label == "ORG"
                                       for m in self.ctx.mentions)

    def _reported(self, offset: int) -> bool:
        """Inside quote marks or inside someone's reported words."""
        if self.ctx.mark_at(offset) is not None:
            return True
        i = bisect.bisect_right(self.contents, (offset, float("inf"))) - 1
        return any(lo <= offset < hi for lo, hi in self.contents[max(0, i - 8) : i + 1])

    def reported(self, offset: int) -> bool:
        return self._reported(offset)

    def _roles(self) -> list[tuple[int, str, str, frozenset[str]]]:
        """(offset, role, key, words): "Intelligence Minister X", "X, the minister", "the
        official introduced as X", "X was a priest" give X the roles minister, official,
        priest; ``words`` are those the role was given with ("libertarian", "presidential")."""
        roles = []
        for mention in self.ctx.mentions:
            if self.kinds[mention.start] != "person":
                continue
            span = self.ctx.doc.char_span(mention.start, mention.end, alignment_mode="expand")
            if span is None or not len(span):
                continue
            for lemma, words in _role_words(span):
                roles.append((mention.start, same_role(lemma), mention.key, words))
        return roles

    def holders(self, head, offset: int) -> list[str]:
        """Keys given the role ``head`` names before ``offset``, in order, where the phrase's
        capitalised words were among those the role was given with: "the Democratic
        candidate" is not the "Libertarian presidential candidate"; none for a plural."""
        if head.tag_ in ("NNS", "NNPS"):
            return []  # "the officials" are several people, none of them alone
        role = same_role(head.lemma_.lower())
        proper = {c.lower_ for c in head.children if c.dep_ in ("amod", "compound", "nmod")
                  and c.text[:1].isupper() and not is_definite(c)}
        return [key for at, named, key, words in self.roles
                if named == role and at < offset and proper <= words]

    def resolve(self, quote: _Found) -> str | None:
        start, end = quote.speaker
        head = self.ctx.doc[quote.speaker_head] if quote.speaker_head is not None else None
        key, kind = self._named(start, end, head)
        if key is None and head is not None:
            key, kind = self._referred(head, start)
        if key is None and head is not None:
            key, kind = self._introduced_after(head, end)
        if key is not None and self._conjoined(start, end):
            # "X and Y said ... They", "her parents, X and Y, agreed ... she": nobody alone
            self.recent += [(start, None, "plural"), (start, None, "person")]
        elif key is not None:
            self.recent.append((start, key, self._described(start, end) or kind))
        elif head is not None and head.pos_ == "NOUN":
            lemma = head.lemma_.lower()
            if head.tag_ in ("NNS", "NNPS") and lemma not in BODY_NOUNS:
                self.recent.append((start, None, "plural"))  # "analysts said ... they"
            elif lemma in PERSON_NOUNS:
                # "A young woman said she ...": the nearest speaker is a person nobody named,
                # so a pronoun after her is not an earlier named official.
                self.recent.append((start, None, "person"))
            else:  # "Drevic's directorate said ... It alleged": a body nobody named
                self.recent.append((start, None, "body"))
        elif head is not None and head.pos_ == "PROPN" and head.dep_ in _SUBJECTS \
                and not any(m.start < end and start < m.end for m in self.ctx.mentions):
            # a name the tagger missed ("Miss Davies said"): someone spoke, and a later "she"
            # must not reach past her to a person named before
            self.recent.append((start, None, "unknown"))
        return key

    def _conjoined(self, start: int, end: int) -> bool:
        named = [m for m in self.ctx.mentions if start <= m.start and m.end <= end
                 and self.kinds[m.start] in ("person", "body")]
        return len(named) > 1 and any(_conjoined(self.root(m)) for m in named)

    def _described(self, start: int, end: int) -> str | None:
        """What the phrase's own common nouns call the speaker, whatever the tagger made of
        the name: "Civic Watch Velmora, a rights organisation" is a body."""
        span = self.ctx.doc.char_span(start, end, alignment_mode="expand")
        lemmas = {t.lemma_.lower() for t in span or () if t.pos_ == "NOUN"}
        if lemmas & BODY_NOUNS and not lemmas & PERSON_NOUNS:
            return "body"
        return "person" if lemmas & PERSON_NOUNS and not lemmas & BODY_NOUNS else None

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
            holding = [m for m in inside if m.start <= head.idx < m.end] or [
                m for m in inside if head.pos_ == "PROPN" and self.root(m).head.i == head.i
                and self.root(m).dep_ == "compound"]  # "the Agriculture|ORG Department said"
            split = [m for m in inside if m.label == "PERSON" and holding
                     and m.end < holding[0].start
                     and not self.ctx.text[m.end : holding[0].start].strip()]
            if split and holding[0].label != "PERSON":  # "Joseph|PERSON Arsenio|GPE"
                return split[-1].key, "person"
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
        """The person named earlier with ``word`` as last name, whatever the tagger's label
        ("president Pierre Peladeau" tagged a place): a full name first, else the word
        alone."""
        named = [m for m in self.ctx.mentions if m.start < offset and m.text.split()
                 and m.text.split()[-1].lower() == word.lower()
                 and self.kinds[m.start] == "person"]
        full = [m for m in named if len(m.text.split()) > 1]
        return (full or named)[-1].key if named else None

    def _referred(self, head, offset: int) -> tuple[str | None, str]:
        word = head.lower_
        if word in _PERSONAL:
            gender = "f" if word in _FEMININE else "m"
            key = self._last(offset, ("person", "unknown"), gender=gender)
            if key is not None:
                self.gender.setdefault(key, gender)
            return key, "person"
        if word in _THING:
            return self._last(offset, ("body", "place", "unknown")), "body"
        if word in _PLURAL:
            return self._last(offset, ("body", "plural"), subjects=("body", "plural")), "body"
        if head.pos_ != "NOUN" or any(c.dep_ == "poss" for c in head.children):
            return None, ""  # "Diyalameh's counterpart" is somebody else
        if not any(c.dep_ in ("det", "compound") and is_definite(c) for c in head.children):
            return None, ""
        lemma = head.lemma_.lower()
        roles = self.holders(head, offset)
        if roles:
            return roles[-1], "person"
        if lemma in BODY_NOUNS:
            return self._body(head, offset), "body"
        if lemma in PERSON_NOUNS and head.tag_ == "NN" and described(head, self.ctx.mentions):
            # "the billionaire estate mogul" no role holder takes
            return just_before(self, self.recent + self.subjects, offset), "person"
        return None, ""

    def _introduced_after(self, head, end: int) -> tuple[str | None, str]:
        """A title that names nobody ("Director-General of the provincial office says ...")
        is the person the next sentence opens by introducing as that official ("The official
        introduced as Ivo Penn said ...")."""
        if head.lemma_.lower() not in ROLE_WORDS:
            return None, ""
        sentence = head.sent
        if sentence.end >= len(head.doc) or sentence.end_char < end:
            return None, ""
        following = head.doc[sentence.end].sent
        found = INTRODUCED.match(following.text)
        if found is None:
            return None, ""
        at = following.start_char + found.end()
        named = [m for m in self.ctx.mentions if m.start == at]
        return (named[0].key, "person") if named else (None, "")

    def _body(self, head, offset: int) -> str | None:
        """"the bank": the last body named with that word and the phrase's own nouns ("the
        appeals court" is not the "Supreme Court"; "Commerce Bank-Houston", "the Agriculture
        Department", also in reported words, not in quote marks); "the company" with no such
        name: the company the article was last reporting on, else the one it names most."""
        noun = head.lemma_.lower()
        nouns = {c.lemma_.lower() for c in head.children if c.dep_ == "compound"
                 and c.pos_ == "NOUN"} | {noun}
        named = [m for m in self.ctx.mentions if m.start < offset
                 and m.label in ("ORG", "GPE", "FAC") and self.ctx.mark_at(m.start) is None
                 and nouns <= self._name_words(m) and m.text.lower() != noun]
        if named:
            return named[-1].key
        if noun not in COMPANY_NOUNS:
            return None
        return self._company(offset)

    def _name_words(self, mention) -> set[str]:
        """The words of a body's name, with the noun the tagger left out of it ("Agriculture"
        tagged, "Department" not)."""
        words = _words(mention.text)
        root = self.root(mention)
        if root.dep_ == "compound" and root.head.i == root.i + 1 and root.head.idx >= mention.end \
                and root.head.pos_ in ("NOUN", "PROPN") and self.kinds[mention.start] == "body":
            words.add(root.head.lemma_.lower())
        return words

    def _company(self, offset: int) -> str | None:
        bodies = [m for m in self.ctx.mentions if m.start < offset
                  and self.kinds[m.start] == "body" and self.ctx.mark_at(m.start) is None
                  and not _words(m.text.split()[-1]) & PUBLIC_HEADS]
        keys = {m.key for m in bodies}
        events = [e for e in self.recent + self.subjects
                  if e[0] < offset and e[1] in keys and e[2] == "body"]
        if events:
            return max(events, key=lambda e: e[0])[1]
        counts: dict[str, list[int]] = {}
        for at, m in enumerate(bodies):
            counts.setdefault(m.key, [0, -at])[0] += 1
        return max(counts, key=lambda k: counts[k]) if counts else None

    def _last(self, offset: int, kinds: tuple[str, ...], *, gender: str | None = None,
              subjects: tuple[str, ...] | None = None) -> str | None:
        """The latest speaker or named subject of one of ``kinds`` before ``offset`` (None
        when that was somebody unnamed, or further back than the resolution allows); a person
        of the other gender is passed over."""
        from_subjects = kinds if subjects is None else subjects
        events = [e for e in self.recent if e[2] in kinds]
        events += [e for e in self.subjects if e[2] in from_subjects]
        events = [e for e in events if e[0] < offset
                  and (gender is None or e[1] is None or self.gender.get(e[1], gender) == gender)]
        if not events:
            return None
        at, key, _ = max(events, key=lambda e: e[0])
        limit = self.resolution.max_sentences
        if limit is not None and self.sentence(offset) - self.sentence(at) > limit:
            return None
        return key


def _words(name: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[A-Za-z]+", name)}


def _conjoined(token) -> bool:
    return token.dep_ == "conj" or any(c.dep_ == "conj" for c in token.children)


def _role_words(span) -> list[tuple[str, frozenset[str]]]:
    """(role lemma, the words it was given with) for the name ``span``."""
    root = span.root
    before = [c for c in root.children if c.i < span.start]
    words = [c for c in before if c.pos_ in ("NOUN", "PROPN")]
    if root.dep_ == "nsubj" and root.head.lemma_ == "be":  # "Walker was a priest"
        words += [c for c in root.head.children if c.dep_ == "attr"]
    if root.dep_ == "appos":
        words.append(root.head)
    words += [c for c in root.children if c.dep_ == "appos"]
    if root.dep_ == "pobj" and root.head.lower_ == "as" and root.head.head.dep_ == "acl":
        words.append(root.head.head.head)
    given = frozenset(t.lower_ for c in before for t in c.subtree)
    return sorted({(w.lemma_.lower(), given | {t.lower_ for t in w.subtree
                                               if not span.start <= t.i < span.end})
                   for w in words if w.pos_ in ("NOUN", "PROPN")})
