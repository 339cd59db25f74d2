"""HTML articles: whole web pages through trafilatura's main-text extraction, fragments through our walk.

A saved news page is mostly not the article (menus, cookie banners, "most read", footers), so a full
page goes through trafilatura, whose XML we turn into blocks. Trafilatura is tuned for pages; on a
short page or a CMS fragment (`<h1>…</h1><p>…</p>`) it merges or drops paragraphs, so those, and any
page where it finds less text than its own minimum, are read by walking the lxml tree ourselves. A
page that marks its story as one `<article>` element is read by our walk over that element: the CMS
has said where the article is, and trafilatura's XML would drop its `<q>`, `<abbr>`, figures and
nested structure.

Either way `script`, `style`, `noscript`, `template`, `iframe`, `nav` and `footer` contents are ignored
(our walk also skips `aside`, forms, media, hidden elements and cookie/share/newsletter boxes; a
`footer` inside a blockquote or figure is its attribution and is kept), links keep only http(s),
mailto and relative targets (a `javascript:` link keeps its text, not its href), and inline
`a`/`em`/`i`/`strong`/`b`/`q`/`abbr`/`cite`/`code` become placeholder marks (an abbr keeps its title).
Our walk also reads images: an `<img>` with alt text and a safe src becomes an "image" block (the alt
text is translated, the src kept aside like an href) and a `<figcaption>` a "caption" block. Every
block records the structural elements around it (`Block.path`) so the HTML renderer can rebuild them.
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
_BYLINE_CLASS_RE = re.compile(r"(?:^|\s)byline(?:$|\s)", re.IGNORECASE)
_BY_RE = re.compile(r"^by\s+", re.IGNORECASE)
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


# (kind, href, title) of an inline element that becomes a placeholder mark
_MarkSpec = tuple[MarkKind, str | None, str | None]


@dataclass(frozen=True)
class _Dialect:
    """Tag vocabulary of one tree: browser HTML or trafilatura's XML."""

    role: Callable[[Element], _Role | None]  # None: inline content
    mark: Callable[[Element], _MarkSpec | None]
    skip: Callable[[Element], bool]
    spaced: frozenset[str]  # inline elements that separate words: <br>, table cells
    # the HTML element a block-level element stands for in Block.path (None: not kept, e.g. a div)
    element: Callable[[Element], str | None] = lambda el: None
    # (alt text, safe src) of an image element; None for anything else
    image: Callable[[Element], tuple[str, str] | None] = lambda el: None


def parse_html(text: str) -> Article:
    text = _XML_DECLARATION_RE.sub("", text)  # lxml refuses a str that declares its own encoding
    if _FULL_PAGE_RE.search(text[:4096]):
        article = _from_article_element(text)
        if article is not None:
            return article
        article = _from_trafilatura(text)
        if article is not None:
            return article
    return _from_walk(text)


def fragment_drafts(text: str, element_prefix: str = "") -> list[Draft]:
    """Blocks of an HTML fragment (also used for raw HTML inside Markdown: each of its HTML blocks
    gives its own `element_prefix`, so two of them never share a path entry)."""
    root = _parse_document(text)
    return [] if root is None else _walk(root, _HTML, element_prefix)


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


def _xml_mark(el: Element) -> _MarkSpec | None:
    if el.tag == "ref":
        href = safe_href(el.get("target"))
        return None if href is None else ("link", href, None)
    kind = _XML_EMPHASIS.get(str(el.get("rend"))) if el.tag == "hi" else None
    return None if kind is None else (kind, None, None)


def _xml_element(el: Element) -> str | None:
    role = _xml_role(el)
    if role is None:
        return None
    if role.kind == "heading":
        return f"h{role.level}"
    if el.tag == "list":
        return "ol" if role.ordered else "ul"
    return {"p": "p", "quote": "blockquote", "item": "li"}.get(str(el.tag))


_XML = _Dialect(
    role=_xml_role,
    mark=_xml_mark,
    skip=lambda el: el.tag in {"comments", "graphic", "fw", "note"},
    spaced=frozenset({"lb", "cell"}),
    element=_xml_element,
)


# -- fragments and short pages: our own walk -----------------------------------------------------

