"""How each language writes dates, numbers, percentages and quotation marks.

The forms come from CLDR through Babel; a few newsroom conventions CLDR does not carry are small tables
here (quotation marks, minimum grouping digits, the Vietnamese long date). The engine is told
the forms (`style_guide`), and the QA stage checks and repairs its output against the source
(`check_dates`, `fix_dates`, `fix_numbers`, `fix_typography`).

French spacing follows the Imprimerie nationale, with the narrow no-break space CLDR uses for grouping:

    before ; ! ?        U+202F narrow no-break space   "Quoi ?"
    before :            U+00A0 no-break space          "Note : …"
    inside « »          U+00A0 no-break space          "« Bonjour »"
    before %            as CLDR's percent pattern      "6,5 %" (U+00A0)
    thousands           as CLDR                        "1 234,5" (U+202F)
"""

from __future__ import annotations

import calendar
import datetime
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Literal

from babel import dates as babel_dates
from babel import numbers as babel_numbers

from editions.languages import get_language

__all__ = [
    "DateMention",
    "DateProblem",
    "DateStyle",
    "check_dates",
    "find_dates",
    "fix_dates",
    "fix_numbers",
    "fix_typography",
    "format_date",
    "format_number",
    "format_percent",
    "same_date",
    "style_guide",
]

Number = Decimal | int | float
DateStyle = Literal["long", "short_day_month", "month_year"]

NBSP = "\u00a0"
NNBSP = "\u202f"
_SPACE = "[ \u00a0\u202f]"

# CLDR's minimumGroupingDigits, which Babel does not apply: 2 means "1234" but "12 345".
_MIN_GROUPING: dict[str, int] = {"es": 2, "pl": 2}
# CLDR has no newsroom long date for Vietnamese ("5 tháng 6, 2025"); papers write this one.
_LONG_DATE_PATTERN: dict[str, str] = {"vi": "'ngày' d 'tháng' M 'năm' y"}
# Quotation marks (open, close, inner padding). pt follows European use, as the newsroom asked.
_QUOTES: dict[str, tuple[str, str, str]] = {
    "fr": ("«", "»", NBSP),
    "es": ("«", "»", ""),
    "pt": ("«", "»", ""),
    "de": ("„", "“", ""),
    "vi": ("“", "”", ""),
    "en": ("“", "”", ""),
}
_QUOTE_WORD = {"fr": "guillemets", "es": "comillas", "pt": "aspas", "de": "Anführungszeichen"}
_QUOTE_WORD |= {"vi": "ngoặc kép", "en": "quotation marks"}


def _lang(lang: str) -> str:
    return get_language(lang).code


def _decimal(value: Number) -> Decimal:
    if isinstance(value, float):
        return Decimal(repr(value))  # 6.5, not 6.5000000000000001776…
    return Decimal(value)


# --- formatting ---------------------------------------------------------------------------------------


def format_number(value: Number, lang: str) -> str:
    """`value` as `lang` writes it, keeping its decimals: 1234.5 → fr "1 234,5" (U+202F), vi "1.234,5"."""
    code = _lang(lang)
    number = _decimal(value)
    integer, _, fraction = format(abs(number), "f").partition(".")
    grouped = abs(number) >= 10 ** (2 + _MIN_GROUPING.get(code, 1))
    text = babel_numbers.format_decimal(int(integer), locale=code, group_separator=grouped)
    if fraction:
        text += babel_numbers.get_decimal_symbol(code) + fraction
    return babel_numbers.get_minus_sign_symbol(code) + text if number < 0 else text


def _percent_pattern(code: str) -> str:
    """CLDR's percent pattern with "{}" for the number: fr "{}\u00a0%", vi "{}%"."""
    sample = babel_numbers.format_percent(Decimal("0.065"), locale=code, decimal_quantization=False)
    return sample.replace(format_number(Decimal("6.5"), code), "{}")


def format_percent(value: Number, lang: str) -> str:
    """`value` per cent (6.5 means 6.5 %) as `lang` writes it: fr "6,5 %" (U+00A0), vi "6,5%"."""
    code = _lang(lang)
    return _percent_pattern(code).replace("{}", format_number(value, code))


