"""Standalone HTML5 pages: one self-contained document, no scripts, no external resources.

All article text and every attribute value goes through `html.escape(quote=True)`; links keep only
http(s), mailto and relative targets and carry `rel="noopener noreferrer"`. Each body element carries
`data-block="<source block id>"` so a reviewer (or a test) can line it up with the source article.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from editions.document import Edition, EditionBlock
from editions.render.inline import Run, clean, runs
from editions.render.layout import group, heading_level

_CSS = """\
body{font:17px/1.55 Georgia,serif;max-width:42em;margin:2em auto;padding:0 1em;color:#222}
article+article{border-top:1px solid #ccc;margin-top:3em;padding-top:1em}
.original-headline{color:#666;font-style:italic}
.standfirst{font-size:1.1em;font-weight:bold}
.byline,.dateline{color:#555}
blockquote{border-left:3px solid #ccc;margin-left:0;padding-left:1em}
footer{color:#888;font:12px/1.4 monospace;margin-top:2em;word-break:break-all}"""

_TAGS = {"em": "em", "strong": "strong"}


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
    """One edition as an `<article>` element: header, body blocks, provenance footer."""
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
    body = inline(runs(block.text, block.marks))
    return f'<{tag} data-block="{_attr(block.source_id)}">{body}</{tag}>'


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
