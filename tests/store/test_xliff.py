"""XLIFF 2.1 out of the store and back in: the schema, a translator's round trip, refusals that leave
the edition as it was, a CAT tool's own flavour of the format, and hostile files."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from sqlalchemy import select

from editions.document import TAG_FOR_KIND, Article, Block, Mark
from editions.errors import InputError, NotFoundError, StaleEditError, XliffError
from editions.memory import segment_contexts
from editions.store.db import Store
from editions.store.editions import get_edition, save_edition
from editions.store.schema import FindingRow, MemoryRow
from editions.store.xliff import TRANSLATOR_NOTE, export_edition_xliff, export_job_xliff, import_xliff
from editions.xliff import MAX_XLIFF_BYTES, SCHEMA, read_xliff

from .xliff_seed import ARTICLE, PROVENANCE, TRANSLATIONS, seed

X = "{urn:oasis:names:tc:xliff:document:2.0}"
M = "{urn:oasis:names:tc:xliff:metadata:2.0}"
NS = {"x": "urn:oasis:names:tc:xliff:document:2.0", "mda": "urn:oasis:names:tc:xliff:metadata:2.0"}
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "xliff"


def _schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMA)))


def _unit(root: etree._Element, unit_id: str) -> etree._Element:
    [unit] = root.xpath(f"//x:unit[@id='{unit_id}']", namespaces=NS)
    return unit


def _target(root: etree._Element, unit_id: str) -> etree._Element:
    target = _unit(root, unit_id).find(f"{X}segment/{X}target")
    assert target is not None
    return target


def _state(store: Store, edition_id: str) -> tuple[int, dict[str, Any], list[tuple[str, str]], int]:
    stored = get_edition(store, edition_id)
    with store.session() as session:
        findings = sorted((r.block_id, r.code) for r in session.scalars(select(FindingRow)))
        memory = len(session.scalars(select(MemoryRow)).all())
    return stored.revision, stored.edition.model_dump(mode="json"), findings, memory


# --- export ------------------------------------------------------------------------------------------


def test_the_export_validates_against_the_shipped_oasis_schema(store: Store) -> None:
    _, edition_id = seed(store)
    data, name = export_edition_xliff(store, edition_id)
    root = etree.fromstring(data)
    schema = _schema()
    assert schema.validate(root), schema.error_log.last_error
    assert name == f"{ARTICLE.id}.en-fr.xlf"
    assert (root.get("version"), root.get("srcLang"), root.get("trgLang")) == ("2.1", "en", "fr")
    [file] = root.findall(f"{X}file")
    assert [u.get("id") for u in file.findall(f"{X}unit")] == [
        "headline", "standfirst", "dateline", "b1", "b2", "b3", "b4",
    ]  # fmt: skip
    # the schema is strict: a unit without its segment is refused by it
    broken = copy.deepcopy(root)
    segment = _unit(broken, "b4").find(f"{X}segment")
    assert segment is not None
    _unit(broken, "b4").remove(segment)
    assert not schema.validate(broken)


def test_spans_are_paired_codes_and_their_targets_stay_out_of_the_text(store: Store) -> None:
    _, edition_id = seed(store)
    root = etree.fromstring(export_edition_xliff(store, edition_id)[0])
    b1 = _unit(root, "b1")
    source = b1.find(f"{X}segment/{X}source")
    assert source is not None
    codes = [(pc.get("id"), pc.get("type"), pc.get("subType"), pc.text) for pc in source.iter(f"{X}pc")]
    assert codes == [("a1", "link", "editions:link", "council"), ("em2", "fmt", "editions:em", "on Tuesday")]
    assert "".join(source.itertext()) == "The council voted on Tuesday to approve the budget."
    target = _target(root, "b1")
    assert [pc.get("id") for pc in target.iter(f"{X}pc")] == ["a1", "em2"]
    # the href is in the unit's original data and metadata, never in translatable text
    href = "https://example.org/council?a=1&b=2"
    for text_el in root.iter(f"{X}source", f"{X}target"):
        assert "example.org" not in "".join(text_el.itertext())
    data = {d.get("id"): d.text for d in b1.iter(f"{X}data")}
    assert data["a1-start"] == f'<a href="{href}">' and data["em2-start"] == "<em>"
    meta = {m.get("type"): m.text for m in b1.iter(f"{M}meta")}
    assert meta["code.a1.href"] == href and meta["code.em2.kind"] == "em"
    strong = _unit(root, "b3").find(f"{X}segment/{X}source/{X}pc")
    assert strong is not None and strong.get("subType") == "editions:strong"


def test_findings_are_notes_and_the_provenance_is_metadata(store: Store) -> None:
    _, edition_id = seed(store)
    stored = get_edition(store, edition_id)
    root = etree.fromstring(export_edition_xliff(store, edition_id)[0])
    b2_findings = next(b for b in stored.edition.blocks if b.source_id == "b2").findings
    assert b2_findings, "the seed's 12 → 15 must give a finding"
    notes = _unit(root, "b2").findall(f"{X}notes/{X}note")
    assert [(n.get("category"), n.text) for n in notes] == [("qa", f.message) for f in b2_findings]
    priorities = {"error": "1", "warning": "5", "info": "9"}
    assert [n.get("priority") for n in notes] == [priorities[f.severity] for f in b2_findings]
    assert _unit(root, "b4").find(f"{X}notes") is None  # a clean block has none
    [file] = root.findall(f"{X}file")
    meta = {m.get("type"): m.text for m in file.find(f"{M}metadata").iter(f"{M}meta")}  # type: ignore[union-attr]
    assert meta["edition-id"] == edition_id and meta["revision"] == "1"
    assert meta["signature"] == stored.signature == PROVENANCE.signature()
    assert (meta["engine"], meta["model-sha256"], meta["prompt-version"]) == ("seeded", "ab" * 32, "p-test")
    unit_meta = {m.get("type"): m.text for m in _unit(root, "headline").iter(f"{M}meta")}
    assert len(unit_meta["source-sha256"] or "") == 64


def test_a_job_into_two_languages_is_exported_one_language_at_a_time(store: Store) -> None:
    job_id, fr_id = seed(store)
    with pytest.raises(XliffError, match="fr"):
        export_job_xliff(store, job_id, "vi")
    data, name = export_job_xliff(store, job_id)
    assert name == f"job-{job_id}.fr.xlf"
    [file] = etree.fromstring(data).findall(f"{X}file")
    assert file.get("original") == f"editions:{fr_id}"
    with pytest.raises(NotFoundError):
        export_job_xliff(store, "no-such-job")


# --- a translator's round trip -----------------------------------------------------------------------


def test_a_translators_edits_become_one_revision_with_qa_and_memory(store: Store) -> None:
    _, edition_id = seed(store)
    before = get_edition(store, edition_id)
    root = etree.fromstring(export_edition_xliff(store, edition_id)[0])
    # as a translator would: new words around and inside the codes, the codes themselves kept
    b1 = _target(root, "b1")
    b1.text = "Mardi, le "
    link, emphasis = b1.findall(f"{X}pc")
    link.text, link.tail = "conseil municipal", " a "
    emphasis.text, emphasis.tail = "adopté", " le budget."
    _target(root, "b2").text = "Les dépenses augmentent de 12 %."  # fixes the number QA flagged
    result = import_xliff(store, etree.tostring(root))

    after = get_edition(store, edition_id)
    assert result.changed == [(edition_id, "b1"), (edition_id, "b2")] and result.unchanged == 5
    assert result.revisions == {edition_id: before.revision + 1} and after.revision == before.revision + 1
    blocks = {b.source_id: b for b in after.edition.blocks}
    assert blocks["b1"].text == "Mardi, le <a1>conseil municipal</a1> a <em2>adopté</em2> le budget."
    assert blocks["b2"].text == "Les dépenses augmentent de 12 %."
    assert TRANSLATOR_NOTE in blocks["b1"].notes
    # QA was re-run: the number finding is gone from the document and from the findings rows
    assert blocks["b2"].findings == []
    with store.session() as session:
        rows = {(r.block_id, r.code) for r in session.scalars(select(FindingRow))}
    assert not any(block == "b2" for block, _ in rows)
    # every other block and the front matter are as they were, byte for byte
    old_blocks = {b.source_id: b.model_dump(mode="json") for b in before.edition.blocks}
    for block_id in ("b3", "b4"):
        assert blocks[block_id].model_dump(mode="json") == old_blocks[block_id]
    for field in ("headline", "standfirst", "dateline", "findings", "provenance"):
        assert getattr(after.edition, field) == getattr(before.edition, field)
    # the memory learned both edits, as the translator's, keyed as the pipeline looks segments up
    contexts = segment_contexts(after.article)
    with store.session() as session:
        memory = {
            (r.source_text, r.target_text, r.origin, r.approved, r.context)
            for r in session.scalars(select(MemoryRow))
        }
    assert memory == {
        (ARTICLE.blocks[0].text, blocks["b1"].text, "translator", True, contexts["b1"]),
        (ARTICLE.blocks[1].text, blocks["b2"].text, "translator", True, contexts["b2"]),
    }


def test_another_xliff_library_reads_the_export_and_its_edit_imports(store: Store) -> None:
    """translate-toolkit's XLIFF 2 reader as an independent client: it sees our units, and a target it
    sets and serializes comes back through the import."""
    from translate.storage.xliff2 import Xliff2File

    _, edition_id = seed(store)
    tool = Xliff2File.parsestring(export_edition_xliff(store, edition_id)[0])
    units = {u.getid(): u for u in tool.units}
    assert list(units)[:4] == ["headline", "standfirst", "dateline", "b1"]
    assert units["b1"].source == "The council voted on Tuesday to approve the budget."
    units["b4"].target = "Le maire a jugé que c'était équitable."
    result = import_xliff(store, bytes(tool))
    assert result.changed == [(edition_id, "b4")]
    after = get_edition(store, edition_id).edition
    assert after.blocks[3].text == "Le maire a jugé que c'était équitable."


def test_importing_the_export_unchanged_changes_nothing(store: Store) -> None:
    _, edition_id = seed(store)
    before = _state(store, edition_id)
    result = import_xliff(store, export_edition_xliff(store, edition_id)[0])
    assert (result.changed, result.revisions, result.unchanged) == ([], {}, 7)
    assert _state(store, edition_id) == before


def test_front_matter_units_are_edited_like_blocks(store: Store) -> None:
    _, edition_id = seed(store)
    root = etree.fromstring(export_edition_xliff(store, edition_id)[0])
    _target(root, "headline").text = "Le conseil adopte le budget"
    _target(root, "dateline").text = "LYON, 4 mars"
    import_xliff(store, etree.tostring(root))
    edition = get_edition(store, edition_id).edition
    assert (edition.headline, edition.dateline) == ("Le conseil adopte le budget", "LYON, 4 mars")
    assert edition.standfirst == TRANSLATIONS["standfirst"]
    # QA ran on the new dateline: the date moved
    assert [f.code for f in edition.findings if f.block_id == "dateline"] == ["date.shifted"]


def test_a_broken_span_is_exported_as_standalone_codes_and_still_validates(store: Store) -> None:
    texts = {**TRANSLATIONS, "b3": "Les écoles</b1> en reçoivent <a2>la plus grande part</a2>."}
    _, edition_id = seed(store, texts=texts)
    data, _ = export_edition_xliff(store, edition_id)
    root = etree.fromstring(data)
    assert _schema().validate(root)
    target = _target(root, "b3")
    assert [ph.get("id") for ph in target.iter(f"{X}ph")] == ["b1-end"]
    assert [pc.get("id") for pc in target.iter(f"{X}pc")] == ["a2"]
    [unit] = [u for u in read_xliff(data).files[0].units if u.id == "b3"]
    assert unit.target == texts["b3"]  # read back exactly as stored
    # fixing it in the CAT tool: the translator puts the span back together
    target.text = "Les "
    for child in list(target):
        target.remove(child)
    good = etree.SubElement(target, f"{X}pc", id="b1")
    good.text, good.tail = "écoles", " en reçoivent "
    link = etree.SubElement(target, f"{X}pc", id="a2")
    link.text, link.tail = "la plus grande part", "."
    import_xliff(store, etree.tostring(root))
    fixed = next(b for b in get_edition(store, edition_id).edition.blocks if b.source_id == "b3")
    assert fixed.text == "Les <b1>écoles</b1> en reçoivent <a2>la plus grande part</a2>."


# --- refusals, all or nothing ------------------------------------------------------------------------


def _tamper_source(root: etree._Element) -> None:
    source = _unit(root, "b4").find(f"{X}segment/{X}source")
    assert source is not None
    source.text = "The mayor said it was unfair."


def _tamper_unknown_unit(root: etree._Element) -> None:
    extra = copy.deepcopy(_unit(root, "b4"))
    extra.set("id", "b99")
    _unit(root, "b4").addnext(extra)


def _tamper_code_lost(root: etree._Element) -> None:
    target = _target(root, "b3")
    target.text = "Les écoles en reçoivent la plus grande part."
    for child in list(target):
        target.remove(child)


def _tamper_code_unknown(root: etree._Element) -> None:
    pc = _target(root, "b3").find(f"{X}pc")
    assert pc is not None
    pc.set("id", "a9")


def _tamper_code_twice(root: etree._Element) -> None:
    target = _target(root, "b3")
    twin = copy.deepcopy(target[0])
    twin.tail = " encore"
    target.append(twin)


def _tamper_href(root: etree._Element) -> None:
    for meta in _unit(root, "b3").iter(f"{M}meta"):
        if meta.get("type") == "code.a2.href":
            meta.text = "https://evil.example/phish"


def _tamper_hash(root: etree._Element) -> None:
    for meta in _unit(root, "b4").iter(f"{M}meta"):
        if meta.get("type") == "source-sha256":
            meta.text = "0" * 64


def _tamper_empty_target(root: etree._Element) -> None:
    _target(root, "b4").text = "   "


def _tamper_bidi(root: etree._Element) -> None:
    _target(root, "b4").text = "Le maire a dit\u202e que c'était juste."


@pytest.mark.parametrize(
    ("tamper", "unit", "words"),
    [
        (_tamper_source, "b4", "source no longer matches"),
        (_tamper_hash, "b4", "source no longer matches"),
        (_tamper_unknown_unit, "b99", "no such segment"),
        (_tamper_code_lost, "b3", "lost or broken"),
        (_tamper_code_unknown, "b3", "unknown inline code 'a9'"),
        (_tamper_code_twice, "b3", "repeated"),
        (_tamper_href, "b3", "href"),
        (_tamper_empty_target, "b4", "empty"),
        (_tamper_bidi, "b4", "U+202E"),
    ],
    ids=[
        "source",
        "hash",
        "unknown-unit",
        "code-lost",
        "code-unknown",
        "code-twice",
        "href",
        "empty",
        "bidi",
    ],
)
def test_a_tampered_file_is_refused_whole_naming_the_unit(
    store: Store, tamper: Any, unit: str, words: str
) -> None:
    _, edition_id = seed(store)
    root = etree.fromstring(export_edition_xliff(store, edition_id)[0])
    _target(root, "b2").text = "Les dépenses augmentent de 12 %."  # a valid edit, before the bad unit
    tamper(root)
    before = _state(store, edition_id)
    with pytest.raises(XliffError) as err:
        import_xliff(store, etree.tostring(root))
    message = str(err.value)
    assert f"unit {unit}" in message and words in message and "\n" not in message
    assert _state(store, edition_id) == before  # same revision, document, findings; memory untouched


def test_a_file_exported_before_the_last_save_is_stale(store: Store) -> None:
    _, edition_id = seed(store)
    root = etree.fromstring(export_edition_xliff(store, edition_id)[0])
    stored = get_edition(store, edition_id)
    stored.edition.blocks[3].text = "Le maire l'a jugé juste."
    save_edition(store, stored, "b4", stored.revision)  # an editor saved in the meantime
    _target(root, "b2").text = "Les dépenses augmentent de 12 %."
    before = _state(store, edition_id)
    with pytest.raises(StaleEditError, match="revision 2 now, the file has 1"):
        import_xliff(store, etree.tostring(root))
    assert _state(store, edition_id) == before


def test_a_file_for_an_edition_that_is_not_there_is_not_found(store: Store) -> None:
    _, edition_id = seed(store)
    data = export_edition_xliff(store, edition_id)[0].replace(edition_id.encode(), b"f" * 32)
    with pytest.raises(NotFoundError, match="f" * 32):
        import_xliff(store, data)


# --- a CAT tool's flavour ----------------------------------------------------------------------------


def test_a_cat_tools_file_with_its_namespaces_annotations_and_layout_imports(store: Store) -> None:
    """tests/fixtures/xliff/cat-tool.xlf: as a CAT tool hands it back, written by hand (see its comment)."""
    _, edition_id = seed(store)
    before = get_edition(store, edition_id)
    text = (FIXTURES / "cat-tool.xlf").read_text(encoding="utf-8").replace("EDITION_ID", edition_id)
    data = text.encode("utf-8")
    assert _schema().validate(etree.fromstring(data)), "the fixture itself is valid XLIFF 2"
    result = import_xliff(store, data)
    after = get_edition(store, edition_id)
    assert sorted(unit for _, unit in result.changed) == ["b1", "b3", "headline"]
    assert after.revision == before.revision + 1
    edition = after.edition
    blocks = {b.source_id: b.text for b in edition.blocks}
    assert edition.headline == "Le conseil municipal approuve le budget"
    # <mrk> term and comment annotations and an <sm/>…<em/> pair are dropped around their words;
    # <sc/>/<ec/> codes pair up like <pc>; the pretty-printing's line breaks are one space
    assert blocks["b1"] == "Le <a1>conseil municipal</a1> a voté <em2>mardi</em2> pour approuver le budget."
    assert blocks["b3"] == "Les <b1>écoles</b1> en reçoivent <a2>l'essentiel</a2>."
    assert blocks["b2"] == TRANSLATIONS["b2"] and blocks["b4"] == TRANSLATIONS["b4"]  # reflowed, not changed
    assert edition.standfirst == TRANSLATIONS["standfirst"]  # state="initial": a draft, left alone
    with store.session() as session:
        origins = {r.origin for r in session.scalars(select(MemoryRow))}
    assert origins == {"translator"}


# --- hostile and broken files ------------------------------------------------------------------------

BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE xliff [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.1" srcLang="en" trgLang="fr">
<file id="f"><unit id="b1"><segment><source>&d;</source></segment></unit></file></xliff>"""
EXTERNAL = b"""<?xml version="1.0"?>
<!DOCTYPE xliff [<!ENTITY leak SYSTEM "file:///etc/passwd">]>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.1" srcLang="en" trgLang="fr">
<file id="f"><unit id="b1"><segment><source>&leak;</source></segment></unit></file></xliff>"""


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "empty"),
        (b"\x00\xff\xfe binary", "not an XML file"),
        (b"just some text", "not an XML file"),
        (b"<xliff><file>", "not an XML file"),
        (BOMB, "DTD"),
        (EXTERNAL, "DTD"),
        (b"<html><body>a web page</body></html>", "root element is <html>"),
        (b'<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" version="1.2"/>', "XLIFF 1.x"),
        (
            b'<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.1" srcLang="en" trgLang="fr">'
            b'<file id="f"><unit id="b1"/></file></xliff>',
            "not valid XLIFF 2",
        ),
        (b" " * (MAX_XLIFF_BYTES + 1), "over 32 MB"),
    ],
    ids=[
        "empty",
        "binary",
        "text",
        "truncated",
        "entity-bomb",
        "external-entity",
        "html",
        "xliff-1",
        "invalid",
        "huge",
    ],
)
def test_bad_files_get_one_clear_line_and_change_nothing(store: Store, data: bytes, words: str) -> None:
    _, edition_id = seed(store)
    before = _state(store, edition_id)
    with pytest.raises(XliffError) as err:
        import_xliff(store, data)
    message = str(err.value)
    assert isinstance(err.value, InputError)
    assert words in message and "\n" not in message and len(message) < 300
    assert "/etc/passwd" not in message and "root:" not in message
    assert _state(store, edition_id) == before


