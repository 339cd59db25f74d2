"""Plain text: the seed layout, tags stripped, one paragraph per block."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from editions.document import Edition, EditionBlock
from editions.render import render_edition, render_editions

EditionFactory = Callable[..., Edition]

EXPECTED = """\
Le titre traduit

The original headline

Le titre traduit

Le chapeau de l'article.

Lisez le rapport complet.

Une section

Un mot clé et fort.

« Nous verrons », a-t-il dit.

- Premier point

- Second point
"""


def test_exact_layout(edition: Edition) -> None:
    assert render_edition(edition, "text") == EXPECTED


def test_two_editions_follow_each_other_after_one_blank_line(edition: Edition, vietnamese: Edition) -> None:
    output = render_editions([edition, vietnamese], "text")
    assert output == EXPECTED + "\n" + render_edition(vietnamese, "text")
    assert "\n\n\n" not in output
    assert output.endswith("Tiêu đề đã dịch\n\nĐoạn văn đầu tiên.\n")


def test_no_editions_no_text() -> None:
    assert render_editions([], "text") == ""


def test_tags_are_stripped_and_urls_not_shown(edition: Edition) -> None:
    output = render_edition(edition, "text")
    for leftover in ("<a1>", "</a1>", "<em1>", "</b2>", "https://"):
        assert leftover not in output
    assert "Lisez le rapport complet." in output


def test_literal_angle_brackets_in_article_text_are_kept(make_edition: EditionFactory) -> None:
    block = EditionBlock(source_id="b1", kind="paragraph", text="if a < b and <b>c</b>")
    assert render_edition(make_edition(blocks=[block]), "text").endswith("\n\nif a < b and <b>c</b>\n")


def test_byline_and_dateline_follow_the_standfirst(make_edition: EditionFactory) -> None:
    output = render_edition(make_edition(byline="Par Jeanne Dupont", dateline="PARIS"), "text")
    assert "Le chapeau de l'article.\n\nPar Jeanne Dupont\n\nPARIS\n\nLisez" in output


def test_missing_standfirst_leaves_no_gap(make_edition: EditionFactory) -> None:
    output = render_edition(make_edition(standfirst=None), "text")
    assert "Le titre traduit\n\nLisez le rapport complet." in output


@pytest.mark.parametrize(
    ("ordered", "expected"),
    [(True, ["1. un", "2. deux", "suite", "1. trois"]), (False, ["- un", "- deux", "suite", "- trois"])],
)
def test_list_item_prefixes(make_edition: EditionFactory, ordered: bool, expected: list[str]) -> None:
    blocks = [
        EditionBlock(source_id="b1", kind="list_item", text="un", ordered=ordered),
        EditionBlock(source_id="b2", kind="list_item", text="deux", ordered=ordered),
        EditionBlock(source_id="b3", kind="paragraph", text="suite"),
        EditionBlock(source_id="b4", kind="list_item", text="trois", ordered=ordered),
    ]
    output = render_edition(make_edition(standfirst=None, blocks=blocks), "text")
    assert output.split("\n\n")[3:] == [*expected[:-1], expected[-1] + "\n"]


def test_line_breaks_inside_a_block_do_not_split_it(make_edition: EditionFactory) -> None:
    block = EditionBlock(source_id="b1", kind="paragraph", text="first line\n\nsecond  line")
    assert render_edition(make_edition(blocks=[block]), "text").endswith("\n\nfirst line second line\n")
