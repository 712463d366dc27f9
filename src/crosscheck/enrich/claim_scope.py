"""Where a claim's slots may come from: its own clause, never the line above it.

The parser reads a headline and the line under it (or a dateline and the sentence it opens) as
one sentence, so a subject, a verb of saying or a speaker phrase can reach across the line
break: the headline "Junta boasts that ..." becomes the speaker of the next line, "Ruritania,
May 5, 2020—" the actor of the lead. :class:`Scope` is the part of a clause that slots may use
(the clause's line without a leading dateline); subjects and reporters are looked for inside
it, and the phrase helpers never cross a line break.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Scope", "clause_scope", "dateline_length", "phrase_span", "noun_phrase",
           "speaker_phrase", "subject_of", "reporter", "SUBJECTS"]

# A dateline opening a clause: place (and often agency) and a date, then a dash. It carries a
# comma and a digit ("DORVIK, June 3 (Wirex) –", "Ruritania, May 5, 2020—").
_DATELINE = re.compile(r"^(?=[A-Z])(?P<prefix>[^\n;:!?]{3,70}?)(?:\s?[–—]\s?|\s-\s)")
_PHRASE_EDGES = " \"“”'’‘"
SUBJECTS = frozenset({"nsubj", "nsubjpass", "csubj"})
_LINE_ENDS = tuple(".!?\"”’')")


@dataclass(frozen=True)
class Scope:
    """Token indices ``[lo, hi)`` of the clause that slots may use."""

    lo: int
    hi: int

    def holds(self, token) -> bool:
        return token is not None and self.lo <= token.i < self.hi


def dateline_length(text: str) -> int:
    """Characters of a dateline opening ``text`` (0 when there is none)."""
    found = _DATELINE.match(text)
    if found is None:
        return 0
    prefix = found.group("prefix")
    return found.end() if "," in prefix and any(c.isdigit() for c in prefix) else 0


def clause_scope(tokens: list) -> Scope:
    """The line of the sentence that holds the clause (a clause split off "X said A, and said
    B" keeps its subject), less a dateline opening that line (it dates and places the report)."""
    doc, sentence = tokens[0].doc, tokens[0].sent
    lo, hi = tokens[0].i, tokens[-1].i + 1
    while lo > sentence.start and not _line_break(doc[lo - 1]):
        lo -= 1
    while hi < sentence.end and not _line_break(doc[hi]):
        hi += 1
    line = doc[lo:hi]
    skip = dateline_length(line.text)
    if skip:
        cut = doc[lo].idx + skip
        lo = next((t.i for t in line if t.idx >= cut), hi)
    return Scope(lo, hi)


def _line_break(token) -> bool:
    return token.is_space and "\n" in token.text


def phrase_span(token) -> tuple[int, int]:
    """The noun phrase of ``token`` up to the first comma, bracket or relative clause after it,
    and never across a line break (a headline is not part of the phrase under it)."""
    stop = token.right_edge.i + 1
    for child in token.children:
        if child.i > token.i and child.dep_ in ("relcl", "acl", "appos"):
            stop = min(stop, child.left_edge.i)
    for t in token.doc[token.i + 1:stop]:
        # A word the phrase does not govern ends it: a misparse can hang an apposition
        # after the verb ("Junta boasts that 60 ...") without the verb becoming the name.
        if t.text in ",(;:—–" or "\n" in t.text or not token.is_ancestor(t):
            stop = t.i
            break
    start = token.left_edge.i
    for t in token.doc[start:token.i]:
        # A dateline or section label glued on by the parser: "LISBON, May 2 (Agency) - The ..."
        if t.text in "–—:" or t.text == "-" and t.whitespace_ or "\n" in t.text:
            start = t.i + 1
    return start, stop


def noun_phrase(token) -> str:
    lo, hi = phrase_span(token)
    return token.doc[lo:hi].text.strip(_PHRASE_EDGES)


def speaker_phrase(text: str, start: int | None, end: int | None, speaker: str,
                   *, clause_start: int, scope_start: int) -> str | None:
    """A quote's speaker as the claim may use it, or ``None`` when it cannot be the speaker:
    a phrase spanning a line break, or one on a line above the clause (a headline), or a
    dateline alone. A dateline before the speaker is cut off ("MARUDA, May 14 (Wirex) -
    Police officials" -> "Police officials")."""
    if start is None or end is None:
        return speaker if "\n" not in speaker else None
    if "\n" in text[start:end] or start < clause_start and _headline_between(
            text, start, clause_start):
        return None
    if clause_start <= start < scope_start:  # the phrase begins inside the clause's dateline
        return text[scope_start:end].strip(_PHRASE_EDGES) or None
    skip = dateline_length(text[start:end])
    return (text[start + skip:end].strip(_PHRASE_EDGES) or None) if skip else speaker


def _headline_between(text: str, start: int, clause_start: int) -> bool:
    """A line break between the speaker and the clause, ending a line without closing
    punctuation: the speaker stands in a headline (a quote running on into a new paragraph
    ends its line with a full stop or a quotation mark)."""
    for at in range(start, clause_start):
        if text[at] == "\n" and not text[start:at].rstrip().endswith(_LINE_ENDS):
            return True
    return False


def reporter(verb, scope: Scope | None = None):
    """Who speaks: the subject of the verb of saying, or of the verb it is coordinated with
    ("the ministry claimed A and said B"); inside ``scope`` when one is given."""
    subject = subject_of(verb, scope)
    if subject is None and verb.dep_ == "conj":
        subject = subject_of(verb.head, scope)
    return subject


def subject_of(verb, scope: Scope | None = None):
    return next((c for c in verb.children
                 if c.dep_ in SUBJECTS and (scope is None or scope.holds(c))), None)
