"""The ctranslate2 engine on tiny random-weight models of each family (tests/engines/tiny_nmt.py): model
resolution, language codes per family, the token budget, sentence splitting and reassembly with
markup, errors for unsupported languages and devices. No weights are downloaded; no quality is tested.
"""

from __future__ import annotations

import time
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from tiny_nmt import build

from editions.document import Article, Block, Mark, Provenance, markup_problems, plain_text
from editions.engines import Engine, TranslationRequest, TranslationResult, create_engine, engine_options
from editions.engines.nmt import ALIASES, load_nmt_model, resolve_nmt_model
from editions.errors import ModelUnavailableError, UnknownLanguageError, UsageError
from editions.pipeline import Pipeline
from editions.sentences import split_sentences

pytest.importorskip("ctranslate2", reason="the ctranslate2 extra is part of `make install`")


@pytest.fixture(autouse=True)
def _data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EDITIONS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("EDITIONS_MODELS_DIR", raising=False)


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("nmt")
    families = ("nllb", "m2m100", "madlad", "marian", "marian-multi", "argos", "argos-file")
    return {family: build(root, family) for family in families}


def _engine(path: Path, **options: Any) -> Engine:
    return create_engine(engine_options("ctranslate2", model=str(path), **options))


def _request(text: str, target: str = "fr", **kw: Any) -> TranslationRequest:
    return TranslationRequest(text=text, source_lang="en", target_lang=target, **kw)


@pytest.mark.parametrize(
    ("family", "expected", "pair"),
    [
        ("nllb", "nllb", None),
        ("m2m100", "m2m100", None),
        ("madlad", "madlad", None),
        ("marian", "marian", ("en", "fr")),
        ("marian-multi", "marian", None),
        ("argos", "argos", ("en", "fr")),
        ("argos-file", "argos", ("en", "fr")),
    ],
)
def test_each_family_is_recognised_from_its_files(
    models: dict[str, Path], family: str, expected: str, pair: tuple[str, str] | None
) -> None:
    model = resolve_nmt_model(str(models[family]))
    assert model.family == expected and model.pair == pair
    with _engine(models[family]) as engine:
        results = engine.translate_batch([_request("The council approved the budget.")])
        assert len(results) == 1 and results[0].text.strip()
        assert results[0].prompt_tokens > 0 and results[0].generated_tokens > 0
        assert engine.sentence_level and engine.provenance.engine == "ctranslate2"
        assert f"family:{expected}" in engine.provenance.signature()


def test_language_codes_per_family(models: dict[str, Path]) -> None:
    nllb = resolve_nmt_model(str(models["nllb"]))
    assert nllb.source_tokens(["▁a"], "en", "vi") == ["eng_Latn", "▁a", "</s>"]
    assert nllb.target_prefix("vi") == ["vie_Latn"]
    m2m = resolve_nmt_model(str(models["m2m100"]))
    assert m2m.source_tokens(["▁a"], "en", "fr") == ["__en__", "▁a", "</s>"]
    assert m2m.target_prefix("fr") == ["__fr__"]
    madlad = resolve_nmt_model(str(models["madlad"]))
    assert madlad.source_text("Hello.", "vi") == "<2vi> Hello." and madlad.target_prefix("vi") is None
    multi = resolve_nmt_model(str(models["marian-multi"]))
    assert multi.source_tokens(["▁a"], "en", "vi") == [">>vie<<", "▁a", "</s>"]
    marian = resolve_nmt_model(str(models["marian"]))
    assert marian.source_tokens(["▁a"], "en", "fr") == ["▁a", "</s>"] and marian.target_prefix("fr") is None


@pytest.mark.parametrize("family", ["nllb", "m2m100"])
def test_the_target_code_reaches_the_decoder_and_is_dropped_from_the_text(
    models: dict[str, Path], family: str
) -> None:
    code = {"nllb": "vie_Latn", "m2m100": "__vi__"}[family]
    with _engine(models[family]) as engine:
        result = engine.translate_batch([_request("Prices rose by 2.5 per cent.", "vi")])[0]
    assert result.raw.split()[0] == code  # the forced prefix, as CTranslate2 decoded it
    assert code not in result.text


