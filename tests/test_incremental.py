"""Incremental runs: the example corpus analysed part by part into one store gives the
analysis.json of one batch run over all of it; a re-run with nothing new redoes nothing."""

from __future__ import annotations

import json
import signal
import subprocess
import sys

import pytest
from click.testing import CliRunner

from conftest import EXAMPLES, REPO
from test_stories import TEXTS, ids, make_article, partition

import crosscheck.link as link_stage
from crosscheck.cli import cli
from crosscheck.engine.local import LocalEngine
from crosscheck.link.stories import cluster_stories
from crosscheck.link.story_update import update_stories
from crosscheck.pipeline import run
from crosscheck.report.json import write_analysis
from crosscheck.settings import Settings
from crosscheck.store import Store

SETTINGS = Settings(workers=1)
# Paths as given, relative to the repository (sources are part of the output).
INPUTS = sorted(str(p.relative_to(REPO)) for p in (EXAMPLES / "corpus").rglob("*") if p.is_file())


@pytest.fixture(scope="module")
def engine():
    engine = LocalEngine(workers=1)
    yield engine
    engine.close()


@pytest.fixture(scope="module")
def in_repo():
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(REPO)
        yield


def _analysis(store: Store, path) -> dict:
    return json.loads(write_analysis(store, path).read_text(encoding="utf-8"))


def _by_parts(parts: list[list[str]], path, engine, *, settings=SETTINGS, progress=None) -> dict:
    with Store(path.with_suffix(".duckdb")) as store:
        for k in range(len(parts)):
            given = sorted(p for part in parts[: k + 1] for p in part)
            run(given, store=store, settings=settings, engine=engine, progress=progress)
        return _analysis(store, path)


@pytest.fixture(scope="module")
def batch_path(tmp_path_factory):
    return tmp_path_factory.mktemp("batch") / "analysis.json"


@pytest.fixture(scope="module")
def batch(batch_path, engine, in_repo):
    return _by_parts([INPUTS], batch_path, engine)


def test_two_parts_give_the_batch_analysis_and_the_summary_says_what_changed(batch, tmp_path, in_repo):
    half = len(INPUTS) // 2
    db, out = tmp_path / "store.duckdb", tmp_path / "out"
    first = CliRunner().invoke(cli, ["analyze", *INPUTS[:half], "--db", str(db), "--out", str(out),
                                     "--workers", "1"])
    assert first.exit_code == 0, first.output
    assert "Changes since the last run" not in first.output
    second = CliRunner().invoke(cli, ["analyze", *INPUTS[half:], "--db", str(db), "--out", str(out),
                                      "--workers", "1"])
    assert second.exit_code == 0, second.output
    assert json.loads((out / "analysis.json").read_text(encoding="utf-8")) == batch
    assert "Changes since the last run" in second.output
    assert "new articles" in second.output


def test_three_interleaved_parts_with_stories_placed_give_the_batch_analysis(batch, tmp_path, engine,
                                                                            in_repo):
    # placing new articles in stored stories may give other stories than a batch run in general
    # (docs/scaling.md); on the example corpus it gives the same
    parts = [INPUTS[k::3] for k in range(3)]
    placed = Settings(workers=1, incremental_stories=True)
    assert _by_parts(parts, tmp_path / "a.json", engine, settings=placed) == batch
    assert batch["derivations"] and batch["claim_groups"] and batch["events"]


def test_a_rerun_with_nothing_new_aligns_and_assesses_nothing(batch, batch_path, tmp_path, engine,
                                                              in_repo, monkeypatch):
    seen: dict[str, int] = {}

    def note(stage: str, n: int) -> None:
        seen[stage] = seen.get(stage, 0) + n

    def refuse(batch, **options):
        raise AssertionError(f"pair aligned again: {[(a.id, b.id) for a, b, *_ in batch]}")

    monkeypatch.setattr(link_stage, "derive_pairs", refuse)
    with Store(batch_path.with_suffix(".duckdb")) as store:
        # as if the inputs had changed: the corpus stages' markers go, their state stays
        store.con.execute("DELETE FROM markers WHERE stage IN ('link', 'assess')")
        run(INPUTS, store=store, settings=SETTINGS, engine=engine, progress=note)
        assert _analysis(store, tmp_path / "again.json") == batch
    assert seen.get("assess") == 0


def test_three_interleaved_parts_give_the_batch_analysis(batch, tmp_path, engine, in_repo):
    parts = [INPUTS[k::3] for k in range(3)]
    assert _by_parts(parts[::-1], tmp_path / "a.json", engine) == batch


# --- stories placed, not clustered again ------------------------------------------------------


