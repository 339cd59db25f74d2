"""What a translation-memory entry is keyed by, and the one rule for a segment's document context.

The pipeline looks segments up and stores them under a `MemoryKey`; the review page stores an editor's
correction under the key the pipeline will compute next time. Both get the context part from
`with_contexts`, so the two can never drift apart (if they did, corrections would silently stop
matching). The store implements `SegmentMemory`; nothing here knows about engines or databases.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol

from editions.document import Article
from editions.segment import Segment, segments


@dataclass(frozen=True)
class MemoryKey:
    """What decides a segment's translation: never the text alone.

    `context` stands for the document context the engine saw (a hash of the preceding segment's
    source), `signature` for the engine, model, prompt and glossary (`Provenance.signature()`).
    """

    source_lang: str
    target_lang: str
    text: str
    context: str = ""
    signature: str = ""

    def digest(self) -> str:
        payload = "\x1f".join([self.source_lang, self.target_lang, self.context, self.signature, self.text])
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def context_key(previous_source: str | None) -> str:
    """The context part of a memory key for a segment preceded by `previous_source`."""
    if not previous_source:
        return ""
    return hashlib.sha256(previous_source.encode("utf-8")).hexdigest()[:16]


def with_contexts(parts: Iterable[Segment]) -> Iterator[tuple[Segment, str]]:
    """Each segment with its context key: the hash of the last non-empty segment before it."""
    previous: str | None = None
    for segment in parts:
        yield segment, context_key(previous)
        if segment.text.strip():
            previous = segment.text


def segment_contexts(article: Article) -> dict[str, str]:
    """Segment id → context key, exactly as the pipeline computes them while translating `article`."""
    return {segment.id: context for segment, context in with_contexts(segments(article))}


class SegmentMemory(Protocol):
    """A translation memory the pipeline consults before calling the engine, and feeds after."""

    def recall(self, key: MemoryKey) -> str | None: ...

    def remember(self, key: MemoryKey, translation: str) -> None: ...
