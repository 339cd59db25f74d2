"""A condensed edition from the real default model: one article of our set into French, in a small
budget (about five sentences, a minute or two on 2 cores)."""

from __future__ import annotations

from typing import Any

import pytest
from condensed_suite import load_set, measure

from editions.condense import translate_condensed
from editions.langid import detect_language
from editions.pipeline import Pipeline

pytestmark = pytest.mark.model


def test_a_condensed_french_edition_meets_its_budget_and_invents_nothing(llama_engine: Any) -> None:
    case = next(c for c in load_set() if c.name.startswith("b1"))
    article = case.article()
    edition = translate_condensed(Pipeline(llama_engine), article, "fr", 120)
    row = measure(case, article, edition)
    assert row["within"], row
    assert row["lead_kept"], row
    assert row["invented"] == 0, row
    assert all(detect_language(block.plain) == "fr" for block in edition.blocks)
