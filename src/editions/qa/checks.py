"""Per-block QA checks: each returns findings an editor understands, with source and target spans.

Checks read plain text (placeholder tags removed) except the markup check. Offsets in findings are
offsets in those plain texts. Which findings the engine can fix (worth a retry with the finding as
feedback) is `ENGINE_FIXABLE`; deterministic fixes live in `editions.qa.repair`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from editions.document import Mark, QaFinding, Severity, markup_problems, plain_text
from editions.langid import detect_language
from editions.localize import check_dates as date_problems
from editions.localize import check_weekdays, find_dates, find_weekdays, misplaced_amounts, same_date
from editions.qa.align import align, lost_places, negation_changed
from editions.qa.names import english_place_names, unsupported_names
from editions.qa.numbers import (
    missing_times,
    number_values,
    span_of,
    spelled_numbers,
    values_either_way,
    without_times,
)
from editions.qa.replies import not_a_translation
from editions.qa.script import allowed_scripts, foreign_runs
from editions.qa.text import LENGTH_RATIO, unaccented, zipf
from editions.vocabulary import FindingCode

if TYPE_CHECKING:
    from editions.glossary import Glossary


@dataclass(frozen=True)
class BlockPair:
    """A source block and its translation (texts with placeholder tags)."""

    block_id: str
    source: str
    target: str
    marks: dict[str, Mark] = field(default_factory=dict)

    @property
    def plain_source(self) -> str:
        return plain_text(self.source)

    @property
    def plain_target(self) -> str:
        return plain_text(self.target)


@dataclass(frozen=True)
class QaContext:
    source_lang: str
    target_lang: str
    glossary: Glossary | None = None


Check = Callable[[BlockPair, QaContext], list[QaFinding]]

ENGINE_FIXABLE: frozenset[FindingCode] = frozenset(
    {
        FindingCode.EMPTY,
        FindingCode.MARKUP_BROKEN,
        FindingCode.NUMBER_MISSING,
        FindingCode.DATE_MISSING,
        FindingCode.DATE_SHIFTED,
        FindingCode.DATE_ADDED,
        FindingCode.LANG_WRONG,
        FindingCode.UNTRANSLATED,
        FindingCode.OMISSION,
        FindingCode.OMISSION_SENTENCE,
        FindingCode.REPEAT_LOOP,
        FindingCode.GLOSSARY_TERM,
        FindingCode.LINK_CHANGED,
        FindingCode.WEEKDAY_CHANGED,
        FindingCode.WEEKDAY_MISSING,
        FindingCode.WEEKDAY_ADDED,
        FindingCode.TIME_OF_DAY,
        FindingCode.SCRIPT_FOREIGN,
        FindingCode.NAME_UNSUPPORTED,
        FindingCode.OMISSION_CLAUSE,
        FindingCode.NEGATION_CHANGED,
        FindingCode.NOT_TRANSLATION,
    }
)

# Letters needed before lingua's verdict on a block is trusted.
MIN_LETTERS_FOR_LANGID = 24


def _finding(
    pair: BlockPair,
    code: FindingCode,
    severity: Severity,
    message: str,
    source: tuple[int, int] | None = None,
    target: tuple[int, int] | None = None,
) -> QaFinding:
    src, tgt = pair.plain_source, pair.plain_target
    return QaFinding(
        code=code,
        severity=severity,
        message=message,
        block_id=pair.block_id,
        source_span=source,
        source_text=src[source[0] : source[1]] if source else None,
        target_span=target,
        target_text=tgt[target[0] : target[1]] if target else None,
    )


def check_empty(pair: BlockPair, ctx: QaContext) -> list[QaFinding]:
    if pair.plain_source.strip() and not pair.plain_target.strip():
        return [_finding(pair, FindingCode.EMPTY, "error", "the translation is empty")]
    return []


def check_translation(pair: BlockPair, ctx: QaContext) -> list[QaFinding]:
    """The output answers the text instead of translating it (an instruction in the article obeyed),
    or drops an instruction sentence: see `qa.replies`."""
    return [
        _finding(pair, FindingCode.NOT_TRANSLATION, "error", problem.message, source=problem.source)
        for problem in not_a_translation(pair.plain_source, pair.plain_target, ctx.target_lang)
    ]


def check_markup(pair: BlockPair, ctx: QaContext) -> list[QaFinding]:
    return [
        _finding(pair, FindingCode.MARKUP_BROKEN, "error", f"inline markup: {problem}")
        for problem in markup_problems(pair.target, pair.marks)
    ]


# --- numbers and dates -------------------------------------------------------------------------


def _without_dates(text: str, lang: str) -> str:
    """Text with date mentions blanked out: their numbers are the date check's business."""

    for mention in sorted(find_dates(text, lang), key=lambda m: m.start, reverse=True):
        text = text[: mention.start] + " " * (mention.end - mention.start) + text[mention.end :]
    if lang == "vi":  # "tháng 3" is March, a month's name, not the number 3; "thứ 5" is Thursday
        text = _VI_MONTH_RE.sub(lambda m: " " * len(m.group(0)), text)
        for day in find_weekdays(text, lang):
            text = text[: day.start] + " " * (day.end - day.start) + text[day.end :]
    return text


