"""Quotation marks and the spaces around punctuation, as each language writes them.

French spacing follows the Imprimerie nationale, with the narrow no-break space CLDR uses for grouping:

    before ; ! ?        U+202F narrow no-break space   "Quoi ?"
    before :            U+00A0 no-break space          "Note : …"
    inside « »          U+00A0 no-break space          "« Bonjour »"
    before %            as CLDR's percent pattern      "6,5 %" (U+00A0)
    thousands           as CLDR                        "1 234,5" (U+202F)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from editions.languages import get_language
from editions.localize.numbers import percent_pattern
from editions.localize.spans import NBSP, NNBSP, SPACE, overlaps, protected_spans, replace_spans

# Quotation marks (open, close, inner padding). pt follows European use, as the newsroom asked.
_QUOTES: dict[str, tuple[str, str, str]] = {
    "fr": ("«", "»", NBSP),
    "es": ("«", "»", ""),
    "pt": ("«", "»", ""),
    "de": ("„", "“", ""),
    "vi": ("“", "”", ""),
    "en": ("“", "”", ""),
}


def quotes(code: str) -> tuple[str, str, str]:
    """(opening, closing, inner padding) for `code`; English marks for a language without its own."""
    return _QUOTES.get(code, _QUOTES["en"])


def _apply(text: str, pattern: str, repl: Callable[[re.Match[str]], str]) -> tuple[str, int]:
    """`re.sub` that leaves URLs, e-mail addresses and placeholder tags alone; counts real changes."""
    protected = protected_spans(text)
    changed = 0

    def guarded(match: re.Match[str]) -> str:
        nonlocal changed
        if overlaps(match.start(), match.end(), protected):
            return match.group(0)
        new = repl(match)
        changed += new != match.group(0)
        return new

    return re.sub(pattern, guarded, text), changed


def _pair_straight_quotes(text: str, opening: str, closing: str, pad: str) -> tuple[str, int]:
    """Straight "…" → curly or angle quotes, paragraph by paragraph, only where they pair up cleanly."""
    protected = protected_spans(text)
    edits: list[tuple[int, int, str]] = []
    for paragraph in re.finditer(r"[^\n]+", text):
        marks = [
            m.start()
            for m in re.finditer('"', paragraph.group(0))
            if not overlaps(paragraph.start() + m.start(), paragraph.start() + m.end(), protected)
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
    return replace_spans(text, edits), len(edits) // 2


# Quotation marks an engine may put around an inline quotation (not ' and ’: they are apostrophes too).
_OPENING = '"«“„‹'
_CLOSING = '"»”“›'


def unquote_inline_quotes(text: str, names: Iterable[str]) -> tuple[str, list[str]]:
    """Remove the quotation marks written just inside or just around the `<qN>` spans `names`.

    An HTML `<q>` is quoted by the browser in the page's language (« … » under `lang="fr"`), so
    marks the engine (or `fix_typography`) put there would show twice: « « Bonjour » ». Only a pair
    that holds the whole span goes; a span quoting two things (« a » et « b ») is left alone.
    """
    count = 0
    for name in names:
        body = r"([^«»“”„‹›\"]*?)"  # no quotation mark inside: the pair holds the whole span
        inside = re.compile(
            rf"<{name}>{SPACE}*[{_OPENING}]{SPACE}*{body}"
            rf"{SPACE}*[{_CLOSING}]{SPACE}*</{name}>"
        )
        around = re.compile(rf"[{_OPENING}]{SPACE}*(<{name}>.*?</{name}>){SPACE}*[{_CLOSING}]")
        text, a = inside.subn(rf"<{name}>\1</{name}>", text)
        text, b = around.subn(lambda m: m.group(1), text)
        count += a + b
    if not count:
        return text, []
    return text, [f"quotation marks around an inline quotation removed; the browser adds them ({count}×)"]


def fix_typography(text: str, lang: str) -> tuple[str, list[str]]:
    """Quotation marks and the spaces around punctuation as `lang` writes them (see the module doc for
    French). Idempotent; URLs, e-mail addresses, HTML entities and placeholder tags are never changed."""
    code = get_language(lang).code
    opening, closing, pad = quotes(code)
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
        text, a = _apply(text, f"«{SPACE}*", lambda m: "«" + pad)
        text, b = _apply(text, f"{SPACE}*»", lambda m: pad + "»")
        note(a + b, "spacing inside « »")
    if code == "fr":
        text, count = _apply(text, rf"(?<=[^\s(\[«;!?]){SPACE}*([;!?]+)", lambda m: NNBSP + m.group(1))
        note(count, "narrow no-break space before ; ! ?")

        def colon(match: re.Match[str]) -> str:
            before = match.string[match.start() - 1]
            after = match.string[match.end() : match.end() + 1]
            if (before.isdigit() and after.isdigit() and match.group(0) == ":") or after == "/":
                return match.group(0)  # 10:30, scheme:/
            return NBSP + ":"

        text, count = _apply(text, rf"(?<=[^\s(\[«:]){SPACE}*:(?!:)", colon)
        note(count, "no-break space before :")
    percent = percent_pattern(code)
    if percent.startswith("{}") and percent.endswith("%"):
        spacing = percent[2:-1]
        text, count = _apply(text, rf"(?<=\d){SPACE}*%", lambda m: spacing + "%")
        note(count, "spacing before %")
    return text, messages
