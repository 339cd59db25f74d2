"""Markdown articles, parsed as CommonMark with markdown-it-py.

The headline is the first `# ` heading (else the first heading of any level, else the first paragraph);
other headings keep their level. Paragraphs inside `>` are quotes, list items are one block each (the
paragraphs of a loose item are joined), and fenced code is kept as plain text. Inline, links, `*em*`
and `**strong**` become placeholder marks; code spans and image alt text stay as plain text; breaks
become spaces. Raw HTML is read as HTML (tags stripped, `<script>` and friends dropped), never passed
through. A wholly emphasised paragraph right after the headline that starts with "By " is the byline.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

from editions.document import Article, BlockKind, MarkKind, MarkupBuilder
from editions.ingest.draft import Draft, assemble, safe_href, split_byline, split_headline
from editions.ingest.html import fragment_drafts

_UNSAFE_OPEN_RE = re.compile(r"<(script|style|noscript|template|iframe)\b(?![^>]*/>)", re.IGNORECASE)
_UNSAFE_CLOSE_RE = re.compile(r"</(script|style|noscript|template|iframe)\s*>", re.IGNORECASE)
_BREAK_RE = re.compile(r"<br\b", re.IGNORECASE)
_EMPHASIS: dict[str, MarkKind] = {"em_open": "em", "strong_open": "strong"}
# Tokens that open or close a span: kept balanced even inside <script>…</script>, whose text is dropped.
_SPAN_TOKENS = frozenset({"link_open", "link_close", "em_open", "em_close", "strong_open", "strong_close"})


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark")


def parse_markdown(text: str) -> Article:
    drafts = _BlockWalk().run(_parser().parse(text))
    headline, drafts = split_headline(drafts)
    byline, drafts = split_byline(drafts)
    return assemble(headline, drafts, byline=byline)


@dataclass
class _BlockWalk:
    """Turns markdown-it's flat token stream (open/inline/close) into drafts."""

    drafts: list[Draft] = field(default_factory=list)
    quote_depth: int = 0
    lists: list[bool] = field(default_factory=list)  # ordered? for each open list, innermost last
    items: list[MarkupBuilder] = field(default_factory=list)  # one builder per open list item
    heading_level: int | None = None

    def run(self, tokens: Sequence[Token]) -> list[Draft]:
        for token in tokens:
            self._token(token)
        return self.drafts

    def _token(self, token: Token) -> None:
        kind = token.type
        if kind == "heading_open":
            self.heading_level = int(token.tag[1])
        elif kind == "heading_close":
            self.heading_level = None
        elif kind == "blockquote_open":
            self.quote_depth += 1
        elif kind == "blockquote_close":
            self.quote_depth -= 1
        elif kind in ("bullet_list_open", "ordered_list_open"):
            self._flush_item()  # text of an outer item ends where its nested list begins
            self.lists.append(kind == "ordered_list_open")
        elif kind in ("bullet_list_close", "ordered_list_close"):
            self.lists.pop()
        elif kind == "list_item_open":
            self.items.append(MarkupBuilder())
        elif kind == "list_item_close":
            self._flush_item()
            self.items.pop()
        elif kind == "inline":
            self._inline(token.children or [])
        elif kind in ("fence", "code_block"):
            self._literal(token.content)
        elif kind == "html_block":
            self.drafts.extend(fragment_drafts(token.content, element_prefix=f"m{len(self.drafts)}-"))

    def _inline(self, children: Sequence[Token]) -> None:
        if self.items and self.heading_level is None:
            builder = self.items[-1]
            if builder.parts:
                builder.text(" ")  # the next paragraph of a loose list item
            render_inline(children, builder)
            return
        builder = MarkupBuilder()
        render_inline(children, builder)
        self._emit(builder, "heading" if self.heading_level else self._context_kind())

    def _literal(self, content: str) -> None:
        builder = self.items[-1] if self.items else MarkupBuilder()
        builder.text(f" {content}")
        if not self.items:
            self._emit(builder, self._context_kind())

    def _flush_item(self) -> None:
        if self.items:
            self._emit(self.items[-1], "list_item")
            self.items[-1] = MarkupBuilder()

    def _emit(self, builder: MarkupBuilder, kind: BlockKind) -> None:
        level = self.heading_level if kind == "heading" else None
        ordered = kind == "list_item" and bool(self.lists) and self.lists[-1]
        draft = Draft.from_builder(builder, kind, level=level, ordered=ordered)
        if draft is not None:
            self.drafts.append(draft)

    def _context_kind(self) -> BlockKind:
        return "quote" if self.quote_depth else "paragraph"


def render_inline(children: Sequence[Token], builder: MarkupBuilder) -> None:
    open_spans: list[str | None] = []  # markdown-it nests properly, so one stack serves every span
    in_unsafe_html = False
    for token in children:
        if in_unsafe_html and token.type not in _SPAN_TOKENS:  # spans open and close all the same
            in_unsafe_html = not (token.type == "html_inline" and _UNSAFE_CLOSE_RE.match(token.content))
        elif token.type == "html_inline":
            in_unsafe_html = bool(_UNSAFE_OPEN_RE.match(token.content))
            if _BREAK_RE.match(token.content):
                builder.text(" ")
        elif token.type == "link_open":
            href = safe_href(str(token.attrs.get("href", "")))
            open_spans.append(builder.open("link", href) if href else None)
        elif token.type in _EMPHASIS:
            open_spans.append(builder.open(_EMPHASIS[token.type]))
        elif token.type in ("link_close", "em_close", "strong_close"):
            name = open_spans.pop()
            if name:
                builder.close(name)
        elif token.type in ("softbreak", "hardbreak"):
            builder.text(" ")
        else:  # text, code spans, image alt text, anything newer: its plain content
            builder.text(token.content)
