"""Plain-text editions in the seed layout: headlines first, then one paragraph per block.

    <translated headline>

    <original headline>

    <translated headline>

    <standfirst> / <byline> / <dateline> (when present) / <block 1> / <block 2> …

Every block is its own blank-line-separated paragraph (list items too), so the text aligns 1:1 with
the blocks. Inline marks are dropped and link text kept; URLs are not shown.
"""

from __future__ import annotations

from collections.abc import Sequence

from editions.document import Edition
from editions.render.inline import clean, runs
from editions.render.layout import item_numbers, item_prefix


def render(editions: Sequence[Edition]) -> str:
    """All editions one after the other, separated by a blank line; ends with one newline."""
    body = "\n\n".join(_edition(edition) for edition in editions)
    return f"{body}\n" if body else ""


def _edition(edition: Edition) -> str:
    headline = clean(edition.headline)
    paragraphs = [headline, clean(edition.source_headline), headline]
    paragraphs += [clean(field) for field in (edition.standfirst, edition.byline, edition.dateline)]
    paragraphs += _blocks(edition)
    return "\n\n".join(p for p in paragraphs if p)


def _blocks(edition: Edition) -> list[str]:
    numbers = item_numbers(edition.blocks)
    lines: list[str] = []
    for block, number in zip(edition.blocks, numbers, strict=True):
        text = "".join(run.text for run in runs(block.text, block.marks))
        lines.append(item_prefix(block, number) + text)
    return lines
