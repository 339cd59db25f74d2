"""Shared fixtures. Tests cannot reach the network by accident: sockets may only connect to loopback."""

from __future__ import annotations

import functools
import importlib
import ipaddress
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import httpx
import pytest

from editions import __version__
from editions.document import Provenance
from editions.engines.base import Engine, EngineOptions, TranslationRequest, TranslationResult

_real_connect = socket.socket.connect


def _loopback_only(self: socket.socket, address: Any) -> Any:
    host = address[0] if isinstance(address, tuple) else None
    if host is not None:
        try:
            allowed = ipaddress.ip_address(host).is_loopback
        except ValueError:
            allowed = host == "localhost"
        if not allowed:
            raise ConnectionRefusedError(f"tests may not connect to {host} (network guard in conftest.py)")
    return _real_connect(self, address)


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket.socket, "connect", _loopback_only)


# --- the real model ----------------------------------------------------------------------------------

REQUIRE_MODEL_ENV = "EDITIONS_TEST_REQUIRE_MODEL"  # `make test` sets it: there a missing model fails


@functools.cache
def _model_missing() -> str | None:
    """Why the default model cannot be had here, or None (cheap: nothing is assembled or loaded)."""
    from editions.engines.models import DEFAULT_MODEL
    from editions.paths import models_dir

    target = models_dir() / DEFAULT_MODEL.filename
    if target.is_file() and target.stat().st_size == DEFAULT_MODEL.size:
        return None
    absent = []
    for name in DEFAULT_MODEL.part_modules:
        try:
            importlib.import_module(name)  # tiny modules that only know where their part lies
        except ImportError:
            absent.append(name)
    if absent:
        return f"the default model is not installed ({', '.join(absent)} missing)"
    return None


def pytest_runtest_setup(item: pytest.Item) -> None:
    """A `model` test without the model: a skip that says why, or under `make test` a failure."""
    if item.get_closest_marker("model") is None:
        return
    missing = _model_missing()
    if missing is None:
        return
    if os.environ.get(REQUIRE_MODEL_ENV):
        pytest.fail(f"{missing}: `make test` runs the real-model tests; run `make model`", pytrace=False)
    pytest.skip(f"{missing}: run `make model` (under `make test` this is a failure)")


# --- engines ------------------------------------------------------------------------------------------


class FakeEngine(Engine):
    """The one test double for an engine, not a model. It answers each request from `answer`: a
    dict (source text → translation), a function of (request, attempt number for that text), or by
    default the source in capitals. It records every request and raw chat, counts `close()` calls,
    and has a fixed provenance (so memory and cache keys are stable). `chat_tail` gives it a raw chat
    that answers like a chatty model: the translation of the last user turn's passage plus that tail.
    """

    name = "fake"

    def __init__(
        self,
        answer: dict[str, str] | Callable[[TranslationRequest, int], str] | None = None,
        *,
        options: EngineOptions | None = None,
        prompt_version: str = "t1",
        tokens: int = 3,
        chat_tail: str | None = None,
    ) -> None:
        super().__init__(options or EngineOptions(engine="fake"))
        if answer is None:
            self._answer: Callable[[TranslationRequest, int], str] = lambda r, _: r.text.upper()
        elif isinstance(answer, dict):
            table = answer
            self._answer = lambda r, _: table[r.text]
        else:
            self._answer = answer
        self.prompt_version = prompt_version
        self.tokens = tokens
        self.chat_tail = chat_tail
        self.requests: list[TranslationRequest] = []
        self.chats: list[list[dict[str, str]]] = []
        self.closed = 0

    @property
    def calls(self) -> int:
        return len(self.requests) + len(self.chats)

    def translate_batch(self, requests: Sequence[TranslationRequest]) -> list[TranslationResult]:
        out = []
        for request in requests:
            attempt = sum(r.text == request.text for r in self.requests)
            self.requests.append(request)
            text = self._answer(request, attempt)
            out.append(TranslationResult(text, generated_tokens=self.tokens, engine_s=0.01))
        return out

    def raw_chat(self, messages: list[dict[str, str]], max_tokens: int) -> TranslationResult:
        if self.chat_tail is None:
            return super().raw_chat(messages, max_tokens)
        self.chats.append(messages)
        passage = messages[-1]["content"].split("\n\n", 1)[1]
        text = self._answer(TranslationRequest(passage, "en", "fr"), 0) + self.chat_tail
        return TranslationResult(text, engine_s=0.01)

    @property
    def provenance(self) -> Provenance:
        return Provenance(
            engine=self.name, model="fake", prompt_version=self.prompt_version, package_version=__version__
        )

    def close(self) -> None:
        self.closed += 1


