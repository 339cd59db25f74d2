"""The store's tables. Changed only together with a new migration in `migrations/versions/`.

Documents (articles, editions) are kept whole as JSON next to the columns we query by; findings and
provenance get their own columns so a newsroom can ask "which editions have unresolved number errors
from prompt p2" without opening documents.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from editions.vocabulary import JobStatus, KeyRole, ReviewState, TaskStatus


def utcnow() -> datetime:
    return datetime.now(UTC)


class UtcDateTime(TypeDecorator[datetime]):
    """A timestamp that goes in as UTC and comes out aware, in UTC, on every database.

    SQLite keeps no time zone and hands back naive values; PostgreSQL hands them back in the session's
    zone. Converting here means no caller has to know which database it is on.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[Any]: JSON}


class ArticleRow(Base):
    """A submitted article, keyed by a hash of its whole document (`queue.stored_article_id`), not by
    the id it came with: the same article sent twice is stored once, and two articles that share an id
    (a JSON article names its own; two keys, or a correction) are two rows. Rows stored before keep
    their old keys."""

    __tablename__ = "articles"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    headline: Mapped[str] = mapped_column(Text)
    source_lang: Mapped[str | None] = mapped_column(String(16))
    source_format: Mapped[str | None] = mapped_column(String(16))
    source_url: Mapped[str | None] = mapped_column(Text)
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class ApiKeyRow(Base):
    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200))
    prefix: Mapped[str] = mapped_column(String(16))  # shown in lists and logs; the key itself never is
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    rate_per_minute: Mapped[int] = mapped_column(Integer, default=60)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # KeyRole; a row written without one (by hand, by an older tool) gets the least: submitter
    role: Mapped[str] = mapped_column(String(16), default=KeyRole.SUBMITTER, server_default=KeyRole.SUBMITTER)


class LoginTokenRow(Base):
    """A review-page sign-in: the browser's cookie holds the token, this table only its hash.

    Deleted on sign-out and when its key is revoked; refused once `expires_at` has passed."""

    __tablename__ = "login_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    key_id: Mapped[int] = mapped_column(ForeignKey("api_keys.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())


class JobRow(Base):
    __tablename__ = "jobs"
    __table_args__ = (
        UniqueConstraint("owner", "idempotency_key", name="uq_jobs_idempotency"),
        Index("ix_jobs_owner_created", "owner", "created_at"),  # a key's own jobs, newest first
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    status: Mapped[str] = mapped_column(String(16), default=JobStatus.QUEUED)
    targets: Mapped[list[Any]] = mapped_column(JSON)
    options: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    owner: Mapped[str] = mapped_column(String(64), default="local")  # api key prefix, or "local"
    idempotency_key: Mapped[str | None] = mapped_column(String(200))
    request_hash: Mapped[str | None] = mapped_column(String(64))
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class TaskRow(Base):
    """One article into one language: the unit a worker claims, leases, and finishes exactly once."""

    __tablename__ = "tasks"
    __table_args__ = (
        UniqueConstraint("job_id", "position", "target_lang", name="uq_tasks_unit"),
        Index("ix_tasks_claim", "status", "lease_until"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)  # the article's place in its job
    article_id: Mapped[str] = mapped_column(ForeignKey("articles.id"))
    target_lang: Mapped[str] = mapped_column(String(16))
    # the language this submission gave or detected (articles are shared by content; this is not)
    source_lang: Mapped[str | None] = mapped_column(String(16))
    # a feed item that changed: the edition this task's translation replaces as a new revision
    revises: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default=TaskStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_owner: Mapped[str | None] = mapped_column(String(200))
    lease_until: Mapped[datetime | None] = mapped_column(UtcDateTime())
    segments_done: Mapped[int] = mapped_column(Integer, default=0)
    segments_total: Mapped[int] = mapped_column(Integer, default=0)
    engine_calls: Mapped[int] = mapped_column(Integer, default=0)
    memory_hits: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class EditionRow(Base):
    __tablename__ = "editions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    # unique: a task yields one edition, however often it is claimed, crashed and resumed
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), unique=True)
    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), index=True)
    article_id: Mapped[str] = mapped_column(ForeignKey("articles.id"))
    source_lang: Mapped[str] = mapped_column(String(16))
    target_lang: Mapped[str] = mapped_column(String(16))
    headline: Mapped[str] = mapped_column(Text)
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    review: Mapped[str] = mapped_column(String(16), default=ReviewState.DRAFT)
    review_note: Mapped[str | None] = mapped_column(Text)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    # provenance, as columns
    signature: Mapped[str] = mapped_column(Text)
    engine: Mapped[str] = mapped_column(String(64))
    model: Mapped[str] = mapped_column(Text)
    model_sha256: Mapped[str | None] = mapped_column(String(64))
    prompt_version: Mapped[str] = mapped_column(String(32))
    glossary_version: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class FindingRow(Base):
    """A QA finding on one block (or the headline) of an edition; replaced when the block is edited."""

    __tablename__ = "findings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    edition_id: Mapped[str] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"), index=True)
    block_id: Mapped[str] = mapped_column(String(32))
    code: Mapped[str] = mapped_column(String(64), index=True)
    severity: Mapped[str] = mapped_column(String(16))
    message: Mapped[str] = mapped_column(Text)
    fixed: Mapped[bool] = mapped_column(Boolean, default=False)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # spans and texts


