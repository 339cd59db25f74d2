"""`editions keys`, `editions memory` and `editions serve` as an operator runs them: subprocesses."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from editions.memory import MemoryKey
from editions.store.db import Store
from editions.store.memory import TranslationMemory

from .conftest import free_port


def editions(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "editions.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


def test_keys_create_list_revoke(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'e.db'}"
    created = editions("keys", "create", "--name", "cms", "--rate", "30", "--db", db)
    assert created.returncode == 0, created.stderr
    secret = created.stdout.strip()
    assert secret.startswith("ed_") and len(secret) > 40
    assert "will not be shown again" in created.stderr
    listed = editions("keys", "list", "--db", db)
    assert "cms" in listed.stdout and "30/min" in listed.stdout and "active" in listed.stdout
    assert secret not in listed.stdout  # only the prefix is ever shown
    prefix = listed.stdout.split("\t")[1].rstrip("…")
    assert editions("keys", "revoke", prefix, "--db", db).returncode == 0
    assert "revoked" in editions("keys", "list", "--db", db).stdout
    again = editions("keys", "revoke", prefix, "--db", db)
    assert again.returncode == 64 and again.stderr.count("\n") == 1 and "Traceback" not in again.stderr


def test_keys_have_roles(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'e.db'}"
    for name, role in (("cms", None), ("review desk", "editor"), ("ops", "admin")):
        created = editions("keys", "create", "--name", name, *(["--role", role] if role else []), "--db", db)
        assert created.returncode == 0, created.stderr
        assert f"as {role or 'submitter'}" in created.stderr
    lines = editions("keys", "list", "--db", db).stdout.splitlines()
    assert [line.split("\t")[2:4] for line in lines] == [
        ["cms", "submitter"],
        ["review desk", "editor"],
        ["ops", "admin"],
    ]
    bad = editions("keys", "create", "--name", "x", "--role", "root", "--db", db)
    assert bad.returncode != 0 and "root" in bad.stderr and "Traceback" not in bad.stderr
    # a key's role can change without issuing a new key
    prefix = lines[0].split("\t")[1].rstrip("…")
    changed = editions("keys", "role", prefix, "editor", "--db", db)
    assert changed.returncode == 0, changed.stderr
    assert editions("keys", "list", "--db", db).stdout.splitlines()[0].split("\t")[3] == "editor"
    missing = editions("keys", "role", "ed_nothing", "admin", "--db", db)
    assert missing.returncode == 64 and "Traceback" not in missing.stderr


def test_memory_export_and_import_tmx(tmp_path: Path) -> None:
    source_db, target_db = f"sqlite:///{tmp_path / 'a.db'}", f"sqlite:///{tmp_path / 'b.db'}"
    memory = TranslationMemory(Store(source_db))
    memory.correct(MemoryKey("en", "vi", "The bridge reopened.", "ctx1"), "Cây cầu đã mở lại.")
    tmx = tmp_path / "memory.tmx"
    exported = editions("memory", "export", str(tmx), "--db", source_db)
    assert exported.returncode == 0, exported.stderr
    assert "Cây cầu đã mở lại." in tmx.read_text(encoding="utf-8")
    imported = editions("memory", "import", str(tmx), "--db", target_db)
    assert imported.returncode == 0 and "imported 1 entries" in imported.stderr
    recalled = TranslationMemory(Store(target_db)).recall(
        MemoryKey("en", "vi", "The bridge reopened.", "ctx1", "x")
    )
    assert recalled == "Cây cầu đã mở lại."
    garbage = tmp_path / "garbage.tmx"
    garbage.write_bytes(b"\x00\x01 not xml")
    bad = editions("memory", "import", str(garbage), "--db", target_db)
    assert bad.returncode == 65 and "TMX" in bad.stderr and "Traceback" not in bad.stderr


def test_serve_beyond_loopback_needs_a_key_first(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'e.db'}"
    refused = editions("serve", "--host", "0.0.0.0", "--port", str(free_port()), "--db", db, "--workers", "0")
    assert refused.returncode == 64
    assert "editions keys create" in refused.stderr and "Traceback" not in refused.stderr
    bad_db = editions("serve", "--db", "postgresql+psycopg://u:hunter2@127.0.0.1:1/x", "--workers", "0")
    assert bad_db.returncode == 74 and "hunter2" not in bad_db.stderr and "Traceback" not in bad_db.stderr


def test_serve_loads_the_model_before_listening(tmp_path: Path) -> None:
    """A model that cannot be loaded stops the server at start, not each task later."""
    db = f"sqlite:///{tmp_path / 'e.db'}"
    missing = editions(
        "serve", "--port", str(free_port()), "--db", db, "--model", str(tmp_path / "none.gguf")
    )
    assert missing.returncode == 69
    assert "model file not found" in missing.stderr and "Traceback" not in missing.stderr


def test_serve_logs_one_json_object_per_line(tmp_path: Path) -> None:
    port = free_port()
    log = tmp_path / "server.log"
    command = [sys.executable, "-m", "editions.cli", "serve", "--port", str(port), "--workers", "0"]
    command += ["--db", f"sqlite:///{tmp_path / 'e.db'}"]
    with log.open("wb") as out:
        server = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                assert time.monotonic() < deadline and server.poll() is None, log.read_text()
                time.sleep(0.2)
        headers = {"X-Request-ID": "req-123", "Content-Type": "text/plain"}
        response = httpx.post(
            f"http://127.0.0.1:{port}/v1/articles?to=fr",
            content=b"Storm\n\nIt rained.",
            headers=headers,
            timeout=60,  # the first article loads the language detector: seconds on a loaded machine
        )
        assert response.status_code == 202 and response.headers["x-request-id"] == "req-123"
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    records = [json.loads(line) for line in log.read_text().splitlines() if line.strip()]
    assert records and all({"ts", "level", "event"} <= set(r) for r in records)
    events = [r["event"] for r in records]
    assert events[0] == "service.start" and events[-1] == "service.stop"
    [post] = [r for r in records if r["event"] == "http.request" and r["method"] == "POST"]
    assert post["request_id"] == "req-123" and post["status"] == 202 and post["caller"] == "local"
    assert "It rained" not in log.read_text()  # article text is never logged
