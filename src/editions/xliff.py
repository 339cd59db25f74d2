"""XLIFF 2.1 for human translators: an edition written out for a CAT tool, and read back as unit texts.

One `<file>` per edition, one `<unit>` per segment (headline, standfirst, dateline, then the blocks),
each with one `<segment>` holding `<source>` and `<target>`. The placeholder tags of a segment
(`<a1>…</a1>`, `<em2>…</em2>`, whatever kinds `document.TAG_FOR_KIND` knows) become paired codes
`<pc id="a1" type="link|fmt|quote" subType="editions:KIND">`; what a span stands for (a link's href)
goes into the unit's `<originalData>` and metadata, never into translatable text. A tag that has no
partner (broken markup an editor has yet to fix) becomes a standalone `<ph>`. QA findings are
`<note category="qa">`s; the provenance, the edition's id and revision and each unit's source hash
are in the metadata module (`mda:metadata`), so an import can tell which edition, which revision and
whether the source is still the one that was translated.

Reading (`read_xliff`) parses with entities, DTDs and the network off and a size cap, validates
against the OASIS XLIFF core schema shipped in `data/xliff/`, and turns each target back into
placeholder text: `<pc>`/`<sc>`/`<ec>` by id, `<mrk>` and `<sm/>`/`<em/>` annotations (a CAT tool's
terms and comments) dropped around their text, `<cp>` back to its character; whitespace is
collapsed as in an article's blocks, and a segment marked state="initial" (a draft not confirmed) is
read as untranslated. It checks nothing against the store: `store/xliff.py` does that.

The schema: the OASIS XLIFF 2.1 core schema could not be found in any package registry this project
may use; `data/xliff/` ships the XLIFF 2.0 core schema (same namespace, and 2.1 adds no element or
attribute that our files use), taken unchanged from Debian's php-symfony-translation (see its NOTICE).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from lxml import etree

from editions.document import PLACEHOLDER_RE, Article, Edition, Mark, QaFinding, normalize_space, plain_text
from editions.errors import XliffError
from editions.segment import segments

XLIFF_NS = "urn:oasis:names:tc:xliff:document:2.0"  # XLIFF 2.1 keeps the 2.0 namespace
MDA_NS = "urn:oasis:names:tc:xliff:metadata:2.0"
EDITIONS_NS = "urn:editions:xliff:1"  # our attributes on notes (finding code, severity)
XML_NS = "http://www.w3.org/XML/1998/namespace"
VERSION = "2.1"
SCHEMA = Path(__file__).parent / "data" / "xliff" / "xliff-core-2.0.xsd"
MAX_XLIFF_BYTES = 32 * 1024 * 1024  # a job of 50 articles of 2 MB would not reach it twice over

_X = f"{{{XLIFF_NS}}}"
_M = f"{{{MDA_NS}}}"
_NSMAP: dict[Any, str] = {None: XLIFF_NS, "mda": MDA_NS, "ed": EDITIONS_NS}
_FILE_GROUP = "editions"  # mda:metaGroup category of our metadata
_PRIORITY = {"error": "1", "warning": "5", "info": "9"}  # XLIFF priority: 1 is the most important
_PC_TYPE = {"link": "link", "q": "quote"}  # every other mark kind is formatting ("fmt")
# Characters XML 1.0 cannot carry; XLIFF writes them as <cp hex="…"/>.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_NAME_RE = re.compile(r"[a-z]+\d+")
_LITERAL_TAG_RE = re.compile(r"</?[a-z]+\d+>")


@dataclass(frozen=True)
class ExportedEdition:
    """What one `<file>` is written from: the stored edition and the source it translates."""

    edition_id: str
    revision: int
    signature: str
    article: Article  # the source as translated (a condensed edition's kept text)
    edition: Edition
    job_id: str = ""
    reviewed: bool = False  # approved: the segments are written as state="reviewed"


@dataclass
class UnitIn:
    """One unit read back: its id, the source as the file has it, and the target in placeholder text."""

    id: str
    source_plain: str  # whitespace-normalized plain source text
    source_sha256: str | None  # what the export recorded, if the tool kept it
    target: str | None  # placeholder text, whitespace-normalized; None: no <target>
    codes: dict[str, dict[str, str]] = field(default_factory=dict)  # pc id → recorded mark attributes


@dataclass
class FileIn:
    """One `<file>` read back: which edition, which revision it was exported at, and its units."""

    edition_id: str
    revision: int | None
    units: list[UnitIn]


@dataclass
class XliffIn:
    source_lang: str
    target_lang: str
    files: list[FileIn]


def source_sha256(text: str) -> str:
    """The hash recorded per unit: of the segment's source text with its placeholder tags."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- writing ---------------------------------------------------------------------------------------


