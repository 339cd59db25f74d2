"""Names and titles in a translation that the source does not support ("Black Sea" → « océan Atlantique »,
"Prime Minister" → "Chủ tịch").

How it decides, in order, keeping false findings low:
1. Known names. A gazetteer maps each place the target language names to its English names: CLDR
   countries, regions and cities (Babel), seas and oceans (a table here), and the glossary's terms. A
   known name in the translation is supported when the source names the same place (in English, by a
   demonym such as "Chinese", or as written in the target). Otherwise it is a swapped name.
2. Other capitalised words (Latin-script targets other than Vietnamese, whose capitalisation marks titles
   and institutions as well as names): a capitalised word inside a sentence, rare as a common word of the
   target language (wordfreq), and found in the source neither as it is nor by its first four letters
   (« Londres »/"London"), nor among the glossary forms of a source term.
3. Titles. When the source gives a title and the translation gives a different one ("Prime Minister" →
   « ministre de l'Économie »), the finding names both. A title the source does not give is not flagged
   when the source gives none: "the leader" may fairly become « le président ».
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from babel import Locale
from babel.dates import get_timezone_location

from editions.glossary import Glossary
from editions.languages import get_language
from editions.qa.text import unaccented, zipf

# CLDR regions worth naming (the numeric ones are mostly statistical groupings).
_REGIONS = {"002": "Africa", "019": "Americas", "142": "Asia", "150": "Europe", "009": "Oceania"}

_SEAS: dict[str, dict[str, tuple[str, ...]]] = {
    "Atlantic": {"fr": ("océan Atlantique", "Atlantique"), "vi": ("Đại Tây Dương",)},
    "Pacific": {"fr": ("océan Pacifique", "Pacifique"), "vi": ("Thái Bình Dương",)},
    "Indian Ocean": {"fr": ("océan Indien",), "vi": ("Ấn Độ Dương",)},
    "Arctic": {"fr": ("océan Arctique", "Arctique"), "vi": ("Bắc Băng Dương", "Bắc Cực")},
    "Black Sea": {"fr": ("mer Noire",), "vi": ("Biển Đen",)},
    "Red Sea": {"fr": ("mer Rouge",), "vi": ("Biển Đỏ",)},
    "Mediterranean": {"fr": ("Méditerranée",), "vi": ("Địa Trung Hải",)},
    "Baltic": {"fr": ("Baltique",), "vi": ("Baltic",)},
    "North Sea": {"fr": ("mer du Nord",), "vi": ("Biển Bắc",)},
    "Caspian": {"fr": ("mer Caspienne", "Caspienne"), "vi": ("Caspi",)},
    "South China Sea": {"fr": ("mer de Chine méridionale",), "vi": ("Biển Đông",)},
    "Caribbean": {"fr": ("Caraïbes",), "vi": ("Caribe", "Ca-ri-bê")},
}

# Newsroom forms CLDR does not give, and other English names of the same place.
_EXTRA_FORMS: dict[str, dict[str, tuple[str, ...]]] = {
    "US": {"fr": ("Amérique",), "vi": ("Mỹ",)},
    "GB": {"fr": ("Grande-Bretagne", "Angleterre"), "vi": ("Anh",)},
}
_ENGLISH_ALIASES: dict[str, tuple[str, ...]] = {
    "US": ("US", "U.S.", "USA", "America", "American", "Americans", "Washington"),
    "GB": ("UK", "U.K.", "Britain", "British", "England", "English", "London"),
    "CZ": ("Czech Republic", "Czech"),
    "TR": ("Turkey", "Turkish"),
    "NL": ("Holland", "Dutch"),
    "MM": ("Burma", "Burmese"),
    "KR": ("South Korea", "Korea", "Korean", "Seoul"),
    "KP": ("North Korea", "Korea", "Korean", "Pyongyang"),
    "CN": ("China", "Chinese", "Beijing"),
    "RU": ("Russia", "Russian", "Moscow", "Kremlin"),
    "AE": ("UAE", "Emirati", "Emirates"),
    "PS": ("Palestine", "Palestinian", "Palestinians", "Gaza", "West Bank"),
    "VA": ("Vatican", "Holy See", "Pope"),
}
# English demonyms and adjectives → the English name they imply (a source saying "Chinese" supports
# « Chine »): a suffix rule covers most ("Kenyan" → "Kenya"), this table the rest.
_DEMONYMS = {
    "French": "France",
    "German": "Germany",
    "Japanese": "Japan",
    "Vietnamese": "Vietnam",
    "Swiss": "Switzerland",
    "Swedish": "Sweden",
    "Danish": "Denmark",
    "Finnish": "Finland",
    "Polish": "Poland",
    "Spanish": "Spain",
    "Portuguese": "Portugal",
    "Greek": "Greece",
    "Irish": "Ireland",
    "Thai": "Thailand",
    "Filipino": "Philippines",
    "Philippine": "Philippines",
    "Afghan": "Afghanistan",
    "Iraqi": "Iraq",
    "Israeli": "Israel",
    "Pakistani": "Pakistan",
    "Saudi": "Saudi Arabia",
    "Qatari": "Qatar",
    "Kuwaiti": "Kuwait",
    "Yemeni": "Yemen",
    "Lebanese": "Lebanon",
    "Taiwanese": "Taiwan",
    "Norwegian": "Norway",
    "Dutch": "Netherlands",
    "Belgian": "Belgium",
    "Argentine": "Argentina",
    "Peruvian": "Peru",
    "Chilean": "Chile",
    "Malaysian": "Malaysia",
    "Ukrainian": "Ukraine",
    "Congolese": "Congo",
}


@dataclass(frozen=True)
class Known:
    form: str  # as written in the target language
    english: frozenset[str]  # English names that support it (demonyms, capitals, other names too)
    canonical: frozenset[str] = frozenset()  # the place's own English names


@cache
def _city_ids() -> tuple[str, ...]:
    # "Antarctica/Casey" and "America/North_Dakota/Center" name research stations and counties
    return tuple(
        tz
        for tz in sorted(zoneinfo.available_timezones())
        if tz.count("/") == 1 and not tz.startswith(("Etc/", "Antarctica/", "SystemV/", "US/"))
    )


@cache
def gazetteer(lang: str) -> tuple[Known, ...]:
    """Places the language names, each with the English names that support it; longest forms first."""
    code = get_language(lang).code
    local, english = Locale.parse(code).territories, Locale.parse("en").territories
    forms: dict[str, set[str]] = {}
    canonical: dict[str, set[str]] = {}

    def add(form: str, names: Iterable[str], own: str) -> None:
        if (len(form) >= 3 and form[:1].isupper()) or " " in form:
            forms.setdefault(form, set()).update(names)
            canonical.setdefault(form, set()).add(own)

    for key, name in local.items():
        if key.isdigit() and key not in _REGIONS:
            continue
        english_name = str(english.get(key, "")) or _REGIONS.get(key, "")
        names = {english_name, *_ENGLISH_ALIASES.get(key, ())}
        add(str(name), names, english_name)
        for extra in _EXTRA_FORMS.get(key, {}).get(code, ()):
            add(extra, names, english_name)
    for tz in _city_ids():
        try:
            city = str(get_timezone_location(tz, locale=code, return_city=True))
            city_en = str(get_timezone_location(tz, locale="en", return_city=True))
        except (LookupError, ValueError):
            continue
        add(city, {city_en}, city_en)
    for sea, per_lang in _SEAS.items():
        for form in per_lang.get(code, ()):
            add(form, {sea}, sea)
    return tuple(
        Known(form, frozenset(n for n in names if n), frozenset(n for n in canonical[form] if n))
        for form, names in sorted(forms.items(), key=lambda item: -len(item[0]))
    )


@cache
def english_place_names() -> frozenset[str]:
    """Every English place name the gazetteers know (to tell "Kenya said" from "Exports fell")."""
    return frozenset(name for lang in ("fr", "vi") for known in gazetteer(lang) for name in known.canonical)


@cache
def _known_pattern(lang: str) -> tuple[re.Pattern[str], dict[str, Known]]:
    known = {k.form: k for k in gazetteer(lang)}
    alternation = "|".join(re.escape(form) for form in known)
    return re.compile(rf"(?<![\w-])(?:{alternation})(?![\w-])"), known


def _supported_by(source: str, english: Iterable[str]) -> bool:
    return any(re.search(rf"(?<!\w){re.escape(name)}(?!\w)", source) for name in english)


def _source_english(source: str) -> str:
    """The source with its demonyms followed by the names they imply ("Chinese" → "Chinese China")."""
    implied = []
    for word in re.findall(r"[A-Z][a-z]+", source):
        if word in _DEMONYMS:
            implied.append(_DEMONYMS[word])
        elif word.endswith(("ian", "an")) and len(word) > 5:
            stem = word[:-2] if word.endswith("an") and not word.endswith("ian") else word[:-3]
            implied += [stem + "a", stem + "ia", stem]
    return source + " " + " ".join(implied)


@dataclass(frozen=True)
class UnsupportedName:
    start: int
    end: int
    name: str
    message: str


def known_names_unsupported(
    source: str, target: str, lang: str, glossary_forms: set[str]
) -> list[UnsupportedName]:
    pattern, known = _known_pattern(lang)
    source_text = _source_english(source)
    source_stripped = unaccented(source)
    glossary_stripped = [unaccented(g) for g in glossary_forms]
    found = []
    for match in pattern.finditer(target):
        entry = known[match.group(0)]
        if len(entry.form) <= 3 and _SENTENCE_START_RE.search(target[: match.start()]):
            continue  # Vietnamese "Anh" opening a sentence is as likely the pronoun as Britain
        form = unaccented(entry.form)
        if _supported_by(source_text, entry.english) or form in source_stripped:
            continue
        if any(form in g or g in form for g in glossary_stripped):
            continue
        said = ", ".join(sorted(entry.english)[:2])
        message = f"« {match.group(0)} » ({said}) is not in the source"
        found.append(UnsupportedName(match.start(), match.end(), match.group(0), message))
    return found


_CAPITALISED_RE = re.compile(r"(?<![\w'’-])([A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ'’-]{2,})(?![\w])")
_SENTENCE_START_RE = re.compile(r"(?:^|[.!?…:;«»“”\"(—–-]\s*|\n)\s*$")


def other_names_unsupported(
    source: str, target: str, lang: str, glossary_forms: set[str], known_spans: list[tuple[int, int]]
) -> list[UnsupportedName]:
    code = get_language(lang).code
    if code == "vi":
        return []
    source_words = {unaccented(w) for w in re.findall(r"\w+", source)}
    prefixes = {w[:4] for w in source_words if len(w) >= 4}
    glossary_words = {unaccented(w) for g in glossary_forms for w in re.findall(r"\w+", g)}
    found = []
    for match in _CAPITALISED_RE.finditer(target):
        word = match.group(1)
        if any(s <= match.start() < e for s, e in known_spans):
            continue
        if _SENTENCE_START_RE.search(target[: match.start()]):
            continue
        stripped = unaccented(word.rstrip("'’-"))
        if stripped in source_words or stripped[:4] in prefixes or stripped in glossary_words:
            continue
        if zipf(word.lower(), code) >= 3.0:
            continue
        message = f"« {word} » looks like a name that is not in the source"
        found.append(UnsupportedName(match.start(), match.end(), word, message))
    return found


# --- titles ------------------------------------------------------------------------------------------

# A title concept → its English forms and its forms in each target language. Longest forms match first.
_TITLES: dict[str, dict[str, tuple[str, ...]]] = {
    "prime minister": {
        "en": ("prime minister", "premier"),
        "fr": ("premier ministre", "première ministre", "chef du gouvernement"),
        "vi": ("thủ tướng",),
    },
    "president": {
        "en": ("president", "chairman", "chairwoman", "chair", "head of state"),
        "fr": ("président", "présidente", "chef de l'état", "chef de l’état"),
        "vi": ("chủ tịch", "tổng thống", "nguyên thủ"),
    },
    "minister": {
        "en": ("minister", "secretary"),
        "fr": ("ministre", "secrétaire"),
        "vi": ("bộ trưởng", "thứ trưởng"),
    },
    "chancellor": {"en": ("chancellor",), "fr": ("chancelier", "chancelière"), "vi": ("thủ tướng",)},
    "king": {"en": ("king",), "fr": ("roi",), "vi": ("vua", "quốc vương")},
    "queen": {"en": ("queen",), "fr": ("reine",), "vi": ("nữ hoàng", "hoàng hậu")},
    "mayor": {"en": ("mayor",), "fr": ("maire", "mairesse"), "vi": ("thị trưởng",)},
    "governor": {"en": ("governor",), "fr": ("gouverneur", "gouverneure"), "vi": ("thống đốc",)},
    "senator": {"en": ("senator",), "fr": ("sénateur", "sénatrice"), "vi": ("thượng nghị sĩ",)},
    "general secretary": {
        "en": ("general secretary", "secretary-general", "secretary general"),
        "fr": ("secrétaire général", "secrétaire générale"),
        "vi": ("tổng bí thư", "tổng thư ký"),
    },
}


@cache
def _title_pattern(code: str) -> tuple[re.Pattern[str], dict[str, str]]:
    concept_of = {form: concept for concept, forms in _TITLES.items() for form in forms.get(code, ())}
    alternation = "|".join(re.escape(f) for f in sorted(concept_of, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternation})(?!\w)", re.IGNORECASE), concept_of


def titles(text: str, lang: str) -> list[tuple[int, int, str]]:
    code = get_language(lang).code
    if code != "en" and not any(code in forms for forms in _TITLES.values()):
        return []
    pattern, concept_of = _title_pattern(code)
    return [(m.start(), m.end(), concept_of[m.group(0).lower()]) for m in pattern.finditer(text)]


def swapped_titles(source: str, target: str, lang: str) -> list[UnsupportedName]:
    wanted = {concept for _, _, concept in titles(source, "en")}
    if not wanted:
        return []
    # "Chancellor" and "Prime Minister" are both "thủ tướng"; any reading the source gives counts
    found = []
    for start, end, concept in titles(target, lang):
        forms = _TITLES[concept].get(get_language(lang).code, ())
        readings = {c for c, f in _TITLES.items() if set(f.get(get_language(lang).code, ())) & set(forms)}
        if readings & wanted:
            continue
        given = ", ".join(sorted(wanted))
        message = f"the title « {target[start:end]} » ({concept}) is not the source's ({given})"
        found.append(UnsupportedName(start, end, target[start:end], message))
    return found


def unsupported_names(
    source: str, target: str, lang: str, glossary: Glossary | None
) -> list[UnsupportedName]:
    """Known names, other capitalised names and titles in `target` that `source` does not support."""
    glossary_forms: set[str] = set()
    if glossary is not None:
        for match in glossary.matches(source, lang):
            glossary_forms.update(match.targets)
    known = known_names_unsupported(source, target, lang, glossary_forms)
    pattern, _ = _known_pattern(lang)
    spans = [m.span() for m in pattern.finditer(target)]
    others = other_names_unsupported(source, target, lang, glossary_forms, spans)
    return sorted(known + others + swapped_titles(source, target, lang), key=lambda n: n.start)


@cache
def english_country_names() -> frozenset[str]:
    """English names of countries and territories (CLDR), with their other names ("US", "Britain")."""
    names = {str(name) for key, name in Locale.parse("en").territories.items() if not key.isdigit()}
    return frozenset(names | set(_COUNTRY_ALIASES))


_COUNTRY_ALIASES: tuple[str, ...] = ("US", "U.S.", "USA", "America", "UK", "U.K.", "Britain", "England")
_COUNTRY_ALIASES += ("Holland", "Burma", "Czech Republic", "Turkey", "Korea", "South Korea", "North Korea")
_COUNTRY_ALIASES += ("UAE", "Palestine")
