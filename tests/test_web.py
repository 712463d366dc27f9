"""The web UI and JSON API of `crosscheck serve`, in-process and over loopback."""

from __future__ import annotations

import http.client
import json
import socket
import time

import pytest
from click.testing import CliRunner

from _served_store import HOSTILE, HOSTILE_MARK, built_store, run_server

from crosscheck.cli import cli
from crosscheck.web.app import WebApp
from crosscheck.web.data import MAX_LIMIT


@pytest.fixture(scope="module")
def app():
    web = WebApp(built_store())
    yield web
    web.close()


def page(app, path: str) -> str:
    response = app.handle(path)
    assert response.status == 200, (path, response.body[:300])
    return response.body.decode("utf-8")


def api(app, path: str) -> dict:
    response = app.handle(path)
    assert response.content_type.startswith("application/json")
    return json.loads(response.body)


def hand_made_group(app) -> dict:
    groups = api(app, f"/api/claim_groups?limit={MAX_LIMIT}")["claim_groups"]
    return next(g for g in groups if g["id"] == "g1")


def test_pages_render(app):
    story = api(app, "/api/stories?limit=1")["stories"][0]
    derivation = api(app, "/api/derivations?limit=1")["derivations"][0]
    for path in ("/", "/articles", "/claims", "/naming", "/framing", "/findings", "/search?q=arrest",
                 f"/stories/{story['id']}", f"/articles/{story['articles'][0]}",
                 f"/derivations/{derivation['id']}"):
        assert "</html>" in page(app, path)


def test_story_page_has_graph_timeline_and_matrix(app):
    group = hand_made_group(app)
    html = page(app, f"/stories/{group['story']}")
    assert "arrests announced &lt;b&gt;bold&lt;/b&gt;" in html and "supports" in html
    assert 'class="graph"' in html and 'class="timeline"' in html and 'class="matrix"' in html


def test_api_pages_and_bounds(app):
    first = api(app, "/api/articles?offset=0&limit=5")
    second = api(app, "/api/articles?offset=5&limit=5")
    assert len(first["articles"]) == 5 and first["total"] == 14
    assert not {a["id"] for a in first["articles"]} & {a["id"] for a in second["articles"]}
    assert api(app, "/api/claims?limit=100000")["limit"] == MAX_LIMIT
    for name in ("stories", "claims", "quotes", "claim_groups", "derivations", "entities",
                 "framing", "findings"):
        assert name in api(app, f"/api/{name}?limit=2")
    group = hand_made_group(app)
    assert group["conflicts"][0]["values"][0]["span"] == [0, 5]


def test_api_errors_say_what_went_wrong(app):
    response = app.handle("/api/articles?offset=-1")
    assert response.status == 400
    assert json.loads(response.body) == {"error": "offset must be 0 or more, got -1"}
    assert json.loads(app.handle("/api/articles?limit=ten").body) == {"error": "limit='ten' is not a whole number"}
    assert app.handle("/api/nothing").status == 404
    assert app.handle("/articles/doesnotexist").status == 404


def test_search_finds_articles_and_claims_literally(app):
    found = app.corpus.search("Korvask")
    assert found["articles"] and found["claims"]
    assert app.corpus.search("%") == {"articles": [], "claims": []}  # wildcards are literal


def test_hostile_article_is_text(app):
    html = page(app, f"/articles/{HOSTILE.id}")
    assert HOSTILE_MARK not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img" not in html and "<b onmouseover" not in html
    assert 'href="javascript:' not in html.lower()
    assert "<script>" not in html  # the page's only script is external
    found = page(app, "/search?q=" + "%3Cscript%3E")
    assert HOSTILE_MARK not in found and "alert" in found


def test_security_headers(app):
    headers = app.handle("/").headers
    assert headers["Content-Security-Policy"].startswith("default-src 'self'")
    assert headers["X-Content-Type-Options"] == "nosniff"


@pytest.fixture(scope="module")
def server():
    web = WebApp(built_store())  # its own app: the server's thread pool, not the in-process client
    yield from run_server(web)
    web.close()


