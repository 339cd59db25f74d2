"""Feeds: RSS 2.0, Atom 1.0 and RSS with `content:encoded`, read by feedparser; each item an `Article`.

    parse_feed(data, label="the feed", url=None, content_type=None) -> Feed
    fetch_feed(url, policy=None, etag=None, last_modified=None) -> FetchedFeed   a conditional GET
    item_article(item, policy=None, source_lang=None) -> Article

Documented behaviour:

* **Not a feed.** Empty bytes, binary data, text that is not XML, an HTML page, or XML that is neither
  RSS nor Atom raise `FeedError` with one line saying which (an HTML page that links its feed names it).
  A feed with some bad markup that feedparser still reads (its "bozo" feeds) is read.
* **Bounded.** The document is at most `FEED_MAX_BYTES` (five single-article limits: a feed carries
  many articles' HTML); only its first `MAX_ITEMS` items are read (`Feed.left_out` counts the rest);
  each item's content is read under the single-article limit (`DEFAULT_MAX_BYTES`), and a page fetched
  for an item under the `UrlPolicy`'s, as `read_article_url` reads any page.
* **Items.** Each has an id (its guid or Atom id, else its link, else a hash of its text), link, title,
  published date, its content HTML (`content:encoded`, Atom `<content>`) or only a summary
  (`<description>`, `<summary>`), and a content hash over title, content, summary and link: a feed item
  whose hash changed was edited.
* **One bad item** (no title and no text, or text the readers refuse) is that item's error
  (`FeedItem.error`, or the `EditionsError` `item_article` raises), never the feed's.
* **Summary only.** An item with no content element, or one with under `SHORT_CHARS` characters of
  text, whose link is http(s), is read from its page: fetched with `fetch_url` under the SSRF policy
  (every hop checked, size and time limits) and extracted by the HTML reader (trafilatura for a page).
* feedparser is handed bytes, never a URL or a path: given those it would fetch or open them itself,
  around the SSRF policy. Its own HTML sanitising (scripts, event handlers removed) and relative-link
  resolution against the feed's address stay on.
"""

from __future__ import annotations

import hashlib
import html
import io
import json
import re
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlsplit

from editions.document import Article
from editions.errors import BinaryInputError, FeedError
from editions.ingest.decode import DEFAULT_MAX_BYTES, check_size, reject_binary
from editions.ingest.read import read_article_text
from editions.ingest.ssrf import UrlPolicy, shown_url
from editions.ingest.url import fetch_url, read_article_url

__all__ = ["FEED_MAX_BYTES", "Feed", "FeedItem", "FetchedFeed", "fetch_feed", "item_article", "parse_feed"]

FEED_MAX_BYTES = 5 * DEFAULT_MAX_BYTES
MAX_ITEMS = 100  # a news feed carries 10 to 50; a longer one is read in its first (newest) items
SHORT_CHARS = 200  # less text than this in an item is a teaser: the article is on its page
MAX_ID_CHARS = 1000
FEED_ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"

_TAG_RE = re.compile(r"<[^>]*>")
_SPACE_RE = re.compile(r"\s+")
_HTML_RE = re.compile(rb"<(!doctype\s+html|html|body|head)\b", re.IGNORECASE)
_ALTERNATE_RE = re.compile(r"<link\b[^>]*\btype=[\"']application/(?:rss|atom)\+xml[\"'][^>]*>", re.IGNORECASE)
_HREF_RE = re.compile(r"\bhref=[\"']([^\"']+)[\"']", re.IGNORECASE)
_HTML_TYPES = ("text/html", "application/xhtml+xml")


@dataclass(frozen=True)
class FeedItem:
    """One entry of a feed, as the feed gives it (HTML already sanitised by feedparser)."""

    item_id: str
    link: str | None
    title: str
    published: str | None
    content: str | None  # HTML of content:encoded / Atom <content>; None when the item has none
    summary: str | None  # HTML of <description> / <summary>
    content_hash: str
    error: str | None = None  # why the item cannot become an article; the feed's other items still can

    @property
    def label(self) -> str:
        """How a message names the item: its title, else its id."""
        return self.title[:80] or shown_url(self.item_id)

    @property
    def summary_only(self) -> bool:
        """The feed carries a teaser only, and the item's page holds the article."""
        if not self.link or urlsplit(self.link).scheme not in ("http", "https"):
            return False
        return self.content is None or len(_plain(self.content)) < SHORT_CHARS


@dataclass(frozen=True)
class Feed:
    title: str
    version: str  # feedparser's name: rss20, atom10 …
    items: list[FeedItem] = field(default_factory=list)
    left_out: int = 0  # items past MAX_ITEMS


@dataclass(frozen=True)
class FetchedFeed:
    """A conditional GET's answer: `feed` is None when the server said 304 (nothing changed)."""

    url: str
    feed: Feed | None
    etag: str | None
    last_modified: str | None

    @property
    def not_modified(self) -> bool:
        return self.feed is None


