"""HTML main-text extraction on small hand-written pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from trafilatura.utils import load_html

from crosscheck.clean.extract import Extraction, _Page, _with_split_parts, extract_html
from crosscheck.errors import ExtractionError

FIXTURES = Path(__file__).parent / "fixtures" / "extract"

BODY_PARAGRAPH = (
    "<p>Residents of the valley village gathered in the school hall on Tuesday evening to hear "
    "plans for a new flood wall along the river, which burst its banks twice last winter.</p>"
    "<p>The drainage board said work could begin in the autumn if the county approves the "
    "budget, and that the wall would be built in three sections to keep the main road open.</p>"
    "<p>Several farmers asked whether the fields downstream would flood more often once the "
    "village was protected, and the engineers promised to publish their models before the vote.</p>"
)


def page(body: str, *, head: str = "", lang: str = "") -> str:
    lang_attribute = f' lang="{lang}"' if lang else ""
    return f"<!DOCTYPE html><html{lang_attribute}><head>{head}</head><body>{body}</body></html>"


@pytest.fixture(scope="module")
def article() -> Extraction:
    html = (FIXTURES / "article.html").read_text(encoding="utf-8")
    return extract_html(html, source="article.html")


def test_body_paragraphs_are_kept_one_per_line(article):
    lines = article.text.split("\n")
    assert lines[0].startswith("The old swing bridge across the inner harbour")
    assert lines[-1].endswith("would cover most of the repair bill.")
    assert len(lines) == 5


def test_navigation_footer_share_and_related_links_are_removed(article):
    for chrome in ("Home", "Weather", "Share this article", "Ferry timetable changes",
                   "Council votes to freeze", "All rights reserved", "Advertise"):
        assert chrome not in article.text


def test_repeated_headline_is_not_part_of_the_text(article):
    assert "Harbour bridge reopens" not in article.text


def test_metadata_comes_from_the_page(article):
    assert article.title == "Harbour bridge reopens after repairs"
    assert article.sitename == "The Coastal Ledger"
    assert article.url == "https://ledger.example.org/news/harbour-bridge-reopens"
    assert (article.published, article.published_from) == ("2021-03-14", "meta")
    assert article.language == "en-gb"


def test_removed_blocks_carry_position_and_reason():
    body = ("<article><h1>Flood wall plans shown to villagers</h1>" + BODY_PARAGRAPH
            + "<p>Sign up for our daily newsletter</p></article>")
    extraction = extract_html(page(body, head="<title>Flood wall plans shown to villagers</title>"),
                              source="flood.html")
    reasons = {reason for _, _, reason in extraction.removed}
    assert {"repeated title", "subscribe prompt"} <= reasons
    assert all(isinstance(position, int) and position >= 0 for position, _, _ in extraction.removed)
    assert "newsletter" not in extraction.text


def test_date_from_the_url_path_when_the_page_has_none():
    extraction = extract_html(page(f"<article>{BODY_PARAGRAPH}</article>"), source="flood.html",
                              url="https://news.example.com/2019/04/24/flood-wall-plans")
    assert (extraction.published, extraction.published_from) == ("2019-04-24", "url")


def test_title_loses_its_site_suffix():
    head = ('<title>Flood wall plans shown to villagers | Valley Gazette</title>'
            '<meta property="og:site_name" content="Valley Gazette">')
    extraction = extract_html(page(f"<article>{BODY_PARAGRAPH}</article>", head=head), source="x.html")
    assert extraction.title == "Flood wall plans shown to villagers"
    assert extraction.sitename == "Valley Gazette"
    assert extraction.published is None and extraction.published_from is None


def test_hostile_markup_never_reaches_the_text():
    html = (FIXTURES / "hostile.html").read_text(encoding="utf-8")
    extraction = extract_html(html, source="hostile.html")
    assert "until nine in the evening" in extraction.text
    for marker in ("INJECTED", "alert", "stealCookies", "trackClick", "javascript", "onerror", "<"):
        assert marker not in extraction.text


def test_page_without_a_body_raises_with_the_source_named():
    html = page('<nav><a href="/">Home</a> <a href="/about">About</a></nav>')
    with pytest.raises(ExtractionError) as caught:
        extract_html(html, source="empty-shell.html")
    assert caught.value.source == "empty-shell.html"
    assert str(caught.value) == (
        "empty-shell.html: no article body found: no title and no paragraphs of text in the page")


def test_page_with_only_a_title_names_the_title_in_the_error():
    html = page("<h1>Flood wall plans shown to villagers</h1>",
                head="<title>Flood wall plans shown to villagers</title>")
    with pytest.raises(ExtractionError, match="has a title .'Flood wall plans shown to villagers'. but no "
                                              "paragraphs of text"):
        extract_html(html, source="title-only.html")


@pytest.mark.parametrize("html", ["", "   \n  "])
def test_empty_input_raises(html):
    with pytest.raises(ExtractionError, match="^blank.html: empty page: no HTML to extract from$"):
        extract_html(html, source="blank.html")


def test_body_split_across_sibling_containers_is_joined_in_order():
    # trafilatura sometimes keeps only one of several same-class containers a template cuts a
    # body into; the merge step is tested directly on such a page and a text holding one part
    first = ["The county archive has finished scanning the parish registers that survived the fire.",
             "Volunteers spent two winters flattening water-stained pages before the cameras came."]
    second = ["Family historians have already booked the reading room for the first week.",
              "A second batch of registers, found in a chapel loft, will be scanned next year."]
    comments = ["Great news, my grandmother was baptised in that parish in the twenties.",
                "Will the scans include the burial books as well as the baptisms?"]

    def part(lines: list[str]) -> str:
        return '<div class="story-part">' + "".join(f"<p>{line}</p>" for line in lines) + "</div>"

    html = page(f'<div class="story"><div class="wrap">{part(first)}</div><div class="ad">Advert</div>'
                f'<div class="wrap">{part(second)}</div></div>'
                f'<section class="comments"><div class="thread">{part(comments)}</div></section>')
    tree = load_html(html)
    found = ("\n".join(first), ())
    text, removed = _with_split_parts(tree, found, page=_Page(title=None, link_texts=frozenset()))
    assert text.split("\n") == first + second
    assert removed == ()


def test_page_split_into_parts_extracts_every_part():
    first = ("<p>The county archive has finished scanning the parish registers that survived the fire "
             "at the old courthouse, some of them more than three hundred years old.</p>"
             "<p>Volunteers spent two winters flattening water-stained pages before the cameras could "
             "capture them, working from a room lent by the agricultural college.</p>"
             "<p>The archivist said the scans would be free to search online from the spring, with "
             "handwritten entries transcribed by a team of retired teachers.</p>")
    second = ("<p>Family historians have already booked the reading room for the first week after "
              "launch, hoping to trace relatives who left the valley for the mills.</p>"
              "<p>A second batch of registers, found in a chapel loft last year, will be scanned once "
              "the conservators have treated the mould on their bindings.</p>")
    body = (f'<article><div class="story"><div class="story-part">{first}</div>'
            '<div class="advert"><span>Advertisement</span></div>'
            f'<div class="story-part">{second}</div></div></article>')
    extraction = extract_html(page(body, head="<title>Parish registers go online</title>"), source="split.html")
    lines = extraction.text.split("\n")
    assert lines[0].startswith("The county archive has finished scanning")
    assert lines[-1].startswith("A second batch of registers")
    assert len(lines) == 5
    assert "Advertisement" not in extraction.text
