"""What the QA checks share about plain text: accent-free comparison, word frequency, expected length."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

# Typical length of a translation relative to English, in characters.
LENGTH_RATIO = {"fr": 1.15, "vi": 1.05, "es": 1.15, "de": 1.2, "pt": 1.1, "it": 1.15}


def unaccented(text: str) -> str:
    """Case-folded, without accents or tone marks ("Quảng Ninh" → "quang ninh", "Đà" → "da")."""
    decomposed = unicodedata.normalize("NFD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).replace("đ", "d")


@lru_cache(maxsize=8192)
def zipf(word: str, lang: str) -> float:
    """wordfreq's Zipf frequency of `word` in `lang` (0 when unknown)."""
    from wordfreq import zipf_frequency

    return float(zipf_frequency(word, lang))
