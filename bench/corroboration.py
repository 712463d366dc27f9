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

Example:
    python bench/corroboration.py --stories 12
    python bench/corroboration.py --stories 40 --embedder hashing
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

from _common import SHARED_BENCH, require_dataset  # noqa: E402
from crosscheck.assess.claims import assess_claims  # noqa: E402
from crosscheck.engine.local import LocalEngine  # noqa: E402
from crosscheck.pipeline import run  # noqa: E402
from crosscheck.records import (Article, Claim, ClaimGroup, ClaimGroupMember, Derivation,  # noqa: E402
                                EntityKey, Mention, Quantity, Quote, StoryMember, TimeExpr)
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
    args = parser.parse_args()
    source = require_dataset(args.data / "articles.jsonl", name="METER (corroboration)")
    with tempfile.TemporaryDirectory() as tmp:
        subset_path = Path(tmp) / "meter.jsonl"
        rows = subset(source, args.stories, subset_path)
        settings = Settings(embedder=args.embedder)
        with Store(Path(tmp) / "bench.duckdb") as store:
            started = time.perf_counter()
            run([str(subset_path)], store=store, settings=settings, engine=LocalEngine(workers=1))
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


if __name__ == "__main__":
    main()
