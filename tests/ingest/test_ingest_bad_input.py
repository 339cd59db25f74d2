"""Bad input for every format: each is refused with its own error type and a one-line message."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from editions.errors import (
    ArticleFormatError,
    BinaryInputError,
    EditionsError,
    EmptyArticleError,
    EncodingError,
    InputError,
    InputTooLargeError,
    UnknownLanguageError,
    UsageError,
)
from editions.ingest import DEFAULT_MAX_BYTES, FORMATS, read_article, read_article_text

EXTENSIONS = {"text": "txt", "md": "md", "html": "html", "json": "json"}
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64
CAFE_LATIN1 = "Caf\xe9 opens".encode("latin-1")  # 0xe9 at offset 3: not UTF-8

# What each format's writer would put around a headline, so the bad bytes sit where real text would.
WRAP: dict[str, Callable[[bytes], bytes]] = {
    "text": lambda body: body + b"\n",
    "md": lambda body: b"# " + body + b"\n",
    "html": lambda body: b"<h1>" + body + b"</h1>",
    "json": lambda body: b'{"headline": "' + body + b'"}',
}


def expect(error: type[EditionsError], call: Callable[[], object], *words: str) -> str:
    with pytest.raises(error) as caught:
        call()
    message = str(caught.value)
    assert "\n" not in message and message.strip() == message
    for word in words:
        assert word in message
    return message


def write(tmp_path: Path, fmt: str, content: bytes) -> Path:
    path = tmp_path / f"story.{EXTENSIONS[fmt]}"
    path.write_bytes(content)
    return path


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("content", [b"", b"   \n\t\r\n  \n"], ids=["empty", "whitespace"])
def test_empty_input(tmp_path: Path, fmt: str, content: bytes) -> None:
    path = write(tmp_path, fmt, content)
    expect(EmptyArticleError, lambda: read_article(path), "story.", "empty", "nothing to translate")


@pytest.mark.parametrize("fmt", FORMATS)
def test_binary_input(tmp_path: Path, fmt: str) -> None:
    path = write(tmp_path, fmt, PNG)
    expect(BinaryInputError, lambda: read_article(path), "binary", "PNG")


@pytest.mark.parametrize("fmt", FORMATS)
def test_nul_bytes_are_binary(fmt: str) -> None:
    content = WRAP[fmt](b"Bridge\x00\x00reopens")
    expect(BinaryInputError, lambda: read_article(content, fmt=fmt), "binary", "NUL")


@pytest.mark.parametrize("fmt", FORMATS)
def test_not_utf8(tmp_path: Path, fmt: str) -> None:
    content = WRAP[fmt](CAFE_LATIN1)
    offset = content.index(b"\xe9")
    path = write(tmp_path, fmt, content)
    expect(EncodingError, lambda: read_article(path), "not valid UTF-8", f"0xe9 at offset {offset}", "iconv")


@pytest.mark.parametrize("fmt", FORMATS)
def test_headline_only_is_an_alert_with_no_blocks(fmt: str) -> None:
    article = read_article(WRAP[fmt](b"Bridge reopens"), fmt=fmt, source_lang="en")
    assert article.headline == "Bridge reopens"
    assert article.blocks == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_ten_megabytes_is_refused_from_stat(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"story.{EXTENSIONS[fmt]}"
    with path.open("wb") as handle:
        handle.truncate(10_000_000)  # sparse: all NULs, so reading it would say "binary", not "too large"
    started = time.perf_counter()
    expect(InputTooLargeError, lambda: read_article(path), "10.0 MB", "the limit is 2.0 MB")
    assert time.perf_counter() - started < 0.5


@pytest.mark.parametrize("fmt", FORMATS)
def test_ten_megabytes_of_bytes_is_refused_before_decoding(fmt: str) -> None:
    content = WRAP[fmt](b"a" * 10_000_000)
    expect(InputTooLargeError, lambda: read_article(content, fmt=fmt), "10.0 MB", "2.0 MB")


def test_ten_megabyte_string_is_refused() -> None:
    expect(InputTooLargeError, lambda: read_article_text("word " * 2_000_001), "MB", "2.0 MB")


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_endless_device_is_read_only_up_to_the_limit() -> None:
    expect(InputTooLargeError, lambda: read_article("/dev/zero", fmt="text"), "over 2.0 MB")


def test_limit_is_configurable() -> None:
    assert DEFAULT_MAX_BYTES == 2_000_000
    expect(InputTooLargeError, lambda: read_article(b"x" * 2_000, max_bytes=1_000), "2.0 kB", "1.0 kB")
    assert read_article(b"Title\n\nBody.", max_bytes=20, source_lang="en").headline == "Title"


@pytest.mark.parametrize(
    ("source", "words"),
    [
        ('{"headline": "Title",}', ["not valid article JSON", "line 1 column 22"]),
        ('{"headline": "Title"\n, "body": ["x"]', ["not valid article JSON", "line 2"]),
        ("{headline: 1}", ["not valid article JSON", "property name"]),
        ('["a list"]', ["must be an object", "a list"]),
        ('{"body": ["A paragraph."]}', ["'headline' is required"]),
        ('{"headline": 3, "body": []}', ["'headline' must be a string"]),
        ('{"headline": "Title", "body": [1, 2]}', ["'body' must be a string or a list of strings"]),
        ('{"headline": "Title", "body": [], "tags": ["x"]}', ["unknown field 'tags'"]),
        ('{"headline": "", "body": ["A paragraph."]}', ["'headline' is empty"]),
        ('{"headline": "Title", "body": [], "lang": "xx"}', ["unknown language 'xx'"]),
        ('{"source_lang": "en"}', ["'headline' is required"]),
        ('{"headline": "Title", "blocks": [{"text": "x"}]}', ["'blocks.0.id' is required"]),
        ('{"headline": "Title", "blocks": [{"id": "1", "text": "x", "kind": "table"}]}', ["'blocks.0.kind'"]),
        ('{"headline": "Title", "subtitle": "x"}', ["unknown field 'subtitle'"]),
        (
            '{"headline": "T", "blocks": [{"id": "1", "text": "<a1>x"}]}',
            ["block 1", "unknown inline tag <a1>"],
        ),
        ("[" * 100_000, ["nested too deeply"]),
    ],
)
def test_malformed_json(source: str, words: list[str]) -> None:
    expect(ArticleFormatError, lambda: read_article_text(source, fmt="json"), *words)


def test_missing_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    message = expect(InputError, lambda: read_article("story.md"))
    assert message == "no such file: story.md"


def test_directory_is_not_an_article(tmp_path: Path) -> None:
    expect(InputError, lambda: read_article(tmp_path), "is a directory")


@pytest.mark.parametrize(
    ("call", "error", "word"),
    [
        (lambda: read_article(b"Title", fmt="pdf"), UsageError, "unknown format 'pdf'"),
        (lambda: read_article_text("Title", fmt="docx"), UsageError, "known: text, md, html, json"),
        (lambda: read_article(b"Title", source_lang="klingon"), UnknownLanguageError, "unknown language"),
    ],
)
def test_bad_options(call: Callable[[], object], error: type[EditionsError], word: str) -> None:
    expect(error, call, word)


def test_bad_option_is_reported_before_the_file_is_read(tmp_path: Path) -> None:
    expect(UsageError, lambda: read_article(tmp_path / "missing.txt", fmt="pdf"), "unknown format")


@pytest.mark.parametrize(
    ("content", "what"),
    [
        (b"%PDF-1.7\n%\xe2\xe3", "PDF"),
        (b"PK\x03\x04\x14\x00\x06\x00", "ZIP"),
        (b"\x1f\x8b\x08\x00", "gzip"),
        (bytes(range(1, 9)) * 50 + b"some text", "control characters"),
    ],
)
def test_other_binary_inputs(content: bytes, what: str) -> None:
    expect(BinaryInputError, lambda: read_article(content, name="upload.txt"), "upload.txt", what)


def test_html_only_boilerplate_has_no_article_text() -> None:
    page = b"<html><body><nav><a href='/'>Home</a></nav><script>x()</script></body></html>"
    expect(
        EmptyArticleError, lambda: read_article(page, name="page.html"), "page.html", "nothing to translate"
    )


def test_html_with_wrong_declared_charset_is_an_encoding_error() -> None:
    page = b'<html><head><meta charset="ascii"></head><body><h1>Caf\xe9</h1></body></html>'
    expect(EncodingError, lambda: read_article(page, fmt="html"), "not valid ascii", "0xe9")
