"""Train the fine-tuned technique tagger shipped in src/crosscheck/data/propaganda_finetuned.npz.

all-MiniLM-L6-v2's bottom layers stay frozen (the ``embeddings`` extra's packaged weights); its
top layer(s) and a linear head are fine-tuned with a token-classification loss (one sigmoid per
SemEval-2020 Task 11 technique, binary cross-entropy on every wordpiece of every ``--every``-th window) on the
even-id half of PTC (``../shared/bench/ptc``) only; ``bench/framing.py`` scores the odd-id half
as held out. Runtime: ``crosscheck.assess.finetuned``.

Every setting is chosen by k-fold cross-validation across articles (article ``i`` in fold
``i % k``): the number of epochs (each fold's network is scored after every epoch), then per
technique whose probabilities decide (this model's, the hashed tagger's out of fold, or their
mean) and the decoding (threshold, gap, extent, fewest words) with the best out-of-fold span
F-beta among those whose precision reaches ``--min-precision`` (several floors may be given: the one with
the best mean fold F1 is kept), as ``bench/train_contextual_tagger.py``. Each fold's figures
come from decodings tuned on the other folds only. The frozen layers' outputs are cached per
article under /tmp. Seeds and order are fixed (torch's CPU kernels may still differ between
thread counts; two runs were not compared byte for byte).

Example:
    python bench/train_finetuned_tagger.py  # the shipped file
    python bench/train_finetuned_tagger.py --out /tmp/tuned.npz && \
        python bench/framing.py --finetuned-model /tmp/tuned.npz
    python bench/train_finetuned_tagger.py --epochs 2 --limit 40 --dry-run
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse  # noqa: E402
import hashlib  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import SHARED_BENCH, require_dataset  # noqa: E402
from framing import TARGETED, in_split, read_ptc, score  # noqa: E402
from train_sequence_tagger import (describe, fold_scores, hashed_out_of_fold,  # noqa: E402
                                   print_chosen, rule_spans, tune)

from crosscheck.assess import contextual, finetuned, technique_tagger as tagger  # noqa: E402

SEED = 11
CACHE = Path("/tmp/crosscheck-finetuned-cache")
LENGTH = contextual.WINDOW + 2


class Article:
    """One training article: tagger tokens and their labels, wordpiece offsets, the frozen
    layers' output per window (float16, padded to :data:`LENGTH`), mask, plan, wordpiece labels."""

    def __init__(self, text: str, spans, first_tuned: int):
        self.tokens = tagger.tokenize(text)
        ids, self.offsets = finetuned.wordpieces(text)
        self.states, self.mask, self.plan = cached_frozen(text, ids, first_tuned)
        self.n_ids = len(ids)
        self.labels = _labels((self.tokens.starts + self.tokens.ends) / 2, spans)
        self.piece_labels = _labels((self.offsets[:, 0] + self.offsets[:, 1]) / 2, spans)


def _labels(middle: np.ndarray, spans) -> np.ndarray:
    labels = np.zeros((len(middle), len(TARGETED)), dtype=np.float32)
    for technique, start, end in spans:
        if technique in TARGETED:
            labels[(middle >= start) & (middle < end), TARGETED.index(technique)] = 1
    return labels


def cached_frozen(text: str, ids: np.ndarray, first_tuned: int):
    key = hashlib.sha1(f"{first_tuned}{contextual.WINDOW}{contextual.STRIDE}\0{text}"
                       .encode("utf-8")).hexdigest()[:20]
    path = CACHE / f"{key}.npz"
    plan = contextual.window_plan(len(ids))
    if path.exists():
        with np.load(path) as data:
            return data["states"], data["mask"], plan
    states, mask, plan = finetuned.frozen_states(ids, first_tuned)
    padded = np.zeros((len(plan), LENGTH, contextual.DIMENSIONS), dtype=np.float16)
    padded[:, :states.shape[1]] = states
    full_mask = np.zeros((len(plan), LENGTH), dtype=np.int64)
    full_mask[:, :mask.shape[1]] = mask
    CACHE.mkdir(parents=True, exist_ok=True)
    np.savez(path, states=padded, mask=full_mask)
    return padded, full_mask, plan


def cached_hashed(docs, texts, gold, *, folds: int) -> dict[str, np.ndarray]:
    """``train_sequence_tagger.hashed_out_of_fold``, kept under /tmp for the next run."""
    key = hashlib.sha1("\0".join([str(folds), *docs, *(texts[d] for d in docs)])
                       .encode("utf-8")).hexdigest()[:20]
    path = CACHE / f"hashed-{key}.npz"
    if path.exists():
        with np.load(path) as data:
            return {d: data[d] for d in docs}
    scores = hashed_out_of_fold(docs, texts, gold, folds=folds)
    CACHE.mkdir(parents=True, exist_ok=True)
    np.savez(path, **scores)
    return scores


