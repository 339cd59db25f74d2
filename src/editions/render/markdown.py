"""Markdown editions (CommonMark): article text is escaped so it can only ever be text.

Every ASCII character that starts markup anywhere in a line (`\\ ` * _ [ ] < >`) is backslash-escaped,
entity-like `&…;` too, and a block that would start a heading, quote, list or rule gets its first
character escaped. Links keep only http(s), mailto and relative targets; others become plain text. An
image block (from HTML) is `![translated alt](src)`; its caption is a paragraph.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from editions.document import Edition, EditionBlock
from editions.render.inline import Run, clean, runs, safe_href
from editions.render.layout import group, heading_level, item_prefix

_SPECIAL_RE = re.compile(r"([\\`*_\[\]<>])")
_ENTITY_RE = re.compile(r"&(?=#?\w+;)")
_ORDERED_START_RE = re.compile(r"^(\d{1,9})([.)])")
_BLOCK_START = frozenset("#>+-=|~")
_TRAILING_HASHES_RE = re.compile(r"#+$")
_HREF_UNSAFE_RE = re.compile(r"[\s()<>\\`]")
_MARKERS = {"em": "*", "strong": "**"}


def render(editions: Sequence[Edition]) -> str:
    """All editions one after the other, separated by a blank line; ends with one newline."""
    body = "\n\n".join(_edition(edition) for edition in editions)
    return f"{body}\n" if body else ""


def escape(text: str) -> str:
    """Inline text that Markdown shows as written."""
    return _ENTITY_RE.sub(r"\\&", _SPECIAL_RE.sub(r"\\\1", text))


def guard_start(line: str) -> str:
    """Escape what would turn a line into a heading, quote, list, rule or table (and closing `#`s)."""
    line = _TRAILING_HASHES_RE.sub(lambda m: "\\#" * len(m.group(0)), line)
    ordered = _ORDERED_START_RE.match(line)
    if ordered:
        return f"{ordered.group(1)}\\{line[ordered.end(1) :]}"
    if line[:1] in _BLOCK_START:
        return f"\\{line}"
    return line


def _edition(edition: Edition) -> str:
    return "\n\n".join(_head(edition) + _body(edition.blocks))


def _head(edition: Edition) -> list[str]:
    source = f"Original ({escape(clean(edition.source_lang))})"
    head = [f"# {guard_start(escape(clean(edition.headline)))}"]
    head.append(f"> {source}: {escape(clean(edition.source_headline))}")
    standfirst = clean(edition.standfirst)
    if standfirst:
        head.append(_wrap(escape(standfirst), "*"))
    head += [guard_start(escape(clean(f))) for f in (edition.byline, edition.dateline) if clean(f)]
    return head


def _body(blocks: Sequence[EditionBlock]) -> list[str]:
    # A list is one tight run of lines; its items are numbered by their place in the run.
    return ["\n".join(_block(b, n) for n, b in enumerate(run, start=1)) for run in group(blocks)]


def _block(block: EditionBlock, number: int) -> str:
    text = guard_start(inline(runs(block.text, block.marks)))
    src = safe_href(block.src) if block.kind == "image" else None
    if src:
        return f"![{escape(clean(block.text))}]({_destination(src)})"  # the alt text, translated
    if block.kind == "heading":
        return f"{'#' * heading_level(block)} {text}"
    if block.kind == "quote":
        return f"> {text}"
    return item_prefix(block, number) + text


def inline(parts: Sequence[Run]) -> str:
    return "".join(_run(part) for part in parts)


def _run(part: Run) -> str:
    text = escape(part.text)
    if part.kind == "link" and part.href:
        return f"[{text}]({_destination(part.href)})"
    marker = _MARKERS.get(part.kind or "")
    return _wrap(text, marker) if marker else text


def _wrap(text: str, marker: str) -> str:
    """`marker` around the text, with surrounding spaces kept outside (CommonMark needs that)."""
    core = text.strip()
    if not core:
        return text
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()) :]
    return f"{lead}{marker}{core}{marker}{trail}"


def _destination(href: str) -> str:
    """A link target that cannot end the `( )` early or be read as an entity."""
    encoded = _HREF_UNSAFE_RE.sub(lambda m: "".join(f"%{b:02X}" for b in m.group(0).encode()), href)
    return _ENTITY_RE.sub(r"\\&", encoded)
