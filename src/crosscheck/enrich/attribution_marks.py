"""Quote marks: where quoted passages open and close in a text, found by a scanner rather than
the parser (the small spaCy model often attaches quoted clauses to the wrong verb)."""

from __future__ import annotations

import re

__all__ = ["find_quote_marks", "MAX_QUOTE_CHARS", "PARAGRAPH"]

MAX_QUOTE_CHARS = 3000

_OPENERS = {"“": "”", "«": "»", "„": "“”", "‹": "›", "‘": "’", '"': '"', "'": "'"}
_DOUBLE = frozenset("“«„\"")
#: A line break: paragraphs end there, and so does an unclosed quote.
# Cleaned article text holds one paragraph per line, so any line break ends a paragraph.
PARAGRAPH = re.compile(r"\n")
_PARAGRAPH = PARAGRAPH
_SENTENCE_END = re.compile(r"[.!?…](?=[\s\"”’»]|$)")


def find_quote_marks(text: str) -> list[tuple[int, int]]:
    """``[open, close)`` spans of quoted passages, marks included, in text order.

    A mark opens a quote only at a word's start and closes only at a word's end, so apostrophes
    (“MEK’s”, "don't") are not quotes. An opener with no closer in its paragraph ends at the
    paragraph's end, or at a sentence end when that is beyond ``MAX_QUOTE_CHARS``; unpaired
    single marks are dropped. Time is linear in the text times the cap.
    """
    spans: list[tuple[int, int]] = []
    position = 0
    for match in re.finditer(r"[“«„‹‘\"']", text):
        start = match.start()
        if start < position or not _opens(text, start):
            continue
        end = _closing(text, start)
        if end is not None:
            spans.append((start, end))
            position = end
    return spans


def _opens(text: str, i: int) -> bool:
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    if after.isspace():
        return False
    return not before.isalnum() and before not in ".,;!?"


def _closes(text: str, i: int) -> bool:
    before = text[i - 1]
    after = text[i + 1] if i + 1 < len(text) else " "
    return not before.isspace() and not after.isalnum()


def _closing(text: str, start: int) -> int | None:
    closers = _OPENERS[text[start]]
    paragraph = _PARAGRAPH.search(text, start, start + MAX_QUOTE_CHARS)
    limit = paragraph.start() if paragraph else min(len(text), start + MAX_QUOTE_CHARS)
    for i in range(start + 2, limit):
        if text[i] in closers and _closes(text, i):
            return i + 1
    if text[start] not in _DOUBLE:
        return None
    if paragraph is None and limit < len(text):
        ends = list(_SENTENCE_END.finditer(text, start, limit))
        limit = ends[-1].end() if ends else limit
    return limit if limit - start > 2 else None
