"""Which sense of a trigger word the taxonomy means, from the people and things around it.

Most trigger words of ``data/event_actions.tsv`` have an everyday sense that is no event of the
taxonomy: figures are *released*, prices *rally*, a company *executes* a letter of intent,
a fungus *kills* leaves, a policy *threatens* growth, a bank *restrains* inflation. Business
and general news are full of them. What tells the senses apart is who or what takes part, as
dictionaries' selectional restrictions say: one releases, executes or arrests people, a
protest is people's, one dismantles a network, not a trade barrier. So each action keeps a
trigger only when its participants fit:

* people (``people``): a personal pronoun, a person or a nationality as tagged (PERSON, NORP),
  a proper noun the tagger left untyped, a number standing for people ("twenty were
  arrested"), or a noun naming people (``PEOPLE``: prisoners, activists, troops, workers, ...);
* groups (``groups``): people, an organisation (ORG), or a noun naming an organised group
  (``GROUPS``: cells, networks, gangs, units, ...);
* places and materiel (``held``): a place as tagged (GPE, LOC, FAC) or a noun naming ground or
  arms (``HELD``: positions, towns, weapons, tanks, ...).

The rules, by action (a missing participant passes unless said otherwise):

* arrest: *arrest*, *detain*, *jail* and the like have no other sense in the news; *capture*,
  *restrain*, *round up* and *nab* need people or a group, and *capture* of places or
  materiel is the ``seize`` action (troops capturing a fortification);
* release: people or groups are released, or someone "on bail" or "from prison" (figures,
  reports, products, patches, taxes are not);
* sentence, summon, torture, abduct, expel, kill, injure: not a target that is clearly a thing
  (leaves, a disease, a deal, "injured reserve"); *beat* and *abuse* need people as target
  (a team beaten is a game);
* execute: people are executed (orders, letters and agreements are not), and "executions"
  with no one named are (not a mock one, nor "the time of execution" of a trade); *hang* only as
  "hanged";
* attack: not a kind of thing ("attack helicopters", "attack ads") nor an illness ("a heart
  attack"), not *shoot* up or back, nor down a non-group ("shares shot up", "he shot back", "a
  story shot down"), not an attack on a text, a policy or a figure (a law, a report, a
  forecast, a wage freeze, pledges: words, not force), nor one that calls its target
  something ("attacked the budget as reckless");
* protest: *demonstrate* and *demonstration* with something demonstrated ("demonstrated a
  chip", "a demonstration of its speed") show, not protest; a *rally* is by people (not
  prices, exports or issues rallying), and "a rally in" something that is neither a place nor
  people is a market's;
* seize: not an abstract thing (an opportunity, a chance, the initiative);
* identify, dismantle, bust: a group is identified, dismantled or busted (reserves, markets and
  trade barriers are not); "identified with" is an association, and a source "who declined to
  be identified" is anonymous;
* threaten: the one who threatens is a group or a place's government (GPE), not a policy, an
  illness or instability.

Measured on 2,000 Reuters articles (business news; labels in ``bench/event_senses_gold.tsv``)
and on ECB+ and the seeds (``docs/benchmarks.md``, Events).
"""

from __future__ import annotations

__all__ = ["event_sense", "PEOPLE", "GROUPS", "HELD"]

