"""Engines by name, imported on first use: the core never imports a heavy backend at import time.

Built-in engines are listed in ENGINES. Another package adds one without touching this code, either by
calling `register_engine("name", "package.module:Class")` or by declaring an entry point:

    [project.entry-points."editions.engines"]
    myengine = "my_package.engine:MyEngine"

The class is an `Engine` subclass; its `options_class` (an `EngineOptions` subclass) says which
options it takes, and `engine_options` refuses any other.
"""

from __future__ import annotations

import importlib
from importlib.metadata import entry_points
from typing import Any

from pydantic import ValidationError

from editions.engines.base import Engine, EngineOptions, TranslationRequest, TranslationResult
from editions.errors import UnknownEngineError, UsageError

__all__ = [
    "ENGINES",
    "ENTRY_POINT_GROUP",
    "Engine",
    "EngineOptions",
    "TranslationRequest",
    "TranslationResult",
    "create_engine",
    "engine_class",
    "engine_options",
    "known_engines",
    "register_engine",
]

ENTRY_POINT_GROUP = "editions.engines"
ENGINES: dict[str, str] = {
    "llamacpp": "editions.engines.llamacpp:LlamaCppEngine",
    "openai": "editions.engines.openai:OpenAIEngine",
    "ctranslate2": "editions.engines.ct2:CTranslate2Engine",
}


def register_engine(name: str, target: str) -> None:
    """Make `name` create the engine at `target`, "module:Class" (imported when first used)."""
    module, sep, attribute = target.partition(":")
    if not (name and module and sep and attribute):
        raise UsageError(f"register_engine({name!r}, {target!r}): the target must be 'module:Class'")
    ENGINES[name] = target


def known_engines() -> dict[str, str]:
    """Name → "module:Class": the registered engines, then those of installed packages' entry points."""
    found = {ep.name: ep.value for ep in entry_points(group=ENTRY_POINT_GROUP)}
    return {**found, **ENGINES}


def engine_class(name: str) -> type[Engine]:
    target = ENGINES.get(name) or known_engines().get(name)
    if target is None:
        known = ", ".join(sorted(known_engines()))
        raise UnknownEngineError(f"unknown engine {name!r}; known: {known}")
    module_name, _, class_name = target.partition(":")
    try:
        found = getattr(importlib.import_module(module_name), class_name)
    except (ImportError, AttributeError) as err:
        raise UnknownEngineError(f"engine {name!r}: cannot import {target}: {err}") from err
    if not (isinstance(found, type) and issubclass(found, Engine)):
        raise UnknownEngineError(f"engine {name!r}: {target} is not an editions Engine subclass")
    return found


def engine_options(engine: str = "llamacpp", **values: Any) -> EngineOptions:
    """The options of `engine` from `values` (None = not given): an option it does not take is an error."""
    options_class = engine_class(engine).options_class
    given = {key: value for key, value in values.items() if value is not None}
    foreign = sorted(set(given) - set(options_class.model_fields))
    if foreign:
        raise UsageError(f"the {engine} engine takes no {', '.join(foreign)} option")
    try:
        return options_class.model_validate({**given, "engine": engine})
    except ValidationError as err:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in err.errors())
        raise UsageError(f"engine options: {problems}") from err


def create_engine(options: EngineOptions | None = None) -> Engine:
    options = options or EngineOptions()
    return engine_class(options.engine)(options)
