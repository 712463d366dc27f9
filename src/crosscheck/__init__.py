"""crosscheck: cross-check news coverage across outlets.

Library first; the CLI (``crosscheck.cli``) and the reports are thin shells over it.
"""

from __future__ import annotations

__version__ = "0.2.0"

from .errors import CrosscheckError, InputError
from .records import Article, Draft, RawDocument, Rejected, Removal
from .settings import Settings

__all__ = [
    "__version__",
    "Article",
    "CrosscheckError",
    "Draft",
    "InputError",
    "RawDocument",
    "Rejected",
    "Removal",
    "Settings",
]
