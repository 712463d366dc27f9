"""``crosscheck serve``: a local, read-only web UI and JSON API over one store.

Standard library only (``http.server`` with one thread per request). Pages render the report's
views with Jinja2 autoescaping; the only script is a static file, allowed by a
Content-Security-Policy of ``default-src 'self'``. Only GET and HEAD are answered, the store is
opened read-only, and requests whose ``Host`` is not the address served are refused (a web page
elsewhere cannot reach the UI through DNS rebinding).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable
from urllib.parse import parse_qs, quote, urlsplit

from .. import __version__
from ..report.html import (TEMPLATES, article_spans, event_map, make_environment, passage_pairs,
                           story_view)
from ..report.views import bar_chart, naming_rows, outlet_label, segments
from .data import MAX_LIMIT, Corpus

__all__ = ["WebApp", "Response", "serve", "SECURITY_HEADERS"]

HERE = Path(__file__).parent
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; "
                               "img-src 'self' data:; object-src 'none'; frame-ancestors 'none'; "
                               "form-action 'self'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
_STATIC = {"style.css": "text/css; charset=utf-8", "app.js": "text/javascript; charset=utf-8"}
_API = ("articles", "stories", "claims", "quotes", "claim_groups", "derivations", "entities",
        "framing", "findings", "events")
# The events page sorts by one of these (?sort=...), each with its key; "-" first reverses.
_EVENT_SORTS = {
    "date": lambda e: ((e["time"] or {}).get("start") or "9999", e["id"]),
    "place": lambda e: ((e["places"][0]["name"] if e["places"] else "~").casefold(), e["id"]),
    "count": lambda e: (-((e["count"] or {}).get("low") or -1), e["id"]),
    "origins": lambda e: (e["origins"], -len(e["articles"]), e["id"]),
    "conflicts": lambda e: (-len(e["conflicts"]), e["id"]),
    "articles": lambda e: (-len(e["articles"]), e["id"]),
}


@dataclass
class Response:
    status: int
    content_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


class NotFound(Exception):
    """A page or record that does not exist (404 with this message)."""


class BadRequest(Exception):
    """A request the UI cannot answer as asked (400 with this message)."""


def _href(kind: str, ident: str, anchor: str | None = None) -> str:
    base = {"article": "/articles/", "story": "/stories/", "derivation": "/derivations/"}[kind]
    return base + quote(ident, safe="") + (f"#{quote(anchor, safe='-')}" if anchor else "")


def _int(params: dict[str, list[str]], name: str, default: int, *, high: int) -> int:
    raw = params.get(name, [str(default)])[0]
    try:
        value = int(raw)
    except ValueError:
        raise BadRequest(f"{name}={raw!r} is not a whole number") from None
    if value < 0:
        raise BadRequest(f"{name} must be 0 or more, got {value}")
    return min(value, high)


class WebApp:
    """Routes a path to a response; the HTTP server and ``serve --get`` both call ``handle``."""

    def __init__(self, db_path: str | Path):
        self.corpus = Corpus(db_path)
        self.env = make_environment(HERE / "templates", href=_href)
        self.env.globals["version"] = __version__
        self._routes: list[tuple[re.Pattern[str], Callable[..., Response]]] = [
            (re.compile(p), h) for p, h in (
                (r"/", self.index), (r"/stories/([0-9A-Za-z_-]+)", self.story_page),
                (r"/articles", self.articles_list), (r"/articles/([0-9A-Za-z_-]+)", self.article_page),
                (r"/derivations/([0-9A-Za-z_-]+)", self.derivation_page), (r"/search", self.search_page),
                (r"/naming", self.naming_page), (r"/claims", self.claims_page),
                (r"/framing", self.framing_page), (r"/findings", self.findings_page),
                (r"/events", self.events_page),
                (r"/static/([a-z]+\.(?:css|js))", self.static), (r"/api", self.api_index),
                (r"/api/articles/([0-9A-Za-z_-]+)", self.api_article), (r"/api/([a-z_]+)", self.api_section))]

    def close(self) -> None:
        self.corpus.close()

    def handle(self, target: str) -> Response:
        parts = urlsplit(target)
        params = parse_qs(parts.query)
        try:
            for pattern, handler in self._routes:
                match = pattern.fullmatch(parts.path.rstrip("/") or "/")
                if match:
                    return handler(params, *match.groups())
            raise NotFound(f"no page at {parts.path}")
        except NotFound as exc:
            return self._error(HTTPStatus.NOT_FOUND, str(exc), api=parts.path.startswith("/api"))
        except BadRequest as exc:
            return self._error(HTTPStatus.BAD_REQUEST, str(exc), api=parts.path.startswith("/api"))

    # --- responses -------------------------------------------------------------------------

    def _page(self, template: str, **context: Any) -> Response:
        body = self.env.get_template(template).render(**context).encode("utf-8")
        return Response(200, "text/html; charset=utf-8", body, dict(SECURITY_HEADERS))

    @staticmethod
    def _json(payload: Any, status: int = 200) -> Response:
        body = json.dumps(payload, ensure_ascii=False, indent=1).encode("utf-8")
        return Response(status, "application/json; charset=utf-8", body, dict(SECURITY_HEADERS))

    def _error(self, status: HTTPStatus, message: str, *, api: bool) -> Response:
        if api:
            return self._json({"error": message}, status.value)
        response = self._page("error.html", status=status.value, phrase=status.phrase, message=message)
        response.status = status.value
        return response

    # --- pages -----------------------------------------------------------------------------

    def index(self, params) -> Response:
        offset = _int(params, "offset", 0, high=10**9)
        stories = self.corpus.section("stories")
        meta = self.corpus.meta()
        rows = [{"story": s, "outlets": sorted({outlet_label(meta[a]) for a in s["articles"] if a in meta})}
                for s in stories[offset:offset + 100]]
        return self._page("index.html", counts=self.corpus.counts(), rows=rows, offset=offset,
                          total=len(stories), chart=bar_chart(dict(sorted(
                              self.corpus.outlet_counts().items(), key=lambda kv: -kv[1])[:25])))

    def story_page(self, params, story_id: str) -> Response:
        story = self.corpus.story(story_id)
        if story is None:
            raise NotFound(f"no story with id {story_id}")
        view = story_view(story, self.corpus.story_data(story), self.corpus.meta())
        return self._page("story.html", s=view, meta=self.corpus.meta())

    def articles_list(self, params) -> Response:
        offset = _int(params, "offset", 0, high=10**9)
        meta = list(self.corpus.meta().values())
        return self._page("articles.html", articles=meta[offset:offset + 100], offset=offset, total=len(meta))

    def article_page(self, params, article_id: str) -> Response:
        article = self.corpus.article(article_id)
        if article is None:
            raise NotFound(f"no article with id {article_id}")
        data = self.corpus.article_data(article)
        segs = segments(article["text"], article_spans(article_id, data))
        return self._page("article.html", a=article, meta=self.corpus.meta(), segs=segs, data=data)

    def derivation_page(self, params, derivation_id: str) -> Response:
        d = self.corpus.derivation(derivation_id)
        if d is None:
            raise NotFound(f"no derivation with id {derivation_id}")
        pairs = passage_pairs(d, self.corpus.texts([d["source"], d["derived"]]))
        return self._page("derivation.html", d=d, pairs=pairs, meta=self.corpus.meta())

    def search_page(self, params) -> Response:
        query = params.get("q", [""])[0].strip()
        found = self.corpus.search(query) if len(query) >= 2 else {"articles": [], "claims": []}
        return self._page("search.html", q=query, found=found)

    def naming_page(self, params) -> Response:
        return self._page("naming.html", naming=naming_rows(self.corpus.section("entities"), limit=200))

    def claims_page(self, params) -> Response:
        groups = self.corpus.section("claim_groups")
        return self._page("claims.html", groups=groups[:500], total=len(groups), meta=self.corpus.meta(),
                          chart=bar_chart({g["key"]: g["origins"] for g in groups[:30]}))

    def framing_page(self, params) -> Response:
        return self._page("framing.html", framing=self.corpus.section("framing"), meta=self.corpus.meta())

    def findings_page(self, params) -> Response:
        return self._page("findings.html", findings=self.corpus.section("findings"), meta=self.corpus.meta())

    def events_page(self, params) -> Response:
        sort = params.get("sort", ["date"])[0]
        if sort not in _EVENT_SORTS:
            raise BadRequest(f"cannot sort events by {sort!r}; choose one of {', '.join(_EVENT_SORTS)}")
        events = sorted(self.corpus.section("events"), key=_EVENT_SORTS[sort])
        return self._page("events.html", events=events[:500], total=len(events), sort=sort,
                          sorts=list(_EVENT_SORTS), meta=self.corpus.meta(),
                          event_map=event_map(events))

    def static(self, params, name: str) -> Response:
        if name not in _STATIC:
            raise NotFound(f"no static file {name}")
        body = (HERE / "static" / name).read_bytes()
        if name == "style.css":  # the report's stylesheet, then the UI's own additions
            body = (TEMPLATES / "report.css").read_bytes() + b"\n" + body
        return Response(200, _STATIC[name], body, dict(SECURITY_HEADERS, **{"Cache-Control": "max-age=300"}))

    # --- JSON API ----------------------------------------------------------------------------

    def api_index(self, params) -> Response:
        return self._json({"crosscheck_version": __version__,
                           "endpoints": [f"/api/{name}?offset=0&limit=100" for name in _API]
                           + ["/api/articles/ID"]})

    def api_article(self, params, article_id: str) -> Response:
        article = self.corpus.article(article_id)
        if article is None:
            raise NotFound(f"no article with id {article_id}")
        return self._json(article)

    def api_section(self, params, name: str) -> Response:
        if name not in _API:
            raise NotFound(f"no API section {name!r}; choose one of {', '.join(_API)}")
        offset = _int(params, "offset", 0, high=10**9)
        limit = _int(params, "limit", 100, high=MAX_LIMIT)
        if name in ("articles", "claims", "quotes"):
            page = getattr(self.corpus, f"{name}_page")(offset, limit)
            total = self.corpus.counts().get(name)
        else:
            items = self.corpus.section(name)
            page, total = items[offset:offset + limit], len(items)
        return self._json({name: page, "offset": offset, "limit": limit, "total": total})


def _allowed_hosts(host: str, port: int) -> set[str] | None:
    """Host headers accepted on a loopback address; ``None`` (any) when --host chose to listen
    on another address, whose clients name it in ways the server cannot know."""
    if host not in ("127.0.0.1", "localhost", "::1"):
        return None
    return {f"{name}:{port}" for name in ("127.0.0.1", "localhost", "[::1]")}


def make_handler(app: WebApp, *, host: str, port: int) -> type[BaseHTTPRequestHandler]:
    allowed = _allowed_hosts(host, port)

    class Handler(BaseHTTPRequestHandler):
        server_version = f"crosscheck/{__version__}"

        def do_GET(self) -> None:
            self._answer(with_body=True)

        def do_HEAD(self) -> None:
            self._answer(with_body=False)

        def _answer(self, *, with_body: bool) -> None:
            if allowed is not None and self.headers.get("Host", "") not in allowed:
                response = app._error(HTTPStatus.MISDIRECTED_REQUEST,
                                      "unexpected Host header; open the address `serve` printed", api=True)
            else:
                response = app.handle(self.path)
            self.send_response(response.status)
            for name, value in {"Content-Type": response.content_type, **response.headers,
                                "Content-Length": str(len(response.body))}.items():
                self.send_header(name, value)
            self.end_headers()
            if with_body:
                self.wfile.write(response.body)

        def log_message(self, format: str, *args: Any) -> None:  # quiet: the UI is local
            pass

    for verb in ("POST", "PUT", "DELETE", "PATCH"):  # read-only: say so instead of 501
        setattr(Handler, f"do_{verb}", lambda self: self.send_error(405, "read-only: only GET and HEAD"))
    return Handler


def serve(app: WebApp, *, host: str = "127.0.0.1", port: int = 8765,
          ready: Callable[[str], None] | None = None) -> None:
    """Serve ``app`` until interrupted; ``ready`` gets the URL once the socket is bound."""
    server = ThreadingHTTPServer((host, port), make_handler(app, host=host, port=port))
    server.daemon_threads = True
    bound_port = server.server_address[1]
    if port == 0:  # an ephemeral port (tests, benchmarks): allow the one actually bound
        server.RequestHandlerClass = make_handler(app, host=host, port=bound_port)
    if ready:
        ready(f"http://{'[' + host + ']' if ':' in host else host}:{bound_port}/")
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
