"""HTML: one valid, self-contained page; every article character is text, never markup."""

from __future__ import annotations

from collections.abc import Callable

import lxml.html
import pytest
from lxml.html import HtmlElement

from editions.document import Edition, EditionBlock, Mark
from editions.render import render_edition, render_editions

EditionFactory = Callable[..., Edition]


def parse(output: str) -> HtmlElement:
    return lxml.html.document_fromstring(output)


def test_languages_are_marked(edition: Edition) -> None:
    page = parse(render_edition(edition, "html"))
    assert page.get("lang") == "fr"
    original = page.find_class("original-headline")
    assert [(el.get("lang"), el.text_content()) for el in original] == [("en", "The original headline")]


def test_head(edition: Edition) -> None:
    output = render_edition(edition, "html")
    assert output.startswith("<!DOCTYPE html>\n")
    page = parse(output)
    assert page.xpath("/html/head/meta/@charset") == ["utf-8"]
    assert page.findtext(".//title") == "Le titre traduit"
    assert page.findtext(".//h1") == "Le titre traduit"
    assert page.find_class("standfirst")[0].text_content() == "Le chapeau de l'article."


def test_self_contained(edition: Edition) -> None:
    page = parse(render_edition(edition, "html"))
    assert not list(page.iter("script", "link", "iframe", "img"))
    assert not page.xpath("//@src")
    assert len(list(page.iter("style"))) == 1


def test_data_blocks_in_order_one_per_block(edition: Edition) -> None:
    page = parse(render_edition(edition, "html"))
    assert page.xpath("//@data-block") == [block.source_id for block in edition.blocks]


@pytest.mark.parametrize(
    ("source_id", "path"),
    [
        ("b1", "/html/body/article/p"),
        ("b2", "/html/body/article/h2"),
        ("b3", "/html/body/article/p"),
        ("b4", "/html/body/article/blockquote"),
        ("b5", "/html/body/article/ul/li"),
        ("b6", "/html/body/article/ul/li"),
    ],
)
def test_block_elements(edition: Edition, source_id: str, path: str) -> None:
    page = parse(render_edition(edition, "html"))
    assert page.xpath(f'{path}[@data-block="{source_id}"]')


def test_inline_marks(edition: Edition) -> None:
    page = parse(render_edition(edition, "html"))
    links = list(page.iter("a"))
    assert [(a.get("href"), a.get("rel"), a.text) for a in links] == [
        ("https://example.org/report?a=1&b=2", "noopener noreferrer", "le rapport")
    ]
    assert page.findtext(".//em") == "clé"
    assert page.findtext(".//strong") == "fort"


def test_lists_are_grouped(make_edition: EditionFactory) -> None:
    blocks = [
        EditionBlock(source_id="b1", kind="list_item", text="a", ordered=True),
        EditionBlock(source_id="b2", kind="list_item", text="b", ordered=True),
        EditionBlock(source_id="b3", kind="list_item", text="c"),
        EditionBlock(source_id="b4", kind="paragraph", text="d"),
        EditionBlock(source_id="b5", kind="list_item", text="e", ordered=True),
    ]
    page = parse(render_edition(make_edition(blocks=blocks), "html"))
    lists = page.xpath("/html/body/article/ol | /html/body/article/ul")
    assert [(el.tag, [li.text for li in el]) for el in lists] == [
        ("ol", ["a", "b"]),
        ("ul", ["c"]),
        ("ol", ["e"]),
    ]


def test_provenance_footer(edition: Edition) -> None:
    page = parse(render_edition(edition, "html"))
    assert page.xpath("string(//article/footer)") == edition.provenance.signature()


def test_hostile_text_stays_text(hostile: Edition) -> None:
    page = parse(render_edition(hostile, "html"))
    assert not list(page.iter("script", "img"))
    assert not page.xpath("//@onerror")
    assert page.findtext(".//h1") == hostile.headline
    assert page.findtext(".//title") == hostile.headline
    assert page.xpath('string(//*[@data-block="b1"])') == hostile.blocks[0].text


def test_javascript_href_is_dropped(hostile: Edition) -> None:
    page = parse(render_edition(hostile, "html"))
    assert not list(page.iter("a"))
    assert page.xpath('string(//*[@data-block="b2"])') == "Click here now."


@pytest.mark.parametrize(
    "field",
    [
        {"target_lang": 'fr" onmouseover="alert(1)'},
        {"source_lang": 'en" onmouseover="alert(1)'},
        {"article_id": 'x" onmouseover="alert(1)'},
    ],
)
def test_attribute_values_cannot_break_out(make_edition: EditionFactory, field: dict[str, str]) -> None:
    page = parse(render_edition(make_edition(**field), "html"))
    assert not page.xpath("//@onmouseover")


def test_block_ids_and_hrefs_cannot_break_out(make_edition: EditionFactory) -> None:
    block = EditionBlock(
        source_id='b1"><script>alert(1)</script>',
        kind="paragraph",
        text="<a1>x</a1>",
        marks={"a1": Mark(kind="link", href='https://e.org/"><script>alert(1)</script>')},
    )
    page = parse(render_edition(make_edition(blocks=[block]), "html"))
    assert not list(page.iter("script"))
    assert page.xpath("//@data-block") == [block.source_id]
    assert page.xpath("//a/@href") == [block.marks["a1"].href]


def test_several_editions_make_one_document(edition: Edition, vietnamese: Edition) -> None:
    output = render_editions([edition, vietnamese], "html")
    assert output.count("<!DOCTYPE html>") == 1
    page = parse(output)
    assert page.get("lang") == "mul"
    assert [a.get("lang") for a in page.xpath("/html/body/article")] == ["fr", "vi"]
    assert [h.text for h in page.iter("h1")] == ["Le titre traduit", "Tiêu đề đã dịch"]


def test_several_editions_in_one_language(edition: Edition) -> None:
    page = parse(render_editions([edition, edition], "html"))
    assert page.get("lang") == "fr"
