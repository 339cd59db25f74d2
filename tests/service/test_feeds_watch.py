"""`editions watch FEED --once` against a feed on 127.0.0.1 that changes between polls.

The engine is the one `FakeEngine` (capitals): the subject is the feed machinery. First poll: every
item is translated. Second: the server answers 304 to the ETag and nothing is translated. Then the feed
changes: the new item is translated, the unchanged one is not, the changed one (same guid, new text)
becomes revision 2 of its editions (same ids, no new rows), and a malformed item is an error line and
a recorded error while the others go on. A summary-only item is read from its page on the server. A
feed URL that serves no XML is one line on stderr, no traceback. On SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import ClassVar

import pytest
from sqlalchemy import select

from editions.cli import main
from editions.engines import register_engine
from editions.engines.base import EngineOptions, TranslationRequest, TranslationResult
from editions.store.db import Store
from editions.store.feeds import feed_view, list_feeds
from editions.store.schema import ArticleRow, EditionRow

from .feed_server import Entry, FeedServer, news_page, paragraphs
from .isolated_fake import FakeEngine

ENGINE = "feed-fake"


class FeedFake(FakeEngine):  # type: ignore[misc]
    """Capitals, and every text it was asked for, across the engines the command makes."""

    name = ENGINE
    asked: ClassVar[list[str]] = []

    def __init__(self, options: EngineOptions) -> None:
        super().__init__(options=options)

    def translate_batch(self, requests: Sequence[TranslationRequest]) -> list[TranslationResult]:
        FeedFake.asked.extend(r.text for r in requests)
        return super().translate_batch(requests)  # type: ignore[no-any-return]


@pytest.fixture(autouse=True)
def _engine() -> Iterator[None]:
    register_engine(ENGINE, f"{__name__}:FeedFake")
    FeedFake.asked.clear()
    yield


@pytest.fixture
def publisher(monkeypatch: pytest.MonkeyPatch) -> Iterator[FeedServer]:
    running = FeedServer()
    monkeypatch.setenv("EDITIONS_URL_ALLOW", running.allow)  # the test server plays the newsroom's CMS
    yield running
    running.stop()


BRIDGE = paragraphs(
    "The harbour bridge reopened on Monday after eight months of repairs, the city council said.",
    "Traffic was light in the morning, but the council expects 40,000 vehicles a day by Friday.",
    "The repairs cost 12 million euros, two million more than planned.",
)
FERRY = paragraphs(
    "Ferries to the islands will leave every 40 minutes from Sunday instead of every hour.",
    "The first boat leaves the harbour at 6.10 and the last at 22.50; weekends are unchanged.",
    "Tickets bought before Sunday stay valid until the end of the month, the operator said.",
)
FERRY_CORRECTED = FERRY.replace("every 40 minutes", "every 30 minutes")
MARKET = paragraphs(
    "The fish market moves to the old warehouse on the north quay in March, the port said.",
    "Its 42 stalls will have twice the space they have today, and a new cold store.",
    "Traders said they had waited for the move for more than ten years.",
)
STORM_PAGE = (
    "The weather service issued a storm warning for the whole coast on Monday evening.",
    "Gusts of up to 110 km/h are expected overnight, and ferries will stay in port from 18.00.",
    "The harbour authority asked boat owners to check their moorings before nightfall.",
)


def watch(db: str, url: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str], str]:
    code = main(["watch", url, "--to", "fr,vi", "--once", "--db", db, "--engine", ENGINE])
    out, err = capsys.readouterr()
    return code, out.splitlines(), err


def editions_by_headline(db: str) -> dict[tuple[str, str], tuple[str, int, str]]:
    """(source headline, language) → (edition id, revision, first block's translation)."""
    store = Store(db)
    try:
        with store.session() as session:
            rows = session.execute(
                select(ArticleRow.headline, EditionRow.target_lang, EditionRow.id, EditionRow.revision,
                       EditionRow.document)
                .join(ArticleRow, ArticleRow.id == EditionRow.article_id)
            ).all()  # fmt: skip
            return {(h, lang): (i, rev, doc["blocks"][0]["text"]) for h, lang, i, rev, doc in rows}
    finally:
        store.close()


def test_watch_translates_new_items_only_and_revises_changed_ones(
    db_url: str, publisher: FeedServer, capsys: pytest.CaptureFixture[str]
) -> None:
    publisher.pages["/storm"] = news_page("Storm warning for the coast", *STORM_PAGE)
    first_items = [
        Entry("g-bridge", "Harbour bridge reopens", BRIDGE),
        Entry("g-ferry", "Ferry timetable changes", FERRY),
        Entry("g-storm", "Storm warning", None, "A storm is coming.", publisher.url("/storm")),
    ]
    publisher.publish(first_items, '"v1"')
    feed = publisher.url("/feed.xml")

    code, lines, err = watch(db_url, feed, capsys)
    assert code == 0, err
    assert lines == [
        "new       Harbour bridge reopens",
        "new       Ferry timetable changes",
        "new       Storm warning",
    ]
    first = editions_by_headline(db_url)
    assert len(first) == 6 and {rev for _, rev, _ in first.values()} == {1}
    # the summary-only item was read from its page, and that text was translated
    assert ("/storm", 200) in publisher.hits
    storm_fr = first[("Storm warning for the coast", "fr")][2]
    assert storm_fr == STORM_PAGE[0].upper()
    asked_first = len(FeedFake.asked)
    assert asked_first > 0

    # the server answers 304 to the ETag: nothing to translate
    code, lines, err = watch(db_url, feed, capsys)
    assert code == 0, err
    assert lines == ["not modified: nothing new in the feed"]
    assert publisher.hits[-1] == ("/feed.xml", 304)
    assert len(FeedFake.asked) == asked_first and editions_by_headline(db_url) == first

    # the feed changes: one item new, one changed, one unchanged, one malformed
    publisher.publish(
        [
            Entry("g-bridge", "Harbour bridge reopens", BRIDGE),
            Entry("g-ferry", "Ferry timetable changes", FERRY_CORRECTED),
            Entry("g-broken", "", None, "   "),
            Entry("g-market", "Fish market moves", MARKET),
            first_items[2],
        ],
        '"v2"',
    )
    code, lines, err = watch(db_url, feed, capsys)
    assert code == 0, err
    assert lines == [
        "unchanged Harbour bridge reopens",
        "revised   Ferry timetable changes",
        "error     g-broken: the item has no title and no text",
        "new       Fish market moves",
        "unchanged Storm warning",
    ]
    asked_now = FeedFake.asked[asked_first:]
    assert "every 30 minutes" in " ".join(asked_now) and "42 stalls" in " ".join(asked_now)
    assert not any("harbour bridge" in text.lower() for text in asked_now)  # unchanged: not translated
    assert not any("storm" in text.lower() for text in asked_now)

    after = editions_by_headline(db_url)
    assert len(after) == 8  # the market's two editions, and no second edition of the ferry
    for lang in ("fr", "vi"):
        before_id, _, _ = first[("Ferry timetable changes", lang)]
        edition_id, revision, text = after[("Ferry timetable changes", lang)]
        assert (edition_id, revision) == (before_id, 2)
        assert "EVERY 30 MINUTES" in text
        assert after[("Harbour bridge reopens", lang)] == first[("Harbour bridge reopens", lang)]

    store = Store(db_url)
    try:
        (watched,) = list_feeds(store)
        view = feed_view(store, watched.id)
        assert view.etag == '"v2"' and view.items == 4
        assert [(e.item, e.message) for e in view.errors] == [
            ("g-broken", "the item has no title and no text")
        ]
    finally:
        store.close()


def test_a_feed_that_is_not_xml_is_one_line(
    db_url: str, publisher: FeedServer, capsys: pytest.CaptureFixture[str]
) -> None:
    publisher.pages["/feed.txt"] = b"Harbour bridge reopens\n\nThe bridge reopened on Monday."
    code, lines, err = watch(db_url, publisher.url("/feed.txt"), capsys)
    assert code == 65 and lines == []
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("editions: error: http://127.0.0.1:") and "is not a feed: not XML" in err
    assert FeedFake.asked == []


def test_an_internal_feed_url_is_refused(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = watch(db_url, "http://127.0.0.1:9/feed.xml", capsys)
    assert code == 65 and "refusing http://127.0.0.1:9/feed.xml" in err and "loopback" in err


@pytest.mark.parametrize(("every", "says"), [("5x", "give a period"), ("10s", "at most every 30 s")])
def test_watch_refuses_a_bad_period(every: str, says: str, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["watch", "https://news.example/feed.xml", "--to", "fr", "--every", every])
    assert code == 64 and says in capsys.readouterr().err
