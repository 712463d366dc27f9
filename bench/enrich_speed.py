"""Enrichment throughput beside spaCy's own pipeline on the same texts (default: reuters-21578).

Both sides run in this process, one core, on the same articles: spaCy alone is ``nlp.pipe`` with
the same model (the floor crosscheck's enrichment cannot beat, since it parses once and reuses
the Doc); crosscheck is ``enrich_batch`` in batches of the pipeline's ``batch_size``: sentences,
mentions and aliases, quantities, times, quotes and claims. Prints articles/s for both, the ratio
crosscheck/spaCy (goal: at least 0.8) and where crosscheck's time beyond the parse goes. Times
are CPU seconds of this process (``time.process_time``), so other load on the machine disturbs
them less than wall-clock time would.

    python bench/enrich_speed.py [--data FILE] [--limit 2000] [--repeat 1]
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from collections import defaultdict
from pathlib import Path

from _common import SHARED_BENCH, require_dataset

import crosscheck.enrich.stage as enrich
from crosscheck.enrich.nlp import load_nlp
from crosscheck.records import Article
from crosscheck.settings import Settings

_EXTRACTORS = ("extract_mentions", "extract_quantities", "extract_times", "extract_quotes",
               "extract_claims")


def read_articles(path: Path, limit: int) -> list[Article]:
    articles = []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            if not (row.get("text") or "").strip():
                continue
            articles.append(Article(id=row["id"], source=f"{path}#{row['id']}", url=None,
                                    outlet=row.get("outlet"), outlet_from="input",
                                    title=row.get("title"), published=None,
                                    published_from=None, language="en", text=row["text"]))
            if len(articles) >= limit:
                break
    return articles


def time_spacy(texts: list[str]) -> float:
    nlp = load_nlp()
    started = time.process_time()
    for _ in nlp.pipe(texts, batch_size=32):
        pass
    return time.process_time() - started


def time_crosscheck(articles: list[Article], settings: Settings,
                    spent: dict[str, float]) -> tuple[float, int]:
    started = time.process_time()
    records = 0
    for i in range(0, len(articles), settings.batch_size):
        records += len(enrich.enrich_batch(articles[i:i + settings.batch_size],
                                           settings=settings))
    return time.process_time() - started, records


def instrument(spent: dict[str, float]) -> None:
    """Wrap each extractor so the time it takes is added to ``spent``."""
    for name in _EXTRACTORS:
        original = getattr(enrich, name)

        def timed(*args, _original=original, _name=name, **kwargs):
            started = time.process_time()
            try:
                return _original(*args, **kwargs)
            finally:
                spent[_name] += time.process_time() - started

        setattr(enrich, name, timed)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=SHARED_BENCH / "reuters-21578" / "articles.jsonl")
    parser.add_argument("--limit", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=1, help="runs of each side; best kept")
    args = parser.parse_args(argv)
    require_dataset(args.data, name="reuters-21578")
    articles = read_articles(args.data, args.limit)
    texts = [a.text for a in articles]
    settings = Settings(workers=1)
    nlp = load_nlp()
    enrich.enrich_batch(articles[:20], settings=settings)  # warm up both sides
    spent: dict[str, float] = defaultdict(float)
    instrument(spent)
    spacy_best = crosscheck_best = float("inf")
    for _ in range(args.repeat):
        spacy_best = min(spacy_best, time_spacy(texts))
        spent.clear()
        elapsed, records = time_crosscheck(articles, settings, spent)
        crosscheck_best = min(crosscheck_best, elapsed)
    chars = sum(len(t) for t in texts)
    print(f"enrichment throughput: {len(articles)} articles, {chars:,} characters, "
          f"model {nlp.meta['lang']}_{nlp.meta['name']} {nlp.meta['version']}, "
          f"{platform.processor() or platform.machine()}, python {sys.version.split()[0]}")
    print(f"{'pipeline':<28}{'CPU s':>10}{'articles/s':>12}")
    print(f"{'spaCy nlp.pipe alone':<28}{spacy_best:>10.1f}{len(articles) / spacy_best:>12.1f}")
    print(f"{'crosscheck enrich_batch':<28}{crosscheck_best:>10.1f}"
          f"{len(articles) / crosscheck_best:>12.1f}")
    print(f"ratio crosscheck/spaCy: {spacy_best / crosscheck_best:.2f} (goal >= 0.80); "
          f"{records} records in the last run")
    print("time in extractors (last run): " + ", ".join(
        f"{name.removeprefix('extract_')} {spent[name]:.1f}s" for name in _EXTRACTORS))


if __name__ == "__main__":
    main()
