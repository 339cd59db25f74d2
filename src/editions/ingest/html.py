"""HTML articles: whole web pages through trafilatura's main-text extraction, fragments through our walk.

A saved news page is mostly not the article (menus, cookie banners, "most read", footers), so a full
page goes through trafilatura, whose XML we turn into blocks. Trafilatura is tuned for pages; on a
short page or a CMS fragment (`<h1>…</h1><p>…</p>`) it merges or drops paragraphs, so those, and any
page where it finds less text than its own minimum, are read by walking the lxml tree ourselves.

Either way `script`, `style`, `noscript`, `template`, `iframe`, `nav` and `footer` contents are ignored
(our walk also skips `aside`, forms, media, hidden elements and cookie/share/newsletter boxes), links
keep only http(s), mailto and relative targets (a `javascript:` link keeps its text, not its href),
and inline `a`/`em`/`i`/`strong`/`b` become placeholder marks.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

import lxml.etree
import lxml.html

from editions.document import Article, BlockKind, MarkKind, MarkupBuilder, normalize_space
from editions.ingest.draft import Draft, assemble, safe_href, split_byline, split_headline

logger = logging.getLogger(__name__)

# Trafilatura's own MIN_EXTRACTED_SIZE: below it, its result is a guess and our walk does better.
_MIN_EXTRACTED_CHARS = 250
_FULL_PAGE_RE = re.compile(r"<(!doctype|html|body)\b", re.IGNORECASE)
_XML_DECLARATION_RE = re.compile(r"^\s*<\?xml[^>]*\?>")
# Only unambiguous names: a container wrongly skipped here would lose the whole article.
_NOISE_RE = re.compile(
    r"(?:^|[\s_-])(cookies?|consent|gdpr|newsletter|share|sharing|advert|ads?)(?:$|[\s_-])", re.IGNORECASE
)
_NEVER_NOISE = frozenset({"html", "body", "main", "article"})
_HIDDEN_STYLE_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)

Element = lxml.etree._Element


@dataclass(frozen=True)
class _Role:
    """How a block-level element shapes the blocks under it. `kind=None`: a plain container."""

    kind: BlockKind | None = None
    level: int | None = None
    ordered: bool | None = None  # set by ul/ol: numbering of the items below


@dataclass(frozen=True)
class _Context:
    kind: BlockKind = "paragraph"  # what loose text and <p> become here: quote inside a blockquote …
    ordered: bool = False


@dataclass(frozen=True)
class _Dialect:
    """Tag vocabulary of one tree: browser HTML or trafilatura's XML."""

    role: Callable[[Element], _Role | None]  # None: inline content
    mark: Callable[[Element], tuple[MarkKind, str | None] | None]
    skip: Callable[[Element], bool]
    spaced: frozenset[str]  # inline elements that separate words: <br>, table cells


def parse_html(text: str) -> Article:
    text = _XML_DECLARATION_RE.sub("", text)  # lxml refuses a str that declares its own encoding
    if _FULL_PAGE_RE.search(text[:4096]):
        article = _from_trafilatura(text)
        if article is not None:
            return article
    return _from_walk(text)


def fragment_drafts(text: str) -> list[Draft]:
    """Blocks of an HTML fragment (also used for raw HTML inside Markdown)."""
    root = _parse_document(text)
    return [] if root is None else _walk(root, _HTML)


# -- full pages: trafilatura ---------------------------------------------------------------------


def _from_trafilatura(text: str) -> Article | None:
    root = _extract(text)
    if root is None:
        return None
    drafts = _walk(root, _XML)
    if sum(len(draft.plain) for draft in drafts) < _MIN_EXTRACTED_CHARS:
        return None
    headline, drafts = split_headline(drafts, root.get("title"))
    found_byline, drafts = split_byline(drafts)
    return assemble(headline, drafts, byline=root.get("author") or found_byline)


