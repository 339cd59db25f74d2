"""Markdown: marks become Markdown, article text can only ever be text (checked with a real parser)."""

from __future__ import annotations

from collections.abc import Callable

import lxml.html
import pytest
from markdown_it import MarkdownIt

from editions.document import Edition, EditionBlock, Mark
from editions.render import render_edition, render_editions
from editions.render.markdown import escape, guard_start

EditionFactory = Callable[..., Edition]


def to_html(markdown: str) -> str:
    """CommonMark with raw HTML allowed, so an injection would show up as markup."""
    html: str = MarkdownIt("commonmark", {"html": True}).render(markdown)
    return html


def paragraph(make_edition: EditionFactory, text: str, **marks: Mark) -> str:
    """The Markdown of an edition whose only block is one paragraph."""
    block = EditionBlock(source_id="b1", kind="paragraph", text=text, marks=marks)
    return render_edition(make_edition(standfirst=None, blocks=[block]), "md")


@pytest.mark.parametrize(
    "snippet",
    [
        "# Le titre traduit\n\n> Original (en): The original headline\n\n*Le chapeau de l'article.*\n\n",
        "Lisez [le rapport](https://example.org/report?a=1&b=2) complet.",
        "Un mot *clé* et **fort**.",
        "\n\n## Une section\n\n",
        "\n\n> « Nous verrons », a-t-il dit.\n\n",
        "\n\n- Premier point\n- Second point\n",
    ],
)
def test_layout_and_marks(edition: Edition, snippet: str) -> None:
    assert snippet in render_edition(edition, "md")


def test_parses_to_the_expected_structure(edition: Edition) -> None:
    tree = lxml.html.fragment_fromstring(to_html(render_edition(edition, "md")), create_parent="div")
    assert [a.get("href") for a in tree.iter("a")] == ["https://example.org/report?a=1&b=2"]
    assert [el.text_content() for el in tree.iter("h1", "h2", "em", "strong")] == [
        "Le titre traduit",
        "Le chapeau de l'article.",
        "Une section",
        "clé",
        "fort",
    ]
    assert [li.text_content() for li in tree.iter("li")] == ["Premier point", "Second point"]


@pytest.mark.parametrize(
    ("level", "prefix"), [(None, "## "), (1, "## "), (3, "### "), (6, "###### "), (8, "###### ")]
)
def test_heading_levels(make_edition: EditionFactory, level: int | None, prefix: str) -> None:
    block = EditionBlock(source_id="b1", kind="heading", text="Titre", level=level)
    assert render_edition(make_edition(blocks=[block]), "md").endswith(f"\n\n{prefix}Titre\n")


def test_ordered_list(make_edition: EditionFactory) -> None:
    blocks = [
        EditionBlock(source_id=f"b{i}", kind="list_item", text=t, ordered=True) for i, t in enumerate("ab")
    ]
    assert render_edition(make_edition(blocks=blocks), "md").endswith("\n\n1. a\n2. b\n")


def test_two_editions(edition: Edition, vietnamese: Edition) -> None:
    output = render_editions([edition, vietnamese], "md")
    assert output == render_edition(edition, "md") + "\n" + render_edition(vietnamese, "md")
    assert "\n\n# Tiêu đề đã dịch\n\n" in output


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("plain words, stay plain.", "plain words, stay plain."),
        ("a*b*c", r"a\*b\*c"),
        ("snake_case", r"snake\_case"),
        ("[x](y)", r"\[x\](y)"),
        ("<b>", r"\<b\>"),
        ("back\\slash", "back\\\\slash"),
        ("`code`", r"\`code\`"),
        ("AT&T & co", "AT&T & co"),
        ("&amp; &#42;", r"\&amp; \&#42;"),
    ],
)
def test_escape(raw: str, escaped: str) -> None:
    assert escape(raw) == escaped


@pytest.mark.parametrize(
    ("line", "guarded"),
    [
        ("# not a heading", r"\# not a heading"),
        ("> not a quote", r"\> not a quote"),
        ("- not a list", r"\- not a list"),
        ("+ not a list", r"\+ not a list"),
        ("2025. A year", r"2025\. A year"),
        ("3) three", r"3\) three"),
        ("=== not a rule", r"\=== not a rule"),
        ("ends with ##", r"ends with \#\#"),
        ("#1 in the charts", r"\#1 in the charts"),
        ("a # in the middle", "a # in the middle"),
        ("In 2025, growth", "In 2025, growth"),
    ],
)
def test_guard_start(line: str, guarded: str) -> None:
    assert guard_start(line) == guarded


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[x](javascript:alert(1))",
        "![x](https://tracker.example/p.gif)",
        "<https://example.org>",
        "# heading?",
        "1. list?",
        "- list?",
        "---",
        "*em* and **strong** and _em_ and `code`",
        "&lt;script&gt; &amp; &#60;",
        "back\\slash\\",
        "a | b | c",
    ],
)
def test_article_text_shows_as_written(make_edition: EditionFactory, text: str) -> None:
    html = to_html(paragraph(make_edition, text))
    tree = lxml.html.fragment_fromstring(html, create_parent="div")
    assert tree[-1].tag == "p"
    assert tree[-1].text_content() == text
    assert len(tree[-1]) == 0  # no element inside: it stayed text


def test_hostile_edition_yields_no_markup(hostile: Edition) -> None:
    html = to_html(render_edition(hostile, "md"))
    tree = lxml.html.fragment_fromstring(html, create_parent="div")
    assert not list(tree.iter("script", "img"))
    assert not [el for el in tree.iter() if el.get("onerror") is not None]
    assert not [el for el in tree.iter("a") if "javascript" in (el.get("href") or "")]


def test_javascript_link_becomes_plain_text(hostile: Edition) -> None:
    output = render_edition(hostile, "md")
    assert "\n\nClick here now.\n\n" in output
    assert "[here]" not in output


@pytest.mark.parametrize(
    ("href", "destination"),
    [
        ("https://example.org/a (b)", "https://example.org/a%20%28b%29"),
        ("https://example.org/<x>", "https://example.org/%3Cx%3E"),
        ("https://example.org/?q=&amp;", "https://example.org/?q=\\&amp;"),
        ("/relative/path", "/relative/path"),
    ],
)
def test_link_destinations_cannot_break_out(
    make_edition: EditionFactory, href: str, destination: str
) -> None:
    output = paragraph(make_edition, "see <a1>this</a1>", a1=Mark(kind="link", href=href))
    assert f"see [this]({destination})\n" in output
    tree = lxml.html.fragment_fromstring(to_html(output), create_parent="div")
    assert tree[-1].text_content() == "see this"


def test_emphasis_keeps_spaces_outside_markers(make_edition: EditionFactory) -> None:
    output = paragraph(make_edition, "a<em1> mot </em1>b", em1=Mark(kind="em"))
    assert output.endswith("\n\na *mot* b\n")
