"""Near-duplicate pairs: crosscheck's MinHash LSH beside datasketch's MinHashLSH.

On reuters-21578 (19,043 articles) and on larger corpora built from it (``_scale.py``: topic
sentences reshuffled, 5% planted copies with 3% of words changed), both find pairs with the same
shingles (crosscheck's words, 5-word shingles), threshold and num_perm; each run happens in its
own child process so peak memory is its own. crosscheck hashes with datasketch's default scheme
(see ``crosscheck.link.minhash``), so the two should report the same pairs: agreement 1.000.
Printed per corpus: articles/s, seconds, peak RSS above the loaded corpus, pairs, agreement
|ours & theirs| / |ours | theirs|, recall of the planted copies whose exact Jaccard reaches the
threshold, and precision/recall against exact Jaccard >= threshold among the first
``--exact-sample`` articles.

    python bench/neardup.py [--data FILE] [--sizes 20000,50000,100000,200000] [--no-reuters]
                            [--threshold 0.5] [--num-perm 128] [--exact-sample 3000]
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

import psutil

import _scale
from _common import SHARED_BENCH, require_dataset

from crosscheck.link.minhash import near_duplicate_pairs, words

SHINGLE_WORDS = 5


class PeakRss:
    """Highest resident set size of this process while the block runs (sampled every 20 ms)."""

    def __init__(self) -> None:
        self.peak, self._stop = 0, threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            self.peak = max(self.peak, me.memory_info().rss)
            time.sleep(0.02)

    def __enter__(self) -> "PeakRss":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def corpus(data: Path, name: str) -> _scale.ScaledCorpus:
    articles = _scale.read_articles(data)
    if name == "reuters":
        return _scale.ScaledCorpus(items=[(a["id"], a.get("text") or "") for a in articles])
    return _scale.build(articles, int(name))


def shingle_set(text: str) -> set[str]:
    found = words(text)
    if len(found) < SHINGLE_WORDS:
        return {" ".join(found)} if found else set()
    return {" ".join(found[i : i + SHINGLE_WORDS]) for i in range(len(found) - SHINGLE_WORDS + 1)}


def datasketch_pairs(items, *, threshold: float, num_perm: int) -> list[tuple[str, str]]:
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    signatures = {}
    for key, text in items:
        shingles = shingle_set(text)
        if not shingles:
            continue
        signature = MinHash(num_perm=num_perm, seed=1)
        signature.update_batch([s.encode("utf-8") for s in shingles])
        lsh.insert(key, signature)
        signatures[key] = signature
    pairs = []
    for key, signature in signatures.items():
        for other in lsh.query(signature):
            if key < other and signature.jaccard(signatures[other]) >= threshold:
                pairs.append((key, other))
    return sorted(pairs)


def worker(args: argparse.Namespace) -> None:
    """Child process: build one corpus, run one method, print its numbers as JSON."""
    items = corpus(args.data, args.corpus).items
    baseline = psutil.Process().memory_info().rss
    with PeakRss() as peak:
        started = time.perf_counter()
        if args.worker == "crosscheck":
            found = near_duplicate_pairs(iter(items), threshold=args.threshold,
                                         num_perm=args.num_perm)
            pairs = [(a, b) for a, b, _ in found]
        else:
            pairs = datasketch_pairs(items, threshold=args.threshold, num_perm=args.num_perm)
        seconds = time.perf_counter() - started
    Path(args.pairs_out).write_text("".join(f"{a}\t{b}\n" for a, b in pairs), encoding="utf-8")
    print(json.dumps({"seconds": seconds, "articles": len(items),
                      "peak_above_corpus_mb": (peak.peak - baseline) / 2**20}))


def run_child(args: argparse.Namespace, method: str, name: str, tmp: Path) -> dict:
    out = tmp / f"{method}-{name}.tsv"
    command = [sys.executable, __file__, "--worker", method, "--corpus", name, "--data",
               str(args.data), "--threshold", str(args.threshold), "--num-perm",
               str(args.num_perm), "--pairs-out", str(out)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{method} on {name} failed:\n{done.stderr[-2000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    lines = out.read_text(encoding="utf-8").splitlines()
    result["pairs"] = {tuple(line.split("\t")) for line in lines}
    return result


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def exact_pairs(items, threshold: float) -> set[tuple[str, str]]:
    """All pairs among ``items`` with exact shingle Jaccard >= threshold (inverted index)."""
    sets = {key: shingle_set(text) for key, text in items}
    holders = defaultdict(list)
    for key in sorted(sets):
        for shingle in sets[key]:
            holders[shingle].append(key)
    shared = Counter()
    for keys in holders.values():
        for i, a in enumerate(keys):
            for b in keys[i + 1 :]:
                shared[(a, b)] += 1
    return {pair for pair, common in shared.items()
            if common / (len(sets[pair[0]]) + len(sets[pair[1]]) - common) >= threshold - 1e-9}


def report(args: argparse.Namespace, name: str, tmp: Path) -> list[str]:
    built = corpus(args.data, name)
    results = {m: run_child(args, m, name, tmp) for m in args.methods}
    sample = built.items[: args.exact_sample]
    truth = exact_pairs(sample, args.threshold)
    in_sample = {key for key, _ in sample}
    texts = dict(built.items)
    planted = [(min(p), max(p)) for p in built.planted
               if jaccard(shingle_set(texts[p[0]]), shingle_set(texts[p[1]])) >= args.threshold]
    rows = []
    for method, result in results.items():
        found = result["pairs"]
        local = {p for p in found if p[0] in in_sample and p[1] in in_sample}
        rows.append(
            f"| {name} | {method} | {result['articles'] / result['seconds']:,.0f} | "
            f"{result['seconds']:.1f} | {result['peak_above_corpus_mb']:,.0f} | {len(found):,} | "
            f"{_share(len(found & results[args.methods[0]]['pairs']), len(found | results[args.methods[0]]['pairs']))} | "
            f"{_share(sum(p in found for p in planted), len(planted))} | "
            f"{_share(len(local & truth), len(local))} | {_share(len(local & truth), len(truth))} |")
    if len(results) == 2:
        ours, theirs = (results[m]["pairs"] for m in args.methods)
        clear = _clear_of_threshold(ours | theirs, texts, args.threshold)
        rows.append(f"|  | agreement ours/datasketch | {_share(len(ours & theirs), len(ours | theirs))}"
                    f" of {len(ours | theirs):,} pairs; {_share(len(ours & theirs & clear), len(clear))}"
                    f" of the {len(clear):,} whose exact J is not within {BORDER} of the threshold;"
                    f" exact pairs in sample: {len(truth):,}; planted (J>=t): {len(planted):,}"
                    " | | | | | | | |")
    return rows


BORDER = 0.1  # 128 permutations estimate J = 0.5 with a standard deviation of about 0.044


def _clear_of_threshold(pairs: set[tuple[str, str]], texts: dict[str, str],
                        threshold: float) -> set[tuple[str, str]]:
    """Pairs whose exact Jaccard is far enough from the threshold that both estimates should
    agree; near the threshold each method's estimate decides by its own random permutations."""
    cache: dict[str, set[str]] = {}

    def shingles_of(key: str) -> set[str]:
        if key not in cache:
            cache[key] = shingle_set(texts[key])
        return cache[key]

    return {(a, b) for a, b in pairs
            if abs(jaccard(shingles_of(a), shingles_of(b)) - threshold) > BORDER}


