"""Indirect speech: verbs with a speaker and something they report, kept by the cue model.

Every verb whose lemma the learned table (``data/attribution_cues.tsv``) or the hand lexicon
knows is a candidate when it has a speaker (its subject, or its governing verb's) and a
reported clause, object or "about" phrase; the logistic cue model (:mod:`.cue_model`) keeps
the attributions. Inside quote marks the hand lexicon decides instead, with a named speaker.
"""

from __future__ import annotations

from .attribution_marks import find_quote_marks
from .claim_scope import SUBJECTS, clause_scope, subject_of
from .cue_model import cue_features
from .cue_syntax import (_BELIEF_CUES, _INTENT_CUES, _MODEL, _OBJECT_CUES, _PRECISION, CUE_STANCE,
                         MIN_CUE_PRECISION, _ABOUT, _Context, _cue_span, _Found, _is_cue,
                         _negated, _phrase, _stance, _subject, _trim)

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
        found.append(_Found("indirect", _cue_span(token), speaker_span(ctx, subject, token),
                            content, _stance(token), speaker_head=subject.i))
    return found


def speaker_of(verb):
    """The head of the cue's speaker phrase (the parser's subject, see ``_subject``), never a
    word of a dateline: "DORVIK, June 3 (Wirex) - The ministry said ..." is parsed with two
    subjects, and the speaker is the one after the dateline (the scope of
    :func:`~.claim_scope.clause_scope`); ``None`` when there is none."""
    subject = _subject(verb)
    if subject is None:
        return None
    scope = clause_scope([verb])
    if scope.holds(subject):
        return subject
    return subject_of(subject.head, scope) if subject.dep_ in SUBJECTS else None


def speaker_span(ctx: _Context, head, cue) -> tuple[int, int]:
    """The speaker phrase of ``head`` as a character span, cut to the cue's clause: no
    dateline before it (glued on by the parser as a modifier), and never the cue itself or
    what follows it (a headline "Junta boasts that 60 ..." misparsed as one long subject)."""
    start, end = _phrase(ctx, head)
    scope = clause_scope([cue])
    scope_start = ctx.doc[scope.lo].idx if scope.lo < len(ctx.doc) else start
    if start < scope_start <= head.idx:
        start = scope_start
    if head.i < cue.i and start <= cue.idx < end:
        end = cue.idx
    start, end = _trim(ctx.text, start, end)
    return (start, end) if end > start else _phrase(ctx, head)


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
    subject = speaker_of(verb)
    if subject is None or _hearsay(verb):
        return None
    if subject.lower_ == "it" and any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children):
        return None  # "it is worth noting that": nobody speaks
    if verb.lemma_.lower() in _BELIEF_CUES and (
            subject.lower_ in ("i", "we", "you") or subject.dep_ == "nsubjpass"):
        return None  # "I think", "X is known to": nobody is reported
    if _demanded(verb):
        return None  # "governments must add X to their lists": a demand, not a report
    content = ctx.clip(_reported(ctx, verb, any_object=any_object), verb.idx)
    interrupted = content is not None and content[0] <= verb.idx < content[1]
    if content is None or (content[0] <= subject.idx < content[1] and not interrupted):
        return None
    return (subject, content) if _says_something(ctx, content) else None


# Modals of what someone ought to do: the subject of "must pressure", "should add" is told
# what to do by the writer, and reports nothing.
_DEONTIC = frozenset({"must", "should", "ought"})


def _demanded(verb) -> bool:
    """The verb, or the verb it completes ("must pressure the regime to release"), is what
    someone must or should do."""
    while True:
        if any(c.dep_ == "aux" and c.lower_ in _DEONTIC for c in verb.children):
            return True
        if verb.dep_ not in ("xcomp", "conj") or verb.head.i == verb.i:
            return False
        verb = verb.head


# Verbs of a hearsay passive ("X is said to have ...", "42 people said to have had ..."),
# whose subject is who the hearsay is about, never who speaks.
_HEARSAY_VERBS = frozenset("say report rumour rumor believe think know allege suppose "
                           "understand".split())


def _hearsay(verb) -> bool:
    after = verb.doc[verb.i + 1 : verb.i + 3]
    return (verb.lemma_.lower() in _HEARSAY_VERBS and len(after) == 2
            and after[0].lower_ == "to" and after[1].lower_ in ("have", "be"))


_FUNCTION_TAGS = frozenset("SCONJ ADV PART DET CCONJ ADP PUNCT SPACE".split())


def _says_something(ctx: _Context, content: tuple[int, int]) -> bool:
    """A reported content of function words only ("that", "so") is a misparse: a headline
    "X boasts that 60 ..." whose parse hangs the numbers on the speaker reports nothing."""
    span = ctx.doc.char_span(*content, alignment_mode="expand")
    return span is None or any(t.pos_ not in _FUNCTION_TAGS for t in span)


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
            candidates.append((token.i, speaker_span(ctx, subject, token), content, features))
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


def _that_clause(cue) -> list:
    """ "said on Friday during a news conference that ...": the parser may hang the clause on
    a noun in between; take the first "that" clause after the cue in its sentence."""
    for token in cue.doc[cue.i + 1 : min(cue.sent.end, cue.i + 12)]:
        if token.lower_ == "that" and token.dep_ == "mark" and token.head.i > token.i:
            return [token, token.head]
        if token.pos_ in ("VERB", "AUX") or token.text in ".;":
            return []
    return []
