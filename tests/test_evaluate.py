"""`editions eval`: reading a test set, grouping it into articles, the baseline, the report, resuming.

The fast tests use `FakeEngine` (tests/conftest.py) answering from a dictionary, so that what the
evaluation does around the engine (grouping, filtering, caching, counting) is pinned down exactly; the
`model` test runs the real default model on three FLORES sentences through the command line.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from editions.cli import main
from editions.engines.base import Engine
from editions.errors import InputError, UsageError
from editions.evaluate import EvalFiles, EvalSet, cache_path, count_facts, evaluate, load_test_set

# Our own sentences: (docid, origlang, English, French).
LINES = [
    ("council", "en", "The council met on Tuesday.", "Le conseil s'est réuni mardi."),
    ("council", "en", "It approved 12 new bus lines.", "Il a approuvé 12 nouvelles lignes de bus."),
    ("council", "fr", "Work starts next year.", "Les travaux commencent l'an prochain."),
    ("bakery", "en", "A bakery opened in the old station.", "Une boulangerie a ouvert dans l'ancienne gare."),
    ("bakery", "en", "It sells 300 loaves a day.", "Elle vend 300 pains par jour."),
    ("mayor", "fr", "The mayor bought two croissants.", "Le maire a acheté deux croissants."),
]
TABLE = {en: fr for _, _, en, fr in LINES}
CHAT_TAIL = "\n\n(Translated from English.)"  # what a chatty model adds after the translation
REPORT_KEYS = {
    "chrf", "bleu", "fact_rate", "signature", "n_sentences", "src", "ref", "to", "qa_findings", "examples",
    "retries", "engine_calls", "engine_s", "wall_s",
}  # fmt: skip


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    columns = {"docid": 0, "origlang": 1, "en": 2, "fr": 3}
    paths = {}
    for name, column in columns.items():
        paths[name] = tmp_path / f"test.{name}"
        paths[name].write_text("".join(line[column] + "\n" for line in LINES), encoding="utf-8")
    return paths


def _evaluate(
    files: dict[str, Path], engine: Engine, out: Path | None = None, test_set: EvalSet | None = None
) -> dict[str, object]:
    test_set = test_set or load_test_set(files["en"], files["fr"], docid=files["docid"])
    return evaluate(
        engine,
        test_set,
        EvalFiles(src=files["en"], ref=files["fr"], docid=files["docid"]),
        source_lang="en",
        target_lang="fr",
        baseline="raw",
        out=out,
        command="editions eval …",
    )


def test_consecutive_lines_with_one_docid_are_one_article(files: dict[str, Path], fake_engine: Any) -> None:
    test_set = load_test_set(files["en"], files["fr"], docid=files["docid"])
    assert test_set.documents() == [[0, 1, 2], [3, 4], [5]]
    engine = fake_engine(TABLE, tokens=5, chat_tail=CHAT_TAIL)
    report = _evaluate(files, engine)
    firsts = [r for r in engine.requests if r.feedback is None]
    # each sentence sees the sentences of its own article before it, and no other
    seen = [[source for source, _ in r.context if source] for r in firsts]
    assert seen == [[], [LINES[0][2]], [LINES[0][2], LINES[1][2]], [], [LINES[3][2]], []]
    assert (LINES[1][2], LINES[1][3]) in firsts[2].context
    assert all(r.kind == "paragraph" for r in engine.requests)  # no headline call
    assert report["n_docs"] == 3 and report["n_sentences"] == 6


def test_without_docids_each_line_is_its_own_article(files: dict[str, Path]) -> None:
    test_set = load_test_set(files["en"], files["fr"])
    assert test_set.documents() == [[i] for i in range(len(LINES))]


def test_origlang_filter_comes_before_the_limit(files: dict[str, Path]) -> None:
    kept = load_test_set(files["en"], files["fr"], origlang=files["origlang"], origlang_keep="en", limit=3)
    assert kept.sources == [LINES[i][2] for i in (0, 1, 3)]
    assert kept.references == [LINES[i][3] for i in (0, 1, 3)]
    assert load_test_set(files["en"], files["fr"], limit=2).sources == [LINES[0][2], LINES[1][2]]


def test_report_has_both_systems_and_scores_a_perfect_table(
    files: dict[str, Path], tmp_path: Path, fake_engine: Any
) -> None:
    out = tmp_path / "results" / "eval_fr.json"
    engine = fake_engine(TABLE, tokens=5, chat_tail=CHAT_TAIL)
    _evaluate(files, engine, out)
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report.keys() >= REPORT_KEYS and report["baseline"].keys() >= REPORT_KEYS
    assert {"chrf", "bleu", "engine"} <= report["signature"].keys()
    assert report["signature"]["chrf"].startswith("nrefs:1|") and "nw:2" in report["signature"]["chrf"]
    assert report["signature"]["engine"].startswith("engine:fake|model:fake")
    assert report["baseline"]["signature"]["engine"] != report["signature"]["engine"]  # its own prompt
    baseline = report["baseline"]
    # the chatty tail is cut: the first line of the reply is the translation
    assert [e["hyp"] for e in baseline["examples"]] == [line[3] for line in LINES[:5]]
    assert baseline["chrf"] == 100.0 and baseline["bleu"] == 100.0
    assert baseline["fact_rate"] == 1.0 and baseline["qa_findings"] == 0
    assert baseline["engine_calls"] == 6 == len(engine.chats)
    assert engine.chats[1][0]["content"] == (
        "Translate the following English text into French. Reply with the translation only.\n\n"
        "It approved 12 new bus lines."
    )
    assert 0 <= report["chrf"] <= 100 and report["engine_calls"] >= 6
    assert report["command"] == "editions eval …" and len(report["examples"]) == 5


def test_a_rerun_resumes_from_the_cache_without_calling_the_engine(
    files: dict[str, Path], tmp_path: Path, fake_engine: Any
) -> None:
    out = tmp_path / "eval.json"
    first = _evaluate(files, fake_engine(TABLE, tokens=5, chat_tail=CHAT_TAIL), out)
    again = fake_engine(TABLE, tokens=5, chat_tail=CHAT_TAIL)
    second = _evaluate(files, again, out)
    assert again.calls == 0
    for key in ("chrf", "bleu", "fact_rate", "engine_calls", "qa_findings"):
        assert second[key] == first[key]
    assert second["cached_docs"] == 3


def test_a_killed_run_loses_at_most_the_document_in_progress(
    files: dict[str, Path], tmp_path: Path, fake_engine: Any
) -> None:
    out = tmp_path / "eval.json"
    _evaluate(files, fake_engine(TABLE, tokens=5, chat_tail=CHAT_TAIL), out)
    cache = cache_path(out)
    records = cache.read_text(encoding="utf-8").splitlines()
    assert len(records) == 3 + 6  # pipeline per document, baseline per line
    # keep the first two documents, then a record cut off mid-write
    cache.write_text("\n".join(records[:2]) + "\n" + records[2][:25], encoding="utf-8")
    engine = fake_engine(TABLE, tokens=5, chat_tail=CHAT_TAIL)
    _evaluate(files, engine, out)
    assert [r.text for r in engine.requests if r.feedback is None] == [LINES[5][2]]
    assert len(engine.chats) == 6


def test_a_different_limit_reuses_the_documents_it_shares(
    files: dict[str, Path], tmp_path: Path, fake_engine: Any
) -> None:
    out = tmp_path / "eval.json"
    _evaluate(
        files,
        fake_engine(TABLE, tokens=5, chat_tail=CHAT_TAIL),
        out,
        load_test_set(files["en"], files["fr"], docid=files["docid"]),
    )
    engine = fake_engine(TABLE, tokens=5, chat_tail=CHAT_TAIL)
    _evaluate(files, engine, out, load_test_set(files["en"], files["fr"], docid=files["docid"], limit=4))
    # the first article is unchanged; the second is cut to one line, so its hash differs
    assert [r.text for r in engine.requests if r.feedback is None] == [LINES[3][2]]


def test_bad_inputs_are_input_errors(files: dict[str, Path], tmp_path: Path) -> None:
    short = tmp_path / "short.fr"
    short.write_text("Une ligne.\n", encoding="utf-8")
    with pytest.raises(InputError, match="reference file has 1 lines but the source has 6"):
        load_test_set(files["en"], short)
    with pytest.raises(InputError, match="not found"):
        load_test_set(tmp_path / "missing.en", files["fr"])
    empty = tmp_path / "empty.en"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(InputError, match="empty"):
        load_test_set(empty, files["fr"])
    with pytest.raises(InputError, match="origlang 'de'"):
        load_test_set(files["en"], files["fr"], origlang=files["origlang"], origlang_keep="de")
    with pytest.raises(UsageError):
        load_test_set(files["en"], files["fr"], origlang_keep="en")


def test_the_command_reports_a_line_count_mismatch_in_one_line(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    short = tmp_path / "short.fr"
    short.write_text("Une ligne.\n", encoding="utf-8")
    code = main(["eval", "--src", str(files["en"]), "--ref", str(short), "--to", "fr"])
    err = capsys.readouterr().err
    assert code == InputError.exit_code
    assert err == "editions: error: reference file has 1 lines but the source has 6\n"


FLORES = Path("/work/shared/data/flores200-dev")


@pytest.mark.model
def test_eval_command_on_three_flores_sentences(tmp_path: Path, default_model_path: Path) -> None:
    if not (FLORES / "flores_dev.eng_Latn").exists():
        pytest.skip(f"the FLORES-200 dev set is not at {FLORES} (shared evaluation data absent)")
    out = tmp_path / "eval_fr.json"
    editions = Path(sys.executable).with_name("editions")
    data = {"src": "flores_dev.eng_Latn", "ref": "flores_dev.fra_Latn", "docid": "flores_dev.docid"}
    args = [str(editions), "eval", "--to", "fr", "--limit", "3", "--baseline", "raw", "--out", str(out)]
    for flag, name in data.items():
        args += [f"--{flag}", str(FLORES / name)]
    done = subprocess.run(args, capture_output=True, text=True, timeout=600, check=False)
    print(done.stdout)
    print(done.stderr, file=sys.stderr)
    assert done.returncode == 0, done.stderr
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report.keys() >= REPORT_KEYS and report["baseline"].keys() >= REPORT_KEYS
    assert report["n_sentences"] == 3
    for system in (report, report["baseline"]):
        assert 0 <= system["chrf"] <= 100
        assert all(example["hyp"].strip() for example in system["examples"])
    assert report["command"].startswith("editions eval --src ")
    assert "chrF++" in done.stdout


def test_the_fact_rate_counts_weekdays_kept_and_lost() -> None:
    sources = ["The port reopened on Thursday after 3 days.", "Talks resume on Monday."]
    kept = ["Le port a rouvert jeudi après 3 jours.", "Les pourparlers reprennent lundi."]
    changed = ["Le port a rouvert mercredi après 3 jours.", "Les pourparlers reprennent aujourd'hui."]
    good, bad = count_facts(sources, kept, "en", "fr"), count_facts(sources, changed, "en", "fr")
    assert (good.weekdays_carried, good.weekdays_total) == (2, 2)
    assert (bad.weekdays_carried, bad.weekdays_total) == (0, 2)
    assert bad.numbers_carried == bad.numbers_total == 1
