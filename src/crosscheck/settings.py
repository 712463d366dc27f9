"""Declared, documented, validated settings.

Each setting has a name, a default, a type and a help line; ``docs/cli.md`` lists them all (a
test checks that). Settings travel to worker processes, so they are a frozen, picklable record.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from typing import Any

from .errors import SettingsError

__all__ = ["Settings", "SETTINGS_HELP"]


def _setting(default: Any, help: str, *, minimum: float | None = None) -> Any:
    return field(default=default, metadata={"help": help, "minimum": minimum})


def _default_workers() -> int:
    return max(2, min(8, os.cpu_count() or 2))


@dataclass(frozen=True)
class Settings:
    workers: int = _setting(_default_workers(), "worker processes for per-article stages (1 runs in-process)", minimum=1)
    batch_size: int = _setting(64, "documents per batch; memory is bounded by batch size, not corpus size", minimum=1)
    strict: bool = _setting(False, "exit non-zero when any input is rejected")
    allow_private: bool = _setting(False, "allow fetching URLs on private, loopback or link-local addresses")
    fetch_timeout: float = _setting(20.0, "seconds before a fetch gives up (connect and read)", minimum=0.1)
    fetch_retries: int = _setting(2, "retries after a failed fetch, with exponential backoff", minimum=0)
    fetch_backoff: float = _setting(0.5, "seconds before the first retry; doubles on each retry", minimum=0)
    max_retry_after: float = _setting(120.0, "longest wait a server's Retry-After (on 429 or 503) is honoured for; a longer one gives the URL up until the next run", minimum=0)
    watch_max_entries: int = _setting(500, "crosscheck watch: new entries taken from one feed per round; the rest wait for the next round (a feed that grows without end costs a bounded round)", minimum=1)
    host_delay: float = _setting(1.0, "crosscheck watch: seconds between two requests to one host", minimum=0)
    max_bytes: int = _setting(20_000_000, "largest input file or response body accepted, in bytes", minimum=1)
    user_agent: str = _setting("crosscheck/0.1 (+news cross-checking; local research tool)", "User-Agent sent with every fetch")
    jsonl_date_fields: str = _setting("", "comma-separated JSONL row fields to read as the publication date before the recognised ones (published, published_at, published_raw, publication_date, date_published, datePublished, pubdate, date)")
    max_page_chars: int = _setting(5_000_000, "an HTML page longer than this, in characters, is rejected before extraction", minimum=1)
    max_markup_depth: int = _setting(255, "an HTML page whose elements nest deeper than this is rejected (the HTML parser drops anything 256 deep, so such a page is always rejected)", minimum=1)
    max_article_chars: int = _setting(200_000, "an article's text is cut after this many characters (the cut is recorded as a removal)", minimum=1)
    max_token_chars: int = _setting(1000, "a run of characters with no space longer than this is cut from the text (recorded as a removal)", minimum=1)
    max_sentence_tokens: int = _setting(250, "a sentence is ended after this many tokens when the parser finds no end sooner", minimum=10)
    min_text_chars: int = _setting(80, "articles with less cleaned text than this are rejected", minimum=0)
    boilerplate_min_articles: int = _setting(2, "a line recurring in at least this many articles of one outlet is boilerplate", minimum=2)
    boilerplate_corpus_share: float = _setting(0.2, "share of the whole corpus a line must recur in to be boilerplate corpus-wide", minimum=0)
    embedder: str = _setting("wordllama", "sentence embeddings for paraphrase alignment: wordllama, minilm (needs the embeddings extra) or hashing")
    technique_tagger: str = _setting("hashed", "learned tagger of propaganda-technique spans: hashed (numpy only), contextual (a head over MiniLM's hidden states: more precise spans, slower), finetuned (MiniLM with its top layer fine-tuned: as precise overall, more precise in its confident spans, as slow) or ensemble (per technique the average of those three taggers' probabilities that cross-validation chose: one encoder pass, as slow as finetuned); contextual, finetuned and ensemble need the embeddings extra, without which hashed is used")
    neardup_threshold: float = _setting(0.3, "estimated Jaccard of word 5-gram shingles from which two articles are compared as possible copies", minimum=0.01)
    neardup_pairs_per_article: int = _setting(20, "an article with more near-duplicates than this is aligned with this many of them: its earliest-published, its most central and its nearest (a cluster of copies then costs time linear in its size; a pair is kept when either article keeps it)", minimum=1)
    shard_dir: str = _setting("", "folder for Parquet shards: enrichment and assessment tasks write their records there and the driver loads the files (for a Ray cluster whose workers share a filesystem with the driver); empty: records travel back with each task's result")
    incremental_stories: bool = _setting(False, "on a store analysed before, place new articles in the stories they reach and cluster only those again, keeping the other stories (faster on a large store; stories may then differ from a batch run, see docs/scaling.md); false: cluster the whole corpus again, as a batch run does")
    story_pairs_per_article: int = _setting(10, "in a large story, how many most similar articles each article is compared with for reuse", minimum=1)
    alias_table: str = _setting("", "path of your own alias table (canonical<TAB>type<TAB>alias rows, see docs/formats.md), added to the shipped one")

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            expected = type(f.default)
            if expected is float and isinstance(value, int) and not isinstance(value, bool):
                object.__setattr__(self, f.name, float(value))
                value = float(value)
            if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
                raise SettingsError(f"setting {f.name!r} must be {expected.__name__}, got {value!r}")
            minimum = f.metadata.get("minimum")
            if minimum is not None and value < minimum:
                raise SettingsError(f"setting {f.name!r} must be at least {minimum}, got {value!r}")

    def with_(self, **changes: Any) -> "Settings":
        """A copy with ``changes`` applied (``None`` values are ignored)."""
        unknown = set(changes) - {f.name for f in fields(self)}
        if unknown:
            raise SettingsError(f"unknown setting(s): {', '.join(sorted(unknown))}")
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


SETTINGS_HELP: dict[str, str] = {f.name: f.metadata["help"] for f in fields(Settings)}
