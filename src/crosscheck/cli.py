"""The ``crosscheck`` command: a thin shell over the library."""

from __future__ import annotations

import json
import sys
from dataclasses import fields
from pathlib import Path

import click
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from . import __version__
from .clean import clean_document
from .engine import make_engine
from .errors import CrosscheckError
from .ingest import iter_documents
from .pipeline import STAGES, run
from .records import Article, Draft, Rejected, Removal
from .report.changes import changes_between, print_changes, snapshot
from .report.event_sections import export_event_rows
from .report.html import write_report
from .report.json import write_analysis
from .report.sections import build_sections
from .report.terminal import print_summary
from .settings import SETTINGS_HELP, Settings
from .store import EXPORT_FORMATS, Store, export

__all__ = ["main"]

_EXAMPLE_INPUTS = "examples/"
_IDS_CHANGED = ("Note: {db} was written by an earlier crosscheck whose article ids depended on the "
                "folder the input lay in. {n} document(s) read again now have ids that do not, and "
                "replace their old records; derivations, stories and claim groups were recomputed "
                "with the new ids. Documents not read again keep their old ids.")


def _parse_sets(pairs: tuple[str, ...]) -> dict[str, object]:
    """``--set name=value`` pairs, typed by the setting they name."""
    kinds = {f.name: type(f.default) for f in fields(Settings)}
    changes: dict[str, object] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        name = name.strip().replace("-", "_")
        if not sep or name not in kinds:
            known = ", ".join(sorted(kinds))
            raise click.BadParameter(f"{pair!r}: expected NAME=VALUE with NAME one of {known}",
                                     param_hint="--set")
        try:
            changes[name] = value.lower() in ("1", "true", "yes") if kinds[name] is bool else kinds[name](value)
        except ValueError:
            raise click.BadParameter(f"{pair!r}: {value!r} is not a {kinds[name].__name__}",
                                     param_hint="--set") from None
    return changes


def _settings(sets: tuple[str, ...], **flags: object) -> Settings:
    try:
        return Settings().with_(**_parse_sets(sets), **flags)
    except CrosscheckError as exc:
        raise click.UsageError(str(exc)) from None


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="crosscheck")
def cli() -> None:
    """Cross-check news coverage: who copied whom, what each outlet claims, and how many
    independent origins stand behind it.

    Example:

        crosscheck analyze examples/corpus --out out/
    """


@cli.command()
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@click.option("--out", "out_dir", default="crosscheck-out", show_default=True,
              type=click.Path(file_okay=False), help="Folder for analysis.json and the store.")
@click.option("--db", "db_path", type=click.Path(dir_okay=False),
              help="DuckDB store to use [default: OUT/crosscheck.duckdb].")
@click.option("--engine", "engine_name", type=click.Choice(["local", "ray"]), default="local",
              show_default=True, help="Where per-article stages run.")
@click.option("--address", help="Ray cluster address, with --engine ray (default: start one locally).")
@click.option("--workers", type=int, help="Worker processes [default: CPU count, 2 to 8].")
@click.option("--batch-size", type=int, help="Documents per batch [default: 64].")
@click.option("--allow-private", is_flag=True, default=None,
              help="Allow fetching URLs on private, loopback or link-local addresses.")
@click.option("--strict", is_flag=True, default=None, help="Exit with status 1 if any input is rejected.")
@click.option("--set", "sets", multiple=True, metavar="NAME=VALUE",
              help="Any other setting (see docs/cli.md), e.g. --set fetch_timeout=5.")
@click.option("--until", type=click.Choice(list(STAGES)), default="assess", show_default=True,
              help="Stop after this stage (e.g. clean only, or enrich without linking).")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no summary.")
