"""End to end on tests/fixtures/hostile: files the wild produces, written by the team with
``bench/hostile.py --write-fixtures`` (small versions of its kinds). Every file is kept, cut
with a recorded removal, or rejected with a reason; the run finishes and writes its outputs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from crosscheck.cli import cli

HOSTILE = Path(__file__).parent / "fixtures" / "hostile"
# limits low enough that the small fixtures cross them, as the full-size kinds do the defaults
LIMITS = ["--set", "max_article_chars=5000", "--set", "max_bytes=200000"]


@pytest.fixture(scope="module")
def analysis(tmp_path_factory):
    out = tmp_path_factory.mktemp("hostile-run")
    result = CliRunner().invoke(cli, ["analyze", str(HOSTILE), "--out", str(out), "--workers", "1",
                                      "-q", *LIMITS])
    assert result.exit_code == 0, result.output
    assert (out / "report.html").exists()
    return json.loads((out / "analysis.json").read_text(encoding="utf-8"))


def _file_of(source: str) -> str:
    return Path(source.split("#")[0]).name


def test_every_file_is_kept_or_rejected_with_a_reason(analysis):
    kept = {_file_of(a["source"]) for a in analysis["articles"]}
    rejected = {_file_of(r["source"]) for r in analysis["rejected"] if not r["source"].startswith("http")}
    urls = [r for r in analysis["rejected"] if r["source"].startswith("http")]
    files = {p.name for p in HOSTILE.iterdir()}
    assert files - kept - rejected == set()
    assert len(urls) == 7 and all("pass --allow-private" in r["reason"] for r in urls)
    assert all(r["reason"].strip() and r["stage"] for r in analysis["rejected"])


def test_the_two_reported_failures(analysis):
    rejected = {r["source"].split("/")[-1]: r["reason"] for r in analysis["rejected"]}
    assert rejected["no-target-uri.warc#record-1"] == (
        "response record has no WARC-Target-URI (the page has no address)")
    [huge] = [a for a in analysis["articles"] if a["source"].endswith("huge-row.jsonl#huge")]
    [cut] = [r for r in huge["removed"] if r["stage"] == "limits"]
    assert cut["reason"].startswith("article is 10000 characters, over max_article_chars=5000")
    assert len(huge["text"]) <= 5000


def test_cuts_are_recorded_and_pages_too_deep_are_rejected(analysis):
    by_file = {_file_of(a["source"]): a for a in analysis["articles"]}
    blob = [r["reason"] for r in by_file["long-token.jsonl"]["removed"] if r["stage"] == "limits"]
    assert blob == ["a run of 13656 characters without a space, over max_token_chars=1000 "
                    "(an inlined file or data blob)"]
    reasons = {_file_of(r["source"]): r["reason"] for r in analysis["rejected"]}
    assert reasons["deep.html"].startswith("markup is nested 256 elements deep")
    assert reasons["bomb.txt.gz"] == "decompressed size is over max_bytes=200000; raise max_bytes to read it"
    assert reasons["nul.txt"] == "binary content (NUL bytes), not text"


def test_offsets_stay_inside_the_texts(analysis):
    texts = {a["id"]: a["text"] for a in analysis["articles"]}
    for quote in analysis["quotes"]:
        start, end = quote["span"]
        assert 0 <= start < end <= len(texts[quote["article"]])
    for claim in analysis["claims"]:
        start, end = claim["span"]
        assert texts[claim["article"]][start:end] == claim["text"]
