"""report.html: self-contained, every view present, hostile text escaped, spans inside text."""

from __future__ import annotations

import html
import json
import re

import pytest

from _served_store import HOSTILE, HOSTILE_MARK, built_store

from crosscheck.report.html import (build_report_data, json_for_script, render_report,
                                    write_report)
from crosscheck.report.views import (claim_matrix, framing_terms, names_differ, naming_rows,
                                     provenance_graph, safe_url, segments, timeline)
from crosscheck.store import Store


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("report") / "report.html"
    with Store(built_store(), read_only=True) as store:
        assert write_report(store, path) == path
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def data() -> dict:
    with Store(built_store(), read_only=True) as store:
        return build_report_data(store)


def test_report_has_every_view(report):
    for anchor in ("overview", "stories", "claims", "naming", "framing", "findings", "articles"):
        assert f'id="{anchor}"' in report
    assert 'class="graph"' in report and 'class="timeline"' in report and 'class="matrix"' in report
    assert 'class="pairs"' in report and 'class="naming"' in report


def test_report_loads_nothing_from_elsewhere(report):
    # No URL the browser would fetch: no src=, no stylesheet link, no @import or url(http
    assert not re.search(r"<(script|img|iframe|link|embed|object)[^>]*\s(src|href)=", report)
    assert "@import" not in report and "url(http" not in report
    assert "default-src 'none'" in html.unescape(report)


def test_hostile_text_is_escaped_everywhere(report):
    assert HOSTILE_MARK not in report
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in report
    assert "<img" not in report and "&lt;img src=x onerror=alert(" in report
    assert 'href="javascript:' not in report.lower()
    assert '<b onmouseover' not in report
    scripts = re.findall(r"<script[^>]*>(.*?)</script>", report, re.S)
    assert len(scripts) == 2  # the data block and the page's own script, nothing injected
    assert "<!--" not in scripts[0] and "alert(" in scripts[0]  # claims are escaped, still there


def test_json_for_script_cannot_close_the_script():
    text = json_for_script({"t": "</script><!-- <b>&"})
    assert "</" not in text and "<!--" not in text and "&" not in text
    assert json.loads(text) == {"t": "</script><!-- <b>&"}


def test_only_http_links():
    assert safe_url("https://example.org/a") == "https://example.org/a"
    assert safe_url("javascript:alert(1)") is None
    assert safe_url(" JavaScript:alert(1)") is None
    assert safe_url("data:text/html,hi") is None
    assert safe_url("http:///nohost") is None


def test_assessment_views_show_hand_made_records(report):
    assert "arrests announced &lt;b&gt;bold&lt;/b&gt;" in report
    assert "conflicts" in report and "number: 24 (vs 42)" in report or "number: 42 (vs 24)" in report
    assert "shameful stunt" in report
    assert f'href="#f-{HOSTILE.id}-' in report and f'id="f-{HOSTILE.id}-' in report


def test_empty_assessment_says_so(tmp_path):
    with Store(tmp_path / "empty.duckdb") as store:
        html = render_report(build_report_data(store))
    assert "No claim groups yet" in html and "No findings" in html and "No articles." in html


def test_every_highlight_lies_inside_its_article(data):
    from crosscheck.report.html import article_spans
    for article in data["articles"]:
        for span in article_spans(article["id"], data):
            assert 0 <= span["start"] <= span["end"] <= len(article["text"]), (article["id"], span)
        pieces = segments(article["text"], article_spans(article["id"], data))
        assert "".join(p.text for p in pieces) == article["text"]


def test_segments_nest_and_clip():
    pieces = segments("abcdef", [{"start": 1, "end": 4, "cls": "x", "anchor": "a1"},
                                 {"start": 2, "end": 9, "cls": "y"}, {"start": 3, "end": 3, "cls": "z"}])
    assert [(p.text, p.classes, p.anchors) for p in pieces] == [
        ("a", [], []), ("b", ["x"], ["a1"]), ("cd", ["x", "y"], []), ("ef", ["y"], [])]


# The Jinja macro segments_html replaced, kept here to check that the HTML is the same.
_TEXT_MACRO = (
    "{% for s in segs %}{% for a, c in s.anchors|zip(s.anchor_classes) if c not in s.classes %}"
    '<span id="{{ a }}"></span>{% endfor %}{% if s.classes %}{% set layers = s.layers() %}'
    '{% for c, a in layers %}<span class="hl {{ c }}"{% if a %} id="{{ a }}"{% endif %}'
    '{% if loop.first and s.titles %} title="{{ s.titles|join(\'; \') }}"{% endif %}>{% endfor %}'
    "{{ s.text }}{% for _ in layers %}</span>{% endfor %}{% else %}{{ s.text }}{% endif %}{% endfor %}")