def test_a_new_article_joins_the_story_it_reaches_and_other_stories_are_kept():
    old = [make_article(k) for k in ("wire", "daily", "later", "fair")]
    stories, members = cluster_stories(old)
    previous = {m.article: m.story for m in members}
    blog = make_article("blog")
    new_stories, new_members = update_stories([*old, blog], previous=previous, new={blog.id})
    assert partition(new_members) == {ids("wire", "daily", "blog"), ids("later"), ids("fair")}
    kept = {s.id for s in stories} & {s.id for s in new_stories}
    assert {previous[i] for i in ids("later", "fair")} <= kept
    # the batch on the union agrees here
    assert partition(new_members) == partition(cluster_stories([*old, blog])[1])


def test_nothing_new_keeps_every_story():
    articles = [make_article(k) for k in TEXTS]
    stories, members = cluster_stories(articles)
    previous = {m.article: m.story for m in members}
    again, again_members = update_stories(articles, previous=previous, new=set())
    assert (again, again_members) == (stories, members)


def test_a_kept_story_keeps_its_stored_title_and_a_reached_one_is_titled_again():
    old = [make_article(k) for k in ("wire", "daily", "later", "fair")]
    stories, members = cluster_stories(old)
    previous = {m.article: m.story for m in members}
    titles = {s.id: f"stored {s.id}" for s in stories}
    blog = make_article("blog")
    new_stories, _ = update_stories([*old, blog], previous=previous, new={blog.id}, titles=titles)
    by_id = {s.id: s.title for s in new_stories}
    fair = previous[make_article("fair").id]  # not reached by the blog: kept, with the title given
    assert by_id[fair] == titles[fair]
    reached = previous[make_article("wire").id]  # reached: clustered again, titled by its members
    assert by_id[reached] != titles[reached]
    assert by_id[reached] == {s.id: s.title for s in cluster_stories([*old, blog])[0]}[reached]


def test_placement_reaches_the_stories_the_pair_rule_gives_one_pair_at_a_time():
    """The sparse products of ``_reached`` against the pair rule itself (``_similarity`` over
    the members sharing a corpus-rare term with the new article), for every article taken as new
    against the stories of the others, at several thresholds."""
    from collections import defaultdict

    from crosscheck.link.story_features import StorySettings, _features, _similarity, _Vectors, _Weights
    from crosscheck.link.story_update import _reached

    articles = [make_article(k) for k in TEXTS]
    for threshold, max_posting in ((0.1, 100), (0.05, 2), (0.3, 100)):
        opts = StorySettings(link_threshold=threshold, max_posting=max_posting)
        feats = [_features(a, (), (), opts) for a in articles]
        weights = _Weights()
        for f in feats:
            weights.count(f)

        def vector(i):
            return _Vectors(weights.vector(feats[i].terms), weights.vector(feats[i].entities, entities=True))

        for new in range(len(feats)):
            others = [i for i in range(len(feats)) if i != new]
            groups = {f"s{i}": [i] for i in others[::2]}  # singletons and pairs
            for a, b in zip(others[1::2], others[2::2]):
                groups[f"s{b}"].append(a)
            story_of = {i: s for s, members in groups.items() for i in members}
            totals = defaultdict(float)
            for other in others:
                if any(weights.df[t] <= max_posting for t in feats[new].terms.keys() & feats[other].terms.keys()):
                    totals[story_of[other]] += _similarity(vector(new), vector(other), opts)
            expected = {s for s, total in totals.items() if total / len(groups[s]) >= threshold}
            assert _reached([new], feats, weights, groups, opts) == expected


def test_a_changed_article_is_placed_again():
    articles = [make_article(k) for k in TEXTS]
    _, members = cluster_stories(articles)
    previous = {m.article: m.story for m in members}
    # the fair's text now reports the crane: its old story is clustered again with it
    fair = make_article("fair")
    moved = type(fair)(**{**{f: getattr(fair, f) for f in fair.__dataclass_fields__},
                          "text": make_article("daily").text})
    rest = [a for a in articles if a.id != fair.id]
    _, updated = update_stories([*rest, moved], previous=previous, new={moved.id})
    assert ids("wire", "daily", "blog", "fair") in partition(updated)


# --- link state kept in the store -------------------------------------------------------------


def _stored_articles(texts: dict[str, str]) -> dict:
    return {key: make_article("wire").__class__(
        id=key, source=f"tests/{key}.txt", url=None, outlet=None, outlet_from=None, title=None,
        published=None, published_from=None, language="en", text=text) for key, text in texts.items()}


