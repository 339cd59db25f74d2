"""What every reader shares: blocks before they have ids, headline and byline picking, safe links."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from editions.document import (
    Article,
    Block,
    BlockKind,
    Mark,
    MarkupBuilder,
    block_id,
    normalize_space,
    plain_text,
)
from editions.ingest.decode import clean_text

_SAFE_SCHEMES = frozenset({"", "http", "https", "mailto"})
# Browsers ignore ASCII whitespace and controls inside a URL, so "java\tscript:" is still javascript:.
_URL_JUNK_RE = re.compile(r"[\x00-\x20]")
_WHOLLY_EMPHASISED_RE = re.compile(r"<(em|b)(\d+)>.*</\1\2>", re.DOTALL)
_MAX_BYLINE_WORDS = 12


@dataclass
class Draft:
    """A block as a reader found it, before the headline is taken out and ids are given."""

    kind: BlockKind
    text: str
    marks: dict[str, Mark] = field(default_factory=dict)
    level: int | None = None
    ordered: bool = False
    path: list[str] = field(default_factory=list)  # Block.path: where it sat in an HTML page
    src: str | None = None  # an image's safe source URL

    @property
    def plain(self) -> str:
        return plain_text(self.text)

    @classmethod
    def from_builder(
        cls,
        builder: MarkupBuilder,
        kind: BlockKind,
        *,
        level: int | None = None,
        ordered: bool = False,
        path: list[str] | None = None,
        src: str | None = None,
    ) -> Draft | None:
        """The built block, or None when it holds no text (an empty paragraph, an image alone)."""
        text, marks = builder.build()
        text = clean_text(text)  # again: character references ("&#x1;") decode after the bytes were cleaned
        if not plain_text(text).strip():
            return None
        return cls(
            kind=kind, text=text, marks=marks, level=level, ordered=ordered, path=list(path or []), src=src
        )


def safe_href(href: str | None) -> str | None:
    """The link target if it is http(s), mailto or relative; None for javascript:, data: and the like."""
    if href is None:
        return None
    cleaned = _URL_JUNK_RE.sub("", href)
    if not cleaned:
        return None
    try:
        scheme = urlsplit(cleaned).scheme.lower()
    except ValueError:  # e.g. an unbalanced "[" in the host part
        return None
    return href.strip() if scheme in _SAFE_SCHEMES else None


def plain_headline(text: str) -> str:
    """Headline text as it will be stored: through MarkupBuilder so a literal "<a1>" stays harmless."""
    builder = MarkupBuilder()
    builder.text(clean_text(text))
    return builder.build()[0]


def split_headline(drafts: Sequence[Draft], title: str | None = None) -> tuple[str, list[Draft]]:
    """Pick the headline: the first level-1 heading, else `title`, else the first heading, else the
    first block. The block it came from leaves the body."""
    rest = list(drafts)
    index = _first(rest, lambda draft: draft.kind == "heading" and draft.level == 1)
    if index is None and title and title.strip():
        return plain_headline(title), rest
    if index is None:
        index = _first(rest, lambda draft: draft.kind == "heading")
    if index is None:
        index = 0 if rest else None
    if index is None:
        return "", rest
    # a span may end in a space ("<a1>The </a1>"): the headline is plain text, trimmed as any other
    return normalize_space(rest.pop(index).plain), rest


def _first(drafts: Sequence[Draft], wanted: Callable[[Draft], bool]) -> int | None:
    return next((index for index, draft in enumerate(drafts) if wanted(draft)), None)


def split_byline(drafts: Sequence[Draft]) -> tuple[str | None, list[Draft]]:
    """Take a byline such as `*By Jane Doe*` off the top of the body: a short paragraph that begins with
    "By " and is emphasised as a whole (an unemphasised "By Tuesday, …" is ordinary text)."""
    rest = list(drafts)
    if not rest:
        return None, rest
    first = rest[0]
    words = first.plain.split()
    if (
        first.kind == "paragraph"
        and first.plain.startswith("By ")
        and len(words) <= _MAX_BYLINE_WORDS
        and _WHOLLY_EMPHASISED_RE.fullmatch(first.text)
    ):
        return first.plain, rest[1:]
    return None, rest


def assemble(
    headline: str,
    drafts: Sequence[Draft],
    *,
    source_lang: str | None = None,
    standfirst: str | None = None,
    byline: str | None = None,
    dateline: str | None = None,
) -> Article:
    """The Article, blocks numbered in order with `block_id`."""
    blocks = [
        Block(
            id=block_id(index),
            kind=draft.kind,
            text=draft.text,
            marks=draft.marks,
            level=draft.level,
            ordered=draft.ordered,
            path=draft.path,
            src=draft.src,
        )
        for index, draft in enumerate(drafts)
    ]
    return Article(
        headline=headline,
        blocks=blocks,
        source_lang=source_lang,
        standfirst=standfirst,
        byline=byline,
        dateline=dateline,
    )
