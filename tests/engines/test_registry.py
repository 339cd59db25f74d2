"""The engine seam: engines by name, from a registration or another package's entry point, each with
its own options; and `parallel_requests`, which decides how many requests run side by side."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx
import pytest

from editions.engines import (
    ENGINES,
    ENTRY_POINT_GROUP,
    TranslationRequest,
    create_engine,
    engine_options,
    known_engines,
    register_engine,
)
from editions.engines.base import SAMPLE_TEMPERATURE
from editions.engines.openai import OpenAIEngine
from editions.errors import UnknownEngineError, UsageError
from editions.ingest import read_article_text
from editions.pipeline import Pipeline

# A third-party engine, as another package would ship it: its own module, options and class.
PLUGIN = """
from editions.document import Provenance
from editions.engines.base import Engine, EngineOptions, TranslationResult


class EchoOptions(EngineOptions):
    prefix: str = ">"


class EchoEngine(Engine):
    name = "echo"
    options_class = EchoOptions

    def translate_batch(self, requests):
        return [TranslationResult(f"{self.options.prefix} {r.text}") for r in requests]

    @property
    def provenance(self):
        return Provenance(engine="echo", model="none", prompt_version="e1", package_version="1.0")


class NotAnEngine:
    pass
"""


@pytest.fixture
def plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """`echo_plugin.py` and the dist-info of an installed package `echo-plugin` that declares it."""
    (tmp_path / "echo_plugin.py").write_text(PLUGIN)
    info = tmp_path / "echo_plugin-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: echo-plugin\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(f"[{ENTRY_POINT_GROUP}]\necho = echo_plugin:EchoEngine\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr("editions.engines.ENGINES", dict(ENGINES))  # registrations end with the test
    return tmp_path


def test_an_installed_package_adds_an_engine_through_its_entry_point(plugin: Path) -> None:
    assert known_engines()["echo"] == "echo_plugin:EchoEngine"
    with create_engine(engine_options("echo", prefix="!")) as engine:
        assert engine.translate("Hello.", "en", "fr") == "! Hello."
        assert type(engine).__module__ == "echo_plugin"


def test_register_engine_names_a_class_in_any_module(plugin: Path) -> None:
    register_engine("shout", "echo_plugin:EchoEngine")
    assert create_engine(engine_options("shout")).translate("Hi.", "en", "fr") == "> Hi."
    register_engine("broken", "echo_plugin:NotAnEngine")
    with pytest.raises(UnknownEngineError, match="not an editions Engine subclass"):
        create_engine(engine_options("llamacpp").model_copy(update={"engine": "broken"}))
    with pytest.raises(UsageError, match="must be 'module:Class'"):
        register_engine("bad", "echo_plugin.EchoEngine")


def test_each_engine_takes_its_own_options_and_no_others(plugin: Path) -> None:
    with pytest.raises(UsageError, match="the echo engine takes no n_threads option"):
        engine_options("echo", n_threads=2)
    with pytest.raises(UsageError, match="the llamacpp engine takes no base_url, concurrency option"):
        engine_options("llamacpp", base_url="http://127.0.0.1:1/v1", concurrency=2)
    with pytest.raises(UsageError, match="concurrency: Input should be greater than or equal to 1"):
        engine_options("openai", concurrency=0)
    with pytest.raises(
        UnknownEngineError, match="unknown engine 'deepl'; known: ctranslate2, echo, llamacpp, openai"
    ):
        engine_options("deepl")
    options = engine_options("llamacpp", n_threads=2, model=None)  # None: not given
    assert options.model_dump() == {
        "engine": "llamacpp", "model": None, "temperature": 0.0, "seed": 0, "n_ctx": 4096, "n_threads": 2,
    }  # fmt: skip


class _Gauge:
    """How many calls are inside at once, at most."""

    def __init__(self) -> None:
        self.inside = 0
        self.most = 0
        self._lock = threading.Lock()

    def __enter__(self) -> None:
        with self._lock:
            self.inside += 1
            self.most = max(self.most, self.inside)

    def __exit__(self, *exc: object) -> None:
        time.sleep(0.02)  # long enough for side-by-side calls to overlap
        with self._lock:
            self.inside -= 1


@pytest.mark.parametrize("parallel", [1, 2, 3])
def test_the_pipeline_translates_as_many_languages_at_once_as_the_engine_allows(
    parallel: int, fake_engine: Any
) -> None:
    gauge = _Gauge()

    class Parallel(fake_engine):  # type: ignore[misc]
        @property
        def parallel_requests(self) -> int:
            return parallel

        def translate_batch(self, requests: Sequence[TranslationRequest]) -> Any:
            with gauge:
                return super().translate_batch(requests)

    article = read_article_text("Port reopens\n\nShips sailed on Monday.", source_lang="en")
    editions = Pipeline(Parallel(), retries=0).translate(article, "fr,vi,de,es")
    assert [e.target_lang for e in editions] == ["fr", "vi", "de", "es"]
    assert gauge.most == parallel


def test_the_openai_engine_sends_at_most_concurrency_requests_at_once() -> None:
    """httpx's MockTransport stands in for the server here only to count requests in flight, which a
    real server does not report; tests/engines/test_openai.py talks to a real one on loopback."""
    gauge = _Gauge()

    def server(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/models"):
            return httpx.Response(200, json={"data": [{"id": "m"}]})
        with gauge:
            return httpx.Response(200, json={"choices": [{"message": {"content": "Bonjour."}}]})

    options = engine_options("openai", base_url="http://127.0.0.1:9/v1", concurrency=2)
    with OpenAIEngine(options, transport=httpx.MockTransport(server)) as engine:
        assert engine.parallel_requests == 2
        results = engine.translate_batch([TranslationRequest(f"Hello {n}.", "en", "fr") for n in range(6)])
    assert [r.text for r in results] == ["Bonjour."] * 6
    assert gauge.most == 2


def test_a_sampled_candidate_asks_for_sampling_with_its_own_seed() -> None:
    """MockTransport records what the engine sends (a real server does not echo its decoding options);
    `--quality best` relies on candidate n being sampled at SAMPLE_TEMPERATURE with seed + n."""
    sent: list[dict[str, object]] = []

    def server(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/models"):
            return httpx.Response(200, json={"data": [{"id": "m"}]})
        sent.append(json.loads(request.content))
        return httpx.Response(200, json={"choices": [{"message": {"content": "Bonjour."}}]})

    options = engine_options("openai", base_url="http://127.0.0.1:9/v1")
    with OpenAIEngine(options, transport=httpx.MockTransport(server)) as engine:
        engine.translate_batch([TranslationRequest("Hello.", "en", "fr", sample=n) for n in range(3)])
    assert [(p["temperature"], p["seed"]) for p in sent] == [
        (0.0, options.seed),
        (SAMPLE_TEMPERATURE, options.seed + 1),
        (SAMPLE_TEMPERATURE, options.seed + 2),
    ]
