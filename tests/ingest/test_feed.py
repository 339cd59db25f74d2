"""Feeds in: RSS 2.0, Atom 1.0 and RSS with content:encoded (fixtures we wrote, in fixtures/feeds/),
documents that are not feeds, one bad item among good ones, the limits, and a conditional GET and a
summary-only item's page through the SSRF-checked fetcher, against a real server on 127.0.0.1."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from editions.errors import EditionsError, FeedError, InputTooLargeError, UnsafeUrlError
from editions.ingest.feed import (
    FEED_MAX_BYTES,
    MAX_ITEMS,
    fetch_feed,
    item_article,
    parse_feed,
)
from editions.ingest.ssrf import UrlPolicy

FEEDS = Path(__file__).parent / "fixtures" / "feeds"
BASE = "https://news.example/feed.xml"


def _read(name: str) -> bytes:
    return (FEEDS / name).read_bytes()


@pytest.mark.parametrize(
    ("name", "version", "ids", "with_content"),
    [
        ("rss20.xml", "rss20", ["gazette-101", "gazette-102"], [False, False]),
        ("atom10.xml", "atom10", ["urn:uuid:council-budget-2027", "urn:uuid:storm-warning"], [True, True]),
        ("content_encoded.xml", "rss20", ["https://news.example/market"], [True]),
    ],
)
def test_each_kind_of_feed_gives_its_items(
    name: str, version: str, ids: list[str], with_content: list[bool]
) -> None:
    feed = parse_feed(_read(name), url=BASE)
    assert feed.version == version
    assert feed.title == "Harbour Gazette"
    assert [item.item_id for item in feed.items] == ids
    assert [item.content is not None for item in feed.items] == with_content
    for item in feed.items:
        assert item.title and item.link and item.link.startswith("https://news.example/")
        assert item.published and item.error is None
        assert len(item.content_hash) == 64
    # an item without a content element has only its summary: the article is on its page
    assert [item.summary_only for item in feed.items] == [not c for c in with_content]


def test_content_encoded_is_the_article_sanitised_with_links_resolved() -> None:
    (item,) = parse_feed(_read("content_encoded.xml"), url=BASE).items
    assert item.summary == "The fish market is moving."
    article = item_article(item)
    assert article.headline == "Fish market moves to the old warehouse"
    assert [b.kind for b in article.blocks] == ["paragraph", "quote", "paragraph"]
    assert "twice the space" in article.blocks[0].plain
    links = [m.href for b in article.blocks for m in b.marks.values() if m.kind == "link"]
    assert links == ["https://news.example/market-plan"]  # relative to the feed's address
    text = " ".join(b.text for b in article.blocks)
    assert "alert" not in text and "steal" not in text  # feedparser's sanitiser dropped script and onclick


def test_atom_html_and_xhtml_content_become_articles() -> None:
    budget, storm = parse_feed(_read("atom10.xml"), url=BASE).items
    first = item_article(budget)
    assert first.headline == "Council passes the harbour budget"
    assert len(first.blocks) == 2
    assert [m.href for m in first.blocks[0].marks.values()] == ["https://news.example/quays"]
    assert "110 km/h" in item_article(storm).blocks[0].plain


def test_the_hash_changes_with_the_content_and_only_then() -> None:
    data = _read("content_encoded.xml")
    (before,) = parse_feed(data, url=BASE).items
    (same,) = parse_feed(data, url=BASE).items
    (after,) = parse_feed(data.replace(b"42 stalls", b"44 stalls"), url=BASE).items
    assert before.content_hash == same.content_hash
    assert after.item_id == before.item_id and after.content_hash != before.content_hash


HTML_PAGE = (
    b"<!doctype html><html><head><title>Gazette</title>"
    b'<link rel="alternate" type="application/rss+xml" href="https://news.example/rss"></head>'
    b"<body><p>News</p></body></html>"
)


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"", "is empty: not a feed"),
        (b"  \n\t ", "is empty: not a feed"),
        (b"\x89PNG\r\n\x1a\n" + bytes(64), "binary data (PNG image): not a feed"),
        (b"Harbour bridge reopens\n\nThe bridge reopened.", "is not a feed: not XML"),
        (b'{"items": []}', "is not a feed: not XML"),
        (HTML_PAGE, "is an HTML page, not a feed; its feed is https://news.example/rss"),
        (b"<html><body><p>hi</p></body></html>", "is an HTML page, not a feed; give the address"),
        (b'<?xml version="1.0"?><note><to>you</to></note>', "is XML but not a feed"),
    ],
)
def test_a_document_that_is_not_a_feed_is_one_clear_line(data: bytes, says: str) -> None:
    with pytest.raises(FeedError) as caught:
        parse_feed(data, "feed.xml")
    message = str(caught.value)
    assert message.startswith("feed.xml ") and says in message
    assert "\n" not in message


def test_one_malformed_item_is_its_own_error_and_the_others_read() -> None:
    data = _read("content_encoded.xml").replace(
        b"<item>",
        b'<item><guid isPermaLink="false">broken-1</guid><description> </description></item><item>',
        1,
    )
    broken, good = parse_feed(data, url=BASE).items
    assert broken.item_id == "broken-1" and broken.error == "the item has no title and no text"
    with pytest.raises(FeedError, match="no title and no text"):
        item_article(broken)
    assert item_article(good).headline == "Fish market moves to the old warehouse"


def test_an_item_over_the_article_limit_is_refused_alone() -> None:
    huge = "<p>" + "word " * 450_000 + "</p>"
    data = (
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>T</title>'
        f"<item><guid>big</guid><title>Big</title><content:encoded><![CDATA[{huge}]]></content:encoded></item>"
        "<item><guid>small</guid><title>Small</title><content:encoded><![CDATA[<p>"
        + "A short story. " * 20
        + "</p>]]></content:encoded></item></channel></rss>"
    ).encode()
    big, small = parse_feed(data).items
    with pytest.raises(InputTooLargeError, match=r"the limit is 2\.0 MB"):
        item_article(big)
    assert item_article(small).headline == "Small"


def test_the_feed_document_and_its_item_count_are_bounded() -> None:
    with pytest.raises(InputTooLargeError):
        parse_feed(b"<rss>" + b" " * FEED_MAX_BYTES + b"</rss>")
    items = "".join(
        f"<item><guid>n{n}</guid><title>Story {n}</title><description>Text {n}.</description></item>"
        for n in range(MAX_ITEMS + 7)
    )
    feed = parse_feed(f'<rss version="2.0"><channel><title>T</title>{items}</channel></rss>'.encode())
    assert len(feed.items) == MAX_ITEMS and feed.left_out == 7
    assert feed.items[0].item_id == "n0"


def test_an_item_without_an_id_gets_its_link_or_a_hash() -> None:
    data = (
        b'<rss version="2.0"><channel><title>T</title>'
        b"<item><title>Linked</title><link>https://news.example/a</link><description>x</description></item>"
        b"<item><title>Bare</title><description>Only text here.</description></item></channel></rss>"
    )
    linked, bare = parse_feed(data).items
    assert linked.item_id == "https://news.example/a"
    assert bare.item_id.startswith("sha256:") and bare.link is None
    assert not bare.summary_only  # no link to fetch: its own text is the article
    assert item_article(bare).headline == "Bare"


# --- over HTTP: a conditional GET, and the page of a summary-only item -----------------------------


class FeedServer:
    """127.0.0.1 in a thread: `/feed.xml` answers 304 to its current ETag; `pages` are HTML pages."""

    def __init__(self) -> None:
        self.feed = b""
        self.etag = '"v1"'
        self.last_modified = "Mon, 07 Dec 2026 08:00:00 GMT"
        self.pages: dict[str, bytes] = {}
        self.hits: list[tuple[str, dict[str, str]]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.hits.append((self.path, dict(self.headers.items())))
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    server.answer(self)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = int(self.httpd.server_address[1])
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def answer(self, handler: BaseHTTPRequestHandler) -> None:
        if handler.path == "/feed.xml":
            if handler.headers.get("If-None-Match", "") == self.etag:
                handler.send_response(304)
                handler.send_header("ETag", self.etag)
                handler.end_headers()
                return
            self._send(handler, self.feed, "application/rss+xml; charset=utf-8")
            return
        page = self.pages.get(handler.path)
        if page is None:
            handler.send_error(404)
            return
        self._send(handler, page, "text/html; charset=utf-8")

    def _send(self, handler: BaseHTTPRequestHandler, body: bytes, media: str) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", media)
        handler.send_header("Content-Length", str(len(body)))
        handler.send_header("ETag", self.etag)
        handler.send_header("Last-Modified", self.last_modified)
        handler.end_headers()
        handler.wfile.write(body)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    @property
    def policy(self) -> UrlPolicy:
        return UrlPolicy(allow=frozenset({f"127.0.0.1:{self.port}"}))

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server() -> Iterator[FeedServer]:
    running = FeedServer()
    yield running
    running.stop()


def page(headline: str, *paragraphs: str) -> bytes:
    """A whole news page: menus and a footer around the article, for trafilatura to find it in."""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<!doctype html><html><head><title>{headline}</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/sport'>Sport</a> <a href='/weather'>Weather</a></nav>"
        f"<article><h1>{headline}</h1>{body}</article>"
        "<footer>© Harbour Gazette. All rights reserved. Subscribe to our newsletter.</footer>"
        "</body></html>"
    ).encode()


def test_a_conditional_get_sends_the_validators_and_a_304_is_no_feed(server: FeedServer) -> None:
    server.feed = _read("content_encoded.xml")
    first = fetch_feed(server.url("/feed.xml"), server.policy)
    assert first.feed is not None and len(first.feed.items) == 1
    assert (first.etag, first.last_modified) == ('"v1"', server.last_modified)
    assert "application/rss+xml" in server.hits[-1][1]["Accept"]
    assert "If-None-Match" not in server.hits[-1][1]

    again = fetch_feed(server.url("/feed.xml"), server.policy, first.etag, first.last_modified)
    assert again.not_modified and again.feed is None and again.etag == '"v1"'
    sent = server.hits[-1][1]
    assert sent["If-None-Match"] == '"v1"' and sent["If-Modified-Since"] == server.last_modified

    server.etag = '"v2"'
    changed = fetch_feed(server.url("/feed.xml"), server.policy, first.etag, first.last_modified)
    assert changed.feed is not None and changed.etag == '"v2"'


def test_a_304_without_validators_sent_is_an_error(server: FeedServer) -> None:
    server.feed = _read("rss20.xml")
    server.etag = ""  # the server answers 304 to a request with no If-None-Match
    with pytest.raises(EditionsError, match="HTTP 304"):
        fetch_feed(server.url("/feed.xml"), server.policy)


def test_the_feed_url_goes_through_the_ssrf_policy(server: FeedServer) -> None:
    server.feed = _read("rss20.xml")
    with pytest.raises(UnsafeUrlError, match="loopback"):
        fetch_feed(server.url("/feed.xml"), UrlPolicy())  # no exception for the test server
    assert server.hits == []


def test_a_feed_url_that_serves_html_is_reported_clearly(server: FeedServer) -> None:
    server.pages["/news"] = HTML_PAGE
    with pytest.raises(
        FeedError, match=r"is an HTML page, not a feed; its feed is https://news\.example/rss"
    ):
        fetch_feed(server.url("/news"), server.policy)


def test_a_summary_only_item_is_read_from_its_page(server: FeedServer) -> None:
    server.pages["/bridge"] = page(
        "Harbour bridge reopens after repairs",
        "The harbour bridge reopened on Monday after eight months of repairs, the city council said. "
        "Traffic was light in the morning but is expected to grow.",
        "The repairs cost 12 million euros, two million more than planned, because corrosion was found "
        "in the steel deck in the summer.",
        "The council said the bridge would be inspected every year from now on.",
    )
    feed_xml = (
        '<rss version="2.0"><channel><title>Gazette</title><item><guid>g-1</guid>'
        "<title>Harbour bridge reopens after repairs</title>"
        f"<link>{server.url('/bridge')}</link><description>The bridge is open again.</description>"
        "</item></channel></rss>"
    ).encode()
    (item,) = parse_feed(feed_xml, url=server.url("/feed.xml")).items
    assert item.summary_only
    article = item_article(item, server.policy)
    assert ("/bridge", True) in [(path, "Host" in headers) for path, headers in server.hits]
    text = " ".join(b.plain for b in article.blocks)
    assert "corrosion was found in the steel deck" in text  # the page's text, not the summary's
    assert "Subscribe" not in text and "Sport" not in text  # trafilatura left the page's furniture out
    with pytest.raises(UnsafeUrlError):
        item_article(item, UrlPolicy())  # the page is fetched under the same policy
