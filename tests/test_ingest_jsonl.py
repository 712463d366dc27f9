"""JSONL rows: sources, fields, bad rows, truncation, per-row cap, round-trip."""

from __future__ import annotations

import gzip
import json

from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from crosscheck.ingest import iter_documents
from crosscheck.records import RawDocument, Rejected, content_id
from crosscheck.settings import Settings

SETTINGS = Settings(workers=1)


def ingest(path: str, settings: Settings = SETTINGS) -> list:
    return list(iter_documents([path], settings=settings))


def write_lines(path, lines: list[str], *, compress: bool = False) -> str:
    data = "".join(line + "\n" for line in lines).encode("utf-8")
    path.write_bytes(gzip.compress(data) if compress else data)
    return str(path)


def test_rows_with_id_and_without(tmp_path):
    path = write_lines(
        tmp_path / "rows.jsonl",
        [
            json.dumps({"id": "a-7", "url": "https://news.example/a", "outlet": "News Example",
                        "title": "Dam opens", "published": "2023-03-01", "text": "The dam opened."}),
            "",
            json.dumps({"html": "<p>Second</p>", "published": 1700000000}),
            json.dumps({"id": 42, "text": "numeric id", "html": "<p>html wins</p>"}),
        ],
    )
    name = "rows.jsonl"
    assert ingest(path) == [
        RawDocument(content_id(f"{name}#a-7", "The dam opened."), f"{path}#a-7", "text", "The dam opened.",
                    url="https://news.example/a", outlet="News Example", title="Dam opens", published="2023-03-01"),
        RawDocument(content_id(f"{name}#3", "<p>Second</p>"), f"{path}#3", "html", "<p>Second</p>",
                    published="1700000000"),
        RawDocument(content_id(f"{name}#42", "<p>html wins</p>"), f"{path}#42", "html", "<p>html wins</p>"),
    ]


def test_bad_rows_are_rejected_and_the_rest_kept(tmp_path):
    path = write_lines(
        tmp_path / "mixed.jsonl",
        [
            json.dumps({"id": "ok", "text": "kept"}),
            '{"id": "cut", "text": "no end',
            json.dumps(["a", "list"]),
            json.dumps({"id": "hollow", "title": "no body", "text": "   "}),
            json.dumps({"id": "typed", "text": 12}),
            json.dumps({"id": "meta", "text": "body", "title": {"nested": True}}),
            json.dumps({"text": "also kept"}),
        ],
    )
    records = ingest(path)
    assert [(r.source, getattr(r, "reason", None)) for r in records] == [
        (f"{path}#ok", None),
        (f"{path}#2", "malformed JSON: Unterminated string starting at column 23"),
        (f"{path}#3", "row is a JSON list, not an object"),
        (f"{path}#hollow", "row has neither 'text' nor 'html'"),
        (f"{path}#typed", "field 'text' must be a string, got int"),
        (f"{path}#meta", "field 'title' must be a string, got dict"),
        (f"{path}#7", None),
    ]
    assert all(r.stage == "ingest" for r in records if isinstance(r, Rejected))


def test_truncated_gzip_keeps_rows_before_the_cut(tmp_path):
    rows = [json.dumps({"id": f"r{n}", "text": f"row number {n} " + "filler " * 50}) for n in range(200)]
    data = gzip.compress("".join(r + "\n" for r in rows).encode("utf-8"), compresslevel=1)
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])
    records = ingest(str(path))
    *documents, rejected = records
    assert documents and all(isinstance(d, RawDocument) for d in documents)
    assert [d.source for d in documents] == [f"{path}#r{n}" for n in range(len(documents))]
    assert rejected.source == str(path)
    assert rejected.reason.startswith(f"truncated or corrupt gzip data after line {len(documents)}: ")


