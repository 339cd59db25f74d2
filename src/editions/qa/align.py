"""Sentence by sentence: what each source sentence carried into the translation.

The sentences of a block are aligned when the source and the translation have as many; otherwise the
block is one unit. For each unit the check asks what must leave a trace (the places the source names,
in any form the target language gives them, and the sentence's length) and whether a negation was
added or lost ("Ignore …" → "Đừng bỏ qua …", "Do not ignore").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from editions.glossary import Glossary
from editions.languages import get_language
from editions.qa.names import gazetteer
from editions.qa.text import unaccented

_SENTENCE_RE = re.compile(r"[^.!?…]+(?:[.!?…]+[»”\"')\]]*|$)")


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans; a stop inside a number or an abbreviation ("3.5", "U.S.") does not end one."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in re.finditer(r"[.!?…]+[»”\"')\]]*(?=\s+[\"«“(]?[A-ZÀ-Þ0-9Đ])", text):
        before = text[max(0, match.start() - 3) : match.start()]
        if re.search(r"(?:\b[A-Z]|\b(?:Mr|Ms|Dr|St|Mrs|No|vs))$", before):
            continue
        spans.append((start, match.end()))
        start = match.end()
    if text[start:].strip():
        spans.append((start, len(text)))
    return [(s + len(text[s:e]) - len(text[s:e].lstrip()), e) for s, e in spans if text[s:e].strip()]


@dataclass(frozen=True)
class Unit:
    """An aligned source and target span: one sentence each, or the whole block."""

    source: tuple[int, int]
    target: tuple[int, int]


def align(source: str, target: str) -> list[Unit]:
    src, tgt = sentences(source), sentences(target)
    if len(src) == len(tgt) and len(src) > 1:
        return [Unit(s, t) for s, t in zip(src, tgt, strict=True)]
    return [Unit((0, len(source)), (0, len(target)))]


# --- places that left no trace --------------------------------------------------------------------


@cache
def _places(lang: str) -> tuple[re.Pattern[str], dict[str, tuple[str, ...]]]:
    """English place names (countries, cities, seas) → the target language's forms of them."""
    forms: dict[str, set[str]] = {}
    for known in gazetteer(lang):
        for english in known.canonical:
            if len(english) >= 4 and english[:1].isupper() and english.replace(" ", "").isalpha():
                forms.setdefault(english, set()).add(known.form)
    alternation = "|".join(re.escape(name) for name in sorted(forms, key=len, reverse=True))
    pattern = re.compile(rf"(?<![\w-])(?:{alternation})(?![\w-])")
    return pattern, {name: tuple(sorted(f)) for name, f in forms.items()}


def _leaves_trace(name: str, forms: tuple[str, ...], target: str) -> bool:
    """The target writes the place in a form of it, or a word sharing its first letters (« chinois »)."""
    words = {unaccented(w) for w in re.findall(r"\w+", target)}
    stripped = unaccented(target)
    for form in (name, *forms):
        key = unaccented(form)
        if key in stripped:
            return True
        first = key.split()[0]
        if len(first) >= 5 and any(w.startswith(first[:4]) for w in words):
            return True
    return False


def lost_places(
    source: str, target: str, lang: str, glossary: Glossary | None = None
) -> list[tuple[int, int, str]]:
    """Source places (start, end, name) that no form in the target carries (the glossary's included)."""
    pattern, forms = _places(get_language(lang).code)
    termed: dict[str, tuple[str, ...]] = {}
    if glossary is not None:
        for term in glossary.matches(source, lang):
            termed[source[term.start : term.end]] = tuple(term.targets)
    lost = []
    for match in pattern.finditer(source):
        name = match.group(0)
        if not _leaves_trace(name, forms[name] + termed.get(name, ()), target):
            lost.append((match.start(), match.end(), match.group(0)))
    return lost


# --- negation ---------------------------------------------------------------------------------------

# Explicit negation, one match per negation: English "not", "never", …; French « ne »/« n' » (the
# « pas », « jamais » or « rien » that goes with it is not counted again) and « sans »; Vietnamese
# "không", "chưa", "đừng", … English words that imply a negation in translation ("failed to" → « n'a
# pas réussi à ») are cues: they excuse a negation the translation adds, and never make a finding.
_NEGATION: dict[str, str] = {
    "en": r"\b(?:not|never|no|none|nobody|nothing|neither|cannot|without)\b|n['’]t\b",
    "fr": r"\b(?:ne|sans)\b|\bn['’]",
    "vi": r"(?<!\w)(?:không|chưa|chẳng|đừng|chớ|chả)(?!\w)",
}
_EN_IMPLIED = (
    r"\b(?:fail(?:s|ed|ing|ure)?|unable|unclear|unlikely|unwilling|unaware|unless|until|refus(?:e|es|ed|ing|al)|"
    r"den(?:y|ies|ied|ial)|lack(?:s|ed|ing)?|only|except|instead|rather|hardly|barely|absent|absence|"
    r"avoid(?:s|ed|ing)?|prevent(?:s|ed|ing)?|ban(?:s|ned)?|reject(?:s|ed|ing)?|stop(?:s|ped)?|"
    r"free|less|fewer|little|few|yet|miss(?:es|ed|ing)?|neither|nor|whether|impossible|illegal|"
    r"deni\w+)\b"
)
# Vietnamese words in which "không" is a syllable, not a negation (air, space, aviation, …).
_VI_NOT_NEGATION = re.compile(
    r"(?i)(?:không\s+(?:khí|gian|quân|phận|lưu|kích|trung|ảnh|tặc|vận|số)|hàng\s+không|hư\s+không|"
    r"số\s+không|hay\s+không|hoặc\s+không|có\s+\S+\s+không\s*\?)"
)
# French « ne … que » means "only".
_FR_RESTRICTIVE = re.compile(r"\bn['’]\S+(?:\s+\S+)?\s+que\b|\bne\s+\S+(?:\s+\S+)?\s+que\b", re.IGNORECASE)
# French expletive « ne » negates nothing: « avant que personne ne compte » (before anyone counts),
# « à moins qu'il ne pleuve », « de peur qu'on ne … », « plus cher qu'on ne le pensait ».
_FR_EXPLETIVE = re.compile(
    r"(\b(?:(?:avant|peur|crainte)|(?:plus|moins|mieux|pire|autre(?:ment)?)(?:\s+[^\s.,;:!?]+)?)\s+qu(?:e\s+|['’])"
    r"(?:[^\s.,;:!?]+\s+){0,3}?)n(?:e\b|['’])",
    re.IGNORECASE,
)


def negations(text: str, lang: str) -> int:
    code = get_language(lang).code
    pattern = _NEGATION.get(code)
    if pattern is None:
        return 0
    if code == "vi":
        text = _VI_NOT_NEGATION.sub(" ", text)
    if code == "fr":
        text = _FR_RESTRICTIVE.sub(" ", text)
        text = _FR_EXPLETIVE.sub(r"\1 ", text)
    return len(re.findall(pattern, text, re.IGNORECASE))


def negation_changed(source: str, target: str, lang: str) -> str | None:
    """ "added" when the target negates more often than the source and nothing in the source calls for
    it; "lost" when the target negates less often than the source; else None."""
    code = get_language(lang).code
    if code not in _NEGATION:
        return None
    said = negations(source, "en")
    done = negations(target, code)
    if done > said and not re.search(_EN_IMPLIED, source, re.IGNORECASE):
        return "added"
    if done < said:
        return "lost"
    return None