def _extract(text: str) -> Element | None:
    import trafilatura  # heavy import (htmldate, justext …): only when a page is actually read

    try:
        xml = trafilatura.extract(
            text,
            output_format="xml",
            with_metadata=True,
            include_links=True,
            include_formatting=True,
            include_comments=False,
            include_images=False,
            include_tables=True,
            deduplicate=False,
        )
    except Exception:
        # Trafilatura is a heuristic over arbitrary pages; when it fails we still have our own walk.
        logger.debug("trafilatura failed; reading the page directly", exc_info=True)
        return None
    if not xml:
        return None
    parser = lxml.etree.XMLParser(recover=True, resolve_entities=False, no_network=True)
    root: Element | None = lxml.etree.fromstring(xml.encode("utf-8"), parser)
    return root  # None when even a recovering parser finds no element


_XML_KINDS: dict[str, BlockKind] = {
    "p": "paragraph",
    "quote": "quote",
    "item": "list_item",
    "row": "paragraph",
}
_XML_EMPHASIS: dict[str, MarkKind] = {"#i": "em", "#b": "strong"}


def _xml_role(el: Element) -> _Role | None:
    tag = el.tag
    if tag == "head":
        rend = str(el.get("rend") or "h2")
        return _Role("heading", level=int(rend[1]) if re.fullmatch(r"h[1-6]", rend) else 2)
    if tag == "list":
        return _Role(ordered=el.get("rend") == "ol")
    if tag in _XML_KINDS:
        return _Role(_XML_KINDS[str(tag)])
    return _Role() if tag in {"doc", "main", "div", "table", "figure"} else None


def _xml_mark(el: Element) -> tuple[MarkKind, str | None] | None:
    if el.tag == "ref":
        href = safe_href(el.get("target"))
        return None if href is None else ("link", href)
    kind = _XML_EMPHASIS.get(str(el.get("rend"))) if el.tag == "hi" else None
    return None if kind is None else (kind, None)


_XML = _Dialect(
    role=_xml_role,
    mark=_xml_mark,
    skip=lambda el: el.tag in {"comments", "graphic", "fw", "note"},
    spaced=frozenset({"lb", "cell"}),
)


# -- fragments and short pages: our own walk -----------------------------------------------------

_SKIP_TAGS = frozenset(
    {
        *("script", "style", "noscript", "template", "iframe", "nav", "footer", "head", "aside"),
        *("form", "button", "select", "textarea", "input", "dialog"),
        *("svg", "math", "canvas", "object", "embed", "audio", "video", "img", "picture"),
    }
)
_HTML_KINDS: dict[str, BlockKind] = {
    "p": "paragraph",
    "blockquote": "quote",
    "li": "list_item",
    "dt": "paragraph",
    "dd": "paragraph",
    "figcaption": "paragraph",
    "caption": "paragraph",
    "pre": "paragraph",
    "tr": "paragraph",
    "address": "paragraph",
}
_INLINE_TAGS = frozenset(
    {
        *("a", "abbr", "b", "bdi", "bdo", "big", "cite", "code", "data", "del", "dfn", "em", "font", "i"),
        *("ins", "kbd", "label", "mark", "q", "s", "samp", "small", "span", "strike", "strong", "sub"),
        *("sup", "time", "tt", "u", "var", "wbr", "br", "td", "th"),
    }
)


def _from_walk(text: str) -> Article:
    root = _parse_document(text)
    if root is None:
        return assemble("", [])
    headline, drafts = split_headline(_walk(root, _HTML), _page_title(root))
    byline, drafts = split_byline(drafts)
    return assemble(headline, drafts, byline=byline)


def _parse_document(text: str) -> Element | None:
    # also here: raw HTML in Markdown reaches lxml through fragment_drafts, declaration and all
    text = _XML_DECLARATION_RE.sub("", text)
    try:
        return lxml.html.document_fromstring(text)
    except lxml.etree.ParserError:  # "Document is empty": only comments or whitespace
        return None


