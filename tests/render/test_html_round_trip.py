"""HTML in → HTML out: the corpus of tests/fixtures/html/ keeps its shape through the pipeline.

Each file is read, translated by `FakeEngine` (capitals, tags kept) and rendered; the output is
checked against the source markup itself: the same block elements in the same order, every link with
its href in the same kind of element, every inline element with its (translated) words inside, image
alt texts translated and srcs kept, nothing unsafe, and block ids 1:1 with the source blocks.
"""

from __future__ import annotations

from typing import Any

import lxml.html
import pytest
from html_corpus import (
    CORPUS,
    FILES,
    INLINE,
    RoundTrip,
    capitals,
    dropped,
    headline_element,
    kept_image,
    norm,
    round_trip,
    safe_href,
    structure,
)
from lxml.html import HtmlElement

from editions.document import PLACEHOLDER_RE, Mark, MarkupBuilder
from editions.engines.base import TranslationRequest
from editions.ingest import read_article
from editions.localize import unquote_inline_quotes
from editions.pipeline import Pipeline
from editions.render import render_edition
from editions.render.html import nodes as render_nodes
from editions.render.inline import Span, tree

_BLOCKISH = ("p", "li", "blockquote", "figcaption", "footer", "h1", "h2", "h3", "h4", "h5", "h6")


@pytest.fixture(params=FILES)
def trip(request: pytest.FixtureRequest, fake_engine: Any) -> RoundTrip:
    return round_trip(request.param, fake_engine(capitals))


def test_the_corpus_has_what_the_issue_names() -> None:
    assert 6 <= len(FILES) <= 10
    sources = [lxml.html.document_fromstring((CORPUS / name).read_text()) for name in FILES]
    has = {tag: sum(1 for doc in sources if doc.find(f".//{tag}") is not None) for tag in INLINE}
    assert all(has[tag] for tag in ("a", "em", "strong", "q", "abbr", "cite", "code", "b"))
    assert any(doc.xpath("//a//em | //strong//a") for doc in sources)  # nested inline
    assert any(doc.xpath("//blockquote//a | //q//a") for doc in sources)  # links inside quotes
    assert any(doc.xpath("//li//ul | //li//ol") for doc in sources)  # nested lists
    assert any(doc.xpath("//figure[img[@alt]][figcaption]") for doc in sources)
    assert any(doc.find(".//article") is not None for doc in sources)  # a full page
    assert any(doc.find(".//head") is None or not doc.xpath("//html/head/*") for doc in sources)  # a fragment


def test_block_elements_follow_the_source(trip: RoundTrip) -> None:
    headline = headline_element(trip.source)
    assert trip.page[0].tag == "h1"
    assert norm(trip.page[0].text_content()) == norm(headline.text_content()).upper()
    expected = structure(trip.source, skip=headline)
    body = [el for el in trip.page.iter() if el is not trip.page[0] and el is not trip.page]
    got = [el.tag for el in body if el.tag in (*expected, "footer", "img")]
    assert got == expected


def test_every_link_keeps_its_href_words_and_place(trip: RoundTrip) -> None:
    source_links = [a for a in trip.source.iter("a") if not dropped(a) and a.get("href")]
    safe = [a for a in source_links if safe_href(a.get("href"))]
    out_links = list(trip.page.iter("a"))
    assert [a.get("href") for a in out_links] == [a.get("href").strip() for a in safe]
    for source, out in zip(safe, out_links, strict=True):
        assert norm(out.text_content()) == norm(source.text_content()).upper()
        assert _block_of(out).tag == _block_of(source).tag
        assert out.get("rel") == "noopener noreferrer"
    for unsafe in (a for a in source_links if not safe_href(a.get("href"))):
        assert norm(unsafe.text_content()).upper() in norm(trip.page.text_content())  # its words stay


def test_every_inline_element_keeps_its_words(trip: RoundTrip) -> None:
    headline = headline_element(trip.source)
    for out_tag in ("em", "strong", "q", "abbr", "cite", "code"):
        tags = [tag for tag, out in INLINE.items() if out == out_tag]  # <i> is read as <em>, <b> as <strong>
        sources = [
            el
            for el in trip.source.iter(*tags)
            if not dropped(el) and norm(el.text_content()) and headline not in el.iterancestors()
        ]
        outs = list(trip.page.iter(out_tag))
        # compared without spaces: the French typography may put a narrow no-break space before "%"
        assert [_bare(el) for el in outs] == [_bare(el).upper() for el in sources], out_tag
        for source, out in zip(sources, outs, strict=True):
            assert _block_of(out).tag == _block_of(source).tag
            if out_tag == "abbr":
                assert out.get("title") == source.get("title")  # kept as the source wrote it


