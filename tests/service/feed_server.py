"""A feed publisher on 127.0.0.1 for the feed tests: `/feed.xml` with an ETag (304 when it matches),
HTML pages for summary-only items, and the feed built from items the test changes between polls."""

from __future__ import annotations

import contextlib
import html
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from editions.ingest.ssrf import UrlPolicy


@dataclass
class Entry:
    guid: str
    title: str
    content: str | None = None  # content:encoded HTML; None: only a <description>
    summary: str = ""
    link: str | None = None

    def xml(self) -> str:
        parts = [f'<guid isPermaLink="false">{html.escape(self.guid)}</guid>']
        if self.title:
            parts.append(f"<title>{html.escape(self.title)}</title>")
        if self.link:
            parts.append(f"<link>{html.escape(self.link)}</link>")
        parts.append(f"<description>{html.escape(self.summary)}</description>")
        if self.content is not None:
            parts.append(f"<content:encoded><![CDATA[{self.content}]]></content:encoded>")
        return "<item>" + "".join(parts) + "</item>"


def rss(entries: list[Entry]) -> bytes:
    items = "".join(entry.xml() for entry in entries)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
        f"<title>Harbour Gazette</title><link>https://news.example/</link>{items}</channel></rss>"
    ).encode()


class FeedServer:
    def __init__(self) -> None:
        self.feed = b""
        self.etag = '"v1"'
        self.pages: dict[str, bytes] = {}
        self.hits: list[tuple[str, int]] = []  # path, status answered
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    server.hits.append((self.path, server.answer(self)))

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = int(self.httpd.server_address[1])
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def publish(self, entries: list[Entry], etag: str) -> None:
        self.feed, self.etag = rss(entries), etag

    def answer(self, handler: BaseHTTPRequestHandler) -> int:
        if handler.path == "/feed.xml":
            if handler.headers.get("If-None-Match") == self.etag:
                handler.send_response(304)
                handler.send_header("ETag", self.etag)
                handler.end_headers()
                return 304
            return self._send(handler, self.feed, "application/rss+xml")
        page = self.pages.get(handler.path)
        if page is None:
            handler.send_error(404)
            return 404
        media = "text/plain" if handler.path.endswith(".txt") else "text/html; charset=utf-8"
        return self._send(handler, page, media)

    def _send(self, handler: BaseHTTPRequestHandler, body: bytes, media: str) -> int:
        handler.send_response(200)
        handler.send_header("Content-Type", media)
        handler.send_header("Content-Length", str(len(body)))
        handler.send_header("ETag", self.etag)
        handler.end_headers()
        handler.wfile.write(body)
        return 200

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    @property
    def allow(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def policy(self) -> UrlPolicy:
        return UrlPolicy(allow=frozenset({self.allow}))

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def paragraphs(*texts: str) -> str:
    return "".join(f"<p>{text}</p>" for text in texts)


def news_page(headline: str, *texts: str) -> bytes:
    """A whole page, menus and footer around the article, as a CMS serves it."""
    return (
        f"<!doctype html><html><head><title>{headline}</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/sport'>Sport</a></nav>"
        f"<article><h1>{headline}</h1>{paragraphs(*texts)}</article>"
        "<footer>Subscribe to our newsletter.</footer></body></html>"
    ).encode()
