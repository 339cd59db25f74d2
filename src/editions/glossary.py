"""Terminology: English source terms and the forms each target language must use for them.

A glossary is found in English text (`matches`), given to the engine as hints (`hints`) and checked in
the translation (`check`). We ship a starter news glossary; a newsroom's own file overrides it term by
term and language by language (`Glossary.starter().merged(Glossary.load(path))`).

File formats, chosen by extension:

``.csv``   UTF-8 (with or without BOM). Blank lines and lines starting with ``#`` are ignored. The
           first row is the header: ``source`` (the English term), one column per target language
           (ISO 639-1 code: ``fr``, ``vi`` …), and optionally ``note`` and ``case_sensitive``
           (``true``/``false``/``yes``/``no``/``1``/``0``; blank = automatic). A cell may hold several
           accepted forms separated by ``|``; the first is the preferred one, given to the engine::

               source,fr,vi,note,case_sensitive
               WTO,OMC|Organisation mondiale du commerce,WTO|Tổ chức Thương mại Thế giới,,
               Fed,Fed,Fed|Cục Dự trữ Liên bang,"the US central bank, not the verb",true

``.tbx``   TBX-Basic (``<martif>``: ``termEntry/langSet/tig/term`` or ``…/ntig/termGrp/term``) or TBX
``.xml``   v3 (``<tbx>``: ``conceptEntry/langSec/termSec/term``). The ``en`` terms are the sources (each
           English synonym becomes its own term); other languages' terms are the accepted forms in
           document order; terms whose ``administrativeStatus`` is deprecated or superseded are left
           out; the first ``descrip``/``note`` is the note. Entries without English, and languages we
           do not know, are skipped.

Matching in English is tolerant of case, plural -s/-es/-ies, possessive 's, hyphen or space between
words, curly or straight apostrophes, dotted acronyms ("U.N.") and missing accents ("Antonio").
All-caps acronyms ("UN", "WTO") are always case-sensitive; other terms only when marked. The longest
match wins and matches never overlap. In translations, case is ignored except for acronyms, any elided
prefix is allowed ("l'OMC"), French plurals in -s/-x are accepted, text is compared in NFC, and
accents always count (Vietnamese tones are meaning).
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path

from lxml import etree

from editions.errors import GlossaryError, UnknownLanguageError
from editions.languages import get_language

__all__ = ["Glossary", "GlossaryMatch", "Term", "is_acronym", "target_present"]

SOURCE_LANG = "en"
_SEP = r"[\s\-\u2010\u2011]+"  # space, hyphen, Unicode hyphen, non-breaking hyphen
_SEP_RE = re.compile(_SEP)
_APOS = "['\u2019]"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_TRUE = {"true": True, "yes": True, "y": True, "1": True, "false": False, "no": False, "n": False, "0": False}


def is_acronym(text: str) -> bool:
    """True for "WTO", "U.N.", "G7": no lower-case letter and at least two letters or digits."""
    letters = [ch for ch in text if ch.isalnum()]
    return len(letters) >= 2 and any(ch.isalpha() for ch in letters) and not any(ch.islower() for ch in text)


@dataclass(frozen=True)
class Term:
    source: str  # English
    targets: dict[str, tuple[str, ...]]  # lang → accepted forms, the first preferred
    note: str | None = None
    case_sensitive: bool = False  # always true for acronyms

    def __post_init__(self) -> None:
        if is_acronym(self.source):
            object.__setattr__(self, "case_sensitive", True)

    @property
    def key(self) -> str:
        """What makes two terms the same term: "Rare-earth" and "rare earth" are one."""
        return " ".join(_SEP_RE.split(_nfc(self.source).replace("\u2019", "'").casefold().strip()))


@dataclass(frozen=True)
class GlossaryMatch:
    term: Term
    start: int
    end: int
    found: str  # the source text as written, e.g. "rare-earths"
    targets: tuple[str, ...]  # accepted forms in the target language, the first preferred


@dataclass(frozen=True)
class _Compiled:
    term: Term
    pattern: re.Pattern[str] = field(compare=False)


class Glossary:
    """An ordered set of terms; a later term with the same source overrides an earlier one per language."""

    def __init__(self, terms: Iterable[Term] = ()) -> None:
        by_key: dict[str, Term] = {}
        for term in terms:
            old = by_key.get(term.key)
            by_key[term.key] = term if old is None else _override(old, term)
        self._terms = tuple(by_key.values())
        self._compiled = tuple(_Compiled(t, _source_pattern(t)) for t in self._terms)

    @classmethod
    def load(cls, path: str | Path) -> Glossary:
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix not in (".csv", ".tbx", ".xml"):
            found = suffix or "(no extension)"
            raise GlossaryError(f"{path}: unknown glossary format {found!r}; use .csv or .tbx")
        try:
            data = path.read_bytes()
        except FileNotFoundError as err:
            raise GlossaryError(f"{path}: glossary file not found") from err
        except OSError as err:
            raise GlossaryError(f"{path}: cannot read glossary ({err.strerror or err})") from err
        if suffix == ".csv":
            return cls(_csv_terms(_decode(data, str(path)), str(path)))
        return cls(_tbx_terms(data, str(path)))

    @classmethod
    def starter(cls) -> Glossary:
        """Our news glossary (heads of state, capitals, countries, institutions, tricky news terms)."""
        return _starter()

    @property
    def terms(self) -> tuple[Term, ...]:
        return self._terms

    def __len__(self) -> int:
        return len(self._terms)

    def __iter__(self) -> Iterator[Term]:
        return iter(self._terms)

    def __repr__(self) -> str:
        return f"Glossary({len(self)} terms, version {self.version})"

    def get(self, source: str) -> Term | None:
        key = Term(source, {}).key
        return next((t for t in self._terms if t.key == key), None)

    @classmethod
    def with_newsroom(cls, path: str | Path | None) -> Glossary:
        """Our starter glossary with the newsroom's file on top, as `--glossary` means everywhere."""
        ours = cls.starter()
        return ours.merged(cls.load(path)) if path else ours

    def merged(self, other: Glossary) -> Glossary:
        """`other` (the newsroom's) overrides these terms, term by term and language by language."""
        return Glossary([*self._terms, *other._terms])

    @property
    def version(self) -> str:
        """A short hash of the content, for provenance and cache keys."""
        canonical = [
            [t.key, t.source, sorted(t.targets.items()), t.note, t.case_sensitive]
            for t in sorted(self._terms, key=lambda t: t.key)
        ]
        blob = json.dumps(canonical, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:12]

    def matches(self, text: str, target_lang: str) -> list[GlossaryMatch]:
        """Terms found in English `text` that have a form in `target_lang`, longest first, no overlaps."""
        lang = _lang(target_lang)
        candidates = [
            GlossaryMatch(c.term, m.start(), m.end(), m.group(0), c.term.targets[lang])
            for c in self._compiled
            if c.term.targets.get(lang)
            for m in c.pattern.finditer(text)
        ]
        candidates.sort(key=lambda m: (m.start - m.end, m.start))
        chosen: list[GlossaryMatch] = []
        for match in candidates:
            if all(match.end <= c.start or c.end <= match.start for c in chosen):
                chosen.append(match)
        return sorted(chosen, key=lambda m: m.start)

    def hints(self, text: str, target_lang: str) -> list[tuple[str, str]]:
        """(term as written in `text`, preferred translation), once per term, for the engine."""
        return [(m.found, m.targets[0]) for m in _first_per_term(self.matches(text, target_lang))]

    def check(self, source_text: str, target_text: str, target_lang: str) -> list[GlossaryMatch]:
        """The first match of each term whose accepted forms are all missing from the translation."""
        return [
            m
            for m in _first_per_term(self.matches(source_text, target_lang))
            if not target_present(m, target_text, target_lang)
        ]


