"""The terminal summary printed by ``crosscheck analyze`` (rich; fits 100 columns).

What a reader wants first: the stories, the claims with most conflicts and fewest independent
origins, who derived from whom, the names each outlet uses, and the findings; then where the
articles came from and what cleaning removed. Everything else is in analysis.json and the report.
"""

from __future__ import annotations

from collections import Counter

from rich.console import Console
from rich.table import Table

from ..excerpt import excerpt
from ..records import Article, Rejected, Removal, outlet_label
from ..store import Store
from .sections import SECTIONS
from .views import date_span, most_used_name, names_differ, titled_label

__all__ = ["print_summary"]

_MAX_ROWS = 12
_WIDTH = 100


def print_summary(store: Store, *, console: Console | None = None,
                  sections: dict[str, list[dict]] | None = None) -> None:
    """Print the summary; ``sections`` are analysis.json's, when the caller has built them."""
    console = console or Console(width=_WIDTH)
    wanted = ("stories", "events", "claim_groups", "derivations", "entities", "findings")
    found = {key: sections[key] if sections is not None else SECTIONS[key](store) for key in wanted}
    articles = {a.id: a for a in store.iter_records(Article, order_by="outlet, published, id")}
    label = {i: _label(a) for i, a in articles.items()}
    titled = {i: _titled(a) for i, a in articles.items()}
    for table in (_stories(found["stories"], label), _events(found["events"]),
                  _claim_groups(found["claim_groups"]),
                  _derivations(found["derivations"], titled), _naming(found["entities"]),
                  _findings(found["findings"], label), _outlet_table(list(articles.values())),
                  _removal_table(store)):
        if table.row_count:
            console.print(table)
    rejected = list(store.iter_records(Rejected, order_by="source, stage, id"))
    if rejected:
        console.print(_rejected_table(rejected))
    console.print(
        f"[bold]{len(articles)}[/] articles from [bold]{len({a.outlet for a in articles.values()})}[/] "
        f"outlets; [bold]{len(rejected)}[/] inputs rejected."
    )


def _label(article: Article) -> str:
    """An outlet name, or the file name when the outlet is unknown."""
    return outlet_label(article.outlet, article.source)


def _titled(article: Article) -> str:
    """The outlet with the article's headline (:func:`crosscheck.excerpt.titled_label`)."""
    return titled_label(_label(article), article.title)


def _table(title: str, *columns: str) -> Table:
    table = Table(title=title, width=_WIDTH, title_justify="left")
    for column in columns:
        table.add_column(column, overflow="fold")
    return table


def _more(table: Table, total: int) -> None:
    if total > _MAX_ROWS:
        table.add_row("…", f"{total - _MAX_ROWS} more in analysis.json")


def _stories(stories: list[dict], label: dict[str, str]) -> Table:
    table = _table("Stories", "story", "articles", "outlets", "dates")
    stories = sorted(stories, key=lambda s: (-len(s["articles"]), s["id"]))
    for story in stories[:_MAX_ROWS]:
        outlets = sorted({label[a] for a in story["articles"] if a in label})
        dates = " .. ".join(d for d in (story["first_published"], story["last_published"]) if d) or "undated"
        table.add_row(story["title"], str(len(story["articles"])), ", ".join(outlets[:6]), dates)
    _more(table, len(stories))
    return table


def _events(events: list[dict]) -> Table:
    """Events with the most articles first: what happened, where, when, how many, on whose
    word, and from how many independent origins."""
    table = _table("Events: what happened, where, when, how many", "event", "where", "when",
                   "said by", "origins / articles", "conflicts")
    ranked = sorted(events, key=lambda e: (-len(e["articles"]), -len(e["conflicts"]), e["id"]))
    for event in ranked[:_MAX_ROWS]:
        what = event["action"] + (f" {event['count']['text']}" if event["count"] else "")
        where = ", ".join(p["name"] for p in event["places"][:3]) or "-"
        when = _when(event["time"])
        said = "; ".join(event["attributed_to"][:2]) or "-"
        table.add_row(what, where, when, said, f"{event['origins']} / {len(event['articles'])}",
                      ", ".join(c["slot"] for c in event["conflicts"]) or "-")
    _more(table, len(ranked))
    return table