def test_madlad_reads_its_target_token_as_one_piece(models: dict[str, Path]) -> None:
    import sentencepiece as spm

    model = resolve_nmt_model(str(models["madlad"]))
    processor = spm.SentencePieceProcessor(model_file=str(model.source_spm))
    pieces = processor.encode(model.source_text("The minister said.", "fr"), out_type=str)
    assert "<2fr>" in pieces and model.source_tokens(pieces, "en", "fr")[-1] == "</s>"


def test_unsupported_languages_are_clear_errors(models: dict[str, Path]) -> None:
    with _engine(models["nllb"]) as engine, pytest.raises(UnknownLanguageError, match="kor_Hang"):
        engine.translate_batch([_request("Hello.", "ko")])
    with _engine(models["marian"]) as engine, pytest.raises(UnknownLanguageError, match="en→fr only"):
        engine.translate_batch([_request("Hello.", "vi")])
    with _engine(models["argos"]) as engine, pytest.raises(UnknownLanguageError, match="not en→de"):
        engine.translate_batch([_request("Hello.", "de")])
    with _engine(models["marian-multi"]) as engine, pytest.raises(UnknownLanguageError, match=">>deu<<"):
        engine.translate_batch([_request("Hello.", "de")])


def test_compute_types_and_devices(models: dict[str, Path]) -> None:
    with _engine(models["nllb"]) as engine:
        assert engine.compute_type == "int8" and engine.device == "cpu"  # type: ignore[attr-defined]
    with _engine(models["nllb"], compute_type="float32") as engine:
        assert "compute:float32" in engine.provenance.signature()
    import ctranslate2

    if "float16" not in ctranslate2.get_supported_compute_types("cpu"):
        with pytest.raises(UsageError, match="float16 is not supported on cpu"):
            _engine(models["nllb"], compute_type="float16", device="cpu")
    if ctranslate2.get_cuda_device_count() == 0:
        with pytest.raises(UsageError, match="no CUDA device"):
            _engine(models["nllb"], device="cuda")


def test_sentences_are_batched_under_the_token_budget(models: dict[str, Path]) -> None:
    texts = [("The city council approved the budget on Tuesday. " * (1 + i % 4)).strip() for i in range(12)]
    with _engine(models["nllb"], max_batch_tokens=96) as engine:
        results = engine.translate_batch([_request(t) for t in texts])
        batches = engine.last_batches  # type: ignore[attr-defined]
    assert len(results) == 12 and all(r.text for r in results)
    assert sorted(n for batch in batches for n in batch) == sorted(r.prompt_tokens for r in results)
    assert len(batches) > 1
    for batch in batches:  # padded size within the budget, unless one sentence alone exceeds it
        assert max(batch) * len(batch) <= 96 or len(batch) == 1


def test_a_retry_and_a_sample_decode_differently(models: dict[str, Path]) -> None:
    with _engine(models["nllb"], beam_size=1) as engine:
        text = "Prices rose by 2.5 per cent in March, the statistics office said."
        greedy, again = engine.translate_batch([_request(text), _request(text)])
        sampled = [engine.translate_batch([_request(text, sample=n)])[0].text for n in (1, 2, 3)]
    assert greedy.text == again.text  # deterministic
    assert len({greedy.text, *sampled}) > 1


class _Counting(Engine):
    """The real engine, with each `translate_batch` call recorded."""

    name = "counting"

    def __init__(self, engine: Engine) -> None:
        super().__init__(engine.options)
        self.engine = engine
        self.calls: list[list[str]] = []

    @property
    def sentence_level(self) -> bool:
        return self.engine.sentence_level

    def translate_batch(self, requests: Sequence[TranslationRequest]) -> list[TranslationResult]:
        self.calls.append([r.text for r in requests])
        return self.engine.translate_batch(requests)

    @property
    def provenance(self) -> Provenance:
        return self.engine.provenance


