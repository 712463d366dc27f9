"""The ``hedge_dropped`` finding: an article states as its own fact what its source reported
only on someone's word ("the directorate claimed that ..." becomes "... received money").

The claim group's ``hedge`` conflict says the outlets disagree; this finding says which article
dropped the hedge and from which article it took the claim: along a derivation whose direction
is known, else the earliest article that hedged it, when that article came out before; without
dates, when most of the group's articles (two or more) hedge it, the earliest of those.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence

from rapidfuzz import fuzz

from ..excerpt import excerpt
from ..records import Article, Claim, ClaimGroup, ClaimGroupMember, Derivation, Finding
from .article_findings import finding, outlets_of, published_of

__all__ = ["dropped_hedges"]

_SAME_WORDS = 80  # token-set ratio from which a stated and a hedged claim say the same thing
_NAME = re.compile(r"[A-Z][\w'’-]+")
_WORD = re.compile(r"[\w'’-]+")
_NOT_NAMES = frozenset("the a an it he she they its his her their".split())


def dropped_hedges(articles: Mapping[str, Article], claims: Sequence[Claim],
                   claim_groups: Sequence[ClaimGroup], members: Sequence[ClaimGroupMember],
                   derivations: Sequence[Derivation]) -> list[Finding]:
    by_id = {c.id: c for c in claims}
    sources: dict[str, set[str]] = defaultdict(set)
    for derivation in derivations:
        if derivation.direction != "undetermined":
            sources[derivation.derived].add(derivation.source)
    grouped: dict[str, list[Claim]] = defaultdict(list)
    for member in sorted(members, key=lambda m: (m.group, m.article, m.claim)):
        if member.claim in by_id:
            grouped[member.group].append(by_id[member.claim])
    found = []
    for group in sorted(claim_groups, key=lambda g: g.id):
        found.extend(_in_group(grouped.get(group.id, []), articles, sources))
    return found


def _in_group(group: list[Claim], articles: Mapping[str, Article],
              sources: Mapping[str, set[str]]) -> list[Finding]:
    hedged = [c for c in group if c.hedged]
    found = []
    for stated in (c for c in group if not c.hedged and c.speaker is None):
        alike = [h for h in hedged if fuzz.token_set_ratio(h.text, stated.text) >= _SAME_WORDS
                 and not _names_speaker(stated, h)]
        source = _source_of(stated, alike, articles, sources)
        if source is None and len(alike) >= 2 and 2 * len(alike) > len(group):
            source = _earliest(alike, articles)  # most outlets hedge it; this one does not
        if source is not None:
            found.append(_finding(stated, source, articles))
    return found


def _names_speaker(stated: Claim, hedged: Claim) -> bool:
    """The statement still names who said it ("Lord Brill pointed out ..."): not the outlet's
    own word, whatever the parse made of the verb."""
    speaker = hedged.speaker or ""
    names = {w.lower() for w in _NAME.findall(speaker)} - _NOT_NAMES
    names = names or {w.lower() for w in _WORD.findall(speaker)} - _NOT_NAMES
    return bool(names) and names <= {w.lower() for w in _WORD.findall(stated.text)}


def _source_of(stated: Claim, hedged: list[Claim], articles: Mapping[str, Article],
               sources: Mapping[str, set[str]]) -> Claim | None:
    along = [h for h in hedged if h.article in sources.get(stated.article, ())]
    if along:
        return along[0]
    mine = published_of(articles, stated.article)
    earlier = sorted((h for h in hedged if mine and published_of(articles, h.article)
                      and published_of(articles, h.article) < mine
                      and stated.article not in sources.get(h.article, ())),
                     key=lambda h: (published_of(articles, h.article), h.article))
    return earlier[0] if earlier else None


def _earliest(claims: list[Claim], articles: Mapping[str, Article]) -> Claim:
    return min(claims, key=lambda c: (published_of(articles, c.article) or "9999", c.article))


def _finding(stated: Claim, source: Claim, articles: Mapping[str, Article]) -> Finding:
    who = f" on the word of {_mid_sentence(source.speaker)}" if source.speaker else ""
    stated_by, reported_by = outlets_of(articles, stated.article, source.article)
    detail = (f"{stated_by} states as fact \"{excerpt(stated.text, 90)}\"; "
              f"{reported_by} reported it only{who} "
              f"(\"{source.hedge or 'hedged'}\").")
    return finding("hedge_dropped", stated.article, detail, stated.start, stated.end,
                   source.article)


def _mid_sentence(phrase: str) -> str:
    """"The directorate" read inside a sentence: "the directorate" (names keep their capital)."""
    first, _, rest = phrase.partition(" ")
    return f"{first.lower()} {rest}" if rest and first in ("The", "A", "An") else phrase
