"""Link checking, inline runs and list numbering shared by all renderers."""

from __future__ import annotations

import pytest

from editions.document import EditionBlock, Mark
from editions.render.inline import Run, runs, safe_href
from editions.render.layout import group, heading_level, item_numbers


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ("https://example.org/a?b=1", "https://example.org/a?b=1"),
        ("http://example.org", "http://example.org"),
        ("HTTPS://EXAMPLE.ORG", "HTTPS://EXAMPLE.ORG"),
        ("mailto:desk@example.org", "mailto:desk@example.org"),
        ("/news/2025/story", "/news/2025/story"),
        ("story.html#part-2", "story.html#part-2"),
        ("#section", "#section"),
        ("?page=2", "?page=2"),
        ("//cdn.example.org/x", "//cdn.example.org/x"),
        ("  https://example.org  ", "https://example.org"),
        ("javascript:alert(1)", None),
        ("JavaScript:alert(1)", None),
        ("  javascript:alert(1)", None),
        ("java\nscript:alert(1)", None),
        ("java\tscript:alert(1)", None),
        ("\x01javascript:alert(1)", None),
        ("vbscript:msgbox(1)", None),
        ("data:text/html,<script>alert(1)</script>", None),
        ("file:///etc/passwd", None),
        ("ftp://example.org", None),
        ("", None),
        ("   ", None),
        (None, None),
    ],
)
def test_safe_href(href: str | None, expected: str | None) -> None:
    assert safe_href(href) == expected


@pytest.mark.parametrize(
    ("text", "marks", "expected"),
    [
        ("plain", {}, [Run("plain")]),
        (
            "see <a1>this</a1> now",
            {"a1": Mark(kind="link", href="https://e.org")},
            [Run("see "), Run("this", "link", "https://e.org"), Run(" now")],
        ),
        ("<a1>bad</a1>", {"a1": Mark(kind="link", href="javascript:x")}, [Run("bad")]),
        ("<a1>no href</a1>", {"a1": Mark(kind="link")}, [Run("no href")]),
        ("<em1>unknown</em1>", {}, [Run("unknown")]),
        (
            "<em1>x</em1><b2>y</b2>",
            {"em1": Mark(kind="em"), "b2": Mark(kind="strong")},
            [Run("x", "em"), Run("y", "strong")],
        ),
        ("  two\n lines  ", {}, [Run("two lines")]),
        ("stray </a1> tag", {}, [Run("stray  tag")]),
    ],
)
def test_runs(text: str, marks: dict[str, Mark], expected: list[Run]) -> None:
    assert runs(text, marks) == expected


def _block(kind: str, ordered: bool = False) -> EditionBlock:
    return EditionBlock.model_validate({"source_id": "b", "kind": kind, "text": "t", "ordered": ordered})


@pytest.mark.parametrize(
    ("layout", "numbers", "sizes"),
    [
        ([], [], []),
        (["paragraph", "paragraph"], [0, 0], [1, 1]),
        (["ul", "ul", "ul"], [1, 2, 3], [3]),
        (["ol", "ol", "paragraph", "ol"], [1, 2, 0, 1], [2, 1, 1]),
        (["ol", "ul", "ul", "ol"], [1, 1, 2, 1], [1, 2, 1]),
        (["heading", "ul", "quote", "ul"], [0, 1, 0, 1], [1, 1, 1, 1]),
    ],
)
def test_list_numbers_and_groups(layout: list[str], numbers: list[int], sizes: list[int]) -> None:
    blocks = [_block("list_item", kind == "ol") if kind in ("ol", "ul") else _block(kind) for kind in layout]
    assert item_numbers(blocks) == numbers
    assert [len(run) for run in group(blocks)] == sizes


@pytest.mark.parametrize(("level", "expected"), [(None, 2), (1, 2), (2, 2), (3, 3), (6, 6), (9, 6)])
def test_heading_level(level: int | None, expected: int) -> None:
    block = EditionBlock(source_id="b1", kind="heading", text="t", level=level)
    assert heading_level(block) == expected
