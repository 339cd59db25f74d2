"""Hypothesis strategies: documents with structure (Markdown, HTML, article JSON, plain text), the bytes
a file can hold, and source/translation pairs full of dates, weekdays, amounts and numbers.

Random text alone rarely reaches a reader's deeper paths (a nested list, a link inside emphasis, a
block whose marks have the wrong type), so most strategies build documents from the pieces each
format is made of and mix in noise: any Unicode, control characters, stray markup.
"""

from __future__ import annotations

import codecs
import json
from typing import Any

from hypothesis import strategies as st

# -- words and inline text -------------------------------------------------------------------------

WORDS = st.sampled_from(
    [
        *("The", "port", "reopened", "on", "Thursday", "strike", "By", "Jane", "Doe", "said", "a", "of"),
        *("jeudi", "mercredi", "hôm", "nay", "thứ", "hai", "Năm", "tháng", "ngày", "năm", "Chủ", "nhật"),
        *("June", "5,", "2025", "6/5", "1,250", "6.5%", "$1.0875", "£3.5bn", "US$", "750", "million"),
        *("12:30", "3 p.m.", "11 h", "10:00", "«", "»", '"', "“", "”", ";", ":", "!", "?", "%"),
        *("https://example.org/a?b=1", "mailto:x@y.z", "x@example.org", "&amp;", "&#233;", "<a1>"),
        *("</a1>", "<em2>", "</b3>", "<", ">", "&", "*", "_", "`", "[", "]", "(", ")", "#", "-", "1."),
        *("Beijing", "Athens", "Paris", "Việt", "Nam", "日本語", "العربية", "\u202e", "\u200b", "\ufeff"),
    ]
)
# Any character, the awkward ones included: controls, surrogates, noncharacters, bidi overrides.
ANY_CHAR = st.characters(codec=None)
NOISE = st.text(ANY_CHAR, max_size=40)


def phrase(max_words: int = 12) -> st.SearchStrategy[str]:
    """A run of words, sometimes with noise spliced in."""
    words = st.lists(st.one_of(WORDS, WORDS, WORDS, NOISE), min_size=0, max_size=max_words)
    return words.map(" ".join)


LONG_PHRASE = phrase(40)


# -- plain text ------------------------------------------------------------------------------------

_TEXT_LINE = st.one_of(
    phrase(),
    phrase().map(lambda s: f"- {s}"),
    phrase().map(lambda s: f"* {s}"),
    phrase().map(lambda s: f"• {s}"),
    st.tuples(st.integers(0, 9999), phrase()).map(lambda t: f"{t[0]}. {t[1]}"),
    phrase().map(lambda s: f"> {s}"),
    st.just(">"),
    st.just(""),
    st.just("   \t "),
    NOISE,
)
NEWLINES = st.sampled_from(["\n", "\r\n", "\r", "\u2028", "\x0b", "\x0c", "\u0085"])


@st.composite
def text_documents(draw: st.DrawFn) -> str:
    lines = draw(st.lists(_TEXT_LINE, max_size=30))
    newline = draw(NEWLINES)
    return newline.join(lines)


# -- Markdown --------------------------------------------------------------------------------------

_URLS = st.sampled_from(
    [
        "https://example.org/x",
        "http://a.b/c d",
        "/relative/path",
        "javascript:alert(1)",
        " JaVaScRiPt:alert(1)",
        "data:text/html,<b>x</b>",
        "mailto:desk@example.org",
        "http://[::1",
        "http://[bad",
        "",
        "#frag",
        "vbscript:x",
        "\x00javascript:x",
    ]
)