def request(port: int, method: str, path: str, host: str | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request(method, path, headers={"Host": host or f"127.0.0.1:{port}"})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response, body


def test_server_answers_get_and_refuses_writes(server):
    response, body = request(server, "GET", "/api/stories?limit=1")
    assert response.status == 200 and json.loads(body)["limit"] == 1
    assert response.getheader("Content-Security-Policy").startswith("default-src 'self'")
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    assert request(server, "GET", "/static/app.js")[0].status == 200
    head, body = request(server, "HEAD", "/articles/")
    assert head.status == 200 and body == b""


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"])
def test_server_answers_405_to_anything_but_get_and_head(server, method):
    response, body = request(server, method, "/api/stories")
    assert response.status == 405 and response.getheader("Allow") == "GET, HEAD"
    assert json.loads(body) == {"error": "read-only: only GET and HEAD are answered"}
    assert response.getheader("Content-Security-Policy").startswith("default-src 'self'")
    page_response, page_body = request(server, method, "/")
    assert page_response.status == 405 and b"read-only: only GET and HEAD are answered" in page_body


def test_server_refuses_foreign_host_header(server):
    for host in ("attacker.example:80", "attacker.example", f"127.0.0.1:{server + 1}"):
        response, body = request(server, "GET", "/", host=host)
        assert response.status == 421, host
        assert json.loads(body) == {"error": "unexpected Host header; open the address `serve` printed"}
        assert response.getheader("X-Frame-Options") == "DENY"
    assert request(server, "GET", "/api", host=f"localhost:{server}")[0].status == 200


def test_connections_beyond_the_bound_get_503(app):
    for port in run_server(app, max_connections=2):
        idle = socket.create_connection(("127.0.0.1", port))  # held open, never sends
        deadline, status = time.monotonic() + 5, None
        while status != 503 and time.monotonic() < deadline:  # once uvicorn counts the idle one
            status = request(port, "GET", "/api")[0].status
        idle.close()
        assert status == 503


def test_openapi_describes_the_json_api(app):
    doc = api(app, "/openapi.json")
    assert doc["openapi"].startswith("3.") and doc["info"]["title"] == "crosscheck serve"
    assert set(doc["paths"]) == {"/api", "/api/articles/{article_id}", "/api/{section}", "/openapi.json"}
    section = doc["paths"]["/api/{section}"]["get"]
    params = {p["name"]: p for p in section["parameters"]}
    assert params["section"]["schema"]["enum"][:2] == ["articles", "stories"]
    assert params["limit"]["schema"]["maximum"] == MAX_LIMIT and params["offset"]["in"] == "query"
    assert section["summary"] == "One page of a section of analysis.json."
    assert section["responses"]["400"]["content"]["application/json"]["schema"]["required"] == ["error"]
    assert all(set(ops) == {"get"} for ops in doc["paths"].values())  # read-only
    assert api(app, "/api")["openapi"] == "/openapi.json"


def test_unknown_paths_and_trailing_slashes(app):
    assert app.handle("/nowhere").status == 404 and b"no page at /nowhere" in app.handle("/nowhere").body
    assert json.loads(app.handle("/api/articles/x/y").body) == {"error": "no page at /api/articles/x/y"}
    assert app.handle("/claims/").status == 200 and app.handle("/static/evil.js").status == 404
    assert app.handle("/static/style.css").headers["Cache-Control"] == "max-age=300"


def test_cli_get(app):
    result = CliRunner().invoke(cli, ["serve", str(built_store()), "--get", "/api/stories?limit=1"])
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.output)["stories"]) == 1
    missing = CliRunner().invoke(cli, ["serve", "/nonexistent/x.duckdb", "--get", "/"])
    assert missing.exit_code == 1 and "no crosscheck store at /nonexistent/x.duckdb" in missing.output


def test_events_page_sorts_and_the_api_pages_events(app):
    events = api(app, f"/api/events?limit={MAX_LIMIT}")
    assert events["total"] == len(events["events"]) > 0
    assert {"action", "places", "origins", "conflicts", "mentions"} <= set(events["events"][0])
    for sort in ("date", "place", "count", "origins", "conflicts", "articles"):
        html = page(app, f"/events?sort={sort}")
        assert 'class="events"' in html and f"<b>{sort}</b>" in html
    response = app.handle("/events?sort=colour")
    assert response.status == 400 and b"cannot sort events by &#39;colour&#39;" in response.body


def test_per_article_rows_read_from_the_store_when_too_many_to_copy(app, monkeypatch):
    """Past MEMORY_ROWS the per-article tables are read from the store by row range: the same
    pages and API answers as from the in-memory copy."""
    import crosscheck.web.data as data

    article = api(app, "/api/articles?limit=1")["articles"][0]["id"]
    paths = [f"/articles/{article}", "/api/claims?offset=3&limit=7", "/api/quotes?limit=50",
             "/api/articles?limit=5"]
    monkeypatch.setattr(data, "MEMORY_ROWS", 0)
    direct = WebApp(built_store())
    try:
        assert direct.corpus._copies() is None
        for path in paths:
            assert direct.handle(path).body == app.handle(path).body, path
    finally:
        direct.close()
