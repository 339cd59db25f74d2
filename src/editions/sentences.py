"""Sentences of a segment for sentence-level engines (NMT), split by pysbd's rules for the language
(the Pragmatic Segmenter: abbreviations, decimals, initials, quotations), never inside an inline span.

pysbd has rules for 23 languages (English, French, Spanish, German, Italian, Dutch, Polish, Russian,
Chinese, Japanese, Arabic …); another source language (Vietnamese, Portuguese, Indonesian, Korean) is
split with the English rules, which follow the Latin punctuation those languages share.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from editions.document import PLACEHOLDER_RE, TAG_NAMES_RE
from editions.errors import BackendMissingError

_CLOSING_TAG_RE = re.compile(rf"</(?:{TAG_NAMES_RE})\d+>")
# Titles and initials that end with a period inside a sentence; pysbd's rules miss some outside
# English (« le Dr. Martin », "M. Dupont"): a sentence ending with one is joined to the next.
_TITLE_END_RE = re.compile(
    r"(?:^|[\s(«“\"'])(?:[A-Z]|Dr|Pr|Prof|Mr|Mrs|Ms|Mme|Mlle|Mgr|MM|Me|St|Sr|Jr|Gen|Gov|Sen|Rep|Lt|Col|Capt)"
    rf"\.(?:</(?:{TAG_NAMES_RE})\d+>)*$"
)
# Languages written without spaces between sentences.
NO_SPACE = frozenset({"zh", "ja", "th"})


@dataclass(frozen=True)
class Piece:
    """One sentence of a segment: its text with its inline tags, and where it sits in the segment."""

    text: str
    start: int
    end: int

    @property
    def tags(self) -> set[str]:
        return {f"{m.group(1)}{m.group(2)}" for m in PLACEHOLDER_RE.finditer(self.text)}


@lru_cache(maxsize=32)
def _segmenter(lang: str) -> Any:
    try:
        import pysbd
        from pysbd.languages import LANGUAGE_CODES
    except ImportError:
        raise BackendMissingError(
            "sentence splitting for sentence-level engines needs pysbd: pip install 'editions[ctranslate2]'"
        ) from None
    return pysbd.Segmenter(language=lang if lang in LANGUAGE_CODES else "en", clean=False, char_span=True)


def split_sentences(text: str, lang: str) -> list[Piece]:
    """`text` (placeholder tags allowed) as its sentences, in order, each stripped of the space around
    it; a span's tags are never split between two pieces. Empty text gives no pieces."""
    if not text.strip():
        return []
    plain_chars: list[str] = []
    where: list[int] = []  # plain index → index in `text`
    last = 0
    for match in [*PLACEHOLDER_RE.finditer(text), None]:
        stop = match.start() if match else len(text)
        for i in range(last, stop):
            plain_chars.append(text[i])
            where.append(i)
        last = match.end() if match else len(text)
    plain = "".join(plain_chars)
    if not plain.strip():
        return [Piece(text.strip(), 0, len(text))]
    cuts: list[int] = []
    for sentence in _segmenter(lang).segment(plain)[:-1]:
        body = plain[sentence.start : sentence.end].rstrip()
        if not body:
            continue
        cut = where[sentence.start + len(body) - 1] + 1  # just after the sentence's last character
        while closing := _CLOSING_TAG_RE.match(text, cut):  # a span that ends with the sentence
            cut = closing.end()
        cuts.append(cut)
    pieces: list[Piece] = []
    start = 0
    for cut in [*cuts, len(text)]:
        chunk = text[start:cut]
        if cut != len(text) and (not _balanced(chunk) or _TITLE_END_RE.search(chunk.rstrip())):
            continue  # a span goes on into the next sentence, or "Dr." is not an end: keep together
        stripped = chunk.strip()
        if stripped:
            offset = start + (len(chunk) - len(chunk.lstrip()))
            pieces.append(Piece(stripped, offset, offset + len(stripped)))
        start = cut
    return pieces


def _balanced(chunk: str) -> bool:
    open_tags: list[str] = []
    for match in PLACEHOLDER_RE.finditer(chunk):
        name = f"{match.group(1)}{match.group(2)}"
        if not match.group(0).startswith("</"):
            open_tags.append(name)
        elif open_tags and open_tags[-1] == name:
            open_tags.pop()
        else:
            return False
    return not open_tags


def join_sentences(sentences: list[str], lang: str) -> str:
    """Translated sentences back into one block, as the target language separates them."""
    return ("" if lang in NO_SPACE else " ").join(s.strip() for s in sentences if s.strip())
