"""Event mentions: who did what to whom, where, when and how many, as one article tells it.

A trigger is a verb or noun of the shipped taxonomy (``data/event_actions.tsv``: arrest,
release, sentence, execute, kill, injure, attack, protest, raid, seize, identify, summon,
torture, threaten, expel, abduct, each with its CAMEO code and ACLED type). Its slots come from
the same parse and the other extractors' records:

* agent and target: subject and object, or the ``by`` agent and the subject of a passive; an
  agentless passive reported by someone ("the office says sixty were arrested") takes the
  reporter as agent, as claims do; a verb conjoined to another with no subject of its own shares
  its subject ("twenty were identified and arrested") and the object after the last of them
  ("identified and arrested tens of spies"); each with the entity key of the mention it names;
* count: the quantity inside the target ("sixty individuals", "tens of activists");
* places: :class:`~crosscheck.records.Place` records (named places, and proper nouns listed
  with them that the offline gazetteer knows) inside the trigger's clause, else its sentence;
* time: the nearest time expression in the clause, else in the sentence, leaving out the times
  of a speech verb that reports the trigger ("said on Monday that police had arrested ten":
  Monday dates the saying, not the arrests);
* speaker and hedge: the claim or quote that holds the trigger;
* status: ``negated`` ("did not arrest"), ``planned`` ("plans to arrest", "will detain"),
  ``hypothetical`` ("if they protest"), ``attempted`` ("tried to detain", "an arrest attempt"),
  else ``asserted``. Only asserted mentions become events; an attempt to kill ("an
  assassination attempt", "attempted murder") is asserted as an ``attack``, as ACLED logs it.

A noun trigger with no slot at all ("the number of arrests") is no event mention.
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

from ..records import (Article, Claim, EventMention, Mention, Place, Quantity, Quote, TimeExpr,
                       content_id)
from .claim_scope import dateline_length, noun_phrase, phrase_span
from .event_roles import INTRANSITIVE, SPEECH_VERBS, noun_roles, verb_roles
from .event_senses import event_sense

__all__ = ["ACTIONS", "EventAction", "event_actions", "extract_events", "extract_places"]

_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
_PLAN_VERBS = frozenset("plan intend threaten vow want seek aim prepare promise expect hope "
                        "decide call urge demand order".split())
# "tried to arrest", "an assassination attempt", "attempted murder", "a failed bid to kill"
_ATTEMPT_VERBS = frozenset({"try", "attempt"})
_ATTEMPT_NOUNS = frozenset({"attempt", "bid", "plot", "effort"})
# "a proposal to seize", "a demand that he be released", "his commitment to freeing": wanted,
# not done
_PLAN_NOUNS = frozenset("plan proposal demand call commitment threat promise pledge order vow "
                        "intention intent".split())
_ATTEMPT_MODIFIERS = frozenset({"attempted", "failed", "foiled", "thwarted", "botched"})
# An attempt to kill is logged as an attack, as ACLED does; other attempts are not events.
_ATTEMPT_ACTION = {"kill": ("attack", "190")}
_FUTURE_AUX = frozenset({"will", "shall", "'ll"})
_MODAL_AUX = frozenset({"could", "would", "might", "may", "should"})
_CONDITION_MARKS = frozenset({"if", "unless", "whether"})
_NEGATIVE_DETS = frozenset({"no", "neither"})
# "to prevent any raid", "were suspending protests", "banned the rally": what is kept from
# happening is not reported as happening
_KEPT_FROM = frozenset("prevent avoid ban forbid prohibit cancel postpone suspend "
                       "outlaw".split())
_GENERIC_HEADS = frozenset({"number", "wave", "kind", "type", "series", "rate", "threat", "fear",
                            "risk", "possibility"})


@dataclass(frozen=True)
class EventAction:
    action: str
    cameo: str
    acled: str
    pos: str  # "verb", "noun" or "both"


@functools.lru_cache(maxsize=1)
def event_actions() -> dict[str, EventAction]:
    """Trigger lemma -> its action class, from the shipped taxonomy."""
    text = resources.files("crosscheck.data").joinpath("event_actions.tsv").read_text("utf-8")
    table = {}
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            lemma, pos, action, cameo, acled = line.split("\t")
            table[lemma] = EventAction(action, cameo, acled, pos)
    return table


ACTIONS: tuple[str, ...] = tuple(sorted({a.action for a in event_actions().values()}))


# --- places ---------------------------------------------------------------------------------


def extract_places(doc, *, article: Article, mentions: Sequence[Mention]) -> list[Place]:
    """Every place the article names, resolved with the article's other places as context.

    Named places (GPE, LOC, FAC mentions) are kept whether or not the gazetteer knows them;
    proper nouns listed with one ("the cities of Tehran, Mashhad and Shiraz", which a small
    model may tag as people) are kept only when the gazetteer knows them."""
    spans = {(m.start, m.end): (m.text, True) for m in mentions if m.label in _PLACE_LABELS}
    listed = _listed_with_places(doc, spans, article.text)
    for start, end, text in listed:
        spans.setdefault((start, end), (text, False))
    if not spans:
        return []
    resolved = _geocode(sorted({text for text, _ in spans.values()}))
    starts = [sent.start_char for sent in doc.sents]
    # a name listed with places is tagged a person by mistake, not evidence against a place
    in_lists = {(start, end) for start, end, _ in listed}
    otherwise = _named_otherwise([m for m in mentions if (m.start, m.end) not in in_lists])
    places = []
    for (start, end), (text, named) in sorted(spans.items()):
        found = resolved.get(text)
        if text in otherwise and (found is None or found.precision == "city"):
            continue  # "Lopez, 20, faces life": the convict, not a town in the Philippines
        if found is None and not named:
            continue
        places.append(_place(article, bisect.bisect_right(starts, start) - 1, start, end, text, found))
    return places


# (not ORG: "Tehran said", "Moscow denied" name a government by its city)
_NOT_PLACE_LABELS = frozenset({"PERSON", "NORP", "EVENT", "PRODUCT", "WORK_OF_ART"})


def _named_otherwise(mentions: Sequence[Mention]) -> set[str]:
    """Names the article also tags as a person, nationality, event or product, under the same
    words or the same entity, and the surnames of the people it names: "Lohan" tagged a place
    once and a person elsewhere, "Harrow" after "Alan Harrow", "the Super Bowl" a facility and
    an event. Such a name is no place unless the gazetteer knows it as a country or province
    ("Georgia", "Jordan"): a town of that name is most likely the person."""
    other_keys = {m.key for m in mentions if m.label in _NOT_PLACE_LABELS and m.key}
    # a person's surname alone ("Harrow" after "Alan Harrow"), which the tagger takes for a town
    surnames = {m.text.split()[-1] for m in mentions
                if m.label == "PERSON" and len(m.text.split()) >= 2}
    return ({m.text for m in mentions if m.label in _NOT_PLACE_LABELS} | surnames
            | {m.text for m in mentions if m.label in _PLACE_LABELS and m.key in other_keys})


def _listed_with_places(doc, spans: dict, text: str) -> list[tuple[int, int, str]]:
    """Proper nouns joined by ``conj`` to a named place (a list of cities). ``text`` is the
    Doc's text (spaCy rebuilds ``doc.text`` on every read)."""
    inside = set()
    for start, end in spans:  # tokens inside named places, found span by span
        found = doc.char_span(start, end, alignment_mode="expand")
        inside.update(t.i for t in found or ())
    found = []
    for token in doc:
        if token.pos_ != "PROPN" or token.i in inside or token.dep_ == "compound":
            continue
        chain, head = token, token.head
        while chain.dep_ == "conj" and head.i != chain.i:
            if head.i in inside:
                first = token  # the name is the token with the compound words before it
                while first.i > 0 and doc[first.i - 1].dep_ == "compound" \
                        and doc[first.i - 1].head.i == token.i and doc[first.i - 1].pos_ == "PROPN":
                    first = doc[first.i - 1]
                found.append((first.idx, token.idx + len(token.text),
                              text[first.idx:token.idx + len(token.text)]))
                break
            chain, head = head, head.head
    return found


