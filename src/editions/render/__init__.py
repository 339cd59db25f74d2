"""Editions out as text, Markdown, HTML or JSON.

    render_edition(edition, "html")      one edition, one document
    render_editions(editions, "text")    every language one after the other (the stdout form)

Every format ends with a single newline. Text shows no URLs; Markdown and HTML escape all article text
and keep only http(s), mailto and relative links.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from editions.document import Edition
from editions.errors import UsageError
from editions.render import html, jsonfmt, markdown, text

__all__ = ["EXTENSIONS", "FORMATS", "render_edition", "render_editions"]

FORMATS = ("text", "md", "html", "json")
EXTENSIONS = {"text": "txt", "md": "md", "html": "html", "json": "json"}

_RENDERERS: dict[str, Callable[[Sequence[Edition]], str]] = {
    "text": text.render,
    "md": markdown.render,
    "html": html.render,
    "json": jsonfmt.render,
}


def render_edition(edition: Edition, fmt: str) -> str:
    """One edition as a complete document in format `fmt`."""
    return render_editions([edition], fmt)


def render_editions(editions: Sequence[Edition], fmt: str) -> str:
    """All editions in one document: text/md one after the other, html one page, json one list."""
    return _renderer(fmt)(editions)


def _renderer(fmt: str) -> Callable[[Sequence[Edition]], str]:
    try:
        return _RENDERERS[fmt]
    except KeyError:
        raise UsageError(f"unknown format {fmt!r}; choose text, md, html or json") from None
