"""Derivation benchmark on METER (wire stories and the UK newspaper texts rewritten from them).

Cleans the JSONL with crosscheck's clean step, finds candidate pairs (MinHash near-duplicates
plus embedding neighbours for paraphrases), aligns them (verbatim, then paraphrase) and derives.
Prints, per embedder: derivation edges; the share whose two texts share a gold story (goal
>= 0.98); among edges between a wire and a newspaper text, the share directed wire -> newspaper
(goal >= 0.98; undetermined counts as a miss, and the share among decided ones is shown too);
the share of newspaper texts given a wire source; time. Then a TF-IDF top-1 baseline (for each
newspaper text the most similar wire text; share in the same story; published anchor 0.99).

``--show-wrong N`` prints N kept edges whose two texts are in different gold stories, with the
derived text's other sources and the first passages, to study what joins them.

``--show-direction N`` prints N kept wire-newspaper edges directed newspaper -> wire or left
undetermined, with each content cue's signed weight (positive: the wire is the source).
``--cue-stats`` prints, per content cue, how often it fires on the wire-newspaper edges before
pruning and how often it alone points at the wire (how the weights in
``crosscheck.link.direction`` were read).
``--folds N`` scores the pruning variants (``VARIANTS``: the common-source rule before, by
content directions, against word containment, on METER as it is, where every text is dated
and containment never acts, and with METER's dates hidden from pruning, where it does, at
three margins) per gold-story fold, and picks one per fold and group on the other folds: the
cross-validated figures with their spread.
``--cache DIR`` keeps the alignments of the candidate pairs there, so a change to the direction
or derivation rules re-runs in seconds.

``--examples`` runs the same on the team's example corpus and prints the derivations found with
their paraphrase passages, to compare with examples/ANSWERS.md.

Example:
    python bench/derivations.py --embedders hashing,wordllama,minilm
    python bench/derivations.py --limit 200 --embedders hashing
    python bench/derivations.py --embedders wordllama --k 10 --cosine 0.5 --show-wrong 20
    python bench/derivations.py --embedders wordllama --k 10 --cosine 0.5 --cache /tmp/align --show-direction 20
    python bench/derivations.py --examples --embedders wordllama
    python bench/derivations.py --embedders wordllama --k 10 --cosine 0.5 --folds 5
"""

from __future__ import annotations

import argparse
import pickle
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import REPO_ROOT, SHARED_BENCH, require_dataset  # noqa: E402
from crosscheck.clean import clean_document  # noqa: E402
from crosscheck.clean.boilerplate import apply_boilerplate, infer_outlets, learn_boilerplate  # noqa: E402
from crosscheck.ingest import iter_documents  # noqa: E402
from crosscheck.link.copy_clusters import bounded_partners  # noqa: E402
from crosscheck.link.common_source import SOURCE_MARGIN, direct_undated_copies  # noqa: E402
from crosscheck.link.derivations import derive, prune_derivations  # noqa: E402
from crosscheck.link.minhash import near_duplicate_pairs  # noqa: E402
from crosscheck.link.paraphrase import (  # noqa: E402
    align_paraphrases, candidate_pairs, get_embedder, sentence_spans,
)
from crosscheck.link.passages import align_verbatim  # noqa: E402
from crosscheck.records import Article, Draft, RawDocument, Removal  # noqa: E402
from crosscheck.settings import Settings  # noqa: E402


def clean_articles(inputs: list[str], *, limit: int | None = None) -> list[Article]:
    """Ingest, clean and strip learned boilerplate, as the pipeline does, in memory."""
    settings = Settings()
    drafts, removals = [], []
    for raw in iter_documents(inputs, settings=settings):
        if not isinstance(raw, RawDocument):
            continue
        for item in clean_document(raw, settings=settings):
            (drafts if isinstance(item, Draft) else removals).append(item)
        if limit and len(drafts) >= limit:
            break
    outlets = infer_outlets(drafts, removals=[r for r in removals if isinstance(r, Removal)
                                              and r.stage == "document"])
    model = learn_boilerplate(drafts, settings=settings, outlets=outlets)
    articles = [apply_boilerplate(d, model, outlet=outlets.get(d.id, (None, None))[0],
                                  outlet_from=outlets.get(d.id, (None, None))[1])[0] for d in drafts]
    return sorted(articles, key=lambda a: a.id)


