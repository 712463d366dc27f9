"""Fetching: retries, redirects, size cap, private-address refusal, URL inputs and lists."""

from __future__ import annotations

import httpx
import pytest

from crosscheck.errors import FetchError, PrivateAddressError
from crosscheck.ingest import iter_documents
from crosscheck.ingest.fetch import Fetcher, check_public_host, classify
from crosscheck.records import RawDocument, Rejected, content_id
from crosscheck.settings import Settings

OPEN = Settings(workers=1, allow_private=True, fetch_backoff=0.0)
PAGE = b"<html><body><p>The mill reopened with forty workers.</p></body></html>"
HTML = {"content-type": "text/html; charset=utf-8"}


def fake_resolver(table: dict[str, list[str]]):
    def resolve(host: str, port: int) -> list[str]:
        if host not in table:
            raise OSError("name not known")
        return table[host]
    return resolve


def ingest(*inputs: str, handler, settings: Settings = OPEN) -> list:
    return list(iter_documents(list(inputs), settings=settings, transport=httpx.MockTransport(handler)))


def test_url_input_is_fetched_with_user_agent():
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["user-agent"])
        return httpx.Response(200, headers=HTML, content=PAGE)

    url = "https://mill.example/news/1"
    assert ingest(url, handler=handler) == [
        RawDocument(content_id(url, PAGE.decode()), url, "html", PAGE.decode(), url=url)
    ]
    assert seen == [OPEN.user_agent]


def test_retries_back_off_exponentially_then_succeed():
    statuses = iter([503, 429, 200])
    sleeps: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        status = next(statuses)
        return httpx.Response(status, headers=HTML, content=PAGE if status == 200 else b"busy")

    settings = OPEN.with_(fetch_retries=2, fetch_backoff=0.5)
    with Fetcher(settings=settings, transport=httpx.MockTransport(handler), sleep=sleeps.append) as fetcher:
        fetched = fetcher.fetch("http://mill.example/a")
    assert (fetched.status, fetched.body, sleeps) == (200, PAGE, [0.5, 1.0])


@pytest.mark.parametrize(
    ("respond", "reason"),
    [
        (lambda r: httpx.Response(503), "HTTP status 503 (after 3 attempts)"),
        (lambda r: httpx.Response(404), "HTTP status 404"),
        (lambda r: (_ for _ in ()).throw(httpx.ReadTimeout("slow", request=r)), "timed out after 20 s (after 3 attempts)"),
        (lambda r: (_ for _ in ()).throw(httpx.ConnectError("refused", request=r)), "cannot connect: refused"),
        (lambda r: httpx.Response(200, headers={"content-type": "image/png"}, content=b"\x89PNG"),
         "content type 'image/png' is not an HTML or text page"),
        (lambda r: httpx.Response(200, headers=HTML, content=b"  "), "empty response body"),
        (lambda r: httpx.Response(200, headers={**HTML, "content-encoding": "gzip"}, content=b"not gzip"),
         "fetch failed: Error -3 while decompressing data: incorrect header check"),
    ],
)
def test_fetch_failures_become_rejects(respond, reason):
    calls = []

    def handler(request):
        calls.append(request)
        return respond(request)

    url = "http://mill.example/a"
    assert ingest(url, handler=handler) == [Rejected(content_id("ingest", url, reason), url, "ingest", reason)]
    assert len(calls) == (3 if "3 attempts" in reason else 1)


def test_redirects_are_followed_by_hand_up_to_five():
    def handler(request: httpx.Request) -> httpx.Response:
        hop = int(request.url.params.get("hop", "0"))
        if request.url.path == "/loop" or hop < 3:
            return httpx.Response(302, headers={"location": f"{request.url.path}?hop={hop + 1}"})
        return httpx.Response(200, headers=HTML, content=PAGE)

    [doc] = ingest("http://mill.example/start", handler=handler)
    assert (doc.source, doc.url) == ("http://mill.example/start", "http://mill.example/start?hop=3")
    [rejected] = ingest("http://mill.example/loop", handler=handler)
    assert rejected.reason == "more than 5 redirects"


