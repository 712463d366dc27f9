"""Corroboration benchmark on METER: newspaper rewrites of one wire story are one origin with it.

Runs the whole pipeline (ingest .. link) on a subset of METER stories into a throwaway store,
then ``assess_claims`` on the store's records, and reports:

- claim groups, and those that mix a wire text with newspaper texts of the same gold story;
- of those, the share whose articles of that story count as one origin (goal: 1.0 — the
  papers rewrote the wire, so the wire and its rewrites are one reporting line);
- the distribution of origins per claim group;
- time for the assessment alone, and for the pipeline before it.

Stories are taken whole (``--stories N``: the first N gold stories in file order), so that
every wire text comes with its rewrites.

``--examples`` runs the same on the team's example corpus instead and checks the answer key
(examples/answers.json): every planted conflict found with its slot and articles, nothing
from ``not_conflicts`` reported, and the origins of each story's main claim group.

Example:
    python bench/corroboration.py --stories 12
    python bench/corroboration.py --stories 40 --embedder hashing
    python bench/corroboration.py --examples
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import REPO_ROOT, SHARED_BENCH, require_dataset  # noqa: E402
from crosscheck.assess.claims import assess_claims  # noqa: E402
from crosscheck.assess.conflicts import STATED, label_people  # noqa: E402
from crosscheck.engine.local import LocalEngine  # noqa: E402
from crosscheck.pipeline import run  # noqa: E402
from crosscheck.records import (Article, Claim, ClaimGroup, ClaimGroupMember, Conflict,  # noqa: E402
                                ConflictValue, Derivation, EntityKey, Mention, Quantity, Quote,
                                StoryMember, TimeExpr)
from crosscheck.settings import Settings  # noqa: E402
from crosscheck.store import Store  # noqa: E402


def subset(path: Path, stories: int, out: Path) -> dict[str, dict]:
    """Write the rows of the first ``stories`` gold stories to ``out``; rows by id."""
    rows, chosen = {}, []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            if row["gold_story"] not in chosen:
                if len(chosen) == stories:
                    continue
                chosen.append(row["gold_story"])
            rows[row["id"]] = row
    out.write_text("".join(json.dumps(r) + "\n" for r in rows.values()), encoding="utf-8")
    return rows


def build(inputs: list[str], *, store: Store, embedder: str) -> None:
    """Run the pipeline; a failure in a stage after ``link`` (another module's) is reported
    and does not stop the benchmark, which needs only the linked store."""
    try:
        run(inputs, store=store, settings=Settings(embedder=embedder),
            engine=LocalEngine(workers=1))
    except Exception as exc:  # noqa: BLE001 - the message says which stage and why
        if store.marker("link") is None:
            raise
        print(f"note: a stage after link failed ({type(exc).__name__}: {str(exc)[:120]}); "
              "assessing claims from the linked store")


def assess(store: Store, embedder: str):
    articles = {a.id: a for a in store.iter_records(Article)}
    return articles, assess_claims(
        articles=articles, claims=list(store.iter_records(Claim)),
        quantities={q.id: q for q in store.iter_records(Quantity)},
        times={t.id: t for t in store.iter_records(TimeExpr)},
        quotes=list(store.iter_records(Quote)), mentions=list(store.iter_records(Mention)),
        entity_keys=list(store.iter_records(EntityKey)),
        story_of={m.article: m.story for m in store.iter_records(StoryMember)},
        derivations=list(store.iter_records(Derivation)), embedder=embedder)


def score(records, gold: dict[str, tuple[str, str]]) -> dict:
    """Mixed wire/newspaper groups (per gold story) and whether each is one origin."""
    groups = [r for r in records if isinstance(r, ClaimGroup)]
    members: dict[str, list[ClaimGroupMember]] = defaultdict(list)
    for record in records:
        if isinstance(record, ClaimGroupMember):
            members[record.group].append(record)
    mixed = one = 0
    for group in groups:
        by_story: dict[str, list[ClaimGroupMember]] = defaultdict(list)
        for member in members[group.id]:
            by_story[gold[member.article][0]].append(member)
        for story_members in by_story.values():
            roles = {gold[m.article][1] for m in story_members}
            if roles == {"wire", "newspaper"}:
                mixed += 1
                one += len({m.origin for m in story_members}) == 1
    return {"groups": len(groups), "mixed": mixed, "one_origin": one,
            "origins": Counter(g.origins for g in groups)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=SHARED_BENCH / "meter")
    parser.add_argument("--stories", type=int, default=12, help="gold stories to take whole")
    parser.add_argument("--embedder", default="wordllama")
    parser.add_argument("--examples", action="store_true", help="check examples/answers.json")
    parser.add_argument("--show", type=Path, help="print the groups and conflicts of a corpus")
    args = parser.parse_args()
    if args.examples:
        check_examples(args.embedder)
        return
    if args.show:
        show(args.show, args.embedder)
        return
    source = require_dataset(args.data / "articles.jsonl", name="METER (corroboration)")
    with tempfile.TemporaryDirectory() as tmp:
        subset_path = Path(tmp) / "meter.jsonl"
        rows = subset(source, args.stories, subset_path)
        with Store(Path(tmp) / "bench.duckdb") as store:
            started = time.perf_counter()
            build([str(subset_path)], store=store, embedder=args.embedder)
            pipeline_s = time.perf_counter() - started
            started = time.perf_counter()
            articles, records = assess(store, args.embedder)
            assess_s = time.perf_counter() - started
    gold = {}
    for article in articles.values():
        row = rows.get(article.source.split("#", 1)[-1])
        if row is not None:
            gold[article.id] = (row["gold_story"], row["gold_role"])
    report(score(records, gold), articles=len(articles), stories=args.stories,
           pipeline_s=pipeline_s, assess_s=assess_s, embedder=args.embedder)


def report(result: dict, *, articles: int, stories: int, pipeline_s: float, assess_s: float,
           embedder: str) -> None:
    share = result["one_origin"] / result["mixed"] if result["mixed"] else float("nan")
    print(f"METER corroboration: {stories} stories, {articles} articles, embedder {embedder}")
    print(f"{'measure':<52} {'value':>10}")
    print(f"{'claim groups':<52} {result['groups']:>10}")
    print(f"{'groups mixing a wire text with its newspaper rewrites':<52} {result['mixed']:>10}")
    print(f"{'... whose wire line counts as one origin (goal 1.0)':<52} {share:>10.3f}")
    print(f"{'pipeline ingest..link (s)':<52} {pipeline_s:>10.1f}")
    print(f"{'assess_claims (s)':<52} {assess_s:>10.2f}")
    print("\norigins per claim group")
    print(f"{'origins':>8} {'groups':>8} {'share':>8}")
    total = sum(result["origins"].values()) or 1
    for origins, count in sorted(result["origins"].items()):
        print(f"{origins:>8} {count:>8} {count / total:>8.3f}")


def show(corpus: Path, embedder: str) -> None:
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "show.duckdb") as store:
        build([str(corpus)], store=store, embedder=embedder)
        articles, records = assess(store, embedder)
    name = {i: Path(a.source).name[:16] for i, a in articles.items()}
    for record in records:
        if isinstance(record, ClaimGroup):
            print(f"\n[{record.key}] origins={record.origins} primary={record.primary_source}")
        elif isinstance(record, ClaimGroupMember):
            print(f"   {name[record.article]:<16} origin {name[record.origin]}")
        elif isinstance(record, Conflict):
            print(f"   conflict {record.slot}: {record.detail}")
        elif isinstance(record, ConflictValue):
            print(f"      {name[record.article]:<16} {record.value[:70]!r}")


def check_examples(embedder: str) -> None:
    answers = json.loads((REPO_ROOT / "examples" / "answers.json").read_text(encoding="utf-8"))
    key_of = {a["source"]: k for k, a in answers["articles"].items()}
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "ex.duckdb") as store:
        build([str(REPO_ROOT / "examples" / "corpus")], store=store, embedder=embedder)
        articles, records = assess(store, embedder)
    key = {i: key_of.get(a.source.replace(str(REPO_ROOT) + "/", ""), a.source)
           for i, a in articles.items()}
    conflicts = _conflicts_by_key(records, key)
    print(f"{'planted conflict':<24} {'articles':<20} found")
    found_all = True
    for gold in answers["conflicts"]:
        want = set(gold["values"])
        hit = any(slot == gold["slot"] and want <= set(held) for slot, held in conflicts)
        found_all &= hit
        print(f"{gold['story'] + ' ' + gold['slot']:<24} {','.join(sorted(want)):<20} {hit}")
    print(f"\n{'not a conflict':<24} {'articles':<20} reported")
    for gold in answers["not_conflicts"]:
        first, second = gold["articles"]
        wrong = [slot for slot, held in conflicts if first in held and second in held
                 and _side(slot, held[first]) != _side(slot, held[second])]
        pair = {first, second}
        print(f"{' / '.join(sorted(pair)):<24} {gold['why'][:20]:<20} {wrong or 'no'}")
    print(f"\n{'story':<6} {'largest claim group':<36} {'origins':>7}  origin articles (gold)")
    story_key = {}
    for gold_key, gold_article in answers["articles"].items():
        story_key[gold_key] = gold_article["story"]
    for story, gold_origins in sorted(answers["independent_origins"].items()):
        group, members = _largest_group(records, key, story_key, story)
        if group is not None:
            origins = sorted({key[m.origin] for m in members})
            print(f"{story:<6} {group.key[:36]:<36} {group.origins:>7}  {','.join(origins)} "
                  f"({','.join(gold_origins)})")
    print(f"\nall planted conflicts found and typed: {found_all}")
    print(f"conflicts reported in all: {len(conflicts)}")


def _largest_group(records, key, story_key, story):
    members: dict[str, list[ClaimGroupMember]] = defaultdict(list)
    for record in records:
        if isinstance(record, ClaimGroupMember):
            members[record.group].append(record)
    groups = [r for r in records if isinstance(r, ClaimGroup)
              and 2 * sum(story_key.get(key[m.article]) == story for m in members[r.id])
              > len(members[r.id])]
    if not groups:
        return None, []
    best = max(groups, key=lambda g: (len(members[g.id]), g.id))
    return best, members[best.id]


def _side(slot: str, value: str) -> str:
    """Which side a value takes: characterisations by their label, hedges as hedged or stated
    ("claimed" and "alleged" are one side), others as written."""
    if slot == "hedge":
        return "stated" if value == STATED else "hedged"
    return (label_people(value) or value) if slot == "characterisation" else value.lower()


def _conflicts_by_key(records, key) -> list[tuple[str, dict[str, str]]]:
    """(slot, answer-key article name -> the value it holds) per conflict."""
    values: dict[str, dict[str, str]] = defaultdict(dict)
    for record in records:
        if isinstance(record, ConflictValue):
            values[record.conflict][key[record.article]] = record.value
    return [(r.slot, values[r.id]) for r in records if isinstance(r, Conflict)]


if __name__ == "__main__":
    main()