def _geocode(names: list[str]) -> dict[str, object]:
    try:
        from .places import geocode
    except ImportError:  # no gazetteer installed: places keep their names, no coordinates
        return {}
    return geocode(names, context=names)


def _place(article: Article, sentence: int, start: int, end: int, text: str, found) -> Place:
    if found is None:
        return Place(content_id(article.id, "place", start, end), article.id, start, end, text,
                     None, None, None, None, None, None, None, None, 0, sentence)
    return Place(content_id(article.id, "place", start, end), article.id, start, end, text,
                 found.name, found.lat, found.lon, found.country, found.country_code,
                 found.admin1, found.precision, found.geonameid, found.candidates, sentence)


# --- event mentions -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Context:
    """The article's records; quantities, times, claims and places by sentence index, so each
    trigger looks at its own sentence's (cost linear in the article, whatever its length)."""

    article: Article
    mentions: dict[int, list[Mention]]
    quantities: dict[int, list[Quantity]]
    times: dict[int, list[TimeExpr]]
    quotes: Sequence[Quote]  # by content start
    quote_starts: list[int]
    claims: dict[int, list[Claim]]
    places: dict[int, list[Place]]


def _by_sentence(records) -> dict[int, list]:
    grouped: dict[int, list] = {}
    for record in records:
        grouped.setdefault(record.sentence, []).append(record)
    return grouped


