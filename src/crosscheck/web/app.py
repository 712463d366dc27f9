"""``crosscheck serve``: a local, read-only web UI and JSON API over one store.

A Starlette application served by uvicorn. The routes are a table of small endpoint functions
(``ROUTES``); each renders one page or one API section with the ``WebApp`` that owns the store
and the templates. Pages render the report's views with Jinja2 autoescaping; the only script is a
static file, allowed by a Content-Security-Policy of ``default-src 'self'``. Only GET and HEAD
are answered (anything else is 405), the store is opened read-only, and on a loopback address
requests whose ``Host`` is not the address served are refused (a web page elsewhere cannot reach
the UI through DNS rebinding). ``/openapi.json`` describes the JSON API, built from the route
table and the endpoints' docstrings. ``serve --get`` runs one request through the same
application in-process.
"""

from __future__ import annotations

import asyncio
import json
import socket
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path
from typing import Any, Callable
from urllib.parse import quote, unquote, urlsplit

from starlette.applications import Starlette
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response as HTTPResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from .. import __version__
from ..report.html import (TEMPLATES, article_spans, event_map, make_environment, passage_pairs,
                           story_view)
from ..report.views import (bar_chart, event_timeline, framing_terms, naming_rows, outlet_label,
                            segments)
from .data import MAX_LIMIT, Corpus

__all__ = ["WebApp", "Response", "serve", "make_server", "SECURITY_HEADERS", "ROUTES",
           "MAX_CONNECTIONS"]

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
MAX_CONNECTIONS = 64  # open connections and requests uvicorn holds at once; beyond, 503
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
_READ_ONLY = "read-only: only GET and HEAD are answered"
_SECTION_ROWS = 500


@dataclass
class Response:
    """One answer of ``WebApp.handle`` (in-process, as ``serve --get`` prints it)."""

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


def _int(request: Request, name: str, default: int, *, high: int) -> int:
    raw = request.query_params.get(name) or str(default)  # an empty value is the default
    try:
        value = int(raw)
    except ValueError:
        raise BadRequest(f"{name}={raw!r} is not a whole number") from None
    if value < 0:
        raise BadRequest(f"{name} must be 0 or more, got {value}")
    return min(value, high)


def _web(request: Request) -> "WebApp":
    return request.app.state.web


# --- pages -------------------------------------------------------------------------------------

def index(request: Request) -> HTTPResponse:
    web, offset = _web(request), _int(request, "offset", 0, high=10**9)
    stories, meta = web.corpus.section("stories"), web.corpus.meta()
    rows = [{"story": s, "outlets": sorted({outlet_label(meta[a]) for a in s["articles"] if a in meta})}
            for s in stories[offset:offset + 100]]
    return web.page("index.html", counts=web.corpus.counts(), rows=rows, offset=offset,
                    total=len(stories), chart=bar_chart(dict(sorted(
                        web.corpus.outlet_counts().items(), key=lambda kv: -kv[1])[:25])))


def story_page(request: Request) -> HTTPResponse:
    web, story_id = _web(request), request.path_params["story_id"]
    story = web.corpus.story(story_id)
    if story is None:
        raise NotFound(f"no story with id {story_id}")
    view = story_view(story, web.corpus.story_data(story), web.corpus.meta())
    return web.page("story.html", s=view, meta=web.corpus.meta())


def articles_list(request: Request) -> HTTPResponse:
    web, offset = _web(request), _int(request, "offset", 0, high=10**9)
    meta = list(web.corpus.meta().values())
    return web.page("articles.html", articles=meta[offset:offset + 100], offset=offset, total=len(meta))


def article_page(request: Request) -> HTTPResponse:
    web, article_id = _web(request), request.path_params["article_id"]
    article = web.corpus.article(article_id)
    if article is None:
        raise NotFound(f"no article with id {article_id}")
    data = web.corpus.article_data(article)
    segs = segments(article["text"], article_spans(article_id, data))
    return web.page("article.html", a=article, meta=web.corpus.meta(), segs=segs, data=data)


def derivation_page(request: Request) -> HTTPResponse:
    web, derivation_id = _web(request), request.path_params["derivation_id"]
    d = web.corpus.derivation(derivation_id)
    if d is None:
        raise NotFound(f"no derivation with id {derivation_id}")
    pairs = passage_pairs(d, web.corpus.texts([d["source"], d["derived"]]))
    return web.page("derivation.html", d=d, pairs=pairs, meta=web.corpus.meta())


