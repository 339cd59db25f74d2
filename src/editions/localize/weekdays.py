"""Weekdays and times of day: found in a text, checked and fixed against the source.

A weekday is a fact like a date: "on Thursday" must come out as « jeudi » or "thứ Năm"/"thứ 5", never
as another day, nor as a relative day ("hôm nay", « aujourd'hui »), nor as an invented date. Weekday
names come from CLDR through Babel; the relative days and the times of day are small tables here.

Vietnamese "thứ hai/ba/…" is also an ordinal ("lần thứ hai", the second time), so a lower-case form
counts as a weekday only after a word that introduces a day ("hôm", "vào", "sáng", …) or before a date.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from typing import Literal

from babel import dates as babel_dates

from editions.languages import get_language
from editions.localize.dates import find_dates, same_date
from editions.localize.spans import replace_spans

# Relative days: what a weekday must not turn into.
_RELATIVE: dict[str, tuple[str, ...]] = {
    "en": ("today", "tonight", "yesterday", "tomorrow"),
    "fr": ("aujourd'hui", "aujourd’hui", "hier", "demain", "ce soir", "cette nuit", "ce matin"),
    "vi": ("hôm nay", "hôm qua", "ngày mai", "tối nay", "đêm nay", "sáng nay", "chiều nay", "ngày hôm qua"),
    "es": ("hoy", "ayer", "mañana"),
    "de": ("heute", "gestern", "morgen"),
}

# Times of day, as a weekday carries them ("Thursday morning" / « jeudi matin » / "sáng thứ Năm").
TimeOfDay = Literal["morning", "afternoon", "evening", "night"]
_TIMES: dict[str, dict[str, TimeOfDay]] = {
    "en": {"morning": "morning", "afternoon": "afternoon", "evening": "evening", "night": "night"},
    "fr": {"matin": "morning", "après-midi": "afternoon", "soir": "evening", "nuit": "night"},
    "vi": {"sáng": "morning", "chiều": "afternoon", "tối": "evening", "đêm": "night"},
}

# Vietnamese words after which "thứ hai" is a day, not "the second".
_VI_DAY_INTRO = re.compile(
    r"(?:\b(?:hôm|vào|sáng|trưa|chiều|tối|đêm|ngày|từ|đến|tới|hết|cuối|các|mỗi|và|hoặc)|[,(])\s*$"
)
# Words after which "thứ hai" is "the second": the second time, person, place, round, term …
_VI_ORDINAL_INTRO = re.compile(r"\b(?:lần|người|vị\s+trí|hạng|vòng|nhiệm\s+kỳ|khóa|con)\s*$", re.IGNORECASE)
_VI_DAYS = ("hai", "ba", "tư", "năm", "sáu", "bảy")
# What follows a number that is an amount, not "thứ 2" (Monday): a decimal, a scale word, a unit.
_VI_AMOUNT_AFTER = re.compile(
    r"(?:[.,]\d|\s*(?:tỷ|triệu|nghìn|ngàn|trăm|billion|million|thousand|trillion|%|USD|US\$|đồng|euro|\$|€|£)"
    r"(?!\w))",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class WeekdayMention:
    """A weekday (0 = Monday … 6 = Sunday) or a relative day (`day` None) written in a text."""

    start: int
    end: int
    raw: str
    day: int | None
    time: TimeOfDay | None = None


@cache
def _names(code: str) -> dict[str, int]:
    """Lower-cased wide weekday names of a language → 0…6 (CLDR). Abbreviations are left out: French
    « mar. » and « mer. » are also « mars » and « mer » (the sea)."""
    return {str(name).lower(): day for day, name in babel_dates.get_day_names("wide", locale=code).items()}


# English abbreviations, capitalised and with their stop ("Thu."): "Sat", "Sun" and "Wed" are words.
_EN_ABBREVIATIONS = {"Mon": 0, "Tue": 1, "Tues": 1, "Wed": 2, "Thu": 3, "Thur": 3, "Thurs": 3, "Fri": 4}
_EN_ABBREVIATIONS |= {"Sat": 5, "Sun": 6}


@cache
def _pattern(code: str) -> re.Pattern[str]:
    times = "|".join(sorted(map(re.escape, _TIMES.get(code, {})), key=len, reverse=True))
    relative = "|".join(sorted(map(re.escape, _RELATIVE.get(code, ())), key=len, reverse=True))
    if code == "vi":
        capital = r"[Tt]hứ\s+(?:Hai|Ba|Tư|Năm|Sáu|Bảy|[2-7])|Chủ\s+[Nn]hật|chủ\s+nhật|CN"
        lower = r"[Tt]hứ\s+(?:hai|ba|tư|năm|sáu|bảy)"
        day = rf"(?:{capital}|{lower})(?!\w)"
        timed = rf"(?:(?P<time>{times})\s+(?:ngày\s+|hôm\s+)?)?(?P<day>{day})"
    else:
        names = "|".join(sorted(map(re.escape, _names(code)), key=len, reverse=True))
        plural = "s?" if code in ("en", "fr") else ""
        after = rf"(?:[\s-]+(?P<time>{times})(?!\w))?" if times else ""
        timed = rf"(?P<day>(?i:{names}){plural})(?!\w){after}"
        if code == "en":
            short = "|".join(sorted(_EN_ABBREVIATIONS, key=len, reverse=True))
            timed = rf"(?:{timed}|(?P<short>{short})\.)"
    relative_part = rf"|(?P<rel>(?<!\w)(?i:{relative})(?!\w))" if relative else ""
    return re.compile(rf"(?<!\w){timed}{relative_part}")


def _vi_day_context(text: str, match: re.Match[str]) -> bool:
    """A lower-case "thứ hai" is a day after "hôm", "vào", … or before a date ("thứ hai (5/6)"), or
    opening a sentence before a comma ("Thứ hai, các nhà khoa học …": on Monday)."""
    before = text[max(0, match.start("day") - 12) : match.start("day")]
    after = text[match.end() : match.end() + 8]
    opening = re.search(r"(?:^|[.!?…]\s+)$", text[: match.start("day")]) and after.startswith(",")
    if _VI_ORDINAL_INTRO.search(before):
        return False  # "lần thứ hai 5/6": the second time, whatever follows
    return bool(
        _VI_DAY_INTRO.search(before) or opening or re.match(r"\s*[(,]?\s*(?:ngày\s*)?\d{1,2}/\d", after)
    )


def _day_of(raw: str, code: str) -> int:
    word = raw.lower().rstrip(".")
    if code == "vi":
        if "nhật" in word or word == "cn":
            return 6
        last = word.split()[-1]
        return int(last) - 2 if last.isdigit() else _VI_DAYS.index(last)
    if word not in _names(code) and word.endswith("s"):
        word = word[:-1]
    return _names(code)[word]


def find_weekdays(text: str, lang: str) -> list[WeekdayMention]:
    """Weekdays and relative days in `text`, in order, with the time of day a weekday carries."""
    code = get_language(lang).code
    found = []
    for match in _pattern(code).finditer(text):
        if match.groupdict().get("rel"):  # only languages with relative days have the group
            found.append(WeekdayMention(match.start(), match.end(), match.group(0), None))
            continue
        if code == "en" and match.group("short"):
            day = _EN_ABBREVIATIONS[match.group("short")]
            found.append(WeekdayMention(match.start(), match.end(), match.group(0), day))
            continue
        raw_day = match.group("day")
        if (
            code == "vi"
            and raw_day.lower().startswith("thứ ")
            and raw_day.split()[-1].islower()
            and not _vi_day_context(text, match)
        ):
            continue  # "lần thứ hai": the second time
        if code == "vi" and raw_day.split()[-1].isdigit() and _VI_AMOUNT_AFTER.match(text, match.end()):
            continue  # "thứ 2 tỷ USD": a quantity after an ordinal, not Monday
        if code == "vi" and raw_day == "CN" and not re.search(r"\d", text[match.end() : match.end() + 8]):
            continue  # "CN" alone is an abbreviation of many things; as a day it comes with a date
        # nor have all languages a "time" group (_TIMES)
        time = _TIMES.get(code, {}).get((match.groupdict().get("time") or "").lower())
        found.append(WeekdayMention(match.start(), match.end(), match.group(0), _day_of(raw_day, code), time))
    return found


@dataclass(frozen=True)
class WeekdayProblem:
    code: Literal["weekday.changed", "weekday.missing", "weekday.added", "time_of_day.changed"]
    message: str
    source: WeekdayMention | None
    target: WeekdayMention | None
    replacement: str | None = None  # the target span rewritten, when the fix is unambiguous


def _english(day: int) -> str:
    return str(babel_dates.get_day_names("wide", locale="en")[day])


def _write_like(day: int, like: WeekdayMention, code: str) -> str | None:
    """`day` written in `code`, in the shape of the wrong mention `like` (its case, digits, time of day)."""
    wide = str(babel_dates.get_day_names("wide", locale=code)[day])
    if like.day is None:  # a relative day: write the weekday plainly
        return (
            wide.lower()
            if code != "vi"
            else ("hôm " if not like.raw.startswith("ngày") else "")
            + ("Chủ nhật" if day == 6 else f"thứ {wide.split()[-1].capitalize()}")
        )
    if code == "vi":
        match = re.search(r"(thứ\s+)(\S+)$|[Cc]hủ\s+[Nn]hật$|CN$", like.raw)
        if match is None:
            return None
        head = like.raw[: match.start()]
        if day == 6:
            return head + "Chủ nhật"
        word = match.group(2) or "Chủ"  # after "Chủ nhật", the capitalised newsroom form
        number = str(day + 2) if word.isdigit() else _VI_DAYS[day]
        if not word.isdigit() and word[:1].isupper():
            number = number.capitalize()
        prefix = match.group(1) or "thứ "
        return head + prefix + number
    match = re.match(r"\w+", like.raw)
    if match is None:
        return None
    word = wide.capitalize() if match.group(0)[:1].isupper() else wide.lower()
    return word + like.raw[match.end() :]


def _assess(source: str, target: str, source_lang: str, target_lang: str) -> list[WeekdayProblem]:
    scode, tcode = get_language(source_lang).code, get_language(target_lang).code
    src = find_weekdays(source, scode)
    tgt = find_weekdays(target, tcode)
    unmatched = Counter(m.day for m in tgt if m.day is not None)
    missing = []
    for mention in src:
        if mention.day is None:
            continue
        if unmatched[mention.day] > 0:
            unmatched[mention.day] -= 1
        else:
            missing.append(mention)
    extra = []
    for mention in tgt:
        if mention.day is not None and unmatched[mention.day] > 0:
            unmatched[mention.day] -= 1
            extra.append(mention)
    relative = [m for m in tgt if m.day is None][sum(m.day is None for m in src) :]
    problems: list[WeekdayProblem] = []
    one_to_one = len(missing) == 1 and len(extra) + len(relative) == 1
    for want in missing:
        wrong = extra.pop(0) if extra else (relative.pop(0) if relative else None)
        name = _english(want.day or 0)
        if wrong is None:
            message = f"the weekday « {want.raw} » ({name}) is missing from the translation"
            problems.append(WeekdayProblem("weekday.missing", message, want, None))
            continue
        became = _english(wrong.day) if wrong.day is not None else "a relative day"
        message = f"the weekday « {want.raw} » ({name}) became « {wrong.raw} » ({became})"
        replacement = _write_like(want.day or 0, wrong, tcode) if one_to_one else None
        problems.append(WeekdayProblem("weekday.changed", message, want, wrong, replacement))
    for added in extra:
        message = f"the weekday « {added.raw} » is in the translation but not in the source"
        problems.append(WeekdayProblem("weekday.added", message, None, added))
    problems += _times(src, tgt)
    return problems


def _times(src: list[WeekdayMention], tgt: list[WeekdayMention]) -> list[WeekdayProblem]:
    """A weekday's time of day changed: "Thursday morning" → « jeudi soir » (only where both say one)."""
    problems = []
    for want in src:
        same_day = [t for t in tgt if t.day == want.day and want.day is not None]
        if want.time is None or not same_day or any(t.time in (want.time, None) for t in same_day):
            continue
        wrong = same_day[0]
        message = f"« {want.raw} » ({want.time}) became « {wrong.raw} » ({wrong.time})"
        problems.append(WeekdayProblem("time_of_day.changed", message, want, wrong))
    return problems


