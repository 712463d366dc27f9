"""Short excerpts of article text for readers: cut at a word boundary, marked with "…".

A finding that quotes "the security in the provi" reads as a typo in the article; the excerpt
ends on the last whole word that fits (or cuts inside a word only when a single word is longer
than the room), with runs of whitespace folded to one space.
"""

from __future__ import annotations

import re

__all__ = ["excerpt", "titled_label"]

_SPACE = re.compile(r"\s+")


def excerpt(text: str, limit: int) -> str:
    """``text`` in at most ``limit`` characters, the ellipsis included when it is cut."""
    text = _SPACE.sub(" ", text).strip()
    if len(text) <= limit:
        return text
    room = text[: max(1, limit - 1)]
    cut = room.rfind(" ")
    if cut >= limit // 2:  # a word boundary not too far back
        room = room[:cut]
    return room.rstrip(" ,;:-–—") + "…"


def titled_label(label: str, title: str | None) -> str:
    """An article named by its outlet (``label``) and headline: one outlet's copies of its own
    stories (or two wire reports) are told apart where a derivation or a finding names both."""
    return f"{label}: {excerpt(title, 48)}" if title else label
