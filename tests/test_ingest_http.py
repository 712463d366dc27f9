"""Real HTTP against a local server thread: timeout, retries, size cap, redirect refusal."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from crosscheck.errors import PrivateAddressError
from crosscheck.ingest import iter_documents
from crosscheck.ingest.fetch import Fetcher, resolve_host
from crosscheck.settings import Settings

PAGE = b"<html><body><p>Local page for fetch tests.</p></body></html>"


class _Handler(BaseHTTPRequestHandler):
    flaky_calls = 0

    def log_message(self, *args: object) -> None:  # keep test output quiet
        pass

    def do_GET(self) -> None:
        route = {
            "/page": self._page,
            "/slow": self._slow,
            "/huge": self._huge,
            "/flaky": self._flaky,
            "/to-local": self._to_local,
        }.get(self.path.split("?")[0], self._missing)
        try:
            route()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client hung up on purpose (size cap, timeout)

    def _send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for name, value in {"Content-Type": "text/html", **(headers or {})}.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _page(self) -> None:
        self._send(200, PAGE)

    def _slow(self) -> None:
        time.sleep(1.0)
        self._send(200, PAGE)

    def _huge(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()  # no length: the client must count
        for _ in range(64):
            self.wfile.write(b"z" * 65536)

    def _flaky(self) -> None:
        type(self).flaky_calls += 1
        self._send(503 if type(self).flaky_calls == 1 else 200, PAGE)

    def _to_local(self) -> None:
        port = self.server.server_address[1]
        self._send(302, headers={"Location": f"http://127.0.0.1:{port}/page"})

    def _missing(self) -> None:
        self._send(404, b"no such page")


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


LOCAL = Settings(workers=1, allow_private=True, fetch_timeout=0.3, fetch_retries=1, fetch_backoff=0.0)


def fetch_all(*urls: str, settings: Settings = LOCAL) -> list:
    return list(iter_documents(list(urls), settings=settings))


def test_page_and_retry_after_503(server):
    records = fetch_all(f"{server}/page", f"{server}/flaky")
    assert [(r.source, r.content) for r in records] == [(f"{server}/page", PAGE.decode()), (f"{server}/flaky", PAGE.decode())]


def test_slow_endpoint_times_out(server):
    [rejected] = fetch_all(f"{server}/slow", settings=LOCAL.with_(fetch_retries=0))
    assert (rejected.source, rejected.reason) == (f"{server}/slow", "timed out after 0.3 s (after 1 attempt)")


def test_huge_body_is_cut_at_the_cap(server):
    [rejected] = fetch_all(f"{server}/huge", settings=LOCAL.with_(max_bytes=200_000))
    assert rejected.reason == "response body is more than 200000 bytes, over max_bytes=200000; raise max_bytes to accept it"


def test_not_found(server):
    [rejected] = fetch_all(f"{server}/gone")
    assert rejected.reason == "HTTP status 404"


def test_redirect_to_loopback_is_refused_unless_allowed(server):
    # Pretend "localhost" is a public host, so only the redirect's target is private.
    def resolve(host: str, port: int) -> list[str]:
        return ["93.184.215.14"] if host == "localhost" else resolve_host(host, port)

    start = server.replace("127.0.0.1", "localhost") + "/to-local"
    with Fetcher(settings=LOCAL.with_(allow_private=False), resolve=resolve) as fetcher:
        with pytest.raises(PrivateAddressError) as caught:
            fetcher.fetch(start)
    assert caught.value.source == f"{server}/page"
    assert caught.value.reason.endswith("pass --allow-private if fetching it is intended")
    with Fetcher(settings=LOCAL, resolve=resolve) as fetcher:
        assert fetcher.fetch(start).body == PAGE