def format_date(d: datetime.date, lang: str, style: DateStyle = "long") -> str:
    """A date in `lang`'s form, by style ("long", "short_day_month", "month_year"):
    fr "5 juin 2025" / "5 juin" / "juin 2025"; vi "ngày 5 tháng 6 năm 2025" / "5/6" / "tháng 6 năm 2025"."""
    code = _lang(lang)
    if style == "long":
        pattern = _LONG_DATE_PATTERN.get(code, "long")
        text = babel_dates.format_date(d, format=pattern, locale=code)
    elif style == "short_day_month":
        text = babel_dates.format_skeleton("Md" if code == "vi" else "MMMMd", d, locale=code)
    else:
        text = babel_dates.format_skeleton("yMMMM", d, locale=code)
    if code == "fr" and d.day == 1 and style != "month_year":
        text = re.sub(r"(?<!\d)1(?= )", "1er", text, count=1)
    return text


def _quotes(code: str) -> tuple[str, str, str]:
    return _QUOTES.get(code, _QUOTES["en"])


def style_guide(lang: str) -> str:
    """One line for the prompt: how `lang` writes dates, numbers, percentages and quotations."""
    code = _lang(lang)
    sample = datetime.date(2025, 6, 5)
    dates = f'"{format_date(sample, code)}"'
    if code == "vi":
        dates += f' or "{format_date(sample, code, "short_day_month")}" (day/month)'
    numbers = f'"{format_number(Decimal("1234.5"), code)}"'
    if _MIN_GROUPING.get(code, 1) > 1:
        numbers = f'"{format_number(Decimal("12345.5"), code)}" (but "{format_number(1234, code)}")'
    percent = format_percent(Decimal("6.5"), code)
    opening, closing, pad = _quotes(code)
    quoted = f"{opening}{pad}{_QUOTE_WORD.get(code, 'quotation marks')}{pad}{closing}"
    return (
        f'Write dates like {dates}, numbers like {numbers}, percentages like "{percent}", and use {quoted}.'
    )


# --- finding dates ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DateMention:
    """A date written in a text: `raw` is `text[start:end]`; year and day may be left out ("juin 2025")."""

    start: int
    end: int
    raw: str
    year: int | None
    month: int
    day: int | None


def same_date(a: DateMention, b: DateMention) -> bool:
    """Same month; same year and day where both say them ("June 5" is the same date as "5 juin 2025")."""
    if a.month != b.month:
        return False
    if a.year is not None and b.year is not None and a.year != b.year:
        return False
    return a.day is None or b.day is None or a.day == b.day


_DAY = r"(?P<d>[12]\d|3[01]|0?[1-9])(?!\d)"
_MONTH = r"(?P<m>1[0-2]|0?[1-9])(?!\d)"
_YEAR = r"(?P<y>[12]\d{3})(?!\d)"
_NUM_START = r"(?<![\w/.,:-])"
_NUM_END = r"(?![\w/]|[.,:-]\d)"
_EN_DAY_SUFFIX = r"(?:st|nd|rd|th)?(?!\w)"


@cache
def _month_names(code: str) -> dict[str, int]:
    """Lower-cased month names and abbreviations (without their dot) → month number, from CLDR."""
    names: dict[str, int] = {}
    for width in ("wide", "abbreviated"):
        for context in ("format", "stand-alone"):
            found = babel_dates.get_month_names(width, context, locale=code)
            for number, name in found.items():
                names[str(name).lower().rstrip(".")] = int(number)
    if code == "en":
        names["sept"] = 9
    return names


def _month_alternation(code: str) -> str:
    wide = {str(n).lower() for n in babel_dates.get_month_names("wide", locale=code).values()}
    alternatives = []
    for name in sorted(_month_names(code), key=len, reverse=True):
        # abbreviations may carry their dot ("janv.", "Jan."); a full name's dot ends the sentence
        written = re.escape(name.capitalize() if code == "en" else name)
        alternatives.append(written if name in wide else written + r"\.?")
    # English month names are capitalised: "may 5" is not a date
    return r"(?<!\w)(?P<mn>" + "|".join(alternatives) + r")(?!\w)"


