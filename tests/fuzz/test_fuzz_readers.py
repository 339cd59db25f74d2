"""Fuzzing the readers (text, Markdown, HTML, JSON, and sniffing): every input gives a sound `Article` or
an `EditionsError` with a one-line message; nothing else escapes. Inputs are structured documents of
each format (nested lists and quotes, links inside emphasis, blocks whose fields have the wrong
type …) with noise spliced in. Profiles and the tally: tests/fuzz/conftest.py."""

from __future__ import annotations

import pytest
from fuzz_checks import assert_clean_failure, assert_sound_article
from fuzz_strategies import (
    documents_as_text,
    html_documents,
    json_documents,
    markdown_documents,
    text_documents,
)
from fuzz_tally import tally
from hypothesis import example, given

from editions.errors import EditionsError
from editions.ingest import read_article_text

# hypothesis describes a nested strategy in a warning when it cannot describe it shortly: noise here
pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")


def _read(document: str, fmt: str | None, source_lang: str | None = "en") -> None:
    try:
        article = read_article_text(document, fmt=fmt, source_lang=source_lang)
    except EditionsError as err:
        assert_clean_failure(err)
        return
    assert_sound_article(article)
    # what a reader returns, our JSON reader reads back the same (the API accepts it as input)
    again = read_article_text(article.model_dump_json(), fmt="json")
    assert again.headline == article.headline
    assert [(b.kind, b.text, b.marks) for b in again.blocks] == [
        (b.kind, b.text, b.marks) for b in article.blocks
    ]


@given(text_documents())
@example("\u202e\nThe")  # the headline was only a bidi control: empty once it was removed
@example("The\n\u202e")  # a paragraph of a bidi control alone: an empty block
@example("0 \u202a")  # the headline kept the space before the control
@example("\u202a")  # nothing but a bidi control: an article with no text, not an error
def test_text_reader(document: str) -> None:
    tally("reader: text")
    _read(document, "text")


@given(markdown_documents())
@example("**\n\n*:*0**")  # nested spans were "broken markup"
@example("0 *[](0)*")  # an empty link inside emphasis left "0 <em1></em1>"
@example("*0 **[]()***")  # the headline kept a span's trailing space
@example("**\n\n*0<SCRIPT>*")  # an unclosed span: span ends inside <script> were dropped
@example('<?xml version="1.0" encoding="utf-8"?><p>x</p>')  # lxml: "encoding declaration" ValueError
def test_markdown_reader(document: str) -> None:
    tally("reader: markdown")
    _read(document, "md")


@given(html_documents())
@example('<a href="https://example.org/x">The </a>')  # the headline kept a span's trailing space
def test_html_reader(document: str) -> None:
    tally("reader: html")
    _read(document, "html")


@given(json_documents())
@example('{"headline": "x", "blocks": [{"id": "b", "text": "t", "level": ' + "9" * 5000 + "}]}")
def test_json_reader(document: str) -> None:
    tally("reader: json")
    _read(document, "json")


@given(documents_as_text())
@example(("> > [<script>[</script>](https://example.org/x)", "md"))  # IndexError: pop from empty list
def test_sniffed_format_and_detected_language(document_and_format: tuple[str, str]) -> None:
    """No format and no language given: the sniffer picks a reader, lingua the language."""
    tally("reader: sniffed + langid")
    _read(document_and_format[0], None, source_lang=None)
