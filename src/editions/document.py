"""The plain data that flows through the pipeline: an `Article` in, one `Edition` per language out.

Inline markup (links, emphasis, strong, and from HTML `<q>`, `<abbr>`, `<cite>`, `<code>`) is carried
inside block text as numbered placeholder tags, `<a1>…</a1>`, `<em2>…</em2>`, `<b3>…</b3>`, `<q4>…</q4>`,
`<abbr5>…</abbr5>`, `<cite6>…</cite6>`, `<code7>…</code7>`, with link targets and abbreviation titles
kept aside in `Block.marks`. Engines see the tags and are asked to keep them; URLs and titles never go
through an engine, so they cannot be translated, shortened or invented.

Blocks read from HTML also keep where they sat in the page (`Block.path`: the structural elements
around them, e.g. `["blockquote.3", "p.4"]`) and an image's `src` (its `alt` text is the block's text),
so the HTML renderer can give the translation the source's shape.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from editions.vocabulary import FindingCode

# "image": an image's alt text (its src in `Block.src`); "caption": a figure's caption.
BlockKind = Literal["heading", "paragraph", "quote", "list_item", "image", "caption"]
# q: an inline quotation (the browser adds the quotation marks); abbr: an abbreviation with its
# expansion in `Mark.title`; cite: the title of a work or a quote's source; code: computer text.
MarkKind = Literal["link", "em", "strong", "q", "abbr", "cite", "code"]
# What an engine is asked to translate: the article's front matter or one of its blocks.
SegmentKind = Literal[
    "headline", "standfirst", "dateline", "heading", "paragraph", "quote", "list_item", "image", "caption"
]

TAG_FOR_KIND: dict[MarkKind, str] = {
    "link": "a",
    "em": "em",
    "strong": "b",
    "q": "q",
    "abbr": "abbr",
    "cite": "cite",
    "code": "code",
}
KIND_FOR_TAG: dict[str, MarkKind] = {tag: kind for kind, tag in TAG_FOR_KIND.items()}

# The tag names as one regex alternative, longest first so "abbr" is never read as "a" + "bbr".
TAG_NAMES_RE = "|".join(sorted(KIND_FOR_TAG, key=lambda tag: (-len(tag), tag)))
# <a1>, </a1>, <em12>, </b3>, <q4> … and nothing else: ordinary "<" in article text is left alone.
PLACEHOLDER_RE = re.compile(rf"</?({TAG_NAMES_RE})(\d+)>")
_PAIR_RE = re.compile(rf"<({TAG_NAMES_RE})(\d+)>(.*?)</\1\2>", re.DOTALL)
# Bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069): they reorder the text after
# them on screen, so "approves\u202e tegdub" can show words that are not there ("Trojan Source").
# Reading an article removes them; the marks LRM, RLM and ALM have no scope and stay.
BIDI_CONTROL_RE = re.compile("[\u202a-\u202e\u2066-\u2069]")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Mark(_Model):
    """One inline span: what it is and, for a link, where it points."""

    kind: MarkKind
    href: str | None = None
    # an abbreviation's expansion, kept as the source wrote it (not translated); left out of the JSON
    # when absent, so marks stored before it existed read and compare the same
    title: str | None = Field(default=None, exclude_if=lambda value: value is None)


class Block(_Model):
    """One unit of the body: a heading, paragraph, quote, list item, image (alt text) or caption, in
    source order."""

    id: str
    kind: BlockKind = "paragraph"
    text: str
    marks: dict[str, Mark] = Field(default_factory=dict)
    level: int | None = None  # heading level (2 = "##")
    ordered: bool = False  # list item of a numbered list
    # From HTML: the structural elements this block sits in, outermost first, each "tag.n" (n numbers
    # the source's elements, so two blocks with the same entry sit in the same element); [] elsewhere.
    path: list[str] = Field(default_factory=list, exclude_if=lambda value: not value)
    src: str | None = Field(default=None, exclude_if=lambda value: value is None)  # an image's URL

    @property
    def plain(self) -> str:
        return plain_text(self.text)


class Article(_Model):
    """An English (or other source-language) news article, ready to translate."""

    id: str = ""
    source_lang: str | None = None
    headline: str
    standfirst: str | None = None
    byline: str | None = None
    dateline: str | None = None
    blocks: list[Block] = Field(default_factory=list)
    # What reading the input changed in it (e.g. bidi controls removed): fixed findings the pipeline
    # hands on to each edition, so the editor sees them next to the segment. Set by the readers only.
    findings: list[QaFinding] = Field(default_factory=list)

    def model_post_init(self, __context: object) -> None:
        if not self.id:
            self.id = content_id(self)


class Provenance(_Model):
    """Everything that decides what an engine wrote; also the translation-memory key."""

    engine: str
    model: str
    model_sha256: str | None = None
    prompt_version: str
    decoding: dict[str, float | int | str | None] = Field(default_factory=dict)
    package_version: str
    glossary_version: str | None = None
    adaptation: str | None = None  # "condensed:400": not a full translation (see Edition.adaptation)

    def signature(self) -> str:
        """sacrebleu-style one-line signature, e.g. `engine:llamacpp|model:…|sha:cc324af0|prompt:p1|…`."""
        parts = [
            f"engine:{self.engine}",
            f"model:{self.model}",
            f"sha:{(self.model_sha256 or 'unknown')[:12]}",
            f"prompt:{self.prompt_version}",
        ]
        parts += [f"{key}:{value}" for key, value in sorted(self.decoding.items())]
        if self.glossary_version:
            parts.append(f"glossary:{self.glossary_version}")
        if self.adaptation:
            parts.append(f"adapt:{self.adaptation}")
        parts.append(f"version:{self.package_version}")
        return "|".join(parts)


class Timings(_Model):
    wall_s: float = 0.0
    engine_s: float = 0.0
    prompt_tokens: int = 0
    generated_tokens: int = 0
    engine_calls: int = 0
    memory_hits: int = 0  # segments taken from the translation memory (no engine call)


Severity = Literal["error", "warning", "info"]


class QaFinding(_Model):
    """One thing an editor should look at in one block (or that the pipeline fixed and recorded)."""

    code: FindingCode
    severity: Severity
    message: str  # written for an editor
    block_id: str
    source_span: tuple[int, int] | None = None  # offsets in the block's plain source text
    source_text: str | None = None
    target_span: tuple[int, int] | None = None  # offsets in the block's plain translated text
    target_text: str | None = None
    fixed: bool = False  # a deterministic repair was applied; `message` says what it did


class EditionBlock(_Model):
    """A translated block, aligned 1:1 with the source block it came from."""

    source_id: str
    kind: BlockKind
    text: str
    marks: dict[str, Mark] = Field(default_factory=dict)
    level: int | None = None
    ordered: bool = False
    # the source block's place in its page (Block.path) and an image's URL; left out of the JSON when
    # absent, so editions of other sources serialize as before
    path: list[str] = Field(default_factory=list, exclude_if=lambda value: not value)
    src: str | None = Field(default=None, exclude_if=lambda value: value is None)
    notes: list[str] = Field(default_factory=list)  # what the pipeline had to do to this block, for people
    findings: list[QaFinding] = Field(default_factory=list)
    retries: int = 0  # engine calls made again with the checks' feedback

    @property
    def plain(self) -> str:
        return plain_text(self.text)


class LeftOut(_Model):
    """Source text a condensed edition left out: a sentence, or a whole block (a subhead, a paragraph)."""

    block_id: str
    text: str  # plain source text
    whole_block: bool = False
    # "budget", "not body text", or what QA found in its translation (the reason it was left out)
    reason: str = "budget"


class Adaptation(_Model):
    """What makes an edition an adaptation rather than a full translation, and how it was made."""

    mode: Literal["condensed"]
    budget_words: int
    words: int  # the edition's words: standfirst and body (the headline is not counted)
    source_words: int
    rule: str  # the selection rule's version (editions.condense.RULE)
    kept: dict[str, str] = Field(default_factory=dict)  # block id → the source text kept (with markup)
    left_out: list[LeftOut] = Field(default_factory=list)


class Edition(_Model):
    """One target-language edition of an article."""

    article_id: str
    source_lang: str
    target_lang: str
    headline: str
    source_headline: str
    standfirst: str | None = None
    byline: str | None = None
    dateline: str | None = None
    blocks: list[EditionBlock] = Field(default_factory=list)
    # findings on the headline, standfirst and dateline (block findings sit on their blocks)
    findings: list[QaFinding] = Field(default_factory=list)
    provenance: Provenance
    timings: Timings = Field(default_factory=Timings)
    adaptation: Adaptation | None = None  # set on a condensed edition


def adapted_source(article: Article, edition: Edition) -> Article:
    """What `edition` translates: `article` itself, or for a condensed edition the text it kept."""
    if edition.adaptation is None:
        return article
    kept = edition.adaptation.kept
    return article.model_copy(
        update={
            "blocks": [
                block.model_copy(
                    update={
                        "text": kept[block.id],
                        "marks": {n: m for n, m in block.marks.items() if f"<{n}>" in kept[block.id]},
                    }
                )
                for block in article.blocks
                if block.id in kept
            ]
        }
    )


def plain_text(text: str) -> str:
    """Block text without its placeholder tags."""
    return PLACEHOLDER_RE.sub("", text)


def placeholder_tags(text: str) -> list[str]:
    """Tags in order of appearance, e.g. `['<a1>', '</a1>']`."""
    return [m.group(0) for m in PLACEHOLDER_RE.finditer(text)]


def markup_problems(text: str, marks: dict[str, Mark]) -> list[str]:
    """What is wrong with the inline markup of `text`, given the spans it must carry (empty = fine)."""
    problems: list[str] = []
    extents: dict[str, tuple[int, int]] = {}
    for name in marks:
        # each span on its own: a span nested in another (a bold link, <a1><b2>…</b2></a1>) is paired too
        opened = text.find(f"<{name}>")
        closed = text.find(f"</{name}>", opened) if opened >= 0 else -1
        if closed < 0:
            problems.append(f"inline span <{name}> lost or broken")
        else:
            extents[name] = (opened, closed)
    for name, (start, end) in extents.items():
        crossing = [o for o, (s, e) in extents.items() if start < s < end < e]
        if crossing:
            problems.append(f"inline spans <{name}> and <{crossing[0]}> overlap")
    for m in PLACEHOLDER_RE.finditer(text):
        name = f"{m.group(1)}{m.group(2)}"
        if name not in marks:
            problems.append(f"unknown inline tag {m.group(0)}")
    for name in marks:
        opened = text.count(f"<{name}>")
        if opened > 1:
            problems.append(f"inline span <{name}> repeated {opened} times")
    return problems


def spans(text: str) -> list[tuple[str, str]]:
    """Split text into (tag name or "", segment) runs: `"x <a1>y</a1>"` → `[("", "x "), ("a1", "y")]`."""
    out: list[tuple[str, str]] = []
    pos = 0
    for m in _PAIR_RE.finditer(text):
        if m.start() > pos:
            out.append(("", plain_text(text[pos : m.start()])))
        out.append((f"{m.group(1)}{m.group(2)}", plain_text(m.group(3))))
        pos = m.end()
    if pos < len(text):
        out.append(("", plain_text(text[pos:])))
    return out


class MarkupBuilder:
    """Builds placeholder text for one block while a reader walks its inline content."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.marks: dict[str, Mark] = {}

    def text(self, raw: str) -> None:
        # A literal "<a1>" in an article must not pass for one of our tags.
        self.parts.append(PLACEHOLDER_RE.sub(lambda m: m.group(0).replace("<", "‹").replace(">", "›"), raw))

    def open(self, kind: MarkKind, href: str | None = None, title: str | None = None) -> str:
        name = f"{TAG_FOR_KIND[kind]}{len(self.marks) + 1}"
        self.marks[name] = Mark(kind=kind, href=href, title=title)
        self.parts.append(f"<{name}>")
        return name

    def close(self, name: str) -> None:
        self.parts.append(f"</{name}>")

    def build(self) -> tuple[str, dict[str, Mark]]:
        text = normalize_space("".join(self.parts))
        # Drop spans that ended up empty (e.g. an image-only link): nothing to translate or show.
        # Innermost first (they were opened last), so a span that held only an empty one goes too.
        for name in reversed(list(self.marks)):
            empty = f"<{name}></{name}>"
            if empty in text or f"<{name}> </{name}>" in text:
                text = text.replace(empty, "").replace(f"<{name}> </{name}>", " ")
                del self.marks[name]
        return normalize_space(text), self.marks


_SPACE_RE = re.compile(r"[ \t\r\n\u00a0]+")


def normalize_space(text: str) -> str:
    return _SPACE_RE.sub(" ", text).strip()


def content_id(article: Article) -> str:
    """Stable 16-hex id from the article's content (same article → same id)."""
    payload = json.dumps(
        [article.headline, article.standfirst, [(b.kind, b.text) for b in article.blocks]],
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


def block_id(index: int) -> str:
    return f"b{index + 1}"