@cache
def _date_patterns(code: str, lenient: bool) -> tuple[re.Pattern[str], ...]:
    """Date patterns for `code`; `lenient` adds the bare US "6/5" (read in a target, against a source)."""
    s = _SPACE
    numeric_dmy = rf"{_NUM_START}{_DAY}(?P<sep>[/.-]){_MONTH}(?P=sep){_YEAR}"
    if code == "vi":
        day_month = rf"(?:ngày|mùng|mồng){s}{_DAY}{s}tháng{s}{_MONTH}(?:,?{s}(?:năm{s})?{_YEAR})?"
        return tuple(
            re.compile(p, re.IGNORECASE)
            for p in (
                day_month,
                rf"{_NUM_START}{_DAY}{s}tháng{s}{_MONTH},?{s}(?:năm{s})?{_YEAR}",
                rf"(?:ngày{s})?{numeric_dmy}{_NUM_END}",
                rf"ngày{s}{_DAY}[/-]{_MONTH}{_NUM_END}",
                rf"{_NUM_START}{_DAY}/{_MONTH}{_NUM_END}",
                rf"tháng{s}{_MONTH}(?:/|,?{s}năm{s}|,{s}){_YEAR}",
            )
        )
    mn = _month_alternation(code)
    if code == "en":
        patterns = [
            rf"{_NUM_START}{_DAY}{_EN_DAY_SUFFIX}{s}(?:of{s})?{mn}(?:,?{s}{_YEAR})?",
            rf"{mn}{s}{_DAY}{_EN_DAY_SUFFIX}(?:,?{s}{_YEAR})?",
            rf"{mn},?{s}{_YEAR}",
            rf"{_NUM_START}{_MONTH}/{_DAY}/{_YEAR}{_NUM_END}",
        ]
        if lenient:
            patterns.append(rf"{_NUM_START}{_MONTH}/{_DAY}{_NUM_END}")
        return tuple(re.compile(p) for p in patterns)
    if code in ("es", "pt"):
        de = rf"{s}del?{s}"
        patterns = [rf"{_NUM_START}{_DAY}{de}{mn}(?:{de}{_YEAR})?", rf"{mn}(?:{de}|{s}){_YEAR}"]
    elif code == "de":
        patterns = [rf"{_NUM_START}{_DAY}\.{s}?{mn}(?:{s}{_YEAR})?", rf"{mn}{s}{_YEAR}"]
    elif code == "fr":
        day = r"(?P<d>1er|1ᵉʳ|[12]\d|3[01]|0?[1-9])(?!\d)"
        patterns = [rf"{_NUM_START}{day}{s}{mn}(?:{s}{_YEAR})?", rf"{mn}{s}{_YEAR}"]
    else:
        patterns = [rf"{_NUM_START}{_DAY}{s}{mn}(?:{s}{_YEAR})?", rf"{mn}{s}{_YEAR}"]
    patterns.append(numeric_dmy + _NUM_END)
    return tuple(re.compile(p, re.IGNORECASE) for p in patterns)


def _mention(match: re.Match[str], code: str) -> DateMention | None:
    groups = match.groupdict()
    month = _month_names(code)[groups["mn"].lower().rstrip(".")] if groups.get("mn") else int(groups["m"])
    day = int(re.sub(r"\D", "", groups["d"])) if groups.get("d") else None
    year = int(groups["y"]) if groups.get("y") else None
    if day is not None and day > calendar.monthrange(year or 2000, month)[1]:
        return None
    return DateMention(match.start(), match.end(), match.group(0), year, month, day)


def _find(text: str, code: str, lenient: bool) -> list[DateMention]:
    found = [
        mention
        for pattern in _date_patterns(code, lenient)
        for match in pattern.finditer(text)
        if (mention := _mention(match, code)) is not None
    ]
    # earliest first, then longest; overlapping shorter readings are dropped
    found.sort(key=lambda m: (m.start, m.start - m.end))
    kept: list[DateMention] = []
    for mention in found:
        if not kept or mention.start >= kept[-1].end:
            kept.append(mention)
    return kept


def find_dates(text: str, lang: str) -> list[DateMention]:
    """The dates written in `text` the way `lang` writes them, in order. A bare year or number is not a
    date; in Vietnamese a bare "5/6" is (day/month, the newsroom short form)."""
    return _find(text, _lang(lang), lenient=False)


# --- checking and fixing dates ------------------------------------------------------------------------

DateCode = Literal["date.missing", "date.shifted", "date.ambiguous_form"]


@dataclass(frozen=True)
class DateProblem:
    """A source date the target lost, changed, or wrote in the source language's form."""

    code: DateCode
    source: DateMention
    target: DateMention | None
    message: str


