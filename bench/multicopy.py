"""Derivation graph on an undated multi-copy corpus (``bench/_multicopy.py`` builds it).

Three source texts, each copied cut, lightly and heavily revised (two copies of each kind by
default), and independent texts on the same topics; nothing is dated. Aligned and derived as
``bench/derivations.py`` does, then pruned as the pipeline does. Prints, for the kept graph:

* recall of source -> copy edges by kind of revision: a copy counts when an edge joins it to its
  source (goal >= 0.9), and as directed when that edge runs from the source (goal >= 0.9;
  ``undetermined`` and the reverse are shown apart);
* sibling edges: edges between two copies of one source, and those marked as a shared unseen
  source (``relation``);
* independent texts flagged: joined by any edge (goal <= 0.05); the same agency's follow-up
  report is shown apart.

Example:
    python bench/multicopy.py                       # wordllama, 2 copies per kind
    python bench/multicopy.py --embedder hashing --copies 4 --seed 11
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _multicopy import build_corpus  # noqa: E402
from derivations import CachedEmbedder, align_pairs, pruned  # noqa: E402
from crosscheck.link.derivations import derive  # noqa: E402
from crosscheck.link.paraphrase import get_embedder  # noqa: E402
from crosscheck.records import Article  # noqa: E402

KINDS = ("cut", "light", "heavy")


def articles_of(texts) -> list[Article]:
    return [Article(id=t.id, source=t.id, url=None, outlet=None, outlet_from=None, title=None,
                    published=None, published_from=None, language="en", text=t.text)
            for t in texts]


def graph(articles: list[Article], embedder) -> tuple[list, list]:
    """(derived before pruning, kept after pruning), each as (derivation, passages) pairs."""
    by_id = {a.id: a for a in articles}
    found = []
    for x, y, verbatim, paraphrase in align_pairs(articles, embedder, k=10, cosine=0.5):
        result = derive(by_id[x], by_id[y], verbatim=verbatim, paraphrase=paraphrase)
        if result:
            found.append(result)
    return found, pruned(articles, found)


def scores(texts, derivations) -> dict:
    role = {t.id: t.role for t in texts}
    source_of = {t.id: t.source for t in texts}
    edges = [d for d, _ in derivations]
    pairs = {frozenset((d.source, d.derived)): d for d in edges}
    result = {}
    for kind in KINDS:
        copies = [t for t in texts if t.role == kind]
        linked = [pairs.get(frozenset((t.id, t.source))) for t in copies]
        found = [d for d in linked if d is not None]
        result[kind] = {
            "copies": len(copies), "linked": len(found),
            "from_source": sum(d.source == source_of.get(d.derived) and d.direction != "undetermined" for d in found),
            "undetermined": sum(d.direction == "undetermined" for d in found),
            "reversed": sum(d.derived == source_of.get(d.source) and d.direction != "undetermined" for d in found),
        }
    siblings = [d for d in edges if role[d.source] in KINDS and role[d.derived] in KINDS
                and source_of[d.source] == source_of[d.derived]]
    touched = {x for d in edges for x in (d.source, d.derived)}
    independent = [t.id for t in texts if t.role == "independent"]
    result["siblings"] = {"edges": len(siblings),
                          "shared_source": sum(getattr(d, "relation", "") == "shared_source" for d in siblings)}
    result["independent"] = {"texts": len(independent), "flagged": sum(i in touched for i in independent)}
    result["follow_up_flagged"] = "follow-up" in touched
    result["edges"] = len(edges)
    family = {t.id: t.source or t.id for t in texts if t.role in (*KINDS, "source")}
    result["cross"] = sum(1 for d in edges if d.source in family and d.derived in family
                          and family[d.source] != family[d.derived])
    return result


def show(name: str, result: dict) -> None:
    print(f"  {name}: {result['edges']} edges")
    total = Counter()
    for kind in KINDS:
        r = result[kind]
        total.update(r)
        print(f"    {kind:6} linked to source {r['linked']:2d}/{r['copies']:2d}, from the source "
              f"{r['from_source']:2d}, undetermined {r['undetermined']:2d}, reversed {r['reversed']:2d}")
    print(f"    all    linked to source {total['linked']}/{total['copies']} = {total['linked'] / total['copies']:.3f}, "
          f"directed from the source {total['from_source'] / total['copies']:.3f} "
          f"({total['from_source']}/{total['linked'] or 1} of linked = {total['from_source'] / (total['linked'] or 1):.3f})")
    r = result["independent"]
    print(f"    independent texts flagged {r['flagged']}/{r['texts']} = {r['flagged'] / r['texts']:.3f}; "
          f"follow-up flagged: {result['follow_up_flagged']}; sibling edges {result['siblings']['edges']} "
          f"(shared unseen source {result['siblings']['shared_source']}); edges across sources {result['cross']}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--embedder", default="wordllama")
    parser.add_argument("--copies", type=int, default=2, help="copies per source and kind")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    texts = build_corpus(copies=args.copies, seed=args.seed)
    started = time.perf_counter()
    found, kept = graph(articles_of(texts), CachedEmbedder(get_embedder(args.embedder)))
    print(f"multi-copy corpus: {len(texts)} texts (seed {args.seed}, {args.copies} copies per kind), "
          f"{args.embedder}, {time.perf_counter() - started:.1f} s")
    show("derived, before pruning", scores(texts, found))
    show("kept, after pruning", scores(texts, kept))


if __name__ == "__main__":
    main()
