"""What changed in a store between two moments: new articles, new and grown stories, new
derivations, claim groups and events whose independent-origin count changed, new conflicts.

Story, claim group and event ids hash their members, so a group that gains a member gets a new
id. A group after is therefore matched to the group before that shares most of its members
(ties go to the smaller id); one that shares none is new. ``crosscheck watch`` keeps the state
after each finished round in the store (``save_snapshot``), so a round after a restart compares
with the last round that finished, not with what an interrupted round left. ``changes`` is a plain dict, written
as ``changes`` in ``analysis.json`` by ``crosscheck watch`` (see docs/formats.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.console import Console
from rich.table import Table

from ..store import Store

__all__ = ["Snapshot", "snapshot", "save_snapshot", "changes_between", "print_changes"]

Groups = dict[str, frozenset[str]]

_MAX_LINES = 20


@dataclass(frozen=True)
class Snapshot:
    articles: frozenset[str]
    stories: Groups                     # story -> articles
    derivations: frozenset[tuple[str, str, str]]  # (source, derived, kind)
    claim_groups: Groups                # group -> claims
    group_origins: dict[str, int]
    events: Groups                      # event -> mentions
    event_origins: dict[str, int]
    conflicts: frozenset[tuple[str, str]]  # (claim group or event, slot)


# What a snapshot reads: name -> query over the store's tables.
_QUERIES = {
    "articles": "SELECT id FROM articles",
    "stories": "SELECT story, article FROM story_members",
    "derivations": "SELECT source, derived, kind FROM derivations",
    "claim_groups": 'SELECT "group", claim FROM claim_group_members',
    "group_origins": "SELECT id, origins FROM claim_groups",
    "events": "SELECT event, mention FROM event_members",
    "event_origins": "SELECT id, origins FROM events",
    "conflicts": 'SELECT "group", slot FROM conflicts UNION SELECT event, slot FROM event_conflicts',
}
_SAVED = "watch_previous_"


def _groups(rows: list[tuple]) -> Groups:
    grouped: dict[str, set[str]] = {}
    for key, member in rows:
        grouped.setdefault(key, set()).add(member)
    return {key: frozenset(members) for key, members in grouped.items()}


def snapshot(store: Store, *, saved: bool = False) -> Snapshot | None:
    """The store's articles, groups and origin counts now (ids and counts only); with ``saved``,
    as :func:`save_snapshot` last kept them (``None`` when it never did)."""
    if saved and not store.row("SELECT count(*) FROM information_schema.tables WHERE table_name = ?",
                               [_SAVED + "articles"])[0]:
        return None
    rows = {name: store.con.execute(f"SELECT * FROM {_SAVED}{name}" if saved else query).fetchall()
            for name, query in _QUERIES.items()}
    return Snapshot(
        articles=frozenset(row[0] for row in rows["articles"]),
        stories=_groups(rows["stories"]),
        derivations=frozenset(rows["derivations"]),
        claim_groups=_groups(rows["claim_groups"]),
        group_origins=dict(rows["group_origins"]),
        events=_groups(rows["events"]),
        event_origins=dict(rows["event_origins"]),
        conflicts=frozenset(tuple(row) for row in rows["conflicts"]),
    )


def save_snapshot(store: Store) -> None:
    """Keep the store's state now in ``watch_previous_*`` tables, for the next round to compare
    with (also after a restart); call inside the round's last transaction."""
    for name, query in _QUERIES.items():
        store.con.execute(f"CREATE OR REPLACE TABLE {_SAVED}{name} AS {query}")


def _match(before: Groups, after: Groups) -> dict[str, str | None]:
    """Each group after -> the group before sharing most of its members, or None."""
    owner = {member: key for key, members in sorted(before.items(), reverse=True) for member in members}
    matched: dict[str, str | None] = {}
    for key, members in after.items():
        shared: dict[str, int] = {}
        for member in members:
            if member in owner:
                shared[owner[member]] = shared.get(owner[member], 0) + 1
        matched[key] = min(shared, key=lambda k: (-shared[k], k)) if shared else None
    return matched


def _origin_changes(before: Groups, after: Groups, origins_before: dict[str, int],
                    origins_after: dict[str, int], matched: dict[str, str | None]) -> list[dict[str, Any]]:
    changed = []
    for key in sorted(after):
        old = matched[key]
        was = origins_before.get(old) if old is not None else None
        now = origins_after.get(key)
        if was != now:
            changed.append({"id": key, "was": old, "origins": now, "origins_before": was,
                            "members": len(after[key]), "members_before": len(before[old]) if old else 0})
    return changed


def changes_between(before: Snapshot, after: Snapshot) -> dict[str, Any]:
    """What ``after`` holds that ``before`` did not; every list sorted by id."""
    stories = _match(before.stories, after.stories)
    groups = _match(before.claim_groups, after.claim_groups)
    events = _match(before.events, after.events)
    parents = {**groups, **events}
    conflicts_before = before.conflicts
    new_conflicts = [{"on": on, "slot": slot} for on, slot in sorted(after.conflicts)
                     if (parents.get(on), slot) not in conflicts_before]
    return {
        "articles": sorted(after.articles - before.articles),
        "stories": [{"id": key, "articles": len(members)} for key, members in sorted(after.stories.items())
                    if stories[key] is None],
        "stories_grown": [{"id": key, "was": stories[key], "articles": len(members),
                           "articles_before": len(before.stories[stories[key]])}
                          for key, members in sorted(after.stories.items())
                          if stories[key] is not None and len(members) > len(before.stories[stories[key]])],
        "derivations": [{"source": s, "derived": d, "kind": k} for s, d, k in sorted(after.derivations - before.derivations)],
        "claim_groups": _origin_changes(before.claim_groups, after.claim_groups,
                                        before.group_origins, after.group_origins, groups),
        "events": _origin_changes(before.events, after.events, before.event_origins, after.event_origins, events),
        "conflicts": new_conflicts,
    }


def is_empty(changes: dict[str, Any]) -> bool:
    return not any(changes.values())


_LABELS = (("articles", "new articles"), ("stories", "new stories"), ("stories_grown", "stories that grew"),
           ("derivations", "new derivations"), ("claim_groups", "claim groups whose origins changed"),
           ("events", "events whose origins changed"), ("conflicts", "new conflicts"))


def print_changes(changes: dict[str, Any], *, console: Console, title: str = "Changes since the previous round") -> None:
    """A short table of counts, then one line per grown story and per origin change."""
    if is_empty(changes):
        console.print(f"{title}: nothing new.")
        return
    table = Table(title=title, show_header=False)
    for key, label in _LABELS:
        table.add_row(label, str(len(changes[key])))
    console.print(table)
    lines = [f"  story {story['id']}: {story['articles_before']} -> {story['articles']} articles"
             for story in changes["stories_grown"]]
    for kind in ("claim_groups", "events"):
        # groups that were there before first: their origin counts moved
        items = sorted(changes[kind], key=lambda item: (item["origins_before"] is None, item["id"]))
        lines.extend(f"  {kind[:-1].replace('_', ' ')} {item['id']}: origins "
                     f"{'new' if item['origins_before'] is None else item['origins_before']} -> {item['origins']}"
                     for item in items)
    for line in lines[:_MAX_LINES]:
        console.print(line)
    if len(lines) > _MAX_LINES:
        console.print(f"  ... and {len(lines) - _MAX_LINES} more (all of them: `changes` in analysis.json with --out)")
