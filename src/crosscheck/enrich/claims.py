"""Claims: check-worthy factual statements, with their slots.

A claim is a sentence, or a clause of one, that asserts something a fact-checker could verify:
an event, a figure, an action by an actor, a statement by an official. Opinions, questions,
calls to action and fragments without a finite verb are not claims.

Two parts:

- :func:`checkworthiness` scores a sentence from 0 to 1 with a small logistic regression over
  hashed word n-grams and a few shape features (numbers, capitalised names, past tense,
  first-person opinion words). It needs neither spaCy nor scikit-learn: the weights ship in
  ``crosscheck/data/claims_model.npz`` (trained by ``bench/train_claims.py`` on ClaimBuster,
  cross-validated, seed fixed) and scoring is a dot product.
- :func:`extract_claims` walks a parsed spaCy ``Doc``, splits sentences into reported clauses,
  drops what is not a claim, and fills the slots: actor, action, quantities, places, times,
  speaker and cue (from an overlapping :class:`~crosscheck.records.Quote`, else from the parse),
  and the hedge that distances the outlet from the statement ("claimed", "according to",
  "allegedly", "may have").
"""

from __future__ import annotations

import functools
import math
import re
import zlib
from pathlib import Path

import numpy as np

from ..records import Article, Claim, Mention, Quantity, Quote, TimeExpr, content_id
from .claim_scope import (SUBJECTS, Scope, clause_scope, noun_phrase, reporter, speaker_phrase,
                          subject_of)
from .claim_slots import according_to, action_of, actor_of, hedge_words
from .speakers import shown_speaker
from .nlp import doc_text

__all__ = ["extract_claims", "checkworthiness", "claim_threshold", "claim_features",
           "MODEL_PATH"]

MODEL_PATH = Path(__file__).resolve().parent.parent / "data" / "claims_model.npz"
N_FEATURES = 1 << 17

_TOKEN = re.compile(r"[A-Za-z]+(?:['’][a-z]+)?|\d[\d,.]*%?|[$€£%?!]")
_NUMBER_WORDS = frozenset(
    "one two three four five six seven eight nine ten eleven twelve fifteen twenty thirty forty "
    "fifty sixty seventy eighty ninety hundred hundreds thousand thousands million millions "
    "billion billions trillion dozen dozens percent half third quarter double twice".split())
_FIRST_PERSON = frozenset("i me my we us our i'm we're i've we've".split())
_OPINION_WORDS = frozenset(
    "think believe feel hope wish want should must ought need needs love hate great terrible "
    "wonderful best worst good bad wrong right important proud glad sure let's let".split())
_PAST_IRREGULAR = frozenset(
    "was were had did said made took gave got went came saw told found left kept held paid "
    "sent spent brought bought lost won rose fell grew cut put set led ran began became".split())


def claim_features(text: str) -> dict[int, float]:
    """Hashed features of a sentence: lower-cased word 1- and 2-grams with numbers reduced to
    their shape, plus shape counts. The hash is CRC-32, so indices are stable across runs."""
    tokens = _TOKEN.findall(text)
    words = [_shape(token) for token in tokens]
    named = [f"w:{w}" for w in words] + [f"b:{a} {b}" for a, b in zip(words, words[1:])]
    named += _shape_features(tokens)
    features: dict[int, float] = {}
    for name in named:
        index = zlib.crc32(name.encode("utf-8")) % N_FEATURES
        features[index] = features.get(index, 0.0) + 1.0
    norm = math.sqrt(sum(v * v for v in features.values())) or 1.0
    return {index: value / norm for index, value in features.items()}


def _shape(token: str) -> str:
    if token[0].isdigit():
        return "<pct>" if token.endswith("%") else "<num>"
    return token.lower().replace("’", "'")


