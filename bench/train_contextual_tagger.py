"""Train the contextual technique tagger shipped in src/crosscheck/data/propaganda_contextual.npz.

A small token head over a frozen contextual encoder: all-MiniLM-L6-v2 (the ``embeddings``
extra, ``crosscheck.assess.contextual``) reads each article in overlapping windows of
wordpieces; each tagger token gets its hidden states (the last layer, or the mean of layers
4-6: ``--mix``), beside the lexical features of ``crosscheck.assess.sequence_tagger``, the
hashed-feature tagger's scores (out of fold) and the word table's log-odds, as the sequence
tagger of ``bench/train_sequence_tagger.py`` (whose fitting, tuning and scoring this script
reuses). One ReLU hidden layer, one sigmoid per SemEval-2020 Task 11 technique. Trained on the
even-id half of PTC (``../shared/bench/ptc``) only; ``bench/framing.py`` scores the odd-id half
as held out.

Every setting is chosen by k-fold cross-validation across articles (article ``i`` in fold
``i % k``): the layer mix, hidden units and L2 strength by mean out-of-fold F1; then, per
technique, whose probabilities decide (the head's or the hashed tagger's) and the decoding
(threshold, gap, extent, fewest words) with the best out-of-fold span F-beta among those whose
precision reaches ``--min-precision`` (several floors may be given: the one with the best mean
fold F1 is kept). Per fold figures are honest: each fold is decoded with settings tuned on the
other folds only. The encoder's outputs are cached per article under /tmp
(``bench/_contextual_cache.py``). Deterministic (one thread, fixed seeds): same data, same file.

Example:
    python bench/train_contextual_tagger.py
    python bench/train_contextual_tagger.py --folds 3 --mix last --limit 60 --dry-run
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # byte-identical weights on every machine
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import SHARED_BENCH, require_dataset  # noqa: E402
from _contextual_cache import cached_states  # noqa: E402
from framing import TARGETED, in_split, read_ptc  # noqa: E402
from train_sequence_tagger import (WordTable, describe, fold_scores,  # noqa: E402
                                   hashed_out_of_fold, out_of_fold, print_chosen, rule_spans,
                                   tune, write_model)

from crosscheck.assess import contextual, propaganda, technique_tagger as tagger  # noqa: E402
from crosscheck.assess.sequence_tagger import CONTEXTUAL_MODEL_PATH  # noqa: E402


def base_rows(text: str, spans):
    """Tokens, cached encoder states ``(n, layers, D)``, lexical features, 0/1 labels."""
    import torch

    torch.set_num_threads(1)
    tokens = tagger.tokenize(text)
    states = cached_states(text, tokens)
    lexical = contextual.lexical_features(tokens, propaganda.lexicon_marks(text, tokens))
    middle = (tokens.starts + tokens.ends) / 2
    labels = np.zeros((len(tokens.words), len(TARGETED)), dtype=np.int8)
    for technique, start, end in spans:
        if technique in TARGETED:
            labels[(middle >= start) & (middle < end), TARGETED.index(technique)] = 1
    return tokens, states.astype(np.float16), lexical, labels


def print_token_auc(docs, rows, probs, label: str) -> None:
    """Out-of-fold token ROC AUC per technique: the head's beside the hashed tagger's."""
    from sklearn.metrics import roc_auc_score

    labels = np.vstack([rows[d][2] for d in docs])
    stacked = np.vstack([probs[d] for d in docs])
    cells = []
    for column, technique in enumerate(TARGETED):
        if 0 < labels[:, column].sum() < len(labels):
            head = roc_auc_score(labels[:, column], stacked[:, column])
            hashed = roc_auc_score(labels[:, column], stacked[:, column + len(TARGETED)])
            cells.append(f"{technique[:14]} {head:.3f}/{hashed:.3f}")
    print(f"  {label}: token AUC head/hashed, out of fold: " + "; ".join(cells), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=SHARED_BENCH / "ptc")
    parser.add_argument("--folds", type=int, default=4)
    parser.add_argument("--mix", nargs="+", default=["mean", "mean+context"],
                        choices=contextual.MIXES, help="encoder layer mixes tried")
    parser.add_argument("--hidden", type=int, nargs="+", default=[32])
    parser.add_argument("--alpha", type=float, nargs="+", default=[1.0])
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--min-precision", type=float, nargs="+", default=[0.1, 0.2, 0.3],
                        help="out-of-fold precision floors a technique's spans must reach")
    parser.add_argument("--beta", type=float, default=1.0)
    parser.add_argument("--limit", type=int, default=None, help="train on at most N articles")
    parser.add_argument("--out", type=Path, default=CONTEXTUAL_MODEL_PATH)
    parser.add_argument("--dry-run", action="store_true", help="cross-validate, write nothing")
    args = parser.parse_args()
    texts, gold = read_ptc(require_dataset(args.data, name="ptc"))
    docs = [d for d in sorted(texts) if in_split(d, "train")][: args.limit]
    started = time.perf_counter()
    base = {d: base_rows(texts[d], gold.get(d, [])) for d in docs}
    print(f"{len(docs)} training articles, {sum(len(r[0].words) for r in base.values()):,} "
          f"tokens, encoder states in {time.perf_counter() - started:.1f} s", flush=True)
    scores = hashed_out_of_fold(docs, texts, gold, folds=args.folds)
    rules = rule_spans(docs, texts)
    results = []
    for mix in args.mix:
        rows = {d: (r[0], np.hstack([contextual.mixed(r[1].astype(np.float32), mix, r[0]), r[2],
                                     scores[d]]), r[3]) for d, r in base.items()}
        table = WordTable(docs, rows)
        for hidden in args.hidden:
            for alpha in args.alpha:
                probs = out_of_fold(docs, rows, table, folds=args.folds, hidden=hidden,
                                    alpha=alpha, epochs=args.epochs)
                probs = {d: np.hstack([p, 1 / (1 + np.exp(-scores[d]))])
                         for d, p in probs.items()}
                print_token_auc(docs, rows, probs, f"mix {mix} hidden {hidden} alpha {alpha:g}")
                tables = fold_scores(docs, gold, rows, probs, rules, folds=args.folds,
                                     floors=args.min_precision, beta=args.beta)
                for floor, by_fold in tables.items():
                    print(f"mix {mix} hidden {hidden} alpha {alpha:g} precision floor {floor:g}:"
                          f" {args.folds}-fold P R F1 (mean±sd) {describe(by_fold[None])}",
                          flush=True)
                    results.append((float(np.mean([f for _, _, f in by_fold[None]])), mix,
                                    hidden, alpha, floor, probs, by_fold, rows, table))
        del rows
    _, mix, hidden, alpha, floor, probs, by_fold, rows, table = max(results, key=lambda r: r[0])
    print_chosen(f"mix {mix} hidden {hidden} alpha {alpha:g} precision floor {floor:g}", by_fold,
                 args.folds)
    chosen = tune(docs, gold, rows, probs, rules, floors=[floor], beta=args.beta)[floor]
    write_model(args.out, docs=docs, gold=gold, rows=rows, rules=rules, chosen=chosen,
                table=table, hidden=hidden, alpha=alpha, epochs=args.epochs, stacked=True,
                dry_run=args.dry_run, encoder=np.array(mix))


if __name__ == "__main__":
    main()