class CachedEmbedder:
    """Wraps an embedder so each sentence is encoded once across all pairs."""

    def __init__(self, inner):
        self.inner, self.name, self._cache = inner, inner.name, {}

    def encode(self, texts: list[str]) -> np.ndarray:
        missing = sorted({t for t in texts if t not in self._cache})
        if missing:
            for text, row in zip(missing, self.inner.encode(missing)):
                self._cache[text] = row
        return np.stack([self._cache[t] for t in texts]) if texts else np.zeros((0, 1))


def article_vectors(articles: list[Article], embedder) -> np.ndarray:
    """Mean of an article's sentence vectors, normalised."""
    rows = []
    for article in articles:
        vectors = embedder.encode([article.text[s:e] for s, e in sentence_spans(article.text)])
        mean = vectors.mean(axis=0)
        rows.append(mean / (np.linalg.norm(mean) or 1.0))
    return np.stack(rows)


def find_derivations(articles: list[Article], embedder, *, k: int, cosine: float,
                     cache: Path | None = None):
    """Candidate pairs, aligned and derived. With ``cache``, the alignments are read from (or
    written to) that pickle, so direction and derivation rules can be re-run in seconds."""
    by_id = {a.id: a for a in articles}
    aligned = _load_alignments(cache)
    if aligned is None:
        aligned = align_pairs(articles, embedder, k=k, cosine=cosine)
        _save_alignments(cache, aligned)
    found = []
    for x, y, verbatim, paraphrase in aligned:
        result = derive(by_id[x], by_id[y], verbatim=verbatim, paraphrase=paraphrase)
        if result:
            found.append(result)
    return len(aligned), found


def align_pairs(articles: list[Article], embedder, *, k: int, cosine: float,
                per_article: int | None = None) -> list[tuple]:
    """``(id_a, id_b, verbatim, paraphrase)`` for every candidate pair, in id order; with
    ``per_article``, the near-duplicate pairs bounded as the link stage bounds them
    (``neardup_pairs_per_article``, link/copy_clusters.py)."""
    by_id = {a.id: a for a in articles}
    near = near_duplicate_pairs([(a.id, a.text) for a in articles], threshold=0.2)
    if per_article is not None:
        near = bounded_partners(near, {a.id: a.published for a in articles}, per_article=per_article)
    pairs = {(x, y) for x, y, _ in near}
    vectors = article_vectors(articles, embedder)
    pairs |= {(x, y) for x, y, _ in candidate_pairs(vectors, [a.id for a in articles], k=k, threshold=cosine)}
    aligned = []
    for x, y in sorted(pairs):
        a, b = by_id[x], by_id[y]
        verbatim = align_verbatim(a.text, b.text)
        paraphrase = align_paraphrases(a.text, sentence_spans(a.text), b.text, sentence_spans(b.text),
                                       embedder=embedder, exclude=verbatim)
        aligned.append((x, y, verbatim, paraphrase))
    return aligned


def _load_alignments(cache: Path | None):
    if cache is None or not cache.exists():
        return None
    with cache.open("rb") as handle:
        return pickle.load(handle)


def _save_alignments(cache: Path | None, aligned) -> None:
    if cache is not None:
        with cache.open("wb") as handle:
            pickle.dump(aligned, handle)


def pruned(articles: list[Article], found, *, published: str = "used", **options):
    """``found`` after the corpus-level pruning step (``options`` go to prune_derivations).
    ``published="ignored"`` prunes as if no text had a date (METER's are all one day per story:
    this is how the containment rule for undated texts would do there)."""
    passages = {d.id: p for d, p in found}
    dates = {a.id: a.published for a in articles} if published == "used" else {}
    texts = {a.id: a.text for a in articles}
    derivations = [d for d, _ in found]
    if options.pop("direct_undated", True):
        derivations, passages = direct_undated_copies(derivations, passages, dates, texts,
                                                      margin=options.get("source_margin", SOURCE_MARGIN))
    kept = prune_derivations(derivations, passages, dates,
                             outlets={a.id: a.outlet for a in articles},
                             texts=texts, **options)
    return [(d, passages[d.id]) for d in kept]


