"""Numbers as values, whatever the local way of writing them: 1,234.5 (en) ≡ 1 234,5 (fr) ≡ 1.234,5 (vi)."""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal

from editions.localize import number_symbols, read_number

# Digit runs with inner group/decimal separators: "1,234.5", "1 234,5", "1.234,5", "2024", "4.5".
# Digit boundaries only: "9h30" is 9 and 30, "G7" is 7 (placeholder tags are stripped before this).
_NUMBER_RE = re.compile(r"(?<![\d.,])\d+(?:[.,\u00a0\u202f ]\d+)*(?!\d)")

# Read with CLDR's symbols (`localize.number_symbols`) and, as well, the other grouping a newsroom
# writes there: a dot in French, a space in Spanish, German, Portuguese and Italian. Any language not
# listed is read the English way.
_ALSO_GROUPED_BY: dict[str, str] = {
    "en": "",
    "fr": ".",
    "vi": "",
    "es": "\u00a0 ",
    "de": "\u00a0 ",
    "pt": "\u00a0 ",
    "it": "\u00a0 ",
}


def _symbols(lang: str) -> tuple[str, str]:
    """(decimal symbol, group symbols) to read `lang`'s numbers with."""
    if lang not in _ALSO_GROUPED_BY:
        lang = "en"
    decimal, groups = number_symbols(lang)
    return decimal, groups + _ALSO_GROUPED_BY[lang]


def _split_spaced(raw: str) -> list[str]:
    """'2024 12' is two numbers, '1 234' one: split on spaces that are not thousands grouping."""
    pieces = re.split(r"[\u00a0\u202f ]", raw)
    if len(pieces) > 1 and 1 <= len(pieces[0]) <= 3 and all(len(p.split(",")[0]) == 3 for p in pieces[1:]):
        return [raw]
    return pieces


def number_values(text: str, lang: str = "en") -> Counter[Decimal]:
    """The numeric values written in `text`, read the way `lang` writes numbers."""
    decimal, groups = _symbols(lang)
    values: Counter[Decimal] = Counter()
    for match in _NUMBER_RE.finditer(text):
        for raw in _split_spaced(match.group(0)):
            # a number grouped two ways ("1.234 567") is not one number here
            value = read_number(raw, decimal, groups, mixed_groups=False)
            if value is None:  # not a well-formed local number: read its digit runs one by one
                for digits in re.findall(r"\d+", raw):
                    values[Decimal(digits)] += 1
            else:
                values[value.normalize()] += 1
    return values


# Small numbers a translator may rightly spell out ("2 trucks" → "deux camions", "hai xe tải").
_NUMBER_WORDS: dict[str, list[str]] = {
    "en": "zero one two three four five six seven eight nine ten eleven twelve".split(),
    "fr": "zéro un deux trois quatre cinq six sept huit neuf dix onze douze".split(),
    "vi": "không một hai ba bốn năm sáu bảy tám chín mười mười_một mười_hai".split(),
    "es": "cero uno dos tres cuatro cinco seis siete ocho nueve diez once doce".split(),
    "de": "null eins zwei drei vier fünf sechs sieben acht neun zehn elf zwölf".split(),
    "pt": "zero um dois três quatro cinco seis sete oito nove dez onze doze".split(),
    "it": "zero uno due tre quattro cinque sei sette otto nove dieci undici dodici".split(),
}
_FEMININE = {"fr": {"une": 1}, "es": {"una": 1}, "pt": {"uma": 1, "duas": 2}, "de": {"ein": 1, "eine": 1}}


def spelled_numbers(text: str, lang: str) -> Counter[Decimal]:
    """Values of the small numbers spelled out in words (0-12) in `text`."""
    words = {w.replace("_", " "): n for n, w in enumerate(_NUMBER_WORDS.get(lang, []))}
    words |= _FEMININE.get(lang, {})
    found: Counter[Decimal] = Counter()
    lowered = text.lower()
    # longest first, so "mười một" is not also read as "mười" and "một"
    for word in sorted(words, key=len, reverse=True):
        pattern = re.compile(rf"(?<!\w){re.escape(word)}(?!\w)")
        count = len(pattern.findall(lowered))
        if count:
            found[Decimal(words[word])] += count
            lowered = pattern.sub(" ", lowered)
    return found


def missing_numbers(source: str, target: str, source_lang: str, target_lang: str) -> list[Decimal]:
    """Source values (written in digits) that the target does not carry, in digits read the target's
    way or, leniently, the source's, or as a small number spelled out in the target language."""
    found = number_values(target, target_lang) | number_values(target, source_lang)
    found += spelled_numbers(target, target_lang)
    wanted = number_values(source, source_lang)
    return sorted(value for value, count in wanted.items() if found[value] < count)
