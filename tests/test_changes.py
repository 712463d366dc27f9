"""What changed between two snapshots of a store, built from hand-made records."""

from __future__ import annotations

from rich.console import Console

from crosscheck.records import (Article, ClaimGroup, ClaimGroupMember, Conflict, Derivation, Story,
                                StoryMember)
from crosscheck.report.changes import changes_between, print_changes, snapshot
from crosscheck.store import Store


def _article(n: int) -> Article:
    return Article(f"a{n}", f"s{n}", None, "Wire", None, f"Title {n}", None, None, "en", "Text.")


def _group(group: str, claims: list[int], origins: int) -> list[object]:
    return [ClaimGroup(group, "st1", "key", origins, None),
            *[ClaimGroupMember(f"{group}-{c}", group, f"c{c}", f"a{c}", f"a{c}") for c in claims]]


def test_grown_story_new_story_origins_and_conflicts():
    with Store(":memory:") as store:
        store.write([_article(1), _article(2), Story("st1", "One", None, None),
                     StoryMember("m1", "st1", "a1"), StoryMember("m2", "st1", "a2"),
                     Derivation("d1", "a1", "a2", "copy", 0.9, 0.9, "dated", ""), *_group("g1", [1, 2], 1)])
        before = snapshot(store)
        # the round: a3 joins story st1 and brings a second origin to the claim (the group's id
        # changes with its members); a4 starts a story of its own; a conflict appears
        store.con.execute("DELETE FROM claim_groups; DELETE FROM claim_group_members")
        store.write([_article(3), _article(4), StoryMember("m3", "st1", "a3"), Story("st2", "Two", None, None),
                     StoryMember("m4", "st2", "a4"), Derivation("d2", "a1", "a3", "rewrite", 0.5, 0.5, "dated", ""),
                     *_group("g2", [1, 2, 3], 2), Conflict("x1", "g2", "number", "")])
        changes = changes_between(before, snapshot(store))
    assert changes == {
        "articles": ["a3", "a4"],
        "stories": [{"id": "st2", "articles": 1}],
        "stories_grown": [{"id": "st1", "was": "st1", "articles": 3, "articles_before": 2}],
        "derivations": [{"source": "a1", "derived": "a3", "kind": "rewrite"}],
        "claim_groups": [{"id": "g2", "was": "g1", "origins": 2, "origins_before": 1,
                          "members": 3, "members_before": 2}],
        "events": [],
        "conflicts": [{"on": "g2", "slot": "number"}],
    }
    console = Console(width=100, record=True)
    print_changes(changes, console=console)
    text = console.export_text()
    assert "stories that grew" in text and "story st1: 2 -> 3 articles" in text
    assert "claim group g2: origins 1 -> 2" in text


def test_a_conflict_kept_across_a_renamed_group_is_not_new():
    with Store(":memory:") as store:
        store.write([*_group("g1", [1, 2], 2), Conflict("x1", "g1", "number", "")])
        before = snapshot(store)
        store.con.execute("DELETE FROM claim_groups; DELETE FROM claim_group_members; DELETE FROM conflicts")
        store.write([*_group("g2", [1, 2, 3], 2), Conflict("x2", "g2", "number", "")])
        changes = changes_between(before, snapshot(store))
    assert changes["conflicts"] == [] and changes["claim_groups"] == []


def test_nothing_new():
    with Store(":memory:") as store:
        store.write([_article(1)])
        console = Console(width=100, record=True)
        print_changes(changes_between(snapshot(store), snapshot(store)), console=console, title="Round 2")
    assert console.export_text().strip() == "Round 2: nothing new."
