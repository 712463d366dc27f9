"""Quotes and attribution: who said what, with which cue, in which stance, through whom.

Three kinds of :class:`~crosscheck.records.Quote` come out of one parsed article:

- ``direct``: words inside quote marks (“ ” " « » ‘ ’ „ and ASCII single quotes used as
  quotes) whose clause is the whole quote, cued by a speech verb next to it, including quotes
  split around the cue (“A,” she said, “B.”) and paragraphs of a quote that continue a speaker;
- ``indirect``: reported speech governed by a cue verb ("X said (that) ...", "X claimed ...",
  "X accused Y of ...", "X was quoted as saying ...");
- ``according_to``: "according to X".

Quote marks are found by a scanner over the text, not by the parser, because the small spaCy
model often attaches quoted clauses to the wrong verb; the parser then supplies the cue, its
subject and the reported clause. A quote mark with no partner never runs past its paragraph or
``MAX_QUOTE_CHARS`` (then it ends at a sentence end), so an unbalanced mark cannot swallow an
article. Speakers are resolved to mention keys (see :mod:`.speakers`):
names directly, pronouns to the last person speaking or acting, and definite role phrases ("the
minister") to the person the article introduced with that role. Quotes reported inside another
speaker's quote or "according to" phrase carry the intermediaries in ``via``.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from spacy.language import Language

from ..records import Article, Mention, Quote, content_id
from .attribution_marks import MAX_QUOTE_CHARS, find_quote_marks
from .attribution_marks import PARAGRAPH as _PARAGRAPH
from .cue_model import CueModel, cue_features, load_cue_precision
from .speakers import Speakers

__all__ = ["extract_quotes", "find_quote_marks", "paragraph_sentence_starts", "CUE_STANCE",
           "MAX_QUOTE_CHARS", "PARAGRAPH_COMPONENT"]

PARAGRAPH_COMPONENT = "crosscheck_paragraphs"


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
_SUBJECTS = ("nsubj", "nsubjpass", "csubj")
_ABOUT = frozenset("of about on for against to".split())


@Language.component(PARAGRAPH_COMPONENT)
def paragraph_sentence_starts(doc):
    """Start a sentence after every blank line. Add before the parser
    (``nlp.add_pipe(PARAGRAPH_COMPONENT, before="parser")``): the small model otherwise parses
    a headline or a closing quote mark into the next paragraph's sentence."""
    last_end, text = None, doc.text
    for token in doc:
        if token.is_space:
            continue
        if last_end is not None and _PARAGRAPH.search(text, last_end, token.idx):
            token.is_sent_start = True
        last_end = token.idx + len(token)
    return doc


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
_CUE_LEMMAS = set(CUE_STANCE) | {lemma for lemma, share in _PRECISION.items() if share >= CUE_THRESHOLD}


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
        for child in token.children:
            if child.dep_ in ("nsubj", "nsubjpass"):
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


def _phrase(ctx: _Context, head) -> tuple[int, int]:
    """The speaker phrase around ``head``: its subtree, cut back to the head when long."""
    first, last = head.left_edge.i, head.right_edge.i
    relative = [c for c in head.rights if c.dep_ == "relcl"]
    if relative:  # "officials who said ...": the officials, not their clause
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


# --- direct quotes ----------------------------------------------------------------------------


def _direct_quotes(ctx: _Context) -> list[_Found]:
    """Quotes whose whole clause is quoted, joined when split around one cue."""
    found: list[_Found] = []
    for mark in ctx.marks:
        cue = _cue_for_mark(ctx, mark)
        subject = _subject(cue) if cue is not None else None
        if cue is None:
            cue, subject = _cue_after(ctx, mark)
        if cue is None:
            found.append(_Found("direct", None, None, _inner(ctx.text, mark), None))
            continue
        previous = found[-1] if found else None
        if previous is not None and previous.cue == _cue_span(cue):
            previous.content = (previous.content[0], _inner(ctx.text, mark)[1])
            continue
        found.append(_Found("direct", _cue_span(cue), _phrase(ctx, subject),
                            _inner(ctx.text, mark), _stance(cue),
                            speaker_head=subject.i))
    return _continued(ctx, found)


