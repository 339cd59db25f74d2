"""Watched feeds: what each poll saw, which items became which editions, and what went wrong.

    add_feed, list_feeds, feed_view, delete_feed     a key's feeds (another key's are not found)
    claim_feed(store, owner, lease_s)                a due feed, leased: two workers never poll one feed
    seen_items(store, feed_id)                       item id → content hash, to tell new from changed
    record_poll(store, feed, owner, poll)            the poll's job, items and errors, in one transaction
    release_feed(store, feed, owner, error)          a poll that failed whole: its error, the next poll

**A changed item revises its editions.** An item is known by (feed, item id) and its content hash.
When the hash changes, its new article goes into an ordinary job (`queue.queue_job`), and each of its
tasks names the edition it revises (`tasks.revises`): `queue.complete_task` then writes the new
translation into *that* edition row (revision + 1, review back to draft) instead of inserting a second
one, and moves the row to the new task (its job and article), so that the review page shows it against
the source it now translates. We chose this over a second edition row (and a "supersedes" link)
because the newsroom's unit is the story: its editors, URLs and API clients already hold the edition's
id, its revision counter is already the optimistic lock an open editor's save is checked against (a
stale save is refused, not lost), and the review page has no notion of two editions of one story.
The editions an item became are kept on its row (language → edition id): found from the job's tasks at
the next change, and kept when a revision fails, so a later change still revises, never duplicates.
A changed item whose previous job is still being translated waits for the next poll, for the same
reason: the editions it would revise do not exist yet.

Everything a poll writes (the job, the items seen, the errors, the feed's ETag and next poll time) is
one transaction, under the condition that the poller still holds the feed's lease: an item is never
both queued and forgotten, nor queued twice by two pollers.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from pydantic import BaseModel
from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.orm import Session

from editions.document import Article
from editions.errors import NotFoundError, UsageError
from editions.redact import redact
from editions.store.db import Store
from editions.store.queue import Quota, Submission, SubmittedArticle, queue_job, stored_article_id
from editions.store.schema import EditionRow, FeedErrorRow, FeedItemRow, FeedRow, TaskRow, utcnow
from editions.store.views import Timestamp
from editions.vocabulary import TaskStatus

MAX_ERRORS_KEPT = 200  # per feed; the oldest go first
MIN_EVERY_S = 30
FEED_LEASE_S = 600.0  # a poll fetches the feed and the pages of summary-only items, each time-limited


class FeedErrorView(BaseModel):
    item: str | None  # the item's id (else its link); None: the poll itself failed
    message: str
    at: Timestamp


class FeedView(BaseModel):
    """A watched feed as the API shows it; `errors`, newest first, only for one feed."""

    id: str
    url: str
    targets: list[str]
    every_s: int
    etag: str | None
    last_modified: str | None
    last_polled_at: Timestamp | None
    next_poll_at: Timestamp | None
    last_error: str | None
    items: int
    errors: list[FeedErrorView] = []


@dataclass(frozen=True)
class ClaimedFeed:
    id: str
    url: str
    targets: list[str]
    options: dict[str, Any]
    owner: str
    every_s: int
    etag: str | None
    last_modified: str | None


@dataclass(frozen=True)
class PolledItem:
    """An item of this poll that is new or changed, read into its article."""

    item_id: str
    title: str
    link: str | None
    content_hash: str
    article: Article


@dataclass
class Poll:
    """What one poll found: the feed's validators, the items to translate, those seen unchanged, and
    the errors (item → message; item None: the poll's own)."""

    etag: str | None = None
    last_modified: str | None = None
    items: list[PolledItem] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: list[tuple[str | None, str]] = field(default_factory=list)


@dataclass
class RecordedPoll:
    """What `record_poll` did: the job it queued (None: nothing to translate) and the items by fate."""

    job_id: str | None = None
    new: list[str] = field(default_factory=list)
    revised: list[str] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)  # changed while its last job is still running
    lost_lease: bool = False