ARTICLE = Article(
    headline="Council approves budget",
    source_lang="en",
    blocks=[
        Block(
            id="b1",
            text="The city council approved the budget on Tuesday. It will cost <a1>3.9 million euros</a1>. "
            'Mr. Byrne said <em2>"it is fair."</em2>',
            marks={"a1": Mark(kind="link", href="https://example.org/budget"), "em2": Mark(kind="em")},
        ),
        Block(id="b2", text="Prices rose by 2.5 per cent in March. The port reopened."),
    ],
)


def test_the_pipeline_sends_the_articles_sentences_in_one_batch_and_keeps_the_markup(
    models: dict[str, Path],
) -> None:
    counting = _Counting(_engine(models["nllb"]))
    edition = Pipeline(counting, retries=1).translate_one(ARTICLE, "fr", "en")
    first = counting.calls[0]
    sentences = ["Council approves budget"] + [
        plain_text(p.text) for b in ARTICLE.blocks for p in split_sentences(b.text, "en")
    ]
    assert len(sentences) == 6  # headline, 3 + 2 sentences ("Mr." does not end one)
    assert first[: len(sentences)] == sentences
    assert set(first[len(sentences) :]) == {"3.9 million euros", '"it is fair."'}  # span words, same call
    assert len(counting.calls) <= 2  # at most one more: every retried block together
    assert edition.timings.engine_calls == sum(len(c) for c in counting.calls)
    b1 = edition.blocks[0]
    assert markup_problems(b1.text, b1.marks) == []
    assert b1.marks["a1"].href == "https://example.org/budget"
    assert "<a1>" not in edition.blocks[1].text and edition.blocks[1].text.strip()
    counting.engine.close()


def test_a_sentence_level_edition_comes_out_of_the_service_worker_too(models: dict[str, Path]) -> None:
    from editions.engines.isolated import create_supervised

    engine = create_supervised(engine_options("ctranslate2", model=str(models["m2m100"])))
    try:
        assert engine.sentence_level
        edition = Pipeline(engine, retries=0).translate_one(ARTICLE, "vi", "en")
        assert len(edition.blocks) == 2 and all(b.text for b in edition.blocks)
        assert edition.provenance.engine == "ctranslate2"
    finally:
        engine.close()


def test_model_resolution_errors_are_one_line(tmp_path: Path, models: dict[str, Path]) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ModelUnavailableError, match=r"no model\.bin"):
        resolve_nmt_model(str(empty))
    with pytest.raises(ModelUnavailableError, match="needs --model"):
        resolve_nmt_model(None)
    # a Marian model whose name does not say its pair
    odd = tmp_path / "my-model"
    for file in models["marian"].iterdir():
        odd.mkdir(exist_ok=True)
        (odd / file.name).write_bytes(file.read_bytes())
    with pytest.raises(ModelUnavailableError, match=r"editions-nmt\.json"):
        resolve_nmt_model(str(odd))
    (odd / "editions-nmt.json").write_text('{"source": "en", "target": "fr"}')
    assert resolve_nmt_model(str(odd)).pair == ("en", "fr")
    not_zip = tmp_path / "broken.argosmodel"
    not_zip.write_bytes(b"not a zip")
    with pytest.raises(ModelUnavailableError, match="not a zip"):
        resolve_nmt_model(str(not_zip))
    hostile = tmp_path / "hostile.argosmodel"
    with zipfile.ZipFile(hostile, "w") as zf:
        zf.writestr("../../escape.txt", "x")
    with pytest.raises(ModelUnavailableError, match="unsafe path"):
        resolve_nmt_model(str(hostile))
    assert not (tmp_path.parent / "escape.txt").exists()


def test_an_argos_file_is_unpacked_once(models: dict[str, Path], tmp_path: Path) -> None:
    first = resolve_nmt_model(str(models["argos-file"]))
    assert first.directory.is_relative_to(tmp_path / "data")
    marker = first.directory / "model.bin"
    stamp = marker.stat().st_mtime_ns
    second = resolve_nmt_model(str(models["argos-file"]))
    assert second.directory == first.directory and marker.stat().st_mtime_ns == stamp


