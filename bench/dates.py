"""Publication dates read from article text: how often they are the publication date.

Two sets, each scored for the rule crosscheck uses (a dateline or publication line before the
first sentence, :func:`crosscheck.clean.metadata.dateline_date`) beside the rule it replaced
(the first date anywhere in the first three non-blank lines, at most 400 characters):

* Reuters-21578 (``reuters-21578/articles.jsonl``): every story is from 1987 and the row's own
  ``published_raw`` gives its day. The text is read without that field, as a corpus without
  dates would be; a text date is right when its year is 1987 (and, stricter, when it is the
  row's day or the day before). Then the row is ingested as it is, to count the articles the
  recognised JSONL date fields date (``published_from`` ``input``).
* The extraction set's HTML pages (``article-extraction/html``) whose metadata gives a date
  (``published_from`` ``meta``): a text date is right when it is that date.
* ECB+ pages whose URL path holds a date (``/2008/12/15/``): a text date is right when it is
  that date (and counted apart when within two days: a page updated the day after).

Example:
    python bench/dates.py                  # first 2,000 Reuters rows and the 181 pages
    python bench/dates.py --limit 0        # all 19,043 Reuters rows
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import SHARED_BENCH, require_dataset  # noqa: E402
from crosscheck.clean.metadata import dateline_date, normalize_date  # noqa: E402


def first_date_near_top(text: str) -> str | None:
    """The rule before: the first date anywhere in the first three non-blank lines."""
    lines = [line for line in text[:800].splitlines() if line.strip()]
    return normalize_date("\n".join(lines[:3])[:400])


def _day_before(iso: str) -> str:
    from datetime import date, timedelta

    return (date.fromisoformat(iso) - timedelta(days=1)).isoformat()


def reuters(path: Path, *, limit: int) -> None:
    rows = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            rows.append(json.loads(line))
            if limit and len(rows) >= limit:
                break
    print(f"reuters-21578: {len(rows)} rows (all published in 1987), text read without published_raw")
    print(f"  {'rule':28} {'dated':>6} {'in 1987':>8} {'precision':>9} {'same day':>9}")
    for name, rule in (("first date near the top", first_date_near_top), ("dateline (crosscheck)", dateline_date)):
        started = time.perf_counter()
        found = [(rule(row.get("title", "") + "\n" + row["text"]), normalize_date(row["published_raw"]))
                 for row in rows]
        dated = [(got, truth) for got, truth in found if got]
        right = sum(got.startswith("1987") for got, _ in dated)
        day = sum(got in (truth, _day_before(truth)) for got, truth in dated if truth)
        precision = f"{right / len(dated):.3f}" if dated else "-"
        print(f"  {name:28} {len(dated):6d} {right:8d} {precision:>9} {day:9d}"
              f"   ({time.perf_counter() - started:.2f} s)")
    cleaned_dates(rows)
    ingested_dates(path, limit=limit)


def cleaned_dates(rows: list[dict]) -> None:
    """The rows through crosscheck's clean step without their date field: text dates as a run
    on an undated corpus gets them (``published_from`` ``text``)."""
    from crosscheck.clean import clean_document
    from crosscheck.ingest.common import make_document
    from crosscheck.records import Draft
    from crosscheck.settings import Settings

    settings = Settings(workers=1)
    dated = right = 0
    for row in rows:
        raw = make_document(row["id"], "text", row["text"], outlet=row.get("outlet"), title=row.get("title"))
        draft = next((d for d in clean_document(raw, settings=settings) if isinstance(d, Draft)), None)
        if draft is not None and draft.published_from == "text":
            dated += 1
            right += draft.published.startswith("1987")
    precision = f"{right / dated:.3f}" if dated else "-"
    print(f"  through clean (no date field): {dated} articles dated from their text, {right} in 1987"
          f" (precision {precision})")


def ingested_dates(path: Path, *, limit: int) -> None:
    """Rows ingested as they are: how many the recognised date fields date, and how right."""
    from crosscheck.ingest import iter_documents
    from crosscheck.records import RawDocument
    from crosscheck.settings import Settings

    dated = total = in_1987 = 0
    for raw in iter_documents([str(path)], settings=Settings(workers=1)):
        if not isinstance(raw, RawDocument):
            continue
        total += 1
        iso = normalize_date(raw.published or "")
        dated += iso is not None
        in_1987 += bool(iso and iso.startswith("1987"))
        if limit and total >= limit:
            break
    print(f"  ingested as is: {dated} of {total} rows dated from their JSONL date field, "
          f"{in_1987} of them in 1987")


def pages(folder: Path) -> None:
    from crosscheck.clean.extract import extract_html
    from crosscheck.errors import CrosscheckError

    scored = {"first date near the top": [0, 0], "dateline (crosscheck)": [0, 0]}
    with_meta = 0
    for page in sorted(folder.glob("*.html*")):
        data = gzip.decompress(page.read_bytes()) if page.suffix == ".gz" else page.read_bytes()
        try:
            extraction = extract_html(data.decode("utf-8", errors="replace"), source=str(page))
        except CrosscheckError:
            continue
        if extraction.published_from != "meta":
            continue
        with_meta += 1
        head = (extraction.title or "") + "\n" + extraction.text
        for name, rule in (("first date near the top", first_date_near_top), ("dateline (crosscheck)", dateline_date)):
            got = rule(head)
            if got:
                scored[name][0] += 1
                scored[name][1] += got == extraction.published
    print(f"\narticle-extraction: {with_meta} pages dated by their metadata; text dates against it")
    for name, (dated, right) in scored.items():
        precision = f"{right / dated:.3f}" if dated else "-"
        print(f"  {name:28} dated {dated:3d}, right {right:3d}, precision {precision}")


def ecbplus(path: Path) -> None:
    """ECB+ pages whose URL path carries a date: the text's date (read without the URL) against
    it. A URL date is the day the page was filed, so a text date a day or two later (an update)
    counts apart."""
    from crosscheck.clean.metadata import _date_in_url

    rows = [json.loads(line) for line in path.open(encoding="utf-8")]
    dated = [(row, _date_in_url(row.get("url") or "")) for row in rows]
    dated = [(row, day) for row, day in dated if day]
    print(f"\necbplus: {len(dated)} of {len(rows)} pages with a date in the URL path; text dates against it")
    for name, rule in (("first date near the top", lambda row: first_date_near_top(row["text"])),
                       ("dateline (crosscheck)", lambda row: dateline_date(row["text"], title=row.get("title")))):
        got = [(rule(row), day) for row, day in dated]
        found = [(g, day) for g, day in got if g]
        same = sum(g == day for g, day in found)
        near = sum(g != day and abs(_days(g, day)) <= 2 for g, day in found)
        print(f"  {name:28} dated {len(found):3d}, same day {same:3d}, within two days {near:2d}, "
              f"precision {same / len(found):.3f} ({(same + near) / len(found):.3f} within two days)"
              if found else f"  {name:28} dated 0")


def _days(a: str, b: str) -> int:
    from datetime import date

    return (date.fromisoformat(a) - date.fromisoformat(b)).days


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=SHARED_BENCH)
    parser.add_argument("--limit", type=int, default=2000, help="Reuters rows to read (0: all)")
    args = parser.parse_args(argv)
    reuters(require_dataset(args.data / "reuters-21578" / "articles.jsonl", name="reuters-21578"),
            limit=args.limit)
    pages(require_dataset(args.data / "article-extraction" / "html", name="article-extraction"))
    ecbplus(require_dataset(args.data / "ecbplus" / "articles.jsonl", name="ecbplus"))


if __name__ == "__main__":
    main()