def _cue_after(ctx: _Context, mark: tuple[int, int]):
    """``(cue, speaker head)`` of a closing quote followed by "Name said." or "said Name." up to
    the sentence's end, when the parser split or mangled that sentence; ``(None, None)``."""
    doc, after = ctx.doc, ctx.token_at(mark[1] - 1) + 1
    tokens = []
    for token in doc[after : min(len(doc), after + 14)]:
        if token.text in ".;!?" or token.is_space:
            break
        tokens.append(token)
    cues = [t for t in tokens if _is_cue(t)]
    closing = ctx.text[mark[0] : mark[1]].rstrip("”»’\"' ")
    if not cues or not closing.endswith((",", "?", "!", "—")):  # '"...," she said'
        return None, None
    cue = cues[0]
    before = [t for t in tokens if t.i < cue.i and not t.is_punct]
    behind = [t for t in tokens if t.i > cue.i and not t.is_punct]
    words = before or behind
    if not words or any(t.pos_ in ("VERB", "AUX") for t in before) or ctx.mark_at(cue.idx):
        return None, None
    heads = [t for t in words if t.pos_ in ("PROPN", "NOUN", "PRON")]
    if not heads or len(before) > 8:
        return None, None
    named = [t for t in heads if t.i < (next((c.i for c in words if c.text == ","), 10**9))]
    return cue, (named or heads)[-1] if before else heads[0]


def _inner(text: str, mark: tuple[int, int]) -> tuple[int, int]:
    start, end = mark
    closed = end - start > 1 and not text[end - 1].isalnum() and text[end - 1] in "”»“›’\"'"
    return _trim(text, start + 1, end - 1 if closed else end)


def _cue_for_mark(ctx: _Context, mark: tuple[int, int]):
    """The nearest speech verb outside the quote, in its sentence, with a subject outside the
    quote, where the quote is the verb's whole clause (not a scare-quoted fragment)."""
    first = ctx.token_at(mark[0])
    last = ctx.token_at(max(mark[0], mark[1] - 1))
    lo, _ = ctx.sentence_of(first)
    _, hi = ctx.sentence_of(last)
    if lo > 0 and ctx.doc[lo - 1].text == ":":
        lo = ctx.sentence_of(lo - 1)[0]
    candidates = [t for t in ctx.doc[lo:hi] if _is_cue(t) and ctx.mark_at(t.idx) is None]
    candidates.sort(key=lambda t: min(abs(t.idx - mark[0]), abs(t.idx - mark[1])))
    for cue in candidates:
        subject = _subject(cue)
        if subject is None or ctx.mark_at(subject.idx) is not None:
            continue
        if _whole_clause(ctx, mark, cue, subject, (lo, hi)):
            return cue
    return None


def _whole_clause(ctx: _Context, mark, cue, subject, sentence) -> bool:
    """True when nothing but the cue, its speaker and adverbials stand between the quote and
    the sentence's edges: the quote is what was said, not a phrase inside reported speech."""
    doc, (lo, hi) = ctx.doc, sentence
    if cue.idx >= mark[1]:
        speaker_from = min(cue.i, subject.left_edge.i)
        between = doc[ctx.token_at(mark[1] - 1) + 1 : speaker_from]
        before = doc[lo : ctx.token_at(mark[0])]
        return all(t.is_punct or t.is_space for t in between) and _only_marks(ctx, before)
    after_cue = max(cue.i, subject.right_edge.i) + 1
    between = doc[after_cue : ctx.token_at(mark[0])]
    after = doc[ctx.token_at(mark[1] - 1) + 1 : hi]
    loose = len(between) == 0 or (len(between) <= 8 and between[-1].is_punct and not any(
        t.pos_ in ("VERB", "AUX") or t.dep_ in _SUBJECTS for t in between))
    return loose and _only_marks(ctx, after)


