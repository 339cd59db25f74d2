"""Engine crash isolation: the engine's worker process dies from SIGSEGV mid-task; the server does not.

A real uvicorn server on 127.0.0.1 (tests/service/conftest.py) runs its default engine factory, which
puts an in-process engine in a worker process it supervises. The engine is the test `FakeEngine`
marked in-process (isolated_fake.py), so the child is cheap; the test seams in settings.py make that
child kill itself with SIGSEGV, as a crash in llama.cpp would: after N segments (once), or whenever
a segment holds a marker (a "poison" article). The last test does the same with the real model.
"""

from __future__ import annotations

import io
import logging
import os
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from editions.engines import engine_options, register_engine
from editions.engines.isolated import IsolatedEngine
from editions.service.context import ServiceConfig
from editions.store.schema import EditionRow, TaskRow

from .conftest import LiveService, live_service
from .isolated_fake import NAME, TARGET

SIGSEGV_DEATH = "engine worker died from SIGSEGV (signal 11)"
# headline + 3 paragraphs: 4 segments, so a crash after 2 is in the middle of the task
LONG = "# Port reopens\n\nThe port reopened.\n\nShips came back.\n\nWorkers returned."


@pytest.fixture(autouse=True)
def _fake_in_process_engine() -> None:
    register_engine(NAME, TARGET)


class Watcher:
    """Polls /healthz and GET /v1/jobs from its own thread while the test runs: what they answered."""

    def __init__(self, client: httpx.Client) -> None:
        self.client = client
        self.statuses: list[int] = []
        self.engine_states: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            health = self.client.get("/healthz", timeout=5)
            jobs = self.client.get("/v1/jobs", timeout=5)
            self.statuses += [health.status_code, jobs.status_code]
            self.engine_states.append(health.json()["engine"]["state"])
            time.sleep(0.02)

    @contextmanager
    def running(self) -> Iterator[Watcher]:
        self._thread.start()
        try:
            yield self
        finally:
            self._stop.set()
            self._thread.join(timeout=10)


@contextmanager
def captured_logs() -> Iterator[io.StringIO]:
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    logger = logging.getLogger("editions.service")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield out
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def _submit(client: httpx.Client, text: str) -> str:
    response = client.post("/v1/articles", json={"text": text, "format": "md", "targets": ["fr"]})
    assert response.status_code == 202, response.text
    job_id: str = response.json()["job_id"]
    return job_id


def _wait(client: httpx.Client, job_id: str, timeout: float = 120) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while (job := client.get(f"/v1/jobs/{job_id}").json())["status"] not in ("done", "failed"):
        assert time.monotonic() < deadline, job
        time.sleep(0.05)
    result: dict[str, Any] = job
    return result


def _editions_per_task(live: LiveService) -> dict[int, int]:
    with live.ctx.store.session() as session:
        rows = session.execute(select(EditionRow.task_id, func.count()).group_by(EditionRow.task_id)).all()
        tasks = session.scalars(select(TaskRow.id)).all()
    counts = {task_id: 0 for task_id in tasks}
    counts.update({task_id: n for task_id, n in rows})
    return counts


def _engine_of(live: LiveService) -> IsolatedEngine:
    """The server's one engine: what its default factory made for the operator's options."""
    [engine] = list(live.server.config.app.state.runner._engines.values())
    assert isinstance(engine, IsolatedEngine)
    return engine


