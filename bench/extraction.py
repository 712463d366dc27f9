"""Main-text extraction benchmark: crosscheck's extract_html against plain trafilatura.

Reads ``article-extraction/`` (``html/<sha>.html.gz`` and ``ground-truth.json``) and scores each
system by precision, recall and F1 of lower-cased word 4-gram sets, averaged over pages (an
empty extraction scores 0). Systems run page by page in turn, so a busy machine slows them alike.

Example:
    python bench/extraction.py --limit 50
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import SHARED_BENCH, decode_page, mean, require_dataset, shingle_scores  # noqa: E402

import trafilatura  # noqa: E402

from crosscheck.clean.extract import extract_html  # noqa: E402
from crosscheck.errors import ExtractionError  # noqa: E402

Extractor = Callable[[str, str, "str | None"], str]
WORST_SHOWN = 8


def _trafilatura_default(html: str, source: str, url: str | None) -> str:
    return trafilatura.extract(html) or ""


def _trafilatura_no_comments(html: str, source: str, url: str | None) -> str:
    # the setting behind trafilatura's published score on this set
    return trafilatura.extract(html, include_comments=False) or ""


def _crosscheck(html: str, source: str, url: str | None) -> str:
    try:
        return extract_html(html, source=source, url=url).text
    except ExtractionError:
        return ""


SYSTEMS: dict[str, Extractor] = {
    "trafilatura (default extract)": _trafilatura_default,
    "trafilatura (comments off)": _trafilatura_no_comments,
    "crosscheck extract_html": _crosscheck,
}
ANCHOR = "trafilatura (default extract)"


def load_pages(data: Path, *, limit: int | None) -> list[tuple[str, str, str | None, str]]:
    """(page id, html, url, true body) for each page, sorted by id."""
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for path in sorted((data / "html").glob("*.html.gz"))[:limit]:
        page_id = path.name.split(".")[0]
        if page_id in truth:
            html = decode_page(gzip.decompress(path.read_bytes()))
            pages.append((page_id, html, truth[page_id].get("url"), truth[page_id]["articleBody"]))
    return pages


def run(pages: list[tuple[str, str, str | None, str]]) -> dict[str, dict]:
    results = {name: {"seconds": 0.0, "scores": {}} for name in SYSTEMS}
    for page_id, html, url, truth in pages:
        for name, extractor in SYSTEMS.items():
            started = time.perf_counter()
            text = extractor(html, page_id, url)
            results[name]["seconds"] += time.perf_counter() - started
            results[name]["scores"][page_id] = shingle_scores(text, truth)
    return results


def print_table(results: dict[str, dict], *, pages: int) -> None:
    anchor_seconds = results[ANCHOR]["seconds"]
    print(f"{'system':32} {'P':>6} {'R':>6} {'F1':>6} {'seconds':>8} {'pages/s':>8} {'time x':>7}")
    for name, result in results.items():
        scores = list(result["scores"].values())
        seconds = result["seconds"]
        print(f"{name:32} {mean([s[0] for s in scores]):6.4f} {mean([s[1] for s in scores]):6.4f} "
              f"{mean([s[2] for s in scores]):6.4f} {seconds:8.2f} {pages / seconds:8.1f} "
              f"{seconds / anchor_seconds:7.2f}")


def print_worst(results: dict[str, dict], urls: dict[str, str | None]) -> None:
    scores = results["crosscheck extract_html"]["scores"]
    anchor = results[ANCHOR]["scores"]
    print("\nworst pages for crosscheck (F1; anchor F1 in brackets):")
    for page_id in sorted(scores, key=lambda key: (scores[key][2], key))[:WORST_SHOWN]:
        p, r, f1 = scores[page_id]
        print(f"  {page_id[:12]}  P={p:.2f} R={r:.2f} F1={f1:.2f} [{anchor[page_id][2]:.2f}]  {urls[page_id]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=SHARED_BENCH / "article-extraction",
                        help="folder with html/ and ground-truth.json (default: %(default)s)")
    parser.add_argument("--limit", type=int, default=None, help="score only the first N pages")
    args = parser.parse_args(argv)
    data = require_dataset(args.data, name="article-extraction")
    pages = load_pages(data, limit=args.limit)
    if not pages:
        print(f"no pages with ground truth under {data}")
        return 1
    results = run(pages)
    print(f"{len(pages)} pages from {data}\n")
    print_table(results, pages=len(pages))
    print_worst(results, {page_id: url for page_id, _, url, _ in pages})
    return 0


if __name__ == "__main__":
    sys.exit(main())