def meter_scores(articles, derivations, gold) -> dict[str, float]:
    story = {i: value[0] for i, value in gold.items()}
    role = {i: value[1] for i, value in gold.items()}
    edges = [d for d, _ in derivations]
    same = [story[d.source] == story[d.derived] for d in edges]
    # METER folders are courts/DATE/CASE: one case's hearings on other days reuse its background
    case = [story[d.source].rsplit("/", 1)[-1] == story[d.derived].rsplit("/", 1)[-1] for d in edges]
    mixed = [d for d in edges if {role[d.source], role[d.derived]} == {"wire", "newspaper"}]
    right = [role[d.source] == "wire" for d in mixed if d.direction != "undetermined"]
    sourced = {d.derived for d in edges if role[d.derived] == "newspaper" and role[d.source] == "wire"}
    papers = [a.id for a in articles if role[a.id] == "newspaper"]
    derived = [d for d in edges if d.relation == "derived"]
    roles = Counter(f"{role[d.source]}>{role[d.derived]}" for d in derived)
    return {
        "edges": len(edges), "same_story": _share(same), "same_case_any_day": _share(case),
        # the papers rewrote the wire, not each other: an edge from a newspaper is wrong
        "from_paper": _share([role[d.source] == "newspaper" for d in edges]),
        "derived_from_paper": _share([role[d.source] == "newspaper" for d in derived]),
        "shared_source": sum(d.relation == "shared_source" for d in edges),
        "wire>paper": roles["wire>newspaper"], "wire>wire": roles["wire>wire"],
        "paper>paper": roles["newspaper>newspaper"], "paper>wire": roles["newspaper>wire"],
        "wire_edges": len(mixed),
        "wire_to_paper": sum(right) / len(mixed) if mixed else 0.0,
        "decided": len(right) / len(mixed) if mixed else 0.0, "right_when_decided": _share(right),
        "papers_sourced": len(sourced) / len(papers) if papers else 0.0,
        "kinds": dict(sorted(Counter(d.kind for d in edges).items())),
        "directions": dict(sorted(Counter(d.direction for d in edges).items())),
    }


def _share(flags: list[bool]) -> float:
    return sum(flags) / len(flags) if flags else 0.0


def tfidf_top1(articles, gold) -> float:
    from sklearn.feature_extraction.text import TfidfVectorizer

    wires = [a for a in articles if gold[a.id][1] == "wire"]
    papers = [a for a in articles if gold[a.id][1] == "newspaper"]
    matrix = TfidfVectorizer(sublinear_tf=True).fit_transform([a.text for a in wires + papers])
    best = (matrix[len(wires):] @ matrix[: len(wires)].T).toarray().argmax(axis=1)
    return _share([gold[p.id][0] == gold[wires[i].id][0] for p, i in zip(papers, best)])


def meter_gold(path: Path, articles: list[Article]) -> dict[str, tuple[str, str]]:
    import json

    rows = {}
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            rows[row["id"]] = (row["gold_story"], row["gold_role"])
    return {a.id: rows[a.source.split("#", 1)[1]] for a in articles}


def run_meter(args) -> None:
    path = require_dataset(args.data / "meter" / "articles.jsonl", name="meter")
    started = time.perf_counter()
    articles = clean_articles([str(path)], limit=args.limit)
    gold = meter_gold(path, articles)
    print(f"meter: {len(articles)} articles cleaned in {time.perf_counter() - started:.1f} s "
          "(measured under load: 2 shared cores)")
    print(f"TF-IDF top-1 wire source in the same story: {tfidf_top1(articles, gold):.3f} (anchor 0.99)")
    for name in args.embedders:
        started = time.perf_counter()
        embedder = CachedEmbedder(get_embedder(name))
        cache = _cache_path(args, name, "meter")
        pairs, derivations = find_derivations(articles, embedder, k=args.k, cosine=args.cosine,
                                              cache=cache)
        seconds = time.perf_counter() - started
        kept = pruned(articles, derivations)
        print(f"\n[{name}] {pairs} candidate pairs, {seconds:.1f} s (pruning {time.perf_counter() - started - seconds:.2f} s)")
        before, after = meter_scores(articles, derivations, gold), meter_scores(articles, kept, gold)
        print(f"  {'':20} {'derive':>10} {'pruned':>10}")
        for key in before:
            if isinstance(before[key], float):
                print(f"  {key:20} {before[key]:10.3f} {after[key]:10.3f}")
            else:
                print(f"  {key:20} {before[key]!s:>10} {after[key]!s:>10}" if isinstance(before[key], int)
                      else f"  {key:20} {after[key]}")
        if args.folds:
            fold_table(articles, derivations, gold, folds=args.folds)
        if args.cue_stats:
            show_cue_stats(articles, derivations, gold)
        show_wrong(articles, kept, gold, count=args.show_wrong)
        show_misdirected(articles, kept, gold, count=args.show_direction)


