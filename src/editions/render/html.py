"""Standalone HTML5 pages: one self-contained document, no scripts, no external resources.

All article text and every attribute value goes through `html.escape(quote=True)`; links keep only
http(s), mailto and relative targets and carry `rel="noopener noreferrer"`. Each body element carries
`data-block="<source block id>"` so a reviewer (or a test) can line it up with the source article.
Inline spans nest as the source nested them: a, em, strong, q, abbr (with its title), cite, code.

An edition of an HTML source (its blocks carry `path`) takes the source's shape: the same block
elements in the same order (h2–h6, p, blockquote, ul/ol/li nested, figure/img/figcaption, dl, pre),
images with their src and translated alt. Its `<article>` then holds the headline as `<h1>` and the
source's elements only; the provenance goes into the article's `data-provenance` attribute, not into
a footer the source did not have. Element names come from a fixed list, never from the source's
markup, and no source attribute but an image's src (checked like an href) is carried over.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape

from editions.document import Edition, EditionBlock
from editions.render.inline import Node, Run, Span, clean, safe_href, tree, tree_text
from editions.render.layout import group, heading_level, item_numbers

_CSS = """\
body{font:17px/1.55 Georgia,serif;max-width:42em;margin:2em auto;padding:0 1em;color:#222}
article+article{border-top:1px solid #ccc;margin-top:3em;padding-top:1em}
.original-headline{color:#666;font-style:italic}
.standfirst{font-size:1.1em;font-weight:bold}
.byline,.dateline{color:#555}
blockquote{border-left:3px solid #ccc;margin-left:0;padding-left:1em}
article>footer{color:#888;font:12px/1.4 monospace;margin-top:2em;word-break:break-all}"""

_TAGS = {"em": "em", "strong": "strong", "q": "q", "abbr": "abbr", "cite": "cite", "code": "code"}
# Block elements a source-shaped edition may rebuild (the readers' Block.path), and the void one.
_STRUCTURAL = frozenset(
    {
        *("h2", "h3", "h4", "h5", "h6", "p", "blockquote", "ul", "ol", "li"),
        *("figure", "figcaption", "img", "footer", "dl", "dt", "dd", "pre"),
    }
)
_PATH_ENTRY_RE = re.compile(r"([a-z][a-z0-9]*)\.(~?[\w-]+)")


def render(editions: Sequence[Edition]) -> str:
    """One valid HTML5 document with an `<article lang>` per edition; ends with one newline."""
    articles = "\n".join(article(edition) for edition in editions)
    return "\n".join(
        [
            "<!DOCTYPE html>",
            f'<html lang="{_attr(_page_lang(editions))}">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{escape(_title(editions))}</title>",
            f"<style>\n{_CSS}\n</style>",
            "</head>",
            "<body>",
            articles,
            "</body>",
            "</html>",
            "",
        ]
    )


def _page_lang(editions: Sequence[Edition]) -> str:
    """The editions' language, "mul" when they differ (each article then says its own)."""
    langs = {edition.target_lang for edition in editions}
    if len(langs) == 1:
        return langs.pop()
    return "mul" if langs else "und"


def _title(editions: Sequence[Edition]) -> str:
    if len(editions) == 1:
        return clean(editions[0].headline)
    return clean(editions[0].source_headline) if editions else "editions"


def article(edition: Edition) -> str:
    """One edition as an `<article>` element: header, body blocks, provenance footer (or, for an
    HTML source, its headline and the source's own elements)."""
    if any(block.path for block in edition.blocks):
        return _shaped_article(edition)
    lines = [f'<article lang="{_attr(edition.target_lang)}" data-article="{_attr(edition.article_id)}">']
    lines += _header(edition)
    lines += [_group(run) for run in group(edition.blocks)]
    lines.append(f'<footer><p class="provenance">{escape(edition.provenance.signature())}</p></footer>')
    lines.append("</article>")
    return "\n".join(lines)


def _header(edition: Edition) -> list[str]:
    lines = ["<header>", f"<h1>{escape(clean(edition.headline))}</h1>"]
    original = escape(clean(edition.source_headline))
    lines.append(f'<p class="original-headline" lang="{_attr(edition.source_lang)}">{original}</p>')
    extras = {"standfirst": edition.standfirst, "byline": edition.byline, "dateline": edition.dateline}
    for name, value in extras.items():
        if clean(value):
            lines.append(f'<p class="{name}">{escape(clean(value))}</p>')
    lines.append("</header>")
    return lines


def _group(blocks: list[EditionBlock]) -> str:
    first = blocks[0]
    if first.kind != "list_item":
        return _element(_tag(first), first)
    tag = "ol" if first.ordered else "ul"
    items = "\n".join(_element("li", block) for block in blocks)
    return f"<{tag}>\n{items}\n</{tag}>"


def _tag(block: EditionBlock) -> str:
    if block.kind == "heading":
        return f"h{heading_level(block)}"
    return "blockquote" if block.kind == "quote" else "p"


def _element(tag: str, block: EditionBlock) -> str:
    body = nodes(tree(block.text, block.marks))
    return f'<{tag} data-block="{_attr(block.source_id)}">{body}</{tag}>'


# -- editions of HTML sources: the source's shape ------------------------------------------------


def _shaped_article(edition: Edition) -> str:
    attrs = (
        f'lang="{_attr(edition.target_lang)}" data-article="{_attr(edition.article_id)}"'
        f' data-provenance="{_attr(edition.provenance.signature())}"'
    )
    lines = [f"<article {attrs}>", f"<h1>{escape(clean(edition.headline))}</h1>"]
    lines.append(_shaped_body(edition.blocks))
    lines.append("</article>")
    return "\n".join(line for line in lines if line)


def _shaped_body(blocks: Sequence[EditionBlock]) -> str:
    """The blocks inside the elements their paths name: an element stays open while the next block
    is still inside it (a list item's text, then its nested list), and closes when it is not."""
    out: list[str] = []
    open_entries: list[str] = []
    numbers = item_numbers(blocks)
    for index, block in enumerate(blocks):
        path = _path(block, index, numbers[index])
        shared = 0
        while shared < min(len(open_entries), len(path)) and open_entries[shared] == path[shared]:
            shared += 1
        while len(open_entries) > shared:
            out.append(f"</{_entry_tag(open_entries.pop())}>")
        new = path[shared:]  # elements opened on a line of their own
        if block.kind == "image" and new and _entry_tag(new[-1]) == "img":
            for entry in new[:-1]:
                out.append(f"\n<{_entry_tag(entry)}>")
                open_entries.append(entry)
            out.append(f"\n{_image(block)}")
            continue
        attrs = f' data-block="{_attr(block.source_id)}"'
        for position, entry in enumerate(new):
            own = position == len(new) - 1
            out.append(f"\n<{_entry_tag(entry)}{attrs if own else ''}>")
            open_entries.append(entry)
        body = nodes(tree(block.text, block.marks))
        # more text of an element already open (after a nested list): its own marker for the block id
        out.append(body if new else f'<span data-block="{_attr(block.source_id)}">{body}</span>')
    while open_entries:
        out.append(f"</{_entry_tag(open_entries.pop())}>")
    return "".join(out).lstrip("\n")


def _path(block: EditionBlock, index: int, number: int) -> list[str]:
    """The block's path with only the elements we rebuild; a block without one (Markdown around raw
    HTML) gets its own element, and list items one list per run of items (`number`: place in it)."""
    path = [entry for entry in block.path if _entry_tag(entry) in _STRUCTURAL]
    if path and not (block.kind == "image" and _entry_tag(path[-1]) != "img"):
        return path
    own = f"~{index}"
    if block.kind == "list_item":
        return [f"{'ol' if block.ordered else 'ul'}.~{index - number + 1}", f"li.{own}"]
    if block.kind == "image":
        return [f"figure.{own}", f"img.{own}"]
    return [f"{_tag(block)}.{own}"]


def _entry_tag(entry: str) -> str:
    match = _PATH_ENTRY_RE.fullmatch(entry)
    return match.group(1) if match else ""


def _image(block: EditionBlock) -> str:
    alt = _attr(clean(tree_text(tree(block.text, block.marks))))
    src = safe_href(block.src)
    src_attr = f' src="{_attr(src)}"' if src else ""
    return f'<img{src_attr} alt="{alt}" data-block="{_attr(block.source_id)}">'


def nodes(items: Sequence[Node]) -> str:
    """A tree of inline spans as HTML."""
    return "".join(escape(item) if isinstance(item, str) else _span(item) for item in items)


def _span(span: Span) -> str:
    inner = nodes(span.children)
    if span.kind == "link" and span.href:
        return f'<a href="{_attr(span.href)}" rel="noopener noreferrer">{inner}</a>'
    tag = _TAGS.get(span.kind or "")
    if tag == "abbr" and span.title:
        return f'<abbr title="{_attr(span.title)}">{inner}</abbr>'
    return f"<{tag}>{inner}</{tag}>" if tag else inner


def inline(parts: Sequence[Run]) -> str:
    return "".join(_run(part) for part in parts)


def _run(part: Run) -> str:
    text = escape(part.text)
    if part.kind == "link" and part.href:
        return f'<a href="{_attr(part.href)}" rel="noopener noreferrer">{text}</a>'
    tag = _TAGS.get(part.kind or "")
    return f"<{tag}>{text}</{tag}>" if tag else text


def _attr(value: str) -> str:
    return escape(value, quote=True)
