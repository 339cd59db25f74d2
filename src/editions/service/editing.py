"""What an editor does to an edition, shared by the API and the review page."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

from editions.document import BIDI_CONTROL_RE, PLACEHOLDER_RE, Mark
from editions.errors import UsageError
from editions.memory import MemoryKey, segment_contexts
from editions.qa import BlockPair, QaContext, check_block
from editions.render import EXTENSIONS, FORMATS, render_edition
from editions.segment import segments
from editions.service.context import ServiceContext
from editions.store.editions import StoredEdition, get_edition, put_translation, save_edition

MAX_BLOCK_CHARS = 20_000
# A downloaded export opened in the browser may show the article, but never run or fetch anything
# (the review page's exports and the /v1 ones alike, TMX included).
EXPORT_HEADERS = {
    "Content-Security-Policy": "sandbox; default-src 'none'; style-src 'unsafe-inline'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}
SPAN_NAMES = {
    "link": "link",
    "em": "emphasis",
    "strong": "bold span",
    "q": "quotation",
    "abbr": "abbreviation",
    "cite": "citation",
    "code": "code span",
}


def edit_block(
    ctx: ServiceContext,
    edition_id: str,
    block_id: str,
    text: str,
    expected_revision: int | None = None,
    owner: str | None = None,
    teach_memory: bool = True,
) -> StoredEdition:
    """Replace one block's translation, re-run QA on it, and (with `teach_memory`) keep the correction
    in the memory, where it is approved and reused for every key's articles.

    With `owner`, an edition of another owner's job is not found (`store.editions.get_edition`)."""
    text = text.replace("\r\n", "\n").strip()
    if not text:
        raise UsageError("a block cannot be empty; reject the edition instead")
    if len(text) > MAX_BLOCK_CHARS:
        raise UsageError(f"a block is limited to {MAX_BLOCK_CHARS} characters")
    if "\x00" in text:
        raise UsageError("the text contains a NUL character")
    stored = get_edition(ctx.store, edition_id, owner)
    edition, article = stored.edition, stored.article
    source = {s.id: s for s in segments(article)}
    if block_id not in source:
        raise UsageError(f"no block {block_id!r} in this edition")
    segment = source[block_id]
    check_edit(text, segment.marks)
    qa = QaContext(edition.source_lang, edition.target_lang, ctx.glossary)
    findings = check_block(BlockPair(block_id, segment.text, text, segment.marks), qa)
    put_translation(edition, block_id, text, findings, "edited by an editor")
    stored.revision = save_edition(ctx.store, stored, block_id, expected_revision)
    if not teach_memory:
        return stored
    context = segment_contexts(article)[block_id]
    ctx.memory.correct(MemoryKey(edition.source_lang, edition.target_lang, segment.text, context), text)
    return stored


def check_edit(text: str, marks: dict[str, Mark]) -> None:
    """Refuse (`UsageError`, one line) an edit that would break the segment's inline spans or hide text.

    The spans carry the links and emphasis of the source (a link's target is kept aside in `marks`),
    so an edit must keep each of them once, opened before closed, nested without crossing, with words
    inside; a tag the source does not have would show as a span with nothing behind it. Bidi controls
    are refused as the readers remove them: they reorder the text on screen."""
    control = BIDI_CONTROL_RE.search(text)
    if control:
        char = control.group(0)
        raise UsageError(
            f"the text contains U+{ord(char):04X} {unicodedata.name(char)}, a bidi control that reorders "
            "text on screen; remove it"
        )
    problem = _span_problem(text, marks)
    if problem:
        raise UsageError(problem)


def _span_problem(text: str, marks: dict[str, Mark]) -> str | None:
    tags = [
        (m.group(0), f"{m.group(1)}{m.group(2)}", m.start(), m.end()) for m in PLACEHOLDER_RE.finditer(text)
    ]
    for tag, name, _, _ in tags:
        if name not in marks:
            known = ", ".join(f"<{n}>" for n in marks)
            where = f"this block's spans are {known}" if known else "this segment has no inline spans"
            return f"unknown inline tag {tag}: {where}"
    for name, mark in marks.items():
        what = f"the {SPAN_NAMES[mark.kind]} <{name}>"
        opened = sum(1 for tag, n, _, _ in tags if n == name and not tag.startswith("</"))
        closed = sum(1 for tag, n, _, _ in tags if n == name and tag.startswith("</"))
        if not opened and not closed:
            return f"{what}…</{name}> was deleted; put its tags back around the words they mark"
        if max(opened, closed) > 1:
            return f"<{name}> appears {max(opened, closed)} times; each span is kept once"
        if not opened:
            return f"{what} lost its opening tag <{name}>"
        if not closed:
            return f"{what} lost its closing tag </{name}>"
    stack: list[tuple[str, int]] = []
    for tag, name, start, end in tags:
        if not tag.startswith("</"):
            stack.append((name, end))
            continue
        if not any(n == name for n, _ in stack):
            return f"</{name}> comes before <{name}>"
        if stack[-1][0] != name:
            return f"<{name}> and <{stack[-1][0]}> overlap; close one before the other opens"
        _, inner_start = stack.pop()
        if not PLACEHOLDER_RE.sub("", text[inner_start:start]).strip():
            return f"the {SPAN_NAMES[marks[name].kind]} <{name}> has no words left; keep some inside it"
    return None


def block_source_and_text(stored: StoredEdition) -> list[tuple[str, str, str, str]]:
    """(block id, kind, source text, translated text) in reading order, headline first."""
    edition = stored.edition
    translated = {
        "headline": edition.headline,
        "standfirst": edition.standfirst,
        "dateline": edition.dateline,
    }
    translated.update({b.source_id: b.text for b in edition.blocks})
    return [(s.id, s.kind, s.text, translated.get(s.id) or "") for s in segments(stored.article)]


def export_edition(stored: StoredEdition, fmt: str) -> tuple[str, str, str]:
    """(body, media type, file name) of the edition in `fmt` (text, md, html, json)."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r}; choose {', '.join(FORMATS)}")
    media = {"text": "text/plain", "md": "text/markdown", "html": "text/html", "json": "application/json"}
    body = render_edition(stored.edition, fmt)
    name = f"{stored.edition.article_id}.{stored.edition.target_lang}.{EXTENSIONS[fmt]}"
    return body, f"{media[fmt]}; charset=utf-8", name


def attachment_headers(name: str) -> dict[str, str]:
    """`EXPORT_HEADERS` and a Content-Disposition for `name`, which may come from an article's own id.

    Everything but letters, digits, "." , "-" and "_" becomes "_", so no quote, semicolon, slash or
    line break of the id reaches the header; the name goes as RFC 6266 `filename*=UTF-8''…` (so
    "報道-記事" survives) after an ASCII `filename` for clients that do not read it."""
    unicode_name = re.sub(r"[^\w.-]", "_", name).strip(".") or "edition"
    ascii_name = re.sub(r"[^A-Za-z0-9._-]", "_", unicode_name)
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(unicode_name, safe='')}"
    return {**EXPORT_HEADERS, "Content-Disposition": disposition}
