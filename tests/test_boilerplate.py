"""Per-document chrome removal and corpus-level boilerplate, on hand-written texts."""

from __future__ import annotations

import dataclasses
import pickle
from pathlib import Path

from hypothesis import example, given, settings as hyp_settings, strategies as st

from crosscheck.clean.boilerplate import apply_boilerplate, infer_outlets, learn_boilerplate
from crosscheck.clean.document import strip_document_chrome
from crosscheck.records import Draft, Removal, content_id
from crosscheck.settings import Settings

FIXTURES = Path(__file__).parent / "fixtures" / "clean"


def _reasons(removals):
    return [(text, reason) for _pos, text, reason in removals]


def _strip_file(name: str):
    text = (FIXTURES / name).read_text(encoding="utf-8")
    clean, title, removals = strip_document_chrome(text)
    for position, removed, _reason in removals:
        assert text[position : position + len(removed)] == removed
    return clean, title, removals


# -- per document --------------------------------------------------------------------------------


def test_crumb_glued_to_title_and_mobile_link():
    clean, title, removals = _strip_file("crumb_scrape.txt")
    assert title == "Harbour town counts the cost of spring floods"
    assert _reasons(removals) == [
        ("Home News Local Affairs", "crumb"),
        ("Harbour town counts the cost of spring floods", "title"),
        ("Harbour town counts the cost of spring floods", "repeated-title"),
        ("Exit mobile version", "mobile-chrome"),
    ]
    assert clean.splitlines() == [
        "The council of Velmora said on Tuesday that forty homes near the old quay were flooded overnight.",
        "Residents were moved to the school gym, according to a council spokesperson.",
    ]


def test_ad_size_duplicate_subtitle_and_byline():
    clean, title, removals = _strip_file("adsize_scrape.txt")
    assert title == "Ferry strike enters its second week"
    assert [reason for _text, reason in _reasons(removals)] == [
        "ad-size", "title", "duplicate-line", "byline"]
    lines = clean.splitlines()
    assert lines[0] == "Dock workers say talks with the operator have stalled since Friday"
    assert lines[1].startswith("Velmora, March 3, 2021—The ferry workers' union")
    assert len(lines) == 3


def test_accessibility_banner_and_captions():
    clean, title, removals = _strip_file("accessibility_scrape.txt")
    assert title == "Mayor Announces Inquiry Into Bridge Contract"
    assert _reasons(removals) == [
        ("Accessibility links", "accessibility-chrome"),
        ("Breaking News", "breaking-banner"),
        ("Mayor Announces Inquiry Into Bridge Contract", "title"),
        ("Velmora -- The city hall building, logo, undated", "caption"),
        ("Town Fair 2020 - 12 May 2020 - Velmora, North Quay", "caption"),
    ]
    assert clean.startswith("The mayor of Velmora said on Monday")


WIRE = (
    "  --------------------------------------------------\n\n"
    "        09:15 04/05/01: Page 1 (HHH) COURTS Quay\n"
    "  --------------------------------------------------\n"
    "(with pics)<\n"
    "\x19QUAY OWNER FINED OVER COLLAPSED PIER<\n"
    "\x19By Ann Example, Velmora News<\n"
    "\x19The owner of a pier that collapsed in a storm was fined today for failing to\n"
    "repair it.<\n"
    "\x19The court heard that warnings had been ignored for two years.<\n"
    "\x19end<\n\x19\n"
)


def test_wire_copy_headers_and_markup():
    clean, title, removals = strip_document_chrome(WIRE)
    assert title == "QUAY OWNER FINED OVER COLLAPSED PIER"
    assert clean.splitlines() == [
        "The owner of a pier that collapsed in a storm was fined today for failing to repair it.",
        "The court heard that warnings had been ignored for two years.",
    ]
    reasons = [reason for _pos, _text, reason in removals]
    assert reasons.count("separator") == 2
    assert {"wire-header", "wire-advisory", "wire-markup", "byline", "wire-trailer", "title"} <= set(reasons)
    for position, removed, _reason in removals:
        assert WIRE[position : position + len(removed)] == removed


