"""`editions qa`: the same checks on any source/translation pair, e.g. a human translation."""

from __future__ import annotations

import json
from collections import Counter

from pydantic import BaseModel, Field

from editions.document import Article, Block, QaFinding
from editions.glossary import Glossary
from editions.qa.checks import BlockPair, QaContext, check_block
from editions.vocabulary import FindingCode


class QaReport(BaseModel):
    source_lang: str
    target_lang: str
    blocks_compared: int
    findings: list[QaFinding] = Field(default_factory=list)

    def counts(self) -> Counter[str]:
        return Counter(f.code for f in self.findings)


def qa_articles(
    source: Article, translation: Article, source_lang: str, target_lang: str, glossary: Glossary | None
) -> QaReport:
    """Check a translation block by block, aligned by order (headline with headline)."""
    ctx = QaContext(source_lang, target_lang, glossary)
    findings = check_block(BlockPair("headline", source.headline, translation.headline), ctx)
    pairs = list(zip(source.blocks, translation.blocks, strict=False))
    for src, tgt in pairs:
        findings += check_block(BlockPair(src.id, src.text, tgt.text, dict(src.marks)), ctx)
    findings += _unpaired(source.blocks[len(pairs) :], FindingCode.OMISSION, "has no translation")
    findings += _unpaired(translation.blocks[len(pairs) :], FindingCode.ADDITION, "has no source block")
    return QaReport(
        source_lang=source_lang, target_lang=target_lang, blocks_compared=len(pairs) + 1, findings=findings
    )


def _unpaired(blocks: list[Block], code: FindingCode, what: str) -> list[QaFinding]:
    return [
        QaFinding(code=code, severity="error", message=f"block {b.id} {what}", block_id=b.id) for b in blocks
    ]


def render_report(report: QaReport, fmt: str = "text") -> str:
    if fmt == "json":
        data = report.model_dump(mode="json") | {"counts": dict(report.counts())}
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    lines = [
        f"QA {report.source_lang} → {report.target_lang}: {report.blocks_compared} blocks, "
        f"{len(report.findings)} findings"
    ]
    for finding in report.findings:
        where = (
            f" « {finding.target_text or finding.source_text} »"
            if (finding.target_text or finding.source_text)
            else ""
        )
        lines.append(
            f"  {finding.block_id:<9} {finding.severity:<7} {finding.code:<18} {finding.message}{where}"
        )
    if report.findings:
        summary = ", ".join(f"{code} {n}" for code, n in report.counts().most_common())
        lines.append(f"by code: {summary}")
    return "\n".join(lines) + "\n"
