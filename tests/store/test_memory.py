"""The translation memory: what matches, what wins, TMX round trips, and the pipeline's memory path."""

from __future__ import annotations

import unicodedata
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from editions.document import Article, Block
from editions.errors import InputError, TmxError
from editions.memory import MemoryKey, segment_contexts
from editions.pipeline import Pipeline
from editions.segment import segments
from editions.store.db import Store
from editions.store.memory import TranslationMemory
from editions.store.schema import MemoryRow

SIG = "engine:llamacpp|model:m.gguf|sha:abc|prompt:p2|version:1"
KEY = MemoryKey("en", "vi", "The council voted on Monday.", "ctx-0123456789ab", SIG)


@pytest.fixture
def memory(store: Store) -> TranslationMemory:
    return TranslationMemory(store)


def _rows(store: Store) -> list[MemoryRow]:
    with store.session() as session:
        return list(session.scalars(select(MemoryRow).order_by(MemoryRow.id)))


# --- matching ----------------------------------------------------------------------------------------


def test_machine_entries_need_the_same_signature_context_languages_and_text(
    memory: TranslationMemory,
) -> None:
    memory.remember(KEY, "Hội đồng đã bỏ phiếu vào thứ Hai.")
    assert memory.recall(KEY) == "Hội đồng đã bỏ phiếu vào thứ Hai."
    assert (
        memory.recall(replace(KEY)) == "Hội đồng đã bỏ phiếu vào thứ Hai."
    )  # an equal key, not the same object
    for changed in [
        replace(KEY, signature=SIG.replace("prompt:p2", "prompt:p3")),
        replace(KEY, signature=""),
        replace(KEY, context="ctx-ffffffffffff"),
        replace(KEY, context=""),
        replace(KEY, source_lang="fr"),
        replace(KEY, target_lang="fr"),
        replace(KEY, text="The council voted on Tuesday."),
        replace(KEY, text="The council voted on Monday. "),
        replace(KEY, text="the council voted on Monday."),
    ]:
        assert memory.recall(changed) is None, changed


def test_a_machine_entry_without_a_signature_is_not_reused_by_a_signed_engine(
    memory: TranslationMemory,
) -> None:
    memory.remember(replace(KEY, signature=""), "unsigned machine output")
    memory.remember(replace(KEY, context="", signature=""), "unsigned, no context")
    assert memory.recall(KEY) is None
    assert memory.recall(replace(KEY, signature="")) == "unsigned machine output"


def test_remembering_again_replaces_the_machine_entry(memory: TranslationMemory, store: Store) -> None:
    memory.remember(KEY, "first")
    memory.remember(KEY, "second")
    assert memory.recall(KEY) == "second"
    assert [(r.origin, r.approved) for r in _rows(store)] == [("machine", False)]
    assert memory.stats().by_origin == {"machine": 1} and memory.stats().entries == 1


def test_editor_corrections_win_under_any_signature_but_only_in_their_context(
    memory: TranslationMemory,
) -> None:
    memory.remember(KEY, "machine")
    memory.correct(KEY, "editor")
    assert memory.recall(KEY) == "editor"
    assert memory.recall(replace(KEY, signature="engine:openai|model:other|prompt:p9")) == "editor"
    assert memory.recall(replace(KEY, signature="")) == "editor"
    assert memory.recall(replace(KEY, context="ctx-ffffffffffff")) is None
    assert memory.recall(replace(KEY, target_lang="fr")) is None
    assert memory.recall(replace(KEY, text="The council voted on Tuesday.")) is None
    memory.correct(replace(KEY, signature="whatever"), "editor, again")  # one editor entry per segment
    assert memory.recall(KEY) == "editor, again"
    assert memory.stats().by_origin == {"editor": 1, "machine": 1}


def test_recall_counts_uses_of_the_entry_it_returns(memory: TranslationMemory, store: Store) -> None:
    memory.remember(KEY, "machine")
    memory.correct(KEY, "editor")
    for _ in range(3):
        memory.recall(KEY)
    uses = {r.origin: r.uses for r in _rows(store)}
    assert uses == {"machine": 0, "editor": 3}


