"""Numbers as values, whatever the local way of writing them: 1,234.5 (en) ≡ 1 234,5 (fr) ≡ 1.234,5 (vi)."""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal, InvalidOperation

# Digit runs with inner group/decimal separators: "1,234.5", "1 234,5", "1.234,5", "2024", "4.5".
_NUMBER_RE = re.compile(r"(?<![\w.,])\d+(?:[.,\u00a0\u202f ]\d+)*(?![\w])")
_SPACES = "\u00a0\u202f "

# (group separators, decimal separator) per language; others fall back to English.
_SEPARATORS: dict[str, tuple[str, str]] = {
    "en": (",", "."),
    "fr": (_SPACES + ".", ","),
    "vi": (".", ","),
    "es": (".\u00a0 ", ","),
    "de": (".\u00a0 ", ","),
    "pt": (".\u00a0 ", ","),
    "it": (".\u00a0 ", ","),
}


def _parse(raw: str, group: str, decimal: str) -> Decimal | None:
    body = raw
    if decimal in body:
        integer, _, fraction = body.rpartition(decimal)
    else:
        integer, fraction = body, ""
    for sep in group:
        parts = integer.split(sep)
        if len(parts) > 1:
            # grouping must be 1-3 digits then groups of exactly three
            if not (1 <= len(parts[0]) <= 3 and all(len(p) == 3 for p in parts[1:])):
                return None
            integer = "".join(parts)
    if not integer.isdigit() or (fraction and not fraction.isdigit()):
        return None
    try:
        return Decimal(f"{integer}.{fraction}" if fraction else integer).normalize()
    except InvalidOperation:
        return None


def _split_spaced(raw: str) -> list[str]:
    """'2024 12' is two numbers, '1 234' one: split on spaces that are not thousands grouping."""
    pieces = re.split(r"[\u00a0\u202f ]", raw)
    if len(pieces) > 1 and 1 <= len(pieces[0]) <= 3 and all(len(p.split(",")[0]) == 3 for p in pieces[1:]):
        return [raw]
    return pieces


def number_values(text: str, lang: str = "en") -> Counter[Decimal]:
    """The numeric values written in `text`, read the way `lang` writes numbers."""
    group, decimal = _SEPARATORS.get(lang, _SEPARATORS["en"])
    values: Counter[Decimal] = Counter()
    for match in _NUMBER_RE.finditer(text):
        for raw in _split_spaced(match.group(0)):
            value = _parse(raw, group, decimal)
            if value is None:  # not a well-formed local number: read its digit runs one by one
                for digits in re.findall(r"\d+", raw):
                    values[Decimal(digits)] += 1
            else:
                values[value] += 1
    return values


def missing_numbers(source: str, target: str, source_lang: str, target_lang: str) -> list[Decimal]:
    """Source values that the target does not carry (read in the target's way or, leniently, the source's)."""
    found = number_values(target, target_lang) | number_values(target, source_lang)
    wanted = number_values(source, source_lang)
    return sorted(value for value, count in wanted.items() if found[value] < count)