def test_html_tags_in_text_are_markup():
    text = "<html><head><title>Search</title></head><body><p>Pier reopens</p>\n<p>The pier reopened on Sunday after repairs.</p></body></html>"
    clean, title, removals = strip_document_chrome(text)
    assert title == "Pier reopens"
    assert clean == "The pier reopened on Sunday after repairs."
    assert ("<head><title>Search</title></head>", "wire-markup") in _reasons(removals)


def test_hard_wrapped_paragraphs_are_joined():
    text = ("The harbour master said the new crane would arrive in\nJune and that the quay would stay"
            " open during\nthe works, which are expected to last a month.\n\nA second paragraph starts"
            " here and is long\nenough to be wrapped at the same width as the\nfirst one was wrapped.\n")
    clean, _title, removals = strip_document_chrome(text)
    assert clean.count("\n") == 1
    assert clean.startswith("The harbour master said the new crane would arrive in June and")
    assert removals == []


def test_given_title_and_body_kept_when_in_doubt():
    text = "Pier reopens\n\nThe pier reopened on Sunday.\n\nBy the evening, crowds had gathered."
    clean, title, removals = strip_document_chrome(text, title="Pier reopens")
    assert title == "Pier reopens"
    assert _reasons(removals) == [("Pier reopens", "repeated-title")]
    assert clean == "The pier reopened on Sunday.\nBy the evening, crowds had gathered."


def test_first_line_that_is_a_sentence_is_not_a_title():
    text = "A crane fell on the quay overnight, the harbour office said.\n\nNobody was hurt."
    clean, title, removals = strip_document_chrome(text)
    assert (title, removals) == (None, [])
    assert clean == "A crane fell on the quay overnight, the harbour office said.\nNobody was hurt."


LINES = st.sampled_from([
    "728 x 90", "Exit mobile version", "Accessibility links", "Breaking News", "Skip to content",
    "Home News Local", "Share on Facebook Twitter Email", "-----------", "end", "mfl",
    "Harbour floods again", "Harbour floods again", "By Ann Example, Velmora News",
    "Velmora -- Quay at dusk, file photo", "The quay flooded on Monday.",
    "Residents said the water rose fast.", "(with pics)", "10:15 04/05/01: Page 2 (HHH) COURTS Quay",
    "The water rose fast and\nreached the market hall.<", "\x19The council met.<", "", "  ",
])


@hyp_settings(max_examples=150, deadline=None)
@given(st.lists(LINES, max_size=12), st.sampled_from(["\n", "\n\n", "\r\n"]),
       st.one_of(st.none(), st.just("Harbour floods again")))
def test_strip_is_idempotent_and_removes_only_input(lines, joiner, title):
    text = joiner.join(lines)
    clean, found_title, removals = strip_document_chrome(text, title=title)
    for position, removed, _reason in removals:
        assert text[position : position + len(removed)] == removed
    again, again_title, again_removals = strip_document_chrome(clean, title=found_title)
    assert (again, again_title, again_removals) == (clean, found_title, [])


@hyp_settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab .<>\n\x19-x9:/"), max_size=80))
@example("<\n<<b>")  # a tag whose removal leaves a line-end mark
@example("<a<\n<\n>")  # marks whose removal joins what is left into a tag
def test_strip_handles_arbitrary_text(text):
    clean, found_title, removals = strip_document_chrome(text)
    for position, removed, _reason in removals:
        assert text[position : position + len(removed)] == removed
    assert strip_document_chrome(clean, title=found_title)[0] == clean


# -- corpus level --------------------------------------------------------------------------------


def _draft(n: int, text: str, *, outlet: str | None = "velmora-post", title: str | None = None) -> Draft:
    return Draft(f"d{n}", f"src{n}", None, outlet, "input" if outlet else None, title, None, None, "en", text)


BODIES = [
    "The ferry left at noon with forty passengers aboard and arrived late in the evening.",
    "Council members voted to repair the north quay before the summer season begins.",
    "A storm closed the coastal road for six hours while crews cleared fallen trees.",
    "The fish market will open an hour earlier from Monday, traders were told.",
]


