"""Train the check-worthiness model shipped in src/crosscheck/data/claims_model.npz.

Logistic regression over the hashed features of ``crosscheck.enrich.claims.claim_features``,
trained on ClaimBuster (``../shared/bench/claimbuster/train.json``: a list of
``{"sentence_id", "label", "text"}``, label 1 = check-worthy). It reports stratified k-fold
cross-validated F1 of the check-worthy class (seed fixed), picks the threshold that maximises
out-of-fold F1, then fits on the whole set and writes the weights (float32) and the threshold.
Deterministic: same data, same file.

Example:
    python bench/train_claims.py
    python bench/train_claims.py --folds 5 --c 4 --dry-run
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, precision_score, recall_score
from sklearn.model_selection import StratifiedKFold

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import SHARED_BENCH, require_dataset  # noqa: E402
from crosscheck.enrich.claims import MODEL_PATH, N_FEATURES, claim_features  # noqa: E402

SEED = 13


def load_claimbuster(path: Path) -> tuple[list[str], np.ndarray]:
    rows = json.loads(path.read_text(encoding="utf-8"))
    rows.sort(key=lambda row: row["sentence_id"])  # file order must not matter
    return [row["text"] for row in rows], np.array([int(row["label"]) for row in rows])


def feature_matrix(texts: list[str]) -> csr_matrix:
    data, indices, indptr = [], [], [0]
    for text in texts:
        features = sorted(claim_features(text).items())
        indices.extend(i for i, _ in features)
        data.extend(v for _, v in features)
        indptr.append(len(indices))
    return csr_matrix((data, indices, indptr), shape=(len(texts), N_FEATURES), dtype=np.float64)


def new_model(c: float) -> LogisticRegression:
    return LogisticRegression(C=c, class_weight="balanced", max_iter=2000, solver="liblinear",
                              random_state=SEED)


def out_of_fold(matrix, labels, *, folds: int, c: float) -> np.ndarray:
    scores = np.zeros(len(labels))
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=SEED)
    for train, test in splitter.split(matrix, labels):
        scores[test] = new_model(c).fit(matrix[train], labels[train]).predict_proba(matrix[test])[:, 1]
    return scores


def best_threshold(scores: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    candidates = [round(t, 2) for t in np.arange(0.2, 0.81, 0.01)]
    f1s = [f1_score(labels, scores >= t) for t in candidates]
    best = int(np.argmax(f1s))
    return candidates[best], f1s[best]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=SHARED_BENCH / "claimbuster" / "train.json")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--c", type=float, default=4.0, help="inverse regularisation strength")
    parser.add_argument("--dry-run", action="store_true", help="report CV, write nothing")
    args = parser.parse_args()
    texts, labels = load_claimbuster(require_dataset(args.data, name="claimbuster"))
    matrix = feature_matrix(texts)
    scores = out_of_fold(matrix, labels, folds=args.folds, c=args.c)
    threshold, f1 = best_threshold(scores, labels)
    predicted = scores >= threshold
    print(f"claimbuster: {len(labels)} sentences, {labels.sum()} check-worthy; "
          f"{args.folds}-fold CV (seed {SEED}), C={args.c}")
    print(f"  threshold {threshold:.2f}: F1 {f1:.3f}  precision "
          f"{precision_score(labels, predicted):.3f}  recall {recall_score(labels, predicted):.3f}"
          f"  (F1 at 0.50: {f1_score(labels, scores >= 0.5):.3f})")
    if args.dry_run:
        return
    model = new_model(args.c).fit(matrix, labels)
    MODEL_PATH.parent.mkdir(parents=True, exist_ok=True)
    with MODEL_PATH.open("wb") as handle:
        np.savez_compressed(handle, weights=model.coef_[0].astype(np.float32),
                            bias=np.float64(model.intercept_[0]), threshold=np.float64(threshold),
                            cv_f1=np.float64(f1), folds=np.int64(args.folds), seed=np.int64(SEED))
    print(f"wrote {MODEL_PATH} ({MODEL_PATH.stat().st_size / 1024:.0f} KiB)")


if __name__ == "__main__":
    main()