def test_stored_signatures_give_the_near_duplicate_pairs_of_the_texts():
    from conftest import synthetic_article
    from crosscheck.link.minhash import near_duplicate_pairs
    from crosscheck.link.state import Signatures

    texts = {f"a{i}": synthetic_article(i) for i in range(6)}
    texts["copy"] = texts["a1"].replace("report 1.", "report 1!")
    with Store(":memory:") as store:
        articles = _stored_articles(texts)
        first = Signatures(store, articles)
        assert first.near_duplicate_pairs(threshold=0.3) == near_duplicate_pairs(
            sorted(texts.items()), threshold=0.3)
        first.save()
        texts["a2"] = texts["a3"]  # a changed text gets a new signature
        articles = _stored_articles(texts)
        again = Signatures(store, articles)
        assert again.near_duplicate_pairs(threshold=0.3) == near_duplicate_pairs(
            sorted(texts.items()), threshold=0.3)
        assert again._computed == {"a2"}


# --- what a story's assessment reads ----------------------------------------------------------


def _fingerprints(tmp_path, records, story_of, *, reach=None, rows=()):
    """Story fingerprints of a store holding ``records`` (and the SQL ``rows`` inserted), with
    ``reach`` or the one counted over the store."""
    from crosscheck.assess.partition import CorpusIndex
    from crosscheck.assess.scope import story_fingerprints

    path = tmp_path / "fingerprints.duckdb"
    path.unlink(missing_ok=True)
    with Store(path) as store:
        store.write(records)
        for sql in rows:
            store.con.execute(sql)
        return story_fingerprints(store, story_of=story_of, settings_key="s",
                                  reach=reach or CorpusIndex(store).reach)


def test_a_story_fingerprint_follows_its_derivations_far_side_and_nothing_else(tmp_path):
    from dataclasses import replace

    from crosscheck.records import Derivation

    a1, a2, b1, c1 = (make_article(k) for k in ("wire", "daily", "blog", "fair"))
    story_of = {a1.id: "A", a2.id: "A", b1.id: "B", c1.id: "C"}
    crossing = Derivation(id="d", source=a1.id, derived=b1.id, kind="rewrite", score=0.5,
                          similarity=0.5, direction="dated", evidence="")

    before = _fingerprints(tmp_path, [a1, a2, b1, c1, crossing], story_of)
    assert sorted(before) == ["A", "B", "C"]
    assert _fingerprints(tmp_path, [c1, b1, a2, a1, crossing], story_of) == before  # order of rows
    after = _fingerprints(tmp_path, [a1, a2, replace(b1, text=b1.text + " One more line."), c1, crossing],
                          story_of)
    assert after["A"] != before["A"]  # the far side of a derivation changed
    assert after["B"] != before["B"]  # a member changed
    assert after["C"] == before["C"]
    assert _fingerprints(tmp_path, [a1, a2, b1, c1, replace(crossing, score=0.6)], story_of)["C"] == before["C"]
    moved = _fingerprints(tmp_path, [a1, a2, b1, c1, crossing], {**story_of, a2.id: "C"})
    assert moved["A"] != before["A"] and moved["C"] != before["C"]  # a member moved


def test_a_story_fingerprint_follows_the_entity_of_a_far_side_speaker(tmp_path):
    """A member's quote is compared with the quotes of the far side of its derivation: the
    corpus entity of a far-side speaker is read, so a merge that moves it redoes the story."""
    from crosscheck.records import Derivation, EntityKey

    a1, b1, c1 = (make_article(k) for k in ("wire", "blog", "fair"))
    story_of = {a1.id: "A", b1.id: "B", c1.id: "C"}
    crossing = Derivation(id="d", source=a1.id, derived=b1.id, kind="rewrite", score=0.5,
                          similarity=0.5, direction="dated", evidence="")
    quote = f"INSERT INTO quotes (id, article, speaker_key) VALUES ('q', '{b1.id}', 'harrow')"

    def fingerprints(entity):
        return _fingerprints(tmp_path, [a1, b1, c1, crossing, EntityKey("harrow", entity, "harrow")],
                             story_of, rows=[quote])

    before, after = fingerprints("e:harrow"), fingerprints("e:dessen")
    assert after["A"] != before["A"]  # the far side's speaker is now another entity
    assert after["C"] == before["C"]


