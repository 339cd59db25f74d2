"""Block text as a list of inline runs, with link targets checked once for every format.

Renderers never look at placeholder tags or raw hrefs themselves: they get `Run`s whose text is
plain (tags removed, whitespace collapsed) and whose `href` is either safe to emit or absent. The HTML
renderer, which can nest (a link with emphasis inside, an abbreviation inside a quotation), gets a
tree of `Span`s from `tree` instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from editions.document import PLACEHOLDER_RE, Mark, MarkKind, plain_text, spans

SAFE_SCHEMES = frozenset({"http", "https", "mailto"})

_SCHEME_RE = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
# Browsers drop tabs and newlines inside a URL, so "java\nscript:" would still run: refuse them all.
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")
_SPACE_RE = re.compile(r"\s+")


@dataclass(frozen=True)
class Run:
    """A stretch of inline text: plain (`kind=None`), emphasised, strong, or a link with a safe href."""

    text: str
    kind: MarkKind | None = None
    href: str | None = None


def safe_href(href: str | None) -> str | None:
    """`href` if it is http(s), mailto or relative; `None` for anything else (javascript:, data: …)."""
    if href is None:
        return None
    cleaned = href.strip()
    if not cleaned or _CONTROL_RE.search(cleaned):
        return None
    scheme = _SCHEME_RE.match(cleaned)
    if scheme and scheme.group(1).lower() not in SAFE_SCHEMES:
        return None
    return cleaned


def one_line(text: str) -> str:
    """Whitespace runs (newlines included) become one space, so a block stays one paragraph."""
    return _SPACE_RE.sub(" ", text)


def clean(text: str | None) -> str:
    """A headline-like field as plain, single-line text ('' for None)."""
    return one_line(plain_text(text or "")).strip()


def runs(text: str, marks: dict[str, Mark]) -> list[Run]:
    """Split placeholder text into runs; spans without a known mark or a safe link become plain."""
    out: list[Run] = []
    for name, segment in spans(one_line(text).strip()):
        if segment:
            out.append(_run(segment, marks.get(name)))
    return out


def _run(segment: str, mark: Mark | None) -> Run:
    if mark is None:
        return Run(segment)
    if mark.kind != "link":
        return Run(segment, mark.kind)
    href = safe_href(mark.href)
    return Run(segment, "link", href) if href else Run(segment)


@dataclass(frozen=True)
class Span:
    """An inline element and what it holds: text and nested spans, in order. `kind=None`: a span
    shown as its content only (an unknown mark, a link whose target is not safe)."""

    kind: MarkKind | None
    children: tuple[Node, ...]
    href: str | None = None  # a link's safe target
    title: str | None = None  # an abbreviation's expansion


Node = str | Span


def tree(text: str, marks: dict[str, Mark]) -> list[Node]:
    """Placeholder text as nested spans. Tags without a mark are dropped (their words stay), a span
    closed out of order closes the ones opened inside it, and empty spans are left out."""
    text = one_line(text).strip()
    stack: list[tuple[str | None, list[Node]]] = [(None, [])]
    pos = 0
    for match in PLACEHOLDER_RE.finditer(text):
        if match.start() > pos:
            stack[-1][1].append(text[pos : match.start()])
        pos = match.end()
        name = f"{match.group(1)}{match.group(2)}"
        open_names = [entry[0] for entry in stack]
        if not match.group(0).startswith("</"):
            if name in marks and name not in open_names:
                stack.append((name, []))
        elif name in open_names:
            while stack[-1][0] != name:
                _close(stack, marks)
            _close(stack, marks)
    if pos < len(text):
        stack[-1][1].append(text[pos:])
    while len(stack) > 1:
        _close(stack, marks)
    return stack[0][1]


def _close(stack: list[tuple[str | None, list[Node]]], marks: dict[str, Mark]) -> None:
    name, children = stack.pop()
    if not "".join(_texts(children)).strip():
        stack[-1][1].extend(children)  # an empty span: nothing to show, its spaces stay
        return
    mark = marks[name] if name is not None else None
    kind: MarkKind | None = None if mark is None else mark.kind
    href = safe_href(mark.href) if mark is not None and mark.kind == "link" else None
    if kind == "link" and href is None:
        kind = None
    title = one_line(mark.title).strip() or None if mark is not None and mark.title else None
    stack[-1][1].append(Span(kind, tuple(children), href=href, title=title))


def _texts(nodes: tuple[Node, ...] | list[Node]) -> list[str]:
    out: list[str] = []
    for node in nodes:
        out += [node] if isinstance(node, str) else _texts(node.children)
    return out


def tree_text(nodes: tuple[Node, ...] | list[Node]) -> str:
    """The plain text of a tree (what a reader sees, less the browser's quotation marks)."""
    return "".join(_texts(nodes))
