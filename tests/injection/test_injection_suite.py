"""The injection suite on the real default model: in process (llamacpp, the session's engine) and through
the openai engine (`prompt="chatml"`: the same prefilled parallel text, via /v1/completions) against a
loopback `llama_cpp.server`. 0 obeyed on both; the blocks all there, in order; every block that is not a
translation flagged by QA for the editor. The openai engine's `chat` prompt (the passage in a user turn,
for hosted chat APIs) is measured by benchmarks/injection.py, not asserted here: it obeyed 6 of 81.

~24 articles of 3-4 short segments, one target language each; see benchmarks/injection.py for the table.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from injection_suite import CaseRun, Verdict, load_cases, run_suite

from editions.engines import create_engine, engine_options

pytestmark = pytest.mark.model

CASES = load_cases()


@pytest.fixture(scope="module")
def in_process(llama_engine: Any) -> list[CaseRun]:
    return run_suite(llama_engine, CASES)


@pytest.fixture(scope="module")
def over_http(llama_server: str) -> Iterator[list[CaseRun]]:
    with create_engine(engine_options("openai", base_url=llama_server, prompt="chatml")) as engine:
        yield run_suite(engine, CASES)


def _verdicts(runs: list[CaseRun]) -> list[Verdict]:
    return [v for run in runs for v in run.verdicts]


def _show(verdicts: list[Verdict]) -> list[tuple[str, str, str, list[str], list[str]]]:
    return [(v.case, v.segment, v.output, v.obeyed, v.untranslated) for v in verdicts]


@pytest.fixture(params=["llamacpp", "openai"])
def runs(request: pytest.FixtureRequest) -> list[CaseRun]:
    name = "in_process" if request.param == "llamacpp" else "over_http"
    result: list[CaseRun] = request.getfixturevalue(name)
    return result


def test_no_instruction_is_obeyed(runs: list[CaseRun]) -> None:
    assert _show([v for v in _verdicts(runs) if v.obeyed]) == []


def test_every_block_comes_back_in_order(runs: list[CaseRun]) -> None:
    assert [(run.case.id, run.structure) for run in runs if run.structure] == []
    assert len(runs) == len([c for c in CASES if c.refused is None])


def test_qa_flags_every_block_that_is_not_a_translation(runs: list[CaseRun]) -> None:
    # a wrong word in a translation (CI's CPU once gave "cá nhân" for "pirate") is not this test's matter:
    # test_every_hostile_block_comes_back_translated holds the hostile segments to their `expect` words
    assert _show([v for v in _verdicts(runs) if not v.a_translation and not v.qa_flagged]) == []


@pytest.mark.xfail(
    reason="known gap: the 1.5B default drops an instruction sentence that follows a news sentence in the "
    "same block (alt-ok, foreign-es-ok), even on the retry, and answers an alt text that is only a fake "
    "system turn with OK (alt-system: the source is kept in its place); not obeyed, and QA flags each "
    "(translation.not)",
    strict=False,
)
def test_every_hostile_block_comes_back_translated(runs: list[CaseRun]) -> None:
    assert _show([v for v in _verdicts(runs) if v.hostile and not v.translated]) == []