def _shape_features(tokens: list[str]) -> list[str]:
    lower = [t.lower().replace("’", "'") for t in tokens]
    out = [f"len:{min(len(tokens) // 5, 8)}"]
    checks = {
        "digit": any(t[0].isdigit() for t in tokens),
        "numword": any(t in _NUMBER_WORDS for t in lower),
        "money": any(t in "$€£" for t in tokens) or "percent" in lower,
        "first": any(t in _FIRST_PERSON for t in lower),
        "opinion": any(t in _OPINION_WORDS for t in lower),
        "question": "?" in tokens,
        "past": any(t.endswith("ed") or t in _PAST_IRREGULAR for t in lower[1:]),
        "names": sum(1 for t in tokens[1:] if t[0].isupper()) >= 2,
    }
    # Repeating a present feature weights it against the normalised n-gram mass.
    out += [f"has:{name}" for name, present in sorted(checks.items()) if present] * 2
    return out


@functools.lru_cache(maxsize=1)
def _model() -> tuple[np.ndarray, float, float]:
    if not MODEL_PATH.exists():
        raise FileNotFoundError(
            f"the check-worthiness model is missing at {MODEL_PATH}; "
            "reinstall crosscheck or run `python bench/train_claims.py`")
    with np.load(MODEL_PATH) as data:
        weights = data["weights"].astype(np.float64)
        if weights.shape != (N_FEATURES,):
            raise ValueError(f"{MODEL_PATH} holds {weights.shape[0]} weights, expected "
                             f"{N_FEATURES}; retrain with `python bench/train_claims.py`")
        return weights, float(data["bias"]), float(data["threshold"])


def checkworthiness(sentence_text: str) -> float:
    """How check-worthy a sentence is, from 0 to 1 (no spaCy needed)."""
    weights, bias, _threshold = _model()
    features = claim_features(sentence_text)
    score = bias + sum(weights[i] * v for i, v in features.items())
    return 1.0 / (1.0 + math.exp(-score))


def claim_threshold() -> float:
    """The score from which a sentence counts as check-worthy on its own (chosen by
    cross-validation when the model was trained)."""
    return _model()[2]


# --- extraction ------------------------------------------------------------------------------

_REPORTING = frozenset(
    "say tell announce report state claim allege add note explain confirm deny insist maintain "
    "argue assert contend declare disclose reveal warn acknowledge admit boast accuse estimate "
    "write quote testify stress indicate suggest".split())
# Cues and words by which an outlet keeps its distance from what it reports.
_DISTANCING_CUES = frozenset("claim allege insist maintain contend purport".split())
_CALL_MODALS = frozenset("must should ought".split())
_OPINION_VERBS = frozenset("think believe feel hope wish".split())
_SPLIT_MARKS = frozenset("while whereas but although though".split())
_PLACE_LABELS = frozenset({"GPE", "LOC"})
_EDGE_JUNK = frozenset({"PUNCT", "SPACE", "CCONJ", "SCONJ"})
_MIN_WORDS = 4


def extract_claims(doc, *, article: Article, mentions: list[Mention],
                   quantities: list[Quantity], times: list[TimeExpr],
                   quotes: list[Quote]) -> list[Claim]:
    """Check-worthy claims of one article, in text order.

    ``doc`` is the spaCy parse of ``article.text`` (offsets must agree); the other records are
    the same article's enrichments. When ``mentions`` is empty the parse's own entities stand in
    for places and actors.
    """
    if doc.text != article.text:
        raise ValueError(f"article {article.id}: the parsed Doc is not of the article's text "
                         f"({len(doc.text)} vs {len(article.text)} characters); parse article.text")
    context = _Context(article, mentions, quantities, times, quotes, doc)
    claims = []
    for index, sentence in enumerate(doc.sents):
        for clause in _clauses(sentence):
            claim = _claim(clause, index, context)
            if claim is not None:
                claims.append(claim)
    return claims


