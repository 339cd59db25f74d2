"""Watched feeds in the store: the lease on a poll, new items queued once, a changed item's job
revising its editions in place (same ids, revision + 1, back to draft, no new rows), errors kept and
bounded, owners apart. On SQLite and PostgreSQL (the `store` fixture)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from editions.document import Article, Block, Edition, EditionBlock, Provenance
from editions.errors import NotFoundError, UsageError
from editions.store.db import Store
from editions.store.editions import get_edition, set_review
from editions.store.feeds import (
    MAX_ERRORS_KEPT,
    ClaimedFeed,
    Poll,
    PolledItem,
    add_feed,
    claim_feed,
    delete_feed,
    feed_view,
    list_feeds,
    record_poll,
    release_feed,
    seen_items,
)
from editions.store.queue import claim_task, complete_task
from editions.store.schema import EditionRow, FeedItemRow, TaskRow
from editions.vocabulary import ReviewState

URL = "https://news.example/feed.xml"
PROVENANCE = Provenance(engine="seeded", model="none", prompt_version="test", package_version="0")


def _item(item_id: str, text: str) -> PolledItem:
    article = Article(headline=f"Story {item_id}", blocks=[Block(id="b1", text=text)], source_lang="en")
    return PolledItem(item_id, f"Story {item_id}", f"https://news.example/{item_id}", f"h:{text}", article)


def _claim(store: Store, owner: str = "poller") -> ClaimedFeed:
    claimed = claim_feed(store, owner)
    assert claimed is not None
    return claimed


def _due_now(store: Store, feed_id: str) -> None:
    """Make the feed due again at once (a test does not wait `every_s`)."""
    from editions.store.schema import FeedRow, utcnow

    with store.session() as session:
        row = session.get(FeedRow, feed_id)
        assert row is not None
        row.next_poll_at = utcnow()


def _translate_all(store: Store, job_id: str) -> dict[tuple[int, str], str]:
    """Finish each task of the job with a hand-made edition; (position, language) → edition id."""
    done = {}
    while (task := claim_task(store, "worker", 30, job_id=job_id)) is not None:
        edition = Edition(
            article_id=task.article.id,
            source_lang="en",
            target_lang=task.target_lang,
            headline=task.article.headline.upper(),
            source_headline=task.article.headline,
            blocks=[
                EditionBlock(source_id=b.id, kind=b.kind, text=b.text.upper(), marks=dict(b.marks))
                for b in task.article.blocks
            ],
            provenance=PROVENANCE,
        )
        edition_id = complete_task(store, task, "worker", edition)
        assert edition_id is not None
        done[(task.position, task.target_lang)] = edition_id
    return done


def _count(store: Store, table: type) -> int:
    with store.session() as session:
        return int(session.scalar(select(func.count()).select_from(table)) or 0)


def test_a_feed_is_leased_to_one_poller_at_a_time(store: Store) -> None:
    feed, created = add_feed(store, URL, ["fr", "vi"], every_s=60)
    assert created and feed.targets == ["fr", "vi"]
    again, created = add_feed(store, URL, ["fr"], every_s=120)
    assert not created and again.id == feed.id and again.targets == ["fr"] and again.every_s == 120
    first = _claim(store, "a")
    assert claim_feed(store, "b") is None  # leased
    assert claim_feed(store, "b", feed_id=feed.id) is None  # even when asked for by id
    record_poll(store, first, "a", Poll(etag='"1"'))
    assert claim_feed(store, "b") is None  # polled: not due for another every_s
    assert claim_feed(store, "b", feed_id=feed.id) is not None  # `editions watch --once` polls anyway


def test_a_poll_by_a_poller_that_lost_its_lease_records_nothing(store: Store) -> None:
    add_feed(store, URL, ["fr"])
    claimed = _claim(store, "a")
    recorded = record_poll(store, claimed, "not-a", Poll(items=[_item("1", "One.")]))
    assert recorded.lost_lease and recorded.job_id is None
    assert seen_items(store, claimed.id) == {} and _count(store, TaskRow) == 0


def test_new_items_are_one_job_and_seen_ones_are_not_queued_again(store: Store) -> None:
    feed, _ = add_feed(store, URL, ["fr", "vi"])
    recorded = record_poll(
        store, _claim(store), "poller", Poll(etag='"1"', items=[_item("1", "One."), _item("2", "Two.")])
    )
    assert recorded.new == ["1", "2"] and recorded.revised == [] and recorded.job_id
    assert seen_items(store, feed.id) == {"1": "h:One.", "2": "h:Two."}
    assert _count(store, TaskRow) == 4
    view = feed_view(store, feed.id)
    assert view.etag == '"1"' and view.items == 2 and view.last_polled_at is not None
    _due_now(store, feed.id)
    # a second poller that read the same items (they were new when it looked) queues nothing
    recorded = record_poll(store, _claim(store), "poller", Poll(items=[_item("1", "One.")]))
    assert recorded.job_id is None and recorded.new == []
    assert _count(store, TaskRow) == 4


def test_a_changed_item_revises_its_editions_in_place(store: Store) -> None:
    feed, _ = add_feed(store, URL, ["fr", "vi"])
    first = record_poll(store, _claim(store), "poller", Poll(items=[_item("1", "One."), _item("2", "Two.")]))
    assert first.job_id is not None
    editions = _translate_all(store, first.job_id)
    set_review(store, editions[(0, "fr")], ReviewState.APPROVED, "fine")
    before = _count(store, EditionRow)
    assert before == 4

    _due_now(store, feed.id)
    second = record_poll(
        store, _claim(store), "poller", Poll(items=[_item("1", "One, corrected.")], unchanged=["2"])
    )
    assert second.revised == ["1"] and second.new == [] and second.job_id not in (None, first.job_id)
    assert second.job_id is not None
    revised = _translate_all(store, second.job_id)
    assert revised == {(0, "fr"): editions[(0, "fr")], (0, "vi"): editions[(0, "vi")]}  # the same ids
    assert _count(store, EditionRow) == before  # no new edition rows
    fr = get_edition(store, editions[(0, "fr")])
    assert fr.revision == 2 and fr.review == ReviewState.DRAFT and fr.review_note is None
    assert fr.edition.blocks[0].text == "ONE, CORRECTED." and fr.job_id == second.job_id
    assert fr.article.blocks[0].text == "One, corrected."  # shown against the source it now translates
    assert get_edition(store, editions[(1, "fr")]).revision == 1  # the unchanged item is untouched

    _due_now(store, feed.id)  # and a second change revises the same editions again
    third = record_poll(store, _claim(store), "poller", Poll(items=[_item("1", "One, again.")]))
    assert third.job_id is not None
    assert _translate_all(store, third.job_id) == revised
    assert get_edition(store, editions[(0, "vi")]).revision == 3
    assert _count(store, EditionRow) == before


def test_a_change_while_the_last_job_runs_waits_and_the_etag_is_forgotten(store: Store) -> None:
    feed, _ = add_feed(store, URL, ["fr"])
    first = record_poll(store, _claim(store), "poller", Poll(items=[_item("1", "One.")]))
    _due_now(store, feed.id)
    waiting = record_poll(store, _claim(store), "poller", Poll(etag='"2"', items=[_item("1", "One!")]))
    assert waiting.waiting == ["1"] and waiting.job_id is None
    assert feed_view(store, feed.id).etag is None  # the next poll reads the whole feed again
    assert seen_items(store, feed.id) == {"1": "h:One."}
    assert first.job_id is not None
    _translate_all(store, first.job_id)
    _due_now(store, feed.id)
    later = record_poll(store, _claim(store), "poller", Poll(items=[_item("1", "One!")]))
    assert later.revised == ["1"]


def test_a_revision_that_failed_still_knows_the_editions(store: Store) -> None:
    from editions.store.queue import fail_task

    feed, _ = add_feed(store, URL, ["fr"])
    first = record_poll(store, _claim(store), "poller", Poll(items=[_item("1", "One.")]))
    assert first.job_id is not None
    (edition_id,) = _translate_all(store, first.job_id).values()
    _due_now(store, feed.id)
    second = record_poll(store, _claim(store), "poller", Poll(items=[_item("1", "Two.")]))
    task = claim_task(store, "worker", 30, job_id=second.job_id)
    assert task is not None and task.revises == edition_id
    fail_task(store, task, "worker", UsageError("the engine said no"))
    _due_now(store, feed.id)
    third = record_poll(store, _claim(store), "poller", Poll(items=[_item("1", "Three.")]))
    assert third.job_id is not None
    assert list(_translate_all(store, third.job_id).values()) == [edition_id]
    assert _count(store, EditionRow) == 1 and get_edition(store, edition_id).revision == 2
    with store.session() as session:
        row = session.scalars(select(FeedItemRow)).one()
        assert row.editions == {"fr": edition_id} and row.revisions == 3


def test_errors_are_recorded_newest_first_and_bounded(store: Store) -> None:
    feed, _ = add_feed(store, URL, ["fr"])
    errors: list[tuple[str | None, str]] = [
        (f"item-{n}", f"bad item {n}") for n in range(MAX_ERRORS_KEPT + 5)
    ]
    record_poll(store, _claim(store), "poller", Poll(items=[_item("ok", "Fine.")], errors=errors))
    view = feed_view(store, feed.id)
    assert len(view.errors) == MAX_ERRORS_KEPT
    assert view.errors[0].item == f"item-{MAX_ERRORS_KEPT + 4}" and view.errors[0].message.startswith("bad")
    assert view.last_error is None  # item errors are not the feed's own
    _due_now(store, feed.id)
    release_feed(store, _claim(store), "poller", "https://news.example/feed.xml answered HTTP 500")
    view = feed_view(store, feed.id)
    assert view.last_error is not None and "HTTP 500" in view.last_error
    assert view.errors[0].item is None and claim_feed(store, "x") is None  # released, due later


def test_owners_see_only_their_feeds(store: Store) -> None:
    mine, _ = add_feed(store, URL, ["fr"], owner="key-a")
    theirs, _ = add_feed(store, URL, ["vi"], owner="key-b")
    assert mine.id != theirs.id  # the same feed, watched by two keys, is two feeds
    assert [f.id for f in list_feeds(store, "key-a")] == [mine.id]
    assert {f.id for f in list_feeds(store)} == {mine.id, theirs.id}
    with pytest.raises(NotFoundError):
        feed_view(store, theirs.id, "key-a")
    with pytest.raises(NotFoundError):
        delete_feed(store, theirs.id, "key-a")
    delete_feed(store, mine.id, "key-a")
    assert list_feeds(store, "key-a") == []


def test_a_feed_polled_too_often_is_refused(store: Store) -> None:
    with pytest.raises(UsageError, match="at most every 30 s"):
        add_feed(store, URL, ["fr"], every_s=5)


def test_0004_upgrades_a_store_with_queued_work_and_matches_the_tables(db_url: str) -> None:
    """0004 adds the feed tables and tasks.revises beside queued work; the migrated database is what
    schema.py declares (alembic's own comparison), and the revision goes back down cleanly."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy import text

    from editions.store.schema import Base

    old = Store(db_url, migrate=False)
    old.migrate("0003")
    with old.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO jobs (id, status, targets, options, owner, created_at, updated_at) "
                "VALUES ('j1', 'queued', '[\"fr\"]', '{}', 'local', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO articles (id, headline, document, created_at) "
                "VALUES ('a1', 'H', '{}', CURRENT_TIMESTAMP)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO tasks (job_id, position, article_id, target_lang, status, attempts, "
                "segments_done, segments_total, engine_calls, memory_hits) "
                "VALUES ('j1', 0, 'a1', 'fr', 'pending', 0, 0, 0, 0, 0)"
            )
        )
    old.close()
    store = Store(db_url)
    try:
        assert {"feeds", "feed_items", "feed_errors"} <= set(store.tables())
        with store.engine.connect() as conn:
            assert conn.execute(text("SELECT job_id, revises FROM tasks")).all() == [("j1", None)]
            differences = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        assert differences == []
        from alembic import command
        from alembic.config import Config

        from editions.store.db import MIGRATIONS

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with store.engine.begin() as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, "0003")
        assert "feeds" not in store.tables()
        store.migrate()
        assert "feeds" in store.tables()
    finally:
        store.close()