def analyze(inputs, out_dir, db_path, engine_name, address, workers, batch_size, allow_private,
            strict, sets, until, quiet) -> None:
    """Analyze INPUT... (files, folders, JSONL, WARC, feeds, URL lists or URLs) and write
    OUT/analysis.json and the store. Re-running resumes where a run stopped; a re-run on the
    same input changes nothing.

    Example:

        crosscheck analyze examples/corpus --out out/

        crosscheck analyze pages/ feed.xml https://example.org/story --out run1/ --strict
    """
    settings = _settings(sets, workers=workers, batch_size=batch_size,
                         allow_private=allow_private, strict=strict)
    out = Path(out_dir)
    console = Console(stderr=True, width=100, quiet=quiet)
    engine = make_engine(engine_name, settings=settings, address=address)
    try:
        with Store(db_path or out / "crosscheck.duckdb") as store:
            # a store analysed before: the summary says what this run added to it
            before = snapshot(store) if until == "assess" and store.marker("assess") else None
            with _progress(console) as note:
                summary = run(inputs, store=store, settings=settings, engine=engine, progress=note,
                              until=until)
            if summary.ids_changed:
                click.echo(_IDS_CHANGED.format(n=summary.ids_changed, db=store.path), err=True)
            sections = build_sections(store)  # once, for the three outputs
            path = write_analysis(store, out / "analysis.json", sections=sections)
            report = write_report(store, out / "report.html", sections=sections)
            if not quiet:
                print_summary(store, console=Console(width=100), sections=sections)
                if before is not None:
                    print_changes(changes_between(before, snapshot(store)), console=Console(width=100),
                                  title="Changes since the last run")
                click.echo(f"Wrote {path} and {report}")
    except CrosscheckError as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:  # a full disk while writing outputs or temporary files
        raise click.ClickException(
            f"{exc.strerror or exc}{': ' + str(exc.filename) if exc.filename else ''}. The store "
            "holds every batch written before this; fix the cause and run again to resume") from None
    finally:
        engine.close()
    if settings.strict and summary.rejected:
        click.echo(f"{len(summary.rejected)} input(s) rejected and --strict is set.", err=True)
        sys.exit(1)


class _progress:
    """A rich progress display fed by the pipeline's ``progress(stage, n)`` callback."""

    def __init__(self, console: Console):
        self._bar = Progress(SpinnerColumn(), TextColumn("{task.description}"),
                             TextColumn("{task.completed:>8.0f}"), TimeElapsedColumn(),
                             console=console, transient=False)
        self._tasks: dict[str, int] = {}

    def __enter__(self):
        self._bar.start()
        return self.note

    def __exit__(self, *exc: object) -> None:
        self._bar.stop()

    def note(self, stage: str, n: int) -> None:
        if stage not in self._tasks:
            label = {"clean": "cleaned", "skipped": "already stored, skipped",
                     "boilerplate": "boilerplate removed", "enrich": "enriched",
                     "link": "pairs compared", "assess": "assessed"}.get(stage, stage)
            self._tasks[stage] = self._bar.add_task(label, total=None)
        self._bar.advance(self._tasks[stage], n)


@cli.command()
@click.argument("file")
@click.option("--allow-private", is_flag=True, default=None, help="Allow private addresses when FILE is a URL.")
def extract(file: str, allow_private: bool | None) -> None:
    """Print one article's cleaned text, metadata and enrichments as JSON.

    FILE is a page, text, JSONL, WARC or feed file (or a URL). When it holds several documents,
    pick one with FILE#ID (the id or line number shown in `source`), or get a JSON list.

    Example:

        crosscheck extract examples/corpus/html/some-page.html
    """
    settings = _settings((), allow_private=allow_private, workers=1)
    documents = [_extract_one(item, settings) for item in _documents_named(file, settings)]
    payload = documents[0] if len(documents) == 1 else documents
    click.echo(json.dumps(payload, ensure_ascii=False, indent=1))
    if all("rejected" in d for d in documents):
        sys.exit(1)


def _documents_named(spec: str, settings: Settings) -> list:
    """The documents (or rejects) of ``spec``: a file, a URL, or ``FILE#ID`` for one document of
    a JSONL, WARC or feed file. Says so when nothing matches."""
    path, _, wanted = spec.partition("#") if not Path(spec).exists() else (spec, "", "")
    found = [item for item in iter_documents([path], settings=settings)
             if not wanted or item.source.endswith(f"#{wanted}")]
    if not found:
        raise click.ClickException(f"{spec}: no document found" + (f" with id {wanted!r}" if wanted else ""))
    return found


def _extract_one(item, settings: Settings) -> dict:
    records = [item] if isinstance(item, Rejected) else clean_document(item, settings=settings)
    draft = next((r for r in records if isinstance(r, Draft)), None)
    if draft is None:
        rejected = next(r for r in records if isinstance(r, Rejected))
        return {"source": rejected.source, "rejected": {"stage": rejected.stage, "reason": rejected.reason}}
    from .enrich import enrich_text

    removals = [r for r in records if isinstance(r, Removal)]
    enriched = enrich_text(draft.text, published=draft.published, title=draft.title, settings=settings)
    problems = enriched.pop("rejected")
    payload = {
        "source": draft.source, "title": draft.title, "outlet": draft.outlet,
        "published": draft.published, "published_from": draft.published_from,
        "language": draft.language, "text": draft.text,
        "removed": [{"text": r.text, "reason": r.reason, "stage": r.stage} for r in removals],
        **enriched,
    }
    if problems:
        payload["enrich_problems"] = problems
    return payload