class MemoryRow(Base):
    """A translation-memory entry. `key` hashes source text, languages, context and signature."""

    __tablename__ = "memory"
    __table_args__ = (UniqueConstraint("key", "origin", name="uq_memory_key_origin"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(64), index=True)
    origin: Mapped[str] = mapped_column(String(16))  # machine|editor|import
    approved: Mapped[bool] = mapped_column(Boolean, default=False)
    source_lang: Mapped[str] = mapped_column(String(16))
    target_lang: Mapped[str] = mapped_column(String(16))
    source_text: Mapped[str] = mapped_column(Text)
    target_text: Mapped[str] = mapped_column(Text)
    context: Mapped[str] = mapped_column(String(64), default="")
    signature: Mapped[str] = mapped_column(Text, default="")
    uses: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class FeedRow(Base):
    """A watched RSS or Atom feed (`store.feeds`): whose it is, what it is translated into, what the last
    poll saw (ETag, Last-Modified) and when it is due; polled under a lease, as tasks are worked."""

    __tablename__ = "feeds"
    __table_args__ = (
        UniqueConstraint("owner", "url", name="uq_feeds_owner_url"),
        Index("ix_feeds_due", "next_poll_at"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    url: Mapped[str] = mapped_column(String(2000))
    targets: Mapped[list[Any]] = mapped_column(JSON)
    options: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    owner: Mapped[str] = mapped_column(String(64), default="local")
    every_s: Mapped[int] = mapped_column(Integer, default=300)
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    last_polled_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    next_poll_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    lease_owner: Mapped[str | None] = mapped_column(String(200))
    lease_until: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class FeedItemRow(Base):
    """A feed item seen before: its content hash (a changed one is translated again, as a revision),
    the article and job it went into, and the editions it became (language → edition id)."""

    __tablename__ = "feed_items"
    __table_args__ = (UniqueConstraint("feed_id", "item_key", name="uq_feed_items_item"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    feed_id: Mapped[str] = mapped_column(ForeignKey("feeds.id", ondelete="CASCADE"), index=True)
    item_key: Mapped[str] = mapped_column(String(64))  # sha256 of item_id: ids can be long URLs
    item_id: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str | None] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    article_id: Mapped[str | None] = mapped_column(String(32))
    job_id: Mapped[str | None] = mapped_column(String(32))
    position: Mapped[int | None] = mapped_column(Integer)  # the item's place in that job
    editions: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    revisions: Mapped[int] = mapped_column(Integer, default=1)
    first_seen_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class FeedErrorRow(Base):
    """What went wrong with one item of a poll (or, with no item, the poll itself)."""

    __tablename__ = "feed_errors"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    feed_id: Mapped[str] = mapped_column(ForeignKey("feeds.id", ondelete="CASCADE"), index=True)
    item: Mapped[str | None] = mapped_column(Text)  # the item's id, else its link
    message: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
