"""Event mentions (enrich) and events across articles (assess), on hand-written text and records."""

from __future__ import annotations

import dataclasses

import pytest

from crosscheck.assess.events import assess_events
from crosscheck.enrich import enrich_batch
from crosscheck.enrich.events import ACTIONS, event_actions
from crosscheck.records import (Article, Derivation, Event, EventConflict, EventMember,
                                EventMention, EventPlace, Passage, Place, Quantity, TimeExpr,
                                content_id)
from crosscheck.settings import Settings


def _article(article_id: str, text: str = "", *, published: str | None = "2024-03-05",
             outlet: str | None = None) -> Article:
    return Article(id=article_id, source=f"{article_id}.txt", url=None, outlet=outlet or article_id,
                   outlet_from="input", title=None, published=published,
                   published_from="input" if published else None, language="en", text=text)


def _events_of(text: str) -> tuple[list[EventMention], dict]:
    records = enrich_batch([_article("a", text)], settings=Settings())
    by_id = {r.id: r for r in records if isinstance(r, (Quantity, TimeExpr, Place))}
    return [r for r in records if isinstance(r, EventMention)], by_id


# --- taxonomy ---------------------------------------------------------------------------------


def test_every_trigger_has_an_action_a_cameo_code_and_an_acled_type():
    table = event_actions()
    assert {"arrest", "release", "execute", "kill", "protest", "raid", "torture"} <= set(ACTIONS)
    for lemma, action in table.items():
        assert action.pos in ("verb", "noun", "both"), lemma
        assert action.cameo.isdigit() and "/" in action.acled, lemma


# --- mentions ---------------------------------------------------------------------------------


def test_an_arrest_with_its_agent_count_and_time():
    mentions, by_id = _events_of("In May, security forces raided homes and detained tens of activists.")
    raid, arrest = sorted(mentions, key=lambda m: m.start)
    assert (raid.action, raid.status, raid.agent, raid.target) == ("raid", "asserted", "security forces", "homes")
    assert (arrest.action, arrest.trigger, arrest.agent) == ("arrest", "detained", "security forces")
    assert by_id[arrest.count].text.startswith("tens")
    assert by_id[arrest.time].text == "May"
    assert arrest.cameo == "173"


def test_a_passive_arrest_reported_by_an_office_takes_the_office_as_agent():
    mentions, by_id = _events_of("The provincial office of the ministry says sixty people have "
                                 "been arrested in the past year.")
    [arrest] = mentions
    assert arrest.target == "sixty people" and by_id[arrest.count].value == 60
    assert arrest.agent is not None and "office" in arrest.agent
    assert by_id[arrest.time].text == "the past year"


@pytest.mark.parametrize(("text", "count"), [
    ("Police arrested a mother of three in Dorran on Monday.", None),
    ("A gunman killed a girl of eight in Dorran on Monday.", None),
    ("Police arrested the chief warden at one of the parks on Monday.", None),
    ("They jailed the 18-stone driver in Dorran on Monday.", None),
    ("Police arrested more than 3,000 people on Monday.", "more than 3,000"),
    ("Police arrested a total of 91 protesters on Monday.", "91"),
    ("Police arrested five of them on Monday.", "five"),
])
def test_a_count_is_of_the_people_the_target_names_not_an_age_or_a_weight(text, count):
    [mention], by_id = _events_of(text)
    assert (by_id[mention.count].text if mention.count else None) == count


@pytest.mark.parametrize(("text", "status"), [
    ("Police did not arrest anyone on Monday.", "negated"),
    ("The ministry plans to arrest 20 people next week.", "planned"),
    ("The police will detain the organisers on Friday.", "planned"),
    ("If the guards arrest the teachers, the union will strike.", "hypothetical"),
    ("The guards arrested 12 teachers on Monday.", "asserted"),
    ("Police tried to arrest forty students in Dorran on Monday.", "attempted"),
    ("The ministry plans to question and arrest 20 people next week.", "planned"),
    ("Rallies backed the union's demand that the activists be released.", "planned"),
    ("The governor repeated his commitment to freeing the activists.", "planned"),
    ("Officials said efforts to free the activists had failed.", "attempted"),
])
def test_negated_planned_and_hypothetical_events_are_marked(text, status):
    mentions, _ = _events_of(text)
    arrests = [m for m in mentions if m.action in ("arrest", "release")]
    assert [m.status for m in arrests] == [status]


@pytest.mark.parametrize("text", [
    "Gunmen attempted to kill the governor of Dorran on Monday.",
    "The group survived an assassination attempt in Dorran last year.",
    "The governor survived an attempted murder in Dorran on Monday.",
    "The envoy condemned the agency's involvement in plots to assassinate dissidents in Dorran.",
])
def test_an_attempt_to_kill_is_an_attack_not_a_killing(text):
    mentions, _ = _events_of(text)
    assert [(m.action, m.cameo, m.status) for m in mentions] == [("attack", "190", "asserted")]


