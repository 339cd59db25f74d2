"""Bidi controls out of an article, each removal recorded as a fixed finding on its segment.

The embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) reorder the text after them on
screen: a headline with U+202E reads backwards, and "approves\u202e tegdub" shows a word that is not
in the text ("Trojan Source"). A French or Vietnamese edition never needs them, an engine would drop
or garble them, and the review page and exports would pass them on; so they are removed when the
article is read, before anything else sees it. That is done on the parsed article, not the raw text,
so that JSON escapes ("\\u202e") are caught too and each removal is told on the segment it came from.
"""

from __future__ import annotations

import unicodedata
from collections import Counter

from editions.document import (
    BIDI_CONTROL_RE,
    Article,
    Block,
    QaFinding,
    block_id,
    normalize_space,
    plain_text,
)
from editions.vocabulary import FindingCode

_FRONT = ("headline", "standfirst", "byline", "dateline")


def remove_bidi_controls(article: Article) -> Article:
    """`article` without bidi controls, with one fixed `bidi.control` finding per segment they left.

    What is left is trimmed as the readers trim: a block left with no text goes (its finding moves to
    the headline), a headline left empty is taken from the first block, and blocks are numbered again,
    so "\u202e" on a line of its own reads as if it had never been there."""
    changes: dict[str, object] = {}
    findings: list[QaFinding] = []
    for name in _FRONT:
        text = getattr(article, name)
        if text and BIDI_CONTROL_RE.search(text):
            cleaned = normalize_space(BIDI_CONTROL_RE.sub("", text))
            changes[name] = cleaned if cleaned or name == "headline" else None
            findings.append(_finding(name, text))
    blocks: list[Block] = []
    moved: dict[str, str] = {}  # old block id -> the segment its finding now belongs to
    for block in article.blocks:
        if not BIDI_CONTROL_RE.search(block.text):
            blocks.append(block)
            continue
        findings.append(_finding(block.id, block.text))
        text = BIDI_CONTROL_RE.sub("", block.text).strip()
        if plain_text(text).strip():
            blocks.append(block.model_copy(update={"text": text}))
        else:
            moved[block.id] = "headline"
    if not findings:
        return article
    headline = changes.get("headline", article.headline)
    if not headline and blocks:
        first = blocks.pop(0)
        changes["headline"] = normalize_space(first.plain)
        moved[first.id] = "headline"
    renumbered = [block.model_copy(update={"id": block_id(i)}) for i, block in enumerate(blocks)]
    moved.update({old.id: new.id for old, new in zip(blocks, renumbered, strict=True)})
    findings = [
        finding.model_copy(update={"block_id": moved.get(finding.block_id, finding.block_id)})
        for finding in [*article.findings, *findings]
    ]
    # The id stays what it was: computed from the content as given, or the one the JSON declared.
    return article.model_copy(update={**changes, "blocks": renumbered, "findings": findings})


def _finding(segment_id: str, text: str) -> QaFinding:
    found = Counter(BIDI_CONTROL_RE.findall(text))
    named = ", ".join(f"U+{ord(ch):04X} {unicodedata.name(ch)}" for ch in found)
    count = sum(found.values())
    plural = "character" if count == 1 else "characters"
    return QaFinding(
        code=FindingCode.BIDI_CONTROL,
        severity="warning",
        message=f"removed {count} bidi control {plural} ({named}) that reorder text on screen",
        block_id=segment_id,
        fixed=True,
    )
