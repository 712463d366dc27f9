"""Train the learned sequence tagger shipped in src/crosscheck/data/propaganda_sequence.npz.

A two-layer network (one ReLU hidden layer, one sigmoid output per SemEval-2020 Task 11
technique; scikit-learn's MLPClassifier, Adam, fixed seed) over the token features of
``crosscheck.assess.sequence_tagger`` (word vectors, context means, lexical features, the word
table's log-odds; with ``--stacked``, the default, also the scores of the hashed-feature tagger,
taken out of fold), trained on the even-id half of PTC (``../shared/bench/ptc``) only;
``bench/framing.py`` scores the odd-id half as held out. A token is positive for a technique
when its middle falls inside a gold span.

Settings are chosen by k-fold cross-validation across articles (article ``i`` is in fold
``i % k``): for each network setting (hidden units, L2 strength) every article gets
probabilities from a network that never saw it (and a word table without its counts); then,
per technique, whose probabilities decide (the network's, or with ``--stacked`` the hashed
tagger's own out-of-fold ones, where they do better for that technique) and the decoding (threshold, gap, extent, fewest words) whose spans, with the rule
spans, have the best out-of-fold span F-beta (``--beta``) among those whose out-of-fold
precision reaches ``--min-precision`` (none: the technique's tagger is off). The figures printed
per fold are honest: each fold is decoded with settings tuned on the other folds only. The
network setting with the best mean fold F1 is then fitted on the whole training half.
Deterministic (one BLAS thread, fixed seeds): same data, same file.

Example:
    python bench/train_sequence_tagger.py
    python bench/train_sequence_tagger.py --folds 3 --hidden 16 --alpha 1 --limit 60 --dry-run
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # byte-identical weights on every machine
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.neural_network import MLPClassifier  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import SHARED_BENCH, require_dataset  # noqa: E402
from framing import TARGETED, in_split, read_ptc, score  # noqa: E402
from train_propaganda import apart_from_rules as apart, merged_spans as merged  # noqa: E402

from crosscheck.assess import propaganda, sequence_tagger, technique_tagger as tagger  # noqa: E402

SEED = 11
THRESHOLDS = (0.03, 0.05, 0.07, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7, 0.8, 0.9)
DECODINGS = tuple((t, g, e, m) for e, gaps in ((tagger.EXTENT_TOKENS, (0, 1, 2)),
                                             (tagger.EXTENT_CLAUSE, (0,)),
                                             (tagger.EXTENT_SENTENCE, (0,)))
                  for g in gaps for m in (1, 2) for t in THRESHOLDS)
OFF = (1.01, 0, 0, 1)
#: A word's rate leans to its technique's base rate until it has been used about this often.
SMOOTHING = 10.0
#: Words used in fewer training articles are that story's topic, not a technique's words.
MIN_ARTICLES = 3


def article_rows(text: str, spans: list[tuple[str, int, int]]):
    """Tokens, ``(n, D)`` features and ``(n, T)`` 0/1 labels of one article."""
    tokens, features = propaganda.sequence_inputs(text)
    middle = (tokens.starts + tokens.ends) / 2
    labels = np.zeros((len(tokens.words), len(TARGETED)), dtype=np.int8)
    for technique, start, end in spans:
        if technique in TARGETED:
            labels[(middle >= start) & (middle < end), TARGETED.index(technique)] = 1
    return tokens, features, labels


class WordTable:
    """Per-technique counts of the words of the training articles: how often each word lies
    inside a gold span, how often it is used, in how many articles."""

    def __init__(self, docs, rows):
        self.vocabulary = sorted({w.lower() for d in docs for w in rows[d][0].words})
        index = {w: i for i, w in enumerate(self.vocabulary)}
        self.ids, self.counts = {}, {}
        for doc in docs:
            ids = np.array([index[w.lower()] for w in rows[doc][0].words], dtype=np.int64)
            inside = np.zeros((len(index), len(TARGETED) + 1), dtype=np.float64)
            np.add.at(inside, ids, np.hstack([rows[doc][2], np.ones((len(ids), 1))]))
            used = np.flatnonzero(inside[:, -1])
            self.ids[doc], self.counts[doc] = ids, (used, inside[used])

    def log_odds(self, docs, leave_out=None) -> np.ndarray:
        """``(V, T)`` smoothed log-odds against each technique's base rate, from ``docs``
        less ``leave_out``; 0 for a word used in fewer than ``MIN_ARTICLES`` of them."""
        total = np.zeros((len(self.vocabulary), len(TARGETED) + 1))
        articles = np.zeros(len(self.vocabulary))
        for doc in docs:
            if doc != leave_out:
                used, counts = self.counts[doc]
                total[used] += counts
                articles[used] += 1
        prior = total[:, :-1].sum(axis=0) / max(total[:, -1].sum(), 1)
        rate = (total[:, :-1] + SMOOTHING * prior) / (total[:, -1:] + SMOOTHING)
        odds = np.log(rate + 1e-3) - np.log(prior + 1e-3)
        odds[articles < MIN_ARTICLES] = 0.0
        return odds.astype(np.float32)

    def features(self, doc, rows, odds) -> np.ndarray:
        rates = odds[self.ids[doc]]
        return np.hstack([rows[doc][1], sequence_tagger.rate_features(rows[doc][0], rates)])

    def training_features(self, docs, rows) -> np.ndarray:
        """Each article's features with the word counts of the other articles only."""
        return np.vstack([self.features(d, rows, self.log_odds(docs, leave_out=d))
                          for d in docs])


