"""Languages we know how to name in prompts and detect; codes are ISO 639-1."""

from __future__ import annotations

from dataclasses import dataclass

from editions.errors import UnknownLanguageError


@dataclass(frozen=True)
class Language:
    code: str
    name: str  # English name, used in prompts
    native: str


LANGUAGES: dict[str, Language] = {
    lang.code: lang
    for lang in [
        Language("en", "English", "English"),
        Language("fr", "French", "français"),
        Language("vi", "Vietnamese", "Tiếng Việt"),
        Language("es", "Spanish", "español"),
        Language("de", "German", "Deutsch"),
        Language("pt", "Portuguese", "português"),
        Language("it", "Italian", "italiano"),
        Language("nl", "Dutch", "Nederlands"),
        Language("pl", "Polish", "polski"),
        Language("id", "Indonesian", "Bahasa Indonesia"),
        Language("zh", "Chinese", "中文"),
        Language("ja", "Japanese", "日本語"),
        Language("ko", "Korean", "한국어"),
        Language("ru", "Russian", "русский"),
        Language("ar", "Arabic", "العربية"),
    ]
}


def get_language(code: str) -> Language:
    key = code.strip().lower().replace("_", "-").split("-")[0]
    try:
        return LANGUAGES[key]
    except KeyError:
        known = ", ".join(sorted(LANGUAGES))
        raise UnknownLanguageError(f"unknown language {code!r}; known: {known}") from None


def parse_targets(spec: str | list[str]) -> list[str]:
    """`"fr,vi"` or `["fr", "vi"]` → validated, de-duplicated codes in the order given."""
    items = spec.split(",") if isinstance(spec, str) else spec
    codes: list[str] = []
    for item in items:
        if not item.strip():
            continue
        code = get_language(item).code
        if code not in codes:
            codes.append(code)
    if not codes:
        raise UnknownLanguageError("no target language given (e.g. --to fr,vi)")
    return codes