def test_imported_entries_rank_between_editor_and_machine(memory: TranslationMemory) -> None:
    tmx = _tmx([("en", "vi", KEY.text, "imported", None)])
    assert memory.import_tmx(tmx) == 1
    other_context = replace(KEY, context="ctx-ffffffffffff", signature="x")
    assert memory.recall(other_context) == "imported"  # no context in the file: it matches anywhere
    memory.remember(KEY, "machine")
    assert memory.recall(KEY) == "imported"
    memory.correct(KEY, "editor")
    assert memory.recall(KEY) == "editor"
    assert memory.recall(other_context) == "imported"


def test_an_entry_in_its_own_context_beats_one_from_anywhere(memory: TranslationMemory) -> None:
    tmx = _tmx([("en", "vi", KEY.text, "anywhere", None), ("en", "vi", KEY.text, "in context", KEY.context)])
    assert memory.import_tmx(tmx) == 2
    assert memory.recall(KEY) == "in context"
    assert memory.recall(replace(KEY, context="ctx-ffffffffffff")) == "anywhere"
    memory.correct(replace(KEY, context=""), "editor, anywhere")
    memory.correct(KEY, "editor, in context")
    assert memory.recall(KEY) == "editor, in context"


def _tmx(units: list[tuple[str, str, str, str, str | None]], srclang: str = "en") -> bytes:
    """A hand-written TMX file (as another tool would write it): (src, tgt, source, target, context)."""
    from xml.sax.saxutils import escape

    body = []
    for src, tgt, source, target, context in units:
        prop = f'<prop type="x-editions-context">{context}</prop>' if context is not None else ""
        body.append(
            f'<tu srclang="{src}">{prop}<tuv xml:lang="{src}"><seg>{escape(source)}</seg></tuv>'
            f'<tuv xml:lang="{tgt}"><seg>{escape(target)}</seg></tuv></tu>'
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header creationtool="t" '
        f'creationtoolversion="1" segtype="sentence" o-tmf="t" adminlang="en" srclang="{srclang}" '
        f'datatype="PlainText"/><body>{"".join(body)}</body></tmx>'
    ).encode()


# --- TMX -----------------------------------------------------------------------------------------


def test_tmx_round_trip_keeps_editor_entries_and_skips_machine_ones(
    memory: TranslationMemory, tmp_path: Path
) -> None:
    memory.correct(KEY, "Hội đồng đã biểu quyết hôm thứ Hai.")
    memory.correct(MemoryKey("en", "fr", "Storm closes port", ""), "La tempête ferme le port")
    memory.correct(MemoryKey("fr", "en", "Bonjour le monde", "ctx-fr"), "Hello world")
    memory.remember(MemoryKey("en", "fr", "Machine only", "", SIG), "Machine seulement")
    data = memory.export_tmx()
    assert b"Machine seulement" in data  # a full export has them, marked as machine output
    assert b"Machine seulement" not in memory.export_tmx(approved_only=True)

    fresh_store = Store(f"sqlite:///{tmp_path / 'fresh.db'}")
    try:
        fresh = TranslationMemory(fresh_store)
        assert fresh.import_tmx(data) == 3
        rows = _rows(fresh_store)
        assert {(r.origin, r.approved) for r in rows} == {("import", True)}
        assert {(r.source_lang, r.target_lang, r.source_text, r.target_text, r.context) for r in rows} == {
            ("en", "vi", KEY.text, "Hội đồng đã biểu quyết hôm thứ Hai.", KEY.context),
            ("en", "fr", "Storm closes port", "La tempête ferme le port", ""),
            ("fr", "en", "Bonjour le monde", "Hello world", "ctx-fr"),  # not turned around
        }
        assert fresh.recall(replace(KEY, signature="any model")) == "Hội đồng đã biểu quyết hôm thứ Hai."
        assert fresh.recall(replace(KEY, context="ctx-ffffffffffff")) is None  # its context came along
        assert fresh.recall(MemoryKey("en", "fr", "Machine only", "", SIG)) is None
        assert fresh.import_tmx(data) == 3  # importing again updates, it does not duplicate
        assert len(_rows(fresh_store)) == 3
    finally:
        fresh_store.close()


