"""Event triggers in their other senses, on business news: Reuters-21578 with and without the
participant rules of ``crosscheck.enrich.event_senses``.

Reuters is business news, where most trigger words of the taxonomy are used in their everyday
sense (figures released, prices rallying, a company executing a letter of intent). This cleans
the chosen Reuters rows as the pipeline does, enriches them in one process twice, with the
rules and with every trigger passed through as before them, and scores both against the team's
hand labels in ``bench/event_senses_gold.tsv`` (Reuters row id, trigger offset, ``y`` when the
trigger names an event of the taxonomy in its sense, ``n`` when it is the word's other sense;
offsets and labels only). Prints, per labelled set: the asserted mentions without and with the
rules, the precision of each (labelled ``y`` among those kept), and how many of the ``y``
mentions the rules keep.

The labels come in four sets, and the script scores each apart: ``dev``, the first 2,000 rows,
whose mentions were read while the rules were written; ``heldout``, rows 6,000 to 7,000,
labelled from the mentions found without the rules before the first rules were scored on them
(its errors were read afterwards, and one rule, attacks on texts and policies, came of them);
``heldout2``, rows 8,000 to 9,000, labelled the same way after that change (its errors gave one
more rule: a source "who declined to be identified"); ``heldout3``, rows 10,000 to 11,000,
labelled after that last change. Only the last set is unseen by every rule.

    python bench/event_senses.py                     # both sets
    python bench/event_senses.py --candidates 6000:7000   # print unlabelled mentions to label
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import tempfile
import time
from pathlib import Path
from unittest import mock

from _common import SHARED_BENCH

from crosscheck.engine.local import LocalEngine
from crosscheck.enrich import enrich_batch
from crosscheck.pipeline import run
from crosscheck.records import Article, EventMention
from crosscheck.settings import Settings
from crosscheck.store import Store

REUTERS = SHARED_BENCH / "reuters-21578" / "articles.jsonl"
GOLD = Path(__file__).resolve().parent / "event_senses_gold.tsv"
SETS = {"dev": (0, 2000), "heldout": (6000, 7000), "heldout2": (8000, 9000),
        "heldout3": (10000, 11000)}


def _articles(first: int, last: int, tmp: Path) -> list[Article]:
    rows = tmp / f"rows-{first}-{last}.jsonl"
    with REUTERS.open(encoding="utf-8") as src, rows.open("w", encoding="utf-8") as dst:
        for i, line in enumerate(src):
            if first <= i < last:
                dst.write(line)
    with Store(tmp / f"{first}.duckdb") as store:
        run([str(rows)], store=store, settings=Settings(workers=2), engine=LocalEngine(workers=2),
            until="boilerplate")
        return list(store.iter_records(Article, order_by="id"))


def _row(article: Article) -> str:
    """The Reuters row id an article came from ("reuters-630"): ids of a JSONL row depend on
    the file's name, the row's own id does not."""
    return article.source.rpartition("#")[2]


def _mentions(articles: list[Article], *, rules: bool) -> dict[tuple[str, int], EventMention]:
    settings = Settings(workers=1)
    row = {a.id: _row(a) for a in articles}
    patch = (mock.patch("crosscheck.enrich.events.event_sense", lambda t, action, a, b: action)
             if not rules else contextlib.nullcontext())
    found = {}
    with patch:
        for start in range(0, len(articles), 64):
            for record in enrich_batch(articles[start:start + 64], settings=settings):
                if isinstance(record, EventMention) and record.status == "asserted":
                    found[(row[record.article], record.start)] = record
    return found


def _gold() -> dict[str, dict[tuple[str, int], str]]:
    labels: dict[str, dict[tuple[str, int], str]] = {name: {} for name in SETS}
    if not GOLD.exists():
        return labels
    lines = (line for line in GOLD.open(encoding="utf-8") if not line.startswith("#"))
    for row in csv.DictReader(lines, delimiter="\t"):
        labels[row["set"]][(row["row"], int(row["start"]))] = row["label"]
    return labels


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--candidates", help="FIRST:LAST rows: print the mentions found without "
                                             "the rules, to label")
    args = parser.parse_args()
    if not REUTERS.exists():
        print(f"skipping: reuters-21578 not found at {REUTERS}")
        return
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        if args.candidates:
            first, last = (int(x) for x in args.candidates.split(":"))
            articles = _articles(first, last, tmp)
            text = {_row(a): a.text for a in articles}
            for (row, start), m in sorted(_mentions(articles, rules=False).items()):
                context = text[row][max(0, start - 80):m.end + 60].replace("\n", " ")
                print(f"{row}\t{start}\t{m.action}\t{context}")
            return
        gold = _gold()
        print(f"{'set':<9}{'rules':<7}{'mentions':>9}{'labelled':>9}{'precision':>10}"
              f"{'y kept':>12}{'seconds':>9}")
        for name, (first, last) in SETS.items():
            labels = gold[name]
            if not labels:
                print(f"{name:<9}no labels in {GOLD.name}")
                continue
            articles = _articles(first, last, tmp)
            true = {k for k, v in labels.items() if v == "y"}
            for rules in (False, True):
                started = time.perf_counter()
                found = _mentions(articles, rules=rules)
                elapsed = time.perf_counter() - started
                scored = [k for k in found if k in labels]
                right = sum(k in true for k in scored)
                kept = sum(k in found for k in true)
                print(f"{name:<9}{'on' if rules else 'off':<7}{len(found):>9}{len(scored):>9}"
                      f"{right / max(1, len(scored)):>10.3f}{f'{kept}/{len(true)}':>12}"
                      f"{elapsed:>9.1f}")


if __name__ == "__main__":
    main()
