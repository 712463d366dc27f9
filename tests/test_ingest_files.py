"""Files and folders: dispatch, sources, ids, encodings and rejects."""

from __future__ import annotations

import gzip
import os

import httpx
import pytest

from crosscheck.ingest import ACCEPTED_EXTENSIONS, iter_documents
from crosscheck.records import RawDocument, Rejected, content_id
from crosscheck.settings import Settings

SETTINGS = Settings(workers=1)
FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures", "ingest")


def ingest(*inputs: str, settings: Settings = SETTINGS, transport: httpx.BaseTransport | None = None) -> list:
    return list(iter_documents(list(inputs), settings=settings, transport=transport))


def reasons(records: list) -> dict[str, str]:
    return {r.source: r.reason for r in records if isinstance(r, Rejected)}


def write(path, data: bytes | str) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return str(path)


def test_text_file_source_is_path_as_given_and_id_hashes_name_and_content(tmp_path):
    path = write(tmp_path / "note.txt", "The council met on Monday.\n")
    [doc] = ingest(path)
    assert doc == RawDocument(
        id=content_id("note.txt", "The council met on Monday.\n"),
        source=path,
        format="text",
        content="The council met on Monday.\n",
    )


def test_folder_walk_is_sorted_recursive_and_skips_hidden(tmp_path, monkeypatch):
    write(tmp_path / "pile" / "b.txt", "second file")
    write(tmp_path / "pile" / "a" / "z.htm", "<p>nested page</p>")
    write(tmp_path / "pile" / "c.html.gz", gzip.compress(b"<p>zipped page</p>"))
    write(tmp_path / "pile" / ".git" / "x.txt", "hidden folder")
    write(tmp_path / "pile" / ".draft.txt", "hidden file")
    monkeypatch.chdir(tmp_path)
    records = ingest("pile/")
    assert [(r.source, r.format, r.content) for r in records] == [
        ("pile/a/z.htm", "html", "<p>nested page</p>"),
        ("pile/b.txt", "text", "second file"),
        ("pile/c.html.gz", "html", "<p>zipped page</p>"),
    ]


def test_inputs_keep_their_order_and_reruns_are_identical(tmp_path):
    second = write(tmp_path / "b.txt", "bee")
    first = write(tmp_path / "a.txt", "ay")
    assert [r.source for r in ingest(second, first)] == [second, first]
    assert ingest(second, first) == ingest(second, first)


def test_empty_folder_is_rejected(tmp_path):
    (tmp_path / "nothing").mkdir()
    path = str(tmp_path / "nothing")
    assert reasons(ingest(path)) == {path: "folder holds no visible files"}


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.txt", b"", "empty file"),
        ("blank.html", b"  \n\t\n", "empty file (whitespace only)"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary content (NUL bytes), not text"),
    ],
)
def test_bad_files_are_rejected_with_reason(tmp_path, name, data, reason):
    path = write(tmp_path / name, data)
    assert ingest(path) == [Rejected(content_id("ingest", name, reason), path, "ingest", reason)]


def test_missing_path_and_unknown_extension_and_scheme(tmp_path):
    missing = str(tmp_path / "gone.txt")
    pdf = write(tmp_path / "report.final.pdf", b"%PDF-1.4")
    zipped_pdf = write(tmp_path / "scan.pdf.gz", gzip.compress(b"%PDF"))
    accepted = ", ".join(ACCEPTED_EXTENSIONS)
    assert reasons(ingest(missing, pdf, zipped_pdf, "ftp://files.example/a.txt")) == {
        missing: "no such file or folder",
        pdf: f"unsupported file type '.pdf'; accepted: {accepted}",
        zipped_pdf: f"unsupported file type '.pdf.gz'; accepted: {accepted}",
        "ftp://files.example/a.txt": "unsupported URL scheme 'ftp'; only http and https are fetched",
    }
    assert accepted == (
        ".atom, .htm, .htm.gz, .html, .html.gz, .jsonl, .jsonl.gz, .rss, .txt, .txt.gz, .urls, "
        ".warc, .warc.gz, .xml"
    )


