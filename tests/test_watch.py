"""``crosscheck watch``: conditional polling, robots.txt, backoff, what changed, stop and resume."""

from __future__ import annotations

import dataclasses
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from click.testing import CliRunner

from conftest import synthetic_article, write_corpus

from crosscheck.cli import cli
from crosscheck.engine.local import LocalEngine
from crosscheck.errors import SettingsError
from crosscheck.ingest.common import make_document
from crosscheck.ingest.fetch import retry_after_seconds
from crosscheck.pipeline import run
from crosscheck.records import Article, Rejected
from crosscheck.settings import Settings
from crosscheck.store import Store
from crosscheck.watch import parse_interval, watch, watch_round

FEED_URL = "https://wire.example/feed.xml"
SETTINGS = Settings(workers=1, embedder="hashing", host_delay=0.0, fetch_backoff=0.0, allow_private=True)


def _page(seed: int) -> bytes:
    paragraphs = "".join(f"<p>{p}</p>" for p in synthetic_article(seed).split("\n\n"))
    return f"<html><head><title>Report {seed}</title></head><body><article>{paragraphs}</article></body></html>".encode()


def _feed(seeds: list[int], *, path: str = "/news/", base: str = "https://wire.example") -> bytes:
    items = "".join(f"<item><guid>story-{s}</guid><title>Report {s}</title>"
                    f"<link>{base}{path}{s}</link><description>Teaser.</description></item>"
                    for s in seeds)
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>{items}</channel></rss>'.encode()


class Site:
    """A news site behind an httpx MockTransport: a feed with an ETag, pages, a robots.txt."""

    def __init__(self, seeds: list[int], *, robots: str = "User-agent: *\nAllow: /\n", path: str = "/news/",
                 base: str = "https://wire.example"):
        self.seeds, self.robots, self.path, self.base = seeds, robots, path, base
        self.requests: list[httpx.Request] = []
        self.answers: dict[str, list[httpx.Response]] = {}  # URL path -> answers to give first

    def etag(self) -> str:
        return f'"v{len(self.seeds)}"'

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        path = request.url.path
        if self.answers.get(path):
            return self.answers[path].pop(0)
        if path == "/robots.txt":
            return httpx.Response(200, text=self.robots)
        if path == "/feed.xml":
            if request.headers.get("if-none-match") == self.etag():
                return httpx.Response(304)
            return httpx.Response(200, content=_feed(self.seeds, path=self.path, base=self.base),
                                  headers={"content-type": "application/rss+xml", "etag": self.etag()})
        if path.startswith(self.path):
            return httpx.Response(200, content=_page(int(path.rsplit("/", 1)[1])),
                                  headers={"content-type": "text/html"})
        return httpx.Response(404)

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def paths(self) -> list[str]:
        return [r.url.path for r in self.requests]


def _round(store: Store, site: Site, *, number: int = 1, sleep=lambda s: None, settings=SETTINGS):
    return watch_round([FEED_URL], number=number, store=store, settings=settings,
                       engine=LocalEngine(workers=1), transport=site.transport(), sleep=sleep)


def test_second_round_asks_conditionally_and_fetches_nothing_again():
    site = Site([1, 2])
    with Store(":memory:") as store:
        first = _round(store, site)
        assert sorted(site.paths()) == ["/feed.xml", "/news/1", "/news/2", "/robots.txt"]
        assert len(first.changes["articles"]) == 2 and store.count(Article) == 2
        site.requests.clear()
        second = _round(store, site, number=2)
    feed = [r for r in site.requests if r.url.path == "/feed.xml"]
    assert feed[0].headers["if-none-match"] == '"v2"'
    assert site.paths() == ["/robots.txt", "/feed.xml"]  # a 304: no page fetched again
    assert second.changes["articles"] == [] and second.requests == 2


