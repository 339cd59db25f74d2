"""The job queue: submission, leasing, exactly-once completion.

A job is a list of articles and a list of target languages; each (article, language) pair is a task.
Workers claim a task by a compare-and-set on its row and hold it under a lease they renew while they
work; a worker that dies (kill -9, power cut) leaves a lease that runs out, or that the next server on
the same host reclaims at once because the holder's process is gone. The translation memory records
every finished segment, so a reclaimed task resumes where it stopped. Completion inserts the edition
and closes the task in one transaction, and `editions.task_id` is unique: however often a task is
claimed and resumed, it yields exactly one edition. Reading and reviewing editions is `store.editions`;
the job as the API shows it is `store.views`.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from editions.document import Article, Edition
from editions.errors import (
    EditionsError,
    IdempotencyConflictError,
    QuotaExceededError,
    TooManyTasksError,
    UsageError,
)
from editions.redact import redact
from editions.store.db import Store
from editions.store.findings import all_findings, replace_findings
from editions.store.schema import ArticleRow, EditionRow, JobRow, TaskRow, utcnow
from editions.vocabulary import JobStatus, ReviewState, TaskStatus

MAX_ATTEMPTS = 3  # a task that killed its worker this often is failed, not retried forever


@dataclass(frozen=True)
class SubmittedArticle:
    article: Article
    source_format: str | None = None
    source_url: str | None = None
    # language → the edition its translation revises (a feed item that changed), not a new edition
    revises: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Submission:
    articles: list[SubmittedArticle]
    targets: list[str]
    options: dict[str, Any] = field(default_factory=dict)
    owner: str = "local"
    idempotency_key: str | None = None

    def fingerprint(self) -> str:
        """A hash of the whole request, kept with its idempotency key: a retry must match it exactly.

        Each article counts by its full content and source language, not by its id (a JSON article
        names its own id, and a corrected one keeps it); an article fetched from a URL counts by the
        address and language asked for, so a retry replays even if the page changed meanwhile.
        """
        articles = [
            {"url": a.source_url, "source_lang": a.article.source_lang}
            if a.source_format == "url"
            else {"format": a.source_format, "article": a.article.model_dump(mode="json")}
            for a in self.articles
        ]
        payload = json.dumps(
            {"articles": articles, "targets": self.targets, "options": self.options},
            sort_keys=True,
            ensure_ascii=False,
        )
        return hashlib.sha256(payload.encode()).hexdigest()


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


@dataclass(frozen=True)
class Quota:
    """Limits on queued work (None: no limit). A job is one task per (article, language)."""

    tasks_per_job: int | None = None
    pending_tasks_per_owner: int | None = None  # pending + running, over all of an owner's jobs

    def check_job(self, articles: int, targets: int) -> None:
        """Refuse a job larger than `tasks_per_job` (callers check before fetching anything)."""
        tasks = articles * targets
        if self.tasks_per_job is not None and tasks > self.tasks_per_job:
            raise TooManyTasksError(
                f"this job would queue {tasks} tasks ({_plural(articles, 'article')} × "
                f"{_plural(targets, 'language')}); the limit is {self.tasks_per_job} tasks a job"
            )

    def serialise_owner(self, session: Session, dialect: str, owner: str) -> None:
        """First thing in the submitting transaction: on PostgreSQL, one submission per owner at a time,
        so two cannot both pass `check_owner` on the same count. (SQLite needs nothing: its one write
        lock, taken by the transaction's first insert, already serialises them.)"""
        if self.pending_tasks_per_owner is not None and dialect == "postgresql":
            lock = int.from_bytes(hashlib.sha256(f"quota:{owner}".encode()).digest()[:8], "big", signed=True)
            session.execute(select(func.pg_advisory_xact_lock(lock)))

    def check_owner(self, session: Session, owner: str, adding: int) -> None:
        """Refuse a job that would take `owner` over its queued tasks (inside the submitting
        transaction, after its first write, so that raising leaves nothing behind)."""
        limit = self.pending_tasks_per_owner
        if limit is None:
            return
        queued = session.scalar(
            select(func.count())
            .select_from(TaskRow)
            .join(JobRow, JobRow.id == TaskRow.job_id)
            .where(JobRow.owner == owner, TaskRow.status.in_([TaskStatus.PENDING, TaskStatus.RUNNING]))
        )
        queued = int(queued or 0)
        if queued + adding > limit:
            who = "this key has" if owner != "local" else "there are"
            raise QuotaExceededError(
                f"{who} {_plural(queued, 'task')} queued or running and this job would add {adding}; "
                f"the limit is {limit}: wait for some to finish"
            )


@dataclass(frozen=True)
class ClaimedTask:
    id: int
    job_id: str
    position: int
    target_lang: str
    article: Article
    options: dict[str, Any]
    attempts: int
    stored_article_id: str = ""  # the articles row (`stored_article_id()`); "" means `article.id`
    revises: str | None = None  # the edition this task's translation replaces as a new revision


def stored_article_id(article: Article) -> str:
    """The key an article is stored under: a hash of its whole document, not the id it came with.

    A JSON article names its own id, so two submissions may share an id with different content (two
    keys, or a corrected article). Stored by that id, the second would be translated as the first, and
    its sender could read the first back through its own job. The same content still shares one row.
    """
    payload = json.dumps(article.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()[:32]


def worker_identity() -> str:
    """`host:pid:random`: who holds a lease, and whether that process still exists."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _process_gone(owner: str, host: str) -> bool:
    parts = owner.rsplit(":", 2)
    if len(parts) != 3 or parts[0] != host or not parts[1].isdigit():
        return False
    pid = int(parts[1])
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def submit_job(store: Store, submission: Submission, quota: Quota | None = None) -> tuple[str, bool]:
    """Store the articles and queue one task per (article, language); (job id, created now?).

    A retry under the same idempotency key replays the first job (and is never over a quota); a job
    over `quota` is refused whole, with nothing stored."""
    if not submission.articles:
        raise UsageError("a job needs at least one article")
    quota = quota or Quota()
    quota.check_job(len(submission.articles), len(submission.targets))
    fingerprint = submission.fingerprint()
    if submission.idempotency_key:
        existing = _by_idempotency(store, submission.owner, submission.idempotency_key)
        if existing is not None:
            return _replay(existing, fingerprint)
    try:
        with store.session() as session:
            job_id = queue_job(session, store.dialect, submission, quota, fingerprint)
    except IntegrityError:
        # Two submissions raced on one idempotency key: the other one won.
        if submission.idempotency_key:
            existing = _by_idempotency(store, submission.owner, submission.idempotency_key)
            if existing is not None:
                return _replay(existing, fingerprint)
        raise
    return job_id, True


def queue_job(
    session: Session, dialect: str, submission: Submission, quota: Quota, fingerprint: str | None = None
) -> str:
    """The writes of `submit_job`, inside the caller's transaction (a feed's poll records its items in
    the same one); the job's id."""
    job_id = uuid.uuid4().hex
    # INSERT … ON CONFLICT DO NOTHING: a concurrent job with the same article must not fail
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    quota.serialise_owner(session, dialect, submission.owner)
    for item in submission.articles:
        session.execute(
            insert(ArticleRow)
            .values(
                id=stored_article_id(item.article),
                headline=item.article.headline,
                source_lang=item.article.source_lang,
                source_format=item.source_format,
                source_url=item.source_url,
                document=item.article.model_dump(mode="json"),
            )
            .on_conflict_do_nothing(index_elements=["id"])
        )
    adding = len(submission.articles) * len(submission.targets)
    quota.check_owner(session, submission.owner, adding)  # raising rolls all back
    session.add(
        JobRow(
            id=job_id,
            targets=submission.targets,
            options=submission.options,
            owner=submission.owner,
            idempotency_key=submission.idempotency_key,
            request_hash=fingerprint or submission.fingerprint(),
        )
    )
    session.flush()
    for position, item in enumerate(submission.articles):
        for lang in submission.targets:
            session.add(
                TaskRow(
                    job_id=job_id,
                    position=position,
                    article_id=stored_article_id(item.article),
                    target_lang=lang,
                    source_lang=item.article.source_lang,
                    revises=item.revises.get(lang),
                )
            )
    return job_id


def _by_idempotency(store: Store, owner: str, key: str) -> tuple[str, str | None] | None:
    with store.session() as session:
        row = session.execute(
            select(JobRow.id, JobRow.request_hash).where(JobRow.owner == owner, JobRow.idempotency_key == key)
        ).first()
        return (row[0], row[1]) if row else None


def _replay(existing: tuple[str, str | None], fingerprint: str) -> tuple[str, bool]:
    job_id, request_hash = existing
    if request_hash != fingerprint:
        raise IdempotencyConflictError(
            "this Idempotency-Key was already used for a different request; use a new key"
        )
    return job_id, False


# --- workers ---------------------------------------------------------------------------------------


def _held(task_id: Any, owner: str) -> tuple[Any, ...]:
    """The condition of every write by a worker: the task is still running under its lease."""
    return (TaskRow.id == task_id, TaskRow.lease_owner == owner, TaskRow.status == TaskStatus.RUNNING)


def reclaim_orphans(store: Store) -> int:
    """Release tasks held by processes on this host that no longer exist (after a crash)."""
    host = socket.gethostname()
    released = 0
    with store.session() as session:
        rows = session.execute(
            select(TaskRow.id, TaskRow.lease_owner).where(TaskRow.status == TaskStatus.RUNNING)
        ).all()
        for task_id, owner in rows:
            if owner and _process_gone(owner, host):
                result = _updated(
                    session,
                    update(TaskRow)
                    .where(*_held(task_id, owner))
                    .values(status=TaskStatus.PENDING, lease_owner=None, lease_until=None),
                )
                released += result
    return released


def claim_task(
    store: Store, owner: str, lease_s: float, max_attempts: int = MAX_ATTEMPTS, job_id: str | None = None
) -> ClaimedTask | None:
    """Take the oldest claimable task (pending, or running with an expired lease), or None; only one
    of `job_id`'s when given (`editions watch` works through its own job, not the service's queue)."""
    now = utcnow()
    claimable = or_(
        TaskRow.status == TaskStatus.PENDING,
        and_(TaskRow.status == TaskStatus.RUNNING, TaskRow.lease_until < now),
    )
    if job_id is not None:
        claimable = and_(TaskRow.job_id == job_id, claimable)
    with store.session() as session:
        candidates = session.scalars(select(TaskRow.id).where(claimable).order_by(TaskRow.id).limit(8)).all()
        for task_id in candidates:
            result = _updated(
                session,
                update(TaskRow)
                .where(TaskRow.id == task_id, claimable)
                .values(
                    status=TaskStatus.RUNNING,
                    lease_owner=owner,
                    lease_until=now + timedelta(seconds=lease_s),
                    attempts=TaskRow.attempts + 1,
                    started_at=func.coalesce(TaskRow.started_at, now),
                )
                .execution_options(synchronize_session=False),
            )
            if result != 1:
                continue  # another worker was faster
            task = session.get(TaskRow, task_id)
            assert task is not None
            session.refresh(task)
            if task.attempts > max_attempts:
                task.status = TaskStatus.FAILED
                task.error = f"gave up after {max_attempts} attempts (the worker stopped each time)"
                task.finished_at = now
                settle_job(session, task.job_id)
                continue
            job = session.get(JobRow, task.job_id)
            article_row = session.get(ArticleRow, task.article_id)
            assert job is not None and article_row is not None
            if job.status == JobStatus.QUEUED:
                job.status = JobStatus.RUNNING
                job.updated_at = now
            return ClaimedTask(
                id=task.id,
                job_id=task.job_id,
                position=task.position,
                target_lang=task.target_lang,
                article=_as_submitted(article_row.document, task.source_lang),
                options=dict(job.options or {}),
                attempts=task.attempts,
                stored_article_id=task.article_id,
                revises=task.revises,
            )
    return None


def _as_submitted(document: dict[str, Any], source_lang: str | None) -> Article:
    article = Article.model_validate(document)
    if source_lang and source_lang != article.source_lang:
        article = article.model_copy(update={"source_lang": source_lang})
    return article


def renew_lease(store: Store, task_id: int, owner: str, lease_s: float) -> bool:
    with store.session() as session:
        result = _updated(
            session,
            update(TaskRow)
            .where(*_held(task_id, owner))
            .values(lease_until=utcnow() + timedelta(seconds=lease_s)),
        )
        return result == 1


def record_progress(store: Store, task_id: int, owner: str, done: int, total: int) -> None:
    with store.session() as session:
        session.execute(
            update(TaskRow)
            .where(TaskRow.id == task_id, TaskRow.lease_owner == owner)
            .values(segments_done=done, segments_total=total)
        )


def complete_task(store: Store, task: ClaimedTask, owner: str, edition: Edition) -> str | None:
    """Save the edition and close the task in one transaction; None if another worker already did.

    A task that `revises` an edition (a feed item whose content changed) writes its translation into
    that edition's row as its next revision (see `_revise`); the edition keeps its id."""
    edition_id = uuid.uuid4().hex
    try:
        with store.session() as session:
            closed = _updated(
                session,
                update(TaskRow)
                .where(
                    TaskRow.id == task.id, TaskRow.lease_owner == owner, TaskRow.status == TaskStatus.RUNNING
                )
                .values(
                    status=TaskStatus.DONE,
                    finished_at=utcnow(),
                    lease_until=None,
                    engine_calls=edition.timings.engine_calls,
                    memory_hits=edition.timings.memory_hits,
                    error=None,
                ),
            )
            if closed != 1:
                raise _LostLease
            revised = _revise(session, task, edition) if task.revises else None
            if revised is not None:
                edition_id = revised.id
            else:
                session.add(_edition_row(edition_id, task, edition))
            session.flush()
            replace_findings(session, edition_id, all_findings(edition))
            settle_job(session, task.job_id)
    except (_LostLease, IntegrityError):
        return None
    return edition_id


class _LostLease(Exception):
    pass


def _revise(session: Session, task: ClaimedTask, edition: Edition) -> EditionRow | None:
    """The revised edition's row, its document replaced by `edition`: revision + 1, back to draft, and
    moved to this task (its job and article), so that the review page shows it against the source it
    now translates and `editions.task_id` stays one edition per task. The task it came from stays done
    without one. None when that edition is gone (deleted): the task then writes a new one."""
    row = session.get(EditionRow, task.revises)
    if row is None or row.target_lang != task.target_lang:
        return None
    fresh = _edition_row(row.id, task, edition)
    for name in ("task_id", "job_id", "article_id", "source_lang", "headline", "document", "signature"):
        setattr(row, name, getattr(fresh, name))
    for name in ("engine", "model", "model_sha256", "prompt_version", "glossary_version"):
        setattr(row, name, getattr(fresh, name))
    row.revision += 1
    row.review, row.review_note = ReviewState.DRAFT, None
    row.updated_at = utcnow()
    return row


def _updated(session: Session, statement: Any) -> int:
    """Run an UPDATE and return how many rows it changed."""
    result: CursorResult[Any] = session.execute(statement)  # type: ignore[assignment]
    return int(result.rowcount)


def release_task(store: Store, task: ClaimedTask, owner: str) -> None:
    """Hand a task back untouched (clean shutdown): the next worker takes it at once."""
    with store.session() as session:
        _updated(
            session,
            update(TaskRow)
            .where(*_held(task.id, owner))
            .values(
                status=TaskStatus.PENDING, lease_owner=None, lease_until=None, attempts=TaskRow.attempts - 1
            ),
        )


def _error_message(error: EditionsError | Exception | str) -> str:
    """The one line a task keeps, credentials redacted: the API and the review page show it."""
    text = str(error)
    return redact(text.splitlines()[0])[:500] if text.strip() else type(error).__name__


def fail_task(store: Store, task: ClaimedTask, owner: str, error: EditionsError | Exception) -> None:
    message = _error_message(error)
    with store.session() as session:
        result = _updated(
            session,
            update(TaskRow)
            .where(*_held(task.id, owner))
            .values(status=TaskStatus.FAILED, error=message, finished_at=utcnow(), lease_until=None),
        )
        if result == 1:
            settle_job(session, task.job_id)


def retry_task(
    store: Store, task: ClaimedTask, owner: str, reason: str, max_attempts: int = MAX_ATTEMPTS
) -> bool:
    """After the engine died under `task`: hand it back for another attempt, or, once it has had
    `max_attempts`, fail it for good (a "poison" article that kills the engine every time).

    The reason stays on the task while it waits, with which attempt comes next, so the API and the
    review page say why a task is running again; a later success clears it. The attempt count is the
    one `claim_task` keeps (each claim is an attempt). True if the task will be retried.
    """
    again = task.attempts < max_attempts
    if again:
        message = _error_message(f"{reason}; retrying, attempt {task.attempts + 1} of {max_attempts}")
        values: dict[str, Any] = {"status": TaskStatus.PENDING, "lease_owner": None}
    else:
        message = _error_message(f"{reason}; failed after {task.attempts} attempts")
        values = {"status": TaskStatus.FAILED, "finished_at": utcnow()}
    with store.session() as session:
        result = _updated(
            session,
            update(TaskRow).where(*_held(task.id, owner)).values(error=message, lease_until=None, **values),
        )
        if result == 1 and not again:
            settle_job(session, task.job_id)
    return again


def settle_job(session: Session, job_id: str) -> None:
    """Mark the job done (or failed, when every task failed) once all its tasks have finished."""
    statuses = session.scalars(select(TaskRow.status).where(TaskRow.job_id == job_id)).all()
    job = session.get(JobRow, job_id)
    if job is None:
        return
    now = utcnow()
    job.updated_at = now
    if all(TaskStatus(s).finished for s in statuses):
        job.status = JobStatus.FAILED if all(s == TaskStatus.FAILED for s in statuses) else JobStatus.DONE
        failed = sum(s == TaskStatus.FAILED for s in statuses)
        job.error = f"{failed} of {len(statuses)} editions failed" if failed else None
        job.finished_at = now


def _edition_row(edition_id: str, task: ClaimedTask, edition: Edition) -> EditionRow:
    p = edition.provenance
    return EditionRow(
        id=edition_id,
        task_id=task.id,
        job_id=task.job_id,
        article_id=task.stored_article_id or task.article.id,
        source_lang=edition.source_lang,
        target_lang=edition.target_lang,
        headline=edition.headline,
        document=edition.model_dump(mode="json"),
        signature=p.signature(),
        engine=p.engine,
        model=p.model,
        model_sha256=p.model_sha256,
        prompt_version=p.prompt_version,
        glossary_version=p.glossary_version,
    )
