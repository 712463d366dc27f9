"""The parsed article as attribution sees it, and the syntax of cues.

Shared by :mod:`.quotes` (direct quotes, "according to", chains, assembly) and
:mod:`.reported_speech` (indirect speech and the cue model): the cue lexicon and its stances,
the working record of a quote being assembled, the article context with fast offset look-ups,
and the cue's speaker and phrase.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from ..records import Mention
from .attribution_marks import PARAGRAPH as _PARAGRAPH
from .cue_model import CueModel, load_cue_precision

_STANCES = {
    "neutral": "say tell state announce add note explain report write declare warn argue reply "
               "respond ask confirm reveal disclose stress emphasize emphasise indicate testify "
               "tweet comment remark recall complain accuse urge predict describe continue "
               "suggest conclude estimate caution vow pledge promise threaten agree observe "
               "charge quip joke mention admonish announce insinuate proclaim blame "
               "repeat recount inform lament hint affirm reiterate signal".split()
               # attributions of belief, finding or intent: PolNeAR and fact-checkers count
               # "the poll shows ...", "X believes ..." as sources too
               + "think believe know feel want hope fear expect show find call criticize "
                 "criticise praise defend endorse propose support seek worry doubt "
                 "recommend demand question".split(),
    "distancing": "claim allege insist maintain contend purport assert".split(),
    "assertive": "boast brag tout trumpet crow".split(),
    "admission": "admit acknowledge concede confess".split(),
    "denial": "deny reject dispute refute rebut".split(),
}
#: Cue lemma -> stance of the cue.
CUE_STANCE: dict[str, str] = {lemma: stance for stance, lemmas in _STANCES.items() for lemma in lemmas}

# Cues whose direct object (not only a clause) is what was said: "announced the arrests".
_OBJECT_CUES = frozenset("announce claim deny admit acknowledge confirm reject report reveal "
                         "disclose allege concede dispute predict propose recommend demand "
                         "accuse".split())
# Cues followed by what the speaker wants or promises: "urged X to act", "vowed to fight".
_INTENT_CUES = frozenset("want urge seek promise pledge vow call warn threaten hope expect "
                         "tell ask".split())
# Beliefs of the writer or the reader ("I think", "you know") attribute nothing.
_BELIEF_CUES = frozenset("think believe know feel hope fear expect worry doubt want".split())
SUBJECT_DEPS = ("nsubj", "nsubjpass", "csubj")
_ABOUT = frozenset("of about on for against to".split())


# --- working state ----------------------------------------------------------------------------


@dataclass
class _Found:
    """A quote while it is being assembled: token indices and character spans."""

    kind: str
    cue: tuple[int, int] | None  # first and last token index of the cue
    speaker: tuple[int, int] | None  # char span
    content: tuple[int, int]  # char span
    stance: str | None
    via: list[str] = field(default_factory=list)
    key: str | None = None
    speaker_head: int | None = None  # token index of the speaker phrase's head


class _Context:
    """The parsed article, its quote marks and sentence bounds, with fast offset look-ups."""

    def __init__(self, doc, marks: list[tuple[int, int]], mentions: list[Mention]):
        self.doc = doc
        self.text = doc.text
        self.marks = marks
        self.mark_starts = [start for start, _ in marks]
        self.mentions = sorted(mentions, key=lambda m: (m.start, m.end, m.id))
        breaks = list(_PARAGRAPH.finditer(self.text))
        self.paragraphs = list(zip([0] + [m.end() for m in breaks],
                                   [m.start() for m in breaks] + [len(self.text)]))
        self.paragraph_starts = [start for start, _ in self.paragraphs]
        self.sents = _sentences(doc)
        self.sent_starts = [start for start, _ in self.sents]

    def clip(self, span: tuple[int, int] | None, char: int) -> tuple[int, int] | None:
        """``span`` cut to the paragraph holding ``char``; ``None`` when nothing is left."""
        if span is None:
            return None
        lo, hi = self.paragraphs[bisect.bisect_right(self.paragraph_starts, char) - 1]
        start, end = _trim(self.text, max(span[0], lo), min(span[1], hi))
        return (start, end) if end > start else None

    def mark_at(self, char: int) -> tuple[int, int] | None:
        i = bisect.bisect_right(self.mark_starts, char) - 1
        if i >= 0 and self.marks[i][0] <= char < self.marks[i][1]:
            return self.marks[i]
        return None

    def sentence_of(self, token: int) -> tuple[int, int]:
        return self.sents[bisect.bisect_right(self.sent_starts, token) - 1]

    def token_at(self, char: int) -> int:
        span = self.doc.char_span(char, char + 1, alignment_mode="expand")
        return span.start if span is not None and len(span) else 0

    def chars(self, first: int, last: int) -> tuple[int, int]:
        """Character span of tokens ``first..last`` (inclusive)."""
        return self.doc[first].idx, self.doc[last].idx + len(self.doc[last])


def _sentences(doc) -> list[tuple[int, int]]:
    """Token bounds of the parser's sentences, also split at blank lines."""
    bounds: list[tuple[int, int]] = []
    text = doc.text  # built anew on every access
    for sentence in doc.sents:
        start, last_end = sentence.start, None
        for token in sentence:
            if token.is_space:
                continue
            if last_end is not None and _PARAGRAPH.search(text, last_end, token.idx):
                bounds.append((start, token.i))
                start = token.i
            last_end = token.idx + len(token)
        bounds.append((start, sentence.end))
    return bounds


