"""Numbers and percentages as each language writes them, and reading them back.

`format_number` and `format_percent` write a value the CLDR way (through Babel); `read_number` reads
one back with CLDR's decimal and group symbols (`number_symbols`) or others a caller accepts too;
`fix_numbers` rewrites target numbers that were left in the source language's form.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import cache

from babel import numbers as babel_numbers

from editions.languages import get_language
from editions.localize.spans import NBSP, NNBSP, SPACE, overlaps, protected_spans, replace_spans

Number = Decimal | int | float

# CLDR's minimumGroupingDigits, which Babel does not apply: 2 means "1234" but "12 345".
MIN_GROUPING: dict[str, int] = {"es": 2, "pl": 2}
_SPACES = NBSP + NNBSP + " "

_SOURCE_NUMBER_RE = re.compile(r"(?<![\w.,/:])\d+(?:[.,\u00a0\u202f ]\d+)*(?!\w)")
# A number a clock time or ratio continues ("10:30") is left; one before a colon ("1,250:") is not.
_TARGET_NUMBER_RE = re.compile(
    r"(?<![\w.,/:])(?P<n>\d+(?:[.,]\d+)+)(?![\w/]|:\d|[.,]\d)(?P<pct>[ \u00a0\u202f]?%)?"
)


def _decimal(value: Number) -> Decimal:
    if isinstance(value, float):
        return Decimal(repr(value))  # 6.5, not 6.5000000000000001776…
    return Decimal(value)


def format_number(value: Number, lang: str) -> str:
    """`value` as `lang` writes it, keeping its decimals: 1234.5 → fr "1 234,5" (U+202F), vi "1.234,5"."""
    code = get_language(lang).code
    number = _decimal(value)
    integer, _, fraction = format(abs(number), "f").partition(".")
    grouped = abs(number) >= 10 ** (2 + MIN_GROUPING.get(code, 1))
    text = babel_numbers.format_decimal(int(integer), locale=code, group_separator=grouped)
    if fraction:
        text += babel_numbers.get_decimal_symbol(code) + fraction
    return babel_numbers.get_minus_sign_symbol(code) + text if number < 0 else text


def percent_pattern(code: str) -> str:
    """CLDR's percent pattern with "{}" for the number: fr "{}\u00a0%", vi "{}%"."""
    sample = babel_numbers.format_percent(Decimal("0.065"), locale=code, decimal_quantization=False)
    return sample.replace(format_number(Decimal("6.5"), code), "{}")


def format_percent(value: Number, lang: str) -> str:
    """`value` per cent (6.5 means 6.5 %) as `lang` writes it: fr "6,5 %" (U+00A0), vi "6,5%"."""
    code = get_language(lang).code
    return percent_pattern(code).replace("{}", format_number(value, code))


@cache
def number_symbols(lang: str) -> tuple[str, str]:
    """CLDR's (decimal symbol, group symbols) for `lang`: en (".", ","), vi (",", "."); a space-like
    group symbol stands for all three spaces people type, so fr is (",", NBSP + NNBSP + " ")."""
    code = get_language(lang).code
    group = babel_numbers.get_group_symbol(code)
    return babel_numbers.get_decimal_symbol(code), _SPACES if group.isspace() else group


def read_number(raw: str, decimal: str, groups: str, *, mixed_groups: bool = True) -> Decimal | None:
    """`raw` read as a number written with `decimal` and grouped by any of `groups` (1-3 digits, then
    groups of exactly three), or None when it is not well formed that way. With `mixed_groups=False`,
    a number grouped by two different symbols ("1.234 567") is not well formed either."""
    integer, _, fraction = raw.rpartition(decimal) if decimal in raw else (raw, "", "")
    if not mixed_groups and len({c for c in integer if c in groups}) > 1:
        return None
    parts = re.split(f"[{re.escape(groups)}]", integer) if groups else [integer]  # "[]": not a regex
    if len(parts) > 1 and not (1 <= len(parts[0]) <= 3 and all(len(p) == 3 for p in parts[1:])):
        return None
    integer = "".join(parts)
    if not integer.isdigit() or (fraction and not fraction.isdigit()):
        return None
    try:
        return Decimal(f"{integer}.{fraction}" if fraction else integer)
    except InvalidOperation:
        return None


def _values(text: str, code: str) -> set[Decimal]:
    symbols = number_symbols(code)
    values: set[Decimal] = set()
    for match in _SOURCE_NUMBER_RE.finditer(text):
        value = read_number(match.group(0), *symbols)
        if value is not None:
            values.add(value)
        else:  # "2024 12" is two numbers
            values.update(
                v for piece in re.split(SPACE, match.group(0)) if (v := read_number(piece, *symbols))
            )
    return values


def fix_numbers(source: str, target: str, source_lang: str, target_lang: str) -> tuple[str, list[str]]:
    """Rewrite target numbers written the source's way ("1,250" in French, "6.5" in Vietnamese) into the
    target's, when the source way gives a source value and the target way does not. Plain digit runs
    such as years ("2025") are never touched."""
    scode, tcode = get_language(source_lang).code, get_language(target_lang).code
    if scode == tcode:
        return target, []
    wanted = _values(source, scode)
    name = get_language(tcode).name
    protected = protected_spans(target)
    edits: list[tuple[int, int, str]] = []
    messages: list[str] = []
    for match in _TARGET_NUMBER_RE.finditer(target):
        raw = match.group("n")
        value = read_number(raw, *number_symbols(scode))
        if value is None or value not in wanted or read_number(raw, *number_symbols(tcode)) in wanted:
            continue
        if overlaps(match.start(), match.end(), protected):
            continue
        if match.group("pct"):
            new = percent_pattern(tcode).replace("{}", format_number(value, tcode))
        else:
            new = format_number(value, tcode)
        old = match.group(0)
        edits.append((match.start(), match.end(), new))
        messages.append(f'number "{old}" → "{new}" ({name} style)')
    return replace_spans(target, edits), messages
