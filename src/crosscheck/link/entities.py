"""Corpus-level entity merge: mention keys of many articles to one entity each.

Per article, enrichment already gave every mention an alias-resolved ``key``. Across articles
three more things join keys (union-find, so the result does not depend on input order):

- an acronym one article defines ("Northern Liberation Front (NLF)") joins the bare acronym
  other articles use without defining it;
- a long name of the same type spelled slightly differently ("East Azarbaijan" / "East
  Azerbaijan") joins by fuzzy match;
- a bare surname joins the one full name of a person in the corpus that ends with it.

An entity's id is a hash of its smallest key; its name is the most frequent long form.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping

from rapidfuzz import fuzz, process

from ..enrich.aliases import is_acronym, normalize_name
from ..records import Entity, EntityKey, Mention, content_id

__all__ = ["merge_entities", "merge_stored_entities", "names_by_outlet", "names_by_outlet_all"]

_FUZZY_MIN_SCORE = 92.0
_FUZZY_MIN_CHARS = 8
_UNKNOWN_OUTLET = "(unknown outlet)"


def merge_entities(mentions: Iterable[Mention]) -> tuple[list[Entity], list[EntityKey]]:
    """Entities and the key -> entity mapping for ``mentions``, sorted by id.

    ``mentions`` are read once and only per-key counts are kept (at 200k articles they are
    millions of records; their keys are a tenth of that)."""
    keys = _KeyCounts()
    for mention in mentions:
        keys.add(mention)
    return _merged(keys)


def merge_stored_entities(con) -> tuple[list[Entity], list[EntityKey]]:
    """:func:`merge_entities` of every mention in a store (``con``, its DuckDB connection),
    counted inside DuckDB: no mention record is built in Python."""
    keys = _KeyCounts()
    rows = con.execute("SELECT key, label, name, count(*) FROM mentions GROUP BY ALL ORDER BY ALL")
    while chunk := rows.fetchmany(8192):
        for key, label, name, n in chunk:
            keys.labels[key][label] += n
            keys.names[key][name] += n
    for key, text in con.execute("SELECT DISTINCT key, text FROM mentions WHERE name <> text "
                                 "ORDER BY ALL").fetchall():
        if is_acronym(text):
            keys.acronyms.add((key, normalize_name(text)))
    return _merged(keys)


def _merged(keys: "_KeyCounts") -> tuple[list[Entity], list[EntityKey]]:
    groups = _UnionFind(sorted(keys.labels))
    labels = {key: _most_common(counts) for key, counts in keys.labels.items()}
    for key, bare in keys.acronyms:
        # A defined acronym's mention carries the long form's key; an undefined one, its own.
        if bare in keys.labels and bare != key:
            groups.union(key, bare)
    _join_close_spellings(labels, groups)
    _join_surnames(labels, groups)
    entities, entity_keys = [], []
    for members in groups.sets():
        entity_id = content_id("entity", members[0])
        entities.append(Entity(entity_id, _entity_name(_counted(keys.names, members)),
                               _most_common(_counted(keys.labels, members))))
        entity_keys += [EntityKey(content_id("entity_key", key), entity_id, key) for key in members]
    entities.sort(key=lambda e: e.id)
    entity_keys.sort(key=lambda k: (k.entity, k.key))
    return entities, entity_keys


class _KeyCounts:
    """Per mention key: its labels and names counted, and the defined acronyms seen under it."""

    def __init__(self) -> None:
        self.labels: dict[str, Counter] = defaultdict(Counter)
        self.names: dict[str, Counter] = defaultdict(Counter)
        self.acronyms: set[tuple[str, str]] = set()

    def add(self, mention: Mention) -> None:
        self.labels[mention.key][mention.label] += 1
        self.names[mention.key][mention.name] += 1
        if is_acronym(mention.text) and mention.name != mention.text:
            self.acronyms.add((mention.key, normalize_name(mention.text)))


def names_by_outlet(mentions: Iterable[Mention], *, keys: Iterable[str],
                    outlets: Mapping[str, str | None]) -> dict[str, dict[str, int]]:
    """``{outlet: {surface name: count}}`` for the mentions whose key is one of ``keys`` (one
    entity's keys); ``outlets`` maps article id -> outlet."""
    wanted = set(keys)
    counts: dict[str, Counter] = defaultdict(Counter)
    for mention in mentions:
        if mention.key in wanted:
            counts[outlets.get(mention.article) or _UNKNOWN_OUTLET][mention.text] += 1
    return {outlet: dict(sorted(c.items())) for outlet, c in sorted(counts.items())}


def names_by_outlet_all(mentions: Iterable[Mention], entity_keys: Iterable[EntityKey], *,
                        outlets: Mapping[str, str | None]) -> dict[str, dict[str, dict[str, int]]]:
    """:func:`names_by_outlet` for every entity at once: ``{entity id: {outlet: {name: n}}}``."""
    entity_of = {k.key: k.entity for k in entity_keys}
    counts: dict[str, dict[str, Counter]] = defaultdict(lambda: defaultdict(Counter))
    for mention in mentions:
        entity = entity_of.get(mention.key)
        if entity is not None:
            outlet = outlets.get(mention.article) or _UNKNOWN_OUTLET
            counts[entity][outlet][mention.text] += 1
    return {entity: {outlet: dict(sorted(c.items())) for outlet, c in sorted(per.items())}
            for entity, per in sorted(counts.items())}


def _join_close_spellings(labels: dict[str, str], groups: _UnionFind) -> None:
    blocks: dict[tuple[str, str], list[str]] = defaultdict(list)
    for key, label in labels.items():
        if len(key) >= _FUZZY_MIN_CHARS and label != "PERSON":
            blocks[(label, key[:2])].append(key)
    for keys in blocks.values():
        keys.sort()
        for i, key in enumerate(keys[:-1]):
            for other, _, _ in process.extract(key, keys[i + 1:], scorer=fuzz.ratio,
                                               score_cutoff=_FUZZY_MIN_SCORE, limit=None):
                groups.union(key, other)


def _join_surnames(labels: dict[str, str], groups: _UnionFind) -> None:
    full_by_last: dict[str, set[str]] = defaultdict(set)
    for key, label in labels.items():
        if label == "PERSON" and " " in key:
            full_by_last[key.rsplit(" ", 1)[1]].add(key)
    for key, label in labels.items():
        if label == "PERSON" and " " not in key and len(full_by_last.get(key, ())) == 1:
            groups.union(key, next(iter(full_by_last[key])))


def _counted(counts: Mapping[str, Counter], members: list[str]) -> Counter:
    """The counts of ``members`` added up (one key's own, read only, when it stands alone: most
    entities are one key)."""
    if len(members) == 1:
        return counts[members[0]]
    return sum((counts[k] for k in members), Counter())


def _entity_name(names: Counter) -> str:
    """The most frequent long form (not an acronym); ties go to the longer, then the first in
    alphabetical order."""
    long_forms = {n: c for n, c in names.items() if not is_acronym(n)} or names
    return min(long_forms, key=lambda n: (-long_forms[n], -len(n), n))


def _most_common(counts: Counter) -> str:
    return min(counts, key=lambda v: (-counts[v], v))


class _UnionFind:
    def __init__(self, items: list[str]):
        self.parent = {item: item for item in items}

    def find(self, item: str) -> str:
        root = item
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[item] != root:
            self.parent[item], item = root, self.parent[item]
        return root

    def union(self, a: str, b: str) -> None:
        root_a, root_b = self.find(a), self.find(b)
        if root_a != root_b:
            # The smaller key becomes the root, so the merged set never depends on order.
            low, high = sorted((root_a, root_b))
            self.parent[high] = low

    def sets(self) -> list[list[str]]:
        members: dict[str, list[str]] = defaultdict(list)
        for item in sorted(self.parent):
            members[self.find(item)].append(item)
        return [members[root] for root in sorted(members)]
