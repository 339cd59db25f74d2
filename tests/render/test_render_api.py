"""The public face of `editions.render`: formats, dispatch, and what every format promises."""

from __future__ import annotations

import pytest

import editions.render as render
from editions.document import Edition
from editions.errors import UsageError
from editions.render import EXTENSIONS, FORMATS, render_edition, render_editions


def test_all_is_the_public_api() -> None:
    assert sorted(render.__all__) == ["EXTENSIONS", "FORMATS", "render_edition", "render_editions"]


def test_every_format_has_an_extension() -> None:
    assert tuple(EXTENSIONS) == FORMATS


@pytest.mark.parametrize("fmt", ["x", "pdf", "", "TEXT", "markdown"])
def test_unknown_format_is_a_usage_error(edition: Edition, fmt: str) -> None:
    with pytest.raises(UsageError, match="choose text, md, html or json"):
        render_edition(edition, fmt)


def test_unknown_format_message() -> None:
    with pytest.raises(UsageError) as caught:
        render_editions([], "x")
    assert str(caught.value) == "unknown format 'x'; choose text, md, html or json"


@pytest.mark.parametrize("fmt", FORMATS)
def test_output_ends_with_one_newline(edition: Edition, vietnamese: Edition, fmt: str) -> None:
    for output in (render_edition(edition, fmt), render_editions([edition, vietnamese], fmt)):
        assert output.endswith("\n")
        assert not output.endswith("\n\n")


@pytest.mark.parametrize("fmt", FORMATS)
def test_one_edition_is_a_batch_of_one(edition: Edition, fmt: str) -> None:
    assert render_edition(edition, fmt) == render_editions([edition], fmt)


@pytest.mark.parametrize("fmt", FORMATS)
def test_rendering_is_deterministic(edition: Edition, fmt: str) -> None:
    assert render_edition(edition, fmt) == render_edition(edition.model_copy(deep=True), fmt)