_SKIP_TAGS = frozenset(
    {
        *("script", "style", "noscript", "template", "iframe", "nav", "footer", "head", "aside"),
        *("form", "button", "select", "textarea", "input", "dialog"),
        *("svg", "math", "canvas", "object", "embed", "audio", "video"),
    }
)
# Block-level elements the HTML renderer rebuilds (Block.path); others (div, section …) are not kept.
_STRUCTURAL = frozenset(
    {
        *("h1", "h2", "h3", "h4", "h5", "h6", "p", "blockquote", "ul", "ol", "li"),
        *("figure", "figcaption", "img", "footer", "dl", "dt", "dd", "pre"),
    }
)
# A footer there is the quote's or the picture's attribution, not the page's footer.
_ATTRIBUTION_PARENTS = frozenset({"blockquote", "figure"})
_HTML_KINDS: dict[str, BlockKind] = {
    "p": "paragraph",
    "blockquote": "quote",
    "li": "list_item",
    "dt": "paragraph",
    "dd": "paragraph",
    "figcaption": "caption",
    "footer": "paragraph",
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


def _from_article_element(text: str) -> Article | None:
    """The page's one `<article>` element, walked by us; None when there is not exactly one with text."""
    root = _parse_document(text)
    if root is None:
        return None
    found = [el for el in root.iter("article") if not any(a.tag == "article" for a in el.iterancestors())]
    if len(found) != 1 or _html_skip(found[0]):
        return None
    marked_byline = _take_byline(found[0])
    drafts = _walk(found[0], _HTML)
    if sum(len(draft.plain) for draft in drafts) < _MIN_EXTRACTED_CHARS:
        return None
    headline, drafts = split_headline(drafts, _page_title(root))
    byline, drafts = split_byline(drafts)
    return assemble(headline, drafts, byline=marked_byline or byline)


def _take_byline(article: Element) -> str | None:
    """The text of the element the CMS marked as the byline (class "byline"), taken out of the tree."""
    for el in article.iter():
        if isinstance(el.tag, str) and _BYLINE_CLASS_RE.search(el.get("class") or ""):
            text = _BY_RE.sub("", normalize_space("".join(str(t) for t in el.itertext())))
            _remove_keeping_tail(el)
            return text or None
    return None


def _remove_keeping_tail(el: Element) -> None:
    """Take `el` out of its tree; the text after it stays where it was."""
    parent = el.getparent()
    if parent is None:
        return
    tail, previous = el.tail or "", el.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(el)


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
    if tag == "img":
        return _Role("image")
    if tag in _HTML_KINDS:
        return _Role(_HTML_KINDS[tag])
    return None if tag in _INLINE_TAGS else _Role()


_HTML_MARKS: dict[str, MarkKind] = {
    **{"em": "em", "i": "em", "strong": "strong", "b": "strong"},
    **{"q": "q", "abbr": "abbr", "cite": "cite", "code": "code"},
}


def _html_mark(el: Element) -> _MarkSpec | None:
    tag = str(el.tag).lower()
    if tag == "a":
        href = safe_href(el.get("href"))
        return None if href is None else ("link", href, None)
    kind = _HTML_MARKS.get(tag)
    if kind is None:
        return None
    title = normalize_space(el.get("title") or "") if kind == "abbr" else ""
    return (kind, None, title or None)


def _html_element(el: Element) -> str | None:
    tag = str(el.tag).lower()
    return "ul" if tag == "menu" else tag if tag in _STRUCTURAL else None


def _html_image(el: Element) -> tuple[str, str] | None:
    if str(el.tag).lower() != "img":
        return None
    alt, src = normalize_space(el.get("alt") or ""), safe_href(el.get("src"))
    return (alt, src) if alt and src else None


def _html_skip(el: Element) -> bool:
    tag = str(el.tag).lower()
    if tag == "img":
        return _html_image(el) is None  # no alt text to translate, or a src we do not pass on
    attribution = tag == "footer" and _in_attribution_parent(el)
    if (tag in _SKIP_TAGS and not attribution) or el.get("hidden") is not None:
        return True
    if el.get("aria-hidden") == "true" or _HIDDEN_STYLE_RE.search(el.get("style") or ""):
        return True
    if str(el.tag).lower() in _NEVER_NOISE:
        return False
    # Cookie banners, share bars, newsletter boxes: named so in class/id on nearly every site.
    return bool(_NOISE_RE.search(f"{el.get('class') or ''} {el.get('id') or ''}"))


def _in_attribution_parent(el: Element) -> bool:
    return any(str(a.tag).lower() in _ATTRIBUTION_PARENTS for a in el.iterancestors())


_HTML = _Dialect(
    role=_html_role,
    mark=_html_mark,
    skip=_html_skip,
    spaced=frozenset({"br", "td", "th"}),
    element=_html_element,
    image=_html_image,
)


# -- the walk both share ---------------------------------------------------------------------------


def _walk(root: Element, dialect: _Dialect, element_prefix: str = "") -> list[Draft]:
    drafts: list[Draft] = []
    _Walker(dialect, drafts, element_prefix).block(root, _Context(), [])
    return drafts


@dataclass
class _Walker:
    dialect: _Dialect
    drafts: list[Draft]
    element_prefix: str = ""
    elements: int = 0  # structural elements seen so far: numbers the entries of Block.path

    def block(self, el: Element, context: _Context, path: list[str]) -> None:
        """Emit the blocks of a block-level element: its own inline runs, then nested blocks in order."""
        role = self.dialect.role(el) or _Role()
        context = _enter(role, context)
        element = self.dialect.element(el)
        if element is not None:
            self.elements += 1
            path = [*path, f"{element}.{self.element_prefix}{self.elements}"]
        image = self.dialect.image(el)
        if image is not None:
            builder = MarkupBuilder()
            builder.text(image[0])
            self._flush(builder, "image", None, context, path, src=image[1])
            return
        kind = role.kind if role.kind == "heading" else context.kind
        builder = MarkupBuilder()
        builder.text(el.text or "")
        for child in el:
            if self._is_block(child):
                self._flush(builder, kind, role.level, context, path)
                builder = MarkupBuilder()
                self.block(child, context, path)
            else:
                self.inline(child, builder)
            builder.text(child.tail or "")
        self._flush(builder, kind, role.level, context, path)

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

    def _flush(
        self,
        builder: MarkupBuilder,
        kind: BlockKind,
        level: int | None,
        context: _Context,
        path: list[str],
        src: str | None = None,
    ) -> None:
        draft = Draft.from_builder(
            builder,
            kind,
            level=level if kind == "heading" else None,
            ordered=context.ordered and kind == "list_item",
            path=path,
            src=src,
        )
        if draft is not None:
            self.drafts.append(draft)


def _enter(role: _Role, context: _Context) -> _Context:
    if role.ordered is not None:
        context = replace(context, ordered=role.ordered)
    if role.kind in ("quote", "list_item", "caption"):
        context = replace(context, kind=role.kind)
    return context