def _one_article(spec: str, settings: Settings) -> Article:
    """The cleaned article named by ``spec`` (a file, ``FILE#ID`` or a URL) for ``compare``."""
    item = _documents_named(spec, settings)[0]
    if isinstance(item, Rejected):
        raise click.ClickException(f"{item.source}: {item.reason}")
    records = clean_document(item, settings=settings)
    draft = next((r for r in records if isinstance(r, Draft)), None)
    if draft is None:
        rejected = next(r for r in records if isinstance(r, Rejected))
        raise click.ClickException(f"{rejected.source}: {rejected.reason}")
    return Article(**{f.name: getattr(draft, f.name) for f in fields(Article)})


def _shingle_jaccard(a: str, b: str, size: int = 5) -> float:
    from .link.minhash import words

    def grams(text: str) -> set[tuple[str, ...]]:
        tokens = words(text)
        return {tuple(tokens[i:i + size]) for i in range(max(0, len(tokens) - size + 1))}

    first, second = grams(a), grams(b)
    return len(first & second) / len(first | second) if first and second else 0.0


@cli.command()
@click.argument("first")
@click.argument("second")
@click.option("--embedder", default=None, help="Sentence embedder for paraphrases [default: setting embedder].")
@click.option("--allow-private", is_flag=True, default=None, help="Allow private addresses for URLs.")
def compare(first: str, second: str, embedder: str | None, allow_private: bool | None) -> None:
    """Compare two articles: similarity, derivation kind and direction, aligned passages.

    Each of FIRST and SECOND is a page, text, a URL, or FILE#ID for one document of a JSONL,
    WARC or feed file. Passages are shown with their text on both sides.

    Example:

        crosscheck compare examples/corpus/feeds/wire.jsonl#mna-20240305-korvask-arrests examples/corpus/html/courier-korvask-arrests.html
    """
    from .link import compare_articles
    from .link.paraphrase import get_embedder

    settings = _settings((), allow_private=allow_private, workers=1, embedder=embedder)
    a, b = _one_article(first, settings), _one_article(second, settings)
    try:
        model = get_embedder(settings.embedder)
    except CrosscheckError as exc:
        raise click.ClickException(str(exc)) from None
    found = compare_articles(a, b, embedder=model)
    click.echo(json.dumps(_comparison(a, b, found), ensure_ascii=False, indent=1))


def _comparison(a: Article, b: Article, found) -> dict:
    articles = {x.id: x for x in (a, b)}
    result = {
        "articles": [{"id": x.id, "source": x.source, "outlet": x.outlet, "title": x.title,
                      "published": x.published} for x in (a, b)],
        "similarity": round(_shingle_jaccard(a.text, b.text), 4),
        "derivation": None,
    }
    if found is None:
        return result
    derivation, passages = found
    source, derived = articles[derivation.source], articles[derivation.derived]
    result["derivation"] = {
        "source": derivation.source, "derived": derivation.derived, "kind": derivation.kind,
        "score": derivation.score, "similarity": derivation.similarity,
        "direction": derivation.direction, "evidence": derivation.evidence,
        "passages": [
            {"kind": p.kind, "similarity": round(p.similarity, 4),
             "source_span": [p.source_start, p.source_end],
             "derived_span": [p.derived_start, p.derived_end],
             "source_text": source.text[p.source_start:p.source_end],
             "derived_text": derived.text[p.derived_start:p.derived_end]}
            for p in sorted(passages, key=lambda p: (p.derived_start, p.id))
        ],
    }
    return result


@cli.command("export")
@click.argument("db", type=click.Path(exists=True, dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS), default="parquet", show_default=True)
@click.option("--out", "out_dir", default="crosscheck-export", show_default=True,
              type=click.Path(file_okay=False), help="Folder for one file per table.")
def export_cmd(db: str, fmt: str, out_dir: str) -> None:
    """Export every table of the store DB as JSON, Parquet or CSV, one file per table, and the
    events as ACLED-like rows (events_acled.FMT: event_date, event_type, actor1, admin1,
    latitude, ... with crosscheck's origins, articles and conflicts).

    Example:

        crosscheck export out/crosscheck.duckdb --format csv --out tables/
    """
    try:
        with Store(db, read_only=True) as store:
            for path in export(store, out_dir, fmt=fmt):
                click.echo(str(path))
            click.echo(str(export_event_rows(store, out_dir, fmt=fmt)))
    except CrosscheckError as exc:
        raise click.ClickException(str(exc)) from None


@cli.command("settings")
def settings_cmd() -> None:
    """List every setting with its default and what it does (change one with --set).

    Example:

        crosscheck settings
    """
    defaults = Settings()
    for name, help_text in SETTINGS_HELP.items():
        click.echo(f"{name} = {getattr(defaults, name)!r}\n    {help_text}")


