"""QA findings as rows: written beside an edition when its task completes, replaced when a block is edited."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from editions.document import Edition, QaFinding
from editions.store.schema import FindingRow


def all_findings(edition: Edition) -> list[QaFinding]:
    return list(edition.findings) + [f for block in edition.blocks for f in block.findings]


def replace_findings(
    session: Session, edition_id: str, findings: list[QaFinding], block_id: str | None = None
) -> None:
    query = select(FindingRow).where(FindingRow.edition_id == edition_id)
    if block_id is not None:
        query = query.where(FindingRow.block_id == block_id)
    for row in session.scalars(query):
        session.delete(row)
    for f in findings:
        session.add(
            FindingRow(
                edition_id=edition_id,
                block_id=f.block_id,
                code=f.code,
                severity=f.severity,
                message=f.message,
                fixed=f.fixed,
                detail=f.model_dump(
                    mode="json", include={"source_span", "source_text", "target_span", "target_text"}
                ),
            )
        )