def _key(item_id: str) -> str:
    return hashlib.sha256(item_id.encode("utf-8", "surrogatepass")).hexdigest()


def add_feed(
    store: Store,
    url: str,
    targets: list[str],
    owner: str = "local",
    every_s: int = 300,
    options: dict[str, Any] | None = None,
) -> tuple[FeedView, bool]:
    """Watch `url` for `owner` (the same URL again updates its targets and period); (feed, created?)."""
    if every_s < MIN_EVERY_S:
        raise UsageError(f"a feed is polled at most every {MIN_EVERY_S} s; {every_s} s is too often")
    if not targets:
        raise UsageError("a feed needs at least one target language")
    with store.session() as session:
        row = session.scalars(select(FeedRow).where(FeedRow.owner == owner, FeedRow.url == url)).first()
        created = row is None
        if row is None:
            row = FeedRow(id=uuid.uuid4().hex, url=url, owner=owner, next_poll_at=utcnow())
            session.add(row)
        row.targets, row.every_s, row.options = list(targets), every_s, dict(options or {})
        session.flush()
        return _view(session, row, errors=False), created


def _owned(session: Session, feed_id: str, owner: str | None) -> FeedRow:
    row = session.get(FeedRow, feed_id)
    if row is None or (owner is not None and row.owner != owner):
        raise NotFoundError(f"no feed {feed_id!r}")
    return row


def _view(session: Session, row: FeedRow, *, errors: bool) -> FeedView:
    count = session.scalar(select(func.count()).select_from(FeedItemRow).where(FeedItemRow.feed_id == row.id))
    found: list[FeedErrorView] = []
    if errors:
        rows = session.scalars(
            select(FeedErrorRow)
            .where(FeedErrorRow.feed_id == row.id)
            .order_by(FeedErrorRow.id.desc())
            .limit(MAX_ERRORS_KEPT)
        ).all()
        found = [FeedErrorView(item=e.item, message=e.message, at=e.at) for e in rows]
    return FeedView(
        id=row.id,
        url=row.url,
        targets=list(row.targets),
        every_s=row.every_s,
        etag=row.etag,
        last_modified=row.last_modified,
        last_polled_at=row.last_polled_at,
        next_poll_at=row.next_poll_at,
        last_error=row.last_error,
        items=int(count or 0),
        errors=found,
    )


def feed_view(store: Store, feed_id: str, owner: str | None = None) -> FeedView:
    """One feed with its recorded errors; with `owner`, another owner's feed is not found."""
    with store.session() as session:
        return _view(session, _owned(session, feed_id, owner), errors=True)


def list_feeds(store: Store, owner: str | None = None) -> list[FeedView]:
    with store.session() as session:
        query = select(FeedRow).order_by(FeedRow.created_at)
        if owner is not None:
            query = query.where(FeedRow.owner == owner)
        return [_view(session, row, errors=False) for row in session.scalars(query).all()]


def delete_feed(store: Store, feed_id: str, owner: str | None = None) -> None:
    """Stop watching; the editions its items became stay (they belong to their jobs)."""
    with store.session() as session:
        session.delete(_owned(session, feed_id, owner))


def claim_feed(
    store: Store, owner: str, lease_s: float = FEED_LEASE_S, feed_id: str | None = None
) -> ClaimedFeed | None:
    """Lease the feed most overdue for a poll (or `feed_id`, due or not), or None: compare-and-set on
    its row, as tasks are claimed, so that two workers never poll one feed at once."""
    now = utcnow()
    free = or_(FeedRow.lease_until.is_(None), FeedRow.lease_until < now)
    with store.session() as session:
        query = select(FeedRow.id).where(free)
        query = query.where(FeedRow.id == feed_id) if feed_id else query.where(FeedRow.next_poll_at <= now)
        for candidate in session.scalars(query.order_by(FeedRow.next_poll_at).limit(8)).all():
            taken = session.execute(
                update(FeedRow)
                .where(FeedRow.id == candidate, free)
                .values(lease_owner=owner, lease_until=now + timedelta(seconds=lease_s))
                .execution_options(synchronize_session=False)
            )
            if getattr(taken, "rowcount", 0) != 1:
                continue  # another worker was faster
            row = session.get(FeedRow, candidate)
            assert row is not None
            session.refresh(row)
            return ClaimedFeed(
                row.id,
                row.url,
                list(row.targets),
                dict(row.options or {}),
                row.owner,
                row.every_s,
                row.etag,
                row.last_modified,
            )
    return None