def search_page(request: Request) -> HTTPResponse:
    web, query = _web(request), request.query_params.get("q", "").strip()
    found = web.corpus.search(query) if len(query) >= 2 else {"articles": [], "claims": []}
    return web.page("search.html", q=query, found=found)


# Pages over a whole section show its first _SECTION_ROWS rows (the API pages through all) and
# are rendered once: the store does not change while the server runs.

def naming_page(request: Request) -> HTTPResponse:
    web = _web(request)
    return web.whole_page("naming", lambda: web.render(
        "naming.html", naming=naming_rows(web.corpus.section("entities"), limit=200)))


def claims_page(request: Request) -> HTTPResponse:
    web = _web(request)
    groups = web.corpus.section("claim_groups")
    return web.whole_page("claims", lambda: web.render(
        "claims.html", groups=groups[:_SECTION_ROWS], total=len(groups), meta=web.corpus.meta(),
        chart=bar_chart({g["key"]: g["origins"] for g in groups[:30]})))


def framing_page(request: Request) -> HTTPResponse:
    web = _web(request)
    framing = web.corpus.section("framing")

    def page() -> str:
        terms = framing_terms(framing, web.corpus.meta())
        return web.render("framing.html", terms=terms[:_SECTION_ROWS], total=len(terms))
    return web.whole_page("framing", page)


def findings_page(request: Request) -> HTTPResponse:
    web = _web(request)
    findings = web.corpus.section("findings")
    return web.whole_page("findings", lambda: web.render(
        "findings.html", findings=findings[:_SECTION_ROWS], total=len(findings),
        meta=web.corpus.meta()))


def events_page(request: Request) -> HTTPResponse:
    web, sort = _web(request), request.query_params.get("sort") or "date"
    if sort not in _EVENT_SORTS:
        raise BadRequest(f"cannot sort events by {sort!r}; choose one of {', '.join(_EVENT_SORTS)}")

    def render() -> bytes:
        events = sorted(web.corpus.section("events"), key=_EVENT_SORTS[sort])
        return web.render("events.html", events=events[:_SECTION_ROWS], total=len(events), sort=sort,
                          sorts=list(_EVENT_SORTS), meta=web.corpus.meta(), event_map=event_map(events),
                          event_timeline=event_timeline(events))
    return web.whole_page(f"events:{sort}", render)


def static(request: Request) -> HTTPResponse:
    name = request.path_params["name"]
    if name not in _STATIC:
        raise NotFound(f"no static file {name}")
    body = (HERE / "static" / name).read_bytes()
    if name == "style.css":  # the report's stylesheet, then the UI's own additions
        body = (TEMPLATES / "report.css").read_bytes() + b"\n" + body
    return HTTPResponse(body, media_type=_STATIC[name], headers={"Cache-Control": "max-age=300"})


# --- JSON API (the docstrings are the OpenAPI summaries and descriptions) ----------------------

def api_index(request: Request) -> HTTPResponse:
    """The list of API endpoints.

    The crosscheck version and one example URL per endpoint.
    """
    return _json({"crosscheck_version": __version__, "openapi": "/openapi.json",
                  "endpoints": [f"/api/{name}?offset=0&limit=100" for name in _API] + ["/api/articles/ID"]})


def api_article(request: Request) -> HTTPResponse:
    """One article with its text.

    The article as in analysis.json's `articles`, with `text`; 404 when no article has this id.
    """
    article = _web(request).corpus.article(request.path_params["article_id"])
    if article is None:
        raise NotFound(f"no article with id {request.path_params['article_id']}")
    return _json(article)


def api_section(request: Request) -> HTTPResponse:
    """One page of a section of analysis.json.

    `{SECTION: [...], "offset", "limit", "total"}`; rows have the fields of analysis.json's
    section of the same name (see docs/formats.md). `limit` is capped at 500.
    """
    web, name = _web(request), request.path_params["section"]
    if name not in _API:
        raise NotFound(f"no API section {name!r}; choose one of {', '.join(_API)}")
    offset = _int(request, "offset", 0, high=10**9)
    limit = _int(request, "limit", 100, high=MAX_LIMIT)
    if name in ("articles", "claims", "quotes"):
        page = getattr(web.corpus, f"{name}_page")(offset, limit)
        total = web.corpus.counts().get(name)
    else:
        items = web.corpus.section(name)
        page, total = items[offset:offset + limit], len(items)
    return _json({name: page, "offset": offset, "limit": limit, "total": total})


