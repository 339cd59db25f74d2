"""Deterministic repairs: what can be fixed without the engine, fixed and recorded for the editor."""

from __future__ import annotations

from editions.document import QaFinding
from editions.localize import fix_dates, fix_numbers, fix_typography
from editions.qa.checks import BlockPair, QaContext
from editions.vocabulary import FindingCode


def repair_block(pair: BlockPair, ctx: QaContext) -> tuple[str, list[QaFinding]]:
    """Dates and numbers written in the wrong local form, and the target's typography.

    Returns the repaired target text (tags kept) and one `fixed` finding per change.
    """

    text = pair.target
    fixes: list[tuple[FindingCode, str]] = []
    text, messages = fix_dates(pair.source, text, ctx.source_lang, ctx.target_lang)
    fixes += [(FindingCode.DATE_FORM, m) for m in messages]
    text, messages = fix_numbers(pair.source, text, ctx.source_lang, ctx.target_lang)
    fixes += [(FindingCode.NUMBER_FORM, m) for m in messages]
    text, messages = fix_typography(text, ctx.target_lang)
    fixes += [(FindingCode.TYPOGRAPHY, m) for m in messages]
    findings = [
        QaFinding(code=code, severity="info", message=message, block_id=pair.block_id, fixed=True)
        for code, message in fixes
    ]
    return text, findings