def _only_marks(ctx: _Context, tokens) -> bool:
    """Only punctuation, or other quoted passages, or a cue phrase ("she said")."""
    return all(t.is_punct or t.is_space or ctx.mark_at(t.idx) is not None
               or _is_cue(t) or t.dep_ in _SUBJECTS or t.head.dep_ in _SUBJECTS
               for t in tokens)


def _continued(ctx: _Context, found: list[_Found]) -> list[_Found]:
    """A quoted paragraph with no cue, right after a cued quote, continues that speaker."""
    kept: list[_Found] = []
    for quote in found:
        if quote.cue is None:
            previous = kept[-1] if kept else None
            if previous is not None and _continues(ctx, previous, quote):
                previous.content = (previous.content[0], quote.content[1])
            continue
        kept.append(quote)
    return kept


def _continues(ctx: _Context, previous: _Found, quote: _Found) -> bool:
    gap = ctx.text[previous.content[1] : quote.content[0]]
    words = ctx.text[quote.content[0] : quote.content[1]].split()
    return (previous.kind == "direct" and len(words) >= 4 and words[0][:1].isupper()
            and len(gap.split()) <= 6)


# --- indirect speech and "according to" -------------------------------------------------------


def _indirect_quotes(ctx: _Context, used: set[tuple[int, int]]) -> list[_Found]:
    """Verbs with a speaker and a reported clause (or object) that the cue model accepts; with
    no model shipped, the speech verbs of the lexicon."""
    found: list[_Found] = []
    for token in ctx.doc:
        if not _candidate_verb(token) or _cue_span(token) in used or _citing_for(token):
            continue
        # inside quote marks the lexicon decides: the model, trained on annotations that seldom
        # mark nested speech, would drop the quote inside a quote that chains need
        modelled = _MODEL is not None and ctx.mark_at(token.idx) is None
        if not modelled and not _is_cue(token):
            continue
        attribution = _attribution_at(ctx, token, any_object=modelled)
        if attribution is None:
            continue
        subject, content = attribution
        if modelled and not _MODEL.accepts(_features(ctx, token, subject, content)):
            continue
        if _MODEL is not None and not modelled and not _named_speaker(subject):
            continue  # "I said", "you know" inside a quote are the quoted person talking
        found.append(_Found("indirect", _cue_span(token), _phrase(ctx, subject), content,
                            _stance(token), speaker_head=subject.i))
    return found


def _named_speaker(subject) -> bool:
    return subject.pos_ == "PROPN" or subject.ent_type_ in ("PERSON", "ORG", "NORP", "GPE")


def _citing_for(token) -> bool:
    """ "X reported, citing Y, ...": the citing names X's origin (see ``_citing``); it is no
    attribution of its own."""
    return token.lemma_.lower() == "cite" and token.tag_ == "VBG" \
        and token.dep_ in ("advcl", "xcomp", "acl", "pcomp")


def _candidate_verb(token) -> bool:
    if _MODEL is None:
        return _is_cue(token)
    lemma = token.lemma_.lower()
    return (token.tag_.startswith("VB") and not _negated(token)
            and (lemma in CUE_STANCE or _PRECISION.get(lemma, 0.0) >= MIN_CUE_PRECISION))


def _features(ctx: _Context, verb, subject, content: tuple[int, int]) -> dict[str, float]:
    return cue_features(verb, subject, content, precision=_PRECISION,
                        hand=verb.lemma_.lower() in CUE_STANCE,
                        quoted=ctx.mark_at(verb.idx) is not None)


def _attribution_at(ctx: _Context, verb, *, any_object: bool = False):
    """``(speaker head, content span)`` when ``verb`` has a speaker and reports something,
    whatever its lemma; ``None`` otherwise."""
    subject = _subject(verb)
    if subject is None:
        return None
    if subject.lower_ == "it" and any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children):
        return None  # "it is worth noting that": nobody speaks
    if verb.lemma_.lower() in _BELIEF_CUES and (
            subject.lower_ in ("i", "we", "you") or subject.dep_ == "nsubjpass"):
        return None  # "I think", "X is known to": nobody is reported
    content = ctx.clip(_reported(ctx, verb, any_object=any_object), verb.idx)
    interrupted = content is not None and content[0] <= verb.idx < content[1]
    if content is None or (content[0] <= subject.idx < content[1] and not interrupted):
        return None
    return subject, content