def target_present(match: GlossaryMatch, target_text: str, target_lang: str) -> bool:
    """Whether any accepted form of the matched term is in the translation."""
    lang = _lang(target_lang)
    text = _nfc(target_text)
    return any(_target_pattern(form, lang).search(text) for form in match.targets)


# --- patterns ------------------------------------------------------------------------------------


def _source_pattern(term: Term) -> re.Pattern[str]:
    words = [w for w in _SEP_RE.split(_nfc(term.source).strip()) if w]
    if not words:
        raise GlossaryError(f"empty glossary term {term.source!r}")
    *head, last = words
    parts = [_source_word(w) for w in head]
    if term.case_sensitive:
        parts.append(_source_word(last) + ("s?" if last[-1].isalnum() else ""))
    elif re.search(r"[^aeiou]y$", last, re.IGNORECASE):
        parts.append(_source_word(last[:-1]) + "(?:y|ies)")
    else:
        parts.append(_source_word(last) + ("(?:e?s)?" if last[-1].isalpha() else ""))
    # no letter either side; an apostrophe followed by a letter continues the word ("Xi'an"), except 's
    body = _SEP.join(parts)
    flags = 0 if term.case_sensitive else re.IGNORECASE
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)(?!{_APOS}(?!s\b)\w)", flags)