@pytest.mark.parametrize("offline_env", ["1", ""])
def test_an_alias_fails_fast_and_clearly_offline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, offline_env: str
) -> None:
    # The hub cannot be reached here; with HF_HUB_OFFLINE unset, the conftest network guard refuses
    # the connection the way a closed network does (a mock of the unreachable hub, nothing more).
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.setenv("HF_HUB_OFFLINE", offline_env)
    assert "opus-mt-en-fr" in ALIASES and "nllb-600m" in ALIASES
    started = time.monotonic()
    with pytest.raises(ModelUnavailableError, match="model hub") as err:
        resolve_nmt_model("opus-mt-en-fr")
    assert time.monotonic() - started < 30
    assert "\n" not in str(err.value) and "offline" in str(err.value)


def test_a_pulled_model_is_found_in_the_data_directory(models: dict[str, Path], tmp_path: Path) -> None:
    # what `editions models pull` leaves behind, put there by hand (no network here)
    target = tmp_path / "data" / "models" / "ct2" / "gaudi--opus-mt-en-fr-ctranslate2"
    target.mkdir(parents=True)
    for file in models["marian"].iterdir():
        (target / file.name).write_bytes(file.read_bytes())
    model = resolve_nmt_model("opus-mt-en-fr")
    assert model.directory == target and model.pair == ("en", "fr") and model.family == "marian"


def test_the_family_can_be_given(models: dict[str, Path]) -> None:
    model = load_nmt_model(models["m2m100"], name="x", family="m2m100")
    assert model.family == "m2m100"
    with pytest.raises(ModelUnavailableError, match="unknown model family"):
        load_nmt_model(models["m2m100"], name="x", family="t5")


def _cli(*args: str, env: dict[str, str]) -> Any:
    import os
    import subprocess
    import sys

    script = Path(sys.executable).with_name("editions")
    return subprocess.run(
        [str(script), *args], capture_output=True, text=True, timeout=600, env={**os.environ, **env}
    )


def test_translate_on_the_command_line_with_a_ctranslate2_model(
    models: dict[str, Path], tmp_path: Path
) -> None:
    story = tmp_path / "story.md"
    story.write_text(
        "# Council approves budget\n\nThe city council approved the budget on Tuesday. "
        "It will cost [3.9 million euros](https://example.org/b).\n\nPrices rose by 2.5 per cent.\n",
        encoding="utf-8",
    )
    env = {"EDITIONS_DATA_DIR": str(tmp_path / "data")}
    done = _cli(
        "translate", str(story), "--to", "fr,vi", "--engine", "ctranslate2", "--model", str(models["nllb"]),
        "--compute-type", "int8", "--format", "json", "-o", str(tmp_path / "out"), "--quiet", env=env,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    import json

    for lang in ("fr", "vi"):
        written = json.loads(next((tmp_path / "out").glob(f"*.{lang}.json")).read_text(encoding="utf-8"))
        (edition,) = written["editions"]
        assert edition["provenance"]["engine"] == "ctranslate2"
        assert len(edition["blocks"]) == 2 and "https://example.org/b" in json.dumps(edition)
    wrong = _cli(
        "translate", str(story), "--to", "ko", "--engine", "ctranslate2", "--model", str(models["nllb"]),
        env=env,
    )  # fmt: skip
    assert wrong.returncode != 0 and "kor_Hang" in wrong.stderr and "Traceback" not in wrong.stderr
    assert len(wrong.stderr.strip().splitlines()) == 1


def test_models_pull_offline_is_one_line_and_fast(tmp_path: Path) -> None:
    env = {
        "EDITIONS_DATA_DIR": str(tmp_path / "data"),
        "HF_HOME": str(tmp_path / "hf"),
        "HF_HUB_OFFLINE": "1",
    }
    started = time.monotonic()
    done = _cli("models", "pull", "nllb-600m", env=env)
    assert time.monotonic() - started < 60
    assert done.returncode != 0 and "model hub" in done.stderr and "Traceback" not in done.stderr
    listed = _cli("models", "list", env=env)
    assert listed.returncode == 0 and "nllb-600m" in listed.stdout and "not pulled" in listed.stdout