def attribution_candidates(doc, *, precision: dict[str, float]) -> list[tuple]:
    """Every verb that has a speaker and reports something, whatever its lemma, as ``(verb
    token index, speaker span, content span, features)``, the features computed with the cue
    precision table ``precision``: what the cue model is trained on
    (``bench/train_attribution.py``)."""
    ctx = _Context(doc, find_quote_marks(doc.text), [])
    candidates = []
    for token in doc:
        if not token.tag_.startswith("VB") or _negated(token):
            continue
        attribution = _attribution_at(ctx, token, any_object=True)
        if attribution is not None:
            subject, content = attribution
            features = cue_features(token, subject, content, precision=precision,
                                    hand=token.lemma_.lower() in CUE_STANCE,
                                    quoted=ctx.mark_at(token.idx) is not None)
            candidates.append((token.i, _phrase(ctx, subject), content, features))
    return candidates


def _reported(ctx: _Context, cue, *, any_object: bool = False) -> tuple[int, int] | None:
    """What the cue reports: its clause; "accused X of Y": X of Y; "announced X": X; or, for a
    cue set off by commas ("..., officials said" / "A, she said, B"), the clause around it."""
    clauses = _complements(cue, any_object=any_object)
    if not clauses:
        around = _around(ctx, cue)
        if around is not None:
            return around
        clauses = _that_clause(cue)
    if not clauses:
        return None
    first = min(c.left_edge.i for c in clauses)
    last = max(c.right_edge.i for c in clauses)
    return _trim(ctx.text, *ctx.chars(first, last))


def _complements(cue, *, any_object: bool) -> list:
    """The cue's reported clause, else (for cues that report a thing) its object phrase."""
    children, lemma = list(cue.children), cue.lemma_.lower()
    clauses = [c for c in children if c.dep_ == "ccomp"]
    if not clauses and (any_object or lemma in _OBJECT_CUES):
        # "endorsed Clinton", "warned of a crisis", "spoke about taxes": what the cue is about
        clauses = [c for c in children if c.i > cue.i and (
            (c.dep_ == "dobj" and (any_object or c.right_edge.i > c.left_edge.i))
            or c.dep_ == "xcomp" or (c.dep_ == "prep" and c.lower_ in _ABOUT))]
    if not clauses and lemma in _INTENT_CUES:
        clauses = [c for c in children if c.i > cue.i and c.dep_ == "xcomp"]
    return clauses


def _around(ctx: _Context, cue) -> tuple[int, int] | None:
    """A cue set off by a comma reports the clause it follows ("Taxes will rise, she said") or
    interrupts; an interrupted clause is reported whole, cue phrase and all ("Taxes, she said,
    will rise")."""
    lemma, head = cue.lemma_.lower(), cue.head
    left = cue.left_edge.i  # the parser may hang the comma before the cue on the cue itself
    tacked_on = cue.doc[left].text == "," or (left > 0 and cue.doc[left - 1].text == ",")
    if not tacked_on or lemma in _BELIEF_CUES or cue.dep_ not in ("parataxis", "ccomp", "advcl"):
        return None
    before = [t for t in head.subtree if t.i < left and not t.is_punct]
    if head.i > cue.i:
        after = [t for t in head.subtree if t.i > cue.right_edge.i and not t.is_punct]
        if cue.dep_ != "parataxis" or not after:
            return None
        clause = before + after
        return _trim(ctx.text, *ctx.chars(clause[0].i, clause[-1].i))
    if len(before) < 3:
        return None
    return _trim(ctx.text, *ctx.chars(before[0].i, before[-1].i))