@pytest.mark.parametrize(("text", "time"), [
    ("The governor said on Monday that police had arrested forty students in Dorran.", None),
    ("The governor said on Monday that police arrested forty students in Dorran last week.",
     "last week"),
    ("Police arrested forty students in Dorran on Monday, the governor said.", "Monday"),
    ("Police arrested forty students in Dorran on Monday.", "Monday"),
])
def test_the_date_of_a_statement_is_not_the_date_of_the_event_it_reports(text, time):
    [arrest], by_id = _events_of(text)
    assert (by_id[arrest.time].text if arrest.time else None) == time


@pytest.mark.parametrize(("text", "trigger", "target"), [
    ("Twelve smugglers were identified and detained near the border on Monday.", "detained",
     "Twelve smugglers"),
    ("Border guards identified and detained twelve smugglers on Monday.", "identified",
     "twelve smugglers"),
    ("After a long standoff the driver surrendered and was arrested.", "arrested", "the driver"),
])
def test_conjoined_verbs_share_the_people_they_act_on(text, trigger, target):
    mentions, _ = _events_of(text)
    assert {m.trigger: m.target for m in mentions}[trigger] == target


def test_conjoined_verbs_do_not_share_across_other_words_or_into_a_protest():
    mentions, _ = _events_of("Hundreds protested and burned 20 cars in Dorran on Monday.")
    [protest] = [m for m in mentions if m.action == "protest"]
    assert protest.target is None and protest.count is None
    mentions, _ = _events_of("The guards arrested the organisers, and the court later released "
                             "four students.")
    arrest = next(m for m in mentions if m.action == "arrest")
    assert arrest.target == "the organisers"


def test_a_noun_with_nothing_to_log_is_no_event():
    mentions, _ = _events_of("The regime always plays down the number of arrests.")
    assert mentions == []


def test_hostile_text_gives_no_event_and_no_error():
    for text in ("", "arrest " * 400, "\u202e\u0627\u0639\u062a\u0642\u0627\u0644 arrested \x00 ?",
                 "Arrested."):
        records = enrich_batch([_article("h", text)], settings=Settings())
        assert not [r for r in records if type(r).__name__ == "Rejected"], text[:20]


# --- events across articles -------------------------------------------------------------------


def _place(article: str, name: str, *, code: str = "IR", precision: str = "province",
           admin1: str | None = None, geonameid: int | None = None) -> Place:
    return Place(content_id(article, "place", name), article, 0, len(name), name, name, 38.0, 46.0,
                 "Iran", code, admin1 or name, precision, geonameid, 1, 0)


def _quantity(article: str, value: float, text: str | None = None) -> Quantity:
    return Quantity(content_id(article, "q", value), article, 0, 2, text or str(int(value)), value,
                    value, value, False, None, "people", 0)


def _tens(article: str, counted: str) -> Quantity:
    """A vague count, "tens" of ``counted``: 20 to 90."""
    return Quantity(content_id(article, "q", "tens"), article, 0, 4, "tens", None, 20.0, 90.0,
                    True, None, counted, 0)


def _time(article: str, low: str, high: str) -> TimeExpr:
    return TimeExpr(content_id(article, "t", low), article, 0, 5, f"{low}..{high}", "date", low,
                    high, None, 0)


def _mention(article: str, *, count=None, places=(), time=None, status="asserted",
             speaker=None, hedged=False, action="arrest", start=10,
             speaker_key=None) -> EventMention:
    """An arrest mention; a named speaker resolves to its lower-cased last word's key."""
    if speaker_key is None and speaker and speaker[:1].isupper():
        speaker_key = speaker.split()[-1].lower()
    return EventMention(content_id(article, "event", start, action), article, start, start + 8,
                        "arrested", action, "173", "the ministry", None, "members", None,
                        count.id if count else None, tuple(p.id for p in places),
                        time.id if time else None, speaker, hedged, status, 0, speaker_key)


class _Corpus:
    def __init__(self):
        self.articles, self.mentions, self.derivations = {}, [], []
        self.quantities, self.times, self.places = {}, {}, {}
        self.passages = []

    def add(self, article_id, *, published="2024-03-05", count=None, places=(), time=None, **kw):
        self.articles[article_id] = _article(article_id, published=published)
        q = _quantity(article_id, count) if count is not None else None
        ps = [_place(article_id, name) for name in places]
        t = _time(article_id, *time) if time else None
        self.quantities.update({q.id: q} if q else {})
        self.places.update({p.id: p for p in ps})
        self.times.update({t.id: t} if t else {})
        self.mentions.append(_mention(article_id, count=q, places=ps, time=t, **kw))

    def derive(self, source: str, derived: str, kind: str = "rewrite", score: float = 0.6,
               aligned: tuple[tuple[int, int], tuple[int, int]] | None = None):
        """A derivation, with one aligned passage ``(source span, derived span)`` if given."""
        derivation = content_id(source, derived)
        self.derivations.append(Derivation(derivation, source, derived, kind, score, score,
                                           "dated", ""))
        if aligned:
            (s0, s1), (d0, d1) = aligned
            self.passages.append(Passage(content_id(derivation, s0), derivation, s0, s1, d0, d1,
                                         "paraphrase", score))

    def events(self):
        return assess_events(articles=self.articles, mentions=self.mentions,
                             quantities=self.quantities, times=self.times, places=self.places,
                             story_of={a: "s1" for a in self.articles},
                             derivations=self.derivations, passages=self.passages)


