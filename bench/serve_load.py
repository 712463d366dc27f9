"""Load test of `crosscheck serve` on loopback: requests/s and p50/p99 latency per endpoint.

Builds (or reuses) a store of the reuters-21578 articles, starts `crosscheck serve STORE --port 0`
as a subprocess, warms each endpoint once (the first request builds cached sections; its time is
printed apart), then for each endpoint runs THREADS client threads (urllib) until REQUESTS
requests are done or SECONDS have passed, whichever comes first. Stops by itself.

    python bench/serve_load.py [--data FILE] [--store PATH] [--limit N] [--requests 400]
                               [--seconds 20] [--threads 4] [--all]

Building the store runs the whole pipeline (enrich and link included): use --limit while
developing and --store to reuse a store built before (an existing file is never rebuilt).
"""

from __future__ import annotations

import argparse
import itertools
import json
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from _common import SHARED_BENCH, require_dataset

SEARCH_WORDS = ["oil", "bank", "profit", "dollar", "tonnes", "shares", "coffee", "rates"]


def build_store(data: Path, store: Path, *, limit: int | None, workers: int) -> None:
    from crosscheck import Settings
    from crosscheck.engine.local import LocalEngine
    from crosscheck.pipeline import run
    from crosscheck.store import Store

    source = data
    if limit:
        source = Path(tempfile.mkdtemp(prefix="serve-load-")) / f"{data.stem}-{limit}.jsonl"
        with data.open(encoding="utf-8") as rows, source.open("w", encoding="utf-8") as out:
            out.writelines(itertools.islice(rows, limit))
    started = time.perf_counter()
    with Store(store) as db:
        run([str(source)], store=db, settings=Settings(workers=workers), engine=LocalEngine(workers=workers))
    print(f"built {store} from {source} in {time.perf_counter() - started:.0f} s")


def start_server(store: Path) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen([sys.executable, "-m", "crosscheck", "serve", str(store), "--port", "0"],
                               stderr=subprocess.PIPE, text=True)
    line = process.stderr.readline()
    match = re.search(r"(http://\S+/)", line)
    if not match:
        process.kill()
        raise SystemExit(f"serve did not start: {line.strip() or 'no output'}")
    return process, match.group(1).rstrip("/")


def get(url: str) -> tuple[int, float]:
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    except OSError:  # refused, reset or timed out: an error, and the worker goes on
        status = 0
    return status, time.perf_counter() - started


def endpoints(base: str, *, everything: bool = False) -> dict[str, list[str]]:
    """Paths per endpoint; each request takes the next one, so pages and searches vary."""
    stories = json.loads(urllib.request.urlopen(f"{base}/api/stories?limit=1", timeout=600).read())
    total = json.loads(urllib.request.urlopen(f"{base}/api/articles?limit=1", timeout=600).read())["total"]
    ids = [a["id"] for a in json.loads(urllib.request.urlopen(
        f"{base}/api/articles?limit=200&offset={max(0, total // 2 - 100)}", timeout=600).read())["articles"]]
    derivations = json.loads(urllib.request.urlopen(f"{base}/api/derivations?limit=50", timeout=600).read())
    paths = {
        "story list /": ["/"],
        "story page": [f"/stories/{s['id']}" for s in stories["stories"]] or ["/"],
        "article page": [f"/articles/{i}" for i in ids],
        "search": [f"/search?q={w}" for w in SEARCH_WORDS],
        "api articles (50)": [f"/api/articles?offset={o}&limit=50" for o in range(0, max(total, 1), 997)],
        "api claims (50)": [f"/api/claims?offset={o}&limit=50" for o in (0, 1000, 5000, 20000)],
        "api stories (100)": ["/api/stories?limit=100", "/api/stories?offset=100&limit=100"],
    }
    if not everything:
        return paths
    return {
        **paths,
        "articles list": [f"/articles?offset={o}" for o in range(0, max(total, 1), 1999)],
        "derivation page": [f"/derivations/{d['id']}" for d in derivations["derivations"]] or ["/"],
        "claims page": ["/claims"], "framing page": ["/framing"], "findings page": ["/findings"],
        "naming page": ["/naming"], "events page": ["/events", "/events?sort=place"],
        **{f"api {name} (100)": [f"/api/{name}?offset={o}&limit=100" for o in (0, 500, 3000)]
           for name in ("quotes", "claim_groups", "derivations", "entities", "framing", "findings",
                        "events")},
        "api article": [f"/api/articles/{i}" for i in ids],
    }


def load(base: str, paths: list[str], *, requests: int, seconds: float, threads: int) -> dict:
    cycle = itertools.cycle(paths)
    lock = threading.Lock()
    latencies: list[float] = []
    errors = [0]
    issued = [0]
    deadline = time.perf_counter() + seconds

    def worker() -> None:
        while time.perf_counter() < deadline:
            with lock:
                if issued[0] >= requests:
                    return
                issued[0] += 1
                path = next(cycle)
            status, took = get(base + path)
            with lock:
                if status == 200:
                    latencies.append(took)
                else:
                    errors[0] += 1

    started = time.perf_counter()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    wall = time.perf_counter() - started
    ordered = sorted(latencies) or [float("nan")]
    return {"n": len(latencies), "errors": errors[0], "rps": len(latencies) / wall,
            "p50": statistics.median(ordered) * 1000,
            "p99": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=SHARED_BENCH / "reuters-21578" / "articles.jsonl")
    parser.add_argument("--store", type=Path, default=Path("bench-out/serve-load.duckdb"))
    parser.add_argument("--limit", type=int, help="build the store from the first N articles only")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--requests", type=int, default=400, help="requests per endpoint at most")
    parser.add_argument("--seconds", type=float, default=20.0, help="seconds per endpoint at most")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--all", action="store_true",
                        help="every page and API section, not only the seven endpoints of the first runs")
    args = parser.parse_args()
    if not args.store.exists():
        build_store(require_dataset(args.data, name="reuters-21578"), args.store,
                    limit=args.limit, workers=args.workers)
    process, base = start_server(args.store)
    try:
        print(f"serve on {base}; {args.threads} client threads; {platform.processor() or platform.machine()}")
        for name, paths in endpoints(base, everything=args.all).items():
            first = get(base + paths[0])[1] * 1000
            r = load(base, paths, requests=args.requests, seconds=args.seconds, threads=args.threads)
            print(f"{name:20s} first {first:8.1f} ms  n={r['n']:5d} err={r['errors']:3d}  "
                  f"{r['rps']:7.1f} req/s  p50 {r['p50']:7.1f} ms  p99 {r['p99']:7.1f} ms")
    finally:
        process.terminate()
        process.wait(timeout=10)


if __name__ == "__main__":
    main()
