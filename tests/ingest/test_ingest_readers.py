"""Each reader on a small article we wrote: headline, block kinds and order, links and emphasis."""

from __future__ import annotations

from pathlib import Path

import pytest

from editions.document import Article, Block, Mark, markup_problems
from editions.ingest import read_article, read_article_text

FIXTURES = Path(__file__).parent / "fixtures"
HEADLINE = "Harbour bridge reopens after repairs"
REPORT_URL = "https://example.org/council/report"


def read(name: str) -> Article:
    return read_article(FIXTURES / name, source_lang="en")


def kinds(article: Article) -> list[str]:
    return [block.kind for block in article.blocks]


def link_hrefs(block: Block) -> list[str | None]:
    return [mark.href for mark in block.marks.values() if mark.kind == "link"]


# p paragraph, h heading, q quote, l list item
KIND_CODES = {"p": "paragraph", "h": "heading", "q": "quote", "l": "list_item"}


@pytest.mark.parametrize(
    ("name", "expected_kinds"),
    [
        ("story.txt", "p p l l q l l p"),
        ("story.md", "p p h q l l l l"),
        ("story_fragment.html", "p p h q l l"),
        ("story_page.html", "p p h p p p l l"),
        ("story_schema.json", "p p h q"),
        ("story_cms.json", "p p l l"),
    ],
)
def test_reader_finds_headline_and_blocks_in_order(name: str, expected_kinds: str) -> None:
    article = read(name)
    expected = [KIND_CODES[code] for code in expected_kinds.split()]
    assert article.headline == HEADLINE
    assert kinds(article) == expected
    assert [block.id for block in article.blocks] == [f"b{i + 1}" for i in range(len(expected))]
    assert article.blocks[0].plain.startswith("The harbour bridge in Port Ellis reopened")
    assert all(not markup_problems(block.text, block.marks) for block in article.blocks)


@pytest.mark.parametrize("name", ["story.md", "story_fragment.html", "story_page.html", "story_schema.json"])
def test_link_and_emphasis_survive_as_placeholders(name: str) -> None:
    block = read(name).blocks[1]
    assert block.text.startswith("Engineers")
    assert "<em1>entire</em1>" in block.text
    assert "<a2>the council's final report</a2>" in block.text
    assert block.marks == {"em1": Mark(kind="em"), "a2": Mark(kind="link", href=REPORT_URL)}


def test_text_reader_joins_wrapped_lines_and_reads_lists_and_quotes() -> None:
    article = read("story.txt")
    assert article.blocks[0].plain.endswith(
        "after eight months of structural repairs, the city council said."
    )
    assert [block.plain for block in article.blocks[2:4]] == ["new steel cables", "a resurfaced deck"]
    assert (
        article.blocks[4].plain
        == '"It has been a long winter," said one driver who crosses the bridge twice a day.'
    )
    assert [block.ordered for block in article.blocks[2:7]] == [False, False, False, True, True]
    assert all(not block.marks for block in article.blocks)


def test_markdown_reader_details() -> None:
    article = read("story.md")
    assert article.byline == "By Jane Doe"
    heading = article.blocks[2]
    assert (heading.kind, heading.level, heading.text) == ("heading", 2, "Traffic expected to ease")
    assert article.blocks[4].text == "Cables replaced: <b1>42</b1>"
    assert article.blocks[4].marks == {"b1": Mark(kind="strong")}
    assert [block.ordered for block in article.blocks[4:]] == [False, False, True, True]