def _share(part: int, whole: int) -> str:
    return f"{part / whole:.3f}" if whole else "n/a"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=SHARED_BENCH / "reuters-21578" / "articles.jsonl")
    parser.add_argument("--sizes", default="20000", help="scaled corpus sizes, comma separated")
    parser.add_argument("--no-reuters", action="store_true", help="skip the real reuters run")
    parser.add_argument("--no-datasketch", action="store_true")
    parser.add_argument("--threshold", type=float, default=0.5)
    parser.add_argument("--num-perm", type=int, default=128)
    parser.add_argument("--exact-sample", type=int, default=3000)
    parser.add_argument("--worker", choices=["crosscheck", "datasketch"], help=argparse.SUPPRESS)
    parser.add_argument("--corpus", help=argparse.SUPPRESS)
    parser.add_argument("--pairs-out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args)
    require_dataset(args.data, name="reuters-21578")
    args.methods = ["crosscheck"] + ([] if args.no_datasketch else ["datasketch"])
    names = ([] if args.no_reuters else ["reuters"]) + [s for s in args.sizes.split(",") if s]
    print(f"near-duplicates, threshold {args.threshold}, num_perm {args.num_perm}, "
          f"{SHINGLE_WORDS}-word shingles; {platform.processor() or platform.machine()}, "
          f"{psutil.cpu_count()} cpus")
    print("| corpus | method | articles/s | s | peak MB over corpus | pairs | agreement with "
          "crosscheck | planted recall | precision vs exact (sample) | recall vs exact (sample) |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            for row in report(args, name, Path(tmp)):
                print(row, flush=True)


if __name__ == "__main__":
    main()