def _source_word(word: str) -> str:
    letters = word.replace(".", "")
    dotted = "".join(f"{c}." for c in letters)
    if is_acronym(word) and letters.isalnum() and word in (letters, dotted):
        return "(?:" + "|".join(re.escape(form) for form in _acronym_forms(letters)) + ")"
    return "".join(_source_char(ch) for ch in word)


def _acronym_forms(letters: str) -> list[str]:
    """How an acronym may be written: "UN" and "U.N."; a long one as a word in British style, "Nato"."""
    forms = [letters, "".join(f"{c}." for c in letters)]
    if len(letters) >= 4 and letters.isalpha():
        forms.append(letters[0] + letters[1:].lower())
    return forms


def _source_char(ch: str) -> str:
    if ch in "'\u2019":
        return _APOS
    base = "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))
    if base and base != ch:
        return f"[{re.escape(ch)}{re.escape(base)}]"  # English copy often drops accents: "Antonio"
    return re.escape(ch)


@lru_cache(maxsize=8192)
def _target_pattern(form: str, lang: str) -> re.Pattern[str]:
    form = _nfc(form.strip())
    parts = []
    for word in (w for w in _SEP_RE.split(form) if w):
        pattern = "".join(_APOS if ch in "'\u2019" else re.escape(ch) for ch in word)
        if lang == "fr":
            pattern = pattern.replace("É", "[ÉE]")  # capitals often lose their accent in French
            if len(word) >= 4 and word.isalpha() and not is_acronym(word):
                pattern = (pattern[:-1] if word[-1] in "sx" else pattern) + "[sx]?"
        parts.append(pattern)
    if is_acronym(form) and form.isalpha():
        parts = ["(?:" + "|".join(re.escape(f) for f in _acronym_forms(form)) + ")"]
    flags = 0 if is_acronym(form) else re.IGNORECASE
    # `(?<!\w)` lets an elided article or preposition through: "l'OMC", "d'Allemagne"
    return re.compile(rf"(?<!\w){_SEP.join(parts)}(?!\w)", flags)


# --- loading -------------------------------------------------------------------------------------


@cache
def _starter() -> Glossary:
    text = resources.files("editions").joinpath("data/glossary/news.csv").read_text(encoding="utf-8-sig")
    return Glossary(_csv_terms(text, "editions/data/glossary/news.csv"))