_VI_MONTH_RE = re.compile(r"(?i)\btháng\s+(?:1[0-2]|0?[1-9])(?![\d/]|[.,]\d)")


def _show(value: Decimal) -> str:
    return format(value, "f")


def check_numbers(pair: BlockPair, ctx: QaContext) -> list[QaFinding]:
    source = without_times(_without_dates(pair.plain_source, ctx.source_lang), ctx.source_lang)
    target = without_times(_without_dates(pair.plain_target, ctx.target_lang), ctx.target_lang)
    wanted = number_values(source, ctx.source_lang)
    found = values_either_way(target, ctx.target_lang, ctx.source_lang, wanted)
    found_or_spelled = found + spelled_numbers(target, ctx.target_lang)
    findings = []
    for value, count in sorted(wanted.items()):
        if found_or_spelled[value] < count:
            findings.append(
                _finding(
                    pair,
                    FindingCode.NUMBER_MISSING,
                    "error",
                    f"the number {_show(value)} is missing or changed in the translation",
                    source=span_of(value, pair.plain_source, ctx.source_lang),
                )
            )
    for time in missing_times(pair.plain_source, pair.plain_target, ctx.source_lang, ctx.target_lang):
        message = f"the time {time} is missing or changed in the translation"
        findings.append(_finding(pair, FindingCode.NUMBER_MISSING, "error", message))
    # small numbers the source spells out ("a two-day visit"): the target writes them in words or digits
    spelled = spelled_numbers(source, ctx.source_lang)
    for value, count in sorted(spelled.items()):
        if value >= 2 and found_or_spelled[value] < count + wanted[value]:
            findings.append(
                _finding(
                    pair,
                    FindingCode.NUMBER_MISSING,
                    "error",
                    f"the number {_show(value)} (spelled out in the source) is missing or changed",
                )
            )
    # each number read the way that carries the source's values ("6.8" left in English form in French
    # text is 6.8, not an added 6 and 8)
    for value in sorted(found):
        if value not in wanted and value not in spelled:
            findings.append(
                _finding(
                    pair,
                    FindingCode.NUMBER_ADDED,
                    "warning",
                    f"the number {_show(value)} is in the translation but not in the source",
                    target=span_of(value, pair.plain_target, ctx.target_lang),
                )
            )
    return findings