def openapi(request: Request) -> HTTPResponse:
    """This document: the JSON API in OpenAPI 3.1."""
    return _json(openapi_schema())


ROUTES = [
    Route("/", index), Route("/stories/{story_id}", story_page),
    Route("/articles", articles_list), Route("/articles/{article_id}", article_page),
    Route("/derivations/{derivation_id}", derivation_page), Route("/search", search_page),
    Route("/naming", naming_page), Route("/claims", claims_page), Route("/framing", framing_page),
    Route("/findings", findings_page), Route("/events", events_page),
    Route("/static/{name}", static),
    Route("/api", api_index), Route("/api/articles/{article_id}", api_article),
    Route("/api/{section}", api_section), Route("/openapi.json", openapi),
]


def _json(payload: Any, status: int = 200) -> HTTPResponse:
    # compact: with ``indent`` the json module encodes in Python, several times slower (a page
    # of 100 quotes: about 8 ms instead of 1)
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return HTTPResponse(body, status, media_type="application/json; charset=utf-8")


_PAGING = [
    {"name": "offset", "in": "query", "required": False, "description": "rows to skip",
     "schema": {"type": "integer", "minimum": 0, "default": 0}},
    {"name": "limit", "in": "query", "required": False,
     "description": f"rows to return (at most {MAX_LIMIT}; more is capped)",
     "schema": {"type": "integer", "minimum": 0, "default": 100, "maximum": MAX_LIMIT}},
]
_ERROR = {"description": "what went wrong", "content": {"application/json": {"schema": {
    "type": "object", "properties": {"error": {"type": "string"}}, "required": ["error"]}}}}


def openapi_schema() -> dict[str, Any]:
    """The OpenAPI document of the JSON API, from ``ROUTES`` and the endpoints' docstrings."""
    paths: dict[str, Any] = {}
    for route in ROUTES:
        if not (route.path.startswith("/api") or route.path == "/openapi.json"):
            continue
        summary, _, description = (route.endpoint.__doc__ or "").strip().partition("\n")
        parameters = [{"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
                      for name in route.param_convertors]
        if route.endpoint is api_section:
            parameters[0]["schema"]["enum"] = list(_API)
            parameters += _PAGING
        operation = {"operationId": route.name, "summary": summary.strip(),
                     "description": " ".join(description.split()), "parameters": parameters,
                     "responses": {"200": {"description": "OK", "content": {"application/json": {}}}}}
        if parameters:
            operation["responses"].update({"400": _ERROR, "404": _ERROR})
        paths[route.path] = {"get": operation}
    return {"openapi": "3.1.0",
            "info": {"title": "crosscheck serve", "version": __version__,
                     "description": "Read-only JSON API over one crosscheck store (GET and HEAD only)."},
            "paths": paths}


# --- the application ---------------------------------------------------------------------------

class WebApp:
    """The store and templates behind one ``crosscheck serve``, and its Starlette application.

    ``asgi()`` builds the application uvicorn serves; ``handle(target)`` answers one request
    in-process through the same application (``serve --get``, tests)."""

    def __init__(self, db_path: str | Path):
        self.corpus = Corpus(db_path)
        self.env = make_environment(HERE / "templates", href=_href)
        self.env.globals["version"] = __version__
        self._asgi: ASGIApp | None = None

    def close(self) -> None:
        self.corpus.close()

    def page(self, template: str, *, http_status: int = 200, **context: Any) -> HTTPResponse:
        return HTTPResponse(self.render(template, **context), http_status,
                            media_type="text/html; charset=utf-8")

    def render(self, template: str, **context: Any) -> bytes:
        return self.env.get_template(template).render(**context).encode("utf-8")

    def whole_page(self, key: str, render: Callable[[], bytes]) -> HTTPResponse:
        """A page that depends on the store alone, rendered on first request and kept."""
        body = self.corpus.cached(f"page:{key}", render)
        return HTTPResponse(body, 200, media_type="text/html; charset=utf-8")

    def error(self, status: int, message: str, *, api: bool) -> HTTPResponse:
        if api:
            return _json({"error": message}, status)
        return self.page("error.html", http_status=status, status=status, phrase=HTTPStatus(status).phrase,
                         message=message)

    def asgi(self, *, allowed_hosts: set[str] | None = None) -> ASGIApp:
        """The application: ``ROUTES`` behind the read-only and Host guard, every response with
        ``SECURITY_HEADERS``. ``allowed_hosts`` ``None`` accepts any Host header."""

        def handler(status: int) -> Callable[[Request, Exception], HTTPResponse]:
            def answer(request: Request, exc: Exception) -> HTTPResponse:
                message = str(exc) if not isinstance(exc, HTTPException) else f"no page at {request.url.path}"
                return self.error(status, message, api=_is_api(request.scope))
            return answer

        app = Starlette(routes=ROUTES, exception_handlers={
            NotFound: handler(404), BadRequest: handler(400), 404: handler(404)})
        app.router.redirect_slashes = False  # a trailing slash is stripped by the guard instead
        app.state.web = self
        return _SecurityHeaders(_Guard(app, self, allowed_hosts))

    def handle(self, target: str) -> Response:
        """Answer GET ``target`` (a path with its query) in-process: the ASGI application is
        called directly, on its own event loop, with no socket."""
        if self._asgi is None:
            self._asgi = self.asgi()
        parts = urlsplit(target if target.startswith("/") else "/" + target)
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
                 "scheme": "http", "path": unquote(parts.path), "raw_path": parts.path.encode("latin-1"),
                 "query_string": parts.query.encode("latin-1"), "root_path": "",
                 "headers": [(b"host", b"127.0.0.1")], "client": ("127.0.0.1", 0),
                 "server": ("127.0.0.1", 80)}
        sent: list[dict[str, Any]] = []

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        asyncio.run(self._asgi(scope, receive, send))
        start = next(m for m in sent if m["type"] == "http.response.start")
        headers = {k.decode("latin-1").title(): v.decode("latin-1") for k, v in start["headers"]}
        body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
        return Response(start["status"], headers.get("Content-Type", ""), body, headers)


