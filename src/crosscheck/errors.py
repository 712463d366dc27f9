"""crosscheck's exceptions, one tree::

    CrosscheckError
    ├── InputError          an input file, row, record or URL that cannot be read or used
    │   ├── FetchError      a URL that could not be fetched (timeout, status, size cap)
    │   │   └── PrivateAddressError   a URL resolving to a private, loopback or link-local address
    │   └── ExtractionError an HTML page or text with no usable article body
    ├── SettingsError       a setting with a bad value
    └── StoreError          the DuckDB store cannot be opened or written

Input errors are caught per document and stored as :class:`~crosscheck.records.Rejected`; the run
goes on. Their message names the file or URL and the problem, and says how to fix it when known.
"""

from __future__ import annotations


class CrosscheckError(Exception):
    """Base of every error crosscheck raises on purpose."""


class InputError(CrosscheckError):
    """An input that cannot be read or used. ``source`` names the file, row or URL."""

    def __init__(self, source: str, reason: str):
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


class FetchError(InputError):
    """A URL that could not be fetched; ``status`` is the HTTP status when one was answered."""

    def __init__(self, source: str, reason: str, *, status: int | None = None):
        super().__init__(source, reason)
        self.status = status


class PrivateAddressError(FetchError):
    """A URL that resolves to a private, loopback or link-local address."""


class ExtractionError(InputError):
    """A page or text with no usable article body."""


class SettingsError(CrosscheckError):
    """A setting with a value outside what it accepts."""


class StoreError(CrosscheckError):
    """The store cannot be opened or written."""
