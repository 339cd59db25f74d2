"""`editions batch --store`: a batch's editions as a job in the service's store, for the review page.

A batch's output folder is one job (owner `batch`, idempotency key `batch:<hash of the folder>`), its
(article, language) pairs its tasks, already finished: done with their edition, or failed with the
batch's error. Editors and admins see every owner's jobs, so they review and approve batch editions
as any other. A rerun of the same batch records into the same job: an edition already there with the
same signature and text is left alone (with an editor's changes and review), a new one is added, and
one the batch rewrote (another model, say) replaces the stored text as a new revision, back to draft.
An article that could not be read has no task (nothing of it can be stored); the job's error names it.
Everything is recorded in one transaction: a batch is in the store whole or not at all.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from editions.document import Article, Edition
from editions.store.db import Store
from editions.store.findings import all_findings, replace_findings
from editions.store.queue import settle_job, stored_article_id
from editions.store.schema import ArticleRow, EditionRow, JobRow, TaskRow, utcnow
from editions.vocabulary import ReviewState, TaskStatus

BATCH_OWNER = "batch"


@dataclass(frozen=True)
class BatchOutcome:
    """One article of the batch: its editions by language, and the languages that failed and why."""

    label: str
    article: Article | None  # None: the article could not be read
    editions: dict[str, Edition] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)  # language → error


@dataclass
class Recorded:
    job_id: str
    added: int = 0  # editions new to the job
    revised: int = 0  # stored editions whose text the batch changed
    unchanged: int = 0
    failed: int = 0


def batch_key(folder: str) -> str:
    return "batch:" + hashlib.sha256(folder.encode()).hexdigest()[:32]


def record_batch(
    store: Store,
    folder: str,
    targets: Sequence[str],
    outcomes: Sequence[BatchOutcome],
    options: dict[str, Any],
) -> Recorded:
    """Record `outcomes` as the job of the batch written to `folder` (see the module doc)."""
    key = batch_key(folder)
    with store.session() as session:
        job = session.scalars(
            select(JobRow).where(JobRow.owner == BATCH_OWNER, JobRow.idempotency_key == key)
        ).first()
        if job is None:
            job = JobRow(
                id=uuid.uuid4().hex,
                targets=list(targets),
                options={**options, "batch": folder},
                owner=BATCH_OWNER,
                idempotency_key=key,
            )
            session.add(job)
            session.flush()
        else:
            job.targets = sorted(set(job.targets) | set(targets))
        recorded = Recorded(job.id)
        positions = dict(
            session.execute(
                select(TaskRow.article_id, func.min(TaskRow.position))
                .where(TaskRow.job_id == job.id)
                .group_by(TaskRow.article_id)
            ).all()
        )
        for outcome in outcomes:
            if outcome.article is None:
                continue
            article_id = _store_article(session, store.dialect, outcome.article)
            if article_id not in positions:
                positions[article_id] = max(positions.values(), default=-1) + 1
            for lang, edition in outcome.editions.items():
                task = _task(session, job.id, positions[article_id], article_id, lang, outcome.article)
                _record_edition(session, task, edition, recorded)
            for lang, error in outcome.failed.items():
                task = _task(session, job.id, positions[article_id], article_id, lang, outcome.article)
                if task.status != TaskStatus.DONE:  # an edition of an earlier run stays
                    task.status, task.error, task.finished_at = TaskStatus.FAILED, error[:500], utcnow()
                    recorded.failed += 1
        session.flush()
        settle_job(session, job.id)
        unreadable = [o.label for o in outcomes if o.article is None]
        if unreadable:
            note = f"{len(unreadable)} article(s) could not be read: {', '.join(unreadable[:5])}"
            job.error = f"{job.error}; {note}" if job.error else note
    return recorded


def _store_article(session: Session, dialect: str, article: Article) -> str:
    article_id = stored_article_id(article)
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(
        insert(ArticleRow)
        .values(
            id=article_id,
            headline=article.headline,
            source_lang=article.source_lang,
            source_format="batch",
            document=article.model_dump(mode="json"),
        )
        .on_conflict_do_nothing(index_elements=["id"])
    )
    return article_id


def _task(
    session: Session, job_id: str, position: int, article_id: str, lang: str, article: Article
) -> TaskRow:
    task = session.scalars(
        select(TaskRow).where(
            TaskRow.job_id == job_id, TaskRow.article_id == article_id, TaskRow.target_lang == lang
        )
    ).first()
    if task is None:
        now = utcnow()
        task = TaskRow(
            job_id=job_id,
            position=position,
            article_id=article_id,
            target_lang=lang,
            source_lang=article.source_lang,
            status=TaskStatus.PENDING,
            attempts=1,
            started_at=now,
        )
        session.add(task)
        session.flush()
    return task


def _record_edition(session: Session, task: TaskRow, edition: Edition, recorded: Recorded) -> None:
    row = session.scalars(select(EditionRow).where(EditionRow.task_id == task.id)).first()
    if row is not None and row.signature == edition.provenance.signature():
        recorded.unchanged += 1  # the edition stored before, perhaps edited and reviewed since: kept
        return
    task.status, task.error, task.finished_at = TaskStatus.DONE, None, utcnow()
    task.engine_calls, task.memory_hits = edition.timings.engine_calls, edition.timings.memory_hits
    p = edition.provenance
    columns: dict[str, Any] = {
        "headline": edition.headline,
        "document": edition.model_dump(mode="json"),
        "signature": p.signature(),
        "engine": p.engine,
        "model": p.model,
        "model_sha256": p.model_sha256,
        "prompt_version": p.prompt_version,
        "glossary_version": p.glossary_version,
    }
    if row is None:
        row = EditionRow(
            id=uuid.uuid4().hex,
            task_id=task.id,
            job_id=task.job_id,
            article_id=task.article_id,
            source_lang=edition.source_lang,
            target_lang=edition.target_lang,
            **columns,
        )
        session.add(row)
        recorded.added += 1
    else:
        for name, value in columns.items():
            setattr(row, name, value)
        row.revision += 1
        row.review = ReviewState.DRAFT
        row.updated_at = utcnow()
        recorded.revised += 1
    session.flush()
    replace_findings(session, row.id, all_findings(edition))