def write_xliff(editions: list[ExportedEdition]) -> bytes:
    """One XLIFF 2.1 document for `editions` (one source and one target language: XLIFF's rule)."""
    if not editions:
        raise XliffError("nothing to export: no finished edition")
    pairs = {(e.edition.source_lang, e.edition.target_lang) for e in editions}
    if len(pairs) > 1:
        langs = ", ".join(sorted(f"{s}→{t}" for s, t in pairs))
        raise XliffError(f"an XLIFF file holds one language pair; these editions are {langs}")
    source_lang, target_lang = pairs.pop()
    root = etree.Element(_X + "xliff", nsmap=_NSMAP)
    root.set("version", VERSION)
    root.set("srcLang", source_lang)
    root.set("trgLang", target_lang)
    for exported in editions:
        root.append(_file(exported))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _file(exported: ExportedEdition) -> etree._Element:
    edition, provenance = exported.edition, exported.edition.provenance
    element = etree.Element(_X + "file")
    element.set("id", f"e{exported.edition_id}")
    element.set("original", f"editions:{exported.edition_id}")
    element.append(
        _metadata(
            {
                "edition-id": exported.edition_id,
                "revision": str(exported.revision),
                "job-id": exported.job_id,
                "article-id": edition.article_id,
                "signature": exported.signature,
                "engine": provenance.engine,
                "model": provenance.model,
                "model-sha256": provenance.model_sha256 or "",
                "prompt-version": provenance.prompt_version,
                "package-version": provenance.package_version,
                "glossary-version": provenance.glossary_version or "",
                "adaptation": provenance.adaptation or "",
            }
        )
    )
    translated: dict[str, tuple[str, list[QaFinding], list[str]]] = {
        "headline": (edition.headline, [], []),
        "standfirst": (edition.standfirst or "", [], []),
        "dateline": (edition.dateline or "", [], []),
    }
    for finding in edition.findings:
        if finding.block_id in translated:
            translated[finding.block_id][1].append(finding)
    for block in edition.blocks:
        translated[block.source_id] = (block.text, list(block.findings), list(block.notes))
    for seg in segments(exported.article):
        target, findings, notes = translated.get(seg.id, ("", [], []))
        element.append(_unit(seg.id, seg.kind, seg.text, target, seg.marks, findings, notes, exported))
    return element


def _unit(
    unit_id: str,
    kind: str,
    source: str,
    target: str,
    marks: dict[str, Mark],
    findings: list[QaFinding],
    notes: list[str],
    exported: ExportedEdition,
) -> etree._Element:
    unit = etree.Element(_X + "unit")
    unit.set("id", unit_id)
    unit.set("name", kind)
    meta = {"source-sha256": source_sha256(source), "kind": kind}
    for name, mark in marks.items():
        for attr, value in _mark_attributes(mark).items():
            meta[f"code.{name}.{attr}"] = value
    unit.append(_metadata(meta))
    if findings or notes:
        notes_el = etree.SubElement(unit, _X + "notes")
        for finding in findings:
            note = etree.SubElement(notes_el, _X + "note")
            note.set("category", "qa")
            note.set("priority", _PRIORITY[finding.severity])
            note.set(f"{{{EDITIONS_NS}}}code", str(finding.code))
            note.set(f"{{{EDITIONS_NS}}}severity", finding.severity)
            if finding.fixed:
                note.set(f"{{{EDITIONS_NS}}}fixed", "yes")
            _put_text(note, finding.message)
        for text in notes:
            note = etree.SubElement(notes_el, _X + "note")
            note.set("category", "editions")
            _put_text(note, text)
    if marks:
        original = etree.SubElement(unit, _X + "originalData")
        for name, mark in marks.items():
            start, end = _original_codes(mark)
            data = etree.SubElement(original, _X + "data", id=f"{name}-start")
            _put_text(data, start)
            data = etree.SubElement(original, _X + "data", id=f"{name}-end")
            _put_text(data, end)
    segment = etree.SubElement(unit, _X + "segment")
    segment.set("state", "reviewed" if exported.reviewed else "translated")
    _inline(etree.SubElement(segment, _X + "source"), source, marks)
    _inline(etree.SubElement(segment, _X + "target"), target, marks)
    return unit


