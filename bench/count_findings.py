"""Two counts of one thing in one article (``internal_inconsistency``), read off stores: how many
the rule reports and a random sample of them with the text around, to be read and judged.

There is no labelled set for this finding; what makes it worth showing is that a reader who
checks one finds a contradiction. The script analyses the first --limit rows of each JSONL set
into a store (or reads the stores given with --store) and prints the count per set and --sample
findings per set with 300 characters before each.

    python bench/count_findings.py [--sets reuters,bbc,ecbplus] [--limit 2000] [--sample 20]
    python bench/count_findings.py --store STORE.duckdb [--store OTHER.duckdb]
"""

from __future__ import annotations

import argparse
import random
import tempfile
from pathlib import Path

from _common import SHARED_BENCH, analysed_sets

from crosscheck.assess.article_findings import count_inconsistencies
from crosscheck.records import Article, Claim, Quantity, TimeExpr
from crosscheck.store import Store

SETS = {"reuters": SHARED_BENCH / "reuters-21578" / "articles.jsonl",
        "ecbplus": SHARED_BENCH / "ecbplus" / "articles.jsonl",
        "bbc": SHARED_BENCH / "bbc-news" / "articles.jsonl"}


def report(name: str, path: Path, sample: int) -> None:
    with Store(path, read_only=True) as store:
        articles = {a.id: a for a in store.iter_records(Article)}
        claims = list(store.iter_records(Claim))
        quantities = {q.id: q for q in store.iter_records(Quantity)}
        times = {t.id: t for t in store.iter_records(TimeExpr)}
    found = count_inconsistencies(articles, claims, quantities, times)
    print(f"{name}: {len(found)} count inconsistencies over {len(articles):,} articles", flush=True)
    for f in random.Random(1).sample(found, min(sample, len(found))):
        text = articles[f.article].text
        print(f"  - {f.detail}\n      ...{text[max(0, f.start - 300):f.end + 60]}".replace("\n", " / ")
              .replace(" /       ...", "\n      ..."))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sets", default="reuters,bbc")
    parser.add_argument("--limit", type=int, default=2000)
    parser.add_argument("--sample", type=int, default=20)
    parser.add_argument("--store", type=Path, action="append", help="read this store instead")
    args = parser.parse_args()
    if args.store:
        for path in args.store:
            report(str(path), path, args.sample)
        return
    with tempfile.TemporaryDirectory() as tmp:
        for name, store_path in analysed_sets(
                SETS, args.sets.split(","), Path(tmp),
                lambda name, lines: (line for _, line in zip(range(args.limit), lines)), until="enrich"):
            report(f"{name} (first {args.limit:,} rows)", store_path, args.sample)


if __name__ == "__main__":
    main()
