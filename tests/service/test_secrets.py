"""Credentials never leave through an error: task errors, the review page, the logs, the CLI.

The hole (issue 11, item 5): an engine base URL with `user:password@` came back verbatim in
`GET /v1/jobs/{id}` and on the review page, because the engine's error names its server and the task
error stored it as it was. Here a real openai engine points at a closed port on loopback (nothing to
mock: the connection is refused), so the task fails with that error.
"""

from __future__ import annotations

import io
import logging
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from editions.engines import engine_options
from editions.redact import redact
from editions.service.context import ServiceConfig

from .conftest import live_service

SECRET = "s3cret"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_an_engine_url_with_a_password_never_shows_in_jobs_pages_or_logs(tmp_path: Path) -> None:
    base_url = f"http://user:{SECRET}@127.0.0.1:{_closed_port()}/v1"
    captured = io.StringIO()
    handler = logging.StreamHandler(captured)
    logger = logging.getLogger("editions.service")
    logger.addHandler(handler)
    old_level = logger.level
    logger.setLevel(logging.INFO)
    config = ServiceConfig(
        database_url=f"sqlite:///{tmp_path / 'e.db'}",
        workers=1,
        engine=engine_options("openai", base_url=base_url, api_key=f"sk-{SECRET}0123456789abcdef"),
    )
    try:
        with live_service(config) as live, live.client() as client:
            job_id = client.post(
                "/v1/articles", json={"text": "Port reopens\n\nThe port reopened.", "targets": ["fr"]}
            ).json()["job_id"]
            deadline = time.monotonic() + 60
            while (job := client.get(f"/v1/jobs/{job_id}")).json()["status"] != "failed":
                assert time.monotonic() < deadline, job.text
                time.sleep(0.1)
            page = client.get(f"/jobs/{job_id}", headers={"accept": "text/html"})
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
    error = job.json()["articles"][0]["languages"]["fr"]["error"]
    assert "cannot reach the server at http://***@127.0.0.1" in error  # still says which server
    assert SECRET not in job.text
    assert page.status_code == 200 and "***@127.0.0.1" in page.text
    assert SECRET not in page.text
    logs = captured.getvalue()
    assert "task.failed" in logs and SECRET not in logs


def test_the_cli_prints_an_engine_error_without_the_password(tmp_path: Path) -> None:
    story = tmp_path / "story.md"
    story.write_text("# Port reopens\n\nThe port reopened.\n")
    script = Path(sys.executable).with_name("editions")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "editions.cli"]
    base_url = f"http://user:{SECRET}@127.0.0.1:{_closed_port()}/v1"
    result = subprocess.run(
        [*command, "translate", str(story), "--to", "fr", "--engine", "openai", "--base-url", base_url],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "cannot reach the server at http://***@127.0.0.1" in result.stderr
    assert SECRET not in result.stderr + result.stdout


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("at http://user:pw@host:8/v1: refused", "at http://***@host:8/v1: refused"),
        ("postgresql+psycopg://editions:pw@db/e", "postgresql+psycopg://***@db/e"),
        ("https://token@example.org/x", "https://***@example.org/x"),
        ("Authorization: Bearer abc.def-ghi", "Authorization: Bearer ***"),
        ("authorization: basic dXNlcjpwdw==", "authorization: basic ***"),
        ("GET /v1?api_key=abc123&x=1", "GET /v1?api_key=***&x=1"),
        ("url?token=abc&access_token=def", "url?token=***&access_token=***"),
        ("key sk-proj-AbCdEfGhIjKlMnOpQrSt was refused", "key sk-*** was refused"),
        ("port 127.0.0.1:8000, mail user@example.org", "port 127.0.0.1:8000, mail user@example.org"),
    ],
)
def test_redact_hides_credentials_and_keeps_the_rest(text: str, expected: str) -> None:
    assert redact(text) == expected
    assert redact(redact(text)) == expected  # idempotent
