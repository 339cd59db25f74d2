"""An edition as the review page shows it: one row per segment, QA findings highlighted in the text.

Findings are highlighted at their offsets in the plain text (placeholder tags removed), computed here
as runs of text that the templates escape: nothing from an article is ever marked safe.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise

from editions.document import PLACEHOLDER_RE, Mark, QaFinding, plain_text, spans
from editions.segment import segments
from editions.service.editing import block_source_and_text
from editions.store.editions import StoredEdition

SEVERITIES = ("error", "warning", "info")


# --- highlighting ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Piece:
    """A stretch of plain text, highlighted when QA findings cover it."""

    text: str
    severity: str | None = None  # the gravest covering finding's severity
    title: str = ""  # the covering findings' messages
    refs: str = ""  # space-separated finding anchors ("b1-1 b1-2"), for the script's hover links


@dataclass(frozen=True)
class InlineRun:
    """One inline span of a block (plain, em, strong or link) split into pieces."""

    kind: str | None
    href: str | None  # a link's target, shown as text only
    pieces: list[Piece]


@dataclass(frozen=True)
class Highlight:
    start: int
    end: int
    finding: QaFinding
    ref: str


def highlighted(text: str, marks: dict[str, Mark], highlights: list[Highlight]) -> list[InlineRun]:
    """`text` (with placeholder tags) as inline runs whose pieces carry the highlights.

    Highlight offsets are offsets in `plain_text(text)`; ones outside it are ignored."""
    length = len(plain_text(text))
    valid = [h for h in highlights if 0 <= h.start < h.end <= length]
    rank = {severity: i for i, severity in enumerate(SEVERITIES)}
    out: list[InlineRun] = []
    offset = 0
    for name, segment in spans(text):
        start, end = offset, offset + len(segment)
        offset = end
        if not segment:
            continue
        cuts = sorted({start, end} | {x for h in valid for x in (h.start, h.end) if start < x < end})
        pieces: list[Piece] = []
        for a, b in pairwise(cuts):
            covering = [h for h in valid if h.start <= a and b <= h.end]
            chunk = segment[a - start : b - start]
            if not covering:
                pieces.append(Piece(chunk))
                continue
            severity = min((h.finding.severity for h in covering), key=lambda s: rank.get(s, 9))
            title = " · ".join(dict.fromkeys(h.finding.message for h in covering))
            pieces.append(Piece(chunk, severity, title, " ".join(h.ref for h in covering)))
        mark = marks.get(name) if name else None
        kind = mark.kind if mark else None
        href = mark.href if mark is not None and mark.kind == "link" else None
        out.append(InlineRun(kind, href, pieces))
    return out


# --- the edition as rows ---------------------------------------------------------------------------


@dataclass
class FindingView:
    ref: str
    finding: QaFinding
    highlighted: bool


@dataclass
class Row:
    id: str
    kind: str
    source_text: str
    text: str  # the translation with its placeholder tags, as the editor edits it
    source: list[InlineRun]
    target: list[InlineRun]
    findings: list[FindingView]
    links: list[tuple[str, str, str]]  # (tag, link text, href)
    notes: list[str] = field(default_factory=list)
    spans: list[tuple[str, str, str]] = field(default_factory=list)  # the source's (tag, kind, href) to keep

    @property
    def tagged(self) -> bool:
        return bool(PLACEHOLDER_RE.search(self.text))

    @property
    def text_rows(self) -> int:
        return max(2, min(14, len(self.text) // 60 + 2))

    @property
    def worst(self) -> str | None:
        for severity in SEVERITIES:
            if any(f.finding.severity == severity and not f.finding.fixed for f in self.findings):
                return severity
        return None


def edition_rows(stored: StoredEdition) -> list[Row]:
    """One row per segment in reading order: headline, standfirst, dateline, then the body blocks."""
    edition = stored.edition
    source_marks = {s.id: s.marks for s in segments(stored.article)}
    blocks = {b.source_id: b for b in edition.blocks}
    rows: list[Row] = []
    for block_id, kind, source_text, text in block_source_and_text(stored):
        block = blocks.get(block_id)
        found = (
            block.findings if block is not None else [f for f in edition.findings if f.block_id == block_id]
        )
        views: list[FindingView] = []
        source_hl: list[Highlight] = []
        target_hl: list[Highlight] = []
        for i, finding in enumerate(found, 1):
            ref = f"{block_id}-{i}"
            if finding.source_span:
                source_hl.append(Highlight(*finding.source_span, finding, ref))
            if finding.target_span:
                target_hl.append(Highlight(*finding.target_span, finding, ref))
            views.append(FindingView(ref, finding, bool(finding.source_span or finding.target_span)))
        marks = source_marks.get(block_id, {})
        target_marks = block.marks if block is not None else {}
        inner = dict(spans(source_text))
        links = [
            (name, inner.get(name, ""), mark.href or "")
            for name, mark in marks.items()
            if mark.kind == "link"
        ]
        rows.append(
            Row(
                id=block_id,
                kind=kind,
                source_text=source_text,
                text=text,
                source=highlighted(source_text, marks, source_hl),
                target=highlighted(text, target_marks, target_hl),
                findings=views,
                links=links,
                notes=list(block.notes) if block is not None else [],
                spans=[(name, mark.kind, mark.href or "") for name, mark in marks.items()],
            )
        )
    return rows