PEOPLE = frozenset("""
people person persons man men woman women child children kid kids boy boys girl girls baby
babies youth youths teen teens teenager teenagers adult adults minor minors individual
individuals resident residents citizen citizens national nationals villager villagers local
locals civilian civilians inhabitant inhabitants population family families relative relatives
son sons daughter daughters wife wives husband husbands mother mothers father fathers brother
brothers sister sisters parent parents cousin cousins friend friends colleague colleagues
student students pupil pupils teacher teachers professor professors academic academics
scholar scholars worker workers employee employees staff staffer staffers laborer laborers
labourer labourers miner miners mineworker mineworkers farmer farmers fisherman fishermen
driver drivers pilot pilots sailor sailors seaman seamen crew crewman crewmen passenger
passengers tourist tourists traveller travellers traveler travelers visitor visitors migrant
migrants refugee refugees asylum-seeker asylum-seekers immigrant immigrants
soldier soldiers troop troops serviceman servicemen officer officers policeman policemen
policewoman police guard guards guardsman guardsmen commander commanders general generals
colonel colonels captain captains sergeant sergeants fighter fighters militant militants
rebel rebels insurgent insurgents guerrilla guerrillas gunman gunmen attacker attackers
assailant assailants terrorist terrorists jihadist jihadists extremist extremists militia
militiaman militiamen combatant combatants personnel recruit recruits veteran veterans
prisoner prisoners detainee detainees inmate inmates hostage hostages captive captives convict
convicts suspect suspects defendant defendants accused culprit culprits offender offenders
criminal criminals smuggler smugglers trafficker traffickers thief thieves robber robbers
dealer dealers spy spies agent agents informant informants collaborator collaborators
activist activists protester protesters protestor protestors demonstrator demonstrators
dissident dissidents opponent opponents critic critics campaigner campaigners striker strikers
unionist unionists journalist journalists reporter reporters correspondent correspondents
editor editors writer writers blogger bloggers photographer photographers lawyer lawyers
attorney attorneys judge judges cleric clerics priest priests imam imams monk monks nun nuns
pastor pastors bishop bishops believer believers worshipper worshippers pilgrim pilgrims
follower followers supporter supporters member members sympathiser sympathisers sympathizer
sympathizers leader leaders official officials minister ministers president presidents
politician politicians lawmaker lawmakers legislator legislators senator senators deputy
deputies mp mps diplomat diplomats ambassador ambassadors envoy envoys negotiator negotiators
governor governors mayor mayors candidate candidates voter voters executive executives
director directors manager managers chairman chairmen owner owners businessman businessmen
banker bankers financier financiers broker brokers investor investors trader traders
doctor doctors nurse nurses patient patients medic medics victim victims casualty casualties
survivor survivors witness witnesses bystander bystanders pedestrian pedestrians shopper
shoppers fan fans player players athlete athletes artist artists actor actors singer singers
musician musicians poet poets christian christians muslim muslims jew jews bahai bahais kurd
kurds iraqi iraqis iranian iranians
chief chiefs boss bosses head heads sheriff sheriffs deputy trooper troopers constable
constables detective detectives investigator investigators prosecutor prosecutors coworker
coworkers co-worker co-workers partner partners neighbour neighbours neighbor neighbors
mum mom mums moms dad dads grandmother grandmothers grandfather grandfathers grandson
grandsons granddaughter granddaughters girlfriend girlfriends boyfriend boyfriends fiancee
fiance spouse spouses widow widows orphan orphans infant infants toddler toddlers newborn
pirate pirates brigand brigands bandit bandits poacher poachers kidnapper kidnappers hijacker
hijackers murderer murderers killer killers rapist rapists burglar burglars looter looters
rioter rioters arsonist arsonists fugitive fugitives escapee escapees deserter deserters
gangster gangsters mobster mobsters crook crooks fraudster fraudsters hacker hackers
shooter shooters bomber bombers sniper snipers climber climbers hiker hikers swimmer swimmers
diver divers skier skiers runner runners cyclist cyclists motorist motorists rider riders
guest guests customer customers client clients shareholder shareholders consumer consumers
tenant tenants landlord landlords homeowner homeowners employer employers contractor
contractors volunteer volunteers trainee trainees cadet cadets marine marines commando
commandos paratrooper paratroopers conscript conscripts policemen gendarme gendarmes
mp mps bodyguard bodyguards aide aides adviser advisers advisor advisors spokesman spokesmen
spokeswoman spokeswomen spokesperson official officials clergyman clergymen rabbi rabbis
others other one ones all both many several some most each few everyone somebody
""".split())

GROUPS = frozenset("""
group groups cell cells network networks ring rings gang gangs cartel cartels team teams unit
units squad squads band bands faction factions organisation organisations organization
organizations party parties movement movements militia militias brigade brigades battalion
battalions division divisions regiment regiments force forces army armies cult cults sect
sects syndicate syndicates club clubs association associations union unions
""".split())

HELD = frozenset("""
position positions post posts outpost outposts base bases camp camps fortification
fortifications stronghold strongholds defence defences defense defenses line lines trench
trenches height heights hill hills ridge ridges area areas territory territories region
regions town towns city cities village villages district districts province provinces
bridge bridges road roads airport airports port ports harbour harbor border crossing
building buildings compound compounds headquarters office offices station stations
weapon weapons arm arms gun guns rifle rifles ammunition munition munitions explosive
explosives bomb bombs missile missiles rocket rockets tank tanks vehicle vehicles carrier
carriers truck trucks car cars boat boats ship ships vessel vessels aircraft plane planes
helicopter helicopters equipment hardware drug drugs narcotic narcotics heroin cocaine cannabis
shipment shipments cargo consignment consignments cash money document documents passport
passports property properties land farmland hectare hectares house houses home homes
""".split())