def test_a_crash_mid_task_is_retried_and_the_server_keeps_serving(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EDITIONS_TEST_CRASH_AFTER_SEGMENTS", "2")  # the first engine process only
    config = ServiceConfig(database_url=db_url, workers=1, rate_per_minute=100_000)
    config.engine = engine_options(NAME)
    with captured_logs() as logs, live_service(config) as live, live.client() as client:
        watcher = Watcher(live.client())
        with watcher.running():
            crashed = _submit(client, LONG)
            # the task comes back with the reason while it waits for its next attempt
            deadline = time.monotonic() + 60
            while not (error := _language(client, crashed)["error"]):
                assert time.monotonic() < deadline, "the crash was never reported"
                time.sleep(0.01)
            others = [_submit(client, f"# Ferry {n}\n\nThe ferry sailed at {n}.") for n in range(3)]
            job = _wait(client, crashed)
            other_jobs = [_wait(client, job_id) for job_id in others]
            health = client.get("/healthz").json()
        engine_pid = _engine_of(live).pid
        per_task = _editions_per_task(live)

    task_id = min(per_task)  # the first task submitted
    assert error == f"{SIGSEGV_DEATH} during task {task_id}; retrying, attempt 2 of 3"
    assert job["status"] == "done", job
    fr = job["articles"][0]["languages"]["fr"]
    assert fr["attempts"] == 2 and fr["error"] is None
    assert fr["memory_hits"] >= 2  # the 2 segments finished before the crash were not redone
    assert all(j["status"] == "done" and j["tasks"]["done"] == 1 for j in other_jobs), other_jobs
    assert list(per_task.values()) == [1] * 4  # every task, one edition, none twice
    # the server answered throughout, and health showed the engine going down and coming back
    assert watcher.statuses and set(watcher.statuses) == {200}
    states = watcher.engine_states
    first_up = states.index("up")  # once loaded; then the crash: down or restarting, then up again
    assert {"down", "starting"} & set(states[first_up:]) and states[-1] == "up", states
    assert health["engine"] == {"state": "up", "restarts": 1}
    assert engine_pid is not None and engine_pid != os.getpid()
    text = logs.getvalue()
    assert '"event": "engine.died"' in text and SIGSEGV_DEATH in text
    assert '"event": "engine.restarted"' in text


def _language(client: httpx.Client, job_id: str) -> dict[str, Any]:
    result: dict[str, Any] = client.get(f"/v1/jobs/{job_id}").json()["articles"][0]["languages"]["fr"]
    return result


def test_a_poison_article_fails_after_n_attempts_and_other_jobs_complete(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EDITIONS_TEST_CRASH_ON", "POISON")  # every engine process, every time
    config = ServiceConfig(database_url=db_url, workers=1, rate_per_minute=100_000, max_attempts=3)
    config.engine = engine_options(NAME)
    with live_service(config) as live, live.client() as client:
        poison = _submit(client, "# Port reopens\n\nThe port reopened.\n\nThis block is POISON.")
        healthy = _submit(client, "# Ferry sails\n\nThe ferry sailed.")
        poisoned, done = _wait(client, poison), _wait(client, healthy)
        health = client.get("/healthz").json()
        per_task = _editions_per_task(live)
    fr = poisoned["articles"][0]["languages"]["fr"]
    task_id = min(per_task)
    assert poisoned["status"] == "failed" and fr["status"] == "failed" and fr["attempts"] == 3
    assert fr["error"] == f"{SIGSEGV_DEATH} during task {task_id}; failed after 3 attempts"
    assert done["status"] == "done"
    assert per_task == {task_id: 0, task_id + 1: 1}
    assert health["status"] == "ok" and health["engine"] == {"state": "up", "restarts": 3}


@pytest.mark.model
def test_the_real_model_runs_in_a_worker_process_and_survives_its_crash(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch, default_model_path: Any
) -> None:
    monkeypatch.setenv("EDITIONS_TEST_CRASH_AFTER_SEGMENTS", "0")  # the first llama.cpp process dies
    config = ServiceConfig(database_url=f"sqlite:///{tmp_path / 'e.db'}", workers=1, rate_per_minute=100_000)
    with live_service(config) as live, live.client() as client:
        job = _wait(client, _submit(client, "The port of Rouen reopened on Monday."), timeout=600)
        edition = client.get(f"/v1/jobs/{job['id']}/editions").json()[0]["edition"]
        health = client.get("/healthz").json()
    assert job["status"] == "done", job
    assert job["articles"][0]["languages"]["fr"]["attempts"] == 2
    assert edition["provenance"]["engine"] == "llamacpp"
    assert "Rouen" in edition["headline"] and "lundi" in edition["headline"].lower()
    assert health["engine"] == {"state": "up", "restarts": 1}


def test_an_engine_process_killed_between_tasks_is_restarted_at_once(db_url: str) -> None:
    """The OOM killer may pick the idle process that holds the model: the supervisor restarts it
    without waiting for a task to find it dead."""
    config = ServiceConfig(database_url=db_url, workers=1, rate_per_minute=100_000, poll_s=0.2)
    config.engine = engine_options(NAME)
    with captured_logs() as logs, live_service(config) as live, live.client() as client:
        assert _wait(client, _submit(client, "# Ferry sails\n\nThe ferry sailed."))["status"] == "done"
        engine = _engine_of(live)
        first = engine.pid
        assert first is not None
        os.kill(first, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while (health := client.get("/healthz").json())["engine"] != {"state": "up", "restarts": 1}:
            assert time.monotonic() < deadline, health
            time.sleep(0.05)
        assert engine.pid != first
        assert _wait(client, _submit(client, "# Port reopens\n\nThe port reopened."))["status"] == "done"
    assert "engine worker died from SIGKILL (signal 9) between tasks" in logs.getvalue()