class _Context:
    """The article's other records, looked up by character span."""

    def __init__(self, article, mentions, quantities, times, quotes, doc):
        self.article = article
        self.mentions = sorted(mentions, key=lambda m: (m.start, m.end)) or [
            _EntityMention(e.start_char, e.end_char, e.text, e.label_) for e in doc.ents]
        self.quantities = sorted(quantities, key=lambda q: (q.start, q.end, q.id))
        self.times = sorted(times, key=lambda t: (t.start, t.end, t.id))
        self.tokens_at = {token.idx: token for token in doc}
        self.quotes = sorted((q for q in quotes if self._speech(q)),
                             key=lambda q: (q.start, q.end, q.id))
        self.speaker_spans = sorted((q.speaker_start, q.speaker_end, q.speaker_key)
                                    for q in quotes if q.speaker_key and q.speaker_start is not None)

    def _speech(self, quote: Quote) -> bool:
        """Indirect speech needs a verb of saying that governs a clause ("the outbreak has
        claimed the lives of" is not speech)."""
        if quote.kind != "indirect" or quote.cue_start is None:
            return True
        cue = self.tokens_at.get(quote.cue_start)
        return (cue is not None and cue.lemma_.lower() in _REPORTING
                and any(c.dep_ in ("ccomp", "parataxis") for c in cue.children))

    def mentions_in(self, start: int, end: int) -> list:
        return [m for m in self.mentions if start <= m.start and m.end <= end]

    def key_at(self, offset: int) -> str | None:
        """The resolved speaker key of a quote whose speaker phrase holds ``offset``."""
        return next((key for start, end, key in self.speaker_spans if start <= offset < end),
                    None)

    def shown(self, speaker: str | None, key: str | None) -> str | None:
        """The speaker as a reader should see it: the article's name for a resolved speaker
        whose phrase does not name it ("he", "the company"), else the phrase."""
        if speaker is None or key is None:
            return speaker
        names = [m.name for m in self.mentions if getattr(m, "key", None) == key]
        return shown_speaker(speaker, max(names, key=len) if names else None)


class _EntityMention:
    """A parse entity standing in for a :class:`Mention` when none were given."""

    __slots__ = ("start", "end", "text", "label", "name")

    def __init__(self, start: int, end: int, text: str, label: str):
        self.start, self.end, self.text, self.label, self.name = start, end, text, label, text


# --- clauses ---------------------------------------------------------------------------------


def _clauses(sentence) -> list[list]:
    """Token lists of the clauses of a sentence: split first at line breaks (headlines and
    captions the parser glued on), then where a second clause has its own subject."""
    clauses = []
    for piece in _lines(sentence):
        parts = _split_coordinated(piece)
        clauses.extend(_trim(part, linked=n > 0) for n, part in enumerate(parts))
    return [c for c in clauses if sum(1 for t in c if t.is_alpha) >= _MIN_WORDS]


def _inside_quote_marks(doc, start: int, end: int) -> bool:
    """Whether ``end`` falls inside a quotation opened after ``start``: a quote is not split."""
    before = doc_text(doc)[start:end]
    return before.count("“") > before.count("”") or before.count('"') % 2 == 1


def _lines(sentence) -> list[list]:
    pieces, current = [], []
    for token in sentence:
        if token.is_space and "\n" in token.text:
            pieces.append(current)
            current = []
        else:
            current.append(token)
    return [p for p in pieces + [current] if p]


def _split_coordinated(piece: list) -> list[list]:
    indices = {t.i for t in piece}
    starts = sorted({_subtree_start(t, indices) for t in piece if _starts_clause(t, indices)})
    starts = [s for s in starts
              if not _inside_quote_marks(piece[0].doc, piece[0].idx, piece[0].doc[s].idx)]
    if not starts:
        return [piece]
    bounds = [piece[0].i] + [s for s in starts if s > piece[0].i] + [piece[-1].i + 1]
    return [[t for t in piece if lo <= t.i < hi] for lo, hi in zip(bounds, bounds[1:])]


def _starts_clause(token, indices: set[int]) -> bool:
    """A verb joined to the clause above it, with a subject of its own: "X said A, while Y
    announced B" reports two claims on two speakers' word."""
    if token.dep_ not in ("conj", "advcl") or token.pos_ not in ("VERB", "AUX"):
        return False
    reporting = token.lemma_.lower() in _REPORTING and any(c.dep_ == "ccomp" for c in token.children)
    if not (reporting and token.dep_ == "conj" or any(c.dep_ in SUBJECTS for c in token.children)):
        return False
    subtree = [t.i for t in token.subtree]
    if min(subtree) <= token.head.i or not set(subtree) <= indices:
        return False  # only a trailing clause splits off cleanly
    if token.dep_ == "advcl":
        return any(c.dep_ == "mark" and c.lower_ in _SPLIT_MARKS for c in token.children)
    return True