_ABSTRACT = frozenset("""
opportunity opportunities chance chances initiative moment momentum advantage lead imagination
headline headlines day spotlight occasion
""".split())
_TEXTS = frozenset("""
act acts bill bills law laws plan plans policy policies proposal proposals decision decisions
idea ideas report reports story stories remark remarks statement statements view views
comment comments speech speeches book books article articles ruling rulings budget budgets
program programs programme programmes deal deals agreement agreements measure measures
forecast forecasts estimate estimates projection projections figure figures data statistics
freeze freezes stance approach handling strategy strategies reform reforms tax taxes tariff
tariffs subsidy subsidies spending constitutionality legality credibility integrity
reputation leadership performance record pledge pledges promise promises manifesto manifestos
scheme schemes
""".split())
_THINGS = frozenset("""
leaf leaves tree trees plant plants crop crops weed weeds grass flower flowers fish animal
animals cow cows cattle bird birds insect insects pest pests bacteria germ germs virus viruses
disease diseases cancer infection infections tumor tumors tumour tumours pain
deal deals bill bills plan plans proposal proposals idea ideas project projects story stories
rumor rumors rumour rumours rally hope hopes chance chances momentum engine engines motor
motors light lights power time clock reserve list program programme process application
applications feature features file files message messages
""".split())
_CUSTODY = frozenset("bail bond parole probation licence license prison jail custody detention "
                     "captivity".split())
_PRONOUNS = frozenset("he she they him her them we us i me you who whom whoever someone "
                      "somebody anyone anybody everyone everybody none".split())
_GROUP_LABELS = frozenset({"ORG", "NORP"})
_PEOPLE_LABELS = frozenset({"PERSON", "NORP"})
_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
# "declined to be identified", "asked not to be identified": a source unnamed, not an event
_UNNAMED = frozenset("decline refuse ask wish want request prefer".split())
_AMBIGUOUS_ARRESTS = frozenset({"capture", "restrain", "round", "nab"})
_ATTACK_KINDS = frozenset("helicopter helicopters submarine submarines aircraft plane planes jet jets "
                          "boat boats craft dog dogs ad ads advertisement advertisements "
                          "line lines mode".split())
_SEIZURES = frozenset("heart panic asthma anxiety migraine".split())
# endings of nouns naming people: -ist (activist), -ian (civilian), -ee (detainee), -man/-men,
# -woman/-women, -person/-people (spokesperson, tradespeople)
_PEOPLE_ENDINGS = ("ist", "ists", "ian", "ians", "ee", "ees", "man", "men", "person", "people")
# a measure of something ("large amounts of munitions"): the something takes part
_MEASURES = frozenset("amount amounts quantity quantities number numbers lot lots cache caches "
                      "stockpile stockpiles haul hauls batch batches consignment pile piles "
                      "dozen dozens hundred hundreds thousand thousands tens scores millions "
                      "handful couple pair".split())


def people(token) -> bool:
    if token is None:
        return False
    if token.pos_ == "PRON":
        return token.lower_ in _PRONOUNS
    if token.ent_type_ in _PEOPLE_LABELS or token.lower_ in PEOPLE:
        return True
    if token.pos_ == "NOUN" and token.lower_.endswith(_PEOPLE_ENDINGS):
        return True  # industrialists, Iranians, trainees, spokesmen
    if token.pos_ == "PROPN" and not token.ent_type_:
        return True  # a name the tagger left untyped
    return token.pos_ == "NUM" or token.like_num  # "twenty were arrested", "200 of its men"


def groups(token) -> bool:
    return token is not None and (people(token) or token.ent_type_ in _GROUP_LABELS
                                  or token.lower_ in GROUPS)


def _thing(token) -> bool:
    """A participant that is clearly no person: a thing, a plant or an animal, an illness, a
    document, a deal, a list ("injured reserve")."""
    return token.lower_ in _THINGS or token.ent_type_ in ("PRODUCT", "LAW", "WORK_OF_ART",
                                                          "MONEY", "PERCENT")


def _from_custody(trigger) -> bool:
    """Released "on bail", "on parole", "from prison", "from custody": people are."""
    for prep in (c for c in trigger.children if c.dep_ == "prep" and c.lower_ in ("on", "from")):
        if any(g.dep_ == "pobj" and g.lower_ in _CUSTODY for g in prep.children):
            return True
    return False


def held(token) -> bool:
    return token is not None and (token.ent_type_ in _PLACE_LABELS or token.lower_ in HELD)