#: Pruning settings compared by story-fold cross-validation, in two groups: METER as it is (all
#: dated, so the containment rules for undated texts never act) and METER with its dates hidden
#: from pruning (where they do). "direction" is the rule before: content directions alone.
VARIANTS = {
    "dated": {
        "direction (before)": {"common_source_by": "direction", "direct_undated": False},
        "containment m=0.10": {"source_margin": 0.10},
    },
    "shared source": {
        "day shift orders, 2 sides": {"originating_share": None, "shared_source_sides": 2},
        "agency 0.5, 2 sides": {"originating_share": 0.5, "shared_source_sides": 2},
        "agency 0.3, 1 side": {"originating_share": 0.3, "shared_source_sides": 1},
        "agency 0.5, 1 side": {"originating_share": 0.5, "shared_source_sides": 1},
        "agency 0.7, 1 side": {"originating_share": 0.7, "shared_source_sides": 1},
    },
    "dates hidden": {
        "direction (before)": {"common_source_by": "direction", "direct_undated": False, "published": "ignored"},
        "containment m=0.00": {"source_margin": 0.0, "published": "ignored"},
        "containment m=0.03": {"source_margin": 0.03, "published": "ignored"},
        "containment m=0.10": {"source_margin": 0.10, "published": "ignored"},
    },
}
FOLD_KEYS = ("same_story", "wire_to_paper", "papers_sourced", "from_paper", "derived_from_paper")


def _objective(scores: dict) -> float:
    """What the settings are chosen for: edges within the story, wire -> paper, papers given
    a wire source, and few edges claiming that one paper took from another."""
    return (scores["same_story"] + scores["wire_to_paper"] + scores["papers_sourced"]
            - scores["derived_from_paper"])


def fold_table(articles, found, gold, *, folds: int) -> None:
    """Each pruning variant scored per story fold (stories assigned to folds in sorted order,
    round robin); then, per fold and group, the variant that scores best on the other folds,
    scored on this one: the cross-validated figure and its spread."""
    stories = sorted({gold[a.id][0] for a in articles})
    fold_of = {story: i % folds for i, story in enumerate(stories)}
    print(f"\n  story-fold cross-validation ({folds} folds of {len(stories)} stories): mean (min-max)")
    for group, variants in VARIANTS.items():
        by_variant = {}
        for name, options in variants.items():
            kept = pruned(articles, found, **options)
            by_variant[name] = [_fold_scores(articles, kept, gold, fold_of, f) for f in range(folds)]
        print(f"  [{group}] {'variant':20} " + " ".join(f"{k:>22}" for k in FOLD_KEYS))
        for name, rows in by_variant.items():
            print(f"  {'':{len(group) + 3}}{name:20} " + " ".join(f"{_spread([r[k] for r in rows]):>22}" for k in FOLD_KEYS))
        chosen, held = [], []
        for f in range(folds):
            # the margin is chosen among the containment variants; the rule before is shown beside
            train = {name: sum(_objective(rows[g]) for g in range(folds) if g != f)
                     for name, rows in by_variant.items() if "before" not in name}
            best = max(train, key=lambda name: (train[name], name))
            chosen.append(best)
            held.append(by_variant[best][f])
        print(f"  {'':{len(group) + 3}}{'chosen on the others':20} " + " ".join(f"{_spread([r[k] for r in held]):>22}" for k in FOLD_KEYS))
        print(f"  {'':{len(group) + 3}}chosen per fold: {chosen}")


