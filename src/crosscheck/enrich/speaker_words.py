"""Word lists the speaker resolver reads (:mod:`.speakers`): which nouns describe one person or
a body, which titles mark a person or a gender, which role words name the same office.

Kept apart from the resolver so its rules read without the lists in the way.
"""

from __future__ import annotations

import re

__all__ = ["PERSON_NOUNS", "BODY_NOUNS", "COMPANY_NOUNS", "PUBLIC_HEADS", "MASCULINE_TITLES",
           "FEMININE_TITLES", "PERSON_TITLES", "NAME_TITLES", "INTRODUCED", "ROLE_WORDS",
           "same_role", "is_definite"]

# Nouns for one person: an unnamed speaker so described is the antecedent of "he" or "she".
PERSON_NOUNS = frozenset(
    "woman man girl boy mother father son daughter wife husband sister brother student teacher "
    "worker resident witness neighbour neighbor lawyer doctor nurse official officer spokesman "
    "spokeswoman spokesperson activist relative friend journalist reporter farmer driver "
    "owner employee guard soldier survivor victim detainee prisoner judge prosecutor coroner "
    "magistrate counsel barrister solicitor analyst economist banker trader dealer source "
    "executive aide adviser advisor strategist insider diplomat announcer narrator teenager "
    "defendant priest manager director chairman chairwoman president minister secretary "
    "senator governor mayor candidate nominee leader chief expert critic underwriter delegate "
    "lawmaker legislator negotiator broker investor".split())
# Nouns for a body: "the company" is the organisation the article has been reporting on.
BODY_NOUNS = frozenset(
    "company firm bank group fund partnership corporation concern association department "
    "ministry agency commission newspaper paper union board council committee campaign "
    "network station organisation organization institute office authority bureau exchange "
    "trust utility maker producer retailer carrier airline lender insurer unit subsidiary "
    "channel magazine foundation coalition alliance federation league club army police "
    "service court government administration".split())
# Bodies that trade: "the company" may be the body the article is about even when its name
# does not hold the word ("Red Lion Inns Limited Partnership ... The company said").
COMPANY_NOUNS = frozenset(
    "company firm corporation partnership maker producer retailer carrier "
    "airline lender insurer utility".split())
# Last words of names that are not companies: "the company" is never the "Securities and
# Exchange Commission" the company filed with.
PUBLIC_HEADS = frozenset(
    "commission department ministry agency court committee council government administration "
    "authority bureau office board union police army service party campaign organisation "
    "organization federation league association institute university school hospital "
    "parliament congress senate assembly cabinet tribunal inquiry exchange reserve".split())
# Titles before a name: a person, whatever label the tagger gave the name.
MASCULINE_TITLES = frozenset("mr mr. mister sir lord".split())
FEMININE_TITLES = frozenset("mrs mrs. ms ms. miss lady dame madam".split())
PERSON_TITLES = MASCULINE_TITLES | FEMININE_TITLES | frozenset(
    "dr dr. president chairman chairwoman minister secretary spokesman spokeswoman director "
    "analyst economist governor gov. senator sen. rep. representative judge justice mayor "
    "deputy chief officer executive commissioner ambassador professor prof. general gen. "
    "premier king queen prince pope".split())
# Words a person's name may begin with (a title inside the tagged name): not "General Assembly".
NAME_TITLES = MASCULINE_TITLES | FEMININE_TITLES | frozenset(
    "dr dr. gov. sen. rep. prof. president".split())
# "The intelligence official introduced as X", "the officer, identified as X,"
INTRODUCED = re.compile(
    r"\s*[Tt]he\s+(?:[\w-]+\s+){0,3}(?:official|officer|director|minister|spokesman|spokeswoman|"
    r"spokesperson|governor|chief|commander|head|prosecutor|judge)\s*,?\s+"
    r"(?:introduced|identified|named|known)\s+as\s+")
ROLE_WORDS = PERSON_TITLES | PERSON_NOUNS
# One office, several words: "Mr Justice Forbes ... the judge said".
_SAME_ROLE = {"justice": "judge", "recorder": "judge", "spokeswoman": "spokesman",
              "spokesperson": "spokesman", "chairwoman": "chairman", "chair": "chairman",
              "advisor": "adviser", "qc": "counsel", "barrister": "counsel"}


def same_role(lemma: str) -> str:
    """The one word for an office several words name."""
    return _SAME_ROLE.get(lemma, lemma)


def is_definite(token) -> bool:
    """"the", "this", "that", also with stray marks the wire left on it ("\\x19The")."""
    return re.sub(r"[^a-z]", "", token.lower_) in ("the", "this", "that")
