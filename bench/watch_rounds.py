"""What a ``crosscheck watch`` round costs: a first round, a round with nothing new (every feed
answers 304), and a round adding ~1 % new entries, beside ``analyze`` on the same documents.

The feeds and pages are written here (synthetic, team-made text) and served through an httpx
MockTransport: no network, no data set. Prints wall time and requests per round.

    python bench/watch_rounds.py --articles 300 --feeds 3
"""

from __future__ import annotations

import argparse
import logging
import random
import tempfile
import time
from pathlib import Path

import httpx

from crosscheck.engine.local import LocalEngine
from crosscheck.ingest.common import make_document
from crosscheck.pipeline import run
from crosscheck.settings import Settings
from crosscheck.store import Store
from crosscheck.watch import watch_round

_PLACES = ["Vessany", "Orlo Bay", "Kettmar", "Port Adrel", "Lusk", "Sund"]
_ACTORS = ["The harbour authority", "The regional council", "A workers' union", "The coast guard"]
_ACTS = ["closed two piers", "opened an inquiry into late wages", "counted 340 damaged homes",
         "postponed a vote on the budget", "reported a rise in ferry traffic"]


def _page(n: int) -> str:
    rng = random.Random(n)
    sentences = [f"{rng.choice(_ACTORS)} {rng.choice(_ACTS)} in {rng.choice(_PLACES)} on day "
                 f"{rng.randint(1, 28)}, report {n}, officials said." for _ in range(12)]
    body = "".join(f"<p>{' '.join(sentences[i:i + 3])}</p>" for i in range(0, 12, 3))
    return f"<html><head><title>Report {n}</title></head><body><article>{body}</article></body></html>"


class _Site:
    def __init__(self, feeds: int, articles: int):
        self.feeds, self.count, self.requests = feeds, articles, 0

    def entries(self, feed: int) -> list[int]:
        return [n for n in range(self.count) if n % self.feeds == feed]

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        path = request.url.path
        if path == "/robots.txt":
            return httpx.Response(404)
        if path.startswith("/feed-"):
            feed = int(path[6:-4])
            etag = f'"{len(self.entries(feed))}"'
            if request.headers.get("if-none-match") == etag:
                return httpx.Response(304)
            items = "".join(f"<item><guid>n{n}</guid><link>https://desk.example/news/{n}</link>"
                            f"<title>Report {n}</title></item>" for n in self.entries(feed))
            return httpx.Response(200, headers={"etag": etag, "content-type": "application/rss+xml"},
                                  text=f'<rss version="2.0"><channel><title>F</title>{items}</channel></rss>')
        return httpx.Response(200, headers={"content-type": "text/html"}, text=_page(int(path.rsplit("/", 1)[1])))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--feeds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request otherwise
    settings = Settings(workers=args.workers, allow_private=True, host_delay=0.0)
    site = _Site(args.feeds, args.articles)
    feeds = [f"https://desk.example/feed-{i}.xml" for i in range(args.feeds)]
    added = max(1, args.articles // 100)
    print(f"{args.articles} articles in {args.feeds} feeds, {args.workers} workers; round 3 adds {added}")
    print(f"{'round':<34} {'seconds':>8} {'requests':>9} {'new articles':>13}")
    engine = LocalEngine(workers=args.workers)
    with tempfile.TemporaryDirectory() as tmp:
        with Store(Path(tmp) / "watch.duckdb") as store:
            for label, grow in (("1: everything new", 0), ("2: nothing new (304s)", 0), ("3: ~1 % new", added)):
                site.count += grow
                site.requests, started = 0, time.perf_counter()
                found = watch_round(feeds, store=store, settings=settings, engine=engine,
                                    transport=httpx.MockTransport(site.handle))
                print(f"{label:<34} {time.perf_counter() - started:>8.1f} {site.requests:>9} "
                      f"{len(found.changes['articles']):>13}")
        # the anchor: analyze-style run of the same pages into a fresh store, no fetching
        documents = [make_document(f"https://desk.example/news/{n}", "html", _page(n)) for n in range(site.count)]
        with Store(Path(tmp) / "batch.duckdb") as store:
            started = time.perf_counter()
            run([], store=store, settings=settings, engine=engine, documents=documents)
            print(f"{'anchor: one batch run, all pages':<34} {time.perf_counter() - started:>8.1f} {0:>9} "
                  f"{site.count:>13}")
    engine.close()


if __name__ == "__main__":
    main()