def check_dates(pair: BlockPair, ctx: QaContext) -> list[QaFinding]:

    findings = []
    flagged: set[tuple[int, int]] = set()
    for problem in date_problems(pair.plain_source, pair.plain_target, ctx.source_lang, ctx.target_lang):
        target = (problem.target.start, problem.target.end) if problem.target else None
        if target:
            flagged.add(target)
        code = FindingCode(problem.code)
        fixable_form = code in (FindingCode.DATE_AMBIGUOUS_FORM, FindingCode.DATE_ORDER)
        severity: Severity = "warning" if fixable_form else "error"
        findings.append(
            _finding(
                pair,
                code,
                severity,
                problem.message,
                source=(problem.source.start, problem.source.end),
                target=target,
            )
        )
    # A date the source never gave ("on Tuesday" turned into "le 2 février") is an invented fact.
    source_dates = find_dates(pair.plain_source, ctx.source_lang)
    for mention in find_dates(pair.plain_target, ctx.target_lang):
        if (mention.start, mention.end) in flagged or any(same_date(mention, d) for d in source_dates):
            continue
        findings.append(
            _finding(
                pair,
                FindingCode.DATE_ADDED,
                "error",
                f'the date "{mention.raw}" is in the translation but not in the source',
                target=(mention.start, mention.end),
            )
        )
    return findings


def check_weekdays_kept(pair: BlockPair, ctx: QaContext) -> list[QaFinding]:
    findings = []
    for problem in check_weekdays(pair.plain_source, pair.plain_target, ctx.source_lang, ctx.target_lang):
        code = FindingCode(problem.code)
        severity: Severity = "warning" if code == FindingCode.TIME_OF_DAY else "error"
        source = (problem.source.start, problem.source.end) if problem.source else None
        target = (problem.target.start, problem.target.end) if problem.target else None
        findings.append(_finding(pair, code, severity, problem.message, source=source, target=target))
    return findings


def check_currency(pair: BlockPair, ctx: QaContext) -> list[QaFinding]:
    return [
        _finding(
            pair,
            FindingCode.CURRENCY_PLACEMENT,
            "warning",
            f"« {amount.raw} » puts the currency sign on the English side; write « {amount.replacement} »",
            target=(amount.start, amount.end),
        )
        for amount in misplaced_amounts(pair.plain_target, ctx.target_lang)
    ]


# --- terms, names, links -----------------------------------------------------------------------


def check_glossary(pair: BlockPair, ctx: QaContext) -> list[QaFinding]:
    if ctx.glossary is None:
        return []
    findings = []
    for match in ctx.glossary.check(pair.plain_source, pair.plain_target, ctx.target_lang):
        wanted = " or ".join(f"« {t} »" for t in match.targets[:3])
        findings.append(
            _finding(
                pair,
                FindingCode.GLOSSARY_TERM,
                "warning",
                f"« {match.found} » should be written {wanted} in this language",
                source=(match.start, match.end),
            )
        )
    return findings


_NAME_RE = re.compile(r"\b[A-Z][\w'’.-]*[\w](?:\s+(?:de|van|von|da|di|al|bin|der|la)?\s*[A-Z][\w'’-]*[\w])*")
_TITLES = frozenset(
    "President Prime Minister Mr Mrs Ms Dr Chancellor King Queen Pope Secretary General Senator Governor "
    "Mayor Sir Lady Judge Justice Chairman Chair Premier Vice Foreign Defence Defense Finance Trade "
    "The A An In On At As But And Or If When While After Before Under Over For With By From".split()
)
_CALENDAR = frozenset(
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July "
    "August September October November December Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec".split()
)


_SENTENCE_START_RE = re.compile(r"(?:^|[.!?…][\"”’»)]*\s+|[\"“«(]\s*)$")


def source_names(text: str) -> list[tuple[int, int, list[str]]]:
    """Capitalised names in English text: (start, end, distinctive words), titles and calendar words off."""
    names = []
    places = english_place_names()
    for match in _NAME_RE.finditer(text):
        words = [w for w in re.split(r"\s+", match.group(0)) if w]
        words = [w for w in words if w.strip("'’.") not in _TITLES and w not in _CALENDAR]
        if _SENTENCE_START_RE.search(text[: match.start()]) and len(words) == 1 and words[0] not in places:
            # "Exports fell": a sentence's first word is a name only when it is rare as a word
            words = [w for w in words if zipf(w.lower(), "en") < 3.0]
        distinctive = [w for w in words if w[0].isupper() and zipf(w.lower(), "en") < 4.6]
        if distinctive:
            names.append((match.start(), match.end(), distinctive))
    return names


