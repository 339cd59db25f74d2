"""The HTML round-trip corpus (tests/fixtures/html/) through ingest → pipeline → HTML, and what the
source says its output must keep: written from the source markup with lxml, not from our reader.

The engine is `FakeEngine` answering each segment in capitals with its placeholder tags untouched, so
the text inside every inline element of the output can be checked against the source's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import lxml.html
from lxml.html import HtmlElement

from editions.document import PLACEHOLDER_RE, Edition
from editions.engines.base import Engine, TranslationRequest
from editions.ingest.read import read_article
from editions.pipeline import Pipeline
from editions.render import render_edition

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "html"
FILES = sorted(path.name for path in CORPUS.glob("*.html"))

# The block elements the round trip keeps, and the inline ones (source tag → output tag).
STRUCTURAL = (
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "p",
    "blockquote",
    "ul",
    "ol",
    "li",
    "figure",
    "figcaption",
    "img",
)
INLINE = {"a": "a", "em": "em", "i": "em", "strong": "strong", "b": "strong", "q": "q", "abbr": "abbr"}
INLINE.update({"cite": "cite", "code": "code"})
# What the source may have that the output must never carry.
_DROPPED = ("script", "style", "iframe", "nav", "noscript", "template", "object", "embed")


def capitals(request: TranslationRequest, _attempt: int) -> str:
    """The segment in capitals, its placeholder tags as they were (so spans stay where they were)."""
    out, pos = [], 0
    for match in PLACEHOLDER_RE.finditer(request.text):
        out += [request.text[pos : match.start()].upper(), match.group(0)]
        pos = match.end()
    return "".join([*out, request.text[pos:].upper()])


@dataclass
class RoundTrip:
    name: str
    source: HtmlElement  # the source's article: its <article> element, or the fragment's body
    edition: Edition
    html: str
    page: HtmlElement  # the output's <article> element

    @property
    def full_page(self) -> bool:
        return self.source.tag == "article"


def round_trip(name: str, engine: Engine) -> RoundTrip:
    """`name` read, translated into French by `engine` (a FakeEngine answering with `capitals`) and
    rendered as HTML."""
    path = CORPUS / name
    article = read_article(path, source_lang="en")
    [edition] = Pipeline(engine).translate(article, "fr")
    html = render_edition(edition, "html")
    document = lxml.html.document_fromstring(path.read_text(encoding="utf-8"))
    articles = document.findall(".//article")
    source = articles[0] if articles else document.find("body")
    assert source is not None
    output = lxml.html.document_fromstring(html)
    [page] = output.findall(".//body/article")
    return RoundTrip(name, source, edition, html, page)


def norm(text: str) -> str:
    return " ".join(text.split())


def safe_href(href: str | None) -> bool:
    return href is not None and not re.match(r"^\s*(javascript|data|vbscript):", href, re.IGNORECASE)


def kept_image(img: HtmlElement) -> bool:
    """An image with alt text and a src that is not a script: the ones the output must show."""
    return bool(norm(img.get("alt") or "")) and safe_href(img.get("src"))


def dropped(el: HtmlElement) -> bool:
    """Inside what a reader leaves out (scripts, frames, a page footer) or an image it cannot show."""
    for node in [el, *el.iterancestors()]:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in _DROPPED or (tag == "footer" and not _attribution(node)):
            return True
    return el.tag == "img" and not kept_image(el)


def _attribution(footer: HtmlElement) -> bool:
    return any(node.tag in ("blockquote", "figure") for node in footer.iterancestors())


def headline_element(source: HtmlElement) -> HtmlElement:
    """The element the headline comes from: the first h1, else the first heading."""
    for tags in (("h1",), ("h1", "h2", "h3", "h4", "h5", "h6")):
        found = [el for el in source.iter(*tags) if not dropped(el)]
        if found:
            return found[0]
    raise AssertionError("the corpus file has no heading")


def structure(root: HtmlElement, skip: HtmlElement | None = None) -> list[str]:
    """The block elements in document order (a source footer in a blockquote counts as one)."""
    tags = (*STRUCTURAL, "footer")
    return [el.tag for el in root.iter(*tags) if el is not skip and not dropped(el)]