def test_images_keep_src_and_get_translated_alt(trip: RoundTrip) -> None:
    sources = [img for img in trip.source.iter("img") if kept_image(img)]
    outs = list(trip.page.iter("img"))
    assert [img.get("src") for img in outs] == [img.get("src") for img in sources]
    assert [img.get("alt") for img in outs] == [norm(img.get("alt")).upper() for img in sources]
    assert all(img.getparent().tag == "figure" for img in outs)


def test_nothing_unsafe_passes(trip: RoundTrip) -> None:
    output = lxml.html.document_fromstring(trip.html)
    assert not output.xpath("//script | //iframe | //object | //embed | //base | //form")
    assert [el.tag for el in output.iter("style")] == ["style"]  # ours, in the head
    assert output.find(".//style").getparent().tag == "head"
    for el in output.iter():
        if not isinstance(el.tag, str):
            continue
        assert not [name for name in el.attrib if name.lower().startswith("on") or name == "style"], el.tag
        for name in ("href", "src"):
            assert safe_href(el.get(name)) or el.get(name) is None, (el.tag, el.get(name))
    assert "javascript:" not in trip.html.lower()


def test_block_ids_map_one_to_one(trip: RoundTrip) -> None:
    article = read_article(CORPUS / trip.name, source_lang="en")
    assert [b.source_id for b in trip.edition.blocks] == [b.id for b in article.blocks]
    marked = [el.get("data-block") for el in trip.page.iter() if el.get("data-block")]
    assert sorted(marked, key=lambda i: int(i[1:])) == [b.id for b in article.blocks]


def test_a_fragment_gets_no_chrome_it_lacked(fake_engine: Any) -> None:
    trip = round_trip("fragment.html", fake_engine(capitals))
    output = lxml.html.document_fromstring(trip.html)
    assert [el.tag for el in output.find("body")] == ["article"]
    assert trip.page.get("lang") == "fr" and output.get("lang") == "fr"
    assert not trip.page.xpath(".//header | .//footer | .//*[@class]")
    assert trip.page.get("data-provenance") == trip.edition.provenance.signature()


def test_a_full_page_keeps_its_article_only(fake_engine: Any) -> None:
    trip = round_trip("full-page.html", fake_engine(capitals))
    text = norm(trip.page.text_content())
    assert not {"/", "/news", "/privacy"} & {a.get("href") for a in trip.page.iter("a")}  # nav, page footer
    assert "GAZETTE" not in text and "PAGE SCRIPT" not in text and "COLOR:RED" not in text
    assert trip.edition.headline == "LIBRARY REOPENS AFTER TWO YEARS"


def test_french_adds_no_quotation_marks_around_a_q(fake_engine: Any) -> None:
    """The browser quotes a <q> in the page's language; marks the engine adds would show twice."""

    def quoting(request: TranslationRequest, attempt: int) -> str:
        text = capitals(request, attempt)
        return PLACEHOLDER_RE.sub(
            lambda m: (
                m.group(0) + "« "
                if m.group(0).startswith("<q")
                else " »" + m.group(0)
                if m.group(0).startswith("</q")
                else m.group(0)
            ),
            text,
        )

    trip = round_trip("nested-inline.html", fake_engine(quoting))
    [q] = trip.page.iter("q")
    assert norm(q.text_content()) == "A FAIR DEAL FOR THE NBN RIDERS"
    assert "«" not in norm(q.getparent().text_content())
    notes = [f.message for b in trip.edition.blocks for f in b.findings if f.fixed]
    assert any("inline quotation" in note for note in notes)


def test_a_lost_nested_span_goes_back_around_its_words(fake_engine: Any) -> None:
    """The engine drops the <em> inside a link: the repair puts it around the same words again."""

    def dropping(request: TranslationRequest, attempt: int) -> str:
        return capitals(request, attempt).replace("<em2>", "").replace("</em2>", "")

    trip = round_trip("nested-inline.html", fake_engine(dropping))
    [link] = [a for a in trip.page.iter("a") if a.get("href") == "https://example.org/council"]
    assert [norm(em.text_content()) for em in link.iter("em")] == ["CITY"]


