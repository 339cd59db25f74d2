"""Language identification with lingua, limited to the languages we support (fast, small, accurate)."""

from __future__ import annotations

import re
import threading
from functools import lru_cache
from typing import Any

from editions.languages import LANGUAGES

_SURROGATES_RE = re.compile("[\ud800-\udfff]")


@lru_cache(maxsize=1)
def _detector() -> Any:
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    isos = [IsoCode639_1.from_str(code) for code in LANGUAGES]
    # Preloaded: lingua otherwise loads each language model lazily, in the middle of a translation.
    return LanguageDetectorBuilder.from_iso_codes_639_1(*isos).with_preloaded_language_models().build()


def preload() -> threading.Thread:
    """Build the detector in the background (e.g. while a model loads); later calls find it ready."""
    thread = threading.Thread(target=_detector, name="lingua-preload", daemon=True)
    thread.start()
    return thread


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the language `text` is written in, or None when lingua cannot tell."""
    text = _SURROGATES_RE.sub("", text)  # lingua cannot take a lone surrogate; an engine's JSON may hold one
    if not text.strip():
        return None
    lang = _detector().detect_language_of(text)
    if lang is None:
        return None
    return str(lang.iso_code_639_1.name).lower()