def _of(records, kind):
    return [r for r in records if isinstance(r, kind)]


def test_two_reports_of_one_arrest_make_one_event_with_two_origins():
    corpus = _Corpus()
    corpus.add("wire", count=60, places=["East Azarbaijan"])
    corpus.add("paper", published="2024-03-06", count=60, places=["East Azarbaijan"])
    records = corpus.events()
    [event] = _of(records, Event)
    assert (event.action, event.count_low, event.origins) == ("arrest", 60, 2)
    assert {m.article for m in _of(records, EventMember)} == {"wire", "paper"}
    assert [p.name for p in _of(records, EventPlace)] == ["East Azarbaijan"]
    assert _of(records, EventConflict) == []


def test_a_copy_counts_once_and_an_inflated_count_is_a_conflict():
    corpus = _Corpus()
    corpus.add("wire", count=60, places=["East Azarbaijan"], speaker="Qasem Nouri")
    corpus.add("paper", published="2024-03-06", count=90, places=["East Azarbaijan"],
               speaker="Qasem Nouri", hedged=True)
    corpus.derive("wire", "paper")
    records = corpus.events()
    [event] = _of(records, Event)
    assert event.origins == 1 and event.count_text == "60"
    conflicts = {c.slot: dict(zip(c.articles, c.values)) for c in _of(records, EventConflict)}
    assert conflicts == {"count": {"wire": "60", "paper": "90"},
                         "hedge": {"wire": "stated as fact", "paper": "hedged"}}


def test_events_in_two_provinces_or_two_years_stay_apart():
    corpus = _Corpus()
    corpus.add("a", count=60, places=["East Azarbaijan"], time=("2019-01-01", "2019-12-31"))
    corpus.add("b", count=60, places=["Kurdistan"], time=("2019-01-01", "2019-12-31"))
    corpus.add("c", count=60, places=["East Azarbaijan"], time=("2020-05-01", "2020-05-31"))
    assert len(_of(corpus.events(), Event)) == 3


def test_negated_planned_and_empty_mentions_are_not_counted():
    corpus = _Corpus()
    corpus.add("a", count=5, places=["Tehran"], status="negated")
    corpus.add("b", count=5, places=["Tehran"], status="planned")
    corpus.add("c")  # nothing to log: no count, place or time
    assert corpus.events() == []


def test_fifty_copies_of_one_report_are_one_event_with_one_origin():
    corpus = _Corpus()
    corpus.add("origin", count=12, places=["Tehran"])
    for i in range(50):
        corpus.add(f"copy{i:02d}", published="2024-03-06", count=12, places=["Tehran"])
        corpus.derive("origin", f"copy{i:02d}", "copy", 0.99)
    [event] = _of(corpus.events(), Event)
    assert event.origins == 1


def _findings(corpus: _Corpus):
    from crosscheck.assess.events import event_findings

    return event_findings(corpus.events(), articles=corpus.articles,
                          mentions={m.id: m for m in corpus.mentions},
                          quantities=corpus.quantities, derivations=corpus.derivations)


def test_a_count_that_grows_along_a_copy_is_a_finding():
    corpus = _Corpus()
    corpus.add("wire", count=60, places=["East Azarbaijan"])
    corpus.add("paper", published="2024-03-06", count=600, places=["East Azarbaijan"])
    corpus.derive("wire", "paper")
    [found] = _findings(corpus)
    assert (found.kind, found.article, found.related) == ("event_count_grew", "paper", "wire")
    assert '"60"' in found.detail and '"600"' in found.detail


def test_many_outlets_one_origin_is_a_finding():
    corpus = _Corpus()
    corpus.add("origin", count=12, places=["Tehran"])
    for i in range(3):
        corpus.add(f"copy{i}", published="2024-03-06", count=12, places=["Tehran"])
        corpus.derive("origin", f"copy{i}", "copy", 0.99)
    [found] = _findings(corpus)
    assert (found.kind, found.article) == ("event_single_origin", "origin")
    assert found.detail.startswith("4 outlets, one origin")