def seen_items(store: Store, feed_id: str) -> dict[str, str]:
    """Item id → content hash of every item of the feed seen before."""
    with store.session() as session:
        rows = session.execute(
            select(FeedItemRow.item_id, FeedItemRow.content_hash).where(FeedItemRow.feed_id == feed_id)
        ).all()
        return {item_id: content_hash for item_id, content_hash in rows}


def record_poll(
    store: Store, feed: ClaimedFeed, owner: str, poll: Poll, quota: Quota | None = None
) -> RecordedPoll:
    """Queue the poll's new and changed items as one job and record everything it saw, in one
    transaction, if `owner` still holds the feed's lease (else nothing: `lost_lease`)."""
    recorded = RecordedPoll()
    now = utcnow()
    with store.session() as session:
        held = session.execute(
            update(FeedRow)
            .where(FeedRow.id == feed.id, FeedRow.lease_owner == owner)
            .values(
                etag=poll.etag,
                last_modified=poll.last_modified,
                last_polled_at=now,
                next_poll_at=now + timedelta(seconds=feed.every_s),
                last_error=next((redact(m)[:500] for item, m in poll.errors if item is None), None),
                lease_owner=None,
                lease_until=None,
            )
            .execution_options(synchronize_session=False)
        )
        if getattr(held, "rowcount", 0) != 1:
            recorded.lost_lease = True
            return recorded
        queued = _queue_items(session, store.dialect, feed, poll.items, recorded, quota or Quota())
        if recorded.waiting:  # read the whole feed next time, not a 304 that never comes back to them
            session.execute(
                update(FeedRow)
                .where(FeedRow.id == feed.id)
                .values(etag=None, last_modified=None)
                .execution_options(synchronize_session=False)
            )
        for item in poll.items:
            if item.item_id in queued:
                _remember(session, feed.id, item, queued[item.item_id], recorded.job_id, now)
        if poll.unchanged:
            keys = [_key(item_id) for item_id in poll.unchanged]
            session.execute(
                update(FeedItemRow)
                .where(FeedItemRow.feed_id == feed.id, FeedItemRow.item_key.in_(keys))
                .values(last_seen_at=now)
                .execution_options(synchronize_session=False)
            )
        _add_errors(session, feed.id, poll.errors, now)
    return recorded


def release_feed(store: Store, feed: ClaimedFeed, owner: str, error: str) -> None:
    """End a poll that failed whole (the feed unreachable, not a feed, over a quota): the error is the
    feed's `last_error` and one of its errors, and the next poll is at the usual time."""
    now = utcnow()
    with store.session() as session:
        held = session.execute(
            update(FeedRow)
            .where(FeedRow.id == feed.id, FeedRow.lease_owner == owner)
            .values(
                last_polled_at=now,
                next_poll_at=now + timedelta(seconds=feed.every_s),
                last_error=redact(error)[:500],
                lease_owner=None,
                lease_until=None,
            )
            .execution_options(synchronize_session=False)
        )
        if getattr(held, "rowcount", 0) == 1:
            _add_errors(session, feed.id, [(None, error)], now)