def test_every_mark_kind_the_document_knows_becomes_a_code_and_comes_back(store: Store) -> None:
    """Codes are derived from the marks (`document.TAG_FOR_KIND`), so a kind added there is covered."""
    marks: dict[str, Mark] = {}
    source, target = [], []
    for index, kind in enumerate(TAG_FOR_KIND, start=1):
        name = f"{TAG_FOR_KIND[kind]}{index}"
        extra = {"link": {"href": 'https://example.org/r?x="1"'}, "abbr": {"title": "Organisation & Co"}}
        fields = {k: v for k, v in extra.get(kind, {}).items() if k in Mark.model_fields}
        marks[name] = Mark(kind=kind, **fields)
        source.append(f"word <{name}>span {index}</{name}>")
        target.append(f"mot <{name}>segment {index}</{name}>")
    article = Article(
        source_lang="en", headline="Kinds", blocks=[Block(id="b1", text=", ".join(source) + ".", marks=marks)]
    )
    _, edition_id = seed(store, article=article, texts={"headline": "Sortes", "b1": ", ".join(target) + "."})
    data, _ = export_edition_xliff(store, edition_id)
    root = etree.fromstring(data)
    assert _schema().validate(root)
    codes = {pc.get("id"): pc.get("subType") for pc in _target(root, "b1").iter(f"{X}pc")}
    assert codes == {name: f"editions:{mark.kind}" for name, mark in marks.items()}
    types = {pc.get("id"): pc.get("type") for pc in _target(root, "b1").iter(f"{X}pc")}
    # XLIFF's own code types: a link is "link", an inline quotation "quote", the rest formatting
    assert types == {n: {"link": "link", "q": "quote"}.get(m.kind, "fmt") for n, m in marks.items()}
    starts = {d.get("id"): d.text for d in _unit(root, "b1").iter(f"{X}data")}
    assert starts["a1-start"] == '<a href="https://example.org/r?x=&quot;1&quot;">'
    meta = {m.get("type"): m.text for m in _unit(root, "b1").iter(f"{M}meta")}
    for name, mark in marks.items():  # every field of every mark (an abbr's title too) is kept aside
        for field, value in mark.model_dump(exclude_none=True).items():
            assert meta[f"code.{name}.{field}"] == value
    assert import_xliff(store, data).changed == []  # read back to exactly what is stored
    [unit] = [u for u in read_xliff(data).files[0].units if u.id == "b1"]
    assert unit.target == ", ".join(target) + "."
