"""Glossary files, matching English terms, and finding the required forms in translations."""

from __future__ import annotations

from pathlib import Path

import pytest

from editions.errors import GlossaryError, InputError
from editions.glossary import Glossary, GlossaryMatch, Term, target_present

CSV = """\ufeff# our newsroom's terms
source,fr,vi,note

UN,ONU|Nations unies,Liên Hợp Quốc,
UN Security Council,Conseil de sécurité de l'ONU|Conseil de sécurité,Hội đồng Bảo an,
  # an indented comment
rare-earth,terres rares,đất hiếm,"plural in French: ""terres rares"", not ""terre""."
Xi Jinping,Xi Jinping,Tập Cận Bình,
WTO,OMC,WTO|Tổ chức Thương mại Thế giới,
Beijing,Pékin,Bắc Kinh,
tariff,droits de douane,thuế quan,
Côte d'Ivoire,Côte d'Ivoire,Bờ Biển Ngà,
Kim Jong Un,Kim Jong-un,Kim Jong-un,
country,pays,,
"""

TBX_BASIC = """<?xml version="1.0" encoding="UTF-8"?>
<martif type="TBX-Basic" xml:lang="en-US">
  <text><body>
    <termEntry id="t1">
      <descrip type="definition">World Trade Organization</descrip>
      <langSet xml:lang="en-US"><tig><term>WTO</term></tig></langSet>
      <langSet xml:lang="fr">
        <tig><term>OMC</term></tig><tig><term>Organisation mondiale du commerce</term></tig>
      </langSet>
      <langSet xml:lang="vi"><tig><term>WTO</term></tig></langSet>
    </termEntry>
    <termEntry id="t2">
      <langSet xml:lang="en">
        <ntig><termGrp><term>Beijing</term></termGrp></ntig>
        <ntig><termGrp><term>Peking</term></termGrp></ntig>
      </langSet>
      <langSet xml:lang="fr">
        <ntig><termGrp><term>Pékin</term></termGrp></ntig>
        <ntig><termGrp><term>Beijing</term>
          <termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></termGrp></ntig>
      </langSet>
      <langSet xml:lang="sv"><tig><term>Peking</term></tig></langSet>
    </termEntry>
    <termEntry id="t3"><langSet xml:lang="fr"><tig><term>sans anglais</term></tig></langSet></termEntry>
  </body></text>
</martif>
"""

TBX_V3 = """<?xml version="1.0" encoding="UTF-8"?>
<tbx xmlns="urn:iso:std:iso:30042:ed-2" type="TBX-Basic" style="dca" xml:lang="en">
  <text><body>
    <conceptEntry id="c1">
      <langSec xml:lang="en"><termSec><term>ceasefire</term></termSec></langSec>
      <langSec xml:lang="fr"><termSec><term>cessez-le-feu</term></termSec></langSec>
      <langSec xml:lang="vi"><termSec><term>ngừng bắn</term></termSec></langSec>
    </conceptEntry>
  </body></text>
</tbx>
"""


@pytest.fixture
def glossary(tmp_path: Path) -> Glossary:
    path = tmp_path / "ours.csv"
    path.write_text(CSV, encoding="utf-8")
    return Glossary.load(path)


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- loading -------------------------------------------------------------------------------------


def test_csv_loads_with_bom_comments_blank_lines_and_alternatives(glossary: Glossary) -> None:
    assert len(glossary) == 10
    un = glossary.get("UN")
    assert un is not None
    assert un.targets == {"fr": ("ONU", "Nations unies"), "vi": ("Liên Hợp Quốc",)}
    assert un.case_sensitive and un.note is None
    rare = glossary.get("rare earth")  # one term whether written with a hyphen or a space
    assert rare is not None and rare.note == 'plural in French: "terres rares", not "terre".'
    country = glossary.get("country")
    assert country is not None and country.targets == {"fr": ("pays",)}


def test_csv_case_sensitive_column(tmp_path: Path) -> None:
    path = _write(tmp_path, "g.csv", "source,vi,case_sensitive\nXi,Tập,true\nFed,Fed,\nWHO,WHO,no\n")
    terms = {t.source: t for t in Glossary.load(path)}
    assert terms["Xi"].case_sensitive
    assert not terms["Fed"].case_sensitive
    assert terms["WHO"].case_sensitive  # acronyms always are


