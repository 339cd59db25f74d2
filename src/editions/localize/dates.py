"""Dates: written the way each language writes them, found in a text, and checked and fixed against
the source (a date lost, changed, or left in the source language's form)."""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass, replace
from functools import cache
from typing import Literal

from babel import dates as babel_dates

from editions.languages import get_language
from editions.localize.spans import SPACE, replace_spans

DateStyle = Literal["long", "short_day_month", "month_year"]

# CLDR has no newsroom long date for Vietnamese ("5 tháng 6, 2025"); papers write this one.
_LONG_DATE_PATTERN: dict[str, str] = {"vi": "'ngày' d 'tháng' M 'năm' y"}


def format_date(d: datetime.date, lang: str, style: DateStyle = "long") -> str:
    """A date in `lang`'s form, by style ("long", "short_day_month", "month_year"):
    fr "5 juin 2025" / "5 juin" / "juin 2025"; vi "ngày 5 tháng 6 năm 2025" / "5/6" / "tháng 6 năm 2025"."""
    code = get_language(lang).code
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


_DAY = r"(?P<d>[12]\d|3[01]|0?[1-9])(?!\d|:\d|\s?[ap]\.?m\b)"  # "June 12:30", "June 3 p.m.": clock times
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
    s = SPACE
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


@cache
def _reordered_pattern(code: str) -> re.Pattern[str] | None:
    """`code`'s month names in English word order ("février 2, 2026", "tháng 2 12, 2026"), for
    languages that put the day first."""
    if code == "en":
        return None
    if code == "vi":  # "tháng 2 12, 2026"
        return re.compile(rf"tháng{SPACE}{_MONTH}{SPACE}{_DAY},?{SPACE}{_YEAR}", re.IGNORECASE)
    return re.compile(rf"{_month_alternation(code)}{SPACE}{_DAY}(?:,?{SPACE}{_YEAR})?", re.IGNORECASE)


def _find_reordered(text: str, code: str) -> list[DateMention]:
    pattern = _reordered_pattern(code)
    if pattern is None:
        return []
    return [m for match in pattern.finditer(text) if (m := _mention(match, code)) is not None]


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
    return _find(text, get_language(lang).code, lenient=False)


# --- checking and fixing dates ------------------------------------------------------------------------

DateCode = Literal["date.missing", "date.shifted", "date.ambiguous_form", "date.order"]


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
    """`date` written in `code`'s form, keeping the shape of the wrong mention `like` (numeric or words).

    What the target said and the source left out stays: "June 5" in the source and "6/5/2025" in the
    target is the same date (`same_date`), and its local form keeps the year. A bare "5/6" is a date
    only in Vietnamese: in another language a date without a year is written in words, so that the
    target's own reader (and a second repair) finds it."""
    date = replace(date, year=date.year or like.year, day=date.day or like.day)
    numeric_is_a_date = code == "vi" or (like.year is not None and date.year is not None)
    if _is_numeric(like) and date.day is not None and numeric_is_a_date:
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
    scode, tcode = get_language(source_lang).code, get_language(target_lang).code
    target_name = get_language(tcode).name
    wanted: list[DateMention] = []
    for mention in find_dates(source, scode):
        if not any(same_date(mention, w) for w in wanted):
            wanted.append(mention)
    undated_source = replace_spans(source, ((m.start, m.end, " ") for m in find_dates(source, scode)))
    local = find_dates(target, tcode)
    foreign = _find(target, scode, lenient=True) if scode != tcode else []
    reordered = _find_reordered(target, tcode) if scode != tcode else []

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
            (
                f
                for f in foreign
                if same_date(src, f)
                and not ((o := local_over(f)) and is_wanted(o))
                # "6/5" the source writes too, as numbers (no year): a copy of those, not of this date
                and not (_is_numeric(f) and f.raw in undated_source)
            ),
            None,
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
        # the target's month name in the source's word order: « février 2, 2026 »
        turned = next((r for r in reordered if same_date(src, r) and local_over(r) is None), None)
        if turned is not None:
            fixed = _local_form(src, turned, target, tcode)
            message = f'date "{src.raw}" is written "{turned.raw}", in English word order; write "{fixed}"'
            findings.append(_DateFinding(DateProblem("date.order", src, turned, message), fixed))
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
    return replace_spans(target, ((s, e, new) for (s, e), new in edits.items())), messages