def _mark_attributes(mark: Mark) -> dict[str, str]:
    """A mark's fields (its kind, and an href or whatever else the kind carries) as strings."""
    return {k: str(v) for k, v in mark.model_dump(mode="json", exclude_none=True).items()}


def _original_codes(mark: Mark) -> tuple[str, str]:
    """What a span was in the source page, for a CAT tool to show: `<a href="…">`, `</a>`."""
    attributes = {k: v for k, v in _mark_attributes(mark).items() if k != "kind"}
    tag = {"link": "a"}.get(mark.kind, mark.kind)
    attrs = "".join(f' {k}="{v.replace(chr(34), "&quot;")}"' for k, v in attributes.items())
    return f"<{tag}{attrs}>", f"</{tag}>"


def _metadata(values: dict[str, str]) -> etree._Element:
    metadata = etree.Element(_M + "metadata")
    group = etree.SubElement(metadata, _M + "metaGroup", category=_FILE_GROUP)
    for key, value in values.items():
        meta = etree.SubElement(group, _M + "meta", type=key)
        _put_text(meta, value)
    return metadata


def _put_text(element: etree._Element, text: str) -> None:
    """Text that may hold characters XML cannot carry: those become <cp/> (in note and meta text,
    where XLIFF has no <cp>, they become U+FFFD)."""
    if element.tag in (_X + "source", _X + "target", _X + "pc", _X + "data"):
        _append(element, text)
    else:
        element.text = _NOT_XML.sub("\ufffd", text)


def _append(element: etree._Element, text: str) -> None:
    """Append text at the end of `element`'s content, invalid XML characters as <cp hex="…"/>."""
    pos = 0
    for m in _NOT_XML.finditer(text):
        _append_plain(element, text[pos : m.start()])
        etree.SubElement(element, _X + "cp", hex=f"{ord(m.group(0)):04X}")
        pos = m.end()
    _append_plain(element, text[pos:])


def _append_plain(element: etree._Element, text: str) -> None:
    if not text:
        return
    if len(element):
        last = element[-1]
        last.tail = (last.tail or "") + text
    else:
        element.text = (element.text or "") + text


def _inline(element: etree._Element, text: str, marks: dict[str, Mark]) -> None:
    """Placeholder text into `element`: each properly nested pair as <pc>, any other tag as <ph>."""
    tokens = list(PLACEHOLDER_RE.finditer(text))
    paired = _paired(tokens)
    stack = [element]
    pos = 0
    for index, m in enumerate(tokens):
        _append(stack[-1], text[pos : m.start()])
        pos = m.end()
        name = f"{m.group(1)}{m.group(2)}"
        closing = m.group(0).startswith("</")
        if index not in paired:
            ph = etree.SubElement(stack[-1], _X + "ph", id=f"{name}-{'end' if closing else 'start'}")
            ph.set("disp", m.group(0))
            ph.set("canDelete", "yes")
        elif closing:
            stack.pop()
        else:
            mark = marks.get(name)
            kind = mark.kind if mark else "unknown"
            pc = etree.SubElement(stack[-1], _X + "pc", id=name)
            pc.set("type", _PC_TYPE.get(kind, "fmt"))
            pc.set("subType", f"editions:{kind}")
            if mark is not None:
                pc.set("dataRefStart", f"{name}-start")
                pc.set("dataRefEnd", f"{name}-end")
            pc.set("canDelete", "no")
            stack.append(pc)
    _append(stack[-1], text[pos:])


def _paired(tokens: list[re.Match[str]]) -> set[int]:
    """Indexes of the tags that open and close a properly nested pair; the rest stand alone."""
    paired: set[int] = set()
    stack: list[tuple[str, int]] = []
    for index, m in enumerate(tokens):
        name = f"{m.group(1)}{m.group(2)}"
        if not m.group(0).startswith("</"):
            stack.append((name, index))
        elif stack and stack[-1][0] == name:
            paired.update((stack.pop()[1], index))
        elif any(n == name for n, _ in stack):  # crossing spans: what was opened after it stands alone
            while stack[-1][0] != name:
                stack.pop()
            paired.update((stack.pop()[1], index))
    return paired


