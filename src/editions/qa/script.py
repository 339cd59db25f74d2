"""Letters of a script that neither the source nor the target language writes (« Deux十七 »)."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from editions.languages import get_language

# The scripts each language writes besides Latin (digits and punctuation belong to none).
_SCRIPTS: dict[str, frozenset[str]] = {
    "zh": frozenset({"Han"}),
    "ja": frozenset({"Han", "Hiragana", "Katakana"}),
    "ko": frozenset({"Hangul", "Han"}),
    "ru": frozenset({"Cyrillic"}),
    "ar": frozenset({"Arabic"}),
}
# Unicode character-name prefixes → script; a letter of any other non-Latin name is its first word.
_PREFIXES = (
    ("CJK ", "Han"),
    ("IDEOGRAPHIC ", "Han"),
    ("KANGXI ", "Han"),
    ("FULLWIDTH DIGIT", "Fullwidth"),
    ("FULLWIDTH LATIN", "Fullwidth"),
    ("HALFWIDTH KATAKANA", "Katakana"),
)


@lru_cache(maxsize=8192)
def script_of(ch: str) -> str | None:
    """The script of a letter or digit, None for Latin, common characters (digits, punctuation, symbols)
    and marks."""
    if ch.isascii() or not (ch.isalpha() or unicodedata.decimal(ch, None) is not None):
        return None  # superscripts, fractions and symbols are nobody's script
    name = unicodedata.name(ch, "")
    for prefix, script in _PREFIXES:
        if name.startswith(prefix):
            return script
    first = name.split()[0] if name else ""
    if first in ("LATIN", "MODIFIER", "COMBINING", ""):
        return None
    return first.capitalize()


def foreign_runs(text: str, allowed: frozenset[str]) -> list[tuple[int, int, str]]:
    """Runs of characters whose script is not in `allowed`: (start, end, script)."""
    runs: list[tuple[int, int, str]] = []
    for index, ch in enumerate(text):
        script = script_of(ch)
        if script is None or script in allowed:
            continue
        if runs and runs[-1][1] == index and runs[-1][2] == script:
            runs[-1] = (runs[-1][0], index + 1, script)
        else:
            runs.append((index, index + 1, script))
    return runs


def scripts_of(lang: str) -> frozenset[str]:
    return _SCRIPTS.get(get_language(lang).code, frozenset())


def allowed_scripts(source: str, source_lang: str, target_lang: str) -> frozenset[str]:
    """What a translation may contain: both languages' scripts, and any the source itself uses."""
    in_source = {s for ch in source if (s := script_of(ch)) is not None}
    return scripts_of(source_lang) | scripts_of(target_lang) | in_source
