"""`editions batch FEED.xml`: a feed file as the batch's input, one item per entry; a bad entry keeps
its error, and a summary-only entry is read from its page (a server on 127.0.0.1, allowed by the URL
policy as a newsroom's CMS would be)."""

from __future__ import annotations

from pathlib import Path

import pytest

from editions.batch import read_inputs
from editions.errors import FeedError

FEEDS = Path(__file__).parent / "ingest" / "fixtures" / "feeds"


def test_each_entry_of_a_feed_file_is_an_item(tmp_path: Path) -> None:
    items = read_inputs(FEEDS / "atom10.xml")
    assert [i.label for i in items] == ["atom10.xml:1", "atom10.xml:2"]
    assert [i.article.headline for i in items if i.article] == [
        "Council passes the harbour budget",
        "Storm warning for the coast",
    ]
    broken = (
        (FEEDS / "content_encoded.xml")
        .read_bytes()
        .replace(
            b"<item>", b'<item><guid isPermaLink="false">x</guid><description> </description></item><item>', 1
        )
    )
    (tmp_path / "broken.rss").write_bytes(broken)
    bad, good = read_inputs(tmp_path / "broken.rss")
    assert bad.article is None and bad.error == "the item has no title and no text"
    assert good.article is not None and good.article.headline == "Fish market moves to the old warehouse"


def test_a_summary_only_entry_is_read_from_its_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from service.feed_server import Entry, FeedServer, news_page, rss

    server = FeedServer()
    try:
        monkeypatch.setenv("EDITIONS_URL_ALLOW", server.allow)
        server.pages["/ferry"] = news_page(
            "Ferries run every 40 minutes",
            "Ferries to the islands will leave every 40 minutes from Sunday instead of every hour.",
            "The first boat leaves the harbour at 6.10 and the last at 22.50, the operator said.",
            "Tickets bought before Sunday stay valid until the end of the month.",
        )
        (tmp_path / "feed.xml").write_bytes(rss([Entry("f", "Ferry", None, "Teaser.", server.url("/ferry"))]))
        (item,) = read_inputs(tmp_path / "feed.xml")
    finally:
        server.stop()
    assert item.article is not None, item.error
    assert "6.10" in " ".join(b.plain for b in item.article.blocks)


def test_a_feed_file_that_is_not_a_feed_is_refused(tmp_path: Path) -> None:
    (tmp_path / "page.xml").write_text("<html><body><p>Hello</p></body></html>")
    with pytest.raises(FeedError, match=r"page\.xml is an HTML page, not a feed"):
        read_inputs(tmp_path / "page.xml")