def test_placeholder_tags_stay_strict() -> None:
    assert not PLACEHOLDER_RE.search("a <q> b <abbr> c <qa1> <code> <cite title=x> 1 < 2")
    assert [m.group(1) for m in PLACEHOLDER_RE.finditer("<abbr1>x</abbr1><a2>y</a2><b3>")] == [
        "abbr",
        "abbr",
        "a",
        "a",
        "b",
    ]
    builder = MarkupBuilder()
    builder.text("typed <q1>not a tag</q1> and <abbr2>")
    text, marks = builder.build()
    assert not PLACEHOLDER_RE.search(text) and not marks


def test_a_literal_tag_in_the_source_stays_text(fake_engine: Any, tmp_path: Any) -> None:
    page = tmp_path / "literal.html"
    page.write_text("<h1>Tags</h1><p>Write &lt;q1&gt; or &lt;abbr&gt; in <q>quotes</q>.</p>")
    article = read_article(page, source_lang="en")
    [edition] = Pipeline(fake_engine(capitals)).translate(article, "fr")
    out = lxml.html.document_fromstring(render_edition(edition, "html"))
    [p] = out.iter("p")
    assert norm(p.text_content()) == "WRITE ‹Q1› OR <ABBR> IN QUOTES."
    assert [norm(q.text_content()) for q in p.iter("q")] == ["QUOTES"]


def _bare(el: HtmlElement) -> str:
    return "".join(el.text_content().split())


def _block_of(el: HtmlElement) -> HtmlElement:
    for node in el.iterancestors():
        if node.tag in _BLOCKISH:
            return node
    raise AssertionError(f"<{el.tag}> is in no block element")


def test_markdown_around_raw_html_keeps_lists_and_figures_apart(fake_engine: Any, tmp_path: Any) -> None:
    story = tmp_path / "story.md"
    story.write_text(
        "# Title\n\nIntro.\n\n- one\n- two\n\n"
        '<figure><img src="/a.png" alt="First"><figcaption>Its caption</figcaption></figure>\n\n'
        "> Quoted.\n\n"
        '<figure><img src="/b.png" alt="Second"></figure>\n'
    )
    [edition] = Pipeline(fake_engine(capitals)).translate(read_article(story, source_lang="en"), "fr")
    page = lxml.html.document_fromstring(render_edition(edition, "html")).find(".//body/article")
    assert [el.tag for el in page] == ["h1", "p", "ul", "figure", "blockquote", "figure"]
    assert [len(el) for el in page.iter("ul", "figure")] == [2, 2, 1]
    markdown = render_edition(edition, "md")
    assert "![FIRST](/a.png)" in markdown and "![SECOND](/b.png)" in markdown


def test_inline_tree_nests_and_survives_broken_tags() -> None:
    marks = {
        "a1": Mark(kind="link", href="https://example.org/x"),
        "em2": Mark(kind="em"),
        "q3": Mark(kind="q"),
        "a4": Mark(kind="link", href="javascript:alert(1)"),
        "abbr5": Mark(kind="abbr", title='say "hi" <now>'),
    }
    assert tree("<a1>the <em2>city</em2> hall</a1>", marks) == [
        Span("link", ("the ", Span("em", ("city",)), " hall"), href="https://example.org/x")
    ]
    # closed out of order, an unknown tag, an unsafe link, an empty span, a span never closed
    nodes = tree("<q3>a <em2>b</q3> c</em2> <b9>d</b9> <a4>e</a4><em2></em2> <abbr5>f", marks)
    assert nodes == [
        Span("q", ("a ", Span("em", ("b",)))),
        " c",
        " ",
        "d",
        " ",
        Span(None, ("e",)),
        " ",
        Span("abbr", ("f",), title='say "hi" <now>'),
    ]
    html = render_nodes(nodes)
    assert html == '<q>a <em>b</em></q> c d e <abbr title="say &quot;hi&quot; &lt;now&gt;">f</abbr>'


def test_inline_quotes_are_unquoted_only_when_they_hold_the_whole_span() -> None:
    assert unquote_inline_quotes("dit <q1>« bon accord »</q1>.", ["q1"])[0] == "dit <q1>bon accord</q1>."
    assert unquote_inline_quotes("dit « <q1>bon</q1> ».", ["q1"])[0] == "dit <q1>bon</q1>."
    assert unquote_inline_quotes("<q1>“Yes”</q1>", ["q1"])[0] == "<q1>Yes</q1>"
    for kept in ("<q1>« a » et « b »</q1>", "« a » <q1>b</q1>", "<q1>l’accord</q1>"):
        assert unquote_inline_quotes(kept, ["q1"]) == (kept, [])
    assert unquote_inline_quotes("<em1>« x »</em1>", ["q1"]) == ("<em1>« x »</em1>", [])
