"""Readers: plain text, Markdown, HTML and JSON articles in, one `Article` out.

    read_article(path_or_bytes, fmt=None, source_lang=None, max_bytes=DEFAULT_MAX_BYTES, name=None)
    read_article_text(text, fmt="text", source_lang=None)
    read_article_url(url, fmt=None, source_lang=None, policy=None)   http(s) only, SSRF-checked

The format is the one asked for, else the file extension's (.txt .md .html .json …), else sniffed
from the text. Limits and edge cases (size limit, binary and encoding checks, empty input,
headline-only news alerts, language detection) are documented in `editions.ingest.read`; in short:
inputs over 2 MB are refused before they are read, and a headline with no body is accepted as an
Article with zero blocks. URLs are fetched under a `UrlPolicy` that refuses internal addresses
(loopback, private, metadata …) at every redirect hop; see `editions.ingest.ssrf`.
"""

from editions.ingest.decode import DEFAULT_MAX_BYTES
from editions.ingest.formats import FORMATS, detect_format
from editions.ingest.read import read_article, read_article_text
from editions.ingest.url import UrlPolicy, fetch_url, read_article_url

__all__ = [
    "DEFAULT_MAX_BYTES",
    "FORMATS",
    "UrlPolicy",
    "detect_format",
    "fetch_url",
    "read_article",
    "read_article_text",
    "read_article_url",
]