@dataclass(frozen=True)
class _DateFinding:
    problem: DateProblem
    replacement: str | None  # the target span rewritten in local form, when that is safe


def _describe(m: DateMention) -> str:
    """A date in plain English for editors: "6 May", "6 May 2025", "May 2025"."""
    parts = [str(m.day)] if m.day else []
    parts.append(calendar.month_name[m.month])
    if m.year:
        parts.append(str(m.year))
    return " ".join(parts)


def _is_numeric(m: DateMention) -> bool:
    return not re.search(r"[^\W\d_]", re.sub(r"(?i)^ngày\W*", "", m.raw))


def _local_form(date: DateMention, like: DateMention, text: str, code: str) -> str:
    """`date` written in `code`'s form, keeping the shape of the wrong mention `like` (numeric or words)."""
    if _is_numeric(like) and date.day is not None:
        prefix = re.match(r"(?i)^ngày\W*", like.raw)
        sep = re.search(r"[/.-]", like.raw)
        pad = re.search(r"(?<!\d)0\d", like.raw) is not None
        digits = [f"{n:02d}" if pad else str(n) for n in (date.day, date.month)]
        if like.year is not None and date.year is not None:
            digits.append(str(date.year))
        return (prefix.group(0) if prefix else "") + (sep.group(0) if sep else "/").join(digits)
    sample = datetime.date(date.year or 2000, date.month, date.day or 1)
    if date.day is None:
        return format_date(sample, code, "month_year")
    if date.year is None:
        short = format_date(sample, code, "short_day_month")
        if code == "vi" and not re.search(r"(?i)ngày\W*$", text[: like.start]):
            short = "ngày " + short
        return short
    return format_date(sample, code, "long")


def _pick_stray(source: DateMention, strays: list[DateMention]) -> DateMention | None:
    """The target date most likely to be this source date changed: same month, else same day or year."""

    def closeness(t: DateMention) -> int:
        if t.month == source.month:
            return 3
        if t.day is not None and t.day == source.day:
            return 2
        return 1 if t.year is not None and t.year == source.year else 0

    best = max(strays, key=closeness, default=None)  # the first of the closest
    return best if best is not None and closeness(best) else None


def _assess_dates(source: str, target: str, source_lang: str, target_lang: str) -> list[_DateFinding]:
    scode, tcode = _lang(source_lang), _lang(target_lang)
    target_name = get_language(tcode).name
    wanted: list[DateMention] = []
    for mention in find_dates(source, scode):
        if not any(same_date(mention, w) for w in wanted):
            wanted.append(mention)
    local = find_dates(target, tcode)
    foreign = _find(target, scode, lenient=True) if scode != tcode else []

    def is_wanted(m: DateMention) -> bool:
        return any(same_date(m, w) for w in wanted)

    def local_over(m: DateMention) -> DateMention | None:
        return next((t for t in local if t.start < m.end and m.start < t.end), None)

    strays = [t for t in local if not is_wanted(t)]
    findings: list[_DateFinding] = []
    for src in wanted:
        if any(same_date(src, t) for t in local):
            continue
        # the source date written the source's way in the target: "6/5" for June 5, "June 5" in French
        copied = next(
            (f for f in foreign if same_date(src, f) and not ((o := local_over(f)) and is_wanted(o))), None
        )
        if copied is not None:
            over = local_over(copied)
            if over is not None:
                strays = [s for s in strays if s != over]
                message = (
                    f'date "{src.raw}" became "{over.raw}" ({_describe(over)} in {target_name}); '
                    f'write "{_local_form(src, over, target, tcode)}"'
                )
                problem = DateProblem("date.shifted", src, over, message)
                findings.append(_DateFinding(problem, _local_form(src, over, target, tcode)))
            else:
                fixed = _local_form(src, copied, target, tcode)
                message = f'date "{src.raw}" is written "{copied.raw}", not the {target_name} way "{fixed}"'
                problem = DateProblem("date.ambiguous_form", src, copied, message)
                findings.append(_DateFinding(problem, fixed))
            continue
        stray = _pick_stray(src, strays)
        if stray is not None:
            strays.remove(stray)
            message = f'date "{src.raw}" became "{stray.raw}" ({_describe(stray)} in {target_name})'
            findings.append(_DateFinding(DateProblem("date.shifted", src, stray, message), None))
        else:
            message = f'date "{src.raw}" is missing from the {target_name} text'
            findings.append(_DateFinding(DateProblem("date.missing", src, None, message), None))
    return findings