def test_the_event_map_draws_points_over_shipped_country_outlines():
    from crosscheck.report.html import event_map

    events = [{"id": "e1", "action": "arrest", "articles": ["a", "b"],
               "places": [{"name": "Tabriz", "lat": 38.08, "lon": 46.29}]},
              {"id": "e2", "action": "arrest", "articles": ["a"],
               "places": [{"name": "Shiraz", "lat": 29.61, "lon": 52.54}]},
              {"id": "e3", "action": "protest", "articles": ["c"], "places": [{"name": "Nowhere",
                                                                                 "lat": None, "lon": None}]}]
    drawn = event_map(events)
    assert [p["id"] for p in drawn["points"]] == ["e1", "e2"]
    for point in drawn["points"]:
        assert 0 <= point["x"] <= drawn["width"] and 0 <= point["y"] <= drawn["height"]
    assert "Iran" in {o["name"] for o in drawn["outlines"]}
    assert event_map([]) == {"points": [], "outlines": [], "width": 720, "height": 360}


def test_a_call_for_a_release_is_no_release():
    mentions, _ = _events_of("The group called for urgent measures for the immediate release of "
                             "28 prisoners held in Evin since March.")
    assert [(m.action, m.status) for m in mentions] == [("release", "planned")]


def test_a_relabelled_count_is_one_event_with_a_characterisation_conflict():
    corpus = _Corpus()
    corpus.add("wire", count=60, places=["East Azarbaijan"])
    corpus.add("paper", published="2024-03-06", count=60, places=["East Azarbaijan"])
    corpus.quantities = {k: (q if q.article == "wire" else Quantity(*[
        "members" if f == "counted" else getattr(q, f) for f in Quantity.__slots__]))
        for k, q in corpus.quantities.items()}
    records = corpus.events()
    [event] = _of(records, Event)
    [conflict] = _of(records, EventConflict)
    assert conflict.slot == "characterisation"
    assert dict(zip(conflict.articles, conflict.values)) == {"wire": "60 people", "paper": "60 members"}


def test_one_speaker_under_two_names_is_no_attribution_conflict():
    corpus = _Corpus()
    corpus.add("wire", count=60, places=["Tehran"], speaker="Anselm Drevic")
    corpus.add("paper", published="2024-03-06", count=60, places=["Tehran"], speaker="Drevic")
    assert _of(corpus.events(), EventConflict) == []
    corpus.add("blog", published="2024-03-07", count=60, places=["Tehran"], speaker="Lidia Marren")
    [conflict] = _of(corpus.events(), EventConflict)
    assert conflict.slot == "attribution" and set(conflict.values) == {"Anselm Drevic", "Drevic",
                                                                      "Lidia Marren"}


def test_an_open_count_keeps_its_open_bound():
    """"Far more than 116" is 116 and up, not exactly 116; "up to 30" has no lower bound."""
    corpus = _Corpus()
    more = Quantity(content_id("a", "q", 116), "a", 0, 17, "far more than 116", 116.0, 116.0,
                    None, True, None, "people", 0)
    corpus.articles["a"] = _article("a")
    corpus.quantities[more.id] = more
    corpus.mentions.append(_mention("a", count=more))
    [event] = _of(corpus.events(), Event)
    assert (event.count_text, event.count_low, event.count_high) == ("far more than 116", 116, None)


def test_a_copys_mention_joins_the_event_it_tells_not_the_copys_other_event():
    """The copy's "tens" said by "Minister Ana Cruz" joins the source's "tens" said by "Ana
    Cruz" (one voice), not the copy's own "60", though both are in its story."""
    corpus = _Corpus()
    corpus.add("wire", count=60, places=["Velmora"], speaker="Director Ivo Penn", start=10)
    korvask = _place("wire", "Korvask")
    corpus.places[korvask.id] = korvask
    spies = _tens("wire", "spies")
    corpus.quantities[spies.id] = spies
    corpus.mentions.append(_mention("wire", count=spies, places=[korvask], speaker="Ana Cruz",
                                    start=200))
    corpus.add("paper", published="2024-03-06", count=60, places=["Velmora"],
               speaker="Director Ivo Penn", start=10)
    copy = _tens("paper", "spies")
    corpus.quantities[copy.id] = copy
    corpus.mentions.append(_mention("paper", count=copy, speaker="Minister Ana Cruz", start=300))
    corpus.derive("wire", "paper")
    records = corpus.events()
    by_count = {e.count_text: e.id for e in _of(records, Event)}
    assert set(by_count) == {"60", "tens"}
    tens = {m.article for m in _of(records, EventMember) if m.event == by_count["tens"]}
    assert tens == {"wire", "paper"}


def test_role_phrases_that_name_no_one_are_no_attribution_or_agent_conflict():
    """Two outlets describe one unnamed official in their own words: no conflict; a named
    person against another named person is one."""
    corpus = _Corpus()
    corpus.add("wire", count=60, places=["Tehran"], speaker="the ministry's provincial director",
               speaker_key=None)
    corpus.add("paper", published="2024-03-06", count=60, places=["Tehran"],
               speaker="the provincial office of the ministry", speaker_key=None)
    assert _of(corpus.events(), EventConflict) == []