def test_tbx_basic_loads_tig_and_ntig(tmp_path: Path) -> None:
    terms = {t.source: t for t in Glossary.load(_write(tmp_path, "g.tbx", TBX_BASIC))}
    assert set(terms) == {"WTO", "Beijing", "Peking"}  # English synonyms become terms; no-English skipped
    assert terms["WTO"].targets == {"fr": ("OMC", "Organisation mondiale du commerce"), "vi": ("WTO",)}
    assert terms["WTO"].note == "World Trade Organization"
    assert terms["Beijing"].targets == {"fr": ("Pékin",)}  # the deprecated form and "sv" are left out
    assert terms["Peking"].targets == terms["Beijing"].targets


def test_tbx_v3_loads_concept_entries(tmp_path: Path) -> None:
    (term,) = Glossary.load(_write(tmp_path, "g.xml", TBX_V3))
    assert term.source == "ceasefire"
    assert term.targets == {"fr": ("cessez-le-feu",), "vi": ("ngừng bắn",)}


@pytest.mark.parametrize("entity", ['"SECRET"', 'SYSTEM "file://{secret}"'])
def test_tbx_entities_are_not_expanded(tmp_path: Path, entity: str) -> None:
    secret = _write(tmp_path, "secret.txt", "SECRET")
    tbx = TBX_V3.replace(
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<?xml version="1.0"?><!DOCTYPE tbx [<!ENTITY x {entity.format(secret=secret)}>]>',
    ).replace("<term>ceasefire</term>", "<term>ceasefire&x;</term>")
    (term,) = Glossary.load(_write(tmp_path, "g.tbx", tbx))
    assert term.source == "ceasefire"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.csv", None, "missing.csv: glossary file not found"),
        ("g.csv", "term,fr\nUN,ONU\n", "g.csv:1: the header has no 'source' column"),
        ("g.csv", "# comment\n\nsource,fr,klingon\nUN,ONU,x\n", "g.csv:3: unknown language column 'klingon'"),
        ("g.csv", "source,fr,fr\n", "g.csv:1: column 'fr' appears twice"),
        ("g.csv", "source,fr\nUN,ONU\nWTO,OMC,extra\n", "g.csv:3: 3 fields but the header has 2"),
        ("g.csv", "source,fr\n\n,ONU\n", "g.csv:3: empty source term"),
        ("g.csv", "source,fr,case_sensitive\nXi,Xi,maybe\n", "g.csv:2: case_sensitive must be true or false"),
        ("g.csv", "# nothing\n\n", "g.csv: empty glossary (no header row)"),
        ("g.tbx", "<martif><text><body><termEntry>\n<langSet>\n</body></martif>", "g.tbx:3: malformed XML"),
        ("g.tbx", "<glossary/>", "g.tbx:1: not a TBX file (root element <glossary>)"),
        ("g.tbx", "<martif>\n<termEntry><langSet><tig><term>x</term></tig></langSet></termEntry></martif>",
         "g.tbx:2: <langSet> without xml:lang"),
        ("g.txt", "source,fr\n", "g.txt: unknown glossary format '.txt'"),
    ],
)  # fmt: skip
def test_bad_files_raise_one_line_glossary_error(
    tmp_path: Path, name: str, content: str | None, message: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(GlossaryError) as info:
        Glossary.load(path)
    assert message in str(info.value)
    assert "\n" not in str(info.value)
    assert isinstance(info.value, InputError)


def test_non_utf8_csv_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "g.csv"
    path.write_bytes("source,fr\nBeijing,Pékin\n".encode("latin-1"))
    with pytest.raises(GlossaryError, match=r"g\.csv:2: not UTF-8 text"):
        Glossary.load(path)


# --- matching English ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Beijing said", ["Beijing"]),
        ("BEIJING (Reuters) - beijing", ["BEIJING", "beijing"]),  # case-insensitive
        ("new tariffs and a tariff", ["tariffs", "tariff"]),  # plural
        ("Beijing's response, Beijing’s reply", ["Beijing", "Beijing"]),  # possessive, either apostrophe
        ("rare earths, rare-earth magnets, rare\xa0earth", ["rare earths", "rare-earth", "rare\xa0earth"]),
        ("Kim Jong-un and Kim Jong Un", ["Kim Jong-un", "Kim Jong Un"]),  # hyphen or space
        ("Côte d’Ivoire and Cote d'Ivoire", ["Côte d’Ivoire", "Cote d'Ivoire"]),  # apostrophes, accents
        ("the UN said; the U.N. said", ["UN", "U.N."]),
        ("un-American, UNESCO, UNICEF, the un", []),  # acronyms are case-sensitive, whole words only
        ("the UN-backed plan", ["UN"]),
        ("at the UN Security Council", ["UN Security Council"]),  # the longest match wins
        ("Beijingers and prebeijing", []),  # not inside words
        ("the WTO's rules; the wto", ["WTO"]),
        ("the WTOs", ["WTOs"]),
        ("Xi Jinping", ["Xi Jinping"]),
        ("countries and a country", ["countries", "country"]),  # -y → -ies
    ],
)
def test_matches(glossary: Glossary, text: str, found: list[str]) -> None:
    assert [m.found for m in glossary.matches(text, "fr")] == found


