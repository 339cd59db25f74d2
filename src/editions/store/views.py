"""The job as the API and the review page show it: typed views read from the store.

These are the shapes `GET /v1/jobs` and `GET /v1/jobs/{id}` (and its event stream) send, so they are
pydantic models: FastAPI documents them in the OpenAPI schema, and a field that is renamed or retyped
here is a change the type checker and the API tests see. The edition's view is `store.editions.EditionView`.
Timestamps are aware UTC datetimes, written in JSON as ISO 8601 with `+00:00`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, PlainSerializer
from sqlalchemy import func, select

from editions.errors import NotFoundError
from editions.store.db import Store
from editions.store.schema import ArticleRow, EditionRow, JobRow, TaskRow
from editions.vocabulary import JobStatus, ReviewState, TaskStatus

# isoformat keeps "+00:00" where pydantic's own JSON would write "Z"; the API has always sent "+00:00"
Timestamp = Annotated[datetime, PlainSerializer(datetime.isoformat, return_type=str, when_used="json")]


class LanguageProgress(BaseModel):
    """One task: an article into one language."""

    status: TaskStatus
    segments_done: int
    segments_total: int
    attempts: int
    engine_calls: int
    memory_hits: int
    error: str | None
    edition_id: str | None = None  # once the task has finished with an edition
    review: ReviewState | None = None


class ArticleProgress(BaseModel):
    position: int
    article_id: str  # the article's own id (given in its JSON, else from its content)
    headline: str | None
    languages: dict[str, LanguageProgress]  # in the job's order of targets


class TaskCounts(BaseModel):
    total: int
    done: int
    failed: int


class SegmentCounts(BaseModel):
    done: int
    total: int


class JobView(BaseModel):
    """A job with its progress per article, language and segment."""

    id: str
    status: JobStatus
    targets: list[str]
    error: str | None
    created_at: Timestamp | None
    finished_at: Timestamp | None
    tasks: TaskCounts
    segments: SegmentCounts
    engine_calls: int
    memory_hits: int
    articles: list[ArticleProgress]


class JobSummary(BaseModel):
    """A line of the job list: tasks counted by status (a status no task has is absent)."""

    id: str
    status: JobStatus
    targets: list[str]
    headline: str | None
    tasks: dict[TaskStatus, int]
    created_at: Timestamp | None


def job_view(store: Store, job_id: str, owner: str | None = None) -> JobView:
    """The job as the API shows it: status, and progress per article, language and segment.

    With `owner`, another owner's job is not found, exactly as a job that does not exist."""
    with store.session() as session:
        job = session.get(JobRow, job_id)
        if job is None or (owner is not None and job.owner != owner):
            raise NotFoundError(f"no job {job_id!r}")
        tasks = session.scalars(select(TaskRow).where(TaskRow.job_id == job_id).order_by(TaskRow.id)).all()
        editions = {
            row.task_id: row for row in session.scalars(select(EditionRow).where(EditionRow.job_id == job_id))
        }
        # rows are keyed by a hash of the document (`queue.stored_article_id`); the API shows the article's id
        stored = {
            row_id: (own_id or row_id, headline)
            for row_id, own_id, headline in session.execute(
                select(ArticleRow.id, ArticleRow.document["id"].as_string(), ArticleRow.headline).where(
                    ArticleRow.id.in_({t.article_id for t in tasks})
                )
            ).all()
        }
        articles: dict[int, ArticleProgress] = {}
        for t in tasks:
            entry = articles.setdefault(
                t.position,
                ArticleProgress(
                    position=t.position,
                    article_id=stored.get(t.article_id, (t.article_id, None))[0],
                    headline=stored.get(t.article_id, (t.article_id, None))[1],
                    languages={},
                ),
            )
            progress = LanguageProgress.model_validate(t, from_attributes=True)  # the task row's counters
            edition = editions.get(t.id)
            if edition is not None:
                progress.edition_id, progress.review = edition.id, ReviewState(edition.review)
            entry.languages[t.target_lang] = progress
        return JobView(
            id=job.id,
            status=JobStatus(job.status),
            targets=list(job.targets),
            error=job.error,
            created_at=job.created_at,
            finished_at=job.finished_at,
            tasks=TaskCounts(
                total=len(tasks),
                done=sum(t.status == TaskStatus.DONE for t in tasks),
                failed=sum(t.status == TaskStatus.FAILED for t in tasks),
            ),
            segments=SegmentCounts(
                done=sum(t.segments_done for t in tasks), total=sum(t.segments_total for t in tasks)
            ),
            engine_calls=sum(t.engine_calls for t in tasks),
            memory_hits=sum(t.memory_hits for t in tasks),
            articles=[articles[k] for k in sorted(articles)],
        )


def list_jobs(store: Store, limit: int = 50, owner: str | None = None) -> list[JobSummary]:
    """The newest jobs, only `owner`'s when given."""
    with store.session() as session:
        query = select(JobRow).order_by(JobRow.created_at.desc()).limit(limit)
        if owner is not None:
            query = query.where(JobRow.owner == owner)
        jobs = session.scalars(query).all()
        ids = [job.id for job in jobs]
        # two grouped queries for the whole page, not two per job
        counts: dict[str, dict[TaskStatus, int]] = {job_id: {} for job_id in ids}
        for job_id, status, count in session.execute(
            select(TaskRow.job_id, TaskRow.status, func.count())
            .where(TaskRow.job_id.in_(ids))
            .group_by(TaskRow.job_id, TaskRow.status)
        ):
            counts[job_id][TaskStatus(status)] = int(count)
        headlines = dict(
            session.execute(
                select(TaskRow.job_id, ArticleRow.headline)
                .join(ArticleRow, TaskRow.article_id == ArticleRow.id)
                .where(TaskRow.job_id.in_(ids), TaskRow.position == 0)
            ).all()
        )
        return [
            JobSummary(
                id=job.id,
                status=JobStatus(job.status),
                targets=list(job.targets),
                headline=headlines.get(job.id),
                tasks=counts[job.id],
                created_at=job.created_at,
            )
            for job in jobs
        ]