@pytest.mark.parametrize("resolved", ["a", "b"])
def test_the_event_takes_the_reading_resolved_to_dates(resolved):
    corpus = _Corpus()
    for name in ("a", "b"):
        time = ("2023-11-01", "2023-11-30") if name == resolved else (None, None)
        corpus.add(name, published=None, count=60, places=["East Azarbaijan"], time=time)
    [event] = _of(corpus.events(), Event)
    assert (event.time_start, event.time_end) == ("2023-11-01", "2023-11-30")


def test_the_terminal_shows_an_event_time_with_the_dates_it_resolved_to():
    from crosscheck.report.terminal import _when

    assert _when(None) == "-"
    assert _when({"text": "2018", "start": "2018-01-01", "end": "2018-12-31"}) == "2018"
    assert _when({"text": "last November", "start": "2019-11-01", "end": "2019-11-30"}) == \
        "last November (2019-11)"
    assert _when({"text": "in recent weeks", "start": "2020-04-20", "end": "2020-05-25"}) == \
        "in recent weeks (2020-04-20..2020-05-25)"
    assert _when({"text": "last week", "start": None, "end": None}) == "last week"


def test_a_place_the_gazetteer_does_not_know_does_not_keep_two_reports_apart():
    corpus = _Corpus()
    corpus.add("wire", count=60, places=["East Azarbaijan"])
    corpus.add("paper", published="2024-03-06", count=60)
    unknown = Place(content_id("paper", "place", "unknown"), "paper", 0, 16, "Islamic Republic",
                    "Islamic Republic", None, None, None, None, None, None, None, 0, 0)
    corpus.places[unknown.id] = unknown
    corpus.mentions[-1] = dataclasses.replace(corpus.mentions[-1], places=(unknown.id,))
    [event] = _of(corpus.events(), Event)
    assert {m.article for m in _of(corpus.events(), EventMember)} == {"wire", "paper"}
    assert event.count_low == 60


def test_a_copied_sentence_with_another_count_is_the_same_event_with_a_count_conflict():
    """The copy rewrites the wire's sentence with "420" for "42": the same arrests, a conflict,
    though the wire's "more than 100" arrested last year could hold 420."""
    corpus = _Corpus()
    corpus.add("wire", count=42, places=["Korvask"], start=10, time=("2024-03-05", "2024-03-05"))
    earlier = dataclasses.replace(_quantity("wire", 100, "more than 100"), id="q-open", high=None)
    last_year = _time("wire", "2023-01-01", "2023-12-31")
    corpus.quantities[earlier.id], corpus.times[last_year.id] = earlier, last_year
    corpus.mentions.append(_mention("wire", count=earlier, time=last_year, start=400))
    corpus.add("paper", published="2024-03-06", count=420, start=30)
    corpus.derive("wire", "paper", aligned=((0, 120), (20, 150)))
    records = corpus.events()
    [event] = [e for e in _of(records, Event) if e.count_text == "42"]
    assert {m.article for m in _of(records, EventMember) if m.event == event.id} == {"wire", "paper"}
    assert "count" in {c.slot for c in _of(records, EventConflict) if c.event == event.id}
    # without the aligned passage the paper's 420 goes to the event whose count allows it
    corpus.passages.clear()
    records = corpus.events()
    [event] = [e for e in _of(records, Event) if e.count_text == "42"]
    assert {m.article for m in _of(records, EventMember) if m.event == event.id} == {"wire"}


def test_an_earlier_report_in_a_rewrite_does_not_take_its_sources_other_arrests():
    """The wire's second arrest report ("twelve ... identified and detained", dated only by the
    governor's statement) and the rewrite's own addition (a rights group's "far more than 300"
    in another year) are two events, though the rewrite derives from the wire: the detained
    twelve keep their count, which cannot be the rights group's."""
    wire = _article("wire", "Provincial police arrested sixty members of the Harlen Front in "
                    "Dorran province, the police chief said on Tuesday. Earlier on May 3, the "
                    "governor of Velmar province had also said that twelve smugglers had been "
                    "identified and detained across the province.", published="2024-05-08")
    paper = _article("paper", "Sixty members of the Harlen Front were arrested in Dorran "
                     "province, police said. The Velmar Rights Council said that far more than "
                     "300 people were detained by the authorities in 2021.", published="2024-05-09")
    records = enrich_batch([wire, paper], settings=Settings())
    by_kind = {kind: {r.id: r for r in records if isinstance(r, kind)}
               for kind in (Quantity, TimeExpr, Place)}
    mentions = [r for r in records if isinstance(r, EventMention)]
    derivation = Derivation("d1", "wire", "paper", "rewrite", 0.6, 0.6, "dated", "")
    events = assess_events(articles={"wire": wire, "paper": paper}, mentions=mentions,
                           quantities=by_kind[Quantity], times=by_kind[TimeExpr],
                           places=by_kind[Place], story_of={"wire": "s1", "paper": "s1"},
                           derivations=[derivation])
    event_of = {m.mention: m.event for m in _of(events, EventMember)}
    trigger = {m.id: (m.article, m.trigger) for m in mentions}
    detained = {trigger[m]: e for m, e in event_of.items() if trigger[m][1] == "detained"}
    assert set(detained) == {("wire", "detained"), ("paper", "detained")}
    assert detained[("wire", "detained")] != detained[("paper", "detained")]