def check_dates(source: str, target: str, source_lang: str, target_lang: str) -> list[DateProblem]:
    """Source dates that the target leaves out (`date.missing`), changes (`date.shifted`, including the
    English "June 5" copied as "6/5", which reads 6 May in Vietnamese), or keeps in the source
    language's form ("June 5" left in French: `date.ambiguous_form`)."""
    return [finding.problem for finding in _assess_dates(source, target, source_lang, target_lang)]


def _replace_spans(text: str, edits: Iterable[tuple[int, int, str]]) -> str:
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    return text


def fix_dates(source: str, target: str, source_lang: str, target_lang: str) -> tuple[str, list[str]]:
    """Rewrite target dates that are a source date in the source's form ("6/5" for June 5 in Vietnamese,
    "June 5" left in French) into the target's form. Any other date is left for an editor."""
    edits: dict[tuple[int, int], str] = {}
    messages: list[str] = []
    for finding in _assess_dates(source, target, source_lang, target_lang):
        span = finding.problem.target
        if finding.replacement is None or span is None or (span.start, span.end) in edits:
            continue
        edits[(span.start, span.end)] = finding.replacement
        source_raw = finding.problem.source.raw
        messages.append(f'date "{span.raw}" → "{finding.replacement}" (source "{source_raw}")')
    return _replace_spans(target, ((s, e, new) for (s, e), new in edits.items())), messages


# --- numbers ------------------------------------------------------------------------------------------

_SOURCE_NUMBER_RE = re.compile(r"(?<![\w.,/:])\d+(?:[.,\u00a0\u202f ]\d+)*(?!\w)")
_TARGET_NUMBER_RE = re.compile(
    r"(?<![\w.,/:])(?P<n>\d+(?:[.,]\d+)+)(?![\w/:]|[.,]\d)(?P<pct>[ \u00a0\u202f]?%)?"
)


def _read_number(raw: str, code: str) -> Decimal | None:
    """`raw` read the way `code` writes numbers, or None when it is not well formed there."""
    decimal = babel_numbers.get_decimal_symbol(code)
    group = babel_numbers.get_group_symbol(code)
    groups = NBSP + NNBSP + " " if group.isspace() else group
    integer, _, fraction = raw.rpartition(decimal) if decimal in raw else (raw, "", "")
    parts = re.split(f"[{re.escape(groups)}]", integer)
    if len(parts) > 1 and not (1 <= len(parts[0]) <= 3 and all(len(p) == 3 for p in parts[1:])):
        return None
    integer = "".join(parts)
    if not integer.isdigit() or (fraction and not fraction.isdigit()):
        return None
    return Decimal(f"{integer}.{fraction}" if fraction else integer)


def _values(text: str, code: str) -> set[Decimal]:
    values: set[Decimal] = set()
    for match in _SOURCE_NUMBER_RE.finditer(text):
        value = _read_number(match.group(0), code)
        if value is not None:
            values.add(value)
        else:  # "2024 12" is two numbers
            values.update(v for piece in re.split(_SPACE, match.group(0)) if (v := _read_number(piece, code)))
    return values


def fix_numbers(source: str, target: str, source_lang: str, target_lang: str) -> tuple[str, list[str]]:
    """Rewrite target numbers written the source's way ("1,250" in French, "6.5" in Vietnamese) into the
    target's, when the source way gives a source value and the target way does not. Plain digit runs
    such as years ("2025") are never touched."""
    scode, tcode = _lang(source_lang), _lang(target_lang)
    if scode == tcode:
        return target, []
    wanted = _values(source, scode)
    name = get_language(tcode).name
    protected = _protected_spans(target)
    edits: list[tuple[int, int, str]] = []
    messages: list[str] = []
    for match in _TARGET_NUMBER_RE.finditer(target):
        raw = match.group("n")
        value = _read_number(raw, scode)
        if value is None or value not in wanted or _read_number(raw, tcode) in wanted:
            continue
        if _overlaps(match.start(), match.end(), protected):
            continue
        if match.group("pct"):
            new = _percent_pattern(tcode).replace("{}", format_number(value, tcode))
        else:
            new = format_number(value, tcode)
        old = match.group(0)
        edits.append((match.start(), match.end(), new))
        messages.append(f'number "{old}" → "{new}" ({name} style)')
    return _replace_spans(target, edits), messages