def _fold_scores(articles, kept, gold, fold_of, fold: int) -> dict:
    members = [a for a in articles if fold_of[gold[a.id][0]] == fold]
    ids = {a.id for a in members}
    return meter_scores(members, [(d, p) for d, p in kept if d.derived in ids], gold)


def _spread(values: list[float]) -> str:
    return f"{sum(values) / len(values):.3f} ({min(values):.3f}-{max(values):.3f})"


def show_wrong(articles, derivations, gold, *, count: int) -> None:
    """Edges joining two gold stories: both stories and roles, the derived text's other
    sources (same story or not), and the first passages on the derived side."""
    by_id = {a.id: a for a in articles}
    wrong = [(d, p) for d, p in derivations if gold[d.source][0] != gold[d.derived][0]]
    for d, passages in wrong[:count]:
        print(f"\n  {'/'.join(gold[d.source])} -> {'/'.join(gold[d.derived])}: {d.kind} "
              f"{d.direction} score {d.score}; {by_id[d.source].outlet} {by_id[d.source].published}"
              f" -> {by_id[d.derived].outlet} {by_id[d.derived].published}")
        others = [(o.kind, o.score, gold[o.source][0] == gold[d.derived][0])
                  for o, _ in derivations if o.derived == d.derived and o.id != d.id]
        print(f"     other sources (kind, score, same story): {others}")
        for p in passages[:4]:
            text = by_id[d.derived].text[p.derived_start:p.derived_end]
            print(f"     {p.kind} {p.similarity:.2f} {text[:110]!r}")


def _cache_path(args, name: str, corpus: str) -> Path | None:
    if args.cache is None:
        return None
    args.cache.mkdir(parents=True, exist_ok=True)
    return args.cache / f"{corpus}-{name}-k{args.k}-c{args.cosine}-n{args.limit or 'all'}.pkl"


def show_misdirected(articles, derivations, gold, *, count: int) -> None:
    """Wire-newspaper edges directed newspaper -> wire or left undetermined: the kind, how much
    is shared, and each content cue's signed weight (positive: the wire is the source)."""
    by_id = {a.id: a for a in articles}
    role = {a.id: gold[a.id][1] for a in articles}
    missed = [(d, p) for d, p in derivations
              if {role[d.source], role[d.derived]} == {"wire", "newspaper"}
              and (d.direction == "undetermined" or role[d.source] != "wire")]
    print(f"\n  {len(missed)} wire-newspaper edges misdirected or undetermined")
    for d, passages in missed[:count]:
        wire, paper = (d.source, d.derived) if role[d.source] == "wire" else (d.derived, d.source)
        shared = sum(p.derived_end - p.derived_start for p in passages)
        print(f"\n  {gold[wire][0]} {by_id[wire].published} -> {gold[paper][0]} {by_id[paper].outlet} "
              f"{by_id[paper].published}: {d.kind} {d.direction}, "
              f"{'right' if wire == d.source else 'WRONG'}; {len(passages)} passages, {shared} chars "
              f"on the derived side (wire {len(by_id[wire].text)}, paper {len(by_id[paper].text)})")
        for name, (weighted, reason) in _weighted_cues(by_id[wire], by_id[paper], passages, d).items():
            print(f"     {name:10} {weighted:+.2f} {reason}")


def show_cue_stats(articles, derivations, gold) -> None:
    """Per content cue, on the wire-newspaper edges given: how often it speaks and how often it
    points at the wire (the cue alone, whatever the others say)."""
    by_id = {a.id: a for a in articles}
    role = {a.id: gold[a.id][1] for a in articles}
    fired, right, edges = Counter(), Counter(), 0
    for d, passages in derivations:
        if {role[d.source], role[d.derived]} != {"wire", "newspaper"}:
            continue
        edges += 1
        wire, paper = (d.source, d.derived) if role[d.source] == "wire" else (d.derived, d.source)
        for name, (value, _) in _wire_cue_values(by_id[wire], by_id[paper], passages, d).items():
            fired[name], right[name] = fired[name] + 1, right[name] + (value > 0)
    print(f"\n  content cues alone on {edges} wire-newspaper edges before pruning (right: points at the wire)")
    for name in sorted(fired, key=lambda n: -fired[n]):
        print(f"     {name:14} fires on {fired[name]:4d} ({fired[name] / edges:.0%}), right {right[name] / fired[name]:.2f}")