def _page_title(root: Element) -> str | None:
    title = root.find(".//title")
    if title is None or not title.text:
        return None
    # "Headline | The Gazette": the site name is not part of the headline.
    return normalize_space(title.text).rsplit(" | ", 1)[0]


def _html_role(el: Element) -> _Role | None:
    tag = str(el.tag).lower()
    if re.fullmatch(r"h[1-6]", tag):
        return _Role("heading", level=int(tag[1]))
    if tag in {"ul", "ol", "menu"}:
        return _Role(ordered=tag == "ol")
    if tag in _HTML_KINDS:
        return _Role(_HTML_KINDS[tag])
    return None if tag in _INLINE_TAGS else _Role()


def _html_mark(el: Element) -> tuple[MarkKind, str | None] | None:
    tag = str(el.tag).lower()
    if tag == "a":
        href = safe_href(el.get("href"))
        return None if href is None else ("link", href)
    if tag in {"em", "i"}:
        return ("em", None)
    if tag in {"strong", "b"}:
        return ("strong", None)
    return None


def _html_skip(el: Element) -> bool:
    if str(el.tag).lower() in _SKIP_TAGS or el.get("hidden") is not None:
        return True
    if el.get("aria-hidden") == "true" or _HIDDEN_STYLE_RE.search(el.get("style") or ""):
        return True
    if str(el.tag).lower() in _NEVER_NOISE:
        return False
    # Cookie banners, share bars, newsletter boxes: named so in class/id on nearly every site.
    return bool(_NOISE_RE.search(f"{el.get('class') or ''} {el.get('id') or ''}"))


_HTML = _Dialect(role=_html_role, mark=_html_mark, skip=_html_skip, spaced=frozenset({"br", "td", "th"}))


# -- the walk both share ---------------------------------------------------------------------------


def _walk(root: Element, dialect: _Dialect) -> list[Draft]:
    drafts: list[Draft] = []
    _Walker(dialect, drafts).block(root, _Context())
    return drafts


@dataclass
class _Walker:
    dialect: _Dialect
    drafts: list[Draft]

    def block(self, el: Element, context: _Context) -> None:
        """Emit the blocks of a block-level element: its own inline runs, then nested blocks in order."""
        role = self.dialect.role(el) or _Role()
        context = _enter(role, context)
        kind = role.kind if role.kind == "heading" else context.kind
        builder = MarkupBuilder()
        builder.text(el.text or "")
        for child in el:
            if self._is_block(child):
                self._flush(builder, kind, role.level, context)
                builder = MarkupBuilder()
                self.block(child, context)
            else:
                self.inline(child, builder)
            builder.text(child.tail or "")
        self._flush(builder, kind, role.level, context)

    def inline(self, el: Element, builder: MarkupBuilder) -> None:
        if not isinstance(el.tag, str) or self.dialect.skip(el):
            return  # comments, processing instructions, scripts: their tail is the caller's
        mark = self.dialect.mark(el)
        name = builder.open(*mark) if mark else None
        builder.text(el.text or "")
        for child in el:
            self.inline(child, builder)  # a block inside an inline element is flattened into it
            builder.text(child.tail or "")
        if name:
            builder.close(name)
        if el.tag in self.dialect.spaced:
            builder.text(" ")

    def _is_block(self, el: Element) -> bool:
        return isinstance(el.tag, str) and not self.dialect.skip(el) and self.dialect.role(el) is not None

    def _flush(self, builder: MarkupBuilder, kind: BlockKind, level: int | None, context: _Context) -> None:
        draft = Draft.from_builder(
            builder,
            kind,
            level=level if kind == "heading" else None,
            ordered=context.ordered and kind == "list_item",
        )
        if draft is not None:
            self.drafts.append(draft)


def _enter(role: _Role, context: _Context) -> _Context:
    if role.ordered is not None:
        context = replace(context, ordered=role.ordered)
    if role.kind in ("quote", "list_item"):
        context = replace(context, kind=role.kind)
    return context
