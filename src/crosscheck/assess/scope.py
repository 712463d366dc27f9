"""What the assessment of one story reads, as a fingerprint: the unit an incremental run redoes.

Claim groups, events, their conflicts and findings are built inside one story; framing and most
findings inside one article. What reaches across stories is read here in full and folded into
the fingerprint of every story it reaches:

- the members' articles (every column: text, dates, outlet, title), hence their enrichment;
- every derivation with a member on either side, with its passages and both sides' articles
  (framing and findings read the source's text and figures) and the corpus entity of each
  speaker of the other side's quotes (``quote_moved`` compares them with the members' quotes);
- each member's reporting line (a connected component of the whole derivation graph) and
  whether some derivation names it as derived or as source (origins, earliest article);
- the corpus entity of every mention key the members use; the name and label the corpus uses
  most for it only where a claim may read them, for a speaker: the speaker keys of the members'
  claims and quotes, and a PERSON or ORG mention inside a claim whose speaker phrase holds its
  words (how a claim without a resolved speaker key finds its speaker). Another entity's
  corpus name is read by nothing a story writes, and counting it would redo stories whenever
  another article tips a name ("Acme Corp" / "Acme Corp.");
- the pairs of places that some article anywhere names in one sentence (a place conflict is
  not one when the two places are named together elsewhere), for the pairs a place conflict
  may compare: the places of two claims of one of the story's claim groups. Those groups are
  what the assessment wrote: a story's fingerprint is counted again once its records are
  written, and the groups it was counted with are the ones a batch run gives while the rest of
  the fingerprint holds (grouping reads none of these pairs).

Two runs give a story the same fingerprint only when all of that is the same, so the records
kept for it are those a batch run would write. The fingerprints of every story are computed in
one query inside DuckDB (:func:`story_fingerprints`): the store holds the records, the driver
adds what it computed over the whole corpus (:class:`CorpusReach`) as temporary tables, and no
record is read into Python. An incremental run fingerprints every story this way before it
knows which to redo.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import pyarrow as pa

from ..link.claims import EntityNames, _Resolver  # the corpus names and labels claim facts use
from ..records import Derivation, EntityKey, Mention
from ..store import Store
from .claims import co_mentioned_places
from .corroboration import reporting_lines

__all__ = ["story_fingerprints", "co_mentioned_places", "CorpusReach", "SCOPE_VERSION"]

# Changes when what the fingerprint covers, or how it is computed, changes: stores written
# before redo every story once.
SCOPE_VERSION = "4"
_PLACE_LABELS = "('GPE', 'LOC', 'FAC')"
_SPEAKER_LABELS = "('PERSON', 'ORG')"  # the mentions a claim may take its speaker from (link/claims.py)


@dataclass(frozen=True)
class CorpusReach:
    """What a story's assessment reads of the whole corpus beyond its own articles and their
    derivations: each article's reporting line, which articles some derivation names as derived
    (``copies``) or as source (``sources``), each entity's corpus name and label, and the place
    pairs some sentence names together. Held by the driver; a batch of stories gets the part
    its articles and entities use (:meth:`part`)."""

    lines: Mapping[str, str]
    copies: frozenset[str]
    sources: frozenset[str]
    entity_names: EntityNames
    co_mentioned: frozenset[tuple[str, str]]

    @classmethod
    def of(cls, *, derivations: Sequence[Derivation], mentions: Sequence[Mention],
           entity_keys: Sequence[EntityKey]) -> "CorpusReach":
        """Computed from the whole corpus's records."""
        resolver = _Resolver(mentions, entity_keys)
        return cls(reporting_lines(derivations), frozenset(d.derived for d in derivations),
                   frozenset(d.source for d in derivations),
                   EntityNames(resolver.names, resolver.labels),
                   frozenset(co_mentioned_places(mentions, entity_keys)))

    def part(self, articles: Collection[str], entities: Collection[str | None]) -> "CorpusReach":
        """The part that concerns ``articles`` and ``entities`` (what a batch ships)."""
        entities = set(entities)
        names = self.entity_names
        return CorpusReach(
            {a: self.lines[a] for a in articles if a in self.lines},
            self.copies & frozenset(articles), self.sources & frozenset(articles),
            EntityNames({e: names.names[e] for e in entities if e in names.names},
                        {e: names.labels[e] for e in entities if e in names.labels}),
            frozenset((a, b) for a in entities for b in self._partners.get(a, ()) if b in entities))

    @functools.cached_property
    def _partners(self) -> dict[str, list[str]]:
        """Place -> the places after it that some sentence names with it (an index, so that a
        part costs its own entities, not the corpus's pairs)."""
        partners: dict[str, list[str]] = defaultdict(list)
        for a, b in self.co_mentioned:
            partners[a].append(b)
        return partners