def _weighted_cues(wire, paper, passages, derivation) -> dict[str, tuple[float, str]]:
    """Each cue's weighted value with the wire as ``a`` (realigned from the stored passages)."""
    from crosscheck.link.direction import CUE_WEIGHTS

    return {name: (CUE_WEIGHTS[name] * value, reason)
            for name, (value, reason) in _wire_cue_values(wire, paper, passages, derivation).items()}


def _wire_cue_values(wire, paper, passages, derivation) -> dict[str, tuple[float, str]]:
    """Each cue that speaks, unweighted, with the wire as ``a`` (realigned from the stored
    passages)."""
    from crosscheck.link.direction import cue_values
    from crosscheck.link.passages import Alignment

    wire_is_source = derivation.source == wire.id
    align = [Alignment(*((p.source_start, p.source_end, p.derived_start, p.derived_end)
                         if wire_is_source else (p.derived_start, p.derived_end, p.source_start,
                                                 p.source_end)), p.similarity)
             for p in passages]
    verbatim = [x for x, p in zip(align, passages) if p.kind == "verbatim"]
    paraphrase = [x for x, p in zip(align, passages) if p.kind != "verbatim"]
    values = cue_values(wire, paper, verbatim=verbatim, paraphrase=paraphrase)
    return {name: (value, reason) for name, (value, reason) in values.items() if value}


def run_examples(args) -> None:
    folders = [str(REPO_ROOT / "examples" / "corpus" / part) for part in ("feeds", "html", "scraped")]
    articles = clean_articles(folders)
    label = {a.id: f"{a.outlet} {a.published or '-'}" for a in articles}
    for name in args.embedders:
        embedder = CachedEmbedder(get_embedder(name))
        pairs, derivations = find_derivations(articles, embedder, k=args.k, cosine=args.cosine,
                                              cache=_cache_path(args, name, "examples"))
        derivations = pruned(articles, derivations)
        print(f"\n[{name}] {pairs} candidate pairs, {len(derivations)} derivations after pruning")
        for d, passages in derivations:
            print(f"  {label[d.source]} -> {label[d.derived]}: {d.kind} {d.direction} score {d.score}")
            print(f"     {d.evidence}")
            if args.show:
                texts = {a.id: a.text for a in articles}
                for p in passages:
                    if p.kind == "paraphrase":
                        print(f"     ~ {p.similarity:.2f} {texts[d.source][p.source_start:p.source_end][:90]!r}")
                        print(f"            {texts[d.derived][p.derived_start:p.derived_end][:90]!r}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=SHARED_BENCH)
    parser.add_argument("--limit", type=int, default=None, help="clean only the first N texts")
    parser.add_argument("--embedders", default="hashing,wordllama,minilm")
    parser.add_argument("--k", type=int, default=5, help="embedding neighbours per article")
    parser.add_argument("--cosine", type=float, default=0.8, help="article cosine for candidates")
    parser.add_argument("--examples", action="store_true", help="the example corpus instead")
    parser.add_argument("--show", action="store_true", help="print paraphrase passages")
    parser.add_argument("--show-wrong", type=int, default=0, metavar="N",
                        help="print N kept edges joining different gold stories (METER)")
    parser.add_argument("--show-direction", type=int, default=0, metavar="N",
                        help="print N kept wire-newspaper edges directed wrong or undetermined, "
                             "with each cue's signed weight (METER)")
    parser.add_argument("--cue-stats", action="store_true",
                        help="print how often each content cue fires on wire-newspaper edges and "
                             "how often it points at the wire (METER)")
    parser.add_argument("--folds", type=int, default=0, metavar="N",
                        help="score the pruning variants by N-fold story cross-validation (METER)")
    parser.add_argument("--cache", type=Path, default=None, metavar="DIR",
                        help="keep the alignments in DIR and reuse them on the next run")
    args = parser.parse_args(argv)
    args.embedders = args.embedders.split(",")
    run_examples(args) if args.examples else run_meter(args)


if __name__ == "__main__":
    main()
