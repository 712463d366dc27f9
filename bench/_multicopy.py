"""An undated multi-copy corpus: source texts, copies of each cut or revised, independent texts.

The sources are the three wire reports of the team's example corpus (``examples/corpus/feeds/
wire.jsonl``: the Korvask arrests, the Port Alcena strike, the Ostrel arrests). Each is copied
``copies`` times in each of three ways, with a fixed seed (the headline stays the first line,
one word of it swapped; the body becomes one paragraph):

* ``cut``: whole sentences dropped (a third of them, never the first), the rest verbatim;
* ``light``: every sentence kept in order, one or two words per sentence changed (a synonym, a
  number word, a dropped adverb), as a sub-editor would;
* ``heavy``: synonyms swapped wherever the table has one, a quarter of the sentences dropped,
  neighbouring sentences swapped, and a sentence of the copier's own added at the end.

The independent texts (``INDEPENDENT``) were written for this benchmark: reports on the same
topics (arrests in Velmora's provinces, port and ferry strikes) that copy nothing; with them the
example corpus's local paper on the Korvask arrests, its own reporting of the same press
conference as the first source (an independent origin in examples/ANSWERS.md). The example
corpus's follow-up wire (the strike extended, same agency, its own report) is kept apart as
``follow-up``. Nothing carries a date, an URL or an outlet that names another: direction must
come from the texts.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("mna-20240305-korvask-arrests", "mna-20240611-alcena-strike", "mna-20250514-ostrel-arrests")
FOLLOW_UP = "mna-20240613-alcena-strike-extended"

# Word swaps a reviser makes, a few choices each: two revisers rarely pick the same words.
SYNONYMS = {
    "said": ("stated", "reported", "declared"), "arrested": ("detained", "seized", "rounded up"),
    "detained": ("held", "locked up", "taken in"), "announced": ("disclosed", "revealed", "made public"),
    "news conference": ("press briefing", "press conference", "media briefing"),
    "individuals": ("people", "persons", "men and women"), "people": ("persons", "residents", "citizens"),
    "previous": ("preceding", "past", "last"), "surrounding": ("neighbouring", "nearby", "adjacent"),
    "banned": ("outlawed", "prohibited", "proscribed"), "government": ("authorities", "state", "cabinet"),
    "suspects": ("accused", "detainees", "those held"), "students": ("young people", "undergraduates", "pupils"),
    "members": ("supporters", "activists", "followers"), "strike": ("stoppage", "walkout", "industrial action"),
    "walked off the job": ("downed tools", "stopped work", "left their posts"),
    "busiest": ("largest", "biggest", "most important"), "waiting": ("idling", "queueing", "stuck"),
    "pay": ("wages", "salaries", "earnings"), "talks": ("negotiations", "discussions", "meetings"),
    "union": ("labour union", "workers' body", "trade union"), "officials": ("authorities", "functionaries", "administrators"),
    "accused": ("charged", "suspected", "alleged"), "movement": ("group", "organisation", "faction"),
    "province": ("region", "district", "territory"), "city": ("town", "municipality", "urban centre"),
    "country": ("nation", "state", "land"), "began": ("started", "commenced", "got under way"),
    "leader": ("head", "chief", "boss"), "head": ("chief", "director", "leader"),
    "started": ("begun", "launched", "opened"), "about": ("roughly", "around", "some"),
    "more than": ("over", "upwards of", "in excess of"), "at least": ("no fewer than", "a minimum of", "not less than"),
    "also": ("as well", "too", "in addition"), "however": ("but", "yet", "still"),
    "carried out": ("conducted", "made", "performed"), "recruiting": ("enlisting", "signing up", "drafting"),
    "ships": ("vessels", "boats", "freighters"), "harbour": ("port", "docks", "waterfront"),
    "offer": ("proposal", "deal", "bid"), "told": ("informed", "assured", "reminded"),
}
LIGHT_DROPS = ("also", "still", "about", "only", "already", "on Tuesday", "on Wednesday")
OWN_LINES = (
    "Observers say the episode is unlikely to be the last of its kind this year.",
    "Readers can follow further developments on our website throughout the week.",
    "The events have prompted fresh debate among commentators in the capital.",
)

INDEPENDENT = (
    # written for this benchmark; copies nothing from the example corpus or anywhere else
    ("korvask-border", "Border guards in Korvask province stopped a lorry carrying unlicensed rifles on "
     "Friday night, the provincial governor's office said. Two drivers were taken into custody at the "
     "Tessel crossing. The governor's spokesman would not say whether the weapons were linked to any "
     "political group. Local residents told reporters the crossing had been closed for six hours while "
     "investigators searched the vehicle. A court in Tessel is expected to hear the case next month."),
    ("selvar-protest", "Several hundred relatives of detained men gathered outside the courthouse in "
     "Selvar on Monday to demand that lawyers be allowed to see them. Police kept the crowd behind "
     "metal barriers but made no arrests. A lawyer for four of the families said her clients had not "
     "been charged with any offence. The regional prosecutor's office declined to comment. Protesters "
     "dispersed peacefully in the early evening after a heavy rain shower."),
    ("maruda-campus", "Maruda Technical University suspended classes for three days after a dispute "
     "between two student societies turned into a scuffle in the main library. The rector said in a "
     "letter to staff that nobody had been seriously hurt. Campus security has been reinforced and "
     "visitors must now show identity cards at the gate. Student representatives accused the "
     "administration of overreacting to what they called a minor quarrel."),
    ("veska-ferry", "Ferry crews at the northern port of Veska voted by a large majority to refuse "
     "overtime from next week, their association announced. The dispute concerns new rosters that "
     "crews say leave too little rest between crossings. The ferry operator said timetables to the "
     "islands would run as normal for now. Tourism businesses on the islands fear cancellations if "
     "the ban continues into the summer season. Mediators have offered to meet both sides on Thursday."),
    ("alcena-rail", "Freight trains serving the Port Alcena container yard ran late for a second day "
     "after a signalling fault near the junction at Orvel, the rail company said. Engineers replaced a "
     "damaged cable but warned that delays could last into the weekend. Hauliers complained that "
     "lorries were queueing for hours on the approach road. The company apologised and said it would "
     "publish a revised schedule in the morning."),
    ("ostrel-court", "A court in Ostrel province sentenced a former municipal treasurer to five years "
     "in prison for embezzling funds meant for school repairs. Judges found that he had moved the money "
     "through accounts held by relatives over four years. His lawyer said he would appeal. The case "
     "was brought after auditors noticed that three schools in the district had received no repairs "
     "despite payments recorded in the town's books."),
    ("velmora-budget", "Velmora's finance ministry raised its forecast for tax revenue this year, "
     "citing stronger exports of timber and machinery. The minister told parliament that the deficit "
     "would be smaller than planned but warned against new spending promises. Opposition deputies "
     "said the figures hid rising debts at regional level. The central bank is due to publish its own "
     "outlook at the end of the month."),
    ("selvar-floods", "Heavy rain flooded low-lying streets in Selvar overnight, cutting power to "
     "parts of the old town and closing two bridges over the river. Emergency crews pumped water from "
     "basements and moved elderly residents to a school gymnasium. The weather service expects the "
     "river to peak on Wednesday afternoon. Shopkeepers counted the cost of damaged stock as the water "
     "began to recede from the market square."),
)

_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+[\"'”’)]*|$)")


@dataclass(frozen=True)
class Text:
    id: str
    text: str
    role: str  # source | cut | light | heavy | independent | follow-up
    source: str | None  # the id of the text it copies, for copies


def _sentences(text: str) -> list[str]:
    return [m.group(0).strip() for line in text.splitlines() for m in _SENTENCE.finditer(line)
            if m.group(0).strip()]


def _swap(sentence: str, rng: random.Random, *, limit: int | None) -> str:
    keys = [k for k in SYNONYMS if re.search(rf"\b{re.escape(k)}\b", sentence)]
    rng.shuffle(keys)
    for key in keys[:limit] if limit is not None else keys:
        sentence = re.sub(rf"\b{re.escape(key)}\b", rng.choice(SYNONYMS[key]), sentence, count=1)
    return sentence


def _revised(revise):
    """``revise`` applied to the body; the headline line stays a line of its own (revised too)."""
    def revision(text: str, rng: random.Random) -> str:
        headline, _, body = text.partition("\n")
        return _swap(headline, rng, limit=1) + "\n" + revise(body, rng)
    revision.__name__ = revise.__name__
    return revision


@_revised
def cut(text: str, rng: random.Random) -> str:
    sentences = _sentences(text)
    head, rest = sentences[:1], sentences[1:]
    keep = sorted(rng.sample(range(len(rest)), k=max(1, round(len(rest) * 2 / 3))))
    return " ".join(head + [rest[i] for i in keep])


@_revised
def light(text: str, rng: random.Random) -> str:
    out = []
    for sentence in _sentences(text):
        sentence = _swap(sentence, rng, limit=rng.choice((1, 2)))
        for word in LIGHT_DROPS:
            if f" {word} " in sentence and rng.random() < 0.5:
                sentence = sentence.replace(f" {word} ", " ", 1)
                break
        out.append(sentence)
    return " ".join(out)


@_revised
def heavy(text: str, rng: random.Random) -> str:
    sentences = [_swap(s, rng, limit=None) for s in _sentences(text)]
    head, rest = sentences[:1], sentences[1:]
    rest = [s for s in rest if rng.random() >= 0.25]
    for i in range(0, len(rest) - 1, 2):
        if rng.random() < 0.5:
            rest[i], rest[i + 1] = rest[i + 1], rest[i]
    return " ".join(head + rest + [rng.choice(OWN_LINES)])


def build_corpus(*, copies: int = 2, seed: int = 7) -> list[Text]:
    """The sources, ``copies`` copies of each per kind, the independent texts and the follow-up."""
    rows = {}
    with (REPO_ROOT / "examples" / "corpus" / "feeds" / "wire.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            rows[row["id"]] = row["text"]
    rng = random.Random(seed)
    texts = []
    for number, key in enumerate(SOURCES, start=1):
        # the source body without the wire's slug and byline lines: copies do not carry them
        body = "\n".join(line for line in rows[key].splitlines()
                         if line.strip() and not line.isupper() and not line.startswith("By "))
        source_id = f"s{number}"
        texts.append(Text(source_id, body, "source", None))
        for kind, revise in (("cut", cut), ("light", light), ("heavy", heavy)):
            for copy in range(1, copies + 1):
                texts.append(Text(f"{source_id}-{kind}{copy}", revise(body, rng), kind, source_id))
    texts += [Text(f"ind-{key}", text, "independent", None) for key, text in INDEPENDENT]
    texts.append(Text("ind-korvask-today", _own_reporting(), "independent", None))
    texts.append(Text("follow-up", rows[FOLLOW_UP], "follow-up", None))
    return texts


def _own_reporting() -> str:
    """The example corpus's local paper on the Korvask arrests (its own reporting from the same
    press conference: an independent origin, see examples/ANSWERS.md), without its page chrome."""
    lines = (REPO_ROOT / "examples" / "corpus" / "scraped" / "korvask-today-arrests.txt").read_text(
        encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("By "))
    end = lines.index("Most read")
    return "\n".join([lines[start - 1], *(line for line in lines[start + 1:end] if line.strip())])