SPECIAL_TEXTS = [
    (
        "Read <a1>the notice</a1> and <em2>act</em2> <b3>now</b3>.",
        "Lisez <a1>l'avis</a1> et <em2>agissez</em2>.",
    ),
    (
        'AT&T said "5 < 6" & 7 > 3; it\'s <not a tag> &amp; ]]>',
        "AT&T a dit « 5 < 6 » & 7 > 3 ; &lt;déjà&gt; ]]>",
    ),
    ("Vietnamese news", "Hội đồng thành phố Hà Nội đã bỏ phiếu; Tiếng Việt có dấu: ạ ặ ẫ ỵ ữ"),
    ("Vietnamese, decomposed", unicodedata.normalize("NFD", "Tiếng Việt, không chuẩn hoá")),
    ("Emoji 🚀 and 👩🏽‍💻 and flags 🇻🇳", "Biểu tượng 🚀 và 👩🏽‍💻 và cờ 🇻🇳"),
    ("Non-breaking\u00a0space, zero\u200bwidth and  two spaces", "Espace\u00a0insécable\u200b et  deux"),
]


@pytest.mark.parametrize(("source", "target"), SPECIAL_TEXTS)
def test_tmx_round_trips_text_byte_exact(memory: TranslationMemory, source: str, target: str) -> None:
    key = MemoryKey("en", "vi", source, "ctx-special")
    memory.correct(key, target)
    data = memory.export_tmx(approved_only=True)
    with memory.store.session() as session:
        for row in session.scalars(select(MemoryRow)):
            session.delete(row)
    assert memory.import_tmx(data) == 1
    [row] = _rows(memory.store)
    assert row.source_text.encode() == source.encode()
    assert row.target_text.encode() == target.encode()
    assert memory.recall(replace(key, signature=SIG)) == target


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"  \n\t ",
        b"garbage, not XML",
        b"<tmx><body><tu>",
        b"<html><body>a web page</body></html>",
        b"\x00\xff\xfe\x01binary",
        "<tmx>caf\xe9</tmx>".encode("latin-1"),
    ],
    ids=["empty", "blank", "text", "truncated", "not-tmx", "binary", "bad-encoding"],
)
def test_importing_garbage_is_a_tmx_error(memory: TranslationMemory, data: bytes) -> None:
    with pytest.raises(TmxError) as err:
        memory.import_tmx(data)
    assert isinstance(err.value, InputError)
    message = str(err.value)
    assert message and "\n" not in message and len(message) < 250
    assert "TMX" in message
    assert memory.stats().entries == 0


def test_a_pretty_printed_tmx_from_another_tool_imports(memory: TranslationMemory) -> None:
    data = b"""<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4">
  <header creationtool="other" creationtoolversion="1" segtype="sentence" o-tmf="x" adminlang="en-US"
          srclang="en-US" datatype="plaintext"/>
  <body>
    <tu>
      <tuv xml:lang="en-US">
        <seg>The port is closed.</seg>
      </tuv>
      <tuv lang="fr-FR"><seg>Le port est ferm\xc3\xa9.</seg></tuv>
    </tu>
  </body>
</tmx>"""
    assert memory.import_tmx(data) == 1
    [row] = _rows(memory.store)
    assert (row.source_lang, row.target_lang, row.source_text, row.target_text, row.context) == (
        "en",
        "fr",
        "The port is closed.",
        "Le port est ferm\u00e9.",
        "",
    )
    assert (
        memory.recall(MemoryKey("en", "fr", "The port is closed.", "ctx-any", SIG))
        == "Le port est ferm\u00e9."
    )


WHITESPACE_TEXTS = [
    ("  Leading spaces", "  Espaces devant"),
    ("Trailing spaces   ", "Espaces derrière   "),
    ("Inner   runs\tof  spaces", "Suites   intérieures\td'espaces"),
    ("\nA line break first and last\n", "\nUn saut de ligne avant et après\n"),
    ("Two\n\nparagraphs\r\nin one", "Deux\n\nparagraphes\r\nen un"),
]


@pytest.mark.parametrize(("source", "target"), WHITESPACE_TEXTS)
def test_tmx_import_keeps_the_whitespace_inside_segments(
    memory: TranslationMemory, source: str, target: str
) -> None:
    # a file from another tool (our _tmx), and our own export read back
    assert memory.import_tmx(_tmx([("en", "fr", source, target, "ctx-ws")])) == 1
    [row] = _rows(memory.store)
    assert (row.source_text, row.target_text) == (source.replace("\r\n", "\n"), target.replace("\r\n", "\n"))
    again = memory.export_tmx(approved_only=True)
    with memory.store.session() as session:
        for stale in session.scalars(select(MemoryRow)):
            session.delete(stale)
    assert memory.import_tmx(again) == 1
    [back] = _rows(memory.store)
    assert (back.source_text, back.target_text) == (row.source_text, row.target_text)