def test_segments_html_writes_what_the_jinja_loop_wrote():
    import jinja2

    from crosscheck.report.views import segments_html

    macro = jinja2.Environment(autoescape=True)
    macro.filters["zip"] = zip
    template = macro.from_string(_TEXT_MACRO)
    text = '<b>"x" & y</b> it\'s <script>alert(1)</script> done'
    cases = [[], [{"start": 0, "end": 5, "cls": "claim", "anchor": "c-1", "title": 'a "t" <i>'},
                  {"start": 3, "end": 9, "cls": "quote", "title": "q & r"},
                  {"start": 3, "end": 20, "cls": "ent", "title": "o'k"},
                  {"start": 9, "end": 12, "cls": "finding", "anchor": "f-<1>"},
                  {"start": 30, "end": 30, "cls": "empty"}],
             [{"start": i, "end": i + 2, "cls": "same"} for i in range(0, len(text), 3)]]
    for spans in cases:
        pieces = segments(text, spans)
        assert str(segments_html(pieces)) == template.render(segs=pieces)


def test_provenance_graph_points_from_source_to_derived():
    articles = [{"id": "a", "outlet": "Wire", "published": "2024-01-01"},
                {"id": "b", "outlet": "Paper", "published": "2024-01-02"},
                {"id": "c", "outlet": "Blog", "published": None}]
    derivations = [{"id": "d1", "source": "a", "derived": "b", "kind": "copy", "score": 0.9,
                    "direction": "dated"},
                   {"id": "d2", "source": "b", "derived": "c", "kind": "rewrite", "score": 0.5,
                    "direction": "undetermined"}]
    graph = provenance_graph(articles, derivations)
    x = {n["id"]: n["x"] for n in graph["nodes"]}
    assert x["a"] < x["b"] < x["c"]  # dates left to right, undated last
    assert [e["directed"] for e in graph["edges"]] == [True, False]
    shared = [{**derivations[0], "relation": "shared_source"}]
    edge = provenance_graph(articles, shared)["edges"][0]
    assert (edge["directed"], edge["label"]) == (False, "copy 0.90 shared source")


def test_timeline_and_matrix():
    line = timeline([{"id": "a", "published": "2024-01-01", "outlet": "W"},
                     {"id": "b", "published": "2024-01-05", "outlet": "P"},
                     {"id": "c", "published": None, "outlet": "B"}])
    assert [p["id"] for p in line["points"]] == ["a", "b", "c"] and not line["points"][2]["dated"]
    group = {"id": "g", "articles": ["a", "b"], "origin_articles": ["a"],
             "conflicts": [{"slot": "number", "values": [{"article": "a", "value": "42"},
                                                          {"article": "b", "value": "24"}]}]}
    matrix = claim_matrix([group], {"a": "W", "b": "P", "c": "B"}, ["a", "b", "c"])
    assert matrix["outlets"] == ["B", "P", "W"]
    assert [c["state"] for c in matrix["rows"][0]["cells"]] == ["silent", "conflicts", "supports"]


def test_naming_puts_real_disagreements_first():
    entities = [
        {"id": "p", "name": "Anselm Drevic", "type": "PERSON",
         "names_by_outlet": {"A": {"Anselm Drevic": 1}, "B": {"Drevic": 3}}},
        {"id": "o", "name": "Northern Liberation Front", "type": "ORG",
         "names_by_outlet": {"A": {"NLF": 2, "the Front": 1}, "B": {"the Front": 2}}},
        {"id": "x", "name": "Solo", "type": "ORG", "names_by_outlet": {"A": {"Solo": 1}}},
    ]
    table = naming_rows(entities)
    assert [(r["entity"]["id"], r["differs"]) for r in table["rows"]] == [("o", True), ("p", False)]
    assert table["rows"][0]["used"] == {"A": "NLF", "B": "the Front"}


@pytest.mark.parametrize(("names", "differ"), [
    (["UN", "United Nations"], False), (["U.S.", "US", "United States"], False),
    (["KLF", "Korvask Liberation Front"], False), (["Anselm Drevic", "Drevic"], False),
    (["Korvask Revolution Guards", "Korvask Revolutionary Guard"], False),
    (["KLF", "KLA"], True), (["NLF", "the Front"], True), (["UK", "Ukraine"], True),
    (["Korvask Liberation Front", "Korvask Labour Federation"], True),
    (["Dr Drevic", "Anselm Drevic", "Drevic"], False), (["Miss Solvik", "Irena Solvik"], False),
    (["Dr Drevic", "Dr Marren"], True),
])
def test_spellings_and_initials_of_one_name_are_no_naming_choice(names, differ):
    assert names_differ(names) is differ


