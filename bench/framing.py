"""Propaganda-technique spans on the PTC corpus (SemEval-2020 Task 11), beside the task's best.

Usage:
    python bench/framing.py [--data DIR] [--limit N] [--split heldout|train|all] [--folds 5]
    python bench/framing.py --sequence-model FILE.npz  # score another sequence-tagger file
    python bench/framing.py --contextual-model FILE.npz  # another contextual-tagger file
    python bench/framing.py --finetuned-model FILE.npz  # another fine-tuned-tagger file
    python bench/framing.py --ensemble-model FILE.npz  # other ensemble choices
    python bench/framing.py --only hashed ensemble      # just these taggers
    python bench/framing.py --rules-only # lexicon and phrase rules without a tagger
    python bench/framing.py --learn      # rewrite the "ptc" rows of data/loaded_terms.tsv

Two taggers are scored in the same run, each with the lexicon and phrase rules: the current
hashed-feature token tagger (data/propaganda_model.npz, bench/train_propaganda.py) and the
learned sequence tagger (data/propaganda_sequence.npz, bench/train_sequence_tagger.py), both
trained on the even-id half only; with the ``embeddings`` extra installed, also the contextual
tagger (a head over MiniLM's hidden states, data/propaganda_contextual.npz,
bench/train_contextual_tagger.py) and the fine-tuned tagger (MiniLM with its top layer and a
head fine-tuned, data/propaganda_finetuned.npz, bench/train_finetuned_tagger.py) and the
ensemble of those two and the hashed tagger (per technique an average of their probabilities,
data/propaganda_ensemble.npz, bench/train_ensemble_tagger.py); the run says so when one is left
out. The spread is over groups of held-out articles.

Articles are split by id: even ids are the training half (the only half ``--learn`` reads),
odd ids the held-out half that the default run scores. The score is the SemEval-2020 Task 11
overlap-weighted span measure, per technique (see DEFINITION below).
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import SHARED_BENCH, require_dataset  # noqa: E402

import numpy as np  # noqa: E402

from crosscheck.assess.propaganda import detect_techniques, load_lexicon  # noqa: E402
from crosscheck.assess import contextual  # noqa: E402
from crosscheck.assess.ensemble import ENSEMBLE_MODEL_PATH, load_ensemble_model  # noqa: E402
from crosscheck.assess.finetuned import FINETUNED_MODEL_PATH, load_finetuned_model  # noqa: E402
from crosscheck.assess.sequence_tagger import (CONTEXTUAL_MODEL_PATH,  # noqa: E402
                                               load_sequence_model)
from crosscheck.assess.technique_tagger import load_model  # noqa: E402

ANCHOR = 0.5  # SemEval-2020 Task 11, best span-identification F1 (about 0.51)
DEFINITION = """\
Span F1 as in SemEval-2020 Task 11 (Da San Martino et al. 2020), per technique l:
  C(s, t, h) = |s ∩ t| / h   if s and t carry technique l, else 0   (character overlap)
  P = (1/|S|) Σ_{s∈S} Σ_{t∈T} C(s, t, |s|)    (S: predicted spans, T: gold spans)
  R = (1/|T|) Σ_{t∈T} Σ_{s∈S} C(s, t, |t|)
  F1 = 2PR / (P + R); 'overall' pools all spans of the targeted techniques, technique-aware.
  Predicted spans of one technique are merged where they overlap before scoring."""
TARGETED = ("Loaded_Language", "Name_Calling,Labeling", "Exaggeration,Minimisation", "Doubt",
            "Flag-Waving", "Appeal_to_fear-prejudice", "Slogans", "Repetition",
            "Causal_Oversimplification", "Black-and-White_Fallacy",
            "Thought-terminating_Cliches", "Whataboutism,Straw_Men,Red_Herring",
            "Bandwagon,Reductio_ad_hitlerum")
LEARNED = ("Loaded_Language", "Name_Calling,Labeling")
LEXICON = Path(__file__).resolve().parent.parent / "src" / "crosscheck" / "data" / "loaded_terms.tsv"


def read_ptc(root: Path) -> tuple[dict[str, str], dict[str, list[tuple[str, int, int]]]]:
    texts = {p.stem.removeprefix("article"): p.read_text(encoding="utf-8")
             for p in sorted((root / "articles").glob("article*.txt"))}
    gold: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
    for line in (root / "labels.tsv").read_text(encoding="utf-8").splitlines():
        cells = line.split("\t")
        if len(cells) == 4 and cells[0] in texts:
            gold[cells[0]].append((cells[1], int(cells[2]), int(cells[3])))
    return texts, gold


def in_split(article_id: str, split: str) -> bool:
    even = int(article_id) % 2 == 0
    return split == "all" or (split == "train") == even


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def score(predicted: list[tuple[str, str, int, int]], gold: list[tuple[str, str, int, int]],
          technique: str | None) -> tuple[float, float, float, int, int]:
    """P, R, F1, |S|, |T| for one technique (None: all targeted, technique-aware)."""
    keep = (lambda t: t in TARGETED) if technique is None else (lambda t: t == technique)
    pred = [p for p in predicted if keep(p[1])]
    want = [g for g in gold if keep(g[1])]
    index: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
    for doc, tech, s, e in want:
        index[(doc, tech)].append((s, e))
    pred_index: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
    for doc, tech, s, e in pred:
        pred_index[(doc, tech)].append((s, e))
    precision = sum(sum(_overlap((s, e), t) for t in index[(d, k)]) / (e - s)
                    for d, k, s, e in pred if e > s)
    recall = sum(sum(_overlap((s, e), p) for p in pred_index[(d, k)]) / (e - s)
                 for d, k, s, e in want if e > s)
    p = precision / len(pred) if pred else 0.0
    r = recall / len(want) if want else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f1, len(pred), len(want)


_TOKEN = re.compile(r"[A-Za-z][A-Za-z'-]+")


def learn(texts: dict[str, str], gold: dict[str, list[tuple[str, int, int]]], *,
          min_in_span: int = 3, min_rate: float = 0.4) -> list[tuple[str, float, str]]:
    """Words and word pairs whose uses in the training half fall inside a Loaded_Language or
    Name_Calling span at least ``min_rate`` of the time (and ``min_in_span`` times)."""
    inside: dict[str, Counter[str]] = {t: Counter() for t in LEARNED}
    articles: dict[str, set[str]] = defaultdict(set)
    total: Counter[str] = Counter()
    for doc, text in texts.items():
        if not in_split(doc, "train"):
            continue
        spans = [(t, s, e) for t, s, e in gold.get(doc, []) if t in LEARNED]
        tokens = [(m.group(0).lower(), m.start(), m.end()) for m in _TOKEN.finditer(text)]
        grams = [(w, s, e) for w, s, e in tokens] + [
            (f"{a[0]} {b[0]}", a[1], b[2]) for a, b in zip(tokens, tokens[1:])]
        for gram, s, e in grams:
            total[gram] += 1
            for technique in {t for t, gs, ge in spans if gs <= s and e <= ge}:
                inside[technique][gram] += 1
                articles[gram].add(doc)
    # A term marked in one or two articles only is that story's topic, not loaded language.
    total = Counter({g: n for g, n in total.items() if len(articles[g]) >= 3})
    return _choose_terms(inside, total, min_in_span=min_in_span, min_rate=min_rate)


_FUNCTION = frozenset("the a an of to and in that is was for on with as by it this be are his "
                      "her their its our my your he she they we".split())


def _choose_terms(inside, total, *, min_in_span, min_rate) -> list[tuple[str, float, str]]:
    terms = {}
    for technique in LEARNED:
        for gram, hits in inside[technique].items():
            words = gram.split()
            if (hits < min_in_span or gram not in total or words[0] in _FUNCTION
                    or words[-1] in _FUNCTION or min(len(w) for w in words) < 3):
                continue
            rate = hits / total[gram]
            if rate >= min_rate and rate > terms.get(gram, (0.0, ""))[0]:
                terms[gram] = (round(rate, 2), technique)
    return sorted((g, r, t) for g, (r, t) in terms.items())


def write_learned(terms: list[tuple[str, float, str]]) -> None:
    lines = LEXICON.read_text(encoding="utf-8").splitlines()
    kept = [line for line in lines if not line.endswith("\tptc")]
    hand = {line.split("\t")[0] for line in kept if not line.startswith("#")}
    kept += [f"{g}\t{r}\t{t}\tptc" for g, r, t in terms if g not in hand]
    LEXICON.write_text("\n".join(kept) + "\n", encoding="utf-8")
    print(f"wrote {sum(1 for g, _, _ in terms if g not in hand)} learned terms to {LEXICON}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=SHARED_BENCH / "ptc")
    parser.add_argument("--limit", type=int, default=None, help="score at most N articles")
    parser.add_argument("--split", choices=("heldout", "train", "all"), default="heldout")
    parser.add_argument("--rules-only", action="store_true", help="leave the taggers out")
    parser.add_argument("--sequence-model", default=None,
                        help="score this .npz instead of the shipped sequence tagger")
    parser.add_argument("--contextual-model", default=None,
                        help="score this .npz instead of the shipped contextual tagger")
    parser.add_argument("--finetuned-model", default=None,
                        help="score this .npz instead of the shipped fine-tuned tagger")
    parser.add_argument("--ensemble-model", default=None,
                        help="score this .npz instead of the shipped ensemble choices")
    parser.add_argument("--only", nargs="+", default=None,
                        help="score only these taggers (hashed, sequence, contextual, finetuned, "
                             "ensemble)")
    parser.add_argument("--folds", type=int, default=5,
                        help="groups of articles the spread is taken over")
    parser.add_argument("--learn", action="store_true", help="relearn the lexicon's ptc rows")
    args = parser.parse_args()
    root = require_dataset(args.data, name="ptc")
    texts, gold = read_ptc(root)
    if args.learn:
        write_learned(learn(texts, gold))
        load_lexicon.cache_clear()
    docs = [d for d in sorted(texts) if in_split(d, args.split)][: args.limit]
    wanted = [(d, t, s, e) for d in docs for t, s, e in gold.get(d, [])]
    print(DEFINITION)
    print(f"\nPTC {args.split} split: {len(docs)} articles, "
          f"{sum(len(texts[d]) for d in docs):,} chars")
    if args.rules_only:
        runs = {"rules only": False}
    else:
        runs = {"current (hashed tagger)": load_model(),
                "sequence tagger": load_sequence_model(args.sequence_model)}
        contextual_path = args.contextual_model or CONTEXTUAL_MODEL_PATH
        finetuned_path = args.finetuned_model or FINETUNED_MODEL_PATH
        ensemble_path = args.ensemble_model or ENSEMBLE_MODEL_PATH
        if not contextual.available():
            print("  contextual, fine-tuned and ensemble taggers left out: the embeddings extra is "
                  "not installed")
        else:
            for name, path, load in (("contextual tagger", contextual_path, load_sequence_model),
                                     ("fine-tuned tagger", finetuned_path, load_finetuned_model),
                                     ("ensemble tagger", ensemble_path, load_ensemble_model)):
                if Path(path).exists():
                    runs[name] = load(str(path))
                else:
                    print(f"  {name} left out: no model at {path}")
        if args.only:
            keys = {"hashed": "current (hashed tagger)", "sequence": "sequence tagger",
                    "contextual": "contextual tagger", "finetuned": "fine-tuned tagger",
                    "ensemble": "ensemble tagger"}
            runs = {n: m for n, m in runs.items() if any(keys.get(o) == n for o in args.only)}
    found = {}
    for name, model in runs.items():
        started = time.perf_counter()
        found[name] = [(d, h.technique, h.start, h.end, h.confidence) for d in docs
                       for h in detect_techniques(texts[d], model=model)]
        seconds = time.perf_counter() - started
        rate = len(docs) / max(seconds, 1e-9)
        print(f"  {name}: detector {seconds:.2f} s ({rate:.{0 if rate >= 10 else 2}f} articles/s)")
    print_table(found, wanted)
    print_folds(found, wanted, docs, folds=args.folds)
    for name, spans in found.items():
        if runs[name] is not False:
            print_confidence(name, spans, wanted)
    print(f"\nanchor: SemEval-2020 T11 best span F1 {ANCHOR:.2f} (technique-agnostic spans)")


def print_table(found, wanted) -> None:
    names = list(found)
    print(f"\n{'technique':38} " + " | ".join(f"{n[:22]:^29}" for n in names) + f" {'gold':>5}")
    print(f"{'':38} " + " | ".join(f"{'P':>6} {'R':>6} {'F1':>6} {'pred':>6}" + " " * 2
                                  for _ in names))
    for technique in (*TARGETED, None):
        cells = []
        for name in names:
            p, r, f1, n_pred, n_gold = score([x[:4] for x in found[name]], wanted, technique)
            cells.append(f"{p:6.3f} {r:6.3f} {f1:6.3f} {n_pred:6d}  ")
        label = technique or "overall (targeted, technique-aware)"
        print(f"{label:38} " + " | ".join(cells) + f" {n_gold:5d}")


def print_folds(found, wanted, docs, *, folds: int) -> None:
    """Overall P, R, F1 per group of articles (article i in group i % folds): mean and spread."""
    print(f"\noverall across {folds} groups of articles (mean ± sd, min-max of F1):")
    by_name = {}
    for name, spans in found.items():
        values = []
        for fold in range(folds):
            mine = {d for i, d in enumerate(docs) if i % folds == fold}
            values.append(score([x[:4] for x in spans if x[0] in mine],
                                [w for w in wanted if w[0] in mine], None)[:3])
        values = np.array(values)
        mean, spread = values.mean(axis=0), values.std(axis=0)
        print(f"  {name:28} P {mean[0]:.3f}±{spread[0]:.3f}  R {mean[1]:.3f}±{spread[1]:.3f}  "
              f"F1 {mean[2]:.3f}±{spread[2]:.3f} ({values[:, 2].min():.3f}-{values[:, 2].max():.3f})")
        by_name[name] = values
    first = next(iter(by_name))
    for name, values in list(by_name.items())[1:]:  # paired: the same groups of articles
        gain = values - by_name[first]
        print(f"  {name} minus {first}, per group: P {gain[:, 0].mean():+.3f}±{gain[:, 0].std():.3f}"
              f"  F1 {gain[:, 2].mean():+.3f}±{gain[:, 2].std():.3f} (higher in "
              f"{int((gain[:, 2] > 0).sum())} of {folds} groups)")


def print_confidence(name, spans, wanted) -> None:
    """Overall P, R, F1 of the spans at or above each confidence (what a reader shown only
    those would get)."""
    print(f"\n{name} and rules, spans kept by confidence:")
    for floor in (0.0, 0.3, 0.4, 0.5, 0.6, 0.7):
        kept = [x[:4] for x in spans if x[4] is not None and x[4] >= floor]
        p, r, f1, n_pred, _ = score(kept, wanted, None)
        print(f"  confidence >= {floor:.1f}: P {p:.3f} R {r:.3f} F1 {f1:.3f} ({n_pred} spans)")

if __name__ == "__main__":
    main()
