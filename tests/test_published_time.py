"""Publication time of day (``Article.published_at``, UTC): parsed from timestamps that name
their zone, taken from the input or the page's metadata, stored, reported, and an old store
without the column still opens."""

from __future__ import annotations

import duckdb
import pytest

from crosscheck.clean import clean_document
from crosscheck.clean.metadata import normalize_time
from crosscheck.records import Article, Draft, RawDocument
from crosscheck.report.json import article_json
from crosscheck.settings import Settings
from crosscheck.store import Store

SETTINGS = Settings()
BODY = ("Ferry crews in Lossa stopped work at noon on Tuesday over unpaid overtime, the union said. "
        "Two crossings to the islands were cancelled and a third ran an hour late. The operator said "
        "talks would resume on Thursday and that no jobs were at risk.")


@pytest.mark.parametrize("value, expected", [
    ("2024-03-05T11:52:00Z", "2024-03-05T11:52:00Z"),
    ("2024-03-05T15:10:00+01:00", "2024-03-05T14:10:00Z"),
    ("2024-03-05 15:10+0100", "2024-03-05T14:10:00Z"),
    ("2024-03-05T23:30:00.250-05:00", "2024-03-06T04:30:00Z"),
    ("posted 2024-03-05 09:00 GMT", "2024-03-05T09:00:00Z"),
    ("2024-03-05", None),                # a date has no time of day
    ("2024-03-05T10:00:00", None),       # a time without a zone compares with nothing
    ("2024-02-30T10:00:00Z", None),      # no such day
    ("", None),
])
def test_normalize_time(value, expected):
    assert normalize_time(value) == expected


def draft_of(raw: RawDocument) -> Draft:
    return next(r for r in clean_document(raw, settings=SETTINGS) if isinstance(r, Draft))


def test_input_timestamp_gives_date_and_utc_time():
    raw = RawDocument("r1", "feed.jsonl#r1", "text", BODY, published="2024-03-05T15:10:00+01:00")
    draft = draft_of(raw)
    assert (draft.published, draft.published_from, draft.published_at) == (
        "2024-03-05", "input", "2024-03-05T14:10:00Z")
    dated_only = draft_of(RawDocument("r2", "feed.jsonl#r2", "text", BODY, published="2024-03-05"))
    assert (dated_only.published, dated_only.published_at) == ("2024-03-05", None)


PAGE = """<html><head><title>Ferry strike in Lossa</title>
<meta property="og:site_name" content="Lossa Ledger">
<meta property="article:published_time" content="{stamp}">
</head><body><article><h1>Ferry strike in Lossa</h1>
<p>{body}</p><p>The union said its members would meet again on Friday to vote on the offer.</p>
</article></body></html>"""


def test_page_metadata_time_is_kept_in_utc():
    html = PAGE.format(stamp="2024-03-05T15:10:00+01:00", body=BODY)
    draft = draft_of(RawDocument("p1", "page.html", "html", html))
    assert (draft.published, draft.published_from, draft.published_at) == (
        "2024-03-05", "meta", "2024-03-05T14:10:00Z")


def test_page_time_without_zone_gives_the_date_only():
    html = PAGE.format(stamp="2024-03-05T15:10:00", body=BODY)
    draft = draft_of(RawDocument("p2", "page.html", "html", html))
    assert (draft.published, draft.published_at) == ("2024-03-05", None)


def article(published_at: str | None) -> Article:
    return Article(id="a1", source="in/a1.txt", url=None, outlet="Lossa Ledger", outlet_from="input",
                   title=None, published="2024-03-05", published_from="input", language="en",
                   text=BODY, published_at=published_at)


def test_store_and_report_carry_the_time():
    store = Store(":memory:")
    store.write([article("2024-03-05T14:10:00Z")])
    [stored] = store.iter_records(Article)
    assert stored.published_at == "2024-03-05T14:10:00Z"
    assert article_json(stored, [])["published_at"] == "2024-03-05T14:10:00Z"


def test_a_store_from_before_the_time_column_opens_and_resumes(tmp_path):
    path = tmp_path / "old.duckdb"
    Store(path).close()
    with duckdb.connect(str(path)) as con:  # what a store written before the field looked like
        con.execute('ALTER TABLE articles DROP COLUMN "published_at"')
        con.execute("INSERT INTO articles VALUES ('old', 'in/old.txt', NULL, 'Lossa Ledger', "
                    "'input', NULL, '2024-03-05', 'input', 'en', 'An older article body.')")
    with Store(path, read_only=True) as reader:  # read-only: the column reads as empty
        assert [a.published_at for a in reader.iter_records(Article)] == [None]
    with Store(path) as store:  # writable: the column is added and new rows carry it
        store.write([article("2024-03-05T14:10:00Z")])
        times = {a.id: a.published_at for a in store.iter_records(Article)}
    assert times == {"old": None, "a1": "2024-03-05T14:10:00Z"}
