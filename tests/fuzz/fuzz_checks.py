"""What every fuzz test asserts about a failure and about an article a reader returns."""

from __future__ import annotations

from editions.document import Article, markup_problems
from editions.errors import EditionsError
from editions.ingest.draft import safe_href


def assert_clean_failure(err: EditionsError) -> None:
    """A failure the user sees: an `EditionsError` whose message is one non-empty line."""
    message = str(err)
    assert message.strip(), f"{type(err).__name__} with an empty message"
    assert "\n" not in message and "\r" not in message, f"{type(err).__name__}: message on several lines"


def assert_sound_article(article: Article) -> None:
    """What the rest of the pipeline relies on: one-line headline, well-formed markup, safe links."""
    assert article.headline or article.blocks
    assert "\n" not in article.headline
    assert article.source_lang
    for block in article.blocks:
        assert block.text.strip(), block
        assert markup_problems(block.text, block.marks) == [], block
        for mark in block.marks.values():
            if mark.kind == "link":
                assert mark.href is not None and safe_href(mark.href) is not None, mark
