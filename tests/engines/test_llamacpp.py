"""The in-process engine with the real default model (marked `model`: seconds per test)."""

from __future__ import annotations

from typing import Any

import pytest

from editions.engines import EngineOptions, TranslationRequest, create_engine
from editions.engines.models import DEFAULT_MODEL
from editions.engines.prompt import PROMPT_VERSION
from editions.errors import ModelUnavailableError, UnknownEngineError
from editions.langid import detect_language

pytestmark = pytest.mark.model

SENTENCE = "The government said on Monday that unemployment fell to 4.2% in March."


@pytest.mark.parametrize("target", ["fr", "vi"])
def test_translates_into_the_target_language(llama_engine: Any, target: str) -> None:
    [result] = llama_engine.translate_batch([TranslationRequest(SENTENCE, "en", target)])
    assert detect_language(result.text) == target
    assert "4,2" in result.text or "4.2" in result.text
    assert result.generated_tokens > 0 and result.engine_s > 0


def test_decoding_is_deterministic(llama_engine: Any) -> None:
    request = TranslationRequest(SENTENCE, "en", "fr")
    first, second = llama_engine.translate_batch([request, request])
    assert first.text == second.text


def test_provenance_names_model_hash_and_prompt(llama_engine: Any) -> None:
    signature = llama_engine.provenance.signature()
    assert "engine:llamacpp" in signature
    assert f"sha:{DEFAULT_MODEL.sha256[:12]}" in signature
    assert f"prompt:{PROMPT_VERSION}" in signature and "temperature:0.0" in signature


def test_unknown_engine_and_missing_model_are_clear_errors(tmp_path: Any) -> None:
    with pytest.raises(UnknownEngineError, match="known: ctranslate2, llamacpp, openai"):
        create_engine(EngineOptions(engine="deepl"))
    with pytest.raises(ModelUnavailableError, match="not found"):
        create_engine(EngineOptions(model=str(tmp_path / "nope.gguf")))