def check_weekdays(source: str, target: str, source_lang: str, target_lang: str) -> list[WeekdayProblem]:
    """Source weekdays the target changed (to another day or a relative day), lost, or added."""
    return _assess(source, target, source_lang, target_lang)


def fix_weekdays(source: str, target: str, source_lang: str, target_lang: str) -> tuple[str, list[str]]:
    """Rewrite the one wrong weekday when one source weekday maps to one target weekday; or, when the one
    weekday the target lost became the one date the source never gave ("On Monday" → « Le 1er janvier »,
    "ngày 4/4/2023"), write the weekday in that date's place."""
    edits = []
    messages = []
    problems = _assess(source, target, source_lang, target_lang)
    for problem in problems:
        wrong, new = problem.target, problem.replacement
        if problem.code != "weekday.changed" or wrong is None or new is None or new == wrong.raw:
            continue
        edits.append((wrong.start, wrong.end, new))
        said = f" (source « {problem.source.raw} »)" if problem.source else ""
        messages.append(f"weekday « {wrong.raw} » → « {new} »{said}")
    lost = [p for p in problems if p.code in ("weekday.missing", "weekday.changed")]
    if not edits and len(lost) == 1 and lost[0].code == "weekday.missing" and lost[0].source is not None:
        invented = _invented_date(source, target, source_lang, target_lang, lost[0].source.day or 0)
        if invented is not None:
            start, end, new = invented
            edits.append(invented)
            messages.append(
                f"date « {target[start:end]} » → « {new} » (source « {lost[0].source.raw} », no date)"
            )
    return replace_spans(target, edits), messages


