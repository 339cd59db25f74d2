"""kill -9 in the middle of a job, restart, and every edition is there exactly once.

`editions serve` runs as a real subprocess (uvicorn on 127.0.0.1, the real default model). The job
has six articles of three segments each; the server is killed with SIGKILL while a task is half
done, then started again on the same database. The dead server's lease is reclaimed at start-up (its
process is gone), the half-done task resumes from the translation memory, and the unique task id on
editions makes a duplicate impossible.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from editions.store.db import Store
from editions.store.schema import EditionRow, TaskRow

from .conftest import free_port

ARTICLES = [
    f"# {city} port reopens\n\nThe port of {city} reopened on Monday after {n} days.\n\n"
    f"About {n * 100} workers returned to the docks."
    for city, n in [("Rouen", 3), ("Brest", 4), ("Nantes", 5), ("Calais", 6), ("Dunkirk", 7), ("Toulon", 8)]
]


def _start(port: int, db_url: str, log: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "editions.cli", "serve", "--port", str(port), "--db", db_url]
    command += ["--workers", "1", "--lease", "30", "--rate", "100000"]  # the test polls fast
    with log.open("ab") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"server exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return process
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    process.kill()
    raise AssertionError("server did not come up")


def _job(port: int, job_id: str) -> dict[str, Any]:
    response = httpx.get(f"http://127.0.0.1:{port}/v1/jobs/{job_id}", timeout=10)
    response.raise_for_status()
    result: dict[str, Any] = response.json()
    return result


@pytest.mark.model
def test_kill_9_mid_job_then_restart_finishes_every_edition_exactly_once(
    db_url: str, tmp_path: Path, default_model_path: Path
) -> None:
    log = tmp_path / "server.log"
    port = free_port()
    server = _start(port, db_url, log)
    try:
        response = httpx.post(
            f"http://127.0.0.1:{port}/v1/articles",
            json={"articles": [{"text": text, "format": "md"} for text in ARTICLES], "targets": ["fr"]},
            timeout=30,
        )
        assert response.status_code == 202, response.text
        job_id = response.json()["job_id"]
        # Wait until at least one task is finished and another is part-way through its segments.
        deadline = time.monotonic() + 600
        half_done: dict[str, Any] | None = None
        while time.monotonic() < deadline:
            job = _job(port, job_id)
            states = [a["languages"]["fr"] for a in job["articles"]]
            running = [s for s in states if s["status"] == "running" and 0 < s["segments_done"] < 3]
            if any(s["status"] == "done" for s in states) and running:
                half_done = {
                    "position": states.index(running[0]),
                    "segments_done": running[0]["segments_done"],
                }
                break
            assert job["status"] != "done", "the job finished before it could be interrupted"
            time.sleep(0.05)
        assert half_done is not None, "never saw a half-done task"
        os.kill(server.pid, signal.SIGKILL)
        server.wait(timeout=30)
    finally:
        if server.poll() is None:
            server.kill()

    store = Store(db_url)
    with store.session() as session:
        before = session.scalar(
            select(func.count()).select_from(EditionRow).where(EditionRow.job_id == job_id)
        )
        interrupted = session.scalars(select(TaskRow).where(TaskRow.status == "running")).all()
    assert before is not None and 1 <= before < 6
    assert len(interrupted) == 1 and interrupted[0].lease_owner  # held by a process that is gone

    port = free_port()
    server = _start(port, db_url, log)
    try:
        deadline = time.monotonic() + 600
        while (job := _job(port, job_id))["status"] not in ("done", "failed"):
            assert time.monotonic() < deadline, "the job did not finish after the restart"
            time.sleep(0.2)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()

    assert job["status"] == "done", job
    assert job["tasks"] == {"total": 6, "done": 6, "failed": 0}
    with store.session() as session:
        editions = session.execute(select(EditionRow.task_id).where(EditionRow.job_id == job_id)).all()
        tasks = session.scalars(
            select(TaskRow).where(TaskRow.job_id == job_id).order_by(TaskRow.position)
        ).all()
    assert len(editions) == 6 and len({task_id for (task_id,) in editions}) == 6  # exactly once each
    assert {t.id for t in tasks} == {task_id for (task_id,) in editions}
    resumed = tasks[half_done["position"]]
    assert resumed.attempts == 2
    # the segments finished before the kill came from the memory, not from the engine again
    assert resumed.memory_hits >= half_done["segments_done"]
    assert resumed.engine_calls >= 1
    assert "Traceback" not in log.read_text()
    store.close()


@pytest.mark.model
def test_a_clean_shutdown_hands_the_task_back_and_the_restart_finishes_it(
    tmp_path: Path, default_model_path: Path
) -> None:
    db_url = f"sqlite:///{tmp_path / 'editions.db'}"
    log = tmp_path / "server.log"
    port = free_port()
    server = _start(port, db_url, log)
    try:
        response = httpx.post(
            f"http://127.0.0.1:{port}/v1/articles", json={"text": ARTICLES[0], "targets": ["vi"]}, timeout=30
        )
        job_id = response.json()["job_id"]
        deadline = time.monotonic() + 300
        while (state := _job(port, job_id)["articles"][0]["languages"]["vi"])["segments_done"] < 1:
            assert time.monotonic() < deadline and state["status"] != "done"
            time.sleep(0.05)
        server.send_signal(signal.SIGTERM)
        # uvicorn shuts down gracefully, then re-raises the signal it caught: -15 is a clean exit here
        assert server.wait(timeout=120) in (0, -signal.SIGTERM)
    finally:
        if server.poll() is None:
            server.kill()
    store = Store(db_url)
    with store.session() as session:
        [task] = session.scalars(select(TaskRow)).all()
        editions = session.scalar(select(func.count()).select_from(EditionRow))
    assert (task.status, task.lease_owner, task.attempts, editions) == ("pending", None, 0, 0)

    port = free_port()
    server = _start(port, db_url, log)
    try:
        deadline = time.monotonic() + 300
        while (job := _job(port, job_id))["status"] != "done":
            assert time.monotonic() < deadline and job["status"] != "failed", job
            time.sleep(0.2)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    vi = job["articles"][0]["languages"]["vi"]
    assert vi["attempts"] == 1 and vi["memory_hits"] >= 1  # the finished segments were not redone
    assert '"event": "task.released"' in log.read_text()
    store.close()
