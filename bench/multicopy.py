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

``--cv-seeds`` builds one corpus per seed and compares the pruning variants (the rule before,
content directions alone, and word containment at three margins), choosing the margin per
seed on the other seeds.

Example:
    python bench/multicopy.py                       # wordllama, 2 copies per kind
    python bench/multicopy.py --copies 4 --cv-seeds 11,13,17,19,23
    python bench/multicopy.py --embedder hashing --copies 4 --seed 11
    python bench/multicopy.py --copies 8 --k 2 --pairs-per-article 4   # link's near-duplicate bound at work
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


def graph(articles: list[Article], embedder, *, k: int = 10, per_article: int | None = None,
          **options) -> tuple[list, list]:
    """(derived before pruning, kept after pruning), each as (derivation, passages) pairs;
    ``options`` go to the pruning step (bench/derivations.py's ``pruned``)."""
    found = derived(articles, embedder, k=k, per_article=per_article)
    return found, pruned(articles, found, **options)


def derived(articles: list[Article], embedder, *, k: int = 10, per_article: int | None = None) -> list:
    """Every candidate pair aligned and derived: near-duplicates (at most ``per_article`` an
    article when given, as link bounds them) and each text's ``k`` nearest by embedding."""
    by_id = {a.id: a for a in articles}
    found = []
    for x, y, verbatim, paraphrase in align_pairs(articles, embedder, k=k, cosine=0.5,
                                                  per_article=per_article):
        result = derive(by_id[x], by_id[y], verbatim=verbatim, paraphrase=paraphrase)
        if result:
            found.append(result)
    return found


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


MARGINS = (0.0, 0.03, 0.10)
VARIANTS = {"direction (before)": {"common_source_by": "direction", "direct_undated": False},
            **{f"containment m={m:.2f}": {"source_margin": m} for m in MARGINS}}


def _summary(texts, kept) -> dict[str, float]:
    r = scores(texts, kept)
    copies = sum(r[k]["copies"] for k in KINDS)
    return {"linked": sum(r[k]["linked"] for k in KINDS) / copies,
            "from_source": sum(r[k]["from_source"] for k in KINDS) / copies,
            "independent": r["independent"]["flagged"] / r["independent"]["texts"],
            "siblings": r["siblings"]["edges"] - r["siblings"]["shared_source"],
            "shared": r["siblings"]["shared_source"]}


def seed_folds(seeds: list[int], *, copies: int, embedder) -> None:
    """Each variant on each seed's corpus; per seed, the margin that does best on the other
    seeds (copies linked and directed from their source, less independent texts flagged and
    sibling edges per copy), scored on this one."""
    rows = {name: [] for name in VARIANTS}
    for seed in seeds:
        texts = build_corpus(copies=copies, seed=seed)
        articles = articles_of(texts)
        found = derived(articles, embedder)
        for name, options in VARIANTS.items():
            rows[name].append(_summary(texts, pruned(articles, found, **options)))
    keys = ("linked", "from_source", "independent", "siblings", "shared")
    print(f"multi-copy corpus, seeds {seeds}, {copies} copies per kind: mean (min-max) over seeds")
    print(f"  {'variant':22} " + " ".join(f"{k:>20}" for k in keys))
    for name, values in rows.items():
        print(f"  {name:22} " + " ".join(f"{_spread([v[k] for v in values]):>20}" for k in keys))
    copies_total = 3 * len(KINDS) * copies
    def objective(v):
        return v["linked"] + v["from_source"] - v["independent"] - v["siblings"] / copies_total
    chosen, held = [], []
    for i in range(len(seeds)):
        train = {name: sum(objective(v) for j, v in enumerate(values) if j != i)
                 for name, values in rows.items() if "before" not in name}
        best = max(train, key=lambda name: (train[name], name))
        chosen.append(best)
        held.append(rows[best][i])
    print(f"  {'chosen on the others':22} " + " ".join(f"{_spread([v[k] for v in held]):>20}" for k in keys))
    print(f"  chosen per seed: {chosen}")


def _spread(values: list[float]) -> str:
    return f"{sum(values) / len(values):.3f} ({min(values):.3f}-{max(values):.3f})"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--embedder", default="wordllama")
    parser.add_argument("--copies", type=int, default=2, help="copies per source and kind")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--k", type=int, default=10, help="embedding neighbours per text (default 10)")
    parser.add_argument("--pairs-per-article", type=int, default=None, metavar="N",
                        help="bound the near-duplicate pairs as link's neardup_pairs_per_article does "
                             "(default: every pair)")
    parser.add_argument("--cv-seeds", default="", metavar="S1,S2,...",
                        help="choose the containment margin by cross-validation across these seeds")
    args = parser.parse_args(argv)
    if args.cv_seeds:
        return seed_folds([int(x) for x in args.cv_seeds.split(",")], copies=args.copies,
                          embedder=CachedEmbedder(get_embedder(args.embedder)))
    texts = build_corpus(copies=args.copies, seed=args.seed)
    started = time.perf_counter()
    found, kept = graph(articles_of(texts), CachedEmbedder(get_embedder(args.embedder)), k=args.k,
                        per_article=args.pairs_per_article)
    bound = "every near-duplicate pair" if args.pairs_per_article is None else \
        f"at most {args.pairs_per_article} near-duplicate pairs an article"
    print(f"multi-copy corpus: {len(texts)} texts (seed {args.seed}, {args.copies} copies per kind), "
          f"{args.embedder}, k={args.k}, {bound}, {time.perf_counter() - started:.1f} s")
    show("derived, before pruning", scores(texts, found))
    show("kept, after pruning", scores(texts, kept))


if __name__ == "__main__":
    main()