def extract_events(doc, *, article: Article, mentions: Sequence[Mention] = (),
                   quantities: Sequence[Quantity] = (), times: Sequence[TimeExpr] = (),
                   quotes: Sequence[Quote] = (), claims: Sequence[Claim] = (),
                   places: Sequence[Place] = ()) -> list[EventMention]:
    """The event mentions of one parsed article (see the module docstring)."""
    ordered = sorted(quotes, key=lambda q: (q.content_start, q.id))
    context = _Context(article, _by_sentence(mentions), _by_sentence(quantities),
                       _by_sentence(times), ordered, [q.content_start for q in ordered],
                       _by_sentence(claims), _by_sentence(places))
    actions = event_actions()
    found = []
    for index, sent in enumerate(doc.sents):
        for token in sent:
            action = _action_of(token, actions)
            if action is not None:
                mention = _mention(token, action, sent, index, context)
                if mention is not None:
                    found.append(mention)
    return found


def _action_of(token, actions: dict[str, EventAction]) -> EventAction | None:
    lemma = token.lemma_.lower()
    action = actions.get(lemma)
    if action is None:
        return None
    pos = "verb" if token.pos_ in ("VERB", "AUX") or token.tag_ in ("VBN", "VBD") else (
        "noun" if token.pos_ == "NOUN" else None)
    if pos is None or action.pos not in (pos, "both"):
        return None
    if lemma == "round" and not any(c.dep_ == "prt" and c.lower_ == "up" for c in token.children):
        return None
    if pos == "noun" and any(c.lower_ == "press" for c in token.children):
        return None  # a press release
    return action


def _mention(token, action: EventAction, sent, index: int, ctx: _Context) -> EventMention | None:
    verb = token.pos_ != "NOUN"
    agent, target = (verb_roles(token, raise_object=action.action not in INTRANSITIVE)
                     if verb else noun_roles(token))
    sense = event_sense(token, action.action, agent, target)
    if sense is None:  # the word's other sense: figures released, prices rallying
        return None
    if sense != action.action:  # troops capturing a fortification seize it
        action = next(a for a in event_actions().values() if a.action == sense)
    opening = sent.start_char + dateline_length(ctx.article.text[sent.start_char:sent.end_char])
    if agent is not None and agent.idx < opening:  # "Iran, May 25, 2020 - ..." is no agent
        agent = None
    clause = _clause(token)
    lo, hi = clause[0].idx, clause[-1].idx + len(clause[-1].text)
    count = _count(token, target, ctx.quantities.get(index, []))
    places = ctx.places.get(index, [])
    places = _within(places, lo, hi) or places
    times = ctx.times.get(index, [])
    time = _nearest(token, _within(times, lo, hi) or _reported(times, _clause_head(token)))
    if not verb and not (agent or target or count or places or time):
        return None
    if not verb and token.head.lemma_.lower() in _GENERIC_HEADS:
        return None
    speaker, speaker_key, hedged = _attribution(token.idx, index, ctx)
    start, end = token.idx, token.idx + len(token.text)
    status, name, cameo = _status(token), action.action, action.cameo
    if status == "attempted" and name in _ATTEMPT_ACTION:
        (name, cameo), status = _ATTEMPT_ACTION[name], "asserted"
    return EventMention(
        id=content_id(ctx.article.id, "event", start, end), article=ctx.article.id, start=start,
        end=end, trigger=token.text, action=name, cameo=cameo,
        agent=_phrase(agent),
        agent_key=_key(agent, ctx.mentions.get(index, [])), target=_phrase(target),
        target_key=_key(target, ctx.mentions.get(index, [])),
        count=count.id if count is not None else None,
        places=tuple(p.id for p in places), time=time.id if time is not None else None,
        speaker=speaker, hedged=hedged, status=status, sentence=index,
        speaker_key=speaker_key)