@pytest.mark.parametrize(
    ("markdown", "expected_text"),
    [
        ("Code `x = 1` stays text.", "Code x = 1 stays text."),
        ("An image ![a red bridge](bridge.png) keeps its alt.", "An image a red bridge keeps its alt."),
        (
            "Raw <span>inline</span> html <script>alert(1)</script>is stripped.",
            "Raw inline html is stripped.",
        ),
        (
            "A [script link](javascript:alert(1)) is not a link.",
            "A [script link](javascript:alert(1)) is not a link.",
        ),
        ("Soft\nbreak and hard  \nbreak.", "Soft break and hard break."),
        ("A [relative](/news/1) link.", "A <a1>relative</a1> link."),
    ],
)
def test_markdown_inline(markdown: str, expected_text: str) -> None:
    article = read_article_text(f"# Title\n\n{markdown}\n", fmt="md", source_lang="en")
    assert article.blocks[0].text == expected_text


def test_markdown_raw_html_block_is_read_as_html_without_script() -> None:
    source = (
        '# Title\n\n<div><p>From <a href="https://example.org/">HTML</a></p><script>evil()</script></div>\n'
    )
    article = read_article_text(source, fmt="md", source_lang="en")
    assert [block.text for block in article.blocks] == ["From <a1>HTML</a1>"]
    assert "evil" not in article.model_dump_json()


@pytest.mark.parametrize(
    ("markdown", "headline", "first_block"),
    [
        ("Intro paragraph.\n\n# The real title\n\nBody.", "The real title", "Intro paragraph."),
        ("## Only a subheading\n\nBody.", "Only a subheading", "Body."),
        ("Just a paragraph first.\n\nBody.", "Just a paragraph first.", "Body."),
    ],
)
def test_markdown_headline_choice(markdown: str, headline: str, first_block: str) -> None:
    article = read_article_text(markdown, fmt="md", source_lang="en")
    assert (article.headline, article.blocks[0].text) == (headline, first_block)


def test_full_page_keeps_only_the_article() -> None:
    article = read("story_page.html")
    dumped = article.model_dump_json()
    for noise in (
        "SECRET_TRACKING_CODE",
        "INJECTED SCRIPT TEXT",
        "cookies",
        "Sport",
        "Copyright",
        "Celebrity",
    ):
        assert noise not in dumped
    meeting = article.blocks[5]
    assert "public meeting" in meeting.text
    assert not link_hrefs(meeting)  # the javascript: link kept its words, not its href
    assert article.byline == "Jane Doe"


def test_fragment_is_walked_without_dropping_short_paragraphs() -> None:
    # Trafilatura merges such a short page into one paragraph; our walk keeps its structure.
    page = '<html><body><h1>T</h1><p>Short piece.</p><p>Another <a href="/x">one</a>.</p></body></html>'
    article = read_article_text(page, fmt="html", source_lang="en")
    assert article.headline == "T"
    assert [block.text for block in article.blocks] == ["Short piece.", "Another <a1>one</a1>."]
    assert link_hrefs(article.blocks[1]) == ["/x"]


def test_fragment_drops_script_and_javascript_hrefs() -> None:
    article = read("story_fragment.html")
    assert "INJECTED" not in article.model_dump_json()
    assert article.blocks[4].text == "A public meeting."
    assert not article.blocks[4].marks


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ('<p><a href="mailto:desk@example.org">Mail</a></p>', ["mailto:desk@example.org"]),
        ('<p><a href="data:text/html,hi">Data</a></p>', []),
        ('<p><a href=" JavaScript:alert(1)">Mixed case</a></p>', []),
        ('<p><a href="java\tscript:alert(1)">Tab inside</a></p>', []),
        ('<p><a href="vbscript:x">VB</a></p>', []),
        ('<p><a href="#section">Anchor</a></p>', ["#section"]),
        ("<p><a>No href</a></p>", []),
    ],
)
def test_html_link_targets(html: str, expected: list[str]) -> None:
    article = read_article_text(f"<h1>Title</h1>{html}", fmt="html", source_lang="en")
    assert link_hrefs(article.blocks[0]) == expected


def test_html_title_is_the_headline_when_there_is_no_h1() -> None:
    page = (
        "<html><head><title>Bridge reopens | The Gazette</title></head><body><p>Body text.</p></body></html>"
    )
    article = read_article_text(page, fmt="html", source_lang="en")
    assert (article.headline, [block.text for block in article.blocks]) == ("Bridge reopens", ["Body text."])