def test_vague_counts_of_different_things_by_one_speaker_stay_apart():
    """"Tens of spies" and "dozens of cells", both told by the minister: one speaker does not
    outweigh counts of different things."""
    corpus = _Corpus()
    corpus.add("wire", speaker="Ilse Varga", action="identify")
    corpus.add("wire", speaker="Ilse Varga", action="identify", start=200)
    spies, cells = _tens("wire", "spies"), _tens("wire", "cells")
    cells = Quantity(*[{"id": f"{cells.id}-2", "text": "dozens", "low": 24.0, "high": 120.0}.get(
        f, getattr(cells, f)) for f in Quantity.__slots__])
    corpus.quantities.update({spies.id: spies, cells.id: cells})
    first, second = corpus.mentions
    corpus.mentions = [
        EventMention(*[{"count": count.id, "target": target, "agent": None}.get(f, getattr(mention, f))
                       for f in EventMention.__slots__])
        for mention, count, target in ((first, spies, "tens of spies"),
                                       (second, cells, "dozens of cells"))]
    events = _of(corpus.events(), Event)
    assert sorted(e.count_text for e in events) == ["dozens", "tens"]


def _event(event_id: str, story: str, *, count: float | None = 42, action: str = "arrest",
           time: tuple[str, str] | None = None) -> Event:
    low = high = count
    return Event(event_id, story, action, "173", None, None, None if count is None else str(count),
                 low, high, None if time is None else "then", *(time or (None, None)), (), False, 1)


def _at(event_id: str, name: str, *, geonameid: int | None = 7, precision: str | None = "city"):
    return EventPlace(f"{event_id}-{name}", event_id, name, None, None, None, None, precision,
                      geonameid)


def test_a_recap_in_a_later_story_is_linked_to_the_event_it_retells():
    from crosscheck.assess.event_links import retold_events

    events = [_event("then", "s2024", time=("2024-03-05", "2024-03-05")), _event("recap", "s2025")]
    places = {"then": [_at("then", "Korvask")], "recap": [_at("recap", "Korvask")]}
    assert retold_events(events, places) == {"recap": ["then"], "then": ["recap"]}
    # a place the gazetteer does not know links by its name, a country does not link
    unknown = {e: [_at(e, "Brennick", geonameid=None, precision=None)] for e in ("then", "recap")}
    assert retold_events(events, unknown) == {"recap": ["then"], "then": ["recap"]}
    country = {e: [_at(e, "Velmora", precision="country")] for e in ("then", "recap")}
    assert retold_events(events, country) == {}


@pytest.mark.parametrize("other", [
    _event("recap", "s2024"),                                    # the same story: one event already
    _event("recap", "s2025", count=41),                          # another count
    _event("recap", "s2025", count=1),                           # a count of one says too little
    _event("recap", "s2025", count=None),                        # no count
    _event("recap", "s2025", action="release"),                  # another action
    _event("recap", "s2025", time=("2025-05-14", "2025-05-14")),  # another time
])
def test_events_of_other_stories_that_differ_are_not_linked(other):
    from crosscheck.assess.event_links import retold_events

    then = _event("then", "s2024", time=("2024-03-05", "2024-03-05"))
    places = {e: [_at(e, "Korvask")] for e in ("then", "recap")}
    assert retold_events([then, other], places) == {}


# --- senses -----------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "The ministry released its monthly trade figures on Tuesday.",
    "Grain prices rallied sharply after the harvest report.",
    "The firm said it executed a letter of intent to buy the mill.",
    "The new tariff threatens the recovery, the bank warned.",
    "The central bank acted to restrain inflation in the spring.",
    "The company demonstrated a faster chip at the fair in Lisbon.",
    "Negotiators agreed to dismantle trade barriers between the two countries.",
    "The fungus kills the leaves of the young trees.",
    "The debt problem will continue to hang over the banks this quarter.",
    "Shares of the retailer shot up four dollars on the news.",
    "Officials want to seize this opportunity to reform the tax code.",
    "The geologists identified new copper reserves near the coast.",
    "The opposition leader attacked the harbour board's new budget as reckless.",
    "The pay offer has been attacked by the unions as an insult to the staff.",
])
def test_a_trigger_in_its_other_sense_is_no_event(text):
    """Figures are released, prices rally, a letter is executed: no event of the taxonomy."""
    mentions, _ = _events_of(text)
    assert [m.trigger for m in mentions] == []