# --- typography ---------------------------------------------------------------------------------------

_PROTECTED_RE = re.compile(
    r"(?:https?://|www\.)[^\s<>\"«»“”„]*[^\s<>\"«»“”„.,;:!?)]"  # URLs, less a trailing stop
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"  # e-mail addresses
    r"|</?(?:a|em|b)\d+>"  # placeholder tags
    r"|&#?\w+;"  # HTML entities
)


def _protected_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _PROTECTED_RE.finditer(text)]


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in spans)


def _apply(text: str, pattern: str, repl: Callable[[re.Match[str]], str]) -> tuple[str, int]:
    """`re.sub` that leaves URLs, e-mail addresses and placeholder tags alone; counts real changes."""
    protected = _protected_spans(text)
    changed = 0

    def guarded(match: re.Match[str]) -> str:
        nonlocal changed
        if _overlaps(match.start(), match.end(), protected):
            return match.group(0)
        new = repl(match)
        changed += new != match.group(0)
        return new

    return re.sub(pattern, guarded, text), changed


def _pair_straight_quotes(text: str, opening: str, closing: str, pad: str) -> tuple[str, int]:
    """Straight "…" → curly or angle quotes, paragraph by paragraph, only where they pair up cleanly."""
    protected = _protected_spans(text)
    edits: list[tuple[int, int, str]] = []
    for paragraph in re.finditer(r"[^\n]+", text):
        marks = [
            m.start()
            for m in re.finditer('"', paragraph.group(0))
            if not _overlaps(paragraph.start() + m.start(), paragraph.start() + m.end(), protected)
        ]
        body = paragraph.group(0)
        clean = len(marks) % 2 == 0 and all(
            (i % 2 == 0 and body[p + 1 : p + 2].strip()) or (i % 2 == 1 and body[p - 1 : p].strip())
            for i, p in enumerate(marks)
        )
        if clean:
            for i, p in enumerate(marks):
                mark = pad + closing if i % 2 else opening + pad
                edits.append((paragraph.start() + p, paragraph.start() + p + 1, mark))
    return _replace_spans(text, edits), len(edits) // 2


def fix_typography(text: str, lang: str) -> tuple[str, list[str]]:
    """Quotation marks and the spaces around punctuation as `lang` writes them (see the module doc for
    French). Idempotent; URLs, e-mail addresses, HTML entities and placeholder tags are never changed."""
    code = _lang(lang)
    opening, closing, pad = _quotes(code)
    messages: list[str] = []

    def note(count: int, what: str) -> None:
        if count:
            messages.append(f"{what} ({count}×)")

    text, count = _pair_straight_quotes(text, opening, closing, pad)
    note(count, f'straight quotes "…" → {opening}{pad}…{pad}{closing}')
    if opening != "“":
        text, count = _apply(
            text, r"“([^“”„\n]*)”", lambda m: opening + pad + m.group(1).strip() + pad + closing
        )
        note(count, f"quotes “…” → {opening}{pad}…{pad}{closing}")
    if opening == "«":
        text, a = _apply(text, f"«{_SPACE}*", lambda m: "«" + pad)
        text, b = _apply(text, f"{_SPACE}*»", lambda m: pad + "»")
        note(a + b, "spacing inside « »")
    if code == "fr":
        text, count = _apply(text, rf"(?<=[^\s(\[«;!?]){_SPACE}*([;!?]+)", lambda m: NNBSP + m.group(1))
        note(count, "narrow no-break space before ; ! ?")

        def colon(match: re.Match[str]) -> str:
            before = match.string[match.start() - 1]
            after = match.string[match.end() : match.end() + 1]
            if (before.isdigit() and after.isdigit() and match.group(0) == ":") or after == "/":
                return match.group(0)  # 10:30, scheme:/
            return NBSP + ":"

        text, count = _apply(text, rf"(?<=[^\s(\[«:]){_SPACE}*:(?!:)", colon)
        note(count, "no-break space before :")
    percent = _percent_pattern(code)
    if percent.startswith("{}") and percent.endswith("%"):
        spacing = percent[2:-1]
        text, count = _apply(text, rf"(?<=\d){_SPACE}*%", lambda m: spacing + "%")
        note(count, "spacing before %")
    return text, messages