def _invented_date(
    source: str, target: str, source_lang: str, target_lang: str, day: int
) -> tuple[int, int, str] | None:
    """The span of the one target date the source does not give, and the weekday to write there."""
    code = get_language(target_lang).code
    given = find_dates(source, source_lang)
    invented = [d for d in find_dates(target, code) if not any(same_date(d, g) for g in given)]
    if len(invented) != 1:
        return None
    # a date whose day or year the source writes as a number was not invented: "6/5" is a US date the
    # source's reader does not take for one, and replacing it would lose a fact
    # (whole numbers only: the 2 of "2.4 million" is not a day)
    source_numbers = {int(n) for n in re.findall(r"(?<![\d.,])\d+(?![.,]\d)", source)}
    if {invented[0].day, invented[0].year} & source_numbers:
        return None
    start, end = invented[0].start, invented[0].end
    capital = target[start : start + 1].isupper()
    if code == "fr":
        article = re.search(r"(?i)(?<!\w)le\s+$", target[:start])
        if article is not None:
            start, capital = article.start(), target[article.start()].isupper()
    wide = str(babel_dates.get_day_names("wide", locale=code)[day])
    if code == "vi":
        word = "Chủ nhật" if day == 6 else f"thứ {wide.split()[-1].capitalize()}"
        new = f"Hôm {word}" if capital else word
    else:
        new = wide.capitalize() if capital else wide.lower()
    return start, end, new