def test_a_whitespace_only_segment_is_not_an_entry(memory: TranslationMemory) -> None:
    assert memory.import_tmx(_tmx([("en", "fr", "   ", "x", None), ("en", "fr", "Hello", " \n ", None)])) == 0
    assert memory.stats().entries == 0


def test_the_approved_export_is_tmx_1_4b_with_approved_segments_only(memory: TranslationMemory) -> None:
    from lxml import etree

    memory.correct(MemoryKey("en", "fr", "Storm closes port", "ctx-a"), "La tempête ferme le port")
    memory.translated(MemoryKey("en", "vi", "The vote was close.", "ctx-b"), "Cuộc bỏ phiếu rất sát sao.")
    memory.remember(MemoryKey("en", "fr", "Machine only", "", SIG), "Machine seulement")
    root = etree.fromstring(memory.export_tmx(approved_only=True))
    assert (root.tag, root.get("version")) == ("tmx", "1.4")
    header = root.find("header")
    assert header is not None
    # the attributes TMX 1.4b requires on <header>
    for attribute in (
        "creationtool",
        "creationtoolversion",
        "segtype",
        "o-tmf",
        "adminlang",
        "srclang",
        "datatype",
    ):
        assert header.get(attribute), attribute
    assert header.get("segtype") in ("block", "paragraph", "sentence", "phrase")
    units = root.findall("body/tu")
    pairs = set()
    for tu in units:
        assert [child.tag for child in tu][-2:] == ["tuv", "tuv"]
        props = {p.get("type"): p.text for p in tu.findall("prop")}
        assert props["x-editions-origin"] in ("editor", "translator")
        langs = [tuv.get("{http://www.w3.org/XML/1998/namespace}lang") for tuv in tu.findall("tuv")]
        segs = [tuv.find("seg").text for tuv in tu.findall("tuv")]  # type: ignore[union-attr]
        pairs.add((*langs, *segs))
    assert pairs == {
        ("en", "fr", "Storm closes port", "La tempête ferme le port"),
        ("en", "vi", "The vote was close.", "Cuộc bỏ phiếu rất sát sao."),
    }
    assert b"Machine seulement" in memory.export_tmx()  # the full export still has it


def test_a_translator_entry_ranks_after_an_editor_and_before_an_import(memory: TranslationMemory) -> None:
    key = MemoryKey("en", "fr", "The vote was close.", "ctx-c")
    memory.import_tmx(_tmx([("en", "fr", key.text, "importé", "ctx-c")]))
    assert memory.recall(replace(key, signature=SIG)) == "importé"
    memory.translated(key, "traduit")
    assert memory.recall(replace(key, signature=SIG)) == "traduit"
    memory.correct(key, "corrigé")
    assert memory.recall(replace(key, signature=SIG)) == "corrigé"
    assert memory.stats().by_origin == {"import": 1, "translator": 1, "editor": 1}


def test_units_without_the_source_language_are_skipped(memory: TranslationMemory) -> None:
    data = _tmx([("en", "fr", "Hello", "Bonjour", None)]).replace(b'xml:lang="en"', b'xml:lang="de"')
    assert memory.import_tmx(data) == 0
    assert memory.import_tmx(_tmx([("en", "fr", "Hello", "", None)])) == 0  # no translation
    assert memory.stats().entries == 0


# --- the pipeline's memory path ----------------------------------------------------------------------


def _article(**texts: str) -> Article:
    blocks = {
        "b1": "The council met on Monday.",
        "b2": "It voted on the budget.",
        "b3": "The vote was close.",
    }
    blocks |= {"b4": " ", "b5": "A second vote is due in May."}
    blocks |= texts
    return Article(
        headline="Council passes budget",
        source_lang="en",
        blocks=[Block(id=k, text=v) for k, v in blocks.items()],
    )


def _pipeline(store: Store, engine: Any) -> Pipeline:
    # no retries: every miss is exactly one engine call
    return Pipeline(engine, memory=TranslationMemory(store), retries=0)


