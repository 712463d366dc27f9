"""Who did it and to whom: the agent and target of an event trigger, from its parse.

A verb's subject and object, or the ``by`` agent and the subject of a passive; an agentless
passive reported by someone ("the office says sixty were arrested") takes the reporter. A verb
conjoined to another with no subject of its own shares its head's subject, as enhanced
dependencies propagate it ("twenty were identified and arrested"), and the object after the last
of "identified and arrested tens of spies" is the first verb's too. A noun's ``of`` is its
target and its ``by`` its agent ("the arrest of sixty by the police").
"""

from __future__ import annotations

__all__ = ["INTRANSITIVE", "SPEECH_VERBS", "noun_roles", "verb_roles"]

SPEECH_VERBS = frozenset("say tell announce report claim state add maintain confirm declare "
                          "reveal disclose accuse boast insist note".split())
# Actions whose verb takes no object of people or things counted ("hundreds protested and
# burned cars": the cars are not the protest's)
INTRANSITIVE = frozenset({"protest"})


def verb_roles(verb, *, raise_object: bool = True):
    agent, target = _own_roles(verb, raise_object=raise_object)
    if not _shares_head_arguments(verb):
        return agent, target
    # Conjoined predicates with no subject of their own share their head's, as enhanced
    # dependencies propagate it: "ten were caught and arrested" (arrested: ten), "he surrendered
    # and was arrested" (arrested: he), "forces raided homes and detained" (detained: forces).
    # Without this, the second verb has no count and no target, and nothing keeps it apart from
    # another event's report.
    head = verb.head
    head_agent, head_target = verb_roles(head)
    subject = next((c for c in head.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if _has(verb, "auxpass") or (_passive(head) and not _has(verb, "dobj")):
        by = _by_agent(verb)
        agent = by if by is not None else (head_agent if _passive(head) else None)
        return _person(agent), target or _person(subject)
    return agent or (None if _passive(head) else head_agent), target


def _own_roles(verb, *, raise_object: bool):
    passive = _passive(verb)
    agent = _by_agent(verb) if passive else next(
        (c for c in verb.children if c.dep_ == "nsubj"), None)
    target = next((c for c in verb.children
                   if c.dep_ == ("nsubjpass" if passive else "dobj")), None)
    if target is None and not passive and raise_object:
        target = _raised_object(verb)
    if agent is None and verb.dep_ == "conj" and not passive:  # "forces raided homes and detained"
        agent = next((c for c in verb.head.children if c.dep_ == "nsubj"), None)
    if agent is None and verb.dep_ in ("ccomp", "parataxis") and verb.head.lemma_ in SPEECH_VERBS:
        agent = next((c for c in verb.head.children if c.dep_ == "nsubj"), None)
    return _person(agent), target


def _person(token):
    """A role word, or ``None`` for a pronoun (an unresolved "he" names no one)."""
    return None if token is None or token.pos_ == "PRON" else token


def _raised_object(verb):
    """The object of the conjunct right after "and" ("identified and arrested tens of spies":
    the spies are identified too); not across other words ("hung in there, made plays"), nor
    from a conjunct with its own subject (another clause)."""
    doc = verb.doc
    conj = next((c for c in verb.children if c.dep_ == "conj" and c.i > verb.i
                 and c.pos_ in ("VERB", "AUX")), None)
    if conj is None or _has(conj, "nsubj", "nsubjpass"):
        return None
    between = doc[verb.i + 1:conj.i]
    if not any(t.dep_ == "cc" for t in between) or any(
            t.dep_ not in ("cc", "advmod", "punct", "preconj") for t in between):
        return None
    return next((c for c in conj.children if c.dep_ == "dobj"), None)


def _by_agent(verb):
    by = next((c for c in verb.children if c.dep_ == "agent"), None)
    return next((c for c in by.children if c.dep_ == "pobj"), None) if by is not None else None


def _passive(verb) -> bool:
    return _has(verb, "nsubjpass", "auxpass")


def _has(token, *deps: str) -> bool:
    return any(c.dep_ in deps for c in token.children)


def _shares_head_arguments(verb) -> bool:
    """A verb conjoined to another verb, with no subject of its own ("caught and arrested")."""
    return (verb.dep_ == "conj" and verb.head.i != verb.i and verb.head.pos_ in ("VERB", "AUX")
            and not _has(verb, "nsubj", "nsubjpass"))


def noun_roles(noun):
    agent = target = None
    for child in noun.children:
        pobj = next((c for c in child.children if c.dep_ == "pobj"), None)
        if child.lower_ == "of" and pobj is not None:
            target = pobj
        elif child.lower_ == "by" and pobj is not None:
            agent = pobj
    return agent, target