def test_file_over_max_bytes_is_rejected_without_reading(tmp_path):
    path = write(tmp_path / "big.txt", "x" * 101)
    assert reasons(ingest(path, settings=SETTINGS.with_(max_bytes=100))) == {
        path: "file is 101 bytes, over max_bytes=100; raise max_bytes to read it"
    }
    zipped = write(tmp_path / "big.txt.gz", gzip.compress(b"y" * 500))
    assert reasons(ingest(zipped, settings=SETTINGS.with_(max_bytes=100))) == {
        zipped: "decompressed size is over max_bytes=100; raise max_bytes to read it"
    }


def test_truncated_gzip_is_rejected(tmp_path):
    data = gzip.compress(b"<p>" + b"words " * 2000 + b"</p>")
    path = write(tmp_path / "cut.html.gz", data[: len(data) // 2])
    [rejected] = ingest(path)
    assert rejected.source == path
    assert rejected.reason.startswith("truncated or corrupt gzip data: Compressed file ended")


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("\ufeffcaf\u00e9 with a BOM".encode("utf-8"), "caf\u00e9 with a BOM"),
        ("\u00e9t\u00e9 in utf-16".encode("utf-16"), "\u00e9t\u00e9 in utf-16"),
        ("plain utf-8: \u0627\u06cc\u0631\u0627\u0646".encode("utf-8"), "plain utf-8: \u0627\u06cc\u0631\u0627\u0646"),
        # Mostly UTF-8 with one stray Latin-1 byte: replaced, not a failure.
        ("na\u00efve \u2014 mixed ".encode("utf-8") + b"caf\xe9", "na\u00efve \u2014 mixed caf\ufffd"),
    ],
)
def test_text_encodings(tmp_path, data, expected):
    [doc] = ingest(write(tmp_path / "t.txt", data))
    assert doc.content == expected


def test_legacy_encoding_is_guessed(tmp_path):
    sentence = "Le ministre a d\u00e9clar\u00e9 que la r\u00e9forme serait adopt\u00e9e apr\u00e8s l'\u00e9t\u00e9. "
    [doc] = ingest(write(tmp_path / "fr.txt", (sentence * 4).encode("cp1252")))
    assert doc.content == sentence * 4


def test_html_meta_charset_is_honoured(tmp_path):
    page = '<html><head><meta charset="windows-1252"></head><body>\u201cquoted\u201d caf\u00e9</body></html>'
    [doc] = ingest(write(tmp_path / "p.html", page.encode("cp1252")))
    assert doc.content == page
    # A wrong declaration falls back to UTF-8 rather than garbling the page.
    wrong = '<meta charset="iso-8859-7"><p>\u0627\u06cc\u0631\u0627\u0646</p>'
    [doc] = ingest(write(tmp_path / "q.html", wrong.encode("utf-8") + b"\xff"))
    assert doc.content == wrong + "\ufffd"


def test_html_without_body_is_passed_on(tmp_path):
    path = write(tmp_path / "shell.html", "<html><head><title>Only a title</title></head></html>")
    [doc] = ingest(path)
    assert (doc.source, doc.format) == (path, "html")


def test_fixture_folder(monkeypatch):
    monkeypatch.chdir(os.path.dirname(FIXTURES))
    records = ingest("ingest")
    assert [(r.source, type(r).__name__) for r in records] == [
        ("ingest/harbour-closure.html", "RawDocument"),
        ("ingest/rows.jsonl#wire-1", "RawDocument"),
        ("ingest/rows.jsonl#2", "RawDocument"),
        ("ingest/rows.jsonl#3", "Rejected"),
        ("ingest/town-notes.txt", "RawDocument"),
    ]
    assert records[1].outlet == "Example Wire"
    assert records[3].reason == "malformed JSON: Expecting property name enclosed in double quotes at column 2"