def _outlet_drafts() -> list[Draft]:
    chrome = ["Subscribe to our newsletter", "Follow Velmora Post"]
    return [_draft(n, "\n".join([body, *chrome])) for n, body in enumerate(BODIES)]


def test_outlet_lines_recurring_are_removed_with_counts():
    drafts = _outlet_drafts()
    model = learn_boilerplate(drafts, settings=Settings())
    article, removals = apply_boilerplate(drafts[0], model)
    assert article.id == "d0" and article.text == BODIES[0]
    assert [(r.position, r.text, r.reason, r.stage) for r in removals] == [
        (len(BODIES[0]) + 1, "Subscribe to our newsletter", "outlet-boilerplate:4 articles", "boilerplate"),
        (len(BODIES[0]) + 29, "Follow Velmora Post", "outlet-boilerplate:4 articles", "boilerplate"),
    ]
    assert removals[0].id == content_id("d0", "boilerplate", removals[0].position, removals[0].text)
    assert pickle.loads(pickle.dumps(model)) == model


def test_shared_long_paragraph_is_a_copy_not_boilerplate():
    copied = ("The harbour authority confirmed on Friday that the breakwater will be rebuilt with "
              "public money, after an inspection found deep cracks along its length.")
    drafts = [_draft(n, f"{body}\n{copied}", outlet="velmora-post") for n, body in enumerate(BODIES)]
    model = learn_boilerplate(drafts, settings=Settings())
    article, removals = apply_boilerplate(drafts[1], model)
    assert removals == [] and copied in article.text


def test_stock_sentence_in_few_articles_is_kept():
    stock = "The hearing was adjourned until tomorrow."
    drafts = [_draft(n, f"{body}\n{stock}" if n < 2 else body) for n, body in enumerate(BODIES)]
    model = learn_boilerplate(drafts, settings=Settings())
    assert apply_boilerplate(drafts[0], model)[1] == []


def test_near_identical_copies_do_not_make_boilerplate():
    text = BODIES[0] + "\nQuay Notes"
    drafts = [_draft(n, text) for n in range(3)]
    model = learn_boilerplate(drafts, settings=Settings())
    assert apply_boilerplate(drafts[0], model)[1] == []


def test_corpus_wide_lines_need_five_articles_and_a_share():
    drafts = [_draft(n, f"{body}\nRead more stories", outlet=f"o{n}") for n, body in enumerate(BODIES)]
    assert learn_boilerplate(drafts, settings=Settings()).corpus_lines == {}
    drafts.append(_draft(9, "The quay reopened after repairs that took most of the winter.\nRead more stories", outlet="o9"))
    model = learn_boilerplate(drafts, settings=Settings())
    article, removals = apply_boilerplate(drafts[0], model)
    assert [r.reason for r in removals] == ["corpus-boilerplate"]
    assert article.text == BODIES[0]


def test_title_crumb_prefix_learned_per_outlet():
    titles = ["Home News Ferry strike ends today", "Home News Quay repairs begin soon",
              "Home News Market opens an hour early"]
    drafts = [_draft(n, BODIES[n], title=t) for n, t in enumerate(titles)]
    model = learn_boilerplate(drafts, settings=Settings())
    article, removals = apply_boilerplate(drafts[0], model)
    assert article.title == "Ferry strike ends today"
    assert [(r.text, r.reason) for r in removals] == [("Home News", "outlet-crumb:3 articles")]


def test_infer_outlets_from_shared_chrome_removals():
    drafts = [_draft(n, body, outlet=None) for n, body in enumerate(BODIES)]
    chrome = {"d0": [("Home News World", "crumb"), ("Exit mobile version", "mobile-chrome")],
              "d1": [("Home News Local Affairs", "crumb"), ("Exit mobile version", "mobile-chrome")],
              "d2": [("Exit mobile version", "mobile-chrome")],
              "d3": [("Accessibility links", "accessibility-chrome")]}
    removals = [Removal(f"r{k}{i}", k, "document", 0, text, why)
                for k, items in chrome.items() for i, (text, why) in enumerate(items)]
    outlets = infer_outlets(drafts, removals=removals)
    assert set(outlets) == {"d0", "d1"}
    name, how = outlets["d0"]
    assert outlets["d1"] == (name, "crumb") and name.startswith("site-")
    assert infer_outlets(reversed(drafts), removals=list(reversed(removals))) == outlets
    model = learn_boilerplate(drafts, settings=Settings(), outlets=outlets)
    assert model.outlets == {name: 2}
    article, _ = apply_boilerplate(drafts[0], model, outlet=name, outlet_from=how)
    assert (article.outlet, article.outlet_from) == (name, "crumb")