def test_a_story_fingerprint_counts_corpus_names_and_place_pairs_only_where_a_claim_reads_them(tmp_path):
    from crosscheck.assess.scope import CorpusReach
    from crosscheck.link.claims import EntityNames
    from crosscheck.records import Mention

    article = make_article("wire")
    mentions = [Mention("m1", article.id, 0, 5, "Arlen", "PERSON", "Arlen", "arlen", 0),
                Mention("m2", article.id, 10, 16, "Tovask", "GPE", "Tovask", "tovask", 0),
                Mention("m3", article.id, 20, 26, "Brisa", "GPE", "Brisa", "brisa", 1),
                Mention("m4", article.id, 30, 33, "Zel", "GPE", "Zel", "zel", 2),
                Mention("m5", article.id, 40, 45, "Ostra", "ORG", "Ostra", "ostra", 3),
                Mention("m6", article.id, 60, 65, "Kelda", "ORG", "Kelda", "kelda", 4)]
    rows = [
        # the first two claims are one claim group: the places of the one against the other's
        'INSERT INTO claims (id, article, start, "end", speaker, speaker_key, places) '
        f"VALUES ('c1', '{article.id}', 0, 18, 'Arlen', 'arlen', ['Tovask'])",
        'INSERT INTO claims (id, article, start, "end", speaker, places) '
        f"VALUES ('c2', '{article.id}', 18, 50, 'a spokesman for Ostra', ['Brisa'])",
        'INSERT INTO claims (id, article, start, "end", places) '
        f"VALUES ('c3', '{article.id}', 50, 70, ['Zel'])",
        'INSERT INTO claim_group_members (id, "group", claim, article) '
        f"VALUES ('g1', 'g', 'c1', '{article.id}'), ('g2', 'g', 'c2', '{article.id}')",
    ]

    def fingerprint(changed=None, co_mentioned=frozenset()):
        names = {"arlen": "Arlen", "tovask": "Tovask", "brisa": "Brisa", "zel": "Zel",
                 "ostra": "Ostra", "kelda": "Kelda", **(changed or {})}
        reach = CorpusReach({}, frozenset(), frozenset(),
                            EntityNames(names, {k: "GPE" for k in names}), frozenset(co_mentioned))
        return _fingerprints(tmp_path, [article, *mentions], {article.id: "S"}, reach=reach, rows=rows)["S"]

    before = fingerprint()
    # another article tips the corpus name of a place or of an organisation no claim takes for
    # its speaker, or names together two places no claim group compares: nothing to redo
    assert fingerprint({"brisa": "Brisa City", "zel": "Zel Town", "kelda": "Kelda Group"}) == before
    assert fingerprint(co_mentioned={("tovask", "zel"), ("brisa", "zel")}) == before
    # the speaker's corpus name (by its key, or named inside the claim's speaker phrase), and a
    # pair of places two claims of one group name, named together elsewhere, are read
    assert fingerprint({"arlen": "Arlen Voss"}) != before
    assert fingerprint({"ostra": "Ostra Holdings"}) != before
    assert fingerprint(co_mentioned={("brisa", "tovask")}) != before


_DIE_AT_COMMIT = """
import os, signal, sys
from crosscheck.engine.local import LocalEngine
from crosscheck.pipeline import run
from crosscheck.settings import Settings
from crosscheck.store import Store

stage, db, inputs = sys.argv[1], sys.argv[2], sys.argv[3:]
keep = Store.set_marker

def set_marker(self, name, fingerprint):
    if name == stage:  # inside the stage's transaction, just before it would commit
        os.kill(os.getpid(), signal.SIGKILL)
    keep(self, name, fingerprint)

Store.set_marker = set_marker
with Store(db) as store:
    run(inputs, store=store, settings=Settings(workers=1), engine=LocalEngine(workers=1))
"""


@pytest.mark.parametrize("stage", ["link", "assess"])
def test_sigkill_in_an_incremental_run_resumes_to_the_batch_analysis(stage, batch, tmp_path,
                                                                     engine, in_repo):
    first, _ = INPUTS[::2], INPUTS[1::2]
    db = tmp_path / "parts.duckdb"
    with Store(db) as store:
        run(sorted(first), store=store, settings=SETTINGS, engine=engine)
    killed = subprocess.run([sys.executable, "-c", _DIE_AT_COMMIT, stage, str(db), *INPUTS],
                            cwd=REPO, capture_output=True, timeout=600)
    assert killed.returncode == -signal.SIGKILL, killed.stderr.decode()[-2000:]
    with Store(db) as store:
        run(INPUTS, store=store, settings=SETTINGS, engine=engine)
        assert _analysis(store, tmp_path / "analysis.json") == batch


def test_the_redo_breakdown_accounts_for_every_story_an_incremental_run_assessed_again(
        tmp_path, engine, in_repo):
    from conftest import bench_module

    half = len(INPUTS) // 2
    base, grown = tmp_path / "base.duckdb", tmp_path / "grown.duckdb"
    with Store(base) as store:
        run(INPUTS[:half], store=store, settings=SETTINGS, engine=engine)
    grown.write_bytes(base.read_bytes())
    with Store(grown) as store:
        run(INPUTS[half:], store=store, settings=SETTINGS, engine=engine)
        redone = store.row("SELECT count(DISTINCT story) FROM assess_scopes")[0]
    with bench_module("incremental_redo.py", "incremental_redo") as module:
        rows = module.redo_reasons(str(base), str(grown))
    causes = dict((cause, stories) for cause, stories, _ in rows)
    assert causes.get("a new article joined", 0) >= 1
    assert sum(causes.values()) <= redone
    assert all(articles >= stories for _, stories, articles in rows)
