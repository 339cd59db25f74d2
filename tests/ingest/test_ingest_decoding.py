"""Decoding and format choice: BOMs, declared charsets, normalisation, extension and sniffing."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from editions.ingest import FORMATS, detect_format, read_article

ARTICLE = "Café reopens\n\nThe café on the quay reopened on Tuesday."


@pytest.mark.parametrize(
    "content",
    [
        ARTICLE.encode("utf-8"),
        codecs.BOM_UTF8 + ARTICLE.encode("utf-8"),
        ARTICLE.encode("utf-16"),  # with its BOM
        codecs.BOM_UTF16_BE + ARTICLE.encode("utf-16-be"),
        ARTICLE.replace("\n", "\r\n").encode("utf-8"),
        ARTICLE.replace("\n", "\r").encode("utf-8"),
    ],
    ids=["utf8", "utf8-bom", "utf16-le-bom", "utf16-be-bom", "crlf", "cr"],
)
def test_accepted_encodings_and_newlines(content: bytes) -> None:
    article = read_article(content, fmt="text", source_lang="en")
    assert article.headline == "Café reopens"
    assert [block.text for block in article.blocks] == ["The café on the quay reopened on Tuesday."]


def test_declared_charset_is_honoured_for_html_that_is_not_utf8() -> None:
    page = '<html><head><meta charset="windows-1252"></head><body><h1>Café – “open”</h1><p>Déjà vu.</p>'
    article = read_article(page.encode("windows-1252"), name="page.html", source_lang="fr")
    assert (article.headline, article.blocks[0].text) == ("Café – “open”", "Déjà vu.")


def test_utf8_wins_over_a_wrong_declaration() -> None:
    page = '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1"><h1>Café</h1><p>Oui.</p>'
    article = read_article(page.encode("utf-8"), fmt="html", source_lang="fr")
    assert article.headline == "Café"


def test_text_is_nfc_and_free_of_invisible_characters() -> None:
    decomposed = "Cafe\u0301\u200b reopens\n\nA\u00adB\x07C\ufeff\u2060D\tE"
    article = read_article(decomposed.encode("utf-8"), fmt="text", source_lang="en")
    assert article.headline == "Café reopens"
    assert article.blocks[0].text == "ABCD E"  # the tab is kept, then normalised like any space


def test_joiners_needed_by_some_scripts_are_kept() -> None:
    article = read_article("Title\n\nمی\u200cخواهم 👩\u200d💻".encode(), fmt="text", source_lang="en")
    assert "\u200c" in article.blocks[0].text and "\u200d" in article.blocks[0].text


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("story.txt", "# looks like markdown", "text"),
        ("story.TEXT", "x", "text"),
        ("story.md", "<p>looks like html</p>", "md"),
        ("story.markdown", "x", "md"),
        ("page.HTM", "x", "html"),
        ("page.html", "x", "html"),
        ("story.json", "x", "json"),
        (None, '  {"headline": "x"}', "json"),
        (None, "<!DOCTYPE html><html><body>x</body></html>", "html"),
        (None, "<html lang='en'>", "html"),
        ("upload.bin", "<h1>Title</h1>\n<p>Body</p>", "html"),
        (None, "Title\n\nA <p>paragraph</p> with <div>two</div> closing tags.", "html"),
        (None, "Title\n\nFor x < y and y > z, write <b>.", "text"),
        (None, "# Title\n\nBody.", "md"),
        (None, "Title\n\n## Section\n\nBody.", "md"),
        (None, "Title\n\nSee [the report](https://example.org/r).", "md"),
        (None, "#hashtag at the start\n\nBody.", "text"),
        (None, "Title\n\nBody.", "text"),
        (None, "", "text"),
    ],
)
def test_detect_format(name: str | None, text: str, expected: str) -> None:
    assert detect_format(name, text) == expected
    assert expected in FORMATS


def test_format_from_file_extension(tmp_path: Path) -> None:
    path = tmp_path / "story.md"
    path.write_text("Title\n=====\n\nBody with *emphasis*.\n", encoding="utf-8")
    article = read_article(path, source_lang="en")
    assert (article.headline, article.blocks[0].text) == ("Title", "Body with <em1>emphasis</em1>.")


@pytest.mark.parametrize(
    ("alias", "expected"),
    [
        ("markdown", ["Title", "Body with <em1>emphasis</em1>."]),
        ("TXT", ["Title", "Body with *emphasis*."]),
        ("htm", ["Title Body with *emphasis*."]),  # HTML ignores the blank line: one run of text
    ],
)
def test_format_aliases(alias: str, expected: list[str]) -> None:
    article = read_article(b"Title\n\nBody with *emphasis*.", fmt=alias, source_lang="en")
    assert [article.headline, *(block.text for block in article.blocks)] == expected


def test_public_api_is_complete() -> None:
    import editions.ingest as ingest

    assert sorted(ingest.__all__) == [
        "DEFAULT_MAX_BYTES",
        "FORMATS",
        "UrlPolicy",
        "detect_format",
        "fetch_url",
        "read_article",
        "read_article_text",
        "read_article_url",
    ]
    assert all(hasattr(ingest, name) for name in ingest.__all__)
    assert ingest.FORMATS == ("text", "md", "html", "json")


@pytest.mark.parametrize(
    ("content", "headline"),
    [
        (b'{"headline": "From JSON", "body": ["Body."]}', "From JSON"),
        (b"<!doctype html><html><body><h1>From HTML</h1><p>Body.</p></body></html>", "From HTML"),
        (b"Title\n\n## From Markdown\n\nBody.", "From Markdown"),
        (b"From text\n\nBody.", "From text"),
    ],
)
def test_bytes_without_a_name_are_sniffed(content: bytes, headline: str) -> None:
    article = read_article(content, source_lang="en")
    assert headline in (article.headline, *(block.text for block in article.blocks))