def check_names(pair: BlockPair, ctx: QaContext) -> list[QaFinding]:
    if ctx.source_lang != "en":
        return []
    covered: list[tuple[int, int]] = []
    if ctx.glossary is not None:
        covered = [(m.start, m.end) for m in ctx.glossary.matches(pair.plain_source, ctx.target_lang)]
    target = unaccented(pair.plain_target)
    findings = []
    for start, end, words in source_names(pair.plain_source):
        if any(s < end and start < e for s, e in covered):
            continue  # the glossary check owns this name
        # "Kenya's" is Kenya; "Haiti" is written « Haïti », "Quang Ninh" "Quảng Ninh"
        stems = [unaccented(re.sub(r"['’]s$", "", w).strip("'’.")) for w in words]
        if not any(stem in target for stem in stems if stem):
            name = pair.plain_source[start:end]
            findings.append(
                _finding(
                    pair,
                    FindingCode.NAME_MISSING,
                    "warning",
                    f"the name « {name} » does not appear in the translation",
                    source=(start, end),
                )
            )
    return findings


def check_unsupported_names(pair: BlockPair, ctx: QaContext) -> list[QaFinding]:
    if ctx.source_lang != "en":
        return []
    return [
        _finding(pair, FindingCode.NAME_UNSUPPORTED, "warning", name.message, target=(name.start, name.end))
        for name in unsupported_names(pair.plain_source, pair.plain_target, ctx.target_lang, ctx.glossary)
    ]


def check_script(pair: BlockPair, ctx: QaContext) -> list[QaFinding]:
    allowed = allowed_scripts(pair.plain_source, ctx.source_lang, ctx.target_lang)
    target = pair.plain_target
    return [
        _finding(
            pair,
            FindingCode.SCRIPT_FOREIGN,
            "error",
            f"« {target[start:end]} » is in {script} script, which neither language uses here",
            target=(start, end),
        )
        for start, end, script in foreign_runs(target, allowed)
    ]


_LINKISH_RE = re.compile(
    r"https?://\S+[\w/]|www\.\S+[\w/]|[\w.+-]+@[\w-]+\.[\w.]+\w|(?<![\w@])@\w{2,}|#\w{2,}"
)


def check_links(pair: BlockPair, ctx: QaContext) -> list[QaFinding]:
    findings = []
    for match in _LINKISH_RE.finditer(pair.plain_source):
        if match.group(0) not in pair.plain_target:
            findings.append(
                _finding(
                    pair,
                    FindingCode.LINK_CHANGED,
                    "error",
                    f"« {match.group(0)} » must appear unchanged in the translation",
                    source=(match.start(), match.end()),
                )
            )
    return findings


# --- language, words left in the source language, length, loops --------------------------------


def check_language(pair: BlockPair, ctx: QaContext) -> list[QaFinding]:
    text = pair.plain_target
    if sum(ch.isalpha() for ch in text) < MIN_LETTERS_FOR_LANGID:
        return []
    found = detect_language(text)
    if found is not None and found != ctx.target_lang:
        return [
            _finding(
                pair,
                FindingCode.LANG_WRONG,
                "error",
                f"the translation is not in {ctx.target_lang} ({found}?)",
            )
        ]
    return []


_WORD_RE = re.compile(r"(?<![\w@/.])[a-z][a-z'’-]{2,}(?![\w@/])")


# A Vietnamese syllable with its tone marks and vowel diacritics removed: onset, nucleus, final consonant.
_VI_SYLLABLE_RE = re.compile(
    r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnpqrstvx])?[aeiouy]{1,3}(?:ch|ng|nh|[cmnpt])?"
)


