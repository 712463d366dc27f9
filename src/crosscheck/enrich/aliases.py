"""Alias resolution: many names of one entity to one key.

Outlets name the same organisation differently (MKO, MEK, PMOI, People's Mojahedin
Organization of Iran) and spell places differently (Azarbaijan, Azerbaijan). A name is first
normalised (case, accents, apostrophes, hyphens, a leading "the", a plural head noun), then looked
up in the alias table (``data/aliases.tsv`` shipped with crosscheck, plus the user's own file
from the ``alias_table`` setting), then matched fuzzily against the table's longer aliases. The
key of a name is the normalised canonical name when the table knows it, else the normalised name.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from rapidfuzz import fuzz, process

from ..errors import SettingsError

__all__ = ["AliasTable", "load_alias_table", "normalize_name", "is_acronym", "ENTITY_LABELS"]

ENTITY_LABELS = ("PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT")
# Head nouns whose plural names the same body ("Mojahedin Khalq Organizations").
_PLURAL_HEADS = {
    "organizations": "organization", "councils": "council", "fronts": "front",
    "movements": "movement", "parties": "party", "ministries": "ministry",
    "agencies": "agency", "committees": "committee", "unions": "union", "groups": "group",
    "guards": "guard", "brigades": "brigade", "forces": "force", "units": "unit",
}
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})
_DROP = re.compile(r"[^\w\s]")
_FUZZY_MIN_CHARS = 8
_FUZZY_MIN_SCORE = 90.0
_ACRONYM = re.compile(r"^[A-Z][A-Z0-9.&/-]*[A-Z0-9.]$")


def normalize_name(name: str) -> str:
    """The matching form of a name: ``"the Mojahedin Khalq Organizations"`` ->
    ``"mojahedin khalq organization"``; ``"U.S."`` -> ``"us"``."""
    text = unicodedata.normalize("NFKD", name.translate(_APOSTROPHES))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = re.sub(r"'s\b", "", text).replace("&", " and ").replace("-", " ").replace("/", " ")
    text = _DROP.sub("", text).replace("isation", "ization")
    words = text.split()
    if words and words[0] == "the" and len(words) > 1:
        words = words[1:]
    if len(words) > 1 and words[-1] in _PLURAL_HEADS:
        words[-1] = _PLURAL_HEADS[words[-1]]
    elif len(words) > 2 and words[-3] in _PLURAL_HEADS and words[-2] == "of":
        words[-3] = _PLURAL_HEADS[words[-3]]
    return " ".join(words)


def is_acronym(text: str) -> bool:
    """``MEK``, ``PMOI/MEK``, ``U.S.``: two or more capitals, no lower-case letter."""
    return bool(_ACRONYM.match(text)) and sum(ch.isupper() for ch in text) >= 2


@dataclass(frozen=True)
class AliasEntry:
    canonical: str
    type: str


@dataclass
class AliasTable:
    """Normalised alias -> canonical name and type; see ``data/aliases.tsv`` for the format."""

    entries: dict[str, AliasEntry] = field(default_factory=dict)
    acronyms: dict[str, AliasEntry] = field(default_factory=dict)  # surface acronym, exact case
    _long: list[str] | None = field(default=None, repr=False)

    def add(self, canonical: str, type_: str, alias: str) -> None:
        entry = AliasEntry(canonical, type_)
        self.entries[normalize_name(canonical)] = self.entries.get(
            normalize_name(canonical), entry)
        self.entries[normalize_name(alias)] = entry
        if is_acronym(alias):
            self.acronyms[alias] = entry
        self._long = None

    def resolve(self, name: str) -> AliasEntry | None:
        """The table entry for ``name``: exact after normalising, else a close spelling."""
        norm = normalize_name(name)
        if not norm:
            return None
        entry = self.entries.get(norm)
        if entry is None and len(norm) >= _FUZZY_MIN_CHARS:
            entry = self._fuzzy(norm)
        return entry

    def key(self, name: str) -> str:
        """The corpus key of ``name``: the normalised canonical name when known."""
        entry = self.resolve(name)
        return normalize_name(entry.canonical) if entry else normalize_name(name)

    def _fuzzy(self, norm: str) -> AliasEntry | None:
        if self._long is None:
            self._long = sorted(a for a in self.entries if len(a) >= _FUZZY_MIN_CHARS)
        best = process.extractOne(norm, self._long, scorer=fuzz.ratio,
                                  score_cutoff=_FUZZY_MIN_SCORE)
        return self.entries[best[0]] if best else None


@functools.lru_cache(maxsize=8)
def load_alias_table(path: str = "") -> AliasTable:
    """The shipped table, with the rows of the user's table at ``path`` (if any) added."""
    table = AliasTable()
    shipped = resources.files("crosscheck").joinpath("data/aliases.tsv")
    _read_rows(table, shipped.read_text(encoding="utf-8"), source="data/aliases.tsv")
    if path:
        user = Path(path)
        if not user.is_file():
            raise SettingsError(f"setting 'alias_table': no such file {path!r} "
                                "(give the path of a canonical<TAB>type<TAB>alias TSV file)")
        _read_rows(table, user.read_text(encoding="utf-8"), source=path)
    return table


def _read_rows(table: AliasTable, text: str, *, source: str) -> None:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        columns = [c.strip() for c in line.split("\t")]
        if len(columns) != 3 or not all(columns):
            raise SettingsError(f"alias table {source} line {number}: expected "
                                f"canonical<TAB>type<TAB>alias, got {line!r}")
        canonical, type_, alias = columns
        if type_ not in ENTITY_LABELS:
            raise SettingsError(f"alias table {source} line {number}: type {type_!r} is not "
                                f"one of {', '.join(ENTITY_LABELS)}")
        table.add(canonical, type_, alias)
