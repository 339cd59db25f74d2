"""Inline markup the engine lost or invented, put right after translation.

An engine may drop a `<a1>…</a1>` span, move it, or write tags the source never had. Foreign tags are
dropped; a lost span goes back around the same words if they survived (names often do), else around
the span's own translation if it appears, else around the whole block, with a note for the editor.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from editions.document import PLACEHOLDER_RE, Mark, markup_problems, plain_text
from editions.segment import Segment


def repair_markup(segment: Segment, text: str, translate: Callable[[str], str]) -> tuple[str, list[str]]:
    """Put lost inline spans back: around the same words if they survived (names often do), else
    around the span's own translation if it appears, else around the whole block, with a note."""
    notes: list[str] = []
    text = _drop_foreign_tags(text, segment.marks)
    sources = _span_sources(segment.text, segment.marks)
    for name in segment.marks:
        if not markup_problems(text, {name: segment.marks[name]}):
            continue
        text = text.replace(f"<{name}>", "").replace(f"</{name}>", "")
        inner = sources.get(name, "")
        placed = _wrap_first(text, inner, name)
        if placed is None and inner.strip():
            placed = _wrap_first(text, translate(inner), name)
        if placed is None:
            placed = f"<{name}>{text}</{name}>"
            notes.append(
                f"inline {segment.marks[name].kind} <{name}> lost by the engine; put on the whole block"
            )
        else:
            notes.append(f"inline {segment.marks[name].kind} <{name}> restored around matching words")
        text = placed
    return text, notes


def _span_sources(text: str, marks: dict[str, Mark]) -> dict[str, str]:
    """Each span's own source words, nested spans included (a link inside a <q> has its words too)."""
    found: dict[str, str] = {}
    for name in marks:
        match = re.search(rf"<{name}>(.*?)</{name}>", text, re.DOTALL)
        if match:
            found[name] = plain_text(match.group(1))
    return found


def _drop_foreign_tags(text: str, marks: dict[str, Mark]) -> str:
    return PLACEHOLDER_RE.sub(lambda m: m.group(0) if f"{m.group(1)}{m.group(2)}" in marks else "", text)


def _wrap_first(text: str, words: str, name: str) -> str | None:
    words = words.strip().strip(".,;:!?\"'«»“”")
    if not words:
        return None
    match = re.search(re.escape(words), text, re.IGNORECASE)
    if not match:
        return None
    return f"{text[: match.start()]}<{name}>{match.group(0)}</{name}>{text[match.end() :]}"