def test_the_second_translation_of_an_article_comes_from_memory(store: Store, fake_engine: Any) -> None:
    article = _article()
    non_empty = [s for s in segments(article) if s.text.strip()]
    assert len(non_empty) == 5  # headline, b1, b2, b3, b5 (b4 is blank)

    first_engine = fake_engine(tokens=1)
    first = _pipeline(store, first_engine).translate_one(article, "fr", "en")
    assert first.timings.engine_calls == 5 and first.timings.memory_hits == 0
    assert len(first_engine.requests) == 5

    engine = fake_engine(tokens=1)
    second = _pipeline(store, engine).translate_one(article, "fr", "en")
    assert engine.requests == []
    assert second.timings.engine_calls == 0 and second.timings.memory_hits == len(non_empty)
    assert [b.text for b in second.blocks] == [b.text for b in first.blocks]
    assert second.headline == "COUNCIL PASSES BUDGET"
    assert all("from the translation memory" in b.notes for b in second.blocks if b.text.strip())

    # the contexts the pipeline stored are the ones segment_contexts() computes
    contexts = segment_contexts(article)
    stored = {r.source_text: r.context for r in _rows(store)}
    assert stored == {s.text: contexts[s.id] for s in non_empty}
    assert contexts["headline"] == "" and contexts["b5"] == contexts["b4"]  # a blank block is no context

    # another language is a different key
    other = fake_engine(tokens=1)
    assert _pipeline(store, other).translate_one(article, "vi", "en").timings.memory_hits == 0
    assert len(other.requests) == 5


@pytest.mark.parametrize(
    ("changed", "missed"),
    [("b2", ["b2", "b3"]), ("b3", ["b3", "b5"]), ("b5", ["b5"])],  # b4 is blank: b5 follows b3
)
def test_changing_one_paragraph_misses_it_and_the_segment_after_it(
    store: Store, changed: str, missed: list[str], fake_engine: Any
) -> None:
    article = _article()
    _pipeline(store, fake_engine(tokens=1)).translate_one(article, "fr", "en")

    edited = _article(**{changed: "This sentence was rewritten by the desk."})
    engine = fake_engine(tokens=1)
    edition = _pipeline(store, engine).translate_one(edited, "fr", "en")
    texts = {b.id: b.text for b in edited.blocks}
    assert [r.text for r in engine.requests] == [texts[m] for m in missed]
    assert edition.timings.engine_calls == len(missed)
    assert edition.timings.memory_hits == 5 - len(missed)


def test_a_new_prompt_version_never_reuses_machine_output_but_editor_corrections_apply(
    store: Store, fake_engine: Any
) -> None:
    article = _article()
    _pipeline(store, fake_engine(prompt_version="t1", tokens=1)).translate_one(article, "fr", "en")
    contexts = segment_contexts(article)
    TranslationMemory(store).correct(MemoryKey("en", "fr", article.blocks[0].text, contexts["b1"]), "Édité.")

    engine = fake_engine(prompt_version="t2", tokens=1)
    edition = _pipeline(store, engine).translate_one(article, "fr", "en")
    assert edition.timings.memory_hits == 1 and edition.timings.engine_calls == 4
    assert article.blocks[0].text not in [r.text for r in engine.requests]
    assert edition.blocks[0].text == "Édité."


def test_an_editor_correction_is_used_by_the_pipeline_in_its_context_only(
    store: Store, fake_engine: Any
) -> None:
    article = _article()
    contexts = segment_contexts(article)
    TranslationMemory(store).correct(
        MemoryKey("en", "fr", article.blocks[1].text, contexts["b2"]), "Corrigé."
    )
    moved = _article(b1="A different first paragraph.")  # b2's text is unchanged, its context is not
    engine = fake_engine(tokens=1)
    edition = _pipeline(store, engine).translate_one(moved, "fr", "en")
    assert edition.blocks[1].text == "IT VOTED ON THE BUDGET."
    assert edition.timings.memory_hits == 0
    # the original article: b2 (editor) and the machine entries of `moved` whose context is the same
    # (headline, b3, b5) are hits; only b1 goes to the engine
    engine = fake_engine(tokens=1)
    edition = _pipeline(store, engine).translate_one(article, "fr", "en")
    assert edition.blocks[1].text == "Corrigé."
    assert [r.text for r in engine.requests] == [article.blocks[0].text]
    assert edition.timings.memory_hits == 4 and edition.timings.engine_calls == 1
