"""Block text as a list of inline runs, with link targets checked once for every format.

Renderers never look at placeholder tags or raw hrefs themselves: they get `Run`s whose text is
plain (tags removed, whitespace collapsed) and whose `href` is either safe to emit or absent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from editions.document import Mark, MarkKind, plain_text, spans

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
