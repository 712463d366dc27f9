"""The CLI: documented, exampled, and saying clearly what went wrong."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from conftest import REPO

from crosscheck.cli import cli
from crosscheck.settings import SETTINGS_HELP
from crosscheck.store import STORED_TYPES

COMMANDS = sorted(cli.commands)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_an_example_and_is_documented(command):
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output
    assert re.search(rf"^#+ .*`crosscheck {command}", (REPO / "docs" / "cli.md").read_text(), re.M)


def test_every_setting_is_documented():
    docs = (REPO / "docs" / "cli.md").read_text()
    missing = [name for name in SETTINGS_HELP if f"`{name}`" not in docs]
    assert missing == []


def test_analyze_writes_analysis_and_store(small_corpus, tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["analyze", str(small_corpus), "--out", str(out), "--workers", "1"])
    assert result.exit_code == 0, result.output
    analysis = json.loads((out / "analysis.json").read_text())
    assert len(analysis["articles"]) == 6
    assert (out / "crosscheck.duckdb").exists()
    assert "Articles by outlet" in result.output


def test_strict_exits_non_zero_when_something_is_rejected(small_corpus, tmp_path):
    (small_corpus / "empty.txt").write_bytes(b"")
    args = ["analyze", str(small_corpus), "--out", str(tmp_path / "o"), "--workers", "1", "-q"]
    assert CliRunner().invoke(cli, args).exit_code == 0
    strict = CliRunner().invoke(cli, [*args, "--strict"])
    assert strict.exit_code == 1
    assert "1 input(s) rejected and --strict is set." in strict.output


def test_bad_setting_is_named():
    result = CliRunner().invoke(cli, ["analyze", "x", "--set", "colour=red"])
    assert result.exit_code == 2
    assert "'colour=red': expected NAME=VALUE with NAME one of" in result.output


def test_extract_prints_one_article(small_corpus):
    path = small_corpus / "article-00001.txt"
    result = CliRunner().invoke(cli, ["extract", str(path)])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert set(payload) >= {"title", "outlet", "published", "published_from", "text", "removed",
                            "entities", "quantities", "times", "quotes", "claims"}
    assert payload["text"].startswith(payload["text"].lstrip())
    assert "report 1." in payload["text"]


def test_export_writes_every_table(small_corpus, tmp_path):
    out = tmp_path / "out"
    CliRunner().invoke(cli, ["analyze", str(small_corpus), "--out", str(out), "--workers", "1", "-q"])
    result = CliRunner().invoke(cli, ["export", str(out / "crosscheck.duckdb"), "--format", "csv",
                                      "--out", str(tmp_path / "t")])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "t").iterdir()) == sorted(
        [f"{t}.csv" for t in STORED_TYPES] + ["events_acled.csv"])
    assert "articles.csv" in {p.name for p in (tmp_path / "t").iterdir()}
    header = (tmp_path / "t" / "events_acled.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("event_id,event_date,event_type,sub_event_type,action,cameo,actor1,actor2")


def test_compare_finds_the_planted_copy(monkeypatch):
    monkeypatch.chdir(REPO)
    wire = "examples/corpus/feeds/wire.jsonl#mna-20240305-korvask-arrests"
    copy = "examples/corpus/html/courier-korvask-arrests.html"
    result = CliRunner().invoke(cli, ["compare", wire, copy, "--embedder", "hashing"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["derivation"]["kind"] == "copy"
    assert payload["similarity"] > 0.5
    passage = payload["derivation"]["passages"][0]
    assert passage["source_text"] and passage["derived_text"]


def test_compare_names_a_missing_document(tmp_path):
    result = CliRunner().invoke(cli, ["compare", str(tmp_path / "nope.txt"), str(tmp_path / "x.txt")])
    assert result.exit_code == 1
    assert "nope.txt: no such file or folder" in result.output
