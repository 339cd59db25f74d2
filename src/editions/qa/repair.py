"""Deterministic repairs: what can be fixed without the engine, fixed and recorded for the editor."""

from __future__ import annotations

from editions.document import QaFinding
from editions.localize import fix_dates, fix_numbers, fix_typography
from editions.qa.checks import BlockPair, QaContext


def repair_block(pair: BlockPair, ctx: QaContext) -> tuple[str, list[QaFinding]]:
    """Dates and numbers written in the wrong local form, and the target's typography.

    Returns the repaired target text (tags kept) and one `fixed` finding per change.
    """

    text = pair.target
    fixes: list[tuple[str, str]] = []
    text, messages = fix_dates(pair.source, text, ctx.source_lang, ctx.target_lang)
    fixes += [("date.form", m) for m in messages]
    text, messages = fix_numbers(pair.source, text, ctx.source_lang, ctx.target_lang)
    fixes += [("number.form", m) for m in messages]
    text, messages = fix_typography(text, ctx.target_lang)
    fixes += [("typography", m) for m in messages]
    findings = [
        QaFinding(code=code, severity="info", message=message, block_id=pair.block_id, fixed=True)
        for code, message in fixes
    ]
    return text, findings