def test_new_feed_entry_in_round_two_is_added_and_reported():
    site = Site([1, 2])
    with Store(":memory:") as store:
        _round(store, site)
        site.seeds.append(3)
        site.requests.clear()
        second = _round(store, site, number=2)
        # feedparser resolves the guid against the feed's URL
        new = store.row("SELECT id FROM articles WHERE source = ?", [f"{FEED_URL}#https://wire.example/story-3"])[0]
    assert sorted(site.paths()) == ["/feed.xml", "/news/3", "/robots.txt"]
    assert second.changes["articles"] == [new]
    assert second.summary.documents_seen == 1


def test_robots_disallow_is_honoured():
    site = Site([1], robots="User-agent: *\nDisallow: /private/\n", path="/private/")
    with Store(":memory:") as store:
        _round(store, site)
        rejected = list(store.iter_records(Rejected))
    assert "/private/1" not in site.paths()
    assert [r.reason for r in rejected] == ["https://wire.example/private/1: robots.txt of the host disallows fetching it"]


def test_robots_txt_missing_allows_and_unreachable_forbids():
    site = Site([1])
    site.answers["/robots.txt"] = [httpx.Response(404)]
    with Store(":memory:") as store:
        assert len(_round(store, site).changes["articles"]) == 1
    down = Site([1])
    down.answers["/robots.txt"] = [httpx.Response(500)] * 3
    with Store(":memory:") as store:
        _round(store, down)
        assert store.count(Article) == 0
        assert next(store.iter_records(Rejected)).reason == (
            "robots.txt of the host cannot be read (HTTP status 500 (after 3 attempts)); "
            "the host is left alone until the next round")


def test_429_with_retry_after_backs_off_then_succeeds():
    site = Site([1])
    site.answers["/feed.xml"] = [httpx.Response(429, headers={"retry-after": "7"})]
    waits: list[float] = []
    with Store(":memory:") as store:
        found = _round(store, site, sleep=waits.append)
    assert waits == [7.0]
    assert len(found.changes["articles"]) == 1


def test_retry_after_over_the_limit_gives_the_url_up_and_keeps_no_validators():
    site = Site([1])
    site.answers["/feed.xml"] = [httpx.Response(503, headers={"retry-after": "3600"})]
    with Store(":memory:") as store:
        _round(store, site)
        reason = next(store.iter_records(Rejected)).reason
        assert store.row("SELECT count(*) FROM fetch_validators")[0] == 0
    assert reason == ("HTTP status 503; the server asked to wait 3600 s, over max_retry_after=120; "
                      "try again later or raise max_retry_after")


def test_host_delay_spaces_requests_to_one_host():
    site = Site([1, 2])
    waits: list[float] = []
    with Store(":memory:") as store:
        _round(store, site, sleep=waits.append, settings=SETTINGS.with_(host_delay=30.0))
    # robots, feed, two pages: each request after the first waits (almost) the whole delay
    assert len(waits) == 3 and all(29.0 < w <= 30.0 for w in waits)


def test_retry_after_as_a_date():
    assert retry_after_seconds("Sun, 06 Dec 2026 10:00:30 GMT", now=1796551200.0) == 30.0
    assert retry_after_seconds("soon") is None


def test_interval_parsing():
    assert [parse_interval(t) for t in ("90", "90s", "15m", "2h", "1d")] == [90, 90, 900, 7200, 86400]
    with pytest.raises(SettingsError, match="'0m' is not a positive duration"):
        parse_interval("0m")


def test_ctrl_c_between_rounds_leaves_a_store_that_resumes(tmp_path):
    site = Site([1, 2])
    db = tmp_path / "watch.duckdb"

    def interrupt(seconds: float) -> None:
        if seconds > 60:  # the wait between rounds, not a host delay
            raise KeyboardInterrupt

    rounds = []
    with Store(db) as store, pytest.raises(KeyboardInterrupt):
        watch([FEED_URL], store=store, settings=SETTINGS, engine=LocalEngine(workers=1),
              every=900, transport=site.transport(), sleep=interrupt, on_round=rounds.append)
    assert len(rounds) == 1
    site.seeds.append(3)
    with Store(db) as store:
        second = _round(store, site, number=2)
        assert store.count(Article) == 3
    assert len(second.changes["articles"]) == 1