def _when(time: dict | None) -> str:
    """The time as the article words it, with the dates it was resolved to."""
    if not time:
        return "-"
    text, start, end = time.get("text") or "", time.get("start"), time.get("end")
    if not start:
        return text or "-"
    dates = date_span(start, end)
    return f"{text} ({dates})" if text and text != dates else dates


def _claim_groups(groups: list[dict]) -> Table:
    table = _table("Claims: most conflicts, fewest independent origins", "claim", "articles",
                   "origins", "conflicts")
    groups = sorted(groups,
                    key=lambda g: (-len(g["conflicts"]), g["origins"] - len(g["articles"]), g["id"]))
    for group in groups[:_MAX_ROWS]:
        conflicts = "; ".join(
            f"{c['slot']}: " + " / ".join(dict.fromkeys(excerpt(v["value"], 30) for v in c["values"]))
            for c in group["conflicts"])
        table.add_row(group["key"], str(len(group["articles"])), str(group["origins"]), conflicts or "-")
    _more(table, len(groups))
    return table


def _derivations(derivations: list[dict], label: dict[str, str]) -> Table:
    table = _table("Who derived from whom", "source", "derived", "kind", "direction")
    derivations = sorted(derivations, key=lambda d: (-d["score"], d["id"]))
    for d in derivations[:_MAX_ROWS]:
        table.add_row(label.get(d["source"], d["source"]), label.get(d["derived"], d["derived"]),
                      f"{d['kind']} {d['score']:.2f}",
                      "shared source" if d.get("relation") == "shared_source" else d["direction"])
    _more(table, len(derivations))
    return table


def _naming(entities: list[dict]) -> Table:
    """Entities that outlets name differently: the naming choice is itself a finding."""
    table = _table("Names used per outlet", "entity", "names by outlet")
    rows = []
    for entity in entities:
        chosen = {outlet.rsplit("/", 1)[-1]: most_used_name(counts)
                  for outlet, counts in entity["names_by_outlet"].items()}
        if names_differ(chosen.values()):  # outlets disagree on what to call it, not its spelling
            rows.append((-len(entity["articles"]), entity["id"], entity["name"], chosen))
    for _, _, name, chosen in sorted(rows)[:_MAX_ROWS // 2]:
        table.add_row(name, "; ".join(f"{outlet}: {alias}" for outlet, alias in chosen.items()))
    return table


def _findings(findings: list[dict], label: dict[str, str]) -> Table:
    table = _table("Findings", "kind", "outlet", "detail")
    order = {"internal_inconsistency": 0, "quote_moved": 1, "hedge_dropped": 1, "number_changed": 2,
             "unattributed_figure": 3, "single_origin": 4}
    findings = sorted(findings, key=lambda f: (order.get(f["kind"], 9), f["article"]))
    for finding in findings[:_MAX_ROWS]:
        table.add_row(finding["kind"], label.get(finding["article"], ""), finding["detail"])
    _more(table, len(findings))
    return table


def _outlet_table(articles: list[Article]) -> Table:
    table = _table("Articles by outlet", "outlet (from)", "articles", "published", "languages")
    by_outlet: dict[str, list[Article]] = {}
    for article in articles:
        key = f"{article.outlet or '(unknown)'} ({article.outlet_from or '-'})"
        by_outlet.setdefault(key, []).append(article)
    for outlet, group in sorted(by_outlet.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:_MAX_ROWS]:
        dates = sorted(a.published for a in group if a.published)
        span = f"{dates[0]} .. {dates[-1]}" if dates else "no dates"
        undated = sum(1 for a in group if not a.published)
        if dates and undated:
            span += f" ({undated} undated)"
        languages = ", ".join(sorted({a.language or "?" for a in group}))
        table.add_row(outlet, str(len(group)), span, languages)
    _more(table, len(by_outlet))
    return table


def _removal_table(store: Store) -> Table:
    counts = Counter((r.stage, r.reason.split(":")[0]) for r in store.iter_records(Removal))
    table = _table("Removed while cleaning", "stage", "reason", "removals")
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    for (stage, reason), n in ranked[:_MAX_ROWS]:
        table.add_row(stage, reason, str(n))
    _more(table, len(ranked))
    return table


def _rejected_table(rejected: list[Rejected]) -> Table:
    table = _table(f"Rejected inputs ({len(rejected)})", "source", "stage", "reason")
    for item in rejected[:_MAX_ROWS]:
        table.add_row(item.source, item.stage, item.reason)
    _more(table, len(rejected))
    return table