@pytest.mark.parametrize("text, trigger, action", [
    ("The authorities released forty detainees from the central prison on Friday.", "released", "release"),
    ("Soldiers fired on protesters who rallied in the capital on Sunday.", "rallied", "protest"),
    ("The regime executed three dissidents in the northern city of Tabriz last week.", "executed", "execute"),
    ("Two prisoners were hanged at dawn in the provincial jail.", "hanged", "execute"),
    ("Rebels captured twelve soldiers near the border in March.", "captured", "arrest"),
    ("Rebels captured the border town of Dasmir in March.", "captured", "seize"),
    ("The militia threatened the villagers with reprisals in April.", "threatened", "threaten"),
    ("Police identified and arrested five suspects in Lyon.", "identified", "identify"),
    ("Gunmen dressed as police attacked the village of Dasmir on Monday.", "attacked", "attack"),
])
def test_a_trigger_in_its_sense_stays_an_event(text, trigger, action):
    mentions, _ = _events_of(text)
    assert (trigger, action) in {(m.trigger, m.action) for m in mentions}


def test_executions_with_no_one_named_are_events_but_not_the_execution_of_a_trade():
    mentions, _ = _events_of("Rights groups counted 300 executions in the country last year.")
    assert [m.action for m in mentions] == ["execute"]
    mentions, _ = _events_of("The slips record the date and time of execution of each trade.")
    assert mentions == []


def test_a_passive_capture_with_no_subject_of_its_own_takes_its_clauses():
    mentions, _ = _events_of("The members were looking for weapons in the province before being "
                             "captured, the official said.")
    assert [(m.trigger, m.action) for m in mentions] == [("captured", "arrest")]


def test_words_against_a_policy_are_no_attack():
    mentions, _ = _events_of("Union leaders joined attacks on the wage freeze announced in May.")
    assert mentions == []
    mentions, _ = _events_of("Gunmen launched attacks on the army posts near the border in May.")
    assert [m.action for m in mentions] == ["attack"]


def test_a_source_who_declined_to_be_identified_is_no_event():
    mentions, _ = _events_of("The bankers, who declined to be identified, said the talks failed.")
    assert mentions == []


def test_the_event_names_the_people_its_count_is_of_not_a_headlines_word():
    corpus = _Corpus()
    corpus.add("wire", start=0)  # a headline: "... Claims Arrest Of Many ..."
    corpus.add("wire", count=60, places=["East Azarbaijan"], start=200)
    first, counted = corpus.mentions
    corpus.mentions = [dataclasses.replace(first, target="Many", agent=None),
                       dataclasses.replace(counted, target="sixty individuals")]
    [event] = _of(corpus.events(), Event)
    assert (event.count_low, event.target, event.agent) == (60, "sixty individuals", "the ministry")


def test_a_verb_conjoined_to_an_attempt_is_attempted_too():
    mentions, _ = _events_of("Gunmen tried to abduct and kill the judge in Dorran.")
    assert [(m.trigger, m.action, m.status) for m in mentions] == [
        ("abduct", "abduct", "attempted"), ("kill", "attack", "asserted")]


def test_those_arrested_in_a_witness_quote_do_not_make_the_witness_the_source_of_the_arrests():
    corpus = _Corpus()
    text = "Police arrested forty students in Dorran. Witnesses say those arrested were beaten."
    corpus.add("wire", places=["Dorran"], start=text.index("arrested"))
    corpus.add("wire", speaker="Witnesses", start=text.index("arrested", 20))
    corpus.articles["wire"] = _article("wire", text)
    first, second = corpus.mentions
    corpus.mentions = [first, dataclasses.replace(second, agent=None, target=None)]
    [event] = _of(corpus.events(), Event)
    assert event.attributed_to == ()
    # a witness who tells the arrest itself is its source
    corpus.mentions = [first, dataclasses.replace(second, agent=None)]
    [event] = _of(corpus.events(), Event)
    assert event.attributed_to == ("Witnesses",)


def test_a_name_the_article_also_tags_as_a_person_is_no_unknown_place(quote_nlp):
    from crosscheck.enrich.events import extract_places
    from crosscheck.records import Mention

    text = "Marek Lopez was convicted in Brooklyn. Lopez, 20, faces life in prison in Vaskelholm."
    doc = quote_nlp(text)

    def mention(surface, label, key, nth=0):
        start = -1
        for _ in range(nth + 1):
            start = text.index(surface, start + 1)
        return Mention(f"m{start}", "a", start, start + len(surface), surface, label, surface, key, 0)

    mentions = [mention("Marek Lopez", "PERSON", "lopez"), mention("Brooklyn", "GPE", "brooklyn"),
                mention("Lopez", "GPE", "lopez", nth=1), mention("Vaskelholm", "GPE", "vaskelholm")]
    places = extract_places(doc, article=_article("a", text), mentions=mentions)
    # Brooklyn is known; Vaskelholm is unknown but named a place only; Lopez is the convict
    assert [p.text for p in places] == ["Brooklyn", "Vaskelholm"]


