"""The whole pipeline, link and assess included, on a corpus built to be awkward.

It holds what the linking and assessment issues list as bad input: identical articles under
different ids, an empty article, one article copied fifty times, articles with no dates, an
article in another language, a story of one article, one article contradicting itself about a
date range, and claims without quantities. The run must finish, keep every good article, and
give sensible stories, derivations and groups without a pair-by-pair blow-up.
"""

from __future__ import annotations

import json

import pytest

from crosscheck.engine.local import LocalEngine
from crosscheck.pipeline import run
from crosscheck.report.json import build_analysis
from crosscheck.settings import Settings
from crosscheck.store import Store

COPIES = 50

_HARBOUR = (
    "Dock workers in Port Hallow walk out over late wages\n\n"
    "Dock workers in Port Hallow stopped work on Thursday after the harbour board failed to pay "
    "wages owed since January, the dockers' guild said. Guild secretary Amra Tolvin told "
    "reporters that 640 workers had joined the stoppage and that cranes at all four quays stood "
    "idle. \"We have waited five months for money we earned,\" Tolvin said. The harbour board "
    "said it regretted the delay and blamed a dispute with its bank. Ships were being sent to "
    "the smaller port of Drennis while the stoppage lasts.\n"
)
_FLOOD = (
    "River Lune bursts its banks in the Marrow valley\n\n"
    "The River Lune burst its banks near the village of Ostby after three days of heavy rain, "
    "the regional emergency office said. About 200 homes were evacuated and two bridges were "
    "closed to traffic. Officials said the water was expected to fall by the weekend. Farmers "
    "in the valley said the damage to winter crops could not yet be measured.\n"
)
_SELF_CONTRADICTING = (
    "Council publishes its yearly road report\n\n"
    "The Marrow county council said on 3 May 2024 that it repaired 85 kilometres of road during "
    "the past year (April 2023 to March 2024). The report adds that the same twelve months ran "
    "from April 2022 to March 2023, and that the works cost less than planned. The council said "
    "the roads near the school would be finished first.\n"
)
_OTHER_LANGUAGE = (
    "Hafenarbeiter in Port Hallow legen die Arbeit nieder\n\n"
    "Die Hafenarbeiter in Port Hallow haben am Donnerstag die Arbeit niedergelegt, weil ihre "
    "Löhne seit Januar nicht gezahlt wurden. Die Gewerkschaft sprach von mehreren hundert "
    "Beschäftigten, die sich dem Streik angeschlossen hätten. Die Hafenverwaltung bedauerte die "
    "Verzögerung und verwies auf einen Streit mit ihrer Bank.\n"
)
_NO_NUMBERS = (
    "Library in Ostby reopens after repairs\n\n"
    "The public library in Ostby opened its doors again after the roof was repaired, the "
    "village council said. Librarian Petra Voss said readers had been patient and that the "
    "children's room would host story mornings again. The council said it hoped more visitors "
    "would come now that the reading room was warm.\n"
)


def _rows() -> list[dict]:
    rows = [
        {"id": "harbour", "outlet": "Coast Wire", "published": "2024-05-02", "text": _HARBOUR},
        # The same text again under another id: a duplicate, not a second origin.
        {"id": "harbour-again", "outlet": "Coast Wire", "published": "2024-05-02", "text": _HARBOUR},
        {"id": "harbour-de", "outlet": "Hafenblatt", "published": "2024-05-03", "text": _OTHER_LANGUAGE},
        {"id": "flood", "outlet": "Valley Post", "text": _FLOOD},  # no date anywhere
        {"id": "roads", "outlet": "County Gazette", "text": _SELF_CONTRADICTING},
        {"id": "library", "outlet": "Valley Post", "text": _NO_NUMBERS},  # a story of its own
        {"id": "empty", "outlet": "Valley Post", "text": ""},
    ]
    # One article copied fifty times by aggregators, each adding a line of its own.
    for n in range(COPIES):
        rows.append({"id": f"copy-{n:02d}", "outlet": f"Aggregator {n:02d}", "published": "2024-05-03",
                     "text": _FLOOD + f"\nShared by aggregator {n:02d}.\n"})
    return rows


@pytest.fixture(scope="module")
def analysis(tmp_path_factory):
    folder = tmp_path_factory.mktemp("awkward")
    path = folder / "awkward.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in _rows()), encoding="utf-8")
    with Store(folder / "store.duckdb") as store:
        run([str(path)], store=store, settings=Settings(workers=1), engine=LocalEngine(workers=1))
        return build_analysis(store)


def _ids(analysis) -> dict[str, str]:
    return {a["id"]: a["source"].split("#", 1)[1] for a in analysis["articles"]}


def test_every_good_article_is_kept_and_the_empty_one_is_named(analysis):
    names = set(_ids(analysis).values())
    assert "empty" not in names
    assert {"harbour", "harbour-de", "flood", "roads", "library"} <= names
    assert any(r["source"].endswith("#empty") for r in analysis["rejected"])


def test_fifty_copies_are_one_story_and_one_origin(analysis):
    ids = _ids(analysis)
    flood_family = {i for i, name in ids.items() if name == "flood" or name.startswith("copy-")}
    story = next(s for s in analysis["stories"] if flood_family & set(s["articles"]))
    assert flood_family <= set(story["articles"])
    # Copies of one text need far fewer edges than the 1,275 pairs of the family.
    family_edges = [d for d in analysis["derivations"]
                    if d["source"] in flood_family and d["derived"] in flood_family]
    assert 0 < len(family_edges) <= 3 * len(flood_family)
    for group in analysis["claim_groups"]:
        if set(group["articles"]) <= flood_family and len(group["articles"]) > 2:
            assert group["origins"] == 1


def test_unrelated_stories_stay_apart(analysis):
    ids = _ids(analysis)
    story_of = {ids[a]: s["id"] for s in analysis["stories"] for a in s["articles"]}
    assert story_of["library"] != story_of["flood"]
    assert story_of["roads"] != story_of["harbour"]
    assert story_of["harbour"] != story_of["flood"]
    assert story_of["library"] != story_of["roads"]


def test_the_duplicate_under_another_id_is_a_copy_not_a_second_origin(analysis):
    ids = _ids(analysis)
    by_name = {name: i for i, name in ids.items()}
    pair = {by_name["harbour"], by_name["harbour-again"]}
    edges = [d for d in analysis["derivations"] if {d["source"], d["derived"]} == pair]
    assert [d["kind"] for d in edges] == ["copy"]
    for group in analysis["claim_groups"]:
        if set(group["articles"]) == pair:
            assert group["origins"] == 1


def test_the_self_contradicting_date_range_is_a_finding(analysis):
    ids = _ids(analysis)
    kinds = {(f["kind"], ids[f["article"]]) for f in analysis["findings"]}
    assert ("internal_inconsistency", "roads") in kinds


def test_claims_without_quantities_are_kept_with_empty_slots(analysis):
    ids = _ids(analysis)
    library = [c for c in analysis["claims"] if ids[c["article"]] == "library"]
    assert library and all(c["quantities"] == [] for c in library)


def test_offsets_stay_inside_their_articles(analysis):
    length = {a["id"]: len(a["text"]) for a in analysis["articles"]}
    for claim in analysis["claims"]:
        start, end = claim["span"]
        assert 0 <= start < end <= length[claim["article"]]
    for derivation in analysis["derivations"]:
        for passage in derivation["passages"]:
            assert passage["source_span"][1] <= length[derivation["source"]]
            assert passage["derived_span"][1] <= length[derivation["derived"]]
