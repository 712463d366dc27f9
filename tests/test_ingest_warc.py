"""WARC crawls: HTML responses become documents, the rest is skipped or rejected."""

from __future__ import annotations

import io
import os

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crosscheck.ingest import iter_documents
from crosscheck.records import RawDocument, Rejected, content_id
from crosscheck.settings import Settings

SETTINGS = Settings(workers=1)
CRAWLED = "2021-03-05T08:00:00Z"
PAGE = "<html><body><p>Ferry service resumes after the strike ended.</p></body></html>"


def _record(writer: WARCWriter, kind: str, uri: str, number: int, *, body: bytes = b"",
            content_type: str = "text/html; charset=utf-8", status: str = "200 OK"):
    http_headers = None
    if kind in ("response", "request"):
        line = status if kind == "response" else "GET / HTTP/1.1"
        http_headers = StatusAndHeaders(line, [("Content-Type", content_type)], protocol="HTTP/1.1",
                                        is_http_request=kind == "request")
    return writer.create_warc_record(
        uri, kind, payload=io.BytesIO(body), http_headers=http_headers,
        warc_content_type="" if http_headers else content_type,
        warc_headers_dict={"WARC-Record-ID": f"<urn:uuid:00000000-0000-0000-0000-{number:012d}>",
                           "WARC-Date": CRAWLED},
    )


def write_warc(path, *, gzip: bool = True) -> str:
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=gzip)
        writer.write_record(writer.create_warcinfo_record("crawl.warc", {"software": "test"}))
        writer.write_record(_record(writer, "request", "https://port.example/ferry", 1))
        writer.write_record(_record(writer, "response", "https://port.example/ferry", 2, body=PAGE.encode()))
        writer.write_record(_record(writer, "response", "https://port.example/logo.png", 3,
                                    body=b"\x89PNG\r\n", content_type="image/png"))
        writer.write_record(_record(writer, "response", "https://port.example/old", 4,
                                    body=b"<html>moved</html>", status="301 Moved Permanently"))
        writer.write_record(_record(writer, "metadata", "https://port.example/ferry", 5,
                                    body=b"outlinks: none", content_type="application/warc-fields"))
        latin = "<html><body>Caf\u00e9 reopens</body></html>".encode("latin-1")
        writer.write_record(_record(writer, "response", "https://port.example/cafe", 6, body=latin,
                                    content_type="text/html; charset=ISO-8859-1"))
    return str(path)


def test_html_responses_become_documents_and_others_are_rejected(tmp_path):
    for gzip in (True, False):
        path = write_warc(tmp_path / ("crawl.warc.gz" if gzip else "crawl.warc"), gzip=gzip)
        records = list(iter_documents([path], settings=SETTINGS))
        source = f"{path}#urn:uuid:00000000-0000-0000-0000-"
        key = f"{os.path.basename(path)}#urn:uuid:00000000-0000-0000-0000-"
        cafe = "<html><body>Caf\u00e9 reopens</body></html>"
        assert records == [
            RawDocument(content_id(f"{key}000000000002", PAGE), f"{source}000000000002", "html", PAGE,
                        url="https://port.example/ferry", not_after=CRAWLED),
            Rejected(content_id("ingest", f"{key}000000000003", "response is not HTML (content type 'image/png')"),
                     f"{source}000000000003", "ingest", "response is not HTML (content type 'image/png')"),
            Rejected(content_id("ingest", f"{key}000000000004", "response has HTTP status 301, not a page"),
                     f"{source}000000000004", "ingest", "response has HTTP status 301, not a page"),
            RawDocument(content_id(f"{key}000000000006", cafe), f"{source}000000000006", "html", cafe,
                        url="https://port.example/cafe", not_after=CRAWLED),
        ]