def test_a_surname_alone_is_the_person_not_a_town(quote_nlp):
    from crosscheck.enrich.events import extract_places
    from crosscheck.records import Mention

    text = "Alan Harrow was jailed in Brooklyn. Harrow killed three people in Vaskelholm."
    doc = quote_nlp(text)
    spans = [("Alan Harrow", "PERSON", "alan harrow", 0), ("Brooklyn", "GPE", "brooklyn", 0),
             ("Harrow", "GPE", "harrow", 1), ("Vaskelholm", "GPE", "vaskelholm", 0)]
    mentions = []
    for surface, label, key, nth in spans:
        start = -1
        for _ in range(nth + 1):
            start = text.index(surface, start + 1)
        mentions.append(Mention(f"m{start}", "a", start, start + len(surface), surface, label, surface, key, 0))
    places = extract_places(doc, article=_article("a", text), mentions=mentions)
    assert [p.text for p in places] == ["Brooklyn", "Vaskelholm"]


def test_a_city_listed_with_cities_stays_a_place_though_tagged_a_person(quote_nlp):
    from crosscheck.enrich.events import extract_places
    from crosscheck.records import Mention

    text = "Arrests took place in the cities of Tehran, Mashhad, Shiraz and Tabriz last week."
    doc = quote_nlp(text)
    labels = {"Tehran": "GPE", "Mashhad": "GPE", "Shiraz": "PERSON", "Tabriz": "PERSON"}
    mentions = [Mention(f"m{text.index(n)}", "a", text.index(n), text.index(n) + len(n), n, label, n,
                        n.lower(), 0) for n, label in labels.items()]
    places = extract_places(doc, article=_article("a", text), mentions=mentions)
    assert {p.text for p in places} == set(labels)


def test_one_of_the_strongholds_captured_is_a_seizure_and_two_hundred_of_its_men_an_arrest():
    [capture], _ = _events_of("Troops captured one of the strongest fortifications near Dorran.")
    assert (capture.action, capture.status) == ("seize", "asserted")
    [arrest], _ = _events_of("Troops captured 200 of its men near Dorran on Monday.")
    assert arrest.action == "arrest"


@pytest.mark.parametrize("text", [
    "The governor banned the rally of 300 students in Dorran on Monday.",
    "Protests by 300 students were banned in Dorran on Monday.",
    "The council postponed the protest by 300 students in Dorran.",
])
def test_what_is_kept_from_happening_is_not_reported_as_happening(text):
    mentions, _ = _events_of(text)
    assert mentions and all(m.status == "negated" for m in mentions)


def test_one_voice_under_several_names_is_named_once():
    corpus = _Corpus()
    corpus.add("wire", count=60, places=["East Azarbaijan"], speaker="Qasem Nouri")
    corpus.add("paper", published="2024-03-06", count=60, places=["East Azarbaijan"],
               speaker="Provincial security chief Qasem Nouri")
    corpus.add("daily", published="2024-03-06", count=60, places=["East Azarbaijan"],
               speaker="the office of security chief Nouri")  # no key of its own
    [event] = _of(corpus.events(), Event)
    assert event.attributed_to == ("Qasem Nouri",)


def test_a_later_reference_by_courtesy_title_is_the_same_voice_named_in_full():
    """Court copy names counsel in full once and "Mr Harrow" after: two speaker keys, one
    voice, shown by the full name."""
    corpus = _Corpus()
    corpus.add("pa", count=3, places=["Dorran"], speaker="Damian Harrow QC", speaker_key="damian harrow")
    corpus.add("paper", published="2024-03-06", count=3, places=["Dorran"], speaker="Mr Harrow",
               speaker_key="harrow")
    corpus.add("daily", published="2024-03-06", count=3, places=["Dorran"], speaker="Mr Harrow",
               speaker_key="mr harrow")
    [event] = _of(corpus.events(), Event)
    assert event.attributed_to == ("Damian Harrow QC",)


def test_one_written_place_name_is_one_place_of_the_event():
    """"Tabriz" resolved in one report and left unresolved in another is one place."""
    corpus = _Corpus()
    for article, geonameid in (("a1", 1), ("a2", None), ("a3", 1)):
        corpus.articles[article] = _article(article)
        place = _place(article, "Tabriz", geonameid=geonameid, precision="city" if geonameid else None)
        corpus.places[place.id] = place
        corpus.mentions.append(_mention(article, places=[place]))
    assert len(_of(corpus.events(), Event)) == 1
    assert [p.name for p in _of(corpus.events(), EventPlace)] == ["Tabriz"]


def test_a_speaker_is_shown_by_name_without_the_words_that_describe_him():
    corpus = _Corpus()
    corpus.add("a1", count=40, places=["Tabriz"], speaker="Roy Harrow, a convicted smuggler serving a life sentence")
    [event] = _of(corpus.events(), Event)
    assert event.attributed_to == ("Roy Harrow",)