def test_json_schema_round_trip() -> None:
    original = read("story_schema.json")
    again = read_article(original.model_dump_json().encode(), fmt="json")
    assert again == original


def test_json_cms_form() -> None:
    article = read("story_cms.json")
    assert (article.standfirst, article.byline, article.source_lang) == (
        "Eight months of repairs are over.",
        "Jane Doe",
        "en",
    )


def test_json_cms_body_as_one_string() -> None:
    source = '{"headline": "Title", "body": "First paragraph.\\n\\nSecond\\nparagraph."}'
    article = read_article_text(source, fmt="json", source_lang="en")
    assert [block.text for block in article.blocks] == ["First paragraph.", "Second paragraph."]


def test_json_schema_drops_unsafe_link_but_keeps_text() -> None:
    source = (
        '{"headline": "T", "blocks": [{"id": "x", "text": "A <a1>bad</a1> link.",'
        ' "marks": {"a1": {"kind": "link", "href": "javascript:alert(1)"}}}]}'
    )
    block = read_article_text(source, fmt="json", source_lang="en").blocks[0]
    assert (block.id, block.text, block.marks) == ("b1", "A bad link.", {})


@pytest.mark.parametrize(
    ("fmt", "source"),
    [
        ("text", "Title\n\nAn article about the <a1> tag and </a1> too."),
        ("md", "# Title\n\nAn article about the \\<a1> tag and \\</a1> too."),
        ("html", "<h1>Title</h1><p>An article about the &lt;a1&gt; tag and &lt;/a1&gt; too.</p>"),
        ("json", '{"headline": "Title", "body": ["An article about the <a1> tag and </a1> too."]}'),
    ],
)
def test_literal_placeholder_in_text_is_not_a_placeholder(fmt: str, source: str) -> None:
    block = read_article_text(source, fmt=fmt, source_lang="en").blocks[0]
    assert block.marks == {}
    assert "<a1>" not in block.text
    assert block.text == "An article about the ‹a1› tag and ‹/a1› too."
    assert markup_problems(block.text, block.marks) == []


def test_literal_placeholder_in_headline_is_neutralised() -> None:
    article = read_article_text("Why <em1> matters\n\nBody.", source_lang="en")
    assert article.headline == "Why ‹em1› matters"


def test_french_article_is_detected_as_french() -> None:
    article = read_article(FIXTURES / "histoire.md")
    assert article.source_lang == "fr"


def test_english_article_is_detected_as_english() -> None:
    assert read_article(FIXTURES / "story.txt").source_lang == "en"


@pytest.mark.parametrize(
    ("given", "expected"), [("fr", "fr"), ("FR", "fr"), ("fr-CA", "fr"), ("en_GB", "en")]
)
def test_given_source_language_wins_over_detection(given: str, expected: str) -> None:
    assert read_article(FIXTURES / "story.txt", source_lang=given).source_lang == expected


@pytest.mark.parametrize(
    "noise",
    [
        '<div class="cookie-banner">We use cookies.</div>',
        '<div id="gdpr-consent"><p>Accept all</p></div>',
        '<ul class="share-bar"><li><a href="https://social.example/share">Share</a></li></ul>',
        "<aside><p>Most read today</p></aside>",
        "<p hidden>Hidden text</p>",
        '<p style="display: none">Hidden text</p>',
        "<nav><a href='/'>Home</a></nav><footer>Copyright</footer>",
        "<noscript>Enable JavaScript</noscript><template><p>Template</p></template>",
    ],
)
def test_fragment_walk_skips_boilerplate(noise: str) -> None:
    fragment = f'<article class="story has-comments"><h1>Title</h1>{noise}<p>Body.</p></article>'
    article = read_article_text(fragment, fmt="html", source_lang="en")
    assert [block.text for block in article.blocks] == ["Body."]