def is_vietnamese_spelling(word: str) -> bool:
    """Whether `word` can be written as Vietnamese syllables (one, or several joined by hyphens)."""
    return all(_VI_SYLLABLE_RE.fullmatch(unaccented(part)) for part in word.split("-") if part)


def check_untranslated(pair: BlockPair, ctx: QaContext) -> list[QaFinding]:
    """Lower-case words that are common in the source language and rare in the target one (wordfreq), or,
    in Vietnamese, copied from the source and impossible to spell in Vietnamese."""
    if ctx.source_lang == ctx.target_lang:
        return []
    allowed: set[str] = set()
    if ctx.glossary is not None:
        for term in ctx.glossary.matches(pair.plain_source, ctx.target_lang):
            allowed |= {w.casefold() for t in term.targets for w in t.split()}
    source_words = {w.casefold() for w in re.findall(r"\w+", pair.plain_source)}
    findings = []
    for match in _WORD_RE.finditer(pair.plain_target):
        word = match.group(0).strip("'’-")
        if word in allowed or len(word) < 3:
            continue
        in_source = word in source_words
        gap = zipf(word, ctx.source_lang) - zipf(word, ctx.target_lang)
        # Vietnamese spelling tells its own words apart: "bank", "deal", "wheat" cannot be written in it
        foreign_spelling = ctx.target_lang == "vi" and not is_vietnamese_spelling(word)
        # ("email" and "internet", as common in Vietnamese text as in English, are loanwords)
        if (in_source and (gap >= 1.0 or (foreign_spelling and gap >= 0.5))) or (
            zipf(word, ctx.source_lang) >= 3.5 and gap >= 2.0
        ):
            findings.append(
                _finding(
                    pair,
                    FindingCode.UNTRANSLATED,
                    "warning",
                    f"« {word} » looks like a word left in {ctx.source_lang}",
                    target=(match.start(), match.end()),
                )
            )
    return findings


_SENTENCE_END_RE = re.compile(r"[.!?…](?:[»”\"')\]]*)(?=\s+\S|$)")


def _sentences(text: str) -> int:
    return len(_SENTENCE_END_RE.findall(text.strip())) or (1 if text.strip() else 0)


def check_length(pair: BlockPair, ctx: QaContext) -> list[QaFinding]:
    source, target = pair.plain_source.strip(), pair.plain_target.strip()
    if len(source) < 30 or not target:
        return []
    expected = LENGTH_RATIO.get(ctx.target_lang, 1.1) if ctx.source_lang == "en" else 1.0
    ratio = len(target) / len(source) / expected
    if ratio < 0.55:
        message = f"the translation is {ratio:.0%} of the expected length"
        return [_finding(pair, FindingCode.OMISSION, "error", message)]
    if ratio > 1.9:
        return [
            _finding(
                pair,
                FindingCode.ADDITION,
                "warning",
                f"the translation is {ratio:.0%} of the expected length",
            )
        ]
    missing = _sentences(source) - _sentences(target)
    if missing >= 1 and _sentences(source) >= 2:
        return [
            _finding(
                pair,
                FindingCode.OMISSION_SENTENCE,
                "warning",
                f"the source has {_sentences(source)} sentences, the translation {_sentences(target)}",
            )
        ]
    return []


# A sentence whose translation is shorter than this share of the expected length has likely lost a
# clause: our human translations run 0.79–1.32 of it, clauses we dropped from them 0.38–0.91.
SHORT_SENTENCE = 0.8