def _decode(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise GlossaryError(f"{name}:{line}: not UTF-8 text") from None


def _csv_terms(text: str, name: str) -> list[Term]:
    numbers: list[int] = []  # physical line number of each line handed to the csv reader

    def content_lines() -> Iterator[str]:
        for number, line in enumerate(text.splitlines(keepends=True), start=1):
            if line.strip() and not line.lstrip().startswith("#"):
                numbers.append(number)
                yield line

    reader = csv.reader(content_lines())
    try:
        header = [cell.strip().lower() for cell in next(reader)]
    except StopIteration:
        raise GlossaryError(f"{name}: empty glossary (no header row)") from None
    except csv.Error as err:
        raise GlossaryError(f"{name}:{numbers[-1] if numbers else 1}: {err}") from None
    columns = _csv_columns(header, name, numbers[reader.line_num - 1])
    terms = []
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as err:
            raise GlossaryError(f"{name}:{numbers[-1]}: {err}") from None
        line = numbers[reader.line_num - 1]
        if len(row) > len(header) and any(cell.strip() for cell in row[len(header) :]):
            raise GlossaryError(f"{name}:{line}: {len(row)} fields but the header has {len(header)}")
        terms.append(_csv_term(dict(zip(columns, row, strict=False)), name, line))
    return terms


def _csv_columns(header: list[str], name: str, line: int) -> list[str]:
    if "source" not in header:
        raise GlossaryError(f"{name}:{line}: the header has no 'source' column (got {','.join(header)!r})")
    columns = []
    for cell in header:
        if cell in ("source", "note", "case_sensitive"):
            column = cell
        else:
            try:
                column = get_language(cell).code
            except UnknownLanguageError:
                raise GlossaryError(f"{name}:{line}: unknown language column {cell!r}") from None
            if column == SOURCE_LANG:
                raise GlossaryError(f"{name}:{line}: column {cell!r} repeats the English source")
        if column in columns:
            raise GlossaryError(f"{name}:{line}: column {cell!r} appears twice")
        columns.append(column)
    return columns


def _csv_term(row: dict[str, str], name: str, line: int) -> Term:
    source = _clean(row.get("source", ""))
    if not source:
        raise GlossaryError(f"{name}:{line}: empty source term")
    targets = {}
    for column, cell in row.items():
        if column not in ("source", "note", "case_sensitive"):
            forms = tuple(dict.fromkeys(f for f in (_clean(part) for part in cell.split("|")) if f))
            if forms:
                targets[column] = forms
    flag = row.get("case_sensitive", "").strip().lower()
    if flag and flag not in _TRUE:
        raise GlossaryError(f"{name}:{line}: case_sensitive must be true or false, not {flag!r}")
    note = _clean(row.get("note", "")) or None
    return Term(source, targets, note, _TRUE.get(flag, False))


def _tbx_terms(data: bytes, name: str) -> list[Term]:
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False, remove_comments=True
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as err:
        line = err.lineno or (err.position[0] if err.position else 0)
        raise GlossaryError(f"{name}:{line}: malformed XML: {' '.join(str(err.msg).split())}") from err
    if _local(root) not in ("martif", "tbx"):
        raise GlossaryError(f"{name}:{root.sourceline}: not a TBX file (root element <{_local(root)}>)")
    terms = []
    for entry in root.iter("{*}termEntry", "{*}conceptEntry"):
        by_lang: dict[str, list[str]] = {}
        for lang_set in entry.iter("{*}langSet", "{*}langSec"):
            code = lang_set.get(_XML_LANG) or lang_set.get("lang")
            if not code:
                raise GlossaryError(f"{name}:{lang_set.sourceline}: <{_local(lang_set)}> without xml:lang")
            try:
                lang = get_language(code).code
            except UnknownLanguageError:
                continue
            by_lang.setdefault(lang, []).extend(_tbx_forms(lang_set))
        note = next((_text(n) for n in entry.iter("{*}descrip", "{*}note")), None)
        targets = {
            lang: tuple(dict.fromkeys(forms))
            for lang, forms in by_lang.items()
            if lang != SOURCE_LANG and forms
        }
        sources = dict.fromkeys(by_lang.get(SOURCE_LANG, []))
        terms += [Term(source, targets, note or None) for source in sources]
    return terms


def _tbx_forms(lang_set: etree._Element) -> list[str]:
    forms = []
    for term in lang_set.iter("{*}term"):
        parent = term.getparent()
        statuses = [
            (n.text or "").lower()
            for n in (parent if parent is not None else [])
            if _local(n) == "termNote" and n.get("type") == "administrativeStatus"
        ]
        if not any("deprecated" in s or "superseded" in s for s in statuses):
            form = _text(term)
            if form:
                forms.append(form)
    return forms


# --- small helpers -------------------------------------------------------------------------------


def _override(ours: Term, theirs: Term) -> Term:
    return Term(
        theirs.source,
        {**ours.targets, **theirs.targets},
        theirs.note if theirs.note is not None else ours.note,
        theirs.case_sensitive,
    )


def _first_per_term(matches: list[GlossaryMatch]) -> list[GlossaryMatch]:
    seen: dict[str, GlossaryMatch] = {}
    for match in matches:
        seen.setdefault(match.term.key, match)
    return list(seen.values())


def _lang(code: str) -> str:
    return get_language(code).code


def _local(element: etree._Element) -> str:
    return str(etree.QName(element).localname) if isinstance(element.tag, str) else ""


def _text(element: etree._Element) -> str:
    return _clean(_inner_text(element))


def _inner_text(element: etree._Element) -> str:
    """Text of an element and its child elements; entity references are dropped, never expanded."""
    parts = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str):
            parts.append(_inner_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _clean(text: str) -> str:
    return " ".join(_nfc(text).split())