#: A learned lemma is a cue (for finding direct quotes' cues) when at least this share of its
#: PolNeAR train candidates were cues.
CUE_THRESHOLD = 0.5
#: Below this learned precision a verb is no candidate at all, whatever its context: the model
#: would otherwise let a strong context carry "opened the new line" into an attribution.
MIN_CUE_PRECISION = 0.2
_PRECISION = load_cue_precision()
_MODEL = CueModel.load()
_CUE_LEMMAS = set(CUE_STANCE) | {
    lemma for lemma, share in _PRECISION.items() if share >= CUE_THRESHOLD}


def _is_cue(token) -> bool:
    """A speech verb, not negated ("did not say how" reports nothing)."""
    return (token.lemma_.lower() in _CUE_LEMMAS and token.tag_.startswith("VB")
            and not _negated(token))


def _negated(token) -> bool:
    return any(c.dep_ == "neg" for c in token.children)


def _stance(cue) -> str:
    return CUE_STANCE.get(cue.lemma_.lower(), "neutral")


def _quoting(token):
    """The "quoted" of "X was quoted (as) saying", when ``token`` is its "saying"."""
    head = token.head
    candidates = [head, head.head, *(c for c in head.children if c.i < token.i)]
    return next((t for t in candidates if t.lemma_.lower() == "quote" and t.i < token.i), None)


def _subject(token, *, climb: int = 3):
    """The speaker phrase's head: the cue's subject, or its governing verb's ("X refused to
    comment, instead claiming ...", "X was quoted as saying ...", "X said ... and added ...")."""
    token = _quoting(token) or token
    for _ in range(climb + 1):
        subjects = [c for c in token.children if c.dep_ in ("nsubj", "nsubjpass")]
        if subjects:
            # Two subjects are a parse of "Sentencing Harrow, Mr Justice Kell said": the one
            # next to the verb speaks, the words before the comma tell what he was doing
            before = [c for c in subjects if c.i < token.i]
            if len(subjects) > 1:
                # "Ann Dessen, QC, prosecuting said": the participle tells her part in court
                before = [c for c in before if not _role_participle(c)] or before
            child = before[-1] if len(subjects) > 1 and before else subjects[0]
            relative = child.lower_ in ("who", "that", "which") and token.dep_ == "relcl"
            return token.head if relative else child
        head = token.head
        # conjoined verbs share the first one's subject ("X arrived and said ...")
        climbs = token.dep_ in ("advcl", "pcomp", "prep", "conj") or (
            token.dep_ == "xcomp" and head.pos_ == "VERB")
        if not climbs or head is token:
            return None
        token = head
    return None


def _role_participle(token) -> bool:
    """A bare participle after a comma that says what the name before it does in the case
    ("prosecuting", "defending", "mitigating"): a description, never the speaker."""
    return (token.lower_.endswith("ing") and token.text.islower() and token.i > 0
            and token.doc[token.i - 1].text == ","
            and all(c.dep_ == "punct" for c in token.children))


def _phrase(ctx: _Context, head) -> tuple[int, int]:
    """The speaker phrase around ``head``: its subtree, cut back to the head when long."""
    first, last = head.left_edge.i, head.right_edge.i
    relative = [c for c in head.rights if c.dep_ == "relcl"
                or (c.dep_ == "acl" and c.tag_ in ("VBN", "VBG"))]
    if relative:  # "officials who said ...", "the agency, received here, ...": not their clause
        last = relative[0].left_edge.i - 1
    if last - first > 12:
        last = head.i
    while first < last and ctx.doc[first].is_punct:
        first += 1
    while last > first and ctx.doc[last].is_punct and ctx.doc[last].text not in ")]":
        last -= 1
    return ctx.clip(ctx.chars(first, last), head.idx) or ctx.chars(head.i, head.i)


def _cue_span(token) -> tuple[int, int]:
    """The cue's tokens: "was quoted as saying" is cued by "quoted ... saying"."""
    quoting = _quoting(token)
    return (quoting.i, token.i) if quoting is not None else (token.i, token.i)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and (text[start].isspace() or text[start] in ",;:—–-"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:—–-"):
        end -= 1
    return start, end
