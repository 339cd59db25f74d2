"""Reading an article: a file or bytes → checked, decoded, clean text → the reader for its format.

Documented behaviour:

* **Size.** Inputs over `max_bytes` (default `DEFAULT_MAX_BYTES`, 2 MB; a long news article is ~50 kB)
  raise `InputTooLargeError`. The size comes from `stat` or `len` before anything is read or decoded,
  and a file is never read past `max_bytes + 1` bytes (so `/dev/zero` is refused, not consumed).
* **Bytes.** Binary data (known magic numbers such as PNG/PDF/ZIP/gzip, NUL bytes, or over 10% control
  characters) raises `BinaryInputError`. UTF-8 with or without a BOM and UTF-16/32 with a BOM are
  read; an HTML file that is not UTF-8 is decoded with the charset its `<meta>` declares; anything
  else raises `EncodingError` naming the first bad byte and its offset.
* **Text.** Newlines become `\\n`, text is NFC-normalised, and control and zero-width characters other
  than newline and tab are removed.
* **Empty.** An empty or whitespace-only input, or one where the reader finds no text at all (an HTML
  page of menus only), raises `EmptyArticleError`.
* **Bidi controls.** Embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) are removed
  from every segment, each removal recorded as a fixed `bidi.control` finding (`ingest.bidi`).
* **Headline only.** Accepted: an input whose only content is a headline (one line of text, a lone
  `# Heading`, `{"headline": "…"}`) is a news alert, returned as an Article with zero blocks.
* **Language.** `source_lang` when given (validated), else the one the JSON declares, else detected
  with lingua from the headline and first blocks; "en" when lingua cannot tell.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from editions.document import Article
from editions.errors import EmptyArticleError
from editions.ingest.bidi import remove_bidi_controls
from editions.ingest.decode import (
    DEFAULT_MAX_BYTES,
    check_size,
    clean_text,
    decode,
    display_name,
    read_file,
)
from editions.ingest.formats import format_from_name, normalize_format, sniff_format
from editions.ingest.html import parse_html
from editions.ingest.jsonfmt import parse_json
from editions.ingest.markdown import parse_markdown
from editions.ingest.text import parse_text
from editions.langid import detect_language
from editions.languages import get_language

_READERS: dict[str, Callable[[str], Article]] = {
    "text": parse_text,
    "md": parse_markdown,
    "html": parse_html,
    "json": parse_json,
}
_DEFAULT_LANGUAGE = "en"
_DETECTION_SAMPLE_CHARS = 1000  # plenty for lingua; more only costs time
_UNNAMED = "the article"


def read_article(
    source: str | os.PathLike[str] | bytes,
    *,
    fmt: str | None = None,
    source_lang: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    name: str | None = None,
) -> Article:
    """Read an article from a file path, or from raw bytes (`name` then only helps pick the format)."""
    chosen = normalize_format(fmt) if fmt else None  # bad options fail before any I/O
    language = _given_language(source_lang)
    if isinstance(source, bytes):
        label = display_name(name) if name else _UNNAMED
        check_size(len(source), max_bytes, label)
        raw = source
    else:
        label = display_name(os.fspath(source))
        name = name or os.fspath(source)
        raw = read_file(source, max_bytes)
    chosen = chosen or format_from_name(name)
    text = clean_text(decode(raw, label, maybe_html=chosen in (None, "html")))
    return _parse(text, chosen or sniff_format(text), label, language)


def read_article_text(
    text: str,
    *,
    fmt: str | None = "text",
    source_lang: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Article:
    """Read an article that is already a string (an API request body); `fmt=None` sniffs the format."""
    chosen = normalize_format(fmt) if fmt else None
    language = _given_language(source_lang)
    if len(text) > max_bytes:  # UTF-8 is never shorter than the character count: no need to encode
        check_size(len(text), max_bytes, _UNNAMED, at_least=True)
    check_size(len(text.encode("utf-8", "surrogatepass")), max_bytes, _UNNAMED)
    text = clean_text(text)
    return _parse(text, chosen or sniff_format(text), _UNNAMED, language)


def _parse(text: str, fmt: str, label: str, source_lang: str | None) -> Article:
    if not text.strip():
        raise EmptyArticleError(f"{label} is empty: nothing to translate")
    article = remove_bidi_controls(_READERS[fmt](text))
    if not article.headline and not article.blocks:
        raise EmptyArticleError(f"{label} has no article text: nothing to translate")
    language = source_lang or article.source_lang or _detected_language(article)
    return article.model_copy(update={"source_lang": language})


def _given_language(code: str | None) -> str | None:
    return None if code is None else get_language(code).code


def _detected_language(article: Article) -> str:
    parts = [article.headline, article.standfirst or ""]
    parts += [block.plain for block in article.blocks[:10]]
    sample = " ".join(part for part in parts if part)[:_DETECTION_SAMPLE_CHARS]
    return detect_language(sample) or _DEFAULT_LANGUAGE
