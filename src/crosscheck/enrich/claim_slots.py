"""Claim slots read off the parse: the actor, the action, an "according to" source and the
words that hedge a claim ("allegedly", "may have", "appears to"). Split from ``claims.py``;
only words inside the clause's :class:`~.claim_scope.Scope` fill a slot.
"""

from __future__ import annotations

from .claim_scope import Scope, noun_phrase, phrase_span, reporter, subject_of

__all__ = ["according_to", "hedge_words", "actor_of", "action_of"]

_HEDGE_ADVERBS = frozenset(
    "allegedly reportedly purportedly supposedly apparently ostensibly".split())
_HEDGE_MODALS = frozenset("may might could".split())
_ACTOR_LABELS = ("PERSON", "ORG", "NORP", "GPE", "LOC", "FAC")
_REPORTER_PRONOUNS = frozenset({"it", "they", "he", "she", "we"})


def according_to(tokens):
    for token in tokens:
        if token.lower_ == "according" and any(c.lower_ == "to" for c in token.children):
            to = next(c for c in token.children if c.lower_ == "to")
            source = next((c for c in to.children if c.dep_ == "pobj"), None)
            if source is not None:
                return noun_phrase(source)
    return None


def hedge_words(tokens, action_verb) -> str | None:
    for token in tokens:
        if token.lower_ in _HEDGE_ADVERBS:
            return token.text
    auxes = [c for c in action_verb.children if c.dep_ in ("aux", "auxpass")]
    modal = next((a for a in auxes if a.lower_ in _HEDGE_MODALS), None)
    if modal is not None:
        return " ".join([modal.text] + [a.text for a in auxes if a.lower_ == "have"])
    if action_verb.lemma_ in ("appear", "seem") and any(c.dep_ == "xcomp" for c in
                                                         action_verb.children):
        return f"{action_verb.text} to"
    return None


def actor_of(action_verb, head, context, speaker, scope: Scope) -> str | None:
    """Who does the action: the subject, or the agent of a passive. An agentless passive
    reported by someone ("the office says sixty were arrested") falls back to the reporter.
    A doer outside the clause's scope (in a dateline or a headline) is nobody."""
    agent = next((c for c in action_verb.children if c.dep_ == "agent"), None)
    doer = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent else None
    subject = subject_of(action_verb, scope)
    if doer is None and subject is not None and subject.dep_ != "nsubjpass":
        doer = subject
    if action_verb is not head and (doer is None or doer.lower_ in _REPORTER_PRONOUNS):
        # "The directorate said it had arrested ...": the pronoun is the reporter.
        doer = reporter(head, scope)
        if doer is not None and doer.pos_ == "PRON":
            return speaker
    if doer is None or doer.pos_ == "PRON" or not scope.holds(doer):
        return None
    named = _named(doer, context)
    return named.name if named is not None else noun_phrase(doer)


def _named(head, context):
    """The entity a noun phrase names: one covering its head word, else one the head belongs
    to ("Director-General of the Interior Ministry", "the ministry's spokesman"), never a mere
    modifier ("Iranian agents", "the regime in Iran")."""
    lo, hi = phrase_span(head)
    doc = head.doc
    found = context.mentions_in(doc[lo].idx, doc[hi - 1].idx + len(doc[hi - 1].text))
    covering = [m for m in found if m.start <= head.idx < m.end]
    if covering:
        return covering[0]
    owners = []
    for mention in found:
        root = _root_of(doc, mention)
        if root is not None and (root.dep_ == "poss" and root.head.i == head.i
                                 or root.dep_ == "pobj" and root.head.lower_ == "of"
                                 and root.head.head.i == head.i):
            owners.append(mention)
    ranked = sorted(owners, key=lambda m: (_ACTOR_LABELS.index(m.label)
                                           if m.label in _ACTOR_LABELS else 99, m.start))
    return ranked[0] if ranked else None


def _root_of(doc, mention):
    span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
    return span.root if span is not None and len(span) else None


def action_of(verb) -> str:
    particle = next((c for c in verb.children if c.dep_ == "prt"), None)
    lemma = verb.lemma_.lower()
    return f"{lemma} {particle.lower_}" if particle is not None else lemma
