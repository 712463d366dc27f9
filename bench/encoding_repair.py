"""Text decoded with the wrong charset upstream, cleaned with and without the repair.

Each JSONL row is cleaned as the pipeline cleans it, once as shipped and once with the charset
repair (``clean/encoding.py``) turned off. The rows whose text the repair changes are then
enriched both ways in this process, and what a reader gets from them is compared: money amounts
read with their currency, amounts read as some other unit (the "Â£600m" read as 600 "m"),
quotations found, and characters still showing the damage. Without --data it reads the BBC News
set, where many rows carry "Â£" for "£".

    python bench/encoding_repair.py [--data FILE] [--limit N]

Times are this process's wall seconds for the cleaning calls of every row (the repair's cost).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import SHARED_BENCH, require_dataset  # noqa: E402

import crosscheck.clean as clean_module  # noqa: E402
from crosscheck.clean import clean_document  # noqa: E402
from crosscheck.enrich import enrich_batch  # noqa: E402
from crosscheck.records import Article, Draft, Quantity, Quote, RawDocument  # noqa: E402
from crosscheck.settings import Settings  # noqa: E402

_DAMAGE = re.compile("[\u00c2\u00c3\u00e2][\u0080-\u00bf\u20ac\u2122]")
_CURRENCIES = {"GBP", "USD", "EUR", "JPY"}


def rows(path: Path, limit: int | None) -> list[RawDocument]:
    found = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines):
            if limit is not None and number >= limit:
                break
            row = json.loads(line)
            found.append(RawDocument(f"row{number}", f"{path.name}#{row.get('id', number)}", "text",
                                     row.get("text") or "", title=row.get("title"),
                                     outlet=row.get("outlet")))
    return found


def cleaned(documents: list[RawDocument], settings: Settings) -> tuple[dict[str, Draft], float]:
    started = time.perf_counter()
    drafts = {}
    for document in documents:
        for record in clean_document(document, settings=settings):
            if isinstance(record, Draft):
                drafts[record.id] = record
    return drafts, time.perf_counter() - started


def reading(drafts: list[Draft], settings: Settings) -> Counter:
    """What enrichment reads from the drafts: amounts by kind, quotations, damaged characters."""
    articles = [Article(id=d.id, source=d.source, url=d.url, outlet=d.outlet, outlet_from=d.outlet_from,
                        title=d.title, published=d.published, published_from=d.published_from,
                        language=d.language, text=d.text) for d in drafts]
    counts: Counter = Counter()
    for start in range(0, len(articles), 64):
        for record in enrich_batch(articles[start:start + 64], settings=settings):
            if isinstance(record, Quantity):
                counts["money amounts"] += record.unit in _CURRENCIES
                counts["amounts read with unit 'm' or 'bn'"] += (record.unit or "").lower() in {"m", "bn"}
            elif isinstance(record, Quote):
                counts["quotations"] += 1
    counts["damaged character pairs left"] = sum(len(_DAMAGE.findall(d.text + (d.title or ""))) for d in drafts)
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=SHARED_BENCH / "bbc-news" / "articles.jsonl")
    parser.add_argument("--limit", type=int)
    args = parser.parse_args()
    require_dataset(args.data, name="encoding repair")
    settings = Settings()
    documents = rows(args.data, args.limit)
    repaired, seconds_on = cleaned(documents, settings)
    shipped = clean_module.repair_encoding
    clean_module.repair_encoding = lambda text: text  # the cleaning as it was without the repair
    try:
        plain, seconds_off = cleaned(documents, settings)
    finally:
        clean_module.repair_encoding = shipped
    changed = sorted(i for i in repaired if i in plain and (repaired[i].text, repaired[i].title)
                     != (plain[i].text, plain[i].title))
    print(f"{args.data}: {len(documents)} rows, {len(repaired)} drafts; the repair changed {len(changed)} "
          f"({len(changed) / max(1, len(repaired)):.1%})")
    print(f"cleaning every row: {seconds_on:.2f} s with the repair, {seconds_off:.2f} s without")
    if not changed:
        return
    before = reading([plain[i] for i in changed], settings)
    after = reading([repaired[i] for i in changed], settings)
    print(f"\nthe {len(changed)} changed rows, enriched:")
    print(f"{'':40} {'without':>9} {'with repair':>12}")
    for key in ("money amounts", "amounts read with unit 'm' or 'bn'", "quotations",
                "damaged character pairs left"):
        print(f"{key:40} {before[key]:>9,} {after[key]:>12,}")


if __name__ == "__main__":
    main()
