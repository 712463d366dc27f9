"""Train the propaganda token tagger shipped in src/crosscheck/data/propaganda_model.npz.

One L2-regularised logistic regression per SemEval-2020 Task 11 technique (averaged SGD) over the hashed token features of
``crosscheck.assess.technique_tagger`` (built by ``propaganda.tagger_inputs``), trained on the
even-id half of PTC (``../shared/bench/ptc``); the odd-id half is never read here, so
``bench/framing.py`` scores it as held out. A token is positive when its middle falls inside a
gold span of the technique. Thresholds and the gap bridged inside a span are chosen per
technique by k-fold cross-validation by article, maximising the out-of-fold SemEval span F1 of
the tagger's spans together with the lexicon and rule spans (as ``detect_techniques`` emits
them); likewise how far a span reaches (its tokens, clause or sentence) and how many words a run
needs. Then each technique is fitted on the whole training half; weights are stored as float16.
Deterministic: same data, same file.

Example:
    python bench/train_propaganda.py
    python bench/train_propaganda.py --folds 3 --alpha 3e-4 --limit 60 --dry-run
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.linear_model import SGDClassifier

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import SHARED_BENCH, require_dataset  # noqa: E402
from framing import TARGETED, in_split, read_ptc, score  # noqa: E402

from crosscheck.assess import propaganda, technique_tagger as tagger  # noqa: E402

SEED = 11
THRESHOLDS = (0.01, 0.02, 0.03, 0.04, 0.06, 0.08, 0.1, 0.13, 0.16, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6, 0.7, 0.8)
GAPS = (0, 1, 2)
EXTENTS = (tagger.EXTENT_TOKENS, tagger.EXTENT_CLAUSE, tagger.EXTENT_SENTENCE)
MIN_WORDS = (1, 2)


def article_rows(text: str, spans: list[tuple[str, int, int]]):
    """The article's sparse feature rows and its ``(n_tokens, T)`` 0/1 labels."""
    tokens, (fixed, bags, sentence, vectors) = propaganda.tagger_inputs(text)
    n = len(tokens.words)
    indices, data, indptr = [], [], [0]
    for row in range(n):
        bag = bags[sentence[row]]
        indices.append(np.concatenate([fixed[row], bag]))
        data.append(np.concatenate([np.ones(fixed.shape[1]), np.full(len(bag), 1 / np.sqrt(len(bag)))]))
        indptr.append(indptr[-1] + fixed.shape[1] + len(bag))
    middle = (tokens.starts + tokens.ends) / 2
    labels = np.zeros((n, len(TARGETED)), dtype=np.int8)
    for technique, start, end in spans:
        if technique in TARGETED:
            labels[(middle >= start) & (middle < end), TARGETED.index(technique)] = 1
    matrix = csr_matrix((np.concatenate(data), np.concatenate(indices), indptr),
                        shape=(n, 1 << tagger.N_BITS))
    matrix.sum_duplicates()
    matrix = hstack([matrix, csr_matrix(tagger.context_vectors(vectors, tokens))], format="csr")
    return tokens, matrix, labels


def fit_columns(matrix, labels, *, alpha: float, epochs: int = 12) -> tuple[np.ndarray, np.ndarray]:
    """Weights ``(features, T)`` and biases: one L2 logistic regression per technique, fitted by
    averaged stochastic gradient descent (fixed seed); a technique with too few positive tokens
    keeps a bias that never fires."""
    weights = np.zeros((matrix.shape[1], labels.shape[1]), dtype=np.float32)
    bias = np.full(labels.shape[1], -10.0, dtype=np.float32)
    for column in range(labels.shape[1]):
        if labels[:, column].sum() >= 5:
            fitted = SGDClassifier(loss="log_loss", alpha=alpha, max_iter=epochs, tol=None,
                                   average=True, random_state=SEED).fit(matrix, labels[:, column])
            weights[:, column] = fitted.coef_[0]
            bias[column] = fitted.intercept_[0]
    return weights, bias


def out_of_fold(docs, rows, *, folds: int, alpha: float) -> dict[str, np.ndarray]:
    """Per-article token probabilities, each from a model that did not see the article."""
    probs = {}
    for fold in range(folds):
        train = [d for i, d in enumerate(docs) if i % folds != fold]
        weights, bias = fit_columns(*_stacked(rows, train), alpha=alpha)
        for doc in (d for i, d in enumerate(docs) if i % folds == fold):
            probs[doc] = 1 / (1 + np.exp(-(rows[doc][1] @ weights + bias)))
        print(f"  fold {fold + 1}/{folds} done", flush=True)
    return probs


def _stacked(rows, docs):
    from scipy.sparse import vstack
    return vstack([rows[d][1] for d in docs]).tocsr(), np.vstack([rows[d][2] for d in docs])


def decodings():
    """The ``(threshold, gap, extent, min_words)`` tried per technique: a gap matters only for
    token runs (a clause or sentence takes in the gaps anyway)."""
    for extent in EXTENTS:
        for gap in (GAPS if extent == tagger.EXTENT_TOKENS else (0,)):
            for least in MIN_WORDS:
                for threshold in THRESHOLDS:
                    yield threshold, gap, extent, least