def test_matches_carry_offsets_term_and_target_forms(glossary: Glossary) -> None:
    text = "Tariffs hit the UN Security Council's rare-earth deal."
    got = [(m.start, m.end, m.term.source, m.targets) for m in glossary.matches(text, "fr")]
    assert got == [
        (0, 7, "tariff", ("droits de douane",)),
        (16, 35, "UN Security Council", ("Conseil de sécurité de l'ONU", "Conseil de sécurité")),
        (38, 48, "rare-earth", ("terres rares",)),
    ]
    assert all(text[m.start : m.end] == m.found for m in glossary.matches(text, "fr"))


def test_only_terms_with_a_form_in_the_target_language(glossary: Glossary) -> None:
    assert [m.found for m in glossary.matches("one country", "fr")] == ["country"]
    assert glossary.matches("one country", "vi") == []
    assert glossary.matches("Beijing", "de") == []


def test_case_sensitive_surname_and_apostrophe_inside_a_name() -> None:
    glossary = Glossary([Term("Xi", {"vi": ("Tập",)}, case_sensitive=True)])
    found = [m.found for m in glossary.matches("Xi's visit to Xi'an; XI; xi; President Xi.", "vi")]
    assert found == ["Xi", "Xi"]


def test_british_style_acronyms() -> None:
    glossary = Glossary([Term("NATO", {"fr": ("OTAN",)})])
    found = [m.found for m in glossary.matches("NATO, Nato, N.A.T.O. and nato", "fr")]
    assert found == ["NATO", "Nato", "N.A.T.O."]


# --- the translation side ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "target", "lang", "present"),
    [
        ("Beijing", "Pékin a répondu.", "fr", True),
        ("Beijing", "Beijing a répondu.", "fr", False),
        ("Beijing", "PÉKIN A RÉPONDU", "fr", True),
        ("Beijing", "Pekin a répondu", "fr", False),  # accents count
        ("Beijing", "Bắc Kinh phản ứng", "vi", True),
        ("Beijing", "BẮC KINH phản ứng", "vi", True),  # case does not count in vi
        ("Beijing", "Bac Kinh phản ứng", "vi", False),  # tones do
        ("Beijing", "Bắc Kinhs", "vi", False),
        ("WTO", "les règles de l'OMC", "fr", True),  # elided article
        ("WTO", "les règles de l’OMC", "fr", True),
        ("WTO", "les règles de l'omc", "fr", False),  # acronyms keep their case
        ("WTO", "les règles de la WTO", "fr", False),
        ("WTO", "quy định của WTO", "vi", True),
        ("WTO", "quy định của Tổ chức Thương mại Thế giới", "vi", True),
        ("rare earths", "les terres rares", "fr", True),
        ("rare earth", "une terre rare", "fr", True),  # French singular/plural in -s
        ("rare earths", "les terres-rares", "fr", True),  # hyphen or space
        ("rare earths", "les métaux rares", "fr", False),
        ("rare earths", "đất hiếm", "vi", True),
        ("Xi Jinping", "Tập Cận Bình phát biểu", "vi", True),
        ("Xi Jinping", "Xi Jinping phát biểu", "vi", False),
        ("Xi Jinping", "Tâp Cân Binh phát biểu", "vi", False),
        ("Xi Jinping", "Xi Jinping a déclaré", "fr", True),
        ("UN Security Council", "le Conseil de sécurité de l'ONU", "fr", True),
        ("tariffs", "les droits de douane", "fr", True),
        ("tariffs", "les tarifs", "fr", False),
    ],
)
def test_target_present(glossary: Glossary, source: str, target: str, lang: str, present: bool) -> None:
    (match,) = glossary.matches(source, lang)
    assert target_present(match, target, lang) is present