def _colon_attributions(ctx: _Context) -> list[_Found]:
    """Headline style "Name: what they said" (a short name, a colon, the words)."""
    found = []
    for lo, hi in ctx.sents:
        colon = next((t for t in ctx.doc[lo : min(hi, lo + 7)] if t.text == ":"), None)
        if colon is None or colon.i == lo or hi - colon.i < 4:
            continue
        name = [t for t in ctx.doc[lo : colon.i] if not t.is_space]
        if not name or name[-1].pos_ != "PROPN" or name[-1].text.isupper() \
                or any(t.pos_ in ("VERB", "AUX") for t in name):
            continue
        content = _trim(ctx.text, *ctx.chars(colon.i + 1, hi - 1))
        kind = "direct" if ctx.mark_at(content[0]) is not None else "indirect"
        found.append(_Found(kind, (colon.i, colon.i), ctx.chars(name[0].i, name[-1].i),
                            content, "neutral", speaker_head=name[-1].i))
    return found


def _that_clause(cue) -> list:
    """ "said on Friday during a news conference that ...": the parser may hang the clause on
    a noun in between; take the first "that" clause after the cue in its sentence."""
    for token in cue.doc[cue.i + 1 : min(cue.sent.end, cue.i + 12)]:
        if token.lower_ == "that" and token.dep_ == "mark" and token.head.i > token.i:
            return [token, token.head]
        if token.pos_ in ("VERB", "AUX") or token.text in ".;":
            return []
    return []


def _according_to(ctx: _Context, found: list[_Found]) -> list[_Found]:
    """ "according to X": a quote of its own; when another cue in the sentence already reports
    the clause ("X said, according to Y"), Y is also an intermediary of that quote."""
    added: list[_Found] = []
    for token in ctx.doc:
        source = _according_source(token)
        if source is None:
            continue
        speaker = _phrase(ctx, source)
        lo, hi = ctx.sentence_of(token.i)
        phrase = ctx.chars(token.i, source.right_edge.i)
        host = _quote_in_sentence(ctx, found, (lo, hi), exclude=speaker, tail=phrase)
        if host is not None:
            host.via.append(ctx.text[speaker[0] : speaker[1]])
            if host.content[0] < phrase[0] < host.content[1]:  # "said X, according to Y"
                host.content = _trim(ctx.text, host.content[0], phrase[0])
        # Y is also a source of its own: it says that X said so
        content = _rest_of_sentence(ctx, (lo, hi), (token.i, source.right_edge.i))
        if content is not None:
            added.append(_Found("according_to", (token.i, source.head.i), speaker, content,
                                "neutral", speaker_head=source.i))
    return added


def _according_source(token):
    if token.lower_ != "according":
        return None
    for to in token.children:
        if to.lower_ == "to":
            for child in to.children:
                if child.dep_ == "pobj":
                    return child
    return None


def _quote_in_sentence(ctx: _Context, found: list[_Found], sentence, *, exclude, tail=None):
    """A cued quote of the sentence spoken by someone other than ``exclude``, that does not
    hold ``exclude`` in its content (unless the phrase ``tail`` ends that content)."""
    lo, hi = ctx.chars(sentence[0], sentence[1] - 1)
    for quote in found:
        if quote.cue is None or quote.speaker is None or quote.speaker == exclude \
                or not lo <= ctx.doc[quote.cue[0]].idx < hi:
            continue
        inside = quote.content[0] <= exclude[0] < quote.content[1]
        ends = tail is not None and tail[1] >= quote.content[1] - 1
        if tail is None or not inside or ends:
            return quote
    return None


def _rest_of_sentence(ctx: _Context, sentence, phrase) -> tuple[int, int] | None:
    """The longer side of the sentence around the "according to" phrase."""
    lo, hi = sentence
    before = (lo, phrase[0] - 1) if phrase[0] > lo else None
    after = (phrase[1] + 1, hi - 1) if phrase[1] + 1 < hi else None
    sides = [s for s in (before, after) if s is not None and s[1] >= s[0]]
    if not sides:
        return None
    first, last = max(sides, key=lambda s: s[1] - s[0])
    start, end = _trim(ctx.text, *ctx.chars(first, last))
    while end > start and ctx.text[end - 1] in ".!?":
        end -= 1
    return (start, end) if end - start > 3 else None


