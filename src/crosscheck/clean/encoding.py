"""Text decoded with the wrong charset somewhere upstream ("mojibake"), put right.

A scrape or an export that read UTF-8 bytes as Latin-1 or Windows-1252 hands over "Â£600m" for
"£600m" and "â€œ" for "“". The bytes are gone by the time crosscheck sees the text (a JSONL field,
a page whose declared charset was wrong), so the ingest stage's charset detection cannot help.
Left as it is, the damage is not cosmetic: "Â£600m" reads as 600 of a unit "m" instead of 600
million pounds, and a quotation opened by "â€œ" is not seen as one. ftfy's encoding fixer undoes
such mix-ups where the evidence is clear and leaves other text alone (its other normalisations,
such as straightening quotes, are not applied).
"""

from __future__ import annotations

import re

import ftfy

__all__ = ["repair_encoding"]

# What a UTF-8 sequence read as Latin-1 or Windows-1252 looks like: a lead byte (0xC2-0xF4,
# shown as "Â" to "ô") followed by a continuation byte (0x80-0xBF, shown as a Latin-1 sign, a
# C1 control or one of Windows-1252's own characters there: "€", "™", "“"...), or a stray C1
# control. Text without one needs no repair, and most text has none (ftfy is then not called).
_CONTINUATION = ("\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
                 "\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122")
_SUSPECT = re.compile(f"[\u00c2-\u00f4][{_CONTINUATION}]|[\u0080-\u009f]")


def repair_encoding(text: str) -> str:
    """``text`` with charset mix-ups undone (the same string when it shows none)."""
    if not text or not _SUSPECT.search(text):
        return text
    return ftfy.fix_encoding(text)
