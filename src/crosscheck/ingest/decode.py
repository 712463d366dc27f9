"""Bytes to text: byte-order mark, declared charset, UTF-8, then a statistical guess.

News pages in the wild lie about their encoding, mix UTF-8 with a legacy code page, or are not
text at all. Decoding never fails on a merely badly encoded page (bad bytes become U+FFFD); it
refuses only content that is plainly binary.
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer

from ..errors import InputError

__all__ = ["decode_bytes", "charset_from_content_type"]

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9._:-]+)""", re.IGNORECASE)
# Browsers read these labels as windows-1252; pages labelled latin-1 routinely use its extra
# characters (curly quotes, dashes), so we do the same.
_WINDOWS_1252_LABELS = {"iso-8859-1", "iso8859-1", "latin-1", "latin1", "us-ascii", "ascii"}
_META_SCAN_BYTES = 4096


def charset_from_content_type(content_type: str | None) -> str | None:
    """The ``charset`` parameter of an HTTP ``Content-Type`` value, if any."""
    if not content_type:
        return None
    match = _HEADER_CHARSET.search(content_type)
    return match.group(1) if match else None


def decode_bytes(data: bytes, *, source: str, declared: str | None = None, html: bool = False) -> str:
    """Decode ``data`` read from ``source`` (named in errors).

    Order: byte-order mark, ``declared`` (e.g. an HTTP header), an HTML ``<meta>`` charset when
    ``html``, strict UTF-8, mostly-UTF-8 with replacement, then charset-normalizer's best guess.
    Raises :class:`InputError` for binary content.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(encoding, errors="replace")
    if b"\x00" in data:
        raise InputError(source, "binary content (NUL bytes), not text")
    labels = [declared, _meta_charset(data) if html else None]
    for label in labels:
        text = _try_decode(data, label)
        if text is not None:
            return text
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if _mostly_utf8(data):
        return data.decode("utf-8", errors="replace")
    return _guess(data, source=source)


def _meta_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:_META_SCAN_BYTES])
    return match.group(1).decode("ascii") if match else None


def _try_decode(data: bytes, label: str | None) -> str | None:
    """Strict decode with a declared label; ``None`` when the label is unknown or wrong."""
    if not label:
        return None
    label = label.strip().lower()
    if label in _WINDOWS_1252_LABELS:
        label = "cp1252"
    try:
        return data.decode(label)
    except (LookupError, UnicodeDecodeError):
        return None


def _mostly_utf8(data: bytes) -> bool:
    """True when UTF-8 explains the non-ASCII bytes better than a legacy code page would.

    A file that is UTF-8 with a few stray legacy bytes (pasted from another page) holds valid
    multi-byte sequences; a file wholly in a legacy code page almost never does.
    """
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    good = sum(1 for ch in text if ord(ch) > 0x7F and ch != "\ufffd")
    return good > 0 and good >= bad


def _guess(data: bytes, *, source: str) -> str:
    matches = charset_normalizer.from_bytes(data)
    best = matches.best()
    if best is None:
        raise InputError(source, "binary content, not decodable as text")
    # Short Western texts fit several Latin code pages equally well; windows-1252 is by far the
    # commonest on news sites, so it wins a tie.
    for match in matches:
        if match.encoding == "cp1252" and match.chaos <= best.chaos:
            return str(match)
    return str(best)