def test_cap_applies_per_record(tmp_path):
    path = write_warc(tmp_path / "crawl.warc.gz")
    records = list(iter_documents([path], settings=SETTINGS.with_(max_bytes=60)))
    assert [(r.source.rsplit("-", 1)[1], getattr(r, "reason", "document")) for r in records] == [
        ("000000000002", "record payload is over max_bytes=60; raise max_bytes to accept it"),
        ("000000000003", "response is not HTML (content type 'image/png')"),
        ("000000000004", "response has HTTP status 301, not a page"),
        ("000000000006", "document"),
    ]


def test_truncated_warc_keeps_records_before_the_cut(tmp_path):
    path = write_warc(tmp_path / "crawl.warc.gz")
    data = open(path, "rb").read()
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(data[: len(data) - 40])
    records = list(iter_documents([str(cut)], settings=SETTINGS))
    assert [type(r).__name__ for r in records] == ["RawDocument", "Rejected", "Rejected", "Rejected"]
    assert records[-1].source == f"{cut}#urn:uuid:00000000-0000-0000-0000-000000000006"
    assert records[-1].reason == "record is truncated: the file ends inside it"


def test_cut_inside_record_headers_is_rejected_after_the_records_before(tmp_path):
    path = write_warc(tmp_path / "crawl.warc", gzip=False)
    data = open(path, "rb").read()
    cut = tmp_path / "cut.warc"
    cut.write_bytes(data[: data.index(b"urn:uuid:00000000-0000-0000-0000-000000000004") + 10])
    records = list(iter_documents([str(cut)], settings=SETTINGS))
    assert [type(r).__name__ for r in records] == ["RawDocument", "Rejected", "Rejected"]
    assert (records[-1].source, records[-1].reason) == (
        str(cut), "truncated or malformed WARC record header after 4 records")


def test_not_a_warc(tmp_path):
    path = tmp_path / "notes.warc"
    path.write_bytes(b"hello\n")
    [rejected] = iter_documents([str(path)], settings=SETTINGS)
    assert rejected.source == str(path)
    assert rejected.reason.startswith("unreadable or truncated WARC data after 0 records: ")


def test_record_without_target_uri_is_rejected_by_name(tmp_path):
    # the record a new user met: warcio itself failed on it (AttributeError) and ended the run
    path = tmp_path / "bad.warc"
    path.write_bytes(b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 99999\r\n\r\ngarbage")
    assert list(iter_documents([str(path)], settings=SETTINGS)) == [Rejected(
        content_id("ingest", "bad.warc#record-1",
                   "response record has no WARC-Target-URI (the page has no address)"),
        f"{path}#record-1", "ingest", "response record has no WARC-Target-URI (the page has no address)")]


def test_record_without_target_uri_does_not_stop_the_records_after_it(tmp_path):
    good = write_warc(tmp_path / "crawl.warc", gzip=False)
    path = tmp_path / "mixed.warc"
    path.write_bytes(b"WARC/1.0\r\nWARC-Type: resource\r\nContent-Type: text/html\r\n"
                     b"Content-Length: 7\r\n\r\ngarbage\r\n\r\n" + open(good, "rb").read())
    records = list(iter_documents([str(path)], settings=SETTINGS))
    assert records[0].reason == "resource record has no WARC-Target-URI (the page has no address)"
    assert [type(r).__name__ for r in records[1:]] == ["RawDocument", "Rejected", "Rejected", "RawDocument"]


def test_a_record_warcio_cannot_parse_is_a_reject_naming_it(tmp_path, monkeypatch):
    from crosscheck.ingest import warc

    path = write_warc(tmp_path / "crawl.warc", gzip=False)

    def broken(self, rec_type, *args):
        if rec_type == "request":  # the second record
            raise AttributeError("'NoneType' object has no attribute 'startswith'")
        return None

    monkeypatch.setattr(warc._Loader, "load_http_headers", broken)
    records = list(iter_documents([path], settings=SETTINGS))
    assert (records[-1].source, records[-1].reason) == (
        f"{path}#record-2", "WARC record 2 cannot be parsed (AttributeError: 'NoneType' object has "
        "no attribute 'startswith'); the records after it are skipped")