def event_sense(trigger, action: str, agent, target) -> str | None:
    """The action ``trigger`` names with these participants (head tokens or ``None``), or
    ``None`` when its participants say it is the word's other sense (rules above)."""
    lemma, verb = trigger.lemma_.lower(), trigger.pos_ != "NOUN"
    agent, target = _participant(trigger, agent, "nsubj"), _participant(trigger, target, "dobj")
    if action == "arrest":
        if lemma not in _AMBIGUOUS_ARRESTS:
            return action  # "arrest", "detain", "jail": no other sense in the news
        if groups(target):
            return action
        return "seize" if lemma == "capture" and held(target) else None
    if action == "release":
        return action if groups(target) or _from_custody(trigger) else None
    if action == "execute":
        if lemma == "hang" and trigger.lower_ != "hanged":
            return None
        if not verb and target is None:  # "300 executions last year", not "time of execution"
            mock = any(c.dep_ == "amod" and c.lower_ == "mock" for c in trigger.children)
            return action if trigger.tag_ == "NNS" and not mock else None
        return action if people(target) else None
    if action in ("sentence", "summon", "abduct", "expel", "kill", "injure", "torture"):
        if lemma in ("beat", "abuse"):
            return action if people(target) else None  # a team beaten is a game
        return action if target is None or groups(target) or not _thing(target) else None
    if action == "attack":
        if not verb and trigger.dep_ == "compound" and trigger.head.lower_ in _ATTACK_KINDS:
            return None  # "attack helicopters", "attack ads": a kind of thing
        if not verb and any(c.dep_ == "compound" and c.lower_ in _SEIZURES for c in trigger.children):
            return None  # "a heart attack", "a panic attack"
        particles = {c.lower_ for c in trigger.children
                     if c.dep_ == "prt" or (c.dep_ == "advmod" and c.lower_ == "back")}
        if lemma == "shoot" and (particles & {"up", "back"} or (
                "down" in particles and not groups(target) and not held(target))):
            return None  # "shares shot up", "he shot back", "a story shot down"
        if not verb and target is None:  # "an attack on the pay freeze": what "on" names
            target = next((g for c in trigger.children if c.dep_ == "prep"
                           and c.lower_ in ("on", "against") for g in c.children
                           if g.dep_ == "pobj"), None)
        if target is not None and (target.ent_type_ in ("LAW", "WORK_OF_ART")
                                   or target.lower_ in _TEXTS):
            return None  # words against a text, a policy or a figure
        if verb and _criticised(trigger):
            return None  # "attacked the budget as reckless": words
        return action
    if action == "protest":
        return action if _protest(trigger, lemma, verb, agent, target) else None
    if action == "seize":
        return action if target is None or target.lower_ not in _ABSTRACT else None
    if action == "identify":
        if any(c.dep_ == "prep" and c.lower_ == "with" for c in trigger.children):
            return None  # "identified with" an idea or a person: an association
        if trigger.dep_ == "xcomp" and trigger.head.lemma_.lower() in _UNNAMED:
            return None  # "who declined to be identified": a source's anonymity
        return action if groups(target) else None
    if action == "threaten":
        return action if agent is None or groups(agent) or agent.ent_type_ == "GPE" else None
    return action


def _criticised(trigger) -> bool:
    """An attack in words: what the attacker calls the target ("attacked the budget as
    reckless", "has been attacked as an insult to the staff")."""
    return any(c.dep_ == "prep" and c.lower_ == "as" for c in trigger.children)


def _protest(trigger, lemma: str, verb: bool, agent, target) -> bool:
    if lemma in ("demonstrate", "demonstration"):
        shown = any(c.dep_ in ("dobj", "ccomp") for c in trigger.children) or (
            not verb and target is not None)
        return not shown
    if lemma == "rally":
        if verb:
            return agent is None or groups(agent)
        for prep in (c for c in trigger.children if c.dep_ == "prep" and c.lower_ == "in"):
            where = next((c for c in prep.children if c.dep_ == "pobj"), None)
            if where is not None and not held(where) and not groups(where):
                return False  # "a rally in futures", "a rally in demand": a market's
        return agent is None or groups(agent)
    return True


_RELATIVE = frozenset({"that", "which", "who", "whom"})


def _participant(trigger, token, dep: str):
    """The word a participant stands for: the noun a participle or relative clause modifies
    ("the prisoners released", "opportunities that must be seized", "problems which threaten"),
    for a verb with no subject of its own its head's ("issues continued to rally", "measures
    ... and threaten"), and what a measure measures ("large amounts of munitions")."""
    modified = trigger.head if trigger.dep_ in ("acl", "amod", "relcl") else None
    if token is None and dep == "nsubj":
        token = next((c for c in trigger.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if token is None and trigger.dep_ in ("xcomp", "conj") and trigger.head.i != trigger.i:
            return _participant(trigger.head, None, dep)
    if token is None and modified is not None and dep == "dobj" and trigger.dep_ != "relcl":
        return modified  # "the prisoners released on Monday", "newly captured areas"
    if token is None and dep == "dobj" and any(c.dep_ == "auxpass" for c in trigger.children):
        # a passive with no subject of its own: its clause's ("members ... before being captured")
        for verb in trigger.ancestors:
            subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            if subject is not None:
                return subject
    if token is not None and token.lower_ in _RELATIVE and trigger.dep_ == "relcl":
        return modified
    if token is not None and (token.lower_ in _MEASURES or token.like_num or token.pos_ == "NUM"):
        # "large amounts of munitions", "one of the strongest fortifications", "200 of its men"
        measured = next((g for c in token.children if c.lower_ == "of"
                         for g in c.children if g.dep_ == "pobj"), None)
        return measured or token
    return token