def test_infer_outlets_from_text_edges_without_removals():
    drafts = [_draft(n, "\n".join(["Velmora Post", *BODIES, "Velmora Post Media Group"]), outlet=None)
              for n in range(2)]
    drafts.append(_draft(5, "\n".join(BODIES), outlet=None))
    outlets = infer_outlets(drafts)
    assert sorted(outlets) == ["d0", "d1"] and outlets["d0"][1] == "chrome"


def test_masthead_nav_appeal_and_tail_lists():
    clean, title, removals = _strip_file("masthead_scrape.txt")
    assert title == "Lighthouse keeper retires after forty years on the rock"
    assert [reason for _text, reason in _reasons(removals)] == [
        "page-header", "nav", "page-header", "appeal", "title", "byline", "related-link",
        "copyright", "related-list", "related-list", "related-list", "contact-line"]
    assert clean.splitlines() == [
        "VELMORA, June 2, 2022 — The keeper of the north lighthouse handed over the keys on Thursday"
        " after four decades of service.",
        "She said the job had taught her patience. \"The sea decides everything,\" she said.",
    ]


def test_about_line_needs_the_masthead_and_a_self_description():
    text = ("Quay Wire\nSport Weather Travel\nPier reopens after repairs\nPier reopens after repairs\n"
            "The pier reopened on Sunday.\nQuay Wire is an independent digital newsroom.")
    clean, title, removals = strip_document_chrome(text)
    assert title == "Pier reopens after repairs"
    assert clean == "The pier reopened on Sunday."
    assert ("Quay Wire is an independent digital newsroom.", "about-line") in _reasons(removals)
    kept = "Pier reopens after repairs\n\nThe pier reopened on Sunday.\n\nQuay Wire asked the council for comment."
    assert strip_document_chrome(kept)[0].endswith("Quay Wire asked the council for comment.")


def test_agency_catchline_and_credits():
    text = ("QUAY-FLOODS/COUNCIL (UPDATE 1)\n\nCouncil to rebuild flooded quay\n\nBy Ann Example\n\n"
            "VELMORA, May 4 (Quay Wire) - The council said it would rebuild the quay.\n\n"
            "COVID-19\n\n(Reporting by Ann Example; Editing by Bo Sample)")
    clean, title, removals = strip_document_chrome(text, title="Council to rebuild flooded quay")
    assert [reason for _text, reason in _reasons(removals)] == [
        "wire-header", "repeated-title", "byline", "wire-credit"]
    assert clean == "VELMORA, May 4 (Quay Wire) - The council said it would rebuild the quay.\nCOVID-19"


# -- learned from keys kept in the store ----------------------------------------------------------


def _mixed_drafts() -> list[Draft]:
    """Outlet chrome, a corpus-wide line, a stock sentence, title crumbs and drafts without an
    outlet: every kind of tally the model keeps."""
    chrome = ["Subscribe to our newsletter", "Follow Velmora Post", "Read more stories"]
    drafts = [_draft(n, "\n".join([body, *chrome]), title=f"Home News {body[:40]}")
              for n, body in enumerate(BODIES)]
    drafts += [_draft(10 + n, f"{body}\nThe hearing was adjourned until tomorrow.\nRead more stories",
                      outlet=f"o{n}") for n, body in enumerate(BODIES)]
    drafts += [_draft(20 + n, f"{body}\nExit mobile version", outlet=None) for n, body in enumerate(BODIES[:2])]
    return drafts