@pytest.fixture
def fake_engine() -> type[FakeEngine]:
    """The `FakeEngine` class, to make as many as a test needs."""
    return FakeEngine


class _Lent(Engine):
    """Someone else's engine: used like one's own, but `close` leaves it open for its owner."""

    name = "lent"

    def __init__(self, engine: Engine) -> None:
        super().__init__(engine.options)
        self.engine = engine

    def translate_batch(self, requests: Sequence[TranslationRequest]) -> list[TranslationResult]:
        return self.engine.translate_batch(requests)

    @property
    def provenance(self) -> Provenance:
        return self.engine.provenance

    @property
    def parallel_requests(self) -> int:
        return self.engine.parallel_requests


@pytest.fixture(scope="session")
def default_model_path() -> Path:
    """The packaged default model, assembled and verified (once) in the user data directory."""
    from editions.engines.models import prepare_default_model

    return prepare_default_model()


@pytest.fixture(scope="session")
def llama_engine(default_model_path: Path) -> Iterator[Any]:
    """One in-process default model for the whole session (loading it takes seconds and ~2 GB)."""
    from editions.engines import EngineOptions, create_engine

    engine = create_engine(EngineOptions(engine="llamacpp"))
    yield engine
    engine.close()


@pytest.fixture(scope="session")
def llama_factory(llama_engine: Engine) -> Callable[[EngineOptions], Engine]:
    """An engine factory for a `JobRunner` that lends it the session's model instead of loading one."""
    return lambda options: _Lent(llama_engine)


@pytest.fixture(scope="session")
def pipeline(llama_engine: Any) -> Any:
    from editions.pipeline import Pipeline

    return Pipeline(llama_engine)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def llama_server(default_model_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """llama-cpp-python's own OpenAI-compatible server (`python -m llama_cpp.server`) on 127.0.0.1,
    serving the default model: the base URL for the openai engine. One per test module that asks."""
    port = _free_port()
    log = (tmp_path_factory.mktemp("server") / "server.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "llama_cpp.server",
            "--model",
            str(default_model_path),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--n_ctx",
            "4096",
            "--n_threads",
            "2",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base_url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail(f"llama_cpp.server exited with {process.returncode}; see {log.name}")
            try:
                if httpx.get(f"{base_url}/models", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        else:
            pytest.fail("llama_cpp.server did not start within 120 s")
        yield base_url
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


# --- the store, on SQLite always and on PostgreSQL when the test command started one ----------------

PG_ENV = "EDITIONS_TEST_PG_URL"  # set by scripts/test-services.sh (a Debian postgresql on 127.0.0.1)


def _pg_admin_url() -> str | None:
    import os

    return os.environ.get(PG_ENV) or None


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database URL: a SQLite file, or a new PostgreSQL database dropped afterwards."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'editions.db'}"
        return
    admin = _pg_admin_url()
    if admin is None:
        pytest.skip(
            f"PostgreSQL not started: {PG_ENV} is unset (make test starts one with scripts/test-services.sh)"
        )
    import uuid

    import psycopg

    name = f"t_{uuid.uuid4().hex[:12]}"
    plain = admin.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = admin.rsplit("/", 1)[0]
    yield f"{base}/{name}"
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