def _queue_items(
    session: Session,
    dialect: str,
    feed: ClaimedFeed,
    items: list[PolledItem],
    recorded: RecordedPoll,
    quota: Quota,
) -> dict[str, tuple[int, dict[str, str]]]:
    """Queue the items that are new or changed as one job: item id → (position, editions it revises)."""
    rows = {
        row.item_key: row
        for row in session.scalars(
            select(FeedItemRow).where(
                FeedItemRow.feed_id == feed.id, FeedItemRow.item_key.in_([_key(i.item_id) for i in items])
            )
        ).all()
    }
    articles: list[SubmittedArticle] = []
    queued: dict[str, tuple[int, dict[str, str]]] = {}
    for item in items:
        row = rows.get(_key(item.item_id))
        if row is not None and row.content_hash == item.content_hash:
            continue  # seen meanwhile (another poll)
        revises: dict[str, str] = {}
        if row is not None:
            if _still_running(session, row):
                recorded.waiting.append(item.item_id)
                continue
            revises = _editions_of(session, row)
        queued[item.item_id] = (len(articles), revises)
        articles.append(SubmittedArticle(item.article, "feed", item.link, revises))
        (recorded.revised if row is not None else recorded.new).append(item.item_id)
    if articles:
        submission = Submission(articles, list(feed.targets), dict(feed.options), feed.owner)
        quota.check_job(len(articles), len(feed.targets))
        recorded.job_id = queue_job(session, dialect, submission, quota)
    return queued


def _still_running(session: Session, row: FeedItemRow) -> bool:
    if row.job_id is None or row.position is None:
        return False
    unfinished = session.scalar(
        select(func.count())
        .select_from(TaskRow)
        .where(
            TaskRow.job_id == row.job_id,
            TaskRow.position == row.position,
            TaskRow.status.in_([TaskStatus.PENDING, TaskStatus.RUNNING]),
        )
    )
    return bool(unfinished)


def _editions_of(session: Session, row: FeedItemRow) -> dict[str, str]:
    """Language → edition the item became: those its last job wrote, over those it knew before."""
    found = {str(k): str(v) for k, v in (row.editions or {}).items()}
    if row.job_id is not None and row.position is not None:
        for lang, edition_id in session.execute(
            select(TaskRow.target_lang, EditionRow.id)
            .join(EditionRow, EditionRow.task_id == TaskRow.id)
            .where(TaskRow.job_id == row.job_id, TaskRow.position == row.position)
        ).all():
            found[lang] = edition_id
    return found


def _remember(
    session: Session,
    feed_id: str,
    item: PolledItem,
    queued: tuple[int, dict[str, str]],
    job_id: str | None,
    now: Any,
) -> None:
    position, revises = queued
    row = session.scalars(
        select(FeedItemRow).where(FeedItemRow.feed_id == feed_id, FeedItemRow.item_key == _key(item.item_id))
    ).first()
    if row is None:
        row = FeedItemRow(feed_id=feed_id, item_key=_key(item.item_id), item_id=item.item_id, revisions=0)
        row.first_seen_at = now
        session.add(row)
    row.title, row.link, row.content_hash = item.title[:1000], item.link, item.content_hash
    row.article_id, row.job_id, row.position = stored_article_id(item.article), job_id, position
    row.editions, row.revisions, row.last_seen_at = revises, (row.revisions or 0) + 1, now


def _add_errors(session: Session, feed_id: str, errors: list[tuple[str | None, str]], now: Any) -> None:
    for item, message in errors:
        session.add(FeedErrorRow(feed_id=feed_id, item=item, message=redact(message)[:1000], at=now))
    if not errors:
        return
    session.flush()
    keep = select(FeedErrorRow.id).where(FeedErrorRow.feed_id == feed_id)
    cutoff = session.scalar(keep.order_by(FeedErrorRow.id.desc()).offset(MAX_ERRORS_KEPT).limit(1))
    if cutoff is not None:
        session.execute(
            delete(FeedErrorRow).where(and_(FeedErrorRow.feed_id == feed_id, FeedErrorRow.id <= cutoff))
        )