def training_windows(docs, articles, every: int):
    """``(doc, window row)`` of the windows trained on: every ``every``-th of each article's."""
    return [(d, row) for d in docs for row in range(0, len(articles[d].plan), every)]


def batch_arrays(batch, articles):
    import torch

    states = np.stack([articles[d].states[row] for d, row in batch]).astype(np.float32)
    mask = np.stack([articles[d].mask[row] for d, row in batch])
    labels = np.zeros((len(batch), LENGTH, len(TARGETED)), dtype=np.float32)
    for i, (d, row) in enumerate(batch):
        start = articles[d].plan[row][0]
        piece = articles[d].piece_labels[start:start + contextual.WINDOW]
        labels[i, 1:1 + len(piece)] = piece
    weight = mask.astype(np.float32)
    weight[:, 0] = 0  # [CLS]
    weight[np.arange(len(batch)), mask.sum(axis=1) - 1] = 0  # [SEP]
    return (torch.from_numpy(states), torch.from_numpy(mask), torch.from_numpy(labels),
            torch.from_numpy(weight))


def train(docs, articles, *, first_tuned: int, tuned: int, epochs: int, lr: float,
          head_lr: float, batch: int, every: int):
    """Yield the tuned layers and head after each epoch."""
    import torch

    torch.manual_seed(SEED)
    rng = np.random.default_rng(SEED)
    layers = [finetuned.layer_weights(first_tuned + i) for i in range(tuned)]
    head = rng.normal(0, 0.02, (contextual.DIMENSIONS, len(TARGETED))).astype(np.float32)
    module = finetuned.TunedLayers(layers, head, np.full(len(TARGETED), -3.0, np.float32))
    optimizer = torch.optim.AdamW([{"params": list(module.blocks.parameters()), "lr": lr},
                                   {"params": [module.head, module.head_bias], "lr": head_lr}],
                                  weight_decay=0.01)
    windows = training_windows(docs, articles, every)
    steps = epochs * ((len(windows) + batch - 1) // batch)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: min(1.0, (step + 1) / max(steps // 10, 1)) * max(0.0, 1 - step / steps))
    loss_of = torch.nn.BCEWithLogitsLoss(reduction="none")
    for _ in range(epochs):
        module.train()
        order = rng.permutation(len(windows))
        for first in range(0, len(order), batch):
            states, mask, labels, weight = batch_arrays([windows[i] for i in order[first:first + batch]],
                                                        articles)
            loss = (loss_of(module(states, mask), labels).mean(-1) * weight).sum() / weight.sum()
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            schedule.step()
        module.eval()
        yield module


def token_probs(module, article) -> np.ndarray:
    logits = finetuned.window_logits(module, article.states.astype(np.float32), article.mask,
                                     article.plan, article.n_ids)
    return 1.0 / (1.0 + np.exp(-np.clip(finetuned.token_logits(logits, article.offsets,
                                                               article.tokens), -30, 30)))


def out_of_fold(docs, articles, *, folds: int, **settings) -> list[dict[str, np.ndarray]]:
    """Per epoch, per article: token probabilities of the network trained on the other folds."""
    by_epoch: list[dict[str, np.ndarray]] = []
    for fold in range(folds):
        started = time.perf_counter()
        others = [d for i, d in enumerate(docs) if i % folds != fold]
        mine = [d for i, d in enumerate(docs) if i % folds == fold]
        for epoch, module in enumerate(train(others, articles, **settings)):
            if len(by_epoch) <= epoch:
                by_epoch.append({})
            by_epoch[epoch].update({d: token_probs(module, articles[d]) for d in mine})
        print(f"  fold {fold + 1}/{folds} trained ({time.perf_counter() - started:.0f} s)",
              flush=True)
    return by_epoch


def print_token_auc(docs, articles, probs, label: str) -> None:
    from sklearn.metrics import roc_auc_score

    labels = np.vstack([articles[d].labels for d in docs])
    stacked = np.vstack([probs[d] for d in docs])
    cells = []
    for column, technique in enumerate(TARGETED):
        if 0 < labels[:, column].sum() < len(labels):
            cells.append(f"{technique[:14]} {roc_auc_score(labels[:, column], stacked[:, column]):.3f}"
                         f"/{roc_auc_score(labels[:, column], stacked[:, column + len(TARGETED)]):.3f}")
    print(f"  {label}: token AUC tuned/hashed, out of fold: " + "; ".join(cells), flush=True)


def write_model(out: Path, *, module, docs, gold, rules, chosen, first_tuned: int) -> None:
    wanted = [(d, t, s, e) for d in docs for t, s, e in gold.get(d, [])]
    rule_precision = np.array([score(rules, wanted, t)[0] for t in TARGETED], dtype=np.float32)
    layers, head, head_bias = module.weights()
    thresholds, gaps, extents, min_words, sources = chosen
    finetuned.save_finetuned_model(out, finetuned.FinetunedModel(
        TARGETED, first_tuned, tuple(layers), head, head_bias, thresholds, gaps, extents,
        min_words, sources, rule_precision))
    digest = hashlib.sha256(out.read_bytes()).hexdigest()[:8]
    print(f"wrote {out} ({out.stat().st_size / 1e6:.2f} MB, SHA-256 {digest}…)")


def print_decodings(chosen) -> None:
    for column, technique in enumerate(TARGETED):
        print(f"  decoding {technique:38} threshold {chosen[0, column]:.2f} gap "
              f"{int(chosen[1, column])} extent {int(chosen[2, column])} min words "
              f"{int(chosen[3, column])} source {int(chosen[4, column])}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=SHARED_BENCH / "ptc")
    parser.add_argument("--folds", type=int, default=4)
    parser.add_argument("--first-tuned", type=int, default=5,
                        help="frozen packaged layers below the tuned ones (MiniLM has 6)")
    parser.add_argument("--tuned", type=int, default=1, help="layers fine-tuned")
    parser.add_argument("--epochs", type=int, default=5,
                        help="most epochs; cross-validation picks how many")
    parser.add_argument("--lr", type=float, default=5e-4, help="learning rate of the layers")
    parser.add_argument("--head-lr", type=float, default=3e-3)
    parser.add_argument("--batch", type=int, default=8, help="windows per step")
    parser.add_argument("--every", type=int, default=2,
                        help="train on every n-th window (2: windows that do not overlap)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--min-precision", type=float, nargs="+", default=[0.2, 0.3, 0.4, 0.5])
    parser.add_argument("--beta", type=float, default=1.0)
    parser.add_argument("--limit", type=int, default=None, help="train on at most N articles")
    parser.add_argument("--out", type=Path, default=finetuned.FINETUNED_MODEL_PATH)
    parser.add_argument("--save-out-of-fold", type=Path, default=None,
                        help="also write each epoch's out-of-fold probabilities to this .npz")
    parser.add_argument("--dry-run", action="store_true", help="cross-validate, write nothing")
    args = parser.parse_args()
    import torch

    torch.set_num_threads(args.threads)
    texts, gold = read_ptc(require_dataset(args.data, name="ptc"))
    docs = [d for d in sorted(texts) if in_split(d, "train")][: args.limit]
    started = time.perf_counter()
    articles = {d: Article(texts[d], gold.get(d, []), args.first_tuned) for d in docs}
    print(f"{len(docs)} training articles, {sum(a.n_ids for a in articles.values()):,} "
          f"wordpieces, frozen layers in {time.perf_counter() - started:.0f} s", flush=True)
    settings = dict(first_tuned=args.first_tuned, tuned=args.tuned, epochs=args.epochs,
                    lr=args.lr, head_lr=args.head_lr, batch=args.batch, every=args.every)
    by_epoch = out_of_fold(docs, articles, folds=args.folds, **settings)
    if args.save_out_of_fold:
        np.savez(args.save_out_of_fold, **{f"{e}/{d}": p for e, probs in enumerate(by_epoch, 1)
                                           for d, p in probs.items()})
    hashed = cached_hashed(docs, texts, gold, folds=args.folds)
    rules = rule_spans(docs, texts)
    rows = {d: (articles[d].tokens, None, articles[d].labels) for d in docs}
    results = []
    for epoch, own in enumerate(by_epoch, start=1):
        probs = {d: np.hstack([own[d], 1 / (1 + np.exp(-hashed[d])),
                               (own[d] + 1 / (1 + np.exp(-hashed[d]))) / 2]) for d in docs}
        print_token_auc(docs, articles, probs, f"epochs {epoch}")
        tables = fold_scores(docs, gold, rows, probs, rules, folds=args.folds,
                             floors=args.min_precision, beta=args.beta)
        for floor, by_fold in tables.items():
            print(f"epochs {epoch} precision floor {floor:g}: {args.folds}-fold P R F1 "
                  f"(mean±sd) {describe(by_fold[None])}", flush=True)
            results.append((float(np.mean([f for _, _, f in by_fold[None]])), epoch, floor,
                            probs, by_fold))
    _, epochs, floor, probs, by_fold = max(results, key=lambda r: r[0])
    print_chosen(f"epochs {epochs} precision floor {floor:g}", by_fold, args.folds)
    chosen = tune(docs, gold, rows, probs, rules, floors=[floor], beta=args.beta)[floor]
    print_decodings(chosen)
    if args.dry_run:
        return
    started = time.perf_counter()
    for epoch, module in enumerate(train(docs, articles, **settings), start=1):
        if epoch == epochs:  # the same learning-rate schedule as the folds saw
            break
    print(f"final network trained on {len(docs)} articles ({time.perf_counter() - started:.0f} s)")
    write_model(args.out, module=module, docs=docs, gold=gold, rules=rules, chosen=chosen,
                first_tuned=args.first_tuned)


if __name__ == "__main__":
    main()
