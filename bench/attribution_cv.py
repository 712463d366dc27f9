"""The cue-precision gate of indirect speech, chosen by cross-validation on PolNeAR train.

A verb outside the hand lexicon is a candidate cue only when its lemma's precision as a cue
on PolNeAR train (``data/attribution_cues.tsv``) reaches ``MIN_CUE_PRECISION``; the cue model
then decides. The gate decides which everyday verbs may make their subject a speaker ("the
regime launched a string of attacks", precision 0.286 as a cue). PolNeAR dev is the test set,
so the gate is chosen here, on train alone: the 840 train texts in ``--folds`` folds; for each
fold the lemma table and the cue model are learned on the other folds (as
``bench/train_attribution.py`` does on all of train), and the fold's texts are scored as
``bench/attribution.py`` scores dev, for every gate. Prints each gate's F1 per fold, mean and
spread, and the gate the other folds choose for each fold.

Example:
    python bench/attribution_cv.py --cache /tmp/polnear-train.spacy
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import SHARED_BENCH, require_dataset  # noqa: E402
from attribution import Tally, crosscheck_pairs, read_gold, score  # noqa: E402
from train_attribution import (candidates_of, fit_model, lemma_counts, parsed_texts,  # noqa: E402
                               precision_table)

GATES = (0.2, 0.25, 0.3, 0.35, 0.4)


def _use(table: dict[str, float], model, gate: float) -> None:
    """Point the extractor at a fold's lemma table, cue model and gate (module globals: the
    extractor reads them at call time)."""
    from crosscheck.enrich import cue_syntax, reported_speech

    lemmas = set(cue_syntax.CUE_STANCE) | {
        lemma for lemma, share in table.items() if share >= cue_syntax.CUE_THRESHOLD}
    for module in (cue_syntax, reported_speech):
        for name, value in (("_PRECISION", table), ("_MODEL", model), ("MIN_CUE_PRECISION", gate),
                            ("_CUE_LEMMAS", lemmas)):
            if hasattr(module, name):
                setattr(module, name, value)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=SHARED_BENCH / "polnear")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--limit", type=int, default=None, help="only the first N train texts")
    parser.add_argument("--cache", type=Path, default=None, help="DocBin file for the parses")
    args = parser.parse_args(argv)
    folder = require_dataset(args.data / "train", name="polnear train")
    texts = list(parsed_texts(folder, limit=args.limit, cache=args.cache))
    print(f"PolNeAR train: {len(texts)} texts, {args.folds} folds by text order")
    counts = [lemma_counts(candidates_of(doc, anns, {})) for doc, anns in texts]
    table_f1: dict[float, list[float]] = {gate: [] for gate in GATES}
    for fold in range(args.folds):
        held = [i for i in range(len(texts)) if i % args.folds == fold]
        train = [i for i in range(len(texts)) if i % args.folds != fold]
        candidates, cues = Counter(), Counter()
        for i in train:
            candidates.update(counts[i][0])
            cues.update(counts[i][1])
        table = precision_table(candidates, cues, min_cues=3)
        rows = [row for i in train for row in candidates_of(*texts[i], table)]
        model = fit_model(rows, min_precision=0.7)
        for gate in GATES:
            _use(table, model, gate)
            tallies: dict[str, Tally] = {}
            for i in held:
                doc, anns = texts[i]
                predicted = crosscheck_pairs(doc, doc.text)
                for ann in anns:
                    score(tallies, predicted, read_gold(ann, doc.text)[0])
            table_f1[gate].append(tallies["all"].scores()[2])
        print(f"  fold {fold + 1}: " + "  ".join(f"{g}: {table_f1[g][-1]:.3f}" for g in GATES),
              flush=True)
    for gate in GATES:
        values = table_f1[gate]
        print(f"gate {gate:<5} F1 {statistics.mean(values):.3f} ± {statistics.pstdev(values):.3f} "
              f"({min(values):.3f}-{max(values):.3f})")
    chosen = []
    for fold in range(args.folds):
        others = {g: statistics.mean(v[:fold] + v[fold + 1:]) for g, v in table_f1.items()}
        best = max(GATES, key=lambda g: (round(others[g], 4), -g))  # ties: the lower gate
        chosen.append(best)
    held_out = [table_f1[g][f] for f, g in enumerate(chosen)]
    print(f"chosen on the other folds: {chosen}; held-out F1 {statistics.mean(held_out):.3f} ± "
          f"{statistics.pstdev(held_out):.3f}")


if __name__ == "__main__":
    main()
