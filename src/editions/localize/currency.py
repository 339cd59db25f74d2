"""Currency amounts: the symbol on the side the target language writes it (« 5,62 $ », not « $5,62 »).

Which side comes from the language's CLDR currency pattern (Babel); the words a newsroom writes after
a scale word (« 1,5 milliard de dollars », "1,5 tỷ USD") are a small table here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from babel import Locale

from editions.languages import get_language
from editions.localize.spans import NBSP, SPACE, overlaps, protected_spans, replace_spans

_SYMBOLS = r"US\$|\$|€|£|¥"
_SCALES = (
    r"millions?|milliards?|billions?|mille|milliers|triệu|tỷ|tỉ|nghìn|ngàn|Millionen|Million|Milliarden?"
)
# The number: digits with inner stops and commas, then space-grouped thousands only ("$1 000 000"),
# so "$1.0875 3 p.m." is 1.0875 and a time, not one amount "1.0875 3".
_AMOUNT_RE = re.compile(
    rf"(?<![\w$€£¥])(?P<sym>{_SYMBOLS}){SPACE}?"
    rf"(?P<num>\d(?:[\d.,]*\d)?(?:{SPACE}\d{{3}}(?!\d)(?:[.,]\d+)?)*)"
    rf"(?:{SPACE}(?P<scale>{_SCALES})(?!\w))?"
)

# A number (and its scale word) just before a sign: the sign is already where the language puts it.
# Or a stop or comma: "Thu.$5" moved would read "Thu.5 $", the number glued to the stop.
_SIGN_AFTER_RE = re.compile(rf"{SPACE}?(?:{_SYMBOLS})(?!{SPACE}?\d)")  # not the next amount's: "$5 $5"
_SIGN_BEFORE_RE = re.compile(rf"(?:{_SYMBOLS}){SPACE}?$")
_NUMBER_BEFORE_RE = re.compile(rf"(?:\d(?:{SPACE}(?:{_SCALES}))?{SPACE}?|[.,])$")

# What follows a scale word, per language and symbol: « 2 millions de dollars », "2 triệu USD".
_AFTER_SCALE: dict[str, dict[str, str]] = {
    "fr": {
        "$": "de dollars",
        "US$": "de dollars américains",
        "€": "d'euros",
        "£": "de livres",
        "¥": "de yens",
    },
    "vi": {"$": "USD", "US$": "USD", "€": "euro", "£": "bảng Anh", "¥": "yên"},
}
# The unit a language writes after a plain amount, where it is not the symbol: "5,62 USD".
_AFTER_NUMBER: dict[str, dict[str, str]] = {"vi": {"$": "USD", "US$": "USD"}}


@cache
def symbol_after(lang: str) -> bool:
    """Whether `lang` writes the currency sign after the amount (CLDR's standard currency pattern)."""
    pattern = Locale.parse(get_language(lang).code).currency_formats["standard"].pattern
    return bool(str(pattern).split(";")[0].strip().endswith("¤"))


@dataclass(frozen=True)
class MisplacedAmount:
    start: int
    end: int
    raw: str
    replacement: str


def misplaced_amounts(text: str, lang: str) -> list[MisplacedAmount]:
    """Amounts with the sign before the number in a language that writes it after."""
    code = get_language(lang).code
    if not symbol_after(code):
        return []
    protected = protected_spans(text)
    found: list[MisplacedAmount] = []
    for match in _AMOUNT_RE.finditer(text):
        if overlaps(match.start(), match.end(), protected):
            continue
        # as the text will read once the amounts before are moved: "$5 $5" → "5 $ $5" → "5 $ 5 $"
        before = replace_spans(text[: match.start()], ((a.start, a.end, a.replacement) for a in found))
        if _NUMBER_BEFORE_RE.search(before[-60:]) or _SIGN_BEFORE_RE.search(text, 0, match.start()):
            # "750 million $ 5 juin", "12 $345": the sign already follows a number; moving it after
            # the next one would join two numbers, or take a date's day for an amount. "US$ $750":
            # two signs, one amount; left for the editor
            continue
        sym, num, scale = match.group("sym"), match.group("num").rstrip(" .,"), match.group("scale")
        end = match.start("num") + len(num) if scale is None else match.end()
        if text[end : end + 1].isalpha():
            continue  # "£3.5bn": a unit the table does not know; left for the editor
        if _SIGN_AFTER_RE.match(text, end):
            continue  # "US$ 5 $": a sign on both sides; left for the editor
        if scale is not None:
            unit = _AFTER_SCALE.get(code, {}).get(sym, sym)
            replacement = f"{num} {scale} {unit}"
        else:
            replacement = f"{num}{NBSP}{_AFTER_NUMBER.get(code, {}).get(sym, sym)}"
        found.append(MisplacedAmount(match.start(), end, text[match.start() : end], replacement))
    return found


def fix_currency(text: str, lang: str) -> tuple[str, list[str]]:
    """Move the sign after the amount where `lang` writes it there; returns the text and one note per fix."""
    amounts = misplaced_amounts(text, lang)
    notes = [f"« {a.raw} » → « {a.replacement} »" for a in amounts]
    return replace_spans(text, ((a.start, a.end, a.replacement) for a in amounts)), notes