def test_cap_applies_per_row_not_per_file(tmp_path):
    path = write_lines(
        tmp_path / "rows.jsonl",
        [json.dumps({"id": "small", "text": "short"}), json.dumps({"id": "huge", "text": "z" * 500}),
         json.dumps({"id": "after", "text": "still read"})],
    )
    records = ingest(path, settings=SETTINGS.with_(max_bytes=100))
    assert [(r.source, getattr(r, "reason", None)) for r in records] == [
        (f"{path}#small", None),
        (f"{path}#2", "row is over max_bytes=100; raise max_bytes to accept it"),
        (f"{path}#after", None),
    ]


def test_empty_and_blank_files(tmp_path):
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    blank = write_lines(tmp_path / "blank.jsonl", ["", "  "])
    assert [r.reason for r in ingest(str(empty))] == ["empty file"]
    assert [r.reason for r in ingest(blank)] == ["no rows: every line is blank"]


def test_latin1_row_is_decoded(tmp_path):
    path = tmp_path / "legacy.jsonl"
    path.write_bytes('{"id": "x", "text": "Caf\u00e9 owners met the mayor on Friday."}\n'.encode("cp1252"))
    [doc] = ingest(str(path))
    assert doc.content == "Caf\u00e9 owners met the mayor on Friday."


_field_text = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40)
_rows = st.lists(
    st.fixed_dictionaries(
        {"text": _field_text.filter(str.strip)},
        optional={"title": _field_text.map(str.strip).filter(bool), "outlet": _field_text.map(str.strip).filter(bool)},
    ),
    min_size=1,
    max_size=5,
)


@hsettings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=_rows, compress=st.booleans())
def test_rows_round_trip_and_ids_are_stable(tmp_path, rows, compress):
    path = write_lines(tmp_path / ("r.jsonl.gz" if compress else "r.jsonl"),
                       [json.dumps(row) for row in rows], compress=compress)
    first = ingest(path)
    assert first == ingest(path)
    assert [(d.content, d.title, d.outlet) for d in first] == [
        (row["text"], row.get("title"), row.get("outlet")) for row in rows
    ]
    assert [d.source for d in first] == [f"{path}#{n}" for n in range(1, len(rows) + 1)]


def test_recognised_date_fields_and_named_ones(tmp_path):
    path = write_lines(tmp_path / "dates.jsonl", [
        json.dumps({"id": "a", "published_raw": "04-MAR-2021 10:05:00.00", "text": "The dam opened."}),
        json.dumps({"id": "b", "date": "2021-03-05", "published": "2021-03-06", "text": "The dam opened."}),
        json.dumps({"id": "c", "when": "2021-03-07", "date": "2021-03-08", "text": "The dam opened."}),
        json.dumps({"id": "d", "retrieved": "2021-03-09T08:00:00Z", "text": "The dam opened."}),
    ])
    rows = {r.source.rsplit("#", 1)[1]: r for r in ingest(path)}
    assert rows["a"].published == "04-MAR-2021 10:05:00.00"
    assert rows["b"].published == "2021-03-06"  # published comes first
    assert rows["c"].published == "2021-03-08"
    assert (rows["d"].published, rows["d"].not_after) == (None, "2021-03-09T08:00:00Z")
    named = {r.source.rsplit("#", 1)[1]: r for r in ingest(path, SETTINGS.with_(jsonl_date_fields="when"))}
    assert named["c"].published == "2021-03-07"


def test_text_date_later_than_the_row_was_retrieved_is_dropped(tmp_path):
    from crosscheck.clean import clean_document

    text = "VELMORA, March 12, 2021 - The harbour dam opened after ten years of building work."
    path = write_lines(tmp_path / "late.jsonl", [
        json.dumps({"id": "late", "retrieved": "2021-03-09", "text": text}),
        json.dumps({"id": "fine", "retrieved": "2021-03-19", "text": text}),
    ])
    drafts = {raw.source.rsplit("#", 1)[1]: clean_document(raw, settings=SETTINGS)[0] for raw in ingest(path)}
    assert (drafts["late"].published, drafts["late"].published_from) == (None, None)
    assert (drafts["fine"].published, drafts["fine"].published_from) == ("2021-03-12", "text")
