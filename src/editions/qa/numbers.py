"""Numbers as values, whatever the local way of writing them: 1,234.5 (en) ≡ 1 234,5 (fr) ≡ 1.234,5 (vi)."""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal

from editions.localize import number_symbols, read_number
from editions.localize.spans import replace_spans

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
    """'2024 12' is two numbers, '1 234' one, '2025 1 250' two (a year, then 1 250): split on the
    spaces that are not thousands grouping, i.e. before any piece that cannot continue a number."""
    numbers: list[str] = []
    spaces = ["", *re.findall(r"[\u00a0\u202f ]", raw)]
    for space, piece in zip(spaces, re.split(r"[\u00a0\u202f ]", raw), strict=True):
        if numbers and _continues(numbers[-1], space, piece):
            numbers[-1] += space + piece
        else:
            numbers.append(piece)
    return numbers


def _continues(number: str, space: str, piece: str) -> bool:
    """Whether `piece` is the next thousands group of `number` ("1 234" + "567"; not "2025" + "1"), with
    the same space as its groups so far ("1 250" + " 750" with U+202F then a space: two numbers)."""
    if any(other in number for other in "\u00a0\u202f " if other != space):
        return False
    groups = re.split(r"[\u00a0\u202f ]", number)
    grouped = 1 <= len(groups[0]) <= 3 and all(len(group) == 3 for group in groups[1:])
    return grouped and len(re.split(r"[.,]", piece)[0]) == 3  # "1 234,5" and "1 234.5", not "5 6.5"


def number_values(text: str, lang: str = "en") -> Counter[Decimal]:
    """The numeric values written in `text`, read the way `lang` writes numbers."""
    values: Counter[Decimal] = Counter()
    for raw in _number_mentions(text):
        values.update(_read(raw, lang))
    return values


def values_either_way(text: str, lang: str, other_lang: str, wanted: Counter[Decimal]) -> Counter[Decimal]:
    """The values written in `text`, each number read `lang`'s way or, where that gives fewer of the
    `wanted` values, `other_lang`'s: a translation may leave some numbers in the source's form and
    write others in its own ("$1,0875 … $1.0875"), and each still stands for its value."""
    values: Counter[Decimal] = Counter()
    for raw in _number_mentions(text):
        own, other = _read(raw, lang), _read(raw, other_lang)
        wins = sum(value in wanted for value in other) > sum(value in wanted for value in own)
        values.update(other if wins else own)
    return values


def _number_mentions(text: str) -> list[str]:
    return [raw for match in _NUMBER_RE.finditer(text) for raw in _split_spaced(match.group(0))]


def _read(raw: str, lang: str) -> list[Decimal]:
    """One number as `lang` writes it; a number grouped two ways ("1.234 567"), or otherwise not well
    formed the local way, is read as its digit runs one by one."""
    value = read_number(raw, *_symbols(lang), mixed_groups=False)
    if value is None:
        return [Decimal(digits) for digits in re.findall(r"\d+", raw)]
    return [value.normalize()]


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


_TENS_WORDS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
_EN_TENS = {w: 10 * (n + 2) for n, w in enumerate(_TENS_WORDS)}
_EN_UNITS = frozenset("one two three four five six seven eight nine".split())
_EN_TENS_RE = re.compile(rf"(?<!\w)({'|'.join(_EN_TENS)})(?:[-\s]({'|'.join(sorted(_EN_UNITS))}))?(?!\w)")


def span_of(value: Decimal, text: str, lang: str) -> tuple[int, int] | None:
    """The span of the first number of `text` that reads as `value` (the `lang` way, or the English way)."""
    for match in re.finditer(r"\d[\d.,\u00a0\u202f ]*\d|\d", text):
        if value in number_values(match.group(0), lang) or value in number_values(match.group(0), "en"):
            return match.start(), match.end()
    return None


