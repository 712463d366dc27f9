"""Independent origins: how many separate reporting lines stand behind a claim group.

A reporting line is a set of articles joined by derivation edges of any kind (copy, rewrite,
paraphrase, partial), taken over the whole corpus graph: two outlets that both rewrote one
wire report are one line even when the wire's own sentence was not extracted as a claim.
Inside a claim group, articles of one outlet are one line as well: an outlet repeating its
own earlier report (a follow-up recalling the figure) is not a new origin.

The primary source — the official or body who made the statement — is kept apart from the
lines: ten outlets quoting one ministry are one primary source and may still be ten lines.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from ..enrich.speakers import is_pronoun
from ..link.claims import ClaimFacts
from ..records import Article, Derivation

# "SELVAR, March 5 (Agency)": a dateline a parser took for the subject, not a speaker.
_DATELINE_SPEAKER = re.compile(r"^[A-Z][A-Z .'-]{2,},")

__all__ = ["reporting_lines", "group_origins", "primary_source", "earliest", "article_order"]


class _UnionFind:
    def __init__(self):
        self.parent: dict[str, str] = {}

    def find(self, item: str) -> str:
        self.parent.setdefault(item, item)
        root = item
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[item] != root:  # path compression keeps long chains cheap
            self.parent[item], item = root, self.parent[item]
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def article_order(article: Article | None, article_id: str, copies: frozenset[str] | set[str],
                  sources: frozenset[str] | set[str] = frozenset()) -> tuple:
    """Earliest first: dated before undated, then by date, then by known time of day (UTC),
    then a text no derivation names as derived before a copy (an undated copy must not look
    like the origin), then (when ``sources`` is given) a text some derivation names as source
    before one on no edge, then by id."""
    published = article.published if article is not None else None
    at = article.published_at if article is not None else None
    return (published is None, published or "", at is None, at or "", article_id in copies,
            bool(sources) and article_id not in sources, article_id)


def earliest(article_ids: Iterable[str], articles: Mapping[str, Article], *,
             copies: frozenset[str] | set[str] = frozenset(),
             sources: frozenset[str] | set[str] = frozenset()) -> str:
    """The earliest of ``article_ids``; ``copies`` are the derived sides of derivations,
    ``sources`` (optional) their source sides."""
    return min(article_ids, key=lambda a: article_order(articles.get(a), a, copies, sources))


def reporting_lines(derivations: Sequence[Derivation]) -> dict[str, str]:
    """Article id -> a line id (the smallest article id of its connected component) for every
    article on a derivation edge; articles on no edge are lines of their own."""
    lines = _UnionFind()
    for derivation in sorted(derivations, key=lambda d: d.id):
        lines.union(derivation.source, derivation.derived)
    return {article: lines.find(article) for article in sorted(lines.parent)}


def group_origins(article_ids: Iterable[str], *, lines: Mapping[str, str],
                  articles: Mapping[str, Article],
                  same_outlet_one_line: bool = True,
                  copies: frozenset[str] | set[str] = frozenset(),
                  sources: frozenset[str] | set[str] = frozenset()) -> dict[str, str]:
    """Each of a group's articles -> its origin: the earliest group article of its line
    (``copies``/``sources``: articles some derivation names as derived / as source, see
    :func:`earliest`)."""
    members = sorted(set(article_ids))
    merged = _UnionFind()
    for article in members:
        merged.union(article, "line:" + lines.get(article, article))
        outlet = articles[article].outlet if article in articles else None
        if same_outlet_one_line and outlet:
            merged.union(article, "outlet:" + outlet.strip().lower())
    by_line: dict[str, list[str]] = {}
    for article in members:
        by_line.setdefault(merged.find(article), []).append(article)
    return {article: earliest(by_line[merged.find(article)], articles, copies=copies,
                              sources=sources)
            for article in members}


def primary_source(members: Sequence[ClaimFacts]) -> str | None:
    """The most common speaker of the group's claims, by its corpus name (ties: the name
    sorting first); resolved entities first; ``None`` when every claim is the outlets' own
    statement."""
    # An unresolved "he" names nobody a reader could check ("the ministry" still says who).
    speaking = [f for f in members
                if f.speaker and not _DATELINE_SPEAKER.match(f.speaker_name or "")
                and not (f.speaker_label is None and is_pronoun(f.speaker_name or f.speaker))]
    # A speaker resolved to an entity outranks raw phrases (which can be a dateline the
    # claim parser took for a subject).
    pool = [f for f in speaking if f.speaker_label] or speaking
    if not pool:
        return None
    counts = Counter(f.speaker for f in pool)
    name = {f.speaker: f.speaker_name or f.speaker
            for f in sorted(pool, key=lambda f: f.claim.id)}
    return name[min(counts, key=lambda s: (-counts[s], name[s]))]