def tune(docs, texts, gold, rows, probs, *, min_precision: float,
         ) -> tuple[np.ndarray, ...]:
    """Per technique, the decoding (threshold, gap, extent, fewest words) with the best
    out-of-fold span F1 (rules included) among those with out-of-fold precision at least
    ``min_precision`` (none: tagger off)."""
    # Only the hand-written lexicon: rows counted from this half would look better than they are.
    hand = tuple(t for t in propaganda.load_lexicon() if t.source == "hand")
    rule_spans = [(d, h.technique, h.start, h.end) for d in docs
                  for h in propaganda.detect_techniques(texts[d], lexicon=hand, model=False)]
    wanted = [(d, t, s, e) for d in docs for t, s, e in gold.get(d, [])]
    chosen = np.zeros((4, len(TARGETED)), dtype=np.float32)
    report = []
    for column, technique in enumerate(TARGETED):
        rules = [p for p in rule_spans if p[1] == technique]
        best = (score(rules, wanted, technique)[2], (1.01, 0, 0, 1))
        for decoding in decodings():
            predicted = rules + apart_from_rules(_model_spans(docs, rows, probs, column, decoding), rules)
            precision, _, f1, _, _ = score(merged_spans(predicted), wanted, technique)
            if precision < min_precision:
                continue  # too many spans: they would drag down the pooled score
            if f1 > best[0]:  # ties keep the earlier: the tagger off, then simpler decodings
                best = (f1, decoding)
        chosen[:, column] = best[1]
        report.append(f"{technique:38} rules-only F1 {score(rules, wanted, technique)[2]:.3f}  "
                      f"with tagger {best[0]:.3f}  threshold {best[1][0]:.2f} gap {best[1][1]}"
                      f" extent {best[1][2]} min words {best[1][3]}")
    thresholds, gaps, extents, min_words = chosen
    return (thresholds, gaps.astype(np.int64), extents.astype(np.int64),
            min_words.astype(np.int64), report)


def _model_spans(docs, rows, probs, column, decoding):
    threshold, gap, extent, least = decoding
    found = []
    for doc in docs:
        tokens = rows[doc][0]
        found.extend((doc, TARGETED[column], int(tokens.starts[a]), int(tokens.ends[b]))
                     for a, b, _ in tagger.decode(probs[doc][:, column], tokens,
                                                  threshold=threshold, gap=gap, extent=extent,
                                                  min_words=least))
    return found


def apart_from_rules(model_spans, rules):
    """Model spans that overlap no rule span of their article (as ``propaganda.tagger_only``)."""
    by_doc = {}
    for doc, _, s, e in rules:
        by_doc.setdefault(doc, []).append((s, e))
    return [(d, t, s, e) for d, t, s, e in model_spans
            if not any(rs < e and s < re_ for rs, re_ in by_doc.get(d, ()))]


def merged_spans(predicted):
    """Overlapping spans of one technique in one article become one (as detect_techniques)."""
    out = []
    for doc, tech, s, e in sorted(predicted):
        if out and out[-1][0] == doc and out[-1][1] == tech and s < out[-1][3]:
            out[-1] = (doc, tech, out[-1][2], max(e, out[-1][3]))
        else:
            out.append((doc, tech, s, e))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=SHARED_BENCH / "ptc")
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--alpha", type=float, default=1e-4, help="L2 strength")
    parser.add_argument("--min-precision", type=float, default=0.1,
                        help="out-of-fold precision a technique's tagger spans must reach")
    parser.add_argument("--limit", type=int, default=None, help="train on at most N articles")
    parser.add_argument("--out", type=Path, default=tagger.MODEL_PATH)
    parser.add_argument("--dry-run", action="store_true", help="cross-validate, write nothing")
    args = parser.parse_args()
    texts, gold = read_ptc(require_dataset(args.data, name="ptc"))
    docs = [d for d in sorted(texts) if in_split(d, "train")][: args.limit]
    started = time.perf_counter()
    rows = {d: article_rows(texts[d], gold.get(d, [])) for d in docs}
    print(f"{len(docs)} training articles, {sum(r[1].shape[0] for r in rows.values()):,} tokens,"
          f" features in {time.perf_counter() - started:.1f} s", flush=True)
    probs = out_of_fold(docs, rows, folds=args.folds, alpha=args.alpha)
    thresholds, gaps, extents, min_words, report = tune(docs, texts, gold, rows, probs,
                                                        min_precision=args.min_precision)
    print("\n".join(report))
    if args.dry_run:
        return
    weights, bias = fit_columns(*_stacked(rows, docs), alpha=args.alpha)
    weights[np.abs(weights) < 1e-3] = 0.0  # exact zeros compress; the scores barely move
    sparse, dense = weights[: 1 << tagger.N_BITS], weights[1 << tagger.N_BITS:]
    np.savez_compressed(args.out, techniques=np.array(TARGETED), weights=sparse.astype(np.float16),
                        dense=dense,
                        bias=bias, thresholds=thresholds, gaps=gaps, extents=extents,
                        min_words=min_words)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