def test_ctrl_c_inside_a_round_keeps_written_batches_and_resumes(tmp_path):
    site = Site(list(range(1, 5)))
    site.answers["/news/3"] = [KeyboardInterrupt]
    db = tmp_path / "watch.duckdb"
    settings = SETTINGS.with_(batch_size=2)

    def handle(request: httpx.Request) -> httpx.Response:
        answer = site.handle(request)
        if answer is KeyboardInterrupt:
            raise KeyboardInterrupt
        return answer

    with Store(db) as store, pytest.raises(KeyboardInterrupt):
        watch_round([FEED_URL], store=store, settings=settings, engine=LocalEngine(workers=1),
                    transport=httpx.MockTransport(handle))
    with Store(db) as store:
        assert store.row("SELECT count(*) FROM drafts")[0] == 2  # the first batch, whole
        assert store.row("SELECT count(*) FROM fetch_validators")[0] == 0
        site.requests.clear()
        resumed = _round(store, site, settings=settings)
        assert store.count(Article) == 4
    assert sorted(p for p in site.paths() if p.startswith("/news/")) == ["/news/3", "/news/4"]
    assert len(resumed.changes["articles"]) == 4  # the interrupted round finished nothing: all four are new


class _Handler(BaseHTTPRequestHandler):
    site = Site([1, 2])

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        request = httpx.Request("GET", "https://wire.example" + self.path, headers=dict(self.headers))
        answer = self.site.handle(request)
        body = answer.read()
        self.send_response(answer.status_code)
        for name, value in answer.headers.items():
            if name.lower() != "content-length":
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{httpd.server_address[1]}"
    _Handler.site = Site([1, 2], base=url)
    yield url
    httpd.shutdown()
    httpd.server_close()


def test_cli_once_against_a_local_server(server, tmp_path):
    urls = tmp_path / "sources.urls"
    urls.write_text(f"# the wire's feed\n{server}/feed.xml\n", encoding="utf-8")
    args = ["watch", str(urls), "--db", str(tmp_path / "w.duckdb"), "--out", str(tmp_path / "out"),
            "--once", "--allow-private", "--set", "workers=1", "--set", "embedder=hashing",
            "--set", "host_delay=0"]
    first = CliRunner().invoke(cli, args)
    assert first.exit_code == 0, first.output
    assert "Round 1: 4 request(s), 2 new document(s)" in first.output
    assert "new articles" in first.output
    analysis = json.loads((tmp_path / "out" / "analysis.json").read_text())
    assert len(analysis["changes"]["articles"]) == 2 and len(analysis["articles"]) == 2
    assert (tmp_path / "out" / "report.html").exists()
    second = CliRunner().invoke(cli, args)
    assert second.exit_code == 0, second.output
    assert "changes since the previous round: nothing new." in second.output


def test_cli_refuses_loopback_without_allow_private(server, tmp_path):
    result = CliRunner().invoke(cli, ["watch", f"{server}/feed.xml", "--db", str(tmp_path / "w.duckdb"),
                                      "--once", "--set", "workers=1"])
    assert result.exit_code == 0, result.output
    with Store(tmp_path / "w.duckdb") as store:
        assert "pass --allow-private" in next(store.iter_records(Rejected)).reason


def test_cli_bad_interval(tmp_path):
    result = CliRunner().invoke(cli, ["watch", "x", "--db", str(tmp_path / "w.duckdb"), "--every", "soon"])
    assert result.exit_code == 2
    assert "interval 'soon' is not a positive duration such as 90s, 15m, 2h or 1d" in result.output


