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

from editions.document import BIDI_CONTROL_RE, Article, QaFinding
from editions.vocabulary import FindingCode

_FRONT = ("headline", "standfirst", "byline", "dateline")


def remove_bidi_controls(article: Article) -> Article:
    """`article` without bidi controls, with one fixed `bidi.control` finding per segment they left."""
    changes: dict[str, object] = {}
    findings: list[QaFinding] = []
    for name in _FRONT:
        text = getattr(article, name)
        if text and BIDI_CONTROL_RE.search(text):
            changes[name] = BIDI_CONTROL_RE.sub("", text)
            findings.append(_finding(name, text))
    blocks = []
    for block in article.blocks:
        if BIDI_CONTROL_RE.search(block.text):
            findings.append(_finding(block.id, block.text))
            block = block.model_copy(update={"text": BIDI_CONTROL_RE.sub("", block.text)})
        blocks.append(block)
    if not findings:
        return article
    # The id stays what it was: computed from the content as given, or the one the JSON declared.
    return article.model_copy(
        update={**changes, "blocks": blocks, "findings": [*article.findings, *findings]}
    )


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
