"""Editions built by hand for the renderer tests: every block kind, every mark, a standfirst."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from editions.document import Edition, EditionBlock, Mark, Provenance, Timings

HOSTILE = "<script>alert(1)</script> and <img src=x onerror=alert(1)> and [x](javascript:alert(1))"

EditionFactory = Callable[..., Edition]


def _provenance() -> Provenance:
    return Provenance(
        engine="llamacpp",
        model="qwen2.5-1.5b",
        model_sha256="cc324af0" + "0" * 56,
        prompt_version="p1",
        decoding={"temperature": 0.0, "seed": 7},
        package_version="0.1.0",
    )


def _blocks() -> list[EditionBlock]:
    link = {"a1": Mark(kind="link", href="https://example.org/report?a=1&b=2")}
    marks = {"em1": Mark(kind="em"), "b2": Mark(kind="strong")}
    return [
        EditionBlock(source_id="b1", kind="paragraph", text="Lisez <a1>le rapport</a1> complet.", marks=link),
        EditionBlock(source_id="b2", kind="heading", text="Une section", level=2),
        EditionBlock(
            source_id="b3", kind="paragraph", text="Un mot <em1>clé</em1> et <b2>fort</b2>.", marks=marks
        ),
        EditionBlock(source_id="b4", kind="quote", text="« Nous verrons », a-t-il dit."),
        EditionBlock(source_id="b5", kind="list_item", text="Premier point"),
        EditionBlock(source_id="b6", kind="list_item", text="Second point"),
    ]


def build_edition(**overrides: object) -> Edition:
    """The full French edition, with any field overridden."""
    fields: dict[str, object] = {
        "article_id": "0123456789abcdef",
        "source_lang": "en",
        "target_lang": "fr",
        "headline": "Le titre traduit",
        "source_headline": "The original headline",
        "standfirst": "Le chapeau de l'article.",
        "blocks": _blocks(),
        "provenance": _provenance(),
        "timings": Timings(wall_s=1.5, engine_s=1.2, prompt_tokens=100, generated_tokens=80, engine_calls=2),
    }
    fields.update(overrides)
    return Edition.model_validate(fields)


@pytest.fixture
def make_edition() -> EditionFactory:
    return build_edition


@pytest.fixture
def edition(make_edition: EditionFactory) -> Edition:
    return make_edition()


@pytest.fixture
def vietnamese(make_edition: EditionFactory) -> Edition:
    return make_edition(
        target_lang="vi",
        headline="Tiêu đề đã dịch",
        standfirst=None,
        blocks=[EditionBlock(source_id="b1", kind="paragraph", text="Đoạn văn đầu tiên.")],
    )


@pytest.fixture
def hostile(make_edition: EditionFactory) -> Edition:
    """Article text that tries to inject markup, and a link to a javascript: URL."""
    return make_edition(
        headline=HOSTILE,
        source_headline=HOSTILE,
        standfirst=HOSTILE,
        blocks=[
            EditionBlock(source_id="b1", kind="paragraph", text=HOSTILE),
            EditionBlock(
                source_id="b2",
                kind="paragraph",
                text="Click <a1>here</a1> now.",
                marks={"a1": Mark(kind="link", href="javascript:alert(1)")},
            ),
            EditionBlock(source_id="b3", kind="list_item", text=f"# {HOSTILE}"),
        ],
    )