def test_changes_after_a_restart_compare_with_the_last_finished_round(tmp_path):
    site = Site([1, 2])
    db = tmp_path / "watch.duckdb"
    with Store(db) as store:
        _round(store, site)
    # a round killed after its pipeline ran but before it finished: the store holds article 3
    with Store(db) as store:
        page = make_document("https://wire.example/news/3", "html", _page(3).decode())
        run([], store=store, settings=SETTINGS, engine=LocalEngine(workers=1), documents=[page])
    with Store(db) as store:
        restarted = _round(store, site, number=1)
        third = store.row("SELECT id FROM articles WHERE source = 'https://wire.example/news/3'")[0]
    assert restarted.changes["articles"] == [third]


def test_a_failing_host_is_left_alone_for_the_rest_of_the_round():
    site = Site([1, 2, 3])
    site.answers["/news/1"] = [httpx.Response(500)] * 3
    with Store(":memory:") as store:
        _round(store, site)
        reasons = sorted(r.reason for r in store.iter_records(Rejected))
    assert [p for p in site.paths() if p.startswith("/news/")] == ["/news/1"] * 3
    assert reasons == [
        "https://wire.example/news/1: HTTP status 500 (after 3 attempts)",
        "https://wire.example/news/2: the host failed 3 times in a row this round; it is left alone until the next round",
        "https://wire.example/news/3: the host failed 3 times in a row this round; it is left alone until the next round",
    ]


def test_local_folder_source_is_read_again_each_round(tmp_path):
    folder = tmp_path / "drop"
    write_corpus(folder, 2)
    with Store(":memory:") as store:
        first = watch_round([str(folder)], store=store, settings=SETTINGS, engine=LocalEngine(workers=1))
        write_corpus(folder, 1, start=2)
        second = watch_round([str(folder)], store=store, settings=SETTINGS, engine=LocalEngine(workers=1))
    assert (len(first.changes["articles"]), len(second.changes["articles"])) == (2, 1)
    assert (second.summary.documents_seen, second.summary.documents_skipped, second.requests) == (3, 2, 0)


def test_a_feed_that_grows_without_end_costs_a_bounded_round():
    """Over watch_max_entries new entries, the rest wait for the next round: they are neither
    fetched now nor lost (the feed is read again in full, without validators)."""
    site = Site(list(range(1, 6)))
    capped = dataclasses.replace(SETTINGS, watch_max_entries=2)
    with Store(":memory:") as store:
        first = _round(store, site, settings=capped)
        assert sorted(p for p in site.paths() if p.startswith("/news/")) == ["/news/1", "/news/2"]
        assert first.deferred == {FEED_URL: 3} and store.count(Article) == 2
        site.requests.clear()
        second = _round(store, site, number=2, settings=capped)
        feed = [r for r in site.requests if r.url.path == "/feed.xml"]
        assert "if-none-match" not in feed[0].headers  # read in full again
        assert second.deferred == {FEED_URL: 1} and store.count(Article) == 4
        third = _round(store, site, number=3, settings=capped)
        assert third.deferred == {} and store.count(Article) == 5


def test_the_same_items_under_new_urls_are_not_new_articles():
    site = Site([1, 2])
    with Store(":memory:") as store:
        _round(store, site)
        # The site moves its pages and lists them again under new guids: same texts.
        moved = Site([1, 2], path="/archive/")
        moved_feed = _feed([1, 2], path="/archive/").replace(b"story-", b"moved-")
        moved.answers["/feed.xml"] = [httpx.Response(200, content=moved_feed,
                                                     headers={"content-type": "application/rss+xml"})]
        second = _round(store, moved, number=2)
        reasons = [r.reason for r in store.iter_records(Rejected) if r.stage == "clean"]
        assert store.count(Article) == 2
        assert second.changes["articles"] == []
        assert len(reasons) == 2 and all("moved or re-listed URL" in r and "story-" in r for r in reasons)
        # the moved sources are known now: the next round fetches none of them again
        moved.requests.clear()
        moved.answers["/feed.xml"] = [httpx.Response(200, content=moved_feed,
                                                     headers={"content-type": "application/rss+xml"})]
        _round(store, moved, number=3)
        assert not [r for r in moved.requests if r.url.path.startswith("/archive/")]