def test_the_model_learned_from_kept_keys_is_the_streamed_one(tmp_path, monkeypatch):
    from crosscheck.clean import boilerplate_state
    from crosscheck.store import Store

    drafts = _mixed_drafts()
    outlets = {"d20": ("site-x", "chrome"), "d21": ("site-x", "chrome")}
    hashed = []
    real = boilerplate_state.draft_keys
    monkeypatch.setattr(boilerplate_state, "draft_keys", lambda d: hashed.append(d.id) or real(d))
    with Store(tmp_path / "s.duckdb") as store:
        store.write(drafts)
        model = boilerplate_state.learn_stored_boilerplate(store, settings=Settings(), outlets=outlets)
        assert model == learn_boilerplate(drafts, settings=Settings(), outlets=outlets)
        assert model.outlet_lines and model.corpus_lines and model.outlet_prefixes
        assert sorted(hashed) == sorted(d.id for d in drafts)
        # one draft changed, one gone, one new: only the changed and new ones are hashed again
        hashed.clear()
        changed = dataclasses.replace(drafts[0], text=BODIES[3] + "\nFollow Velmora Post")
        store.con.execute("DELETE FROM drafts WHERE id IN ('d0', 'd11')")
        added = _draft(30, BODIES[2] + "\nSubscribe to our newsletter")
        store.write([changed, added])
        now = [changed, *(d for d in drafts if d.id not in ("d0", "d11")), added]
        model = boilerplate_state.learn_stored_boilerplate(store, settings=Settings(), outlets=outlets)
        assert model == learn_boilerplate(sorted(now, key=lambda d: d.id), settings=Settings(), outlets=outlets)
        assert sorted(hashed) == ["d0", "d30"]


def test_a_run_that_adds_drafts_rewrites_only_what_the_model_changed_and_ends_as_a_batch(tmp_path, monkeypatch):
    import json

    import crosscheck.pipeline as pipeline

    from crosscheck.engine.local import LocalEngine
    from crosscheck.pipeline import run
    from crosscheck.records import Article, Rejected
    from crosscheck.store import Store

    def rows(names, chrome):
        return [{"url": f"https://velmora.example/{n}", "outlet": "Velmora Post", "title": f"Home News {n} story",
                 "text": "\n".join([BODIES[k % len(BODIES)] + f" Item {n}.", *chrome])}
                for k, n in enumerate(names)]

    first = rows(["a", "b", "c"], ["Subscribe to our newsletter"]) + rows(["d"], ["Follow Velmora Post"])
    second = rows(["e", "f"], ["Follow Velmora Post"])  # the next drafts make that line recur
    for name, data in (("one.jsonl", first), ("two.jsonl", second)):
        (tmp_path / name).write_text("".join(json.dumps(r) + "\n" for r in data), encoding="utf-8")
    settings, engine = Settings(workers=1), LocalEngine(workers=1)
    applied = []
    real = pipeline.drafts_to_apply
    monkeypatch.setattr(pipeline, "drafts_to_apply", lambda *a, **k: applied.append(real(*a, **k)) or applied[-1])

    def state(store):
        return (list(store.iter_records(Article)), sorted(store.iter_records(Removal), key=lambda r: r.id),
                sorted(store.iter_records(Rejected), key=lambda r: r.id))

    both = [str(tmp_path / "one.jsonl"), str(tmp_path / "two.jsonl")]
    with Store(tmp_path / "batch.duckdb") as store:
        run(both, store=store, settings=settings, engine=engine, until="boilerplate")
        batch = state(store)
    with Store(tmp_path / "grown.duckdb") as store:
        run(both[:1], store=store, settings=settings, engine=engine, until="boilerplate")
        before = {a.id: a.text for a in store.iter_records(Article)}
        run(both, store=store, settings=settings, engine=engine, until="boilerplate")
        assert state(store) == batch
        after = {a.id: a.text for a in store.iter_records(Article)}
    # first runs apply every draft; the grown run only the new ones and the one holding the line
    assert applied[0] is None and applied[1] is None and len(applied[2]) == 3
    # the line that now recurs left the old article that holds it; the others kept their text
    changed = {k for k in before if before[k] != after.get(k)}
    assert len(changed) == 1 and "Follow Velmora Post" in before[changed.pop()]
    assert any(r.reason.startswith("outlet-boilerplate:") and r.text == "Follow Velmora Post" for r in batch[1])
    engine.close()
