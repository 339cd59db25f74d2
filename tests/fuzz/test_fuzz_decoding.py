"""Fuzzing decoding: arbitrary bytes (BOMs, UTF-16/32, invalid UTF-8, NULs, binary magic, huge lines,
a <meta> naming any charset, an HTTP charset) give clean text or an `EditionsError` with a one-line
message. Profiles and the tally: tests/fuzz/conftest.py."""

from __future__ import annotations

import re

from fuzz_checks import assert_clean_failure, assert_sound_article
from fuzz_strategies import CHARSETS, file_bytes
from fuzz_tally import tally
from hypothesis import example, given
from hypothesis import strategies as st

from editions.errors import EditionsError
from editions.ingest import read_article
from editions.ingest.decode import clean_text, decode, decode_with_charset

# what clean_text promises to remove (decode.py): C0/C1 controls but tab and newline, soft hyphen,
# zero-width space, word joiner, BOM, lone surrogates
_LEFT_OUT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u200b\u2060\ufeff\ud800-\udfff]")


@given(file_bytes(), st.booleans())
@example(b'<html><meta charset="hex"><p>caf\xe9</p>', True)
@example(b"<meta charset=rot13><p>caf\xe9</p>", True)
def test_decode(raw: bytes, maybe_html: bool) -> None:
    tally("decode")
    try:
        text = decode(raw, "the article", maybe_html=maybe_html)
    except EditionsError as err:
        assert_clean_failure(err)
        return
    cleaned = clean_text(text)
    assert not _LEFT_OUT.search(cleaned), ascii(_LEFT_OUT.search(cleaned))
    assert "\r" not in cleaned
    assert clean_text(cleaned) == cleaned


@given(file_bytes(), CHARSETS, st.booleans())
@example(b"caf\xe9", "hex", False)
@example(b" ", "punycode", False)  # a bare UnicodeError
@example(b"", "utf-8\x00", False)  # ValueError: embedded null character
def test_decode_with_an_http_charset(raw: bytes, charset: str, maybe_html: bool) -> None:
    tally("decode (HTTP charset)")
    try:
        decode_with_charset(raw, "https://example.org/a", charset, maybe_html=maybe_html)
    except EditionsError as err:
        assert_clean_failure(err)


@given(file_bytes(), st.sampled_from([None, "text", "md", "html", "json"]))
def test_read_article_from_bytes(raw: bytes, fmt: str | None) -> None:
    """The whole way a file takes: size, binary sniffing, decoding, clean-up, the reader."""
    tally("read_article (bytes)")
    try:
        article = read_article(raw, fmt=fmt, source_lang="en")
    except EditionsError as err:
        assert_clean_failure(err)
        return
    assert_sound_article(article)


@given(st.text(st.characters(codec=None), min_size=1, max_size=30), file_bytes())
@example("a\nb.md", b"# Title\n\nBody.")
@example("a\ud800b.md", b"x")  # UnicodeEncodeError from os.stat
def test_read_article_file_names(name: str, raw: bytes) -> None:
    """A file or upload name is part of error messages: any name keeps them on one line."""
    tally("read_article (names)")
    try:
        read_article(raw[:200] + b"\x00", name=name, source_lang="en")  # the NUL: always refused
    except EditionsError as err:
        assert_clean_failure(err)
    try:
        read_article(f"/nonexistent/{name}".replace("\x00", ""), source_lang="en")
    except EditionsError as err:
        assert_clean_failure(err)