def hashed_out_of_fold(docs, texts, gold, *, folds: int) -> dict[str, np.ndarray]:
    """Per article ``(n, T)`` scores of the hashed-feature tagger (``bench/train_propaganda.py``,
    its settings) fitted on the other folds only: the sequence network learns how far to trust
    them from scores on articles they never saw, as the shipped hashed model's scores will be."""
    import train_propaganda as hashed

    hashed_rows = {d: hashed.article_rows(texts[d], gold.get(d, [])) for d in docs}
    scores = {}
    for fold in range(folds):
        train = [d for i, d in enumerate(docs) if i % folds != fold]
        weights, bias = hashed.fit_columns(*hashed._stacked(hashed_rows, train), alpha=1e-4)
        for doc in (d for i, d in enumerate(docs) if i % folds == fold):
            scores[doc] = np.clip(hashed_rows[doc][1] @ weights + bias, -15, 15).astype(np.float32)
        print(f"  hashed tagger: fold {fold + 1}/{folds} fitted", flush=True)
    return scores


def fit(features, labels, *, hidden: int, alpha: float, epochs: int):
    """The fitted network with the input scaling folded into its first layer."""
    mean, scale = features.mean(axis=0), features.std(axis=0) + 1e-3
    network = MLPClassifier(hidden_layer_sizes=(hidden,), alpha=alpha, batch_size=256,
                            learning_rate_init=1e-3, max_iter=epochs, random_state=SEED,
                            shuffle=True, tol=0.0, n_iter_no_change=epochs + 1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        network.fit((features - mean) / scale, labels)
    first, second = network.coefs_
    hidden_w = (first / scale[:, None]).astype(np.float32)
    hidden_b = (network.intercepts_[0] - (mean / scale) @ first).astype(np.float32)
    return hidden_w, hidden_b, second.astype(np.float32), network.intercepts_[1].astype(np.float32)


def probabilities(weights, features):
    model = sequence_tagger.SequenceModel(TARGETED, *weights, *([np.zeros(0)] * 5), {},
                                          np.zeros(0))
    return sequence_tagger.sequence_probabilities(model, features)


def out_of_fold(docs, rows, table, *, folds: int, hidden: int, alpha: float, epochs: int):
    probs = {}
    for fold in range(folds):
        train = [d for i, d in enumerate(docs) if i % folds != fold]
        weights = fit(table.training_features(train, rows),
                      np.vstack([rows[d][2] for d in train]),
                      hidden=hidden, alpha=alpha, epochs=epochs)
        odds = table.log_odds(train)
        for doc in (d for i, d in enumerate(docs) if i % folds == fold):
            probs[doc] = probabilities(weights, table.features(doc, rows, odds))
        print(f"  hidden {hidden} alpha {alpha:g}: fold {fold + 1}/{folds} fitted", flush=True)
    return probs


def spans_of(docs, rows, probs, column, decoding):
    threshold, gap, extent, least = decoding
    found = []
    for doc in docs:
        tokens = rows[doc][0]
        found.extend((doc, TARGETED[column % len(TARGETED)], int(tokens.starts[a]),
                      int(tokens.ends[b]))
                     for a, b, _ in tagger.decode(probs[doc][:, column], tokens,
                                                  threshold=threshold, gap=gap, extent=extent,
                                                  min_words=least))
    return found


def rule_spans(docs, texts):
    """Lexicon (hand rows only: the PTC-counted rows were learned from these articles) and
    phrase-rule spans, as ``detect_techniques`` emits them without the tagger."""
    hand = tuple(t for t in propaganda.load_lexicon() if t.source == "hand")
    return [(d, h.technique, h.start, h.end) for d in docs
            for h in propaganda.detect_techniques(texts[d], lexicon=hand, model=False)]


def f_beta(precision: float, recall: float, beta: float) -> float:
    weight = beta * beta
    return (1 + weight) * precision * recall / (weight * precision + recall) if precision else 0.0


def tune(docs, gold, rows, probs, rules, *, floors, beta: float) -> dict[float, np.ndarray]:
    """Per precision floor, ``(5, T)``: per technique the probabilities (row 4: which block of
    ``probs``' columns, when it holds several side by side: the network's, the hashed
    tagger's, ...) and the decoding whose spans, with the rule spans of ``docs`` (tagger spans
    only where no rule span of the technique lies, as ``detect_techniques``), have the best
    span F-beta among those with precision at least the floor (none better than the rules
    alone: :data:`OFF`). Every decoding is scored once for all floors."""
    wanted = [(d, t, s, e) for d in docs for t, s, e in gold.get(d, [])]
    mine = set(docs)
    chosen = {f: np.array([(*OFF, 0)] * len(TARGETED), dtype=np.float32).T.copy() for f in floors}
    best = {}
    sources = probs[docs[0]].shape[1] // len(TARGETED)
    for column, technique in enumerate(TARGETED):
        fixed = [r for r in rules if r[1] == technique and r[0] in mine]
        precision, recall, *_ = score(fixed, wanted, technique)
        for f in floors:
            best[f] = f_beta(precision, recall, beta) if precision >= f else 0.0
        for source in range(sources):
            for decoding in DECODINGS:
                found = spans_of(docs, rows, probs, column + source * len(TARGETED), decoding)
                if not found:
                    break  # higher thresholds find nothing either
                precision, recall, *_ = score(merged(fixed + apart(found, fixed)), wanted,
                                              technique)
                value = f_beta(precision, recall, beta)
                for f in floors:
                    if precision >= f and value > best[f]:
                        best[f], chosen[f][:, column] = value, (*decoding, source)
    return chosen


def predicted(docs, rows, probs, rules, chosen):
    mine = set(docs)
    found = []
    for column, technique in enumerate(TARGETED):
        fixed = [r for r in rules if r[1] == technique and r[0] in mine]
        source = int(chosen[4, column]) * len(TARGETED)
        found += merged(fixed + apart(spans_of(docs, rows, probs, column + source,
                                               tuple(chosen[:4, column])), fixed))
    return found


def fold_scores(docs, gold, rows, probs, rules, *, folds: int, floors, beta: float):
    """Per floor and fold: decoding tuned on the other folds' out-of-fold probabilities, scored
    on this fold (rules and tagger, as shipped); ``{floor: {technique|None: [(P, R, F1)]}}``."""
    table: dict[float, dict[str | None, list]] = {f: {} for f in floors}
    for fold in range(folds):
        others = [d for i, d in enumerate(docs) if i % folds != fold]
        mine = [d for i, d in enumerate(docs) if i % folds == fold]
        wanted = [(d, t, s, e) for d in mine for t, s, e in gold.get(d, [])]
        for floor, chosen in tune(others, gold, rows, probs, rules, floors=floors,
                                  beta=beta).items():
            found = predicted(mine, rows, probs, rules, chosen)
            for technique in (None, *TARGETED):
                table[floor].setdefault(technique, []).append(score(found, wanted, technique)[:3])
    return table


def describe(values) -> str:
    values = np.array(values)
    return " ".join(f"{values[:, i].mean():.3f}±{values[:, i].std():.3f}" for i in range(3))


def print_chosen(setting: str, by_fold, folds: int) -> None:
    """The chosen setting's out-of-fold P R F1, per technique and overall."""
    print(f"\nchosen: {setting}; per technique, {folds}-fold P R F1 (mean±sd; each fold decoded "
          f"with settings tuned on the others)")
    for technique in TARGETED:
        print(f"  {technique:38} {describe(by_fold[technique])}")
    print(f"  {'overall':38} {describe(by_fold[None])}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=SHARED_BENCH / "ptc")
    parser.add_argument("--folds", type=int, default=4)
    parser.add_argument("--hidden", type=int, nargs="+", default=[32],
                        help="hidden units tried (cross-validated)")
    parser.add_argument("--alpha", type=float, nargs="+", default=[0.3, 1.0],
                        help="L2 strengths tried (cross-validated)")
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--min-precision", type=float, default=0.1,
                        help="out-of-fold precision a technique's spans must reach to be shown")
    parser.add_argument("--beta", type=float, default=1.0,
                        help="F-beta the decoding maximises (below 1 favours precision)")
    parser.add_argument("--stacked", action=argparse.BooleanOptionalAction, default=True,
                        help="also feed the hashed-feature tagger's scores to the network")
    parser.add_argument("--limit", type=int, default=None, help="train on at most N articles")
    parser.add_argument("--out", type=Path, default=sequence_tagger.SEQUENCE_MODEL_PATH)
    parser.add_argument("--dry-run", action="store_true", help="cross-validate, write nothing")
    args = parser.parse_args()
    texts, gold = read_ptc(require_dataset(args.data, name="ptc"))
    docs = [d for d in sorted(texts) if in_split(d, "train")][: args.limit]
    started = time.perf_counter()
    rows = {d: article_rows(texts[d], gold.get(d, [])) for d in docs}
    if args.stacked:
        scores = hashed_out_of_fold(docs, texts, gold, folds=args.folds)
        rows = {d: (r[0], np.hstack([r[1], scores[d]]), r[2]) for d, r in rows.items()}
    print(f"{len(docs)} training articles, {sum(len(r[0].words) for r in rows.values()):,} tokens,"
          f" features in {time.perf_counter() - started:.1f} s", flush=True)
    rules = rule_spans(docs, texts)
    table = WordTable(docs, rows)
    results = []
    for hidden in args.hidden:
        for alpha in args.alpha:
            probs = out_of_fold(docs, rows, table, folds=args.folds, hidden=hidden, alpha=alpha,
                                epochs=args.epochs)
            if args.stacked:  # per technique, CV may keep the hashed tagger's own probabilities
                probs = {d: np.hstack([p, 1 / (1 + np.exp(-scores[d]))]) for d, p in probs.items()}
            by_fold = fold_scores(docs, gold, rows, probs, rules, folds=args.folds,
                                  floors=[args.min_precision], beta=args.beta)[args.min_precision]
            print(f"hidden {hidden} alpha {alpha:g}: {args.folds}-fold P R F1 (mean±sd) "
                  f"{describe(by_fold[None])}", flush=True)
            results.append((float(np.mean([f for _, _, f in by_fold[None]])), hidden, alpha,
                            probs, by_fold))
    _, hidden, alpha, probs, by_fold = max(results, key=lambda r: r[0])
    print_chosen(f"hidden {hidden} alpha {alpha:g}", by_fold, args.folds)
    chosen = tune(docs, gold, rows, probs, rules, floors=[args.min_precision],
                  beta=args.beta)[args.min_precision]
    write_model(args.out, docs=docs, gold=gold, rows=rows, rules=rules, chosen=chosen,
                table=table, hidden=hidden, alpha=alpha, epochs=args.epochs,
                stacked=args.stacked, dry_run=args.dry_run)


def write_model(out: Path, *, docs, gold, rows, rules, chosen, table, hidden: int, alpha: float,
                epochs: int, stacked: bool, dry_run: bool, **extra: np.ndarray) -> None:
    """Print the chosen decodings, then (unless ``dry_run``) fit the network on every training
    article and write it with its decodings and word table to ``out``; ``extra`` arrays are
    written after them (the contextual tagger's encoder mix)."""
    wanted = [(d, t, s, e) for d in docs for t, s, e in gold.get(d, [])]
    rule_precision = np.array([score(rules, wanted, t)[0] for t in TARGETED], dtype=np.float32)
    for column, technique in enumerate(TARGETED):
        print(f"  decoding {technique:38} threshold {chosen[0, column]:.2f} gap "
              f"{int(chosen[1, column])} extent {int(chosen[2, column])} min words "
              f"{int(chosen[3, column])} source {int(chosen[4, column])}; rule precision "
              f"{rule_precision[column]:.2f}")
    if dry_run:
        return
    weights = fit(table.training_features(docs, rows), np.vstack([rows[d][2] for d in docs]),
                  hidden=hidden, alpha=alpha, epochs=epochs)
    odds = table.log_odds(docs)
    known = np.flatnonzero(np.abs(odds).sum(axis=1) > 0)
    thresholds, gaps, extents, min_words, sources = chosen
    np.savez_compressed(out, techniques=np.array(TARGETED),
                        hidden=weights[0].astype(np.float16), hidden_bias=weights[1],
                        output=weights[2].astype(np.float16), output_bias=weights[3],
                        thresholds=thresholds, gaps=gaps.astype(np.int64),
                        extents=extents.astype(np.int64), min_words=min_words.astype(np.int64),
                        rule_precision=rule_precision, stacked=np.array(stacked),
                        sources=sources.astype(np.int64),
                        vocabulary=np.array(table.vocabulary)[known],
                        rates=odds[known].astype(np.float16), **extra)
    print(f"wrote {out} ({out.stat().st_size / 1e3:.0f} kB)")


if __name__ == "__main__":
    main()
