"""Which reader an input needs: from an explicit option, the file extension, or a look at the text."""

from __future__ import annotations

import re
from pathlib import PurePath

from editions.errors import UsageError

FORMATS = ("text", "md", "html", "json")

_ALIASES = {
    "text": "text",
    "txt": "text",
    "plain": "text",
    "md": "md",
    "markdown": "md",
    "html": "html",
    "htm": "html",
    "json": "json",
}
_EXTENSIONS = {
    ".txt": "text",
    ".text": "text",
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".json": "json",
}

_HTML_START_RE = re.compile(
    r"<(!doctype|html|head|body|article|main|section|div|p|h[1-6]|ul|ol|table|meta|title)\b", re.IGNORECASE
)
_HTML_CLOSE_RE = re.compile(r"</(p|div|h[1-6]|li|a|em|strong|span|article|section)>", re.IGNORECASE)
_MD_HEADING_RE = re.compile(r"^#{1,6}[ \t]+\S", re.MULTILINE)
_MD_LINK_RE = re.compile(r"\[[^\]\n]+\]\([^)\s]+[^)]*\)")
_SNIFF_CHARS = 4096


def normalize_format(fmt: str) -> str:
    """`"Markdown"` → `"md"`; an unknown name is a usage error that lists the known ones."""
    try:
        return _ALIASES[fmt.strip().lower()]
    except KeyError:
        raise UsageError(f"unknown format {fmt!r}; known: {', '.join(FORMATS)}") from None


def format_from_name(name: str | None) -> str | None:
    if not name:
        return None
    return _EXTENSIONS.get(PurePath(name).suffix.lower())


def detect_format(name: str | None, text: str) -> str:
    """The reader for `text`: by the extension of `name` when it is a known one, else by sniffing."""
    return format_from_name(name) or sniff_format(text)


def sniff_format(text: str) -> str:
    head = text[:_SNIFF_CHARS].lstrip()
    if head.startswith("{"):
        return "json"
    if _HTML_START_RE.match(head) or len(_HTML_CLOSE_RE.findall(head)) >= 2:
        return "html"
    if _MD_HEADING_RE.search(head) or _MD_LINK_RE.search(head):
        return "md"
    return "text"