def story_fingerprints(store: Store, *, story_of: Mapping[str, str], reach: CorpusReach,
                       settings_key: str) -> dict[str, str]:
    """Story id -> a fingerprint of everything its assessment reads (see the module notes), for
    the stories of ``story_of`` (article -> story), from the records in ``store`` and the
    corpus-wide ``reach``; ``settings_key`` stands for what else the assessment depends on."""
    flagged = sorted(reach.copies | reach.sources)
    names = reach.entity_names
    entities = sorted(set(names.names) | set(names.labels))
    pairs = sorted(reach.co_mentioned)
    tables = {
        "_fp_members": {"article": list(story_of), "story": list(story_of.values())},
        "_fp_lines": {"article": list(reach.lines), "line": list(reach.lines.values())},
        "_fp_flags": {"article": flagged, "copy": [a in reach.copies for a in flagged],
                      "source": [a in reach.sources for a in flagged]},
        "_fp_names": {"entity": entities, "name": [names.names.get(e) for e in entities],
                      "label": [names.labels.get(e) for e in entities]},
        "_fp_pairs": {"a": [a for a, _ in pairs], "b": [b for _, b in pairs]},
    }
    try:
        for name, columns in tables.items():
            store.con.register("_fp_rows", pa.table({
                column: pa.array(values, pa.bool_() if column in ("copy", "source") else pa.string())
                for column, values in columns.items()}))
            try:
                store.con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM _fp_rows")
            finally:
                store.con.unregister("_fp_rows")
        rows = store.con.execute(_FINGERPRINTS, [settings_key, SCOPE_VERSION]).fetchall()
    finally:
        for name in tables:
            store.con.execute(f"DROP TABLE IF EXISTS {name}")
    return dict(rows)


