"""RSS and Atom feeds, from files and from URLs."""

from __future__ import annotations

import httpx

from crosscheck.ingest import iter_documents
from crosscheck.records import RawDocument, Rejected, content_id
from crosscheck.settings import Settings

SETTINGS = Settings(workers=1, allow_private=True, fetch_backoff=0.0, min_text_chars=40)
LONG = "<p>The regional council approved the new water plan after a long debate on Tuesday.</p>"
RSS = f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Valley News</title><link>https://valley.example/</link>
<item><guid>valley-101</guid><title>Water plan approved</title>
  <link>https://valley.example/water</link>
  <pubDate>Tue, 02 Apr 2024 09:30:00 +0430</pubDate>
  <description><![CDATA[{LONG}]]></description></item>
<item><title>Short teaser</title><link>https://valley.example/roads</link>
  <description>Roads: more soon.</description></item>
<item><title>No link and no body</title><description>Brief.</description></item>
</channel></rss>"""
ATOM = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Hill Post</title><id>urn:hill</id>
<updated>2024-04-03T08:00:00Z</updated>
<entry><id>urn:hill:7</id><title type="html">Clinic &amp;amp; school</title>
  <link href="/2024/clinic"/><updated>2024-04-03T08:00:00+02:00</updated>
  <summary>short</summary><content type="html">{LONG.replace("<", "&lt;").replace(">", "&gt;")}</content></entry>
</feed>"""


def page_handler(request: httpx.Request) -> httpx.Response:
    if request.url.path == "/roads":
        return httpx.Response(200, headers={"content-type": "text/html"}, content=b"<p>Full roads story.</p>")
    if request.url.path == "/feed.xml":
        return httpx.Response(200, headers={"content-type": "text/xml"}, content=ATOM.encode())
    return httpx.Response(404)


def ingest(*inputs: str, handler=page_handler) -> list:
    return list(iter_documents(list(inputs), settings=SETTINGS, transport=httpx.MockTransport(handler)))


def test_rss_file_entries(tmp_path):
    path = tmp_path / "valley.rss"
    path.write_text(RSS, encoding="utf-8")
    records = ingest(str(path))
    reason = "feed entry has too little content and no link to fetch"
    assert records == [
        RawDocument(content_id("valley.rss#valley-101", LONG), f"{path}#valley-101", "html", LONG,
                    url="https://valley.example/water", title="Water plan approved",
                    published="2024-04-02T09:30:00+04:30"),
        RawDocument(content_id("valley.rss#https://valley.example/roads", "<p>Full roads story.</p>"),
                    f"{path}#https://valley.example/roads", "html", "<p>Full roads story.</p>",
                    url="https://valley.example/roads", title="Short teaser"),
        Rejected(content_id("ingest", "valley.rss#3", reason), f"{path}#3", "ingest", reason),
    ]


def test_feed_url_yields_entries_with_resolved_links():
    [doc] = ingest("https://hill.example/feed.xml")
    assert (doc.source, doc.url, doc.title, doc.published, doc.content) == (
        "https://hill.example/feed.xml#urn:hill:7",
        "https://hill.example/2024/clinic",
        "Clinic & school",
        "2024-04-03T08:00:00+02:00",
        LONG,
    )


def test_entry_link_that_fails_is_rejected_under_the_entry(tmp_path):
    path = tmp_path / "valley.xml"
    path.write_text(RSS.replace("/roads", "/gone"), encoding="utf-8")
    rejected = ingest(str(path))[1]
    assert (rejected.source, rejected.reason) == (f"{path}#https://valley.example/gone",
                                                  "https://valley.example/gone: HTTP status 404")


def test_not_a_feed_and_empty_feed(tmp_path):
    prose = tmp_path / "notes.rss"
    prose.write_text("just a line of prose, no markup at all", encoding="utf-8")
    html = tmp_path / "page.xml"
    html.write_text("<html><body><p>a web page</p></body></html>", encoding="utf-8")
    empty = tmp_path / "empty.atom"
    empty.write_text('<feed xmlns="http://www.w3.org/2005/Atom"><title>Nothing</title></feed>', encoding="utf-8")
    records = ingest(str(prose), str(html), str(empty))
    assert [(r.source, r.reason) for r in records] == [
        (str(prose), "not an RSS or Atom feed (syntax error)"),
        (str(html), "not an RSS or Atom feed"),
        (str(empty), "feed has no entries"),
    ]
