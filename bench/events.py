"""Event benchmark: event mentions against ECB+'s own annotations, and the seeds' event rows.

On ``ecbplus`` (``markables.jsonl`` holds ECB+'s annotated actions, times and places with
character offsets into ``articles.jsonl``'s texts) it runs the enrich stage on the texts as given
(no cleaning, so the offsets hold) and scores each event mention crosscheck finds:

ECB+ annotates some sentences of each document (not all), so only mentions in sentences that
hold a markable are scored:

- trigger precision: the share of triggers that lie inside an annotated action
  (``ACTION_OCCURRENCE``, ``NEG_ACTION_OCCURRENCE`` or another ``ACTION_*``), and the share of
  annotated occurrence actions of the taxonomy's verbs that crosscheck finds (recall, limited to
  the actions the taxonomy covers: ECB+ annotates every action, most of them outside it);
- status: of triggers inside a negated action (``NEG_ACTION_*``), the share marked ``negated``;
  of triggers marked negated, the share ECB+ negates;
- slots: of the places and times crosscheck attaches to an event, the share that overlap an
  annotated place (``LOC_*``) or time (``TIME_*``) of the same document; and the share of event
  mentions with a place and with a time;
- per gold story with events: whether some event names an annotated place and an annotated
  time of that story.

Then it runs the whole pipeline on the seeds and prints the event rows a researcher would log.

Example:
    python bench/events.py --limit 300
    python bench/events.py --limit 772 --cache /tmp/ecb_events.pkl
    python bench/events.py --seeds-only
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import SHARED_BENCH  # noqa: E402
from crosscheck.engine import make_engine  # noqa: E402
from crosscheck.enrich import enrich_batch  # noqa: E402
from crosscheck.enrich.events import event_actions  # noqa: E402
from crosscheck.pipeline import run  # noqa: E402
from crosscheck.records import (Article, EventMention, Place, Quantity, Sentence,  # noqa: E402
                                TimeExpr)
from crosscheck.report.json import build_analysis  # noqa: E402
from crosscheck.settings import Settings  # noqa: E402
from crosscheck.store import Store  # noqa: E402

ECB = SHARED_BENCH / "ecbplus"
SEEDS = SHARED_BENCH.parent / "corpus" / "seeds"


def _markables(limit_docs: set[str]) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = defaultdict(list)
    with (ECB / "markables.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            if row["doc"] in limit_docs:
                found[row["doc"]].append(row)
    return found


def _inside(start: int, end: int, marks: list[dict], prefix: str) -> bool:
    return any(m["type"].startswith(prefix) and m["start"] <= start and end <= m["end"] + 1
               for m in marks)


def _overlaps(start: int, end: int, marks: list[dict], prefixes: tuple[str, ...]) -> bool:
    return any(m["type"].startswith(prefixes) and m["start"] < end and start < m["end"]
               for m in marks)


def ecb(limit: int, workers: int, cache: str | None = None) -> None:
    if not (ECB / "articles.jsonl").exists():
        print(f"skipping ECB+: data set not found at {ECB}")
        return
    rows = [json.loads(line) for line in (ECB / "articles.jsonl").open(encoding="utf-8")][:limit]
    story = {r["id"]: r["gold_story"] for r in rows}
    # Enrichment straight on the texts as given (no cleaning), so ECB+'s offsets hold.
    articles = [Article(id=r["id"], source=r["id"], url=None, outlet=None, outlet_from=None,
                        title=None, published=None, published_from=None, language="en",
                        text=r["text"]) for r in rows]
    started = time.perf_counter()
    if cache and Path(cache).exists():
        records = pickle.loads(Path(cache).read_bytes())
    else:
        records = []
        for i in range(0, len(articles), 32):
            records += enrich_batch(articles[i:i + 32], settings=Settings())
        if cache:
            Path(cache).write_bytes(pickle.dumps(records))
    elapsed = time.perf_counter() - started
    doc_of = {a.id: a.id for a in articles}
    sentences = [r for r in records if isinstance(r, Sentence)]
    places = {r.id: r for r in records if isinstance(r, Place)}
    times = {r.id: r for r in records if isinstance(r, TimeExpr)}
    marks = _markables(set(doc_of.values()))
    # ECB+ annotates some sentences of each document, not all: a mention is scored only in a
    # sentence holding at least one of its markables.
    annotated = {(s.article, s.index) for s in sentences
                 if any(s.start <= m["start"] < s.end for m in marks.get(s.article, ()))}
    all_mentions = [r for r in records if isinstance(r, EventMention)]
    scored = [m for m in all_mentions if (m.article, m.sentence) in annotated]
    print(f"ECB+: {len(all_mentions)} event mentions in all sentences; "
          f"{len(scored)} in the {len(annotated)} sentences ECB+ annotates are scored")
    print(f"ECB+: {len(rows)} documents, {len(scored)} event mentions, enrichment {elapsed:.0f} s "
          f"({len(rows) / elapsed:.1f} documents/s, one process)")
    inside = [m for m in scored if _inside(m.start, m.end, marks[doc_of[m.article]], "ACTION")
              or _inside(m.start, m.end, marks[doc_of[m.article]], "NEG_ACTION")]
    print(f"  trigger precision (inside an annotated action): {len(inside)}/{len(scored)} = "
          f"{len(inside) / max(1, len(scored)):.3f}")
    lemmas = tuple(event_actions())
    covered = [(doc, m) for doc, ms in marks.items() for m in ms
               if m["type"] == "ACTION_OCCURRENCE" and m["text"].split()
               and m["text"].split()[0].lower().startswith(lemmas)]
    found = sum(1 for doc, m in covered if any(
        e.article == doc and m["start"] <= e.start < m["end"] + 1 for e in scored))
    print(f"  recall of annotated occurrences whose first word starts like a taxonomy lemma "
          f"(arrest*, kill*, ...): {found}/{len(covered)} = {found / max(1, len(covered)):.3f}")
    negated_gold = [m for m in scored if _inside(m.start, m.end, marks[doc_of[m.article]], "NEG_ACTION")]
    negated_ours = [m for m in scored if m.status == "negated"]
    print(f"  negation: gold-negated triggers marked negated {sum(m.status == 'negated' for m in negated_gold)}"
          f"/{len(negated_gold)}; marked negated and gold-negated "
          f"{sum(m in negated_gold for m in negated_ours)}/{len(negated_ours)}")
    with_place = [m for m in scored if m.places]
    place_hits = [m for m in with_place if any(
        _overlaps(places[p].start, places[p].end, marks[doc_of[m.article]], ("LOC",))
        for p in m.places if p in places)]
    with_time = [m for m in scored if m.time in times]
    time_hits = [m for m in with_time if _overlaps(times[m.time].start, times[m.time].end,
                                                   marks[doc_of[m.article]], ("TIME",))]
    print(f"  place slot filled {len(with_place)}/{len(scored)}; overlaps an annotated place "
          f"{len(place_hits)}/{len(with_place)} = {len(place_hits) / max(1, len(with_place)):.3f}")
    print(f"  time slot filled {len(with_time)}/{len(scored)}; overlaps an annotated time "
          f"{len(time_hits)}/{len(with_time)} = {len(time_hits) / max(1, len(with_time)):.3f}")
    _participant_slots(scored, records, marks, text_of={a.id: a.text for a in articles})
    by_story: dict[str, list[EventMention]] = defaultdict(list)
    for m in scored:
        by_story[story[doc_of[m.article]]].append(m)
    placed = sum(1 for ms in by_story.values() if any(m in place_hits for m in ms))
    timed = sum(1 for ms in by_story.values() if any(m in time_hits for m in ms))
    print(f"  gold stories with event mentions: {len(by_story)}; naming an annotated place "
          f"{placed}, an annotated time {timed}")


_PARTICIPANTS = ("HUMAN_PART", "NON_HUMAN_PART")


def _participant_slots(scored, records, marks, *, text_of) -> None:
    """The target slot against ECB+'s annotated participants (a target is a phrase without
    offsets: it is looked up in its own sentence, first occurrence). ECB+ marks a participant's
    head word, not the number before it, so the count slot is only counted."""
    sentence_at = {(s.article, s.index): s for s in records if isinstance(s, Sentence)}
    quantities = {r.id: r for r in records if isinstance(r, Quantity)}
    located = hits = 0
    with_target = [m for m in scored if m.target]
    for m in with_target:
        s = sentence_at[(m.article, m.sentence)]
        at = text_of[m.article].find(m.target, s.start, s.end)
        if at >= 0:
            located += 1
            hits += _overlaps(at, at + len(m.target), marks[m.article], _PARTICIPANTS)
    with_count = sum(m.count in quantities for m in scored)
    print(f"  target slot filled {len(with_target)}/{len(scored)}; found in its sentence "
          f"{located}, overlaps an annotated participant {hits}/{located} = "
          f"{hits / max(1, located):.3f}; count slot filled {with_count}/{len(scored)}")


def seeds(workers: int) -> None:
    if not SEEDS.exists():
        print(f"skipping the seeds: not found at {SEEDS}")
        return
    settings = Settings(workers=workers)
    engine = make_engine("local", settings=settings)
    try:
        with Store(":memory:") as store:
            run([str(SEEDS)], store=store, settings=settings, engine=engine)
            analysis = build_analysis(store)
    finally:
        engine.close()
    name = {a["id"]: a["source"].rsplit("/", 1)[-1][:3] for a in analysis["articles"]}
    print(f"\nSeeds: {len(analysis['events'])} events")
    print("action    count        where                          when                     "
          "articles   origins conflicts")
    for e in sorted(analysis["events"], key=lambda e: (-len(e["articles"]), e["id"])):
        where = ", ".join(p["name"] + (f" ({p['lat']:.1f},{p['lon']:.1f})" if p["lat"] is not None else "")
                          for p in e["places"][:3])
        print(f"{e['action']:9s} {((e['count'] or {}).get('text') or '-')[:12]:12s} {where[:30]:30s} "
              f"{((e['time'] or {}).get('text') or '-')[:24]:24s} "
              f"{','.join(name[a] for a in e['articles']):10s} {e['origins']:7d} "
              f"{', '.join(c['slot'] for c in e['conflicts'])}")
        if e["attributed_to"]:
            print(f"{'':10s}said by: {'; '.join(e['attributed_to'])[:80]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, default=300, help="ECB+ documents (default 300)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seeds-only", action="store_true")
    parser.add_argument("--cache", help="keep ECB+'s enrichment in this file and reuse it")
    args = parser.parse_args()
    if not args.seeds_only:
        ecb(args.limit, args.workers, args.cache)
    seeds(args.workers)


if __name__ == "__main__":
    main()