# Each part below is one item of the module notes' list; NULL is spelt '~' so that a missing
# name differs from an empty one. A row cast to VARCHAR spells every column, NULL apart from ''.
_FINGERPRINTS = f"""
WITH
ek AS (SELECT key, entity FROM entity_keys),
art AS (SELECT a.id, md5(CAST(a AS VARCHAR)) AS key FROM articles a
        WHERE a.id IN (SELECT article FROM _fp_members)
           OR a.id IN (SELECT source FROM derivations) OR a.id IN (SELECT derived FROM derivations)),
spans AS (SELECT derivation, string_agg(h, ',' ORDER BY h) AS spans
          FROM (SELECT p.derivation, md5(CAST(p AS VARCHAR)) AS h FROM passages p) GROUP BY derivation),
voices AS (SELECT article, string_agg(v, ',' ORDER BY v) AS voices FROM (
             SELECT DISTINCT q.article, concat(q.speaker_key, '|', coalesce(ek.entity, q.speaker_key)) AS v
             FROM quotes q LEFT JOIN ek ON ek.key = q.speaker_key
             WHERE coalesce(q.speaker_key, '') <> '') GROUP BY article),
edge AS (SELECT d.source, d.derived,
                md5(concat(CAST(d AS VARCHAR), '|', coalesce(sp.spans, ''), '|', coalesce(s.key, '~'),
                           '|', coalesce(t.key, '~'))) AS e
         FROM derivations d LEFT JOIN spans sp ON sp.derivation = d.id
         LEFT JOIN art s ON s.id = d.source LEFT JOIN art t ON t.id = d.derived),
sides AS (SELECT edge.source AS article, concat(e, ':', edge.derived, ':', coalesce(v.voices, '')) AS part
          FROM edge LEFT JOIN voices v ON v.article = edge.derived
          UNION ALL
          SELECT edge.derived, concat(e, ':', edge.source, ':', coalesce(v.voices, ''))
          FROM edge LEFT JOIN voices v ON v.article = edge.source),
edges AS (SELECT article, string_agg(part, ',' ORDER BY part) AS parts FROM sides GROUP BY article),
spoken AS (SELECT article, speaker_key AS key FROM claims WHERE coalesce(speaker_key, '') <> ''
           UNION SELECT article, speaker_key FROM quotes WHERE coalesce(speaker_key, '') <> ''),
voiced AS (SELECT DISTINCT m.id FROM mentions m JOIN claims c
           ON c.article = m.article AND c.speaker IS NOT NULL AND c.start <= m.start AND m."end" <= c."end"
           AND contains(c.speaker, m.text)
           WHERE m.label IN {_SPEAKER_LABELS}),
named AS (SELECT DISTINCT m.article,
            CASE WHEN v.id IS NOT NULL OR s.key IS NOT NULL
                 THEN concat(m.key, '|', coalesce(ek.entity, m.key), '|', coalesce(n.name, '~'), '|',
                             coalesce(n.label, '~'))
                 ELSE concat(m.key, '|', coalesce(ek.entity, m.key)) END AS k
          FROM mentions m JOIN _fp_members mb ON mb.article = m.article
          LEFT JOIN ek ON ek.key = m.key
          LEFT JOIN _fp_names n ON n.entity = coalesce(ek.entity, m.key)
          LEFT JOIN spoken s ON s.article = m.article AND s.key = m.key
          LEFT JOIN voiced v ON v.id = m.id
          UNION
          SELECT s.article, concat('speaker|', s.key, '|', coalesce(ek.entity, s.key), '|',
                                   coalesce(n.name, '~'), '|', coalesce(n.label, '~'))
          FROM spoken s LEFT JOIN ek ON ek.key = s.key
          LEFT JOIN _fp_names n ON n.entity = coalesce(ek.entity, s.key)),
keys AS (SELECT article, string_agg(k, ',' ORDER BY k) AS ks FROM named GROUP BY article),
named_places AS (SELECT c.id AS claim, c.article, c.start, c."end", unnest(c.places) AS name
                 FROM claims c JOIN _fp_members mb ON mb.article = c.article),
claim_places AS (
          SELECT DISTINCT c.claim, coalesce(ek.entity, m.key) AS place
          FROM named_places c JOIN mentions m ON m.article = c.article AND m.name = c.name
           AND c.start <= m.start AND m."end" <= c."end" AND m.label IN {_PLACE_LABELS}
          LEFT JOIN ek ON ek.key = m.key
          UNION
          SELECT claim, lower(name) FROM named_places),
grouped AS (SELECT g."group", g.claim, mb.story, p.place FROM claim_group_members g
            JOIN claim_places p ON p.claim = g.claim JOIN _fp_members mb ON mb.article = g.article),
compared AS (SELECT DISTINCT a.story, least(a.place, b.place) AS x, greatest(a.place, b.place) AS y
             FROM grouped a JOIN grouped b ON a."group" = b."group" AND a.claim < b.claim
             AND a.place <> b.place),
pairs AS (SELECT c.story, string_agg(concat(c.x, '|', c.y), ',' ORDER BY c.x, c.y) AS ps
          FROM compared c JOIN _fp_pairs p ON p.a = c.x AND p.b = c.y GROUP BY c.story),
parts AS (SELECT mb.story,
                 concat(mb.article, ';', coalesce(art.key, '~'), ';', coalesce(l.line, mb.article), ';',
                        coalesce(f.copy, false), ';', coalesce(f.source, false), ';',
                        coalesce(edges.parts, ''), ';', coalesce(keys.ks, '')) AS part
          FROM _fp_members mb LEFT JOIN art ON art.id = mb.article
          LEFT JOIN _fp_lines l ON l.article = mb.article LEFT JOIN _fp_flags f ON f.article = mb.article
          LEFT JOIN edges ON edges.article = mb.article LEFT JOIN keys ON keys.article = mb.article)
SELECT parts.story,
       left(md5(concat(?, '#', ?, '#', string_agg(part, '#' ORDER BY part), '#',
                       coalesce(any_value(pairs.ps), ''))), 16)
FROM parts LEFT JOIN pairs ON pairs.story = parts.story
GROUP BY parts.story ORDER BY parts.story
"""
