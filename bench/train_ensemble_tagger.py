"""Choose the decodings of the ensemble technique tagger: src/crosscheck/data/propaganda_ensemble.npz.

The ensemble trains no network of its own: it averages the token probabilities of the taggers
already shipped (the fine-tuned MiniLM, ``bench/train_finetuned_tagger.py``; the head over
frozen MiniLM states, ``bench/train_contextual_tagger.py``; the hashed-feature tagger,
``bench/train_propaganda.py``) and chooses, per technique, which average decides
(:data:`crosscheck.assess.ensemble.SOURCES`) and the decoding (threshold, gap, extent, fewest
words), with the best out-of-fold span F-beta among those whose precision reaches the floor,
exactly as the other trainers do (``train_sequence_tagger.tune``).

Every tagger's probabilities on a training article come from a network fitted on the other
folds only (article ``i`` in fold ``i % k``, the folds of the other trainers): the fine-tuned
network's from ``train_finetuned_tagger.py --save-out-of-fold FILE`` (``--finetuned-oof``; the
shipped file's run, about 18 minutes on 2 cores), the contextual head's refitted here from the
cached encoder states (``bench/_contextual_cache.py``; its shipped settings: layer mean,
32 hidden units, L2 1, 4 epochs), the hashed tagger's from the cache the fine-tuned trainer
keeps. The per-fold figures are honest: each fold is decoded with choices tuned on the other
folds. ``--sources`` limits which averages may be chosen (to measure what each adds);
``--extents`` and ``--mean-extents`` which span shapes (token runs, clause or sentence grown from
a run, clause or sentence tagged by its words' mean); ``--clause-precision`` gives the
techniques annotated over clauses (median training span of 6 words or more) their own floors;
``--compare`` prints the ensemble's fold figures minus those of the fine-tuned and contextual
files' own choices, fold by fold. None of the span-shape variants won (docs/benchmarks.md).

Example:
    python bench/train_ensemble_tagger.py  # the shipped file
    python bench/train_ensemble_tagger.py --dry-run --compare
    python bench/train_ensemble_tagger.py --dry-run --extents 1 --min-precision 0.1 0.2
    python bench/train_ensemble_tagger.py --sources 0 2 --dry-run   # the fine-tuned file's choice
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import SHARED_BENCH, require_dataset  # noqa: E402
from framing import TARGETED, in_split, read_ptc, score  # noqa: E402
import train_sequence_tagger  # noqa: E402
from train_sequence_tagger import (THRESHOLDS, describe, fold_scores,  # noqa: E402
                                   predicted, print_chosen, rule_spans, tune)

from crosscheck.assess import ensemble, technique_tagger as tagger  # noqa: E402

CACHE = Path("/tmp/crosscheck-ensemble-cache")
FINETUNED_OOF = Path("/tmp/ft/run3_oof.npz")
#: Decodings that pool a clause's or sentence's words (``--mean-extents``).
MEAN_DECODINGS = tuple((t, 0, e, m) for e in (tagger.EXTENT_CLAUSE_MEAN, tagger.EXTENT_SENTENCE_MEAN)
                       for m in (1, 2) for t in THRESHOLDS)
#: The sources the two shipped MiniLM taggers may choose from, measured beside the ensemble.
BASELINES = {"fine-tuned": [0, 1, 2], "contextual": [3, 1]}
#: A technique whose training spans have at least this many words at the median is annotated
#: over clauses and sentences (doubt, fear, flag-waving: 9-18), not words (loaded language,
#: name calling: 3); ``--clause-precision`` gives those their own precision floor.
CLAUSE_WORDS = 6


def clause_level(docs, texts, gold) -> list[int]:
    """Columns of the techniques whose median training span has :data:`CLAUSE_WORDS` or more."""
    words = {t: [] for t in TARGETED}
    for doc in docs:
        for technique, start, end in gold.get(doc, []):
            if technique in words:
                words[technique].append(len(texts[doc][start:end].split()))
    return [c for c, t in enumerate(TARGETED) if words[t] and np.median(words[t]) >= CLAUSE_WORDS]


def composed(by_floor, floors) -> np.ndarray:
    """Per technique (column) the choice tuned under that technique's floor."""
    out = next(iter(by_floor.values())).copy()
    for column, floor in enumerate(floors):
        out[:, column] = by_floor[floor][:, column]
    return out


def floors_of(pair, clause_columns) -> list[float]:
    return [pair[1] if c in clause_columns else pair[0] for c in range(len(TARGETED))]


