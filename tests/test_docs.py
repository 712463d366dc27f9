"""Docs kept honest: the README's commands are the ones CI and users run."""

from __future__ import annotations

import re

from conftest import REPO


def _readme_commands() -> list[str]:
    return re.findall(r"```bash\n(.+?)\n```", (REPO / "README.md").read_text(encoding="utf-8"), re.S)


def test_ci_runs_the_readme_test_command():
    test_command = next(c for c in _readme_commands() if "pytest" in c)
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert test_command.strip() in ci


def test_readme_demo_runs_analyze_on_the_example_corpus():
    demo = _readme_commands()[0]
    assert "crosscheck analyze examples/corpus" in demo
    assert (REPO / "examples" / "corpus").is_dir()