def test_size_cap_by_header_and_by_streaming():
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/declared":
            return httpx.Response(200, headers={**HTML, "content-length": "5000"}, content=b"x" * 5000)
        return httpx.Response(200, headers=HTML, content=iter([b"y" * 600] * 10))

    small = OPEN.with_(max_bytes=1000)
    assert [r.reason for r in ingest("http://m.example/declared", "http://m.example/streamed", handler=handler,
                                     settings=small)] == [
        "response body is 5000 bytes, over max_bytes=1000; raise max_bytes to accept it",
        "response body is more than 1000 bytes, over max_bytes=1000; raise max_bytes to accept it",
    ]


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("10.1.2.3", "private"),
        ("192.168.0.7", "private"),
        ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"),
        ("224.0.0.1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("240.0.0.1", "reserved"),
        ("100.64.0.1", "non-global"),
        ("::ffff:10.0.0.1", "private"),
    ],
)
def test_private_addresses_are_refused(address, kind):
    resolve = fake_resolver({"inside.example": ["93.184.215.14", address]})
    with pytest.raises(PrivateAddressError) as caught:
        check_public_host("http://inside.example/x", resolve=resolve)
    assert str(caught.value) == (
        f"http://inside.example/x: host 'inside.example' resolves to {kind} address {address}; "
        "pass --allow-private if fetching it is intended"
    )


def test_public_host_passes_and_unknown_host_fails():
    check_public_host("https://news.example/", resolve=fake_resolver({"news.example": ["93.184.215.14"]}))
    with pytest.raises(FetchError, match="cannot resolve host 'nowhere.example': name not known"):
        check_public_host("https://nowhere.example/", resolve=fake_resolver({}))


def test_redirect_to_private_address_is_refused():
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(301, headers={"location": "http://10.0.0.5/admin"})

    resolve = fake_resolver({"news.example": ["93.184.215.14"], "10.0.0.5": ["10.0.0.5"]})
    settings = OPEN.with_(allow_private=False)
    with Fetcher(settings=settings, transport=httpx.MockTransport(handler), resolve=resolve) as fetcher:
        with pytest.raises(PrivateAddressError, match=r"^http://10.0.0.5/admin: host '10.0.0.5' resolves to private"):
            fetcher.fetch("http://news.example/story")


def test_private_literal_url_input_is_rejected_without_a_request():
    def handler(request):
        raise AssertionError("must not be called")

    [rejected] = ingest("http://127.0.0.1:8080/x", handler=handler, settings=OPEN.with_(allow_private=False))
    assert rejected.reason == (
        "host '127.0.0.1' resolves to loopback address 127.0.0.1; pass --allow-private if fetching it is intended"
    )


def test_url_list_files(tmp_path):
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-type": "text/plain"}, content=request.url.path.encode() * 3)

    listing = tmp_path / "list.txt"
    listing.write_text("https://a.example/one\n\n# comment\nhttps://b.example/two\n")
    urls = tmp_path / "more.urls"
    urls.write_text("https://c.example/three\nnot a url\n")
    records = ingest(str(listing), str(urls), handler=handler)
    assert [(r.source, getattr(r, "content", None) or r.reason) for r in records] == [
        ("https://a.example/one", "/one/one/one"),
        ("https://b.example/two", "/two/two/two"),
        ("https://c.example/three", "/three/three/three"),
        (f"{urls}#2", "not an http(s) URL: 'not a url'"),
    ]


@pytest.mark.parametrize(
    ("content_type", "body", "kind"),
    [
        ("text/html", b"<html></html>", "html"),
        ("application/xhtml+xml; charset=utf-8", b"<html/>", "html"),
        ("text/html", b'<?xml version="1.0"?>\n<!-- feed --><rss version="2.0">', "feed"),
        ("application/atom+xml", b"<feed/>", "feed"),
        ("text/plain", b"words", "text"),
        (None, b"<!doctype html><html>", "html"),
        ("application/pdf", b"%PDF", None),
    ],
)
def test_classify(content_type, body, kind):
    assert classify(content_type, body) == kind


def test_redirect_to_private_address_becomes_a_reject_naming_the_hop():
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"location": "http://10.0.0.5/admin"})

    url = "http://93.184.215.14/story"
    [rejected] = ingest(url, handler=handler, settings=OPEN.with_(allow_private=False))
    assert (rejected.source, rejected.reason) == (
        url,
        "http://10.0.0.5/admin: host '10.0.0.5' resolves to private address 10.0.0.5; "
        "pass --allow-private if fetching it is intended",
    )