def test_loaded_words_are_counted_once_per_wording_with_the_outlets_that_use_them():
    meta = {"a": {"id": "a", "outlet": "Wire"}, "b": {"id": "b", "outlet": "Post"},
            "c": {"id": "c", "outlet": "Post"}}
    word = lambda text, **kw: {"text": text, "span": [0, len(text)], "copied_from": None,  # noqa: E731
                               "confidence": None, **kw}
    framing = [
        {"article": "a", "loaded": [word("regime"), word("Regime", confidence=0.4)], "techniques": []},
        {"article": "b", "loaded": [word("regime", copied_from="a"), word("junta")],
         "techniques": [{"technique": "Name_Calling", **word("junta", confidence=0.7)}]},
        {"article": "c", "loaded": [word("regime")], "techniques": []},
    ]
    rows = framing_terms(framing, meta)
    assert [(r["text"], r["kind"], r["count"]) for r in rows] == [
        ("regime", "loaded", 4), ("junta", "Name_Calling", 1), ("junta", "loaded", 1)]
    regime = rows[0]
    assert [(o["outlet"], o["count"], o["article"]) for o in regime["outlets"]] == [
        ("Post", 2, "b"), ("Wire", 2, "a")]
    assert (regime["added"], regime["copied"], regime["confidence"]) == (3, 1, 0.4)


def test_the_report_shows_each_loaded_word_once(data):
    html = render_report(data)
    framing = html[html.index('<section id="framing">'):html.index('<section id="findings">')]
    words = [f"{item['text']}|{item.get('technique') or 'loaded'}".casefold()
             for f in data["framing"] for item in f["loaded"] + f["techniques"]]
    assert len(words) > len(set(words)) > 1  # the example repeats some words
    assert framing.count("<tr>") - 1 == len(set(" ".join(w.split()) for w in words))


def test_large_corpus_report_keeps_the_largest_stories(data):
    html = render_report(data, max_articles=8)
    assert "more articles are in the store" in html
    assert html.count('<article class="article"') <= 8
    assert html.count('<article class="story"') >= 1


def test_event_timeline_draws_dated_events_as_bars_linking_to_their_rows():
    from crosscheck.report.views import event_timeline
    events = [{"id": "e2", "action": "protest", "count": None, "places": [],
               "time": {"text": "2018", "start": "2018-01-01", "end": "2018-12-31"}},
              {"id": "e1", "action": "arrest", "count": {"text": "sixty"},
               "places": [{"name": "Velmora"}],
               "time": {"text": "April 19", "start": "2018-04-19", "end": "2018-04-19"}},
              {"id": "e3", "action": "raid", "count": None, "places": [], "time": None}]
    t = event_timeline(events)
    assert [b["id"] for b in t["bars"]] == ["e2", "e1"]  # earliest start first; undated left out
    year, day = t["bars"]
    assert year["x"] == t["left"] and year["x"] + year["w"] == t["right"]
    assert day["w"] == 4.0 and day["label"] == "arrest sixty · Velmora"
    assert event_timeline([e for e in events if e["time"] is None])["bars"] == []
    assert event_timeline(events, limit=1)["left_out"] == 1


def test_an_event_retold_in_another_story_links_to_it(data, report):
    """The example corpus's 2025 story recalls the 42 arrests of 2024 in Korvask: an event of
    each story, linked both ways."""
    retold = [e for e in data["events"] if e["also_in"]]
    assert {(e["action"], e["count"]["text"]) for e in retold} == {("arrest", "42")}
    assert len({e["story"] for e in retold}) == 2
    for event in retold:
        [other] = event["also_in"]
        assert other["story"] != event["story"]
        assert f'href="#e-{other["event"]}"' in report


def test_acled_rows_name_the_events_of_other_stories_that_retell_one(data):
    from crosscheck.report.event_sections import event_rows

    rows = {r["event_id"]: r for r in event_rows(data["events"], {})}
    retold = [e for e in data["events"] if e["also_in"]]
    assert retold and all(rows[e["id"]]["also_in"] == e["also_in"][0]["event"] for e in retold)
    assert all(rows[e["id"]]["also_in"] == "" for e in data["events"] if not e["also_in"])


def test_articles_with_no_outlet_are_named_by_their_file_never_none(data):
    import copy
    nameless = copy.deepcopy(data)
    for article in nameless["articles"]:
        article["outlet"] = None
    assert nameless["findings"] and nameless["events"]
    html = render_report(nameless)
    assert ">None</a>" not in html and "None, at the passage" not in html
    name = nameless["articles"][0]["source"].rstrip("/").rsplit("/", 1)[-1]
    assert f">{name}</a>" in html or f">{name}, at the passage</a>" in html