def _clause(token) -> list:
    """The tokens of the clause the trigger belongs to: a noun's governing verb's subtree."""
    return list(_clause_head(token).subtree)


def _clause_head(token):
    head = token
    while head.pos_ not in ("VERB", "AUX") and head.head.i != head.i:
        head = head.head
    return head


def _count(token, target, quantities: Sequence[Quantity]) -> Quantity | None:
    counting = [q for q in quantities if q.unit is None]
    for phrase in (target, token):
        if phrase is None:
            continue
        lo, hi = phrase_span(phrase) if phrase is target else (token.i, token.i + 1)
        doc = token.doc
        start, end = doc[lo].idx, doc[hi - 1].idx + len(doc[hi - 1].text)
        if phrase is token:  # "60 arrests": a number modifying the trigger noun
            nums = [c for c in token.children if c.dep_ == "nummod"]
            if not nums:
                continue
            start = min(start, nums[0].idx)
        inside = [q for q in counting if start <= q.start < end]
        if phrase is target:
            inside = [q for q in inside if _counts_phrase(doc, q, target)]
        if inside:
            return inside[0]
    return None


def _counts_phrase(doc, quantity: Quantity, root) -> bool:
    """Whether a number inside the target phrase counts what the phrase names: the phrase
    itself ("five", "15 of his patients", "tens of activists"), a number before its head noun
    or before a noun it heads by "of" ("two men", "a total of 91 foxes"), or before a noun
    joined to it ("Ann and the three other detainees"). Not a number hanging off another word
    of the phrase: an age ("a girl of eight"), children ("a mother of three"), a weight ("the
    18-stone driver"), a number after its noun ("Flight 209") or in a place ("the warden at
    one of the estates")."""
    span = doc.char_span(quantity.start, quantity.end, alignment_mode="expand")
    if span is None:
        return True
    number = span.root
    heads = {root.i, *(t.i for t in root.conjuncts)}
    if number.i in heads:
        return True
    noun = number.head
    if number.i > noun.i:
        return False
    if noun.i in heads:
        return True
    holder = noun.head  # "of" in "a total of 91 foxes"
    return noun.dep_ == "pobj" and holder.lower_ == "of" and holder.head.i in heads


def _reported(times, head) -> list:
    """The sentence's times that may date a trigger outside its own clause: inside the reported
    clause when a speech verb reports it ("said on Monday that police had arrested ten": Monday
    dates the saying, not the arrests), else all of them."""
    clause = head
    while clause.head.i != clause.i:
        if clause.dep_ in ("ccomp", "parataxis") and clause.head.lemma_.lower() in SPEECH_VERBS:
            lo = clause.left_edge.idx
            return _within(times, lo, clause.right_edge.idx + len(clause.right_edge.text))
        clause = clause.head
    return times


def _within(records, start: int, end: int) -> list:
    return [r for r in records if start <= r.start and r.end <= end]


def _nearest(token, records):
    return min(records, key=lambda r: (abs(r.start - token.idx), r.start)) if records else None


def _attribution(offset: int, sentence: int,
                 ctx: _Context) -> tuple[str | None, str | None, bool]:
    """Speaker as shown, its entity key when resolved, and whether the article distances itself."""
    claim = next((c for c in ctx.claims.get(sentence, []) if c.start <= offset < c.end), None)
    if claim is not None:
        return claim.speaker, claim.speaker_key, claim.hedged
    before = bisect.bisect_right(ctx.quote_starts, offset)
    quote = next((q for q in reversed(ctx.quotes[max(0, before - 50):before])
                  if offset < q.content_end), None)
    if quote is not None:
        return quote.speaker, quote.speaker_key, quote.stance == "distancing"
    return None, None, False


