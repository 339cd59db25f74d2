"""Deterministic repairs: what can be fixed without the engine, fixed and recorded for the editor.

Every repair is idempotent (a second pass changes nothing) and changes no number's value.
"""

from __future__ import annotations

import re
from collections import Counter

from editions.document import QaFinding
from editions.glossary import Glossary, is_acronym
from editions.localize import (
    fix_currency,
    fix_dates,
    fix_numbers,
    fix_typography,
    fix_weekdays,
    unquote_inline_quotes,
)
from editions.localize.spans import overlaps, protected_spans, replace_spans
from editions.qa.checks import BlockPair, QaContext
from editions.qa.names import english_country_names
from editions.vocabulary import FindingCode


def repair_block(pair: BlockPair, ctx: QaContext) -> tuple[str, list[QaFinding]]:
    """Dates and numbers written in the wrong local form (or the source's word order), the wrong
    weekday, the currency sign on the wrong side, a glossary name left in English, and the target's
    typography (no quotation marks around a `<q>` span: the browser adds them). Returns the repaired
    target text (tags kept) and one `fixed` finding per change.
    """

    text = pair.target
    fixes: list[tuple[FindingCode, str]] = []
    text, messages = fix_dates(pair.source, text, ctx.source_lang, ctx.target_lang)
    fixes += [(FindingCode.DATE_FORM, m) for m in messages]
    text, messages = fix_weekdays(pair.source, text, ctx.source_lang, ctx.target_lang)
    fixes += [(FindingCode.WEEKDAY_CHANGED, m) for m in messages]
    text, messages = fix_currency(text, ctx.target_lang)
    fixes += [(FindingCode.CURRENCY_PLACEMENT, m) for m in messages]
    text, messages = fix_numbers(pair.source, text, ctx.source_lang, ctx.target_lang)
    fixes += [(FindingCode.NUMBER_FORM, m) for m in messages]
    if ctx.glossary is not None and ctx.source_lang == "en":
        text, messages = fix_glossary_names(pair.source, text, ctx.target_lang, ctx.glossary)
        fixes += [(FindingCode.GLOSSARY_TERM, m) for m in messages]
    text, messages = fix_typography(text, ctx.target_lang)
    fixes += [(FindingCode.TYPOGRAPHY, m) for m in messages]
    quoted = [name for name, mark in pair.marks.items() if mark.kind == "q"]
    text, messages = unquote_inline_quotes(text, quoted)
    fixes += [(FindingCode.TYPOGRAPHY, m) for m in messages]
    findings = [
        QaFinding(code=code, severity="info", message=message, block_id=pair.block_id, fixed=True)
        for code, message in fixes
    ]
    return text, findings


# --- glossary names left in their English form ------------------------------------------------------

_VOWEL_START = re.compile(r"^[aeiouyàâäéèêëîïôöùûüœæh]", re.IGNORECASE)
# French words that elide before a vowel: « de Pékin » but « d'Ankara »
_ELIDING = {"de": "d’", "le": "l’", "la": "l’", "que": "qu’", "jusque": "jusqu’", "lorsque": "lorsqu’"}
_ELIDED = {"d": "de ", "qu": "que ", "jusqu": "jusque ", "lorsqu": "lorsque "}
# Names whose h is aspirated: « de Hambourg », not « d'Hambourg »
_ASPIRATED_H = ("hambourg", "hongrie", "honduras", "hollande", "hawaï", "houston", "harvard")


def fix_glossary_names(source: str, target: str, lang: str, glossary: Glossary) -> tuple[str, list[str]]:
    """Replace a glossary name left in its English form ("Beijing" in French) by its preferred form.

    Only where the match is unambiguous: a capitalised name (not an acronym, not a common noun, no note
    in the glossary), once in the source and once in the translation, outside links. French elision
    follows the new form (« de Beijing » → « de Pékin », « de Athens » → « d'Athènes », « d'Beijing »
    → « de Pékin »). A French country name is left for the editor, since its article and preposition
    depend on its gender (« à China » → « en Chine »), and so is a name after « l' ».
    """
    edits: list[tuple[int, int, str]] = []
    messages: list[str] = []
    protected = protected_spans(target)
    uses = Counter(m.term.key for m in glossary.matches(source, lang))
    for match in glossary.check(source, target, lang):
        english, preferred = match.found, match.targets[0]
        if not english[:1].isupper() or is_acronym(english) or preferred == english or match.term.note:
            continue  # a term with a note (« au Caire ») needs an editor's eye
        if lang == "fr" and match.term.source in english_country_names():
            continue
        if uses[match.term.key] != 1:
            continue
        found = list(re.finditer(rf"(?<![\w-]){re.escape(english)}(?![\w-])", target))
        if len(found) != 1 or overlaps(found[0].start(), found[0].end(), protected):
            continue
        start, end = found[0].span()
        replacement = preferred
        if lang == "fr":
            elided = _french_elision(target, start, preferred)
            if elided is None:
                continue
            start, replacement = elided
        edits.append((start, end, replacement))
        messages.append(f"« {target[start:end]} » → « {replacement} » (glossary: {match.term.source})")
    return replace_spans(target, edits), messages


def _french_elision(text: str, start: int, new: str) -> tuple[int, str] | None:
    """Where the rewrite starts and what it writes, so the word before agrees with the new name's first
    sound; None when it cannot be made right without knowing the name's gender."""
    before = text[:start]
    vowel = bool(_VOWEL_START.match(new)) and not new.casefold().startswith(_ASPIRATED_H)
    word = re.search(r"(?<!\w)(\w+)\s+$", before)
    if word and vowel and word.group(1).casefold() in _ELIDING:
        elision = _ELIDING[word.group(1).casefold()]
        if word.group(1)[0].isupper():
            elision = elision.capitalize()
        return word.start(1), elision + new
    apostrophe = re.search(r"(?<!\w)(\w+)['’]$", before)
    if apostrophe and not vowel:
        head = apostrophe.group(1).casefold()
        if head == "l":
            return None  # « l'Beijing »: le or la?
        if head in _ELIDED:
            expanded = _ELIDED[head]
            if apostrophe.group(1)[0].isupper():
                expanded = expanded.capitalize()
            return apostrophe.start(1), expanded + new
    return start, new