def paired_fold_scores(docs, gold, rows, probs, rules, *, folds: int, pairs, clause_columns,
                       beta: float):
    """As ``train_sequence_tagger.fold_scores``, for each (word floor, clause floor) pair:
    ``{pair: {technique|None: [(P, R, F1) per fold]}}``; each fold decoded with choices tuned on
    the other folds only."""
    floors = sorted({f for pair in pairs for f in pair})
    table = {pair: {} for pair in pairs}
    for fold in range(folds):
        others = [d for i, d in enumerate(docs) if i % folds != fold]
        mine = [d for i, d in enumerate(docs) if i % folds == fold]
        wanted = [(d, t, s, e) for d in mine for t, s, e in gold.get(d, [])]
        by_floor = tune(others, gold, rows, probs, rules, floors=floors, beta=beta)
        for pair in pairs:
            found = predicted(mine, rows, probs, rules,
                              composed(by_floor, floors_of(pair, clause_columns)))
            for technique in (None, *TARGETED):
                table[pair].setdefault(technique, []).append(score(found, wanted, technique)[:3])
    return table


def contextual_out_of_fold(docs, texts, gold, hashed, *, folds: int) -> dict[str, np.ndarray]:
    """The contextual head's token probabilities, each article's from a head fitted on the
    other folds (the shipped settings), kept under /tmp for the next run."""
    path = CACHE / f"contextual-{folds}-{len(docs)}.npz"
    if path.exists():
        with np.load(path) as data:
            return {d: data[d] for d in docs}
    from train_contextual_tagger import base_rows
    from train_sequence_tagger import WordTable, out_of_fold

    from crosscheck.assess import contextual

    base = {d: base_rows(texts[d], gold.get(d, [])) for d in docs}
    rows = {d: (r[0], np.hstack([contextual.mixed(r[1].astype(np.float32), "mean", r[0]), r[2],
                                 hashed[d]]), r[3]) for d, r in base.items()}
    del base
    probs = out_of_fold(docs, rows, WordTable(docs, rows), folds=folds, hidden=32, alpha=1.0,
                        epochs=4)
    CACHE.mkdir(parents=True, exist_ok=True)
    np.savez(path, **probs)
    return probs