def md_inline(depth: int = 2) -> st.SearchStrategy[str]:
    leaf = phrase(6)
    if depth == 0:
        return leaf
    inner = md_inline(depth - 1)
    return st.one_of(
        leaf,
        inner.map(lambda s: f"*{s}*"),
        inner.map(lambda s: f"**{s}**"),
        inner.map(lambda s: f"_{s}_"),
        st.tuples(inner, _URLS).map(lambda t: f"[{t[0]}]({t[1]})"),
        st.tuples(inner, _URLS).map(lambda t: f"![{t[0]}]({t[1]})"),
        inner.map(lambda s: f"`{s}`"),
        inner.map(lambda s: f"<em>{s}</em>"),
        inner.map(lambda s: f"<script>{s}</script>"),
        inner.map(lambda s: f"{s}<br>{s}"),
        st.lists(inner, max_size=4).map(" ".join),
    )


MD_INLINE = md_inline()  # built once, not per example: building strategies is not free


def _md_block(depth: int) -> st.SearchStrategy[str]:
    inline = MD_INLINE
    simple = st.one_of(
        inline,
        st.tuples(st.integers(1, 7), inline).map(lambda t: "#" * t[0] + " " + t[1]),
        inline.map(lambda s: f"> {s}"),
        st.lists(inline, min_size=1, max_size=5).map(lambda xs: "\n".join(f"- {x}" for x in xs)),
        st.lists(inline, min_size=1, max_size=5).map(
            lambda xs: "\n".join(f"{i + 1}. {x}" for i, x in enumerate(xs))
        ),
        st.tuples(st.sampled_from(["", "python", "~~~"]), phrase()).map(lambda t: f"```{t[0]}\n{t[1]}\n```"),
        phrase().map(lambda s: f"    {s}"),
        phrase().map(lambda s: f"<div><p>{s}</p><script>{s}</script></div>"),
        inline.map(lambda s: f"*By {s}*"),
        st.just("---"),
        NOISE,
    )
    if depth == 0:
        return simple
    nested = _md_block(depth - 1)
    return st.one_of(
        simple,
        nested.map(lambda s: "\n".join("> " + line for line in s.split("\n"))),
        st.lists(nested, min_size=1, max_size=3).map(
            lambda xs: "\n".join("- " + x.replace("\n", "\n  ") for x in xs)
        ),
    )


MD_BLOCK = _md_block(2)


@st.composite
def markdown_documents(draw: st.DrawFn) -> str:
    blocks = draw(st.lists(MD_BLOCK, max_size=12))
    separator = draw(st.sampled_from(["\n\n", "\n", "\r\n\r\n"]))
    return separator.join(blocks)


# -- HTML ------------------------------------------------------------------------------------------

_BLOCK_TAGS = ["p", "div", "h1", "h2", "h3", "h6", "blockquote", "ul", "ol", "li", "article", "section"]
_BLOCK_TAGS += ["main", "pre", "table", "tr", "td", "figure", "figcaption", "dl", "dt", "dd", "menu"]
_INLINE_TAGS = ["a", "em", "i", "strong", "b", "span", "code", "br", "q", "sup", "time", "font", "wbr"]
_SKIPPED_TAGS = ["script", "style", "noscript", "template", "iframe", "nav", "footer", "aside", "svg"]
_ATTRIBUTES = st.sampled_from(
    [
        "",
        ' class="cookie-banner"',
        ' id="share"',
        " hidden",
        ' aria-hidden="true"',
        ' style="display:none"',
        ' class="article-body"',
        ' lang="fr"',
        ' dir="rtl"',
        ' title="x"',
    ]
)


def html_inline(depth: int = 3) -> st.SearchStrategy[str]:
    leaf = st.one_of(
        phrase(6).map(lambda s: s.replace("<", "&lt;")),
        phrase(6),  # unescaped: stray "<" and placeholder-looking tags
        st.sampled_from(["&amp;", "&nbsp;", "&#x1F600;", "&#0;", "&#xD800;", "&bogus;", "<!-- c -->"]),
    )
    if depth == 0:
        return leaf
    inner = html_inline(depth - 1)
    tagged = st.tuples(st.sampled_from(_INLINE_TAGS), _ATTRIBUTES, inner)
    return st.one_of(
        leaf,
        tagged.map(lambda t: f"<{t[0]}{t[1]}>{t[2]}</{t[0]}>"),
        st.tuples(_URLS, inner).map(lambda t: f'<a href="{t[0]}">{t[1]}</a>'),
        st.tuples(st.sampled_from(_INLINE_TAGS), inner).map(lambda t: f"<{t[0]}>{t[1]}"),  # unclosed
        st.lists(inner, max_size=4).map("".join),
    )


