"""The terminal summary printed by ``crosscheck analyze`` (rich; fits 100 columns)."""

from __future__ import annotations

from collections import Counter

from rich.console import Console
from rich.table import Table

from ..records import Article, Rejected, Removal
from ..store import Store

__all__ = ["print_summary"]

_MAX_REJECTED_SHOWN = 15


def print_summary(store: Store, *, console: Console | None = None) -> None:
    console = console or Console(width=100)
    articles = list(store.iter_records(Article, order_by="outlet, published, id"))
    console.print(_outlet_table(articles))
    console.print(_removal_table(store))
    rejected = list(store.iter_records(Rejected, order_by="source, stage, id"))
    if rejected:
        console.print(_rejected_table(rejected))
    console.print(
        f"[bold]{len(articles)}[/] articles from [bold]{len({a.outlet for a in articles})}[/] "
        f"outlets; [bold]{len(rejected)}[/] inputs rejected."
    )


def _outlet_table(articles: list[Article]) -> Table:
    table = Table(title="Articles by outlet", width=100)
    table.add_column("outlet (from)", overflow="fold")
    table.add_column("articles", justify="right")
    table.add_column("published", overflow="fold")
    table.add_column("languages")
    by_outlet: dict[str, list[Article]] = {}
    for article in articles:
        key = f"{article.outlet or '(unknown)'} ({article.outlet_from or '-'})"
        by_outlet.setdefault(key, []).append(article)
    for outlet, group in sorted(by_outlet.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        dates = sorted(a.published for a in group if a.published)
        span = f"{dates[0]} .. {dates[-1]}" if dates else "no dates"
        undated = sum(1 for a in group if not a.published)
        if dates and undated:
            span += f" ({undated} undated)"
        languages = ", ".join(sorted({a.language or "?" for a in group}))
        table.add_row(outlet, str(len(group)), span, languages)
    return table


def _removal_table(store: Store) -> Table:
    counts = Counter((r.stage, r.reason.split(":")[0]) for r in store.iter_records(Removal))
    table = Table(title="Removed while cleaning", width=100)
    table.add_column("stage")
    table.add_column("reason")
    table.add_column("removals", justify="right")
    for (stage, reason), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        table.add_row(stage, reason, str(n))
    return table


def _rejected_table(rejected: list[Rejected]) -> Table:
    table = Table(title=f"Rejected inputs ({len(rejected)})", width=100)
    table.add_column("source", overflow="fold", max_width=40)
    table.add_column("stage")
    table.add_column("reason", overflow="fold")
    for item in rejected[:_MAX_REJECTED_SHOWN]:
        table.add_row(item.source, item.stage, item.reason)
    if len(rejected) > _MAX_REJECTED_SHOWN:
        table.add_row("…", "", f"{len(rejected) - _MAX_REJECTED_SHOWN} more in analysis.json")
    return table
