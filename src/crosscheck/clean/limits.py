"""Bounds on what one document may cost: checked or cut before any costly stage reads it.

Each bound is a setting (``docs/cli.md``). Over a bound a document is rejected with the reason,
or cut with a :class:`~crosscheck.records.Removal` that says what went and why; never silently.

- ``max_page_chars``: an HTML page longer than this is rejected before extraction.
- ``max_markup_depth``: an HTML page whose parsed elements nest deeper than this is rejected
  (checked in ``extract``; the HTML parser itself drops what lies 256 levels deep without a
  word, so a page reaching that is rejected whatever the setting says).
- ``max_token_chars``: a run of characters with no space longer than this (an inlined image, a
  base64 blob, a minified script) is cut out of the text.
- ``max_article_chars``: the text is cut after this many characters, at a paragraph, line or
  word boundary when one lies in the last tenth.

A removal of many characters keeps only its first ``EXCERPT_CHARS`` in ``text`` (the reason
gives the full count), so a 10 MB cut does not become a 10 MB row in the store.
"""

from __future__ import annotations

import re

__all__ = ["EXCERPT_CHARS", "Cut", "page_reason", "cut_long_tokens", "cut_to_length"]

EXCERPT_CHARS = 200
STAGE = "limits"

Cut = tuple[int, str, str]  # (position, text removed (an excerpt when long), reason)

_BREAKS = (re.compile(r"\n\s*\n"), re.compile(r"\n"), re.compile(r"\s"))


def page_reason(html: str, *, max_page_chars: int) -> str | None:
    """Why the page ``html`` is too long to extract, or ``None``."""
    if len(html) > max_page_chars:
        return (f"page is {len(html)} characters, over max_page_chars={max_page_chars}; "
                "raise max_page_chars to read it")
    return None


def cut_long_tokens(text: str, *, max_token_chars: int) -> tuple[str, list[Cut]]:
    """``text`` without runs of more than ``max_token_chars`` non-space characters."""
    pattern = re.compile(r"\S{%d,}" % (max_token_chars + 1))
    if pattern.search(text) is None:
        return text, []
    cuts: list[Cut] = []
    kept: list[str] = []
    last = 0
    for run in pattern.finditer(text):
        kept.append(text[last:run.start()])
        reason = (f"a run of {len(run.group())} characters without a space, over "
                  f"max_token_chars={max_token_chars} (an inlined file or data blob)")
        cuts.append((run.start(), _excerpt(run.group()), reason))
        last = run.end()
    kept.append(text[last:])
    return "".join(kept), cuts


def cut_to_length(text: str, *, max_chars: int) -> tuple[str, list[Cut]]:
    """``text`` cut to at most ``max_chars`` characters, at a boundary in the last tenth."""
    if len(text) <= max_chars:
        return text, []
    cut = _boundary(text, max_chars)
    rest = text[cut:]
    reason = (f"article is {len(text)} characters, over max_article_chars={max_chars}: the last "
              f"{len(rest)} characters were cut (raise max_article_chars to keep them)")
    return text[:cut].rstrip(), [(cut, _excerpt(rest), reason)]


def _boundary(text: str, limit: int) -> int:
    window_start = limit - limit // 10
    window = text[window_start:limit]
    for pattern in _BREAKS:
        last = None
        for last in pattern.finditer(window):
            pass
        if last is not None:
            return window_start + last.start()
    return limit


def _excerpt(removed: str) -> str:
    if len(removed) <= EXCERPT_CHARS:
        return removed
    return removed[:EXCERPT_CHARS] + "…"