def _is_api(scope: Scope) -> bool:
    return scope["path"].startswith("/api") or scope["path"] == "/openapi.json"


class _Guard:
    """Read-only and Host check before routing; a trailing slash is dropped (``/articles/``)."""

    def __init__(self, app: ASGIApp, web: WebApp, allowed_hosts: set[str] | None):
        self.app, self.web, self.allowed = app, web, allowed_hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        host = dict(scope["headers"]).get(b"host", b"").decode("latin-1")
        if self.allowed is not None and host not in self.allowed:
            response = self.web.error(421, "unexpected Host header; open the address `serve` printed",
                                      api=True)
        elif scope["method"] not in ("GET", "HEAD"):
            response = self.web.error(405, _READ_ONLY, api=_is_api(scope))
            response.headers["Allow"] = "GET, HEAD"
        else:
            if scope["path"] != "/" and scope["path"].endswith("/"):
                scope = dict(scope, path=scope["path"].rstrip("/") or "/")
            return await self.app(scope, receive, send)
        await response(scope, receive, send)


class _SecurityHeaders:
    """Adds ``SECURITY_HEADERS`` to every response (an endpoint's own Cache-Control wins)."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _allowed_hosts(host: str, port: int) -> set[str] | None:
    """Host headers accepted on a loopback address; ``None`` (any) when --host chose to listen
    on another address, whose clients name it in ways the server cannot know."""
    if host not in ("127.0.0.1", "localhost", "::1"):
        return None
    return {f"{name}:{port}" for name in ("127.0.0.1", "localhost", "[::1]")}


def make_server(app: WebApp, *, host: str = "127.0.0.1", port: int = 8765,
                max_connections: int = MAX_CONNECTIONS) -> tuple[Any, socket.socket, str]:
    """Bind ``host:port`` (0: a free port) and return the uvicorn server, its listening socket
    and the URL; ``server.run(sockets=[sock])`` serves until Ctrl-C or ``server.should_exit``."""
    import uvicorn

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    bound = sock.getsockname()[1]
    config = uvicorn.Config(app.asgi(allowed_hosts=_allowed_hosts(host, bound)), lifespan="off",
                            log_level="warning", access_log=False, server_header=False,
                            limit_concurrency=max_connections, timeout_graceful_shutdown=5)
    url = f"http://{'[' + host + ']' if ':' in host else host}:{bound}/"
    return uvicorn.Server(config), sock, url


def serve(app: WebApp, *, host: str = "127.0.0.1", port: int = 8765,
          max_connections: int = MAX_CONNECTIONS, ready: Callable[[str], None] | None = None) -> None:
    """Serve ``app`` until interrupted (Ctrl-C lets requests under way finish, for 5 s at most);
    ``ready`` gets the URL once the socket is bound."""
    server, sock, url = make_server(app, host=host, port=port, max_connections=max_connections)
    if ready:
        ready(url)
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
