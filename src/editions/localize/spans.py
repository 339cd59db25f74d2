"""What the localize fixes share: the spaces, the spans they never rewrite, and rewriting spans."""

from __future__ import annotations

import re
from collections.abc import Iterable

from editions.document import TAG_NAMES_RE

NBSP = "\u00a0"
NNBSP = "\u202f"
SPACE = "[ \u00a0\u202f]"  # a space, a no-break space or a narrow no-break space, as a regex class

_PROTECTED_RE = re.compile(
    r"(?:https?://|www\.)[^\s<>\"«»“”„]*[^\s<>\"«»“”„.,;:!?)]"  # URLs, less a trailing stop
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"  # e-mail addresses
    rf"|</?(?:{TAG_NAMES_RE})\d+>"  # placeholder tags
    r"|&#?\w+;"  # HTML entities
)


def protected_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _PROTECTED_RE.finditer(text)]


def overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in spans)


def replace_spans(text: str, edits: Iterable[tuple[int, int, str]]) -> str:
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    return text
