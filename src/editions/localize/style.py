"""The style guide the engine is told: one line on how the target language writes dates, numbers,
percentages and quotations."""

from __future__ import annotations

import datetime
from decimal import Decimal

from editions.languages import get_language
from editions.localize.dates import format_date
from editions.localize.numbers import MIN_GROUPING, format_number, format_percent
from editions.localize.typography import quotes

_QUOTE_WORD = {"fr": "guillemets", "es": "comillas", "pt": "aspas", "de": "Anführungszeichen"}
_QUOTE_WORD |= {"vi": "ngoặc kép", "en": "quotation marks"}


def style_guide(lang: str) -> str:
    """One line for the prompt: how `lang` writes dates, numbers, percentages and quotations."""
    code = get_language(lang).code
    sample = datetime.date(2025, 6, 5)
    dates = f'"{format_date(sample, code)}"'
    if code == "vi":
        dates += f' or "{format_date(sample, code, "short_day_month")}" (day/month)'
    numbers = f'"{format_number(Decimal("1234.5"), code)}"'
    if MIN_GROUPING.get(code, 1) > 1:
        numbers = f'"{format_number(Decimal("12345.5"), code)}" (but "{format_number(1234, code)}")'
    percent = format_percent(Decimal("6.5"), code)
    opening, closing, pad = quotes(code)
    quoted = f"{opening}{pad}{_QUOTE_WORD.get(code, 'quotation marks')}{pad}{closing}"
    return (
        f'Write dates like {dates}, numbers like {numbers}, percentages like "{percent}", and use {quoted}.'
    )