# --- chains -----------------------------------------------------------------------------------


def _chain(ctx: _Context, found: list[_Found]) -> None:
    """Intermediaries: a quote reported inside another speaker's quote, and "Y reported,
    citing Z" (Z spoke, through Y)."""
    for token in ctx.doc:
        if _citing_for(token):
            _citing(ctx, found, token)
    outer_first = sorted(found, key=lambda q: (q.content[0], -q.content[1]))
    for outer in outer_first:
        if outer.speaker is None:
            continue
        for inner in found:
            if inner is not outer and inner.speaker is not None \
                    and outer.content[0] <= inner.speaker[0] < outer.content[1]:
                name = ctx.text[outer.speaker[0] : outer.speaker[1]]
                inner.via = [name, *outer.via, *inner.via]


def _citing(ctx: _Context, found: list[_Found], cite) -> None:
    origin = next((c for c in cite.children if c.dep_ in ("dobj", "pobj")), None)
    if origin is None:
        return
    lo, hi = ctx.sentence_of(cite.i)
    host = _quote_in_sentence(ctx, found, (lo, hi), exclude=_phrase(ctx, origin))
    if host is None:
        return
    host.via = [ctx.text[host.speaker[0] : host.speaker[1]], *host.via]
    host.speaker, host.speaker_head = _phrase(ctx, origin), origin.i


# --- assembly ---------------------------------------------------------------------------------


def extract_quotes(doc, *, article: Article, mentions: list[Mention]) -> list[Quote]:
    """Direct quotes, indirect speech and "according to" attributions in ``article``.

    ``doc`` is ``article.text`` parsed by a spaCy pipeline with a dependency parser (without
    one, no cue can be found and the result is empty); ``mentions`` are the article's named
    entity mentions, whose keys become the quotes' ``speaker_key``. Quotes come sorted by
    offset, one per span.
    """
    if doc.text != article.text:
        raise ValueError(f"article {article.id}: the parsed doc's text is not the article text "
                         f"({len(doc.text)} vs {len(article.text)} characters); parse article.text")
    if not doc.has_annotation("DEP"):
        return []
    ctx = _Context(doc, find_quote_marks(doc.text), mentions)
    found = _direct_quotes(ctx)
    found += _indirect_quotes(ctx, {q.cue for q in found if q.cue is not None})
    found += _according_to(ctx, found)
    found += _colon_attributions(ctx)
    found = [q for q in found if q.content[1] > q.content[0]]
    _chain(ctx, found)
    speakers = Speakers(ctx)
    for quote in sorted(found, key=lambda q: q.speaker or q.content):
        quote.key = speakers.resolve(quote) if quote.speaker is not None else None
    return _records(ctx, article, found)


def _records(ctx: _Context, article: Article, found: list[_Found]) -> list[Quote]:
    records: dict[tuple[int, int], Quote] = {}
    for quote in sorted(found, key=lambda q: (q.content, q.cue or (-1, -1))):
        cue = ctx.chars(*quote.cue) if quote.cue is not None else None
        spans = [s for s in (quote.speaker, cue, quote.content) if s is not None]
        start, end = min(s[0] for s in spans), max(s[1] for s in spans)
        if (start, end) in records:
            continue
        speaker = quote.speaker or (None, None)
        records[(start, end)] = Quote(
            id=content_id(article.id, "quote", start, end), article=article.id,
            start=start, end=end, kind=quote.kind,
            speaker=ctx.text[speaker[0] : speaker[1]] if quote.speaker else None,
            speaker_start=speaker[0], speaker_end=speaker[1], speaker_key=quote.key,
            cue=ctx.text[cue[0] : cue[1]] if cue else None,
            cue_start=cue[0] if cue else None, cue_end=cue[1] if cue else None,
            stance=quote.stance, content_start=quote.content[0], content_end=quote.content[1],
            via=tuple(dict.fromkeys(quote.via)))
    return sorted(records.values(), key=lambda q: (q.start, q.end))