# --- reading ---------------------------------------------------------------------------------------


@cache
def schema() -> etree.XMLSchema:
    """The OASIS XLIFF core schema (with xml.xsd, which it imports from the folder beside it)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    try:
        return etree.XMLSchema(etree.parse(str(SCHEMA), parser))
    except (OSError, etree.XMLSchemaParseError) as err:  # a broken installation, not the user's file
        raise XliffError(
            f"the XLIFF schema shipped with editions cannot be read ({SCHEMA}): reinstall"
        ) from err


def validate(root: etree._Element) -> None:
    """Refuse (`XliffError`, with the line and the schema's complaint) a document the schema refuses."""
    checker = schema()
    if not checker.validate(root):
        error = getattr(checker.error_log, "last_error", None)  # lxml-stubs omit it
        line, message = (error.line, error.message) if error is not None else (0, "refused by the schema")
        raise XliffError(f"not valid XLIFF 2 (line {line}): {_short(message)}")


def parse_document(data: bytes) -> etree._Element:
    """The root element of `data`, refused with one line when it is not safe, well-formed XLIFF 2."""
    if len(data) > MAX_XLIFF_BYTES:
        raise XliffError(f"the XLIFF file is over {MAX_XLIFF_BYTES // 2**20} MB")
    if not data.strip():
        raise XliffError("the XLIFF file is empty")
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False, remove_pis=True
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as err:
        raise XliffError(f"not an XML file: {_short(str(err))}") from err
    if root is None:
        raise XliffError("not an XML file: no root element")
    docinfo = root.getroottree().docinfo
    if docinfo.internalDTD is not None or docinfo.doctype:
        raise XliffError("the XLIFF file declares a DTD (or entities); XLIFF 2 has none, so it is refused")
    if root.tag != _X + "xliff":
        found = etree.QName(root).localname if isinstance(root.tag, str) else "?"
        namespace = etree.QName(root).namespace if isinstance(root.tag, str) else None
        if found == "xliff" and namespace != XLIFF_NS:
            raise XliffError(f"an XLIFF 1.x file ({namespace or 'no namespace'}); export XLIFF 2.x")
        raise XliffError(f"not an XLIFF 2 file: the root element is <{found}>, not <xliff>")
    return root


def read_xliff(data: bytes) -> XliffIn:
    """Parse and validate `data`, and read its files and units back (see the module's docstring)."""
    root = parse_document(data)
    validate(root)
    if not str(root.get("version", "")).startswith("2."):
        raise XliffError(f"XLIFF version {root.get('version')!r} is not 2.x")
    target_lang = root.get("trgLang")
    if not target_lang:
        raise XliffError("the XLIFF file has no trgLang: it holds no translation")
    files = []
    for file_el in root.iterfind(_X + "file"):
        meta = _read_metadata(file_el)
        edition_id = meta.get("edition-id") or str(file_el.get("original", "")).removeprefix("editions:")
        if not edition_id:
            raise XliffError(f"file {file_el.get('id')!r} does not say which edition it is (no edition-id)")
        revision = meta.get("revision")
        units = [_read_unit(unit_el) for unit_el in file_el.iter(_X + "unit")]
        files.append(FileIn(edition_id, int(revision) if revision and revision.isdigit() else None, units))
    return XliffIn(str(root.get("srcLang")), str(target_lang), files)


def _read_metadata(element: etree._Element) -> dict[str, str]:
    """Our metadata on `element` (its own mda:metadata child, not its units')."""
    values: dict[str, str] = {}
    for metadata in element.iterchildren(_M + "metadata"):
        for group in metadata.iter(_M + "metaGroup"):
            if group.get("category") == _FILE_GROUP:
                for meta in group.iterchildren(_M + "meta"):
                    values[str(meta.get("type"))] = meta.text or ""
    return values


def _read_unit(unit_el: etree._Element) -> UnitIn:
    unit_id = str(unit_el.get("id"))
    meta = _read_metadata(unit_el)
    codes: dict[str, dict[str, str]] = {}
    for key, value in meta.items():
        if key.startswith("code."):
            _, name, attr = key.split(".", 2)
            codes.setdefault(name, {})[attr] = value
    sources: list[str] = []
    targets: list[str] = []
    has_target = False
    # one segment per unit is what we write; a tool that split one is read segment after segment,
    # in the order the targets say (`order`), ignorables included
    parts = [p for p in unit_el if p.tag in (_X + "segment", _X + "ignorable")]
    for part in parts:
        source = part.find(_X + "source")
        target = part.find(_X + "target")
        sources.append(_read_inline(source, unit_id, "source") if source is not None else "")
        if target is not None:
            has_target = True
        targets.append(_read_inline(target, unit_id, "target") if target is not None else "")
    orders = [p.find(_X + "target") for p in parts]
    keyed = [_order(t, i + 1) for i, t in enumerate(orders)]
    if keyed != sorted(keyed):
        targets = [text for _, text in sorted(zip(keyed, targets, strict=True))]
    if any(p.get("state") == "initial" for p in parts):
        has_target = False  # a draft the translator has not confirmed: not imported
    return UnitIn(
        id=unit_id,
        source_plain=normalize_space(plain_text("".join(sources))),
        source_sha256=meta.get("source-sha256"),
        target=normalize_space("".join(targets)) if has_target else None,
        codes=codes,
    )


def _order(target: etree._Element | None, default: int) -> int:
    """A target's place in the unit's translation (`order`, for a tool that reordered segments)."""
    value = target.get("order") if target is not None else None
    return int(value) if value and value.isdigit() else default


def _read_inline(element: etree._Element, unit_id: str, where: str) -> str:
    """Placeholder text of a <source> or <target>: codes by id, annotations dropped around their text."""
    out: list[str] = [_literal(element.text)]
    for child in element:
        out.append(_read_code(child, unit_id, where))
        out.append(_literal(child.tail))
    return "".join(out)


def _literal(text: str | None) -> str:
    """Text as text: a literal "<a1>" a translator typed must not pass for one of our tags (as when
    an article is read, `document.MarkupBuilder.text`)."""
    return _LITERAL_TAG_RE.sub(lambda m: m.group(0).replace("<", "‹").replace(">", "›"), text or "")


def _read_code(child: Any, unit_id: str, where: str) -> str:
    if not isinstance(child.tag, str):  # a comment or processing instruction a tool left
        return ""
    tag = etree.QName(child).localname if child.tag.startswith(_X) else None
    code_id = str(child.get("id") or "")
    if tag == "pc":
        name = _code_name(code_id, unit_id, where)
        inner = _read_inline(child, unit_id, where)
        if not plain_text(inner).strip():
            raise XliffError(f"unit {unit_id}: the inline code {code_id!r} in the {where} has no words in it")
        return f"<{name}>{inner}</{name}>"
    if tag == "sc":
        return f"<{_code_name(code_id, unit_id, where)}>"
    if tag == "ec":
        return f"</{_code_name(str(child.get('startRef') or code_id), unit_id, where)}>"
    if tag == "ph":
        # our own standalone codes are the halves of a broken span: "a1-start" / "a1-end"
        base, _, half = code_id.rpartition("-")
        if half in ("start", "end") and _NAME_RE.fullmatch(base):
            return f"<{'/' if half == 'end' else ''}{base}>"
        raise XliffError(f"unit {unit_id}: unknown placeholder code {code_id!r} in the {where}")
    if tag == "mrk":  # a term, comment or other annotation: its text counts, the marker does not
        return _read_inline(child, unit_id, where)
    if tag in ("sm", "em"):  # the two ends of an annotation that crosses codes
        return ""
    if tag == "cp":
        try:
            return chr(int(str(child.get("hex")), 16))
        except (ValueError, OverflowError):
            raise XliffError(f"unit {unit_id}: a <cp> with a bad hex value in the {where}") from None
    raise XliffError(f"unit {unit_id}: unexpected element <{etree.QName(child).localname}> in the {where}")


def _code_name(code_id: str, unit_id: str, where: str) -> str:
    if not _NAME_RE.fullmatch(code_id):
        raise XliffError(f"unit {unit_id}: unknown inline code {code_id!r} in the {where}")
    return code_id


def _short(message: str) -> str:
    return message.splitlines()[0][:200] if message else "unreadable"