def _key(token, mentions: Sequence[Mention]) -> str | None:
    if token is None:
        return None
    covering = [m for m in mentions if m.start <= token.idx < m.end]
    return covering[0].key if covering else None


def _status(token) -> str:
    """``negated``, ``planned``, ``hypothetical``, ``attempted`` or ``asserted`` for a trigger."""
    verb = token
    while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i:
        verb = verb.head
    words = [*token.children, *verb.children]
    if any(c.dep_ == "neg" for c in words) or any(
            c.dep_ == "det" and c.lower_ in _NEGATIVE_DETS for c in token.children):
        return "negated"
    if token.pos_ == "NOUN" and token.dep_ in ("dobj", "nsubjpass") \
            and token.head.lemma_.lower() in _KEPT_FROM:
        return "negated"
    if any(c.dep_ == "aux" and c.lower_ in _FUTURE_AUX for c in words):
        return "planned"
    if _attempt(token, verb):
        return "attempted"
    if verb.dep_ in ("xcomp", "ccomp") and verb.head.lemma_.lower() in _PLAN_VERBS:
        return "planned"
    if _of_a_plan(verb):
        return "planned"
    if token.pos_ == "NOUN" and verb is not token and verb.lemma_.lower() in _PLAN_VERBS:
        return "planned"  # "calls for the arrest of", "called for measures for their release"
    if any(c.dep_ == "aux" and c.lower_ in _MODAL_AUX for c in words):
        return "hypothetical"
    for clause in (verb, *verb.ancestors):
        if any(c.dep_ == "mark" and c.lower_ in _CONDITION_MARKS for c in clause.children):
            return "hypothetical"
    if token is verb and verb.dep_ == "conj" and verb.head.pos_ == "VERB" and not any(
            c.dep_ in ("nsubj", "nsubjpass", "aux", "auxpass") for c in verb.children):
        # "plots to assassinate and maim", "plans to arrest and charge": a verb conjoined with
        # no words of its own is as planned or attempted as the one before it (not as negated:
        # "did not charge him but released him")
        before = _status(verb.head)
        if before in ("planned", "attempted", "hypothetical"):
            return before
    return "asserted"


def _of_a_plan(verb) -> bool:
    """The verb completes a noun of wanting: "a proposal to seize control", "a demand that
    Mandela be released", "his commitment to freeing the hostages"."""
    head = verb.head
    if verb.dep_ == "pcomp" and head.dep_ == "prep" and head.head.i != head.i:
        head = head.head  # "commitment to freeing": the noun the preposition hangs on
    elif verb.dep_ not in ("acl", "ccomp"):
        return False
    return head.i != verb.i and head.pos_ == "NOUN" and head.lemma_.lower() in _PLAN_NOUNS


def _attempt(token, verb) -> bool:
    """An attempt at the action rather than the action: "tried to arrest", "an assassination
    attempt", "a bid to kill", "attempted murder", "a failed raid"."""
    if any(c.dep_ == "amod" and c.lower_ in _ATTEMPT_MODIFIERS for c in token.children):
        return True
    head = token.head
    if token.pos_ == "NOUN" and token.dep_ in ("compound", "nmod", "pobj"):
        noun = head.head if token.dep_ == "pobj" and head.head.i != head.i else head
        if noun.pos_ == "NOUN" and noun.lemma_.lower() in _ATTEMPT_NOUNS:
            return True
    if verb.dep_ in ("xcomp", "acl") and verb.head.lemma_.lower() in _ATTEMPT_VERBS | _ATTEMPT_NOUNS:
        return True
    # "involvement in plots to assassinate": the parser may hang the infinitive on a noun
    # further back; the words before it still say what it is
    before = verb.doc[max(0, verb.i - 2) : verb.i]
    return (len(before) == 2 and before[1].lower_ == "to" and before[0].pos_ in ("NOUN", "VERB")
            and before[0].lemma_.lower() in _ATTEMPT_VERBS | _ATTEMPT_NOUNS)


def _phrase(token) -> str | None:
    """The noun phrase a role word heads; ``None`` for a pronoun or an empty phrase."""
    if token is None or token.pos_ == "PRON":
        return None
    return noun_phrase(token) or None