def finetuned_out_of_fold(path: Path, docs, epoch: int) -> dict[str, np.ndarray]:
    if not path.exists():
        sys.exit(f"no out-of-fold probabilities of the fine-tuned tagger at {path}: run python "
                 f"bench/train_finetuned_tagger.py --dry-run --save-out-of-fold {path}")
    with np.load(path) as data:
        return {d: data[f"{epoch}/{d}"] for d in docs}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=SHARED_BENCH / "ptc")
    parser.add_argument("--folds", type=int, default=4)
    parser.add_argument("--finetuned-oof", type=Path, default=FINETUNED_OOF,
                        help="out-of-fold probabilities from train_finetuned_tagger.py")
    parser.add_argument("--finetuned-epoch", type=int, default=3,
                        help="the epoch of the shipped fine-tuned file")
    parser.add_argument("--sources", type=int, nargs="+", default=None,
                        help="averages that may be chosen (indices of ensemble.SOURCES)")
    parser.add_argument("--min-precision", type=float, nargs="+", default=[0.2, 0.3],
                        help="out-of-fold precision floors tried for word-level techniques")
    parser.add_argument("--clause-precision", type=float, nargs="*", default=[],
                        help="floors tried for clause-level ones (median span of 6 words or "
                             "more); none: the word-level floor for all")
    parser.add_argument("--beta", type=float, default=1.0)
    parser.add_argument("--mean-extents", action="store_true",
                        help="also try decodings that tag a clause or sentence by its mean")
    parser.add_argument("--extents", type=int, nargs="+", default=None,
                        help="try only decodings of these extents (0 tokens, 1 clause, "
                             "2 sentence, 3 clause mean, 4 sentence mean)")
    parser.add_argument("--compare", action="store_true",
                        help="also score the fine-tuned and contextual choices, fold by fold")
    parser.add_argument("--out", type=Path, default=ensemble.ENSEMBLE_MODEL_PATH)
    parser.add_argument("--dry-run", action="store_true", help="cross-validate, write nothing")
    args = parser.parse_args()
    texts, gold = read_ptc(require_dataset(args.data, name="ptc"))
    docs = [d for d in sorted(texts) if in_split(d, "train")]
    started = time.perf_counter()
    from train_finetuned_tagger import cached_hashed

    hashed = cached_hashed(docs, texts, gold, folds=args.folds)
    own = finetuned_out_of_fold(args.finetuned_oof, docs, args.finetuned_epoch)
    head = contextual_out_of_fold(docs, texts, gold, hashed, folds=args.folds)
    print(f"{len(docs)} training articles, out-of-fold probabilities in "
          f"{time.perf_counter() - started:.0f} s", flush=True)
    if args.mean_extents:
        train_sequence_tagger.DECODINGS += MEAN_DECODINGS
    if args.extents is not None:
        train_sequence_tagger.DECODINGS = tuple(
            d for d in train_sequence_tagger.DECODINGS + MEAN_DECODINGS if d[2] in args.extents)
    keep = args.sources if args.sources is not None else list(range(len(ensemble.SOURCES)))
    blocks = {d: ensemble.source_blocks(own[d], head[d], 1 / (1 + np.exp(-hashed[d])))
              for d in docs}
    probs = {d: np.hstack([blocks[d][k] for k in keep]) for d in docs}
    rows = {d: (tagger.tokenize(texts[d]), None, None) for d in docs}
    rules = rule_spans(docs, texts)
    clause_columns = clause_level(docs, texts, gold)
    print("clause-level techniques: " + ", ".join(TARGETED[c] for c in clause_columns))
    pairs = [(w, c) for w in args.min_precision for c in (args.clause_precision or [w])]
    results = []
    for pair, by_fold in paired_fold_scores(docs, gold, rows, probs, rules, folds=args.folds,
                                            pairs=pairs, clause_columns=clause_columns,
                                            beta=args.beta).items():
        print(f"sources {keep} precision floor {pair[0]:g}, clause-level {pair[1]:g}: "
              f"{args.folds}-fold P R F1 (mean±sd) {describe(by_fold[None])}", flush=True)
        results.append((float(np.mean([f for _, _, f in by_fold[None]])), pair, by_fold))
    _, pair, by_fold = max(results, key=lambda r: r[0])
    print_chosen(f"sources {keep} precision floor {pair[0]:g}, clause-level {pair[1]:g}",
                 by_fold, args.folds)
    if args.compare:
        compare(docs, gold, rows, blocks, rules, by_fold[None], args)
    floors = floors_of(pair, clause_columns)
    chosen = composed(tune(docs, gold, rows, probs, rules, floors=sorted(set(floors)),
                           beta=args.beta), floors)
    chosen[4] = np.array(keep)[chosen[4].astype(np.int64)]
    wanted = [(d, t, s, e) for d in docs for t, s, e in gold.get(d, [])]
    rule_precision = np.array([score(rules, wanted, t)[0] for t in TARGETED], dtype=np.float32)
    for column, technique in enumerate(TARGETED):
        print(f"  decoding {technique:38} threshold {chosen[0, column]:.2f} gap "
              f"{int(chosen[1, column])} extent {int(chosen[2, column])} min words "
              f"{int(chosen[3, column])} source {ensemble.SOURCES[int(chosen[4, column])]}")
    if args.dry_run:
        return
    ensemble.save_ensemble_model(args.out, ensemble.EnsembleModel(
        TARGETED, chosen[0], chosen[1].astype(np.int64), chosen[2].astype(np.int64),
        chosen[3].astype(np.int64), chosen[4].astype(np.int64), rule_precision))
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e3:.1f} kB)")


def compare(docs, gold, rows, blocks, rules, ensemble_folds, args) -> None:
    """Per fold P and F1 of the chosen ensemble minus those of each shipped MiniLM tagger's own
    choice of sources (its shipped floor, 0.2, for every technique): paired on the same articles."""
    mine = np.array(ensemble_folds)
    for name, sources in BASELINES.items():
        probs = {d: np.hstack([blocks[d][k] for k in sources]) for d in docs}
        by_fold = fold_scores(docs, gold, rows, probs, rules, folds=args.folds, floors=[0.2],
                              beta=args.beta)[0.2][None]
        gain = mine - np.array(by_fold)
        print(f"  {name} (sources {sources}, floor 0.2): {describe(by_fold)}; ensemble minus "
              f"{name}, per fold: P {gain[:, 0].mean():+.3f}±{gain[:, 0].std():.3f} F1 "
              f"{gain[:, 2].mean():+.3f}±{gain[:, 2].std():.3f} (higher in "
              f"{int((gain[:, 2] > 0).sum())} of {len(gain)})", flush=True)


if __name__ == "__main__":
    main()
