"""Plain-text articles, as a reporter types them in any editor.

The first non-empty line is the headline. Blank lines separate paragraphs; the lines of one paragraph
are joined with a space (hard-wrapped text reads as one paragraph). A line starting with "- ", "* ",
"• " or "1. " is a list item (numbered for "1."); lines starting with "> " are a quote. A line with no
marker right after an item or quote continues it, as in Markdown. There is no inline markup: text is
taken literally, so a "<a1>" typed in the article can never pass for one of our placeholder tags.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from editions.document import Article, BlockKind, MarkupBuilder
from editions.ingest.draft import Draft, assemble, plain_headline

_ITEM_RE = re.compile(r"(?:(?P<bullet>[-*•])|(?P<number>\d{1,3})[.)])[ \t]+(?P<body>\S.*)")
_QUOTE_RE = re.compile(r">(?:[ \t]+(?P<body>.*))?")


@dataclass
class _Group:
    kind: BlockKind
    ordered: bool = False
    lines: list[str] = field(default_factory=list)

    def draft(self) -> Draft | None:
        builder = MarkupBuilder()
        builder.text(" ".join(self.lines))
        return Draft.from_builder(builder, self.kind, ordered=self.ordered)


def parse_text(text: str) -> Article:
    lines = text.split("\n")
    start = next((index for index, line in enumerate(lines) if line.strip()), None)
    if start is None:
        return assemble("", [])
    return assemble(plain_headline(lines[start]), body_drafts(lines[start + 1 :]))


def body_drafts(lines: Iterable[str]) -> list[Draft]:
    """Blocks of a plain-text body (also used for the body of CMS-style JSON)."""
    drafts: list[Draft] = []
    for chunk in _paragraph_chunks(lines):
        for group in _groups(chunk):
            draft = group.draft()
            if draft is not None:
                drafts.append(draft)
    return drafts


def _paragraph_chunks(lines: Iterable[str]) -> Iterator[list[str]]:
    chunk: list[str] = []
    for line in lines:
        if line.strip():
            chunk.append(line.strip())
        elif chunk:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _groups(chunk: list[str]) -> list[_Group]:
    groups: list[_Group] = []
    for line in chunk:
        group, body = _classify(line)
        continues = groups and (
            group.kind == "paragraph" or (group.kind == "quote" and groups[-1].kind == "quote")
        )
        if continues:
            groups[-1].lines.append(body)
        else:
            group.lines.append(body)
            groups.append(group)
    return groups


def _classify(line: str) -> tuple[_Group, str]:
    item = _ITEM_RE.fullmatch(line)
    if item is not None:
        return _Group("list_item", ordered=item.group("number") is not None), item.group("body")
    quote = _QUOTE_RE.fullmatch(line)
    if quote is not None:
        return _Group("quote"), quote.group("body") or ""
    return _Group("paragraph"), line
