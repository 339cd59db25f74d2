"""Engines by name, imported on first use: the core never imports a heavy backend at import time."""

from __future__ import annotations

import importlib

from editions.engines.base import Engine, EngineOptions, TranslationRequest, TranslationResult
from editions.errors import UnknownEngineError

__all__ = ["ENGINES", "Engine", "EngineOptions", "TranslationRequest", "TranslationResult", "create_engine"]

ENGINES: dict[str, str] = {
    "llamacpp": "editions.engines.llamacpp:LlamaCppEngine",
    "openai": "editions.engines.openai:OpenAIEngine",
}


def create_engine(options: EngineOptions | None = None) -> Engine:
    options = options or EngineOptions()
    try:
        target = ENGINES[options.engine]
    except KeyError:
        known = ", ".join(sorted(ENGINES))
        raise UnknownEngineError(f"unknown engine {options.engine!r}; known: {known}") from None
    module_name, class_name = target.split(":")
    engine_class: type[Engine] = getattr(importlib.import_module(module_name), class_name)
    return engine_class(options)