HTML_INLINE = html_inline()


def _html_block(depth: int) -> st.SearchStrategy[str]:
    inline = HTML_INLINE
    if depth == 0:
        return inline
    inner = _html_block(depth - 1)
    return st.one_of(
        inline,
        st.tuples(st.sampled_from(_BLOCK_TAGS), _ATTRIBUTES, st.lists(inner, max_size=4)).map(
            lambda t: f"<{t[0]}{t[1]}>{''.join(t[2])}</{t[0]}>"
        ),
        st.tuples(st.sampled_from(_SKIPPED_TAGS), inner).map(lambda t: f"<{t[0]}>{t[1]}</{t[0]}>"),
        st.tuples(st.sampled_from(_BLOCK_TAGS), inner).map(lambda t: f"<{t[0]}>{t[1]}"),  # unclosed
    )


HTML_BLOCK = _html_block(3)


@st.composite
def html_documents(draw: st.DrawFn) -> str:
    body = "".join(draw(st.lists(HTML_BLOCK, max_size=10)))
    if draw(st.booleans()):
        # long enough for trafilatura to take a full page (it wants 250 characters or so)
        body += "".join(f"<p>{draw(LONG_PHRASE)}</p>" for _ in range(draw(st.integers(0, 8))))
    shape = draw(st.integers(0, 4))
    if shape == 0:
        return body  # a fragment
    title = draw(phrase(8))
    page = f"<html><head><title>{title}</title></head><body>{body}</body></html>"
    if shape == 1:
        return "<!DOCTYPE html>" + page
    if shape == 2:
        return '<?xml version="1.0" encoding="utf-8"?>' + page
    if shape == 3:
        return f'<html><head><meta charset="{draw(CHARSETS)}"></head><body>{body}</body></html>'
    return page[: draw(st.integers(0, len(page)))]  # cut off anywhere


# -- article JSON ----------------------------------------------------------------------------------

_JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(ANY_CHAR, max_size=20),
)
_ANY_JSON = st.recursive(
    _JSON_SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


def _usually(good: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """The right type most of the time, anything JSON can hold the rest."""
    return st.one_of(good, good, good, _ANY_JSON)


def _mark_names() -> st.SearchStrategy[str]:
    return st.tuples(st.sampled_from(["a", "em", "b", "x", ""]), st.integers(0, 12)).map(
        lambda t: f"{t[0]}{t[1]}"
    )


@st.composite
def _schema_block(draw: st.DrawFn) -> Any:
    names = draw(st.lists(_mark_names(), max_size=3, unique=True))
    text = draw(phrase(8))
    for name in names:
        if draw(st.integers(0, 4)):  # usually well formed, sometimes a tag lost
            text = f"<{name}>{text}</{name}>"
    marks = {
        name: _usually(
            st.fixed_dictionaries(
                {"kind": st.sampled_from(["link", "em", "strong", "bogus"])},
                optional={"href": st.one_of(_URLS, _ANY_JSON)},
            )
        )
        for name in names
    }
    block: dict[str, Any] = draw(
        st.fixed_dictionaries(
            {"id": _usually(st.text(max_size=4)), "text": _usually(st.just(text))},
            optional={
                "kind": _usually(st.sampled_from(["heading", "paragraph", "quote", "list_item", "table"])),
                "marks": _usually(st.fixed_dictionaries(marks)),
                "level": _usually(st.integers(-1, 7)),
                "ordered": _usually(st.booleans()),
                "extra": _ANY_JSON,
            },
        )
    )
    return block


_LANGS = st.sampled_from(["en", "fr", "vi", "EN_us", "xx", "", " ", "zh-Hant", "en\n"])


@st.composite
def json_documents(draw: st.DrawFn) -> str:
    if draw(st.booleans()):  # the CMS shape
        body = st.one_of(phrase(), st.lists(phrase(), max_size=6), text_documents())
        data = draw(
            st.fixed_dictionaries(
                {},
                optional={
                    "headline": _usually(phrase(8)),
                    "body": _usually(body),
                    "standfirst": _usually(phrase(8)),
                    "byline": _usually(phrase(4)),
                    "dateline": _usually(phrase(3)),
                    "lang": _usually(_LANGS),
                    "unknown": _ANY_JSON,
                },
            )
        )
    else:  # our own schema
        data = draw(
            st.fixed_dictionaries(
                {"headline": _usually(phrase(8))},
                optional={
                    "id": _usually(st.text(max_size=8)),
                    "source_lang": _usually(_LANGS),
                    "blocks": _usually(st.lists(_schema_block(), max_size=5)),
                    "standfirst": _usually(phrase(5)),
                    "byline": _usually(phrase(3)),
                    "dateline": _usually(phrase(3)),
                    "surprise": _ANY_JSON,
                },
            )
        )
    document = json.dumps(data, ensure_ascii=draw(st.booleans()))
    mangle = draw(st.integers(0, 9))
    if mangle == 0:
        return document[: draw(st.integers(0, len(document)))]  # truncated
    if mangle == 1:
        at = draw(st.integers(0, len(document)))
        return (
            document[:at]
            + draw(st.sampled_from(["{", "]", ",", '"', "\\u00", "NaN", "9" * 5000]))
            + document[at:]
        )
    if mangle == 2:
        return draw(st.sampled_from(["[", "{", '"'])) * draw(st.integers(1, 3000))
    return document


# -- bytes -----------------------------------------------------------------------------------------

# Charsets a <meta> or a Content-Type may name: real ones, Python's bytes-to-bytes codecs, made-up ones.
CHARSETS = st.sampled_from(
    [
        *("utf-8", "UTF-8", "latin1", "iso-8859-1", "windows-1252", "cp1252", "ascii", "shift_jis"),
        *("euc-kr", "gb2312", "koi8-r", "utf-16", "utf-16le", "utf-32", "utf-7", "idna", "punycode"),
        *("hex", "base64", "rot13", "uu", "zlib", "bz2", "quopri", "unicode_escape", "raw_unicode_escape"),
        *("mbcs", "x-user-defined", "bogus", "", "utf-8\x00", "a" * 300),
    ]
)
_BOMS = st.sampled_from(
    [
        b"",
        codecs.BOM_UTF8,
        codecs.BOM_UTF16_LE,
        codecs.BOM_UTF16_BE,
        codecs.BOM_UTF32_LE,
        codecs.BOM_UTF32_BE,
    ]
)
_MAGIC = st.sampled_from([b"\x89PNG\r\n\x1a\n", b"%PDF-", b"PK\x03\x04", b"\x1f\x8b", b"\x7fELF", b"GIF89a"])


@st.composite
def documents_as_text(draw: st.DrawFn) -> tuple[str, str]:
    """(document, the format it was written in)."""
    fmt = draw(st.sampled_from(["text", "md", "html", "json"]))
    strategy = {
        "text": text_documents(),
        "md": markdown_documents(),
        "html": html_documents(),
        "json": json_documents(),
    }[fmt]
    return draw(strategy), fmt


@st.composite
def file_bytes(draw: st.DrawFn) -> bytes:
    """What a file may hold: a document in some encoding, with a BOM or not, damaged or not; or junk."""
    shape = draw(st.integers(0, 9))
    if shape == 0:
        return draw(st.binary(max_size=300))
    if shape == 1:
        return draw(_MAGIC) + draw(st.binary(max_size=50))
    document, _ = draw(documents_as_text())
    if shape == 2:  # a <meta> that names a charset, over bytes that are not UTF-8
        encoded = document.encode("latin-1", "replace")
        return f'<html><head><meta charset="{draw(CHARSETS)}">'.encode("latin-1", "replace") + encoded
    if shape == 3:  # a huge line
        return b"x" * draw(st.integers(10_000, 300_000)) + document.encode("utf-8", "surrogatepass")
    codec = draw(st.sampled_from(["utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be", "cp1252"]))
    raw = draw(_BOMS) + document.encode(codec, "surrogatepass" if codec.startswith("utf") else "replace")
    if shape == 4:  # damaged anywhere: a byte flipped, a NUL, an invalid UTF-8 sequence, cut short
        at = draw(st.integers(0, len(raw)))
        junk = draw(st.sampled_from([b"\x00", b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xe9", b"\x80\x80"]))
        return raw[:at] + junk + raw[at + draw(st.integers(0, 2)) :]
    if shape == 5:
        return raw[: draw(st.integers(0, len(raw)))]
    return raw


# -- source/translation pairs for the QA parsers and repairs --------------------------------------

_EN_FACTS = [
    *("June 5, 2025", "June 5", "5 June 2025", "February 2, 2026", "6/5", "6/5/2025", "May 2025"),
    *("Thursday", "Thursday morning", "on Monday", "Sunday", "today", "Thu.", "Sat."),
    *("$1.0875", "$750 million", "US$ 2 billion", "£3.5bn", "€12", "¥100", "$5", "$ 5.62"),
    *("1,250", "6.5%", "12,345.5", "2024", "3", "11:00", "3 p.m.", "10:30", "1.5", "0.75"),
]
_TARGET_FACTS = {
    "fr": [
        *("5 juin 2025", "juin 2025", "1er mai", "février 2, 2026", "jeudi", "mercredi soir", "aujourd’hui"),
        *(
            "Jeudi",
            "lundi",
            "1 250",
            "1,250",
            "6,5 %",
            "6.5%",
            "1 234,5",
            "11 h",
            "15 heures",
            "Le 1er janvier",
        ),
        *("$1,0875", "1,0875 $", "$750 millions", "750 millions de dollars", "« cité »", '"cité"', "Quoi?"),
    ],
    "vi": [
        *("ngày 5 tháng 6 năm 2025", "5/6", "6/5", "tháng 2 12, 2026", "ngày 4/4/2023", "thứ Năm", "thứ 4"),
        *("Thứ hai,", "lần thứ hai", "Chủ nhật", "CN 5/6", "hôm nay", "sáng thứ Năm", "1.250", "1,250"),
        *("6,5%", "6.5%", "1.234,5", "11 giờ", "10 giờ 30 phút", "$1.0875", "2 tỷ USD", "US$ 5"),
    ],
    "es": ["5 de junio de 2025", "jueves", "1.250", "6,5 %", "$5", "hoy"],
    "de": ["5. Juni 2025", "Donnerstag", "1.250", "6,5 %", "$5", "heute"],
}
REPAIR_LANGS = st.sampled_from(["fr", "vi", "es", "de"])
_GLUE = st.sampled_from(
    [" ", " ", " ", ", ", ". ", "\u00a0", "\u202f", "", "; ", ": ", " (", ") ", "\n", '"']
)


@st.composite
def sentence(draw: st.DrawFn, facts: list[str]) -> str:
    pieces = draw(
        st.lists(st.one_of(st.sampled_from(facts), st.sampled_from(facts), WORDS, NOISE), max_size=10)
    )
    out = ""
    for piece in pieces:
        out += piece + draw(_GLUE)
    return out


@st.composite
def repair_pairs(draw: st.DrawFn) -> tuple[str, str, str]:
    """(source in English, translation, target language): the translation mixes target-language facts
    with the source's own forms (what repairs rewrite) and noise."""
    lang = draw(REPAIR_LANGS)
    source = draw(sentence(_EN_FACTS))
    target = draw(sentence(_TARGET_FACTS[lang] + _EN_FACTS))
    return source, target, lang