@cli.command("serve")
@click.argument("db", type=click.Path(dir_okay=False))
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; anything but loopback exposes the UI to the network.")
@click.option("--port", default=8765, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on (0 picks a free one).")
@click.option("--max-connections", default=64, show_default=True, type=click.IntRange(1),
              help="Connections served at once; beyond, requests are answered 503.")
@click.option("--get", "get_path", metavar="PATH",
              help="Answer one request for PATH in-process, print the body and exit (no server).")
def serve_cmd(db: str, host: str, port: int, max_connections: int, get_path: str | None) -> None:
    """Browse the store DB in a local, read-only web UI (stories, provenance, claims, search)
    with a JSON API under /api.

    Example:

        crosscheck serve out/crosscheck.duckdb

        crosscheck serve out/crosscheck.duckdb --get "/api/stories?limit=5"
    """
    from .web.app import WebApp, serve

    try:
        app = WebApp(db)
    except (CrosscheckError, FileNotFoundError) as exc:
        raise click.ClickException(str(exc)) from None
    try:
        if get_path is not None:
            response = app.handle(get_path if get_path.startswith("/") else "/" + get_path)
            click.echo(response.body.decode("utf-8"), nl=False)
            sys.exit(0 if response.status < 400 else 1)
        serve(app, host=host, port=port, max_connections=max_connections,
              ready=lambda url: click.echo(f"Serving {db} read-only at {url} (Ctrl-C stops)", err=True))
    except KeyboardInterrupt:
        pass
    except OSError as exc:
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc}") from None
    finally:
        app.close()


@cli.command("watch")
@click.argument("sources", nargs=-1, required=True, metavar="SOURCES...")
@click.option("--db", "db_path", required=True, type=click.Path(dir_okay=False),
              help="DuckDB store to keep current (created if missing).")
@click.option("--every", default="15m", show_default=True,
              help="Time between the starts of two rounds: 90s, 15m, 2h or 1d.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False),
              help="Rewrite OUT/analysis.json (with what changed) and OUT/report.html after each round.")
@click.option("--once", is_flag=True, help="Run one round and exit.")
@click.option("--allow-private", is_flag=True, default=None,
              help="Allow fetching URLs on private, loopback or link-local addresses.")
@click.option("--set", "sets", multiple=True, metavar="NAME=VALUE",
              help="Any other setting (see docs/cli.md), e.g. --set host_delay=5.")
@click.option("--quiet", "-q", is_flag=True, help="Print only what changed.")
def watch_cmd(sources, db_path, every, out_dir, once, allow_private, sets, quiet) -> None:
    """Keep the store DB current: poll SOURCES (feed URLs, page URLs, URL-list files or local
    paths) every interval with conditional requests, honouring robots.txt and one request at a
    time per host; add what is new and print what changed. Ctrl-C stops; starting again resumes.

    Example:

        crosscheck watch https://example.org/feed.xml urls.txt --db news.duckdb --every 15m --out out/
    """
    from .report.changes import print_changes
    from .watch import parse_interval, watch

    settings = _settings(sets, allow_private=allow_private)
    try:
        interval = parse_interval(every)
    except CrosscheckError as exc:
        raise click.BadParameter(str(exc), param_hint="--every") from None
    console = Console(width=100)
    engine = make_engine("local", settings=settings)

    def report(found) -> None:
        if not quiet:
            click.echo(f"Round {found.number}: {found.requests} request(s), {found.summary.documents_seen - found.summary.documents_skipped} "
                       f"new document(s), {len(found.summary.rejected)} reject(s) in the store")
            for feed, left in sorted(found.deferred.items()):
                click.echo(f"{feed}: {left} more new entries left for the next round "
                           f"(watch_max_entries={settings.watch_max_entries})")
        print_changes(found.changes, console=console,
                      title=f"Round {found.number}: changes since the previous round")
        if out_dir:
            sections = build_sections(store)
            write_analysis(store, Path(out_dir) / "analysis.json", sections=sections, changes=found.changes)
            write_report(store, Path(out_dir) / "report.html", sections=sections)

    try:
        with Store(db_path) as store:
            watch(sources, store=store, settings=settings, engine=engine, every=interval,
                  rounds=1 if once else None, on_round=report)
    except KeyboardInterrupt:
        click.echo("Stopped. The store keeps every batch written; run watch again to resume.", err=True)
        sys.exit(130)
    except CrosscheckError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        engine.close()


def main() -> None:
    cli(prog_name="crosscheck")