def check_sentences(pair: BlockPair, ctx: QaContext) -> list[QaFinding]:
    """Sentence by sentence (where the sentences align): places that left no trace, a sentence much
    shorter than its source, and a negation added or lost."""
    if ctx.source_lang != "en":
        return []
    source, target = pair.plain_source, pair.plain_target
    expected = LENGTH_RATIO.get(ctx.target_lang, 1.1)
    units = align(source, target)
    findings = []
    for unit in units:
        src, tgt = source[slice(*unit.source)], target[slice(*unit.target)]
        for start, end, place in lost_places(src, tgt, ctx.target_lang, ctx.glossary):
            at = (unit.source[0] + start, unit.source[0] + end)
            message = f"« {place} » left no trace in the translation: a clause may be missing"
            findings.append(_finding(pair, FindingCode.OMISSION_CLAUSE, "warning", message, source=at))
        ratio = len(tgt) / len(src) / expected if src else 1.0
        # below 0.55 for the whole block, the length check already says "omission"
        if len(src) >= 60 and ratio < SHORT_SENTENCE and (len(units) > 1 or ratio >= 0.55):
            message = (
                f"this sentence's translation is {ratio:.0%} of the expected length: a clause may be missing"
            )
            findings.append(
                _finding(
                    pair,
                    FindingCode.OMISSION_CLAUSE,
                    "warning",
                    message,
                    source=unit.source,
                    target=unit.target,
                )
            )
        changed = negation_changed(src, tgt, ctx.target_lang)
        if changed is not None:
            message = (
                "the translation negates what the source does not"
                if changed == "added"
                else "the source's negation is missing from the translation"
            )
            findings.append(
                _finding(
                    pair,
                    FindingCode.NEGATION_CHANGED,
                    "warning",
                    message,
                    source=unit.source,
                    target=unit.target,
                )
            )
    return findings


def check_repetition(pair: BlockPair, ctx: QaContext) -> list[QaFinding]:
    words = re.findall(r"\w+", pair.plain_target.casefold())
    # Vietnamese doubles syllables on purpose ("từ từ"); three in a row is a loop everywhere.
    single = 3 if ctx.target_lang == "vi" else 2
    source_words = re.findall(r"\w+", pair.plain_source.casefold())
    for n in range(1, 7):
        need = single if n == 1 else 2
        for i in range(len(words) - n * need + 1):
            gram = words[i : i + n]
            if all(words[i + k * n : i + (k + 1) * n] == gram for k in range(need)):
                if n == 1 and not gram[0].isalpha():
                    continue
                if _repeats_in(source_words, gram, need):
                    continue
                shown = " ".join(gram)
                message = f"« {shown} » repeats {need}+ times in a row"
                return [_finding(pair, FindingCode.REPEAT_LOOP, "error", message)]
    counts: dict[tuple[str, ...], int] = {}
    for i in range(len(words) - 3):
        gram4 = tuple(words[i : i + 4])
        counts[gram4] = counts.get(gram4, 0) + 1
        if counts[gram4] >= 3:
            return [_finding(pair, FindingCode.REPEAT_LOOP, "error", f"« {' '.join(gram4)} » occurs 3 times")]
    return []


def _repeats_in(words: list[str], gram: list[str], times: int) -> bool:
    n = len(gram)
    return any(
        all(words[i + k * n : i + (k + 1) * n] == gram for k in range(times))
        for i in range(len(words) - n * times + 1)
    )


CHECKS: dict[str, Check] = {
    "empty": check_empty,
    "translation": check_translation,
    "markup": check_markup,
    "numbers": check_numbers,
    "dates": check_dates,
    "weekdays": check_weekdays_kept,
    "currency": check_currency,
    "glossary": check_glossary,
    "names": check_names,
    "unsupported_names": check_unsupported_names,
    "script": check_script,
    "links": check_links,
    "language": check_language,
    "untranslated": check_untranslated,
    "length": check_length,
    "sentences": check_sentences,
    "repetition": check_repetition,
}


def check_block(pair: BlockPair, ctx: QaContext) -> list[QaFinding]:
    """All checks on one block; an empty translation gets only the `empty` finding."""
    empty = check_empty(pair, ctx)
    if empty or not pair.plain_source.strip():
        return empty
    return [finding for check in CHECKS.values() for finding in check(pair, ctx)]