def test_target_present_compares_in_nfc() -> None:
    match = GlossaryMatch(Term("Hanoi", {"vi": ("Hà Nội",)}), 0, 5, "Hanoi", ("Hà Nội",))
    decomposed = "Thủ đô Ha\u0300 Nô\u0323i"
    assert target_present(match, decomposed, "vi")


def test_check_and_hints(glossary: Glossary) -> None:
    source = "Beijing told the WTO that tariffs on rare earths would stay. Beijing insisted."
    target = "Beijing a dit à l'OMC que les droits de douane sur les métaux rares resteraient."
    assert [m.found for m in glossary.check(source, target, "fr")] == ["Beijing", "rare earths"]
    assert glossary.hints(source, "vi") == [
        ("Beijing", "Bắc Kinh"),
        ("WTO", "WTO"),
        ("tariffs", "thuế quan"),
        ("rare earths", "đất hiếm"),
    ]


# --- the starter glossary, merging, versions ------------------------------------------------------


def test_starter_glossary_covers_fr_and_vi() -> None:
    starter = Glossary.starter()
    assert len(starter) >= 80
    assert all(t.targets.get("fr") and t.targets.get("vi") for t in starter)


@pytest.mark.parametrize(
    ("text", "lang", "hints"),
    [
        ("President Xi met Xi Jinping's aides", "vi", [("Xi", "Tập"), ("Xi Jinping", "Tập Cận Bình")]),
        ("Vladimir Putin in Moscow", "fr", [("Vladimir Putin", "Vladimir Poutine"), ("Moscow", "Moscou")]),
        ("the UN Security Council and the UN", "fr",
         [("UN Security Council", "Conseil de sécurité de l'ONU"), ("UN", "ONU")]),
        ("the Fed was fed up with US tariffs", "fr",
         [("Fed", "Fed"), ("US", "États-Unis"), ("tariffs", "droits de douane")]),
        ("WHO says who is sick", "vi", [("WHO", "WHO")]),
        ("Ho Chi Minh City", "vi", [("Ho Chi Minh City", "Thành phố Hồ Chí Minh")]),
    ],
)  # fmt: skip
def test_starter_hints(text: str, lang: str, hints: list[tuple[str, str]]) -> None:
    assert Glossary.starter().hints(text, lang) == hints


def test_users_glossary_overrides_ours_per_term_and_language(tmp_path: Path) -> None:
    user = Glossary.load(_write(tmp_path, "user.csv", "source,fr\nbeijing,Beijing\nBrexit,Brexit\n"))
    merged = Glossary.starter().merged(user)
    beijing = merged.get("Beijing")
    assert beijing is not None
    assert beijing.targets["fr"] == ("Beijing",)  # theirs
    assert beijing.targets["vi"] == ("Bắc Kinh",)  # ours, where they say nothing
    assert merged.get("Brexit") is not None
    assert len(merged) == len(Glossary.starter()) + 1
    (match,) = merged.matches("Beijing", "fr")
    assert target_present(match, "Beijing a dit", "fr")


def test_version_follows_content(glossary: Glossary) -> None:
    assert len(glossary.version) == 12
    assert glossary.version == Glossary(reversed(glossary.terms)).version
    changed = glossary.merged(Glossary([Term("Beijing", {"fr": ("Beijing",)})]))
    assert changed.version != glossary.version
    assert Glossary.starter().version != glossary.version
