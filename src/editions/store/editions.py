"""Stored editions: reading them back, saving an editor's change, and the review state.

A finished task writes its edition (`store.queue.complete_task`); from then on the editor works on it
here. Each save bumps the edition's revision, so a save against an older revision is refused instead of
overwriting someone else's change, and an approved edition whose text changes goes back to draft.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from editions.document import Article, Edition, QaFinding, adapted_source
from editions.errors import NotFoundError, StaleEditError, UsageError
from editions.store.db import Store
from editions.store.findings import replace_findings
from editions.store.schema import ArticleRow, EditionRow, JobRow, TaskRow, utcnow
from editions.vocabulary import ReviewState


class EditionView(BaseModel):
    """An edition as the API sends it: the document with its review state, revision and signature."""

    id: str
    job_id: str
    review: ReviewState
    review_note: str | None
    revision: int
    signature: str
    edition: Edition

    @classmethod
    def of(cls, stored: EditionView) -> EditionView:
        """Only the API's fields of a `StoredEdition` (a subclass), without copying the document."""
        return cls.model_construct(**{name: getattr(stored, name) for name in cls.model_fields})


class StoredEdition(EditionView):
    """An edition read back for the editor: also its source article and when it last changed."""

    article: Article
    updated_at: datetime


def _row(session: Session, edition_id: str, owner: str | None) -> EditionRow:
    """The edition's row; with `owner`, one of another owner's jobs is not found, as if it did not exist."""
    row = session.get(EditionRow, edition_id)
    if row is not None and owner is not None:
        job_owner = session.scalar(select(JobRow.owner).where(JobRow.id == row.job_id))
        row = row if job_owner == owner else None
    if row is None:
        raise NotFoundError(f"no edition {edition_id!r}")
    return row


def get_edition(store: Store, edition_id: str, owner: str | None = None) -> StoredEdition:
    with store.session() as session:
        row = _row(session, edition_id, owner)
        article_row = session.get(ArticleRow, row.article_id)
        assert article_row is not None
        edition = Edition.model_validate(row.document)
        return StoredEdition(
            id=row.id,
            job_id=row.job_id,
            review=ReviewState(row.review),
            review_note=row.review_note,
            revision=row.revision,
            signature=row.signature,
            edition=edition,
            # a condensed edition is reviewed against the source text it kept
            article=adapted_source(Article.model_validate(article_row.document), edition),
            updated_at=row.updated_at,
        )


def job_editions(store: Store, job_id: str, owner: str | None = None) -> list[StoredEdition]:
    with store.session() as session:
        query = (
            select(EditionRow.id)
            .join(TaskRow, TaskRow.id == EditionRow.task_id)
            .where(EditionRow.job_id == job_id)
            .order_by(TaskRow.position, TaskRow.target_lang)
        )
        if owner is not None:
            query = query.join(JobRow, JobRow.id == EditionRow.job_id).where(JobRow.owner == owner)
        ids = session.scalars(query).all()
    return [get_edition(store, i, owner) for i in ids]


# the segments whose findings sit on the edition itself, not on a block
FRONT_MATTER = ("headline", "standfirst", "dateline")


def put_translation(
    edition: Edition, segment_id: str, text: str, findings: list[QaFinding], note: str
) -> None:
    """Put a person's translation of one segment into `edition` (in memory; `save_editions` writes it),
    with the findings QA gave it; a block also records `note` (who changed it) once."""
    if segment_id in FRONT_MATTER:
        setattr(edition, segment_id, text)
        edition.findings = [f for f in edition.findings if f.block_id != segment_id] + findings
        return
    block = next(b for b in edition.blocks if b.source_id == segment_id)
    block.text = text
    block.findings = findings
    if note not in block.notes:
        block.notes.append(note)


def save_edition(
    store: Store, stored: StoredEdition, block_id: str, expected_revision: int | None = None
) -> int:
    """Write back an edited edition (document, findings of `block_id`); returns the new revision."""
    return save_editions(store, [(stored, [block_id], expected_revision)])[0]


def save_editions(store: Store, saves: list[tuple[StoredEdition, list[str], int | None]]) -> list[int]:
    """Write back edited editions, each with the blocks that changed and the revision it was edited
    at, in one transaction: one new revision each, or nothing at all when any of them is stale."""
    revisions = []
    with store.session() as session:
        for stored, block_ids, expected_revision in saves:
            revisions.append(_write(session, stored, block_ids, expected_revision))
    return revisions


def _write(
    session: Session, stored: StoredEdition, block_ids: list[str], expected_revision: int | None
) -> int:
    edition = stored.edition
    row = session.get(EditionRow, stored.id)
    if row is None:
        raise NotFoundError(f"no edition {stored.id!r}")
    if expected_revision is not None and row.revision != expected_revision:
        raise StaleEditError(
            f"the edition changed since you opened it (revision {row.revision}, you had "
            f"{expected_revision}); reload and edit again"
        )
    row.document = edition.model_dump(mode="json")
    row.headline = edition.headline
    row.revision += 1
    row.updated_at = utcnow()
    if row.review == ReviewState.APPROVED:
        row.review = ReviewState.DRAFT  # an approved text that changes needs approving again
    for block_id in block_ids:
        if block_id in FRONT_MATTER:
            findings = [f for f in edition.findings if f.block_id == block_id]
        else:
            block = next(b for b in edition.blocks if b.source_id == block_id)
            findings = list(block.findings)
        replace_findings(session, stored.id, findings, block_id)
    return row.revision


def set_review(
    store: Store, edition_id: str, review: str, note: str | None = None, owner: str | None = None
) -> None:
    if review not in set(ReviewState):
        raise UsageError(f"unknown review state {review!r}")
    with store.session() as session:
        row = _row(session, edition_id, owner)
        row.review = review
        row.review_note = note
        row.updated_at = utcnow()


def count_editions(store: Store, job_id: str) -> int:
    with store.session() as session:
        return int(
            session.scalar(select(func.count()).select_from(EditionRow).where(EditionRow.job_id == job_id))
            or 0
        )