def _subtree_start(token, indices: set[int]) -> int:
    start = token.left_edge.i
    # A conjunction or comma before the clause belongs to neither side.
    while start - 1 in indices and token.doc[start - 1].pos_ in ("CCONJ", "PUNCT"):
        start -= 1
    return start


def _trim(tokens: list, *, linked: bool) -> list:
    """Spaces and dangling commas off the ends; off a split-off clause also the words that only
    linked it to the clause before ("and", "while")."""
    lo, hi = 0, len(tokens)
    while lo < hi and (tokens[lo].is_space or linked and (
            tokens[lo].dep_ in ("cc", "mark", "punct") and tokens[lo].text not in "\"“‘'([")):
        lo += 1
    while hi > lo and tokens[hi - 1].pos_ in ("CCONJ", "SPACE") or (
            hi > lo and tokens[hi - 1].text in ",;:"):
        hi -= 1
    return tokens[lo:hi]


# --- one claim -------------------------------------------------------------------------------


def _claim(tokens: list, index: int, context: _Context) -> Claim | None:
    head = _clause_head(tokens)
    if _not_a_claim(tokens, head):
        return None
    start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
    text = context.article.text[start:end]
    scope = clause_scope(tokens)
    (speaker, key), cue, hedge, action_verb = _attribution(tokens, head, context, scope)
    if speaker is None and _is_call_or_opinion(head):
        return None
    hedge = hedge or hedge_words(tokens, action_verb)
    actor = actor_of(action_verb, head, context, speaker, scope)
    quantities = tuple(q.id for q in context.quantities if start <= q.start and q.end <= end)
    times = tuple(t.id for t in context.times if start <= t.start and t.end <= end)
    places = tuple(dict.fromkeys(m.name for m in context.mentions_in(start, end)
                                 if m.label in _PLACE_LABELS))
    score = checkworthiness(text)
    evidence = sum(map(bool, (quantities, times, places, speaker, actor,
                              _past_event(action_verb))))
    if score < claim_threshold() and not (evidence >= 2 and score >= claim_threshold() / 2):
        return None
    return Claim(id=content_id(context.article.id, "claim", start, end),
                 article=context.article.id, start=start, end=end, text=text, actor=actor,
                 action=action_of(action_verb), speaker=context.shown(speaker, key), cue=cue,
                 hedged=hedge is not None, hedge=hedge, quantities=quantities, places=places,
                 times=times, score=round(score, 4), sentence=index, speaker_text=speaker,
                 speaker_key=key)


def _past_event(verb) -> bool:
    """A completed act told as fact: a past-tense verb with a named or nominal doer and a
    direct object ("the cells received money"). An outlet restating on its own word what a
    source only claimed reads like this, and the check-worthiness model, trained on debate
    sentences, scores it low for want of figures and names."""
    past = verb.tag_ == "VBD" or verb.tag_ == "VBN" and any(
        c.dep_ == "aux" and c.lemma_ == "have" for c in verb.children)
    subject = subject_of(verb)
    return (past and subject is not None and subject.dep_ == "nsubj"
            and subject.pos_ in ("NOUN", "PROPN")
            and any(c.dep_ == "dobj" for c in verb.children))


def _clause_head(tokens: list):
    inside = {t.i for t in tokens}
    tops = [t for t in tokens if t.head.i not in inside or t.head.i == t.i]
    verbs = [t for t in tops if t.pos_ in ("VERB", "AUX")]
    return (verbs or tops)[0]


def _not_a_claim(tokens: list, head) -> bool:
    last = [t for t in tokens if not (t.is_punct and t.text not in "?!")]
    if "?" in tokens[-1].text or (last and last[-1].text == "?"):
        return True  # a question asserts nothing
    if not any(_is_finite(t) for t in tokens):
        return True  # a label, caption or fragment
    # An imperative: a bare verb with no subject opening the clause ("Subscribe now").
    return head.tag_ == "VB" and head.i == tokens[0].i and not subject_of(head)