def spelled_numbers(text: str, lang: str) -> Counter[Decimal]:
    """Values of the small numbers spelled out in words (0-12; in English also the tens, 20-99) in `text`."""
    words = {w.replace("_", " "): n for n, w in enumerate(_NUMBER_WORDS.get(lang, []))}
    words |= _FEMININE.get(lang, {})
    found: Counter[Decimal] = Counter()
    lowered = text.lower()
    if lang == "en":  # "twenty-foot", "thirty-five", "ninety": the tens, alone or with a unit
        for match in _EN_TENS_RE.finditer(lowered):
            unit = words.get(match.group(2) or "", 0) if match.group(2) in _EN_UNITS else 0
            found[Decimal(_EN_TENS[match.group(1)] + unit)] += 1
        lowered = _EN_TENS_RE.sub(" ", lowered)
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
    wanted = number_values(source, source_lang)
    found = values_either_way(target, target_lang, source_lang, wanted)
    found += spelled_numbers(target, target_lang)
    return sorted(value for value, count in wanted.items() if found[value] < count)


# --- clock times: "11:00", "3 p.m." ↔ « 11 h », « 15 heures » ↔ "11 giờ" ---------------------------------

_ANY_TIME = r"(?<![\d:.,])(?P<h>[01]?\d|2[0-3]):(?P<m>[0-5]\d)(?!\d|:\d)"
_TIME_PATTERNS: dict[str, tuple[str, ...]] = {
    "en": (
        _ANY_TIME + r"(?:\s*(?P<ap>[ap])\.?\s?m\b\.?)?",
        r"(?<![\d:.,])(?P<h>1[0-2]|0?\d)\s*(?P<ap>[ap])\.?\s?m\b\.?",
    ),
    "fr": (r"(?<![\d:.,])(?P<h>[01]?\d|2[0-3])\s?(?:h|heures?)(?:\s?(?P<m>[0-5]\d))?(?!\w)", _ANY_TIME),
    "vi": (
        r"(?<![\d:.,])(?P<h>[01]?\d|2[0-3])\s?(?:giờ|h)(?:\s?(?P<m>[0-5]\d)(?:\s?phút)?)?(?!\w)",
        _ANY_TIME,
    ),
}


def clock_times(text: str, lang: str) -> list[tuple[int, int, int, int]]:
    """Clock times written in `text`: (start, end, hour 0-23, minute); "3 p.m." is 15:00."""
    found: list[tuple[int, int, int, int]] = []
    for pattern in _TIME_PATTERNS.get(lang, (_ANY_TIME,)):
        for match in re.finditer(pattern, text, re.IGNORECASE):
            if any(s < match.end() and match.start() < e for s, e, _, _ in found):
                continue
            hour, minute = int(match.group("h")), int(match.groupdict().get("m") or 0)
            meridiem = (match.groupdict().get("ap") or "").lower()
            if meridiem == "p" and hour < 12:
                hour += 12
            elif meridiem == "a" and hour == 12:
                hour = 0
            found.append((match.start(), match.end(), hour, minute))
    return sorted(found)


def same_time(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Same minute, the hour read on a 12- or 24-hour clock ("11:00" may be written « 23 h »)."""
    return a[1] == b[1] and a[0] % 12 == b[0] % 12


def without_times(text: str, lang: str) -> str:
    times = clock_times(text, lang)
    return replace_spans(text, ((start, end, " " * (end - start)) for start, end, _, _ in times))


def _pair_times(
    source: str, target: str, source_lang: str, target_lang: str
) -> tuple[list[tuple[int, int]], list[str]]:
    """The target's clock times that stand for one of the source's (spans), and the source times (as
    written) that no target time stands for. « 2 heures » stays a duration when the source has no 2
    o'clock."""
    wanted = clock_times(source, source_lang)
    spans: list[tuple[int, int]] = []
    for start, end, hour, minute in clock_times(target, target_lang) + clock_times(target, source_lang):
        match = next((w for w in wanted if same_time((w[2], w[3]), (hour, minute))), None)
        if match is not None and not any(s < end and start < e for s, e in spans):
            wanted.remove(match)
            spans.append((start, end))
    return spans, [source[start:end] for start, end, _, _ in wanted]


def missing_times(source: str, target: str, source_lang: str, target_lang: str) -> list[str]:
    """Source clock times (as written) that the target does not give, in its form or the source's."""
    return _pair_times(source, target, source_lang, target_lang)[1]


def matched_times(source: str, target: str, source_lang: str, target_lang: str) -> list[tuple[int, int]]:
    """Spans of the target's clock times that stand for one of the source's."""
    return _pair_times(source, target, source_lang, target_lang)[0]
