"""The HTML report and the web UI in a real (headless) Chromium: they render, navigate,
search, highlight, show the hostile article as text with no dialog, and the report fetches
nothing. Skipped when Playwright or /usr/bin/chromium is missing (CI installs chromium)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest

from _served_store import HOSTILE, HOSTILE_MARK, built_store, run_server

from crosscheck.report.html import write_report
from crosscheck.store import Store
from crosscheck.web.app import WebApp

CHROMIUM = Path("/usr/bin/chromium")
playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium (apt-get install -y chromium)")


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run"])
        yield chromium
        chromium.close()


class Watched:
    """A page that records every request and every dialog (alert, confirm...)."""

    def __init__(self, browser):
        self.page = browser.new_page(viewport={"width": 1280, "height": 900})
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))


@pytest.fixture(scope="module")
def report_url(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("browser") / "report.html"
    with Store(built_store(), read_only=True) as store:
        write_report(store, path)
    return path.as_uri()


@pytest.fixture(scope="module")
def server_url():
    app = WebApp(built_store())
    for port in run_server(app):
        yield f"http://127.0.0.1:{port}"
    app.close()


def test_report_renders_navigates_and_fetches_nothing(browser, report_url):
    w = Watched(browser)
    w.page.goto(report_url)
    assert w.page.locator("svg.graph").count() >= 1
    w.page.click("nav >> text=Findings")
    assert w.page.url.endswith("#findings")
    w.page.click("ul.findings a >> nth=0")  # a finding links to its span, highlighted
    target = w.page.locator(":target")
    assert target.count() == 1 and "finding" in target.get_attribute("class")
    assert all(urlsplit(u).scheme == "file" for u in w.requests), w.requests
    assert w.dialogs == []
    w.page.close()


def test_report_search_and_hostile_text(browser, report_url):
    w = Watched(browser)
    w.page.goto(report_url)
    w.page.fill("#search", "notice")
    results = w.page.locator("#results li")
    assert results.count() >= 1 and "onerror" in results.first.inner_text()  # shown as text
    assert w.page.locator(f"#a-{HOSTILE.id} .text").inner_text().count(HOSTILE_MARK) == 1
    assert w.page.locator("img").count() == 0 and w.page.locator("b[onmouseover]").count() == 0
    w.page.wait_for_timeout(200)
    assert w.dialogs == []
    w.page.close()


def test_web_ui_navigates_and_searches(browser, server_url):
    w = Watched(browser)
    w.page.goto(server_url + "/")
    w.page.click("table.stories a >> nth=0")
    w.page.wait_for_url("**/stories/**")
    w.page.wait_for_load_state("load")  # the click returns once navigation commits
    assert w.page.locator("svg.timeline").count() == 1
    w.page.fill("input[name=q]", "Korvask")
    w.page.press("input[name=q]", "Enter")
    w.page.wait_for_url("**/search?q=Korvask")
    assert w.page.locator("ul.results.articles li a").count() >= 1
    w.page.click("ul.results.claims li a >> nth=0")  # a claim opens its article, span targeted
    w.page.wait_for_url("**/articles/**")
    w.page.wait_for_load_state("load")
    target = w.page.locator(":target")
    assert "/articles/" in w.page.url and target.count() == 1 and "claim" in target.get_attribute("class")
    assert target.evaluate("e => getComputedStyle(e).outlineStyle") == "solid"
    assert all(u.startswith(server_url) for u in w.requests), w.requests
    w.page.close()


def test_web_ui_hostile_article_is_text(browser, server_url):
    w = Watched(browser)
    w.page.goto(f"{server_url}/articles/{HOSTILE.id}")
    assert HOSTILE_MARK in w.page.locator("#text").inner_text()
    assert w.page.locator("img").count() == 0
    w.page.check("input.layer-toggle[value=loaded]")
    assert w.page.locator("#text .hl.loaded").first.inner_text() == "shameful stunt"
    w.page.wait_for_timeout(200)
    assert w.dialogs == []
    w.page.close()