def _is_finite(token) -> bool:
    if "Fin" in token.morph.get("VerbForm") or token.tag_ == "MD":
        return True
    # Headlines drop the auxiliary: "Sixty members arrested in the north".
    return token.tag_ == "VBN" and token.dep_ in ("ROOT", "ccomp") and subject_of(token) is not None


def _is_call_or_opinion(head) -> bool:
    """The outlet's own calls ("governments must act") and first-person opinions."""
    if any(c.dep_ == "aux" and c.lower_ in _CALL_MODALS for c in head.children):
        return True
    if head.lemma_ == "need" and any(c.dep_ == "xcomp" for c in head.children):
        return True
    subject = subject_of(head)
    return (head.lemma_ in _OPINION_VERBS and subject is not None
            and subject.lower_ in ("i", "we"))


# --- slots -----------------------------------------------------------------------------------


def _attribution(tokens, head, context, scope: Scope):
    """Who the article gives the claim to (the phrase and its resolved mention key), the cue, a
    distancing hedge, and the verb of the reported content (the action), from an overlapping
    quote or else from the parse. Only
    words of the clause itself count (not a headline or dateline the parser joined to it)."""
    start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
    reported = _content_verb(head) if _is_reporting(head) else None
    if reported is not None and not scope.holds(reported):
        # The parser hung the reported clause on the next line ("Junta boasts that 60 rebels
        # arrested" + the line under it): the verb after the cue on this line is its content.
        reported = next((t for t in tokens if t.i > head.i and t.pos_ == "VERB"
                         and scope.holds(t)), None)
    action_verb = reported if reported is not None else head
    quote = _overlapping_quote(context.quotes, start, end)
    own = reporter(head, scope) if reported is not None else None
    own_hedge = head.text if reported is not None and head.lemma_ in _DISTANCING_CUES else None
    speaker = _quote_speaker(quote, head.doc, start, end, scope)
    # The clause's own verb of saying outranks a quote whose cue lies outside the clause.
    if speaker and (own is None or quote.cue_start is not None and start <= quote.cue_start < end):
        according = quote.kind == "according_to"
        cue = "according to" if according else quote.cue
        hedge = own_hedge or (cue if according or quote.stance == "distancing" else None)
        return (_fuller(speaker, own), quote.speaker_key), cue, hedge, action_verb
    if own is not None:
        return (noun_phrase(own), context.key_at(own.idx)), head.text, own_hedge, action_verb
    source = according_to(tokens)
    if source is not None:
        return (source, None), "according to", "according to", action_verb
    return (None, None), None, None, action_verb


def _quote_speaker(quote: Quote | None, doc, start: int, end: int, scope: Scope) -> str | None:
    """The overlapping quote's speaker, unless it is a headline or dateline (see
    :func:`~.claim_scope.speaker_phrase`)."""
    if quote is None or not quote.speaker:
        return None
    return speaker_phrase(doc_text(doc), quote.speaker_start, quote.speaker_end, quote.speaker,
                          clause_start=start,
                          scope_start=doc[scope.lo].idx if scope.lo < scope.hi else end)


def _fuller(speaker: str, subject) -> str:
    """The parse's subject phrase where it holds the quote's speaker and says more
    ("Director-General of the ministry's office" for "Director-General")."""
    phrase = noun_phrase(subject) if subject is not None else ""
    return phrase if speaker in phrase and subject.pos_ != "PRON" else speaker


def _is_reporting(verb) -> bool:
    return verb.lemma_.lower() in _REPORTING and _content_verb(verb) is not None


def _content_verb(verb):
    content = next((c for c in verb.children if c.dep_ == "ccomp"), None)
    if content is not None and content.lemma_.lower() in _REPORTING:
        return next((c for c in content.children if c.dep_ == "ccomp"), content)
    return content


def _overlapping_quote(quotes: list[Quote], start: int, end: int) -> Quote | None:
    best, best_overlap = None, 0
    for quote in quotes:
        overlap = min(end, quote.end) - max(start, quote.start)
        if overlap > best_overlap and (2 * overlap >= end - start
                                       or 2 * overlap >= quote.end - quote.start):
            best, best_overlap = quote, overlap
    return best