def parse_feed(
    data: bytes, label: str = "the feed", url: str | None = None, content_type: str | None = None
) -> Feed:
    """The items of the RSS or Atom document `data` (see the module doc); `FeedError` if it is not one."""
    import feedparser  # type: ignore[import-untyped]  # no stubs, no py.typed

    check_size(len(data), FEED_MAX_BYTES, label)
    if not data.strip():
        raise FeedError(f"{label} is empty: not a feed")
    try:
        reject_binary(data, label)
    except BinaryInputError as err:
        raise FeedError(f"{err}: not a feed".replace(", not an article", "")) from err
    headers = {"content-location": url or "", "content-type": content_type or "application/xml"}
    parsed = feedparser.parse(io.BytesIO(data), response_headers=headers)
    version = str(parsed.get("version") or "")
    if not version:
        raise FeedError(_why_not_a_feed(data, label, parsed, content_type))
    entries = list(parsed.get("entries") or [])
    title = _text(parsed.get("feed", {}).get("title"))
    items = [_item(entry) for entry in entries[:MAX_ITEMS]]
    return Feed(title, version, items, max(0, len(entries) - MAX_ITEMS))


def _why_not_a_feed(data: bytes, label: str, parsed: Any, content_type: str | None) -> str:
    media = (content_type or "").split(";")[0].strip().lower()
    if media in _HTML_TYPES or _HTML_RE.search(data[:4096]):
        found = _alternate_feed(data)
        hint = f"; its feed is {shown_url(found)}" if found else "; give the address of its RSS or Atom feed"
        return f"{label} is an HTML page, not a feed{hint}"
    if parsed.get("bozo"):
        reason = str(parsed.get("bozo_exception") or "").replace("<unknown>:", "line ").strip()
        return f"{label} is not a feed: not XML ({reason[:120] or 'unreadable'})"
    return f"{label} is XML but not a feed (neither RSS nor Atom)"


def _alternate_feed(data: bytes) -> str | None:
    head = data[:65536].decode("utf-8", "replace")
    for tag in _ALTERNATE_RE.findall(head):
        href = _HREF_RE.search(tag)
        if href:
            return html.unescape(href.group(1))
    return None


def _item(entry: Any) -> FeedItem:
    title = _text(entry.get("title"))
    link = entry.get("link") or None
    content = _content(entry)
    summary = entry.get("summary") or None
    published = entry.get("published") or entry.get("updated") or None
    payload = json.dumps([title, content, summary, link], ensure_ascii=False)
    content_hash = hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()
    item_id = str(entry.get("id") or link or f"sha256:{content_hash[:32]}")
    if len(item_id) > MAX_ID_CHARS:
        item_id = "sha256:" + hashlib.sha256(item_id.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    error = None
    if not title and not _plain(content or "") and not _plain(summary or ""):
        error = "the item has no title and no text"
    return FeedItem(item_id, link, title, published, content, summary, content_hash, error)


def _content(entry: Any) -> str | None:
    """The item's own article text: the first content element, as HTML (plain text escaped)."""
    for part in entry.get("content") or []:
        value = part.get("value")
        if not value:
            continue
        if part.get("type") in ("text/plain", "text"):
            return "".join(f"<p>{html.escape(p)}</p>" for p in value.split("\n\n") if p.strip())
        return str(value)
    return None


def _text(value: Any) -> str:
    return _SPACE_RE.sub(" ", html.unescape(_TAG_RE.sub("", str(value or "")))).strip()


def _plain(markup: str) -> str:
    return _text(markup)


def item_article(item: FeedItem, policy: UrlPolicy | None = None, source_lang: str | None = None) -> Article:
    """The item as an Article: its own HTML, or (summary only) the page it links to, fetched under
    `policy`. Raises the `EditionsError` that makes this one item unreadable."""
    if item.error:
        raise FeedError(item.error)  # the caller names the item (its line, its recorded error)
    if item.summary_only:
        assert item.link is not None
        return read_article_url(item.link, source_lang=source_lang, policy=policy or UrlPolicy())
    body = item.content or item.summary or ""
    heading = f"<h1>{html.escape(item.title)}</h1>" if item.title else ""
    return read_article_text(heading + body, fmt="html", source_lang=source_lang, max_bytes=DEFAULT_MAX_BYTES)


def fetch_feed(
    url: str,
    policy: UrlPolicy | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
) -> FetchedFeed:
    """GET the feed at `url` with If-None-Match / If-Modified-Since from the last poll; 304 → no feed."""
    policy = policy or UrlPolicy()
    feed_policy = replace(policy, max_bytes=max(policy.max_bytes, FEED_MAX_BYTES))
    conditional = {"If-None-Match": etag or "", "If-Modified-Since": last_modified or ""}
    conditional["Accept"] = FEED_ACCEPT
    page = fetch_url(url, feed_policy, conditional)
    if page.status == 304:
        return FetchedFeed(url, None, page.etag or etag, page.last_modified or last_modified)
    feed = parse_feed(page.content, shown_url(url), page.final_url, page.content_type)
    return FetchedFeed(url, feed, page.etag, page.last_modified)
