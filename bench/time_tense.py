"""Dates without a year placed by the tense of their verb, against the publication date alone.

"Payable July 27" in a March report is this July, not last year's; "the talks were held in
April" in a March report is last April. The script parses the first --limit rows of a JSONL set
whose rows carry a publication date (Reuters by default) with the pipeline's spaCy model, reads
every time expression twice (``extract_times(..., tense=True)``, as shipped, and with
``tense=False``, the publication date alone) and prints how many resolutions differ, by the
tense read, and --sample of them at random with their sentence, to be read and judged (there
is no labelled set of year-less dates).

    python bench/time_tense.py [--data FILE] [--limit 2000] [--sample 40]
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections import Counter
from pathlib import Path

from _common import SHARED_BENCH, require_dataset

from crosscheck.clean.metadata import normalize_date
from crosscheck.enrich.nlp import load_nlp
from crosscheck.enrich.times import extract_times, time_tense
from crosscheck.records import Article


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=SHARED_BENCH / "reuters-21578" / "articles.jsonl")
    parser.add_argument("--limit", type=int, default=2000)
    parser.add_argument("--sample", type=int, default=40)
    args = parser.parse_args()
    require_dataset(args.data, name="time tense")
    articles = []
    with args.data.open(encoding="utf-8") as rows:
        for number, line in enumerate(rows):
            if number >= args.limit:
                break
            row = json.loads(line)
            published = normalize_date(row.get("published") or row.get("published_raw") or "")
            if published and row.get("text"):
                articles.append(Article(str(number), f"row{number}", None, None, None, row.get("title"),
                                        published, "input", "en", row["text"]))
    nlp = load_nlp()
    started = time.perf_counter()
    counts: Counter = Counter()
    changed = []
    for article, doc in zip(articles, nlp.pipe(a.text for a in articles)):
        shipped = extract_times(doc, article=article)
        plain = {t.start: t for t in extract_times(doc, article=article, tense=False)}
        for expression in shipped:
            tense = time_tense(doc, expression.start, expression.end)
            before = plain.get(expression.start)
            counts["expressions"] += 1
            counts[f"tense read: {tense}"] += 1
            if before is not None and (before.low, before.high) != (expression.low, expression.high):
                counts[f"placed otherwise ({tense})"] += 1
                sentence = next((s.text for s in doc.sents if s.start_char <= expression.start < s.end_char), "")
                changed.append((article.published, expression.text, before.low, expression.low, tense,
                                " ".join(sentence.split())[:160]))
    seconds = time.perf_counter() - started
    print(f"{args.data}: {len(articles)} dated rows, {counts['expressions']:,} time expressions "
          f"({seconds:.0f} s with parsing)")
    for key in sorted(k for k in counts if k != "expressions"):
        print(f"  {key}: {counts[key]:,}")
    print(f"\n{min(args.sample, len(changed))} of the {len(changed)} placed otherwise, at random "
          "(published | expression | before -> now | tense | sentence):")
    for row in random.Random(7).sample(changed, min(args.sample, len(changed))):
        published, text, before, now, tense, sentence = row
        print(f"  {published} | {text!r} | {before} -> {now} | {tense} | {sentence}")


if __name__ == "__main__":
    main()
