"""Why an incremental run assessed the stories it did: the stories whose fingerprint changed
between a store and the same store grown by an incremental run, by cause.

    python bench/incremental_redo.py BASE.duckdb GROWN.duckdb

Causes, first that applies: a new article joined the story; the story's members changed (with
``incremental_stories=true``, a placed story regrouped); else the corpus-wide values its
fingerprint covers (``assess/scope.py``) that changed for its members: a mention key merged into
another entity, an entity's corpus name or label, a member's reporting line or its being some
derivation's copy or source, or none of these (a pair of its places named together elsewhere).
Counts stories and the articles in them.
"""

from __future__ import annotations

import argparse
from collections import Counter, defaultdict

from crosscheck.assess.partition import CorpusIndex
from crosscheck.store import Store


def _load(path: str):
    with Store(path, read_only=True) as store:
        corpus = CorpusIndex(store)
        scopes = {a: (s, f) for a, s, f in store.con.execute("SELECT * FROM assess_scopes").fetchall()}
        keys: dict[str, set[str]] = defaultdict(set)
        for article, key in store.con.execute("SELECT article, key FROM mentions").fetchall():
            keys[article].add(key)
    return corpus, scopes, keys


def redo_reasons(base: str, grown: str) -> list[tuple[str, int, int]]:
    """(cause, stories, articles) for the stories redone in ``grown``."""
    before, was, _ = _load(base)
    after, now, keys = _load(grown)
    new = set(now) - set(was)
    members: dict[str, set[str]] = defaultdict(set)
    for article, (story, _) in now.items():
        members[story].add(article)
    earlier: dict[str, set[str]] = defaultdict(set)
    for article, (story, _) in was.items():
        earlier[story].add(article)
    redone = {now[a][0] for a in now if was.get(a) != now[a]}
    b, a = before.reach, after.reach
    merged = {k for k, e in after.entity_of.items() if before.entity_of.get(k, k) != e}
    renamed = {e for e, n in a.entity_names.names.items() if b.entity_names.names.get(e) != n}
    relabelled = {e for e, n in a.entity_names.labels.items() if b.entity_names.labels.get(e) != n}
    causes: Counter = Counter()
    articles: Counter = Counter()
    for story in redone:
        ids = members[story]
        used = set().union(*(keys.get(i, set()) for i in ids))
        entities = {after.entity_of.get(k, k) for k in used}
        if ids & new:
            cause = "a new article joined"
        elif ids != earlier.get(story):
            cause = "members changed"
        else:
            found = [name for name, hit in (
                ("entity merged", bool(used & merged)), ("corpus name", bool(entities & renamed)),
                ("corpus label", bool(entities & relabelled)),
                ("reporting line", any(b.lines.get(i, i) != a.lines.get(i, i) for i in ids)),
                ("copy or source", any((i in b.copies) != (i in a.copies) or (i in b.sources) != (i in a.sources)
                                       for i in ids))) if hit]
            cause = "corpus-wide: " + (", ".join(found) or "places named together elsewhere")
        causes[cause] += 1
        articles[cause] += len(ids)
    return [(cause, causes[cause], articles[cause]) for cause, _ in causes.most_common()]


def print_reasons(base: str, grown: str) -> None:
    rows = redo_reasons(base, grown)
    print(f"         stories assessed again: {sum(r[1] for r in rows)} "
          f"({sum(r[2] for r in rows)} articles), by cause:")
    for cause, stories, articles in rows:
        print(f"           {cause}: {stories} stories, {articles} articles")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("base")
    parser.add_argument("grown")
    args = parser.parse_args()
    print_reasons(args.base, args.grown)


if __name__ == "__main__":
    main()
