"""`editions batch` on a local Ray: inputs, actors per server or worker, and a fleet of servers
sharing the work. The fleet test uses two loopback stand-ins for OpenAI-compatible servers
(benchmarks/soak.py's `FakeUpstream`: the test is about how work is spread, and two real model servers
do not fit this machine beside the suite). The default-engine test runs the real model in a Ray actor
and kills that actor's process while it works."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from editions.batch import actor_options, read_inputs
from editions.engines import engine_options
from editions.errors import UsageError
from editions.store.db import Store
from editions.store.editions import job_editions
from editions.store.views import job_view, list_jobs

pytest.importorskip("ray", reason="the batch extra is part of `make install`")

ROOT = Path(__file__).resolve().parents[1]


def _article(i: int) -> dict[str, Any]:
    return {
        "headline": f"Harbour board approves budget of {10 + i} million",
        "blocks": [
            {
                "id": "b1",
                "kind": "paragraph",
                "text": f"The board said {20 + i} ships used the port last month.",
            },
            {
                "id": "b2",
                "kind": "paragraph",
                "text": f"Dock workers will get {3 + i} new cranes by next year.",
            },
        ],
    }


def _jsonl(path: Path, n: int = 3, broken: bool = True) -> Path:
    lines = [json.dumps(_article(i)) for i in range(n)]
    if broken:
        lines.insert(1, '{"headline": "A cut-off article", "blocks": [')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _batch(*args: str, env: dict[str, str] | None = None, timeout: float = 1200) -> subprocess.Popen[str]:
    script = Path(sys.executable).with_name("editions")
    return subprocess.Popen(
        [str(script), "batch", *args, "-q"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )


def _summary(out: Path) -> dict[str, Any]:
    return dict(json.loads((out / "summary.json").read_text(encoding="utf-8")))


def test_inputs_are_read_one_by_one_and_bad_ones_kept_as_errors(tmp_path: Path) -> None:
    items = read_inputs(_jsonl(tmp_path / "in.jsonl"))
    assert [i.label for i in items] == ["in.jsonl:1", "in.jsonl:2", "in.jsonl:3", "in.jsonl:4"]
    assert [i.error is None for i in items] == [True, False, True, True]
    assert "not valid article JSON" in (items[1].error or "")
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a.md").write_text("# Port reopens\n\nThe port reopened on Monday.\n", encoding="utf-8")
    (folder / "b.txt").write_bytes(b"\x00\x01\x02 binary \xff")
    (folder / "notes.csv").write_text("not an article", encoding="utf-8")
    items = read_inputs(folder)
    assert [i.label for i in items] == ["a.md", "b.txt"]
    assert items[0].article is not None and items[1].error
    with pytest.raises(UsageError, match="jsonl"):
        read_inputs(folder / "a.md")
    with pytest.raises(UsageError, match="no such"):
        read_inputs(tmp_path / "absent")
    # the same content is the same key, whatever id it names; a corrected article is another
    one, two = read_inputs(_jsonl(tmp_path / "twice.jsonl", n=1, broken=False)) * 2
    assert one.key == two.key


def test_actors_one_per_server_or_per_worker() -> None:
    openai = engine_options("openai", base_url=None)
    opts, cpus, gpus = actor_options(openai, ["http://127.0.0.1:1/v1", "http://127.0.0.1:2/v1"], 1, 8)
    assert [o.base_url for o in opts] == ["http://127.0.0.1:1/v1", "http://127.0.0.1:2/v1"]  # type: ignore[attr-defined]
    assert cpus < 1 and gpus == 0
    local = engine_options("llamacpp")
    opts, cpus, gpus = actor_options(local, [], 2, 8)
    assert len(opts) == 2 and all(o.n_threads == 4 for o in opts) and cpus == 4  # type: ignore[attr-defined]
    with pytest.raises(UsageError, match="openai engine"):
        actor_options(local, ["http://127.0.0.1:1/v1"], 1, 8)


def test_a_fleet_of_servers_shares_the_work(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from soak import FakeUpstream

    servers = [FakeUpstream(delay=0.05), FakeUpstream(delay=0.05)]
    try:
        source = _jsonl(tmp_path / "in.jsonl", n=6, broken=False)
        out = tmp_path / "out"
        urls = [arg for s in servers for arg in ("--base-url", f"http://127.0.0.1:{s.port}/v1")]
        process = _batch(
            str(source),
            "--to",
            "fr,vi",
            "--out",
            str(out),
            "--engine",
            "openai",
            "--model",
            "soak-fake",
            *urls,
        )
        _, err = process.communicate(timeout=600)
        assert process.returncode == 0, err
        summary = _summary(out)
        assert summary["editions_written"] == 12 and summary["actors"] == 2 and not summary["failures"]
        assert all(s.calls > 0 for s in servers), [s.calls for s in servers]  # both servers were used
        assert "Traceback" not in err

        # the rerun with --store translates nothing and records all 12 editions as one job for review
        calls = [s.calls for s in servers]
        db = f"sqlite:///{tmp_path / 'service.db'}"
        for _ in range(2):  # twice: the second records nothing new
            process = _batch(str(source), "--to", "fr,vi", "--out", str(out), "--engine", "openai",
                             "--model", "soak-fake", *urls, "--store", "--db", db)  # fmt: skip
            _, err = process.communicate(timeout=600)
            assert process.returncode == 0, err
        assert [s.calls for s in servers] == calls
        assert "0 editions added, 0 revised, 12 already there" in err
        store = Store(db)
        (job,) = list_jobs(store)
        view = job_view(store, job.id)
        assert view.status == "done" and view.tasks.done == 12 and len(view.articles) == 6
        editions = job_editions(store, job.id)
        assert {e.edition.target_lang for e in editions} == {"fr", "vi"}
        assert all(e.signature == summary["signature"] for e in editions)
        store.close()
    finally:
        for server in servers:
            server.stop()


def _short_article(i: int) -> dict[str, Any]:
    """Short enough that six editions of the real model stay a few minutes on two cores."""
    return {
        "headline": f"Port of Brest hires {12 + i} pilots",
        "blocks": [
            {"id": "b1", "kind": "paragraph", "text": f"The port said {40 + i} ships docked on Monday."}
        ],
    }


def _batch_workers() -> list[int]:
    """Pids of the Ray actor processes that hold a batch engine (`ray::BatchWorker…` titles)."""
    pids = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            title = (proc / "cmdline").read_bytes().split(b"\0")[0]
        except OSError:
            continue
        if title.startswith(b"ray::BatchWorker"):
            pids.append(int(proc.name))
    return pids


@pytest.mark.model
def test_default_engine_batch_survives_a_killed_worker_and_resumes(tmp_path: Path) -> None:
    """3 short articles and a malformed line into fr and vi on a local Ray with the default model.
    The actor's process is killed (SIGKILL) once the first edition is written; Ray restarts it and the
    batch still writes each of the 6 editions exactly once. A rerun writes nothing and calls no engine."""
    source = tmp_path / "in.jsonl"
    lines = [json.dumps(_short_article(i)) for i in range(3)]
    lines.insert(2, '{"headline": "A cut-off article", "blocks": [{"id": ')
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    process = _batch(str(source), "--to", "fr,vi", "--out", str(out), "--attempts", "3")
    killed: list[int] = []
    deadline = time.monotonic() + 1500
    while process.poll() is None and time.monotonic() < deadline:
        if not killed and list(out.glob("*.json")):
            killed = _batch_workers()
            for pid in killed:
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.2)
    _, err = process.communicate(timeout=max(1, deadline - time.monotonic()))
    assert process.returncode == 1, err  # the malformed article is a failure, so the status says so
    assert killed, "no batch worker process was found to kill"
    summary = _summary(out)
    assert summary["articles"] == 4 and summary["editions_written"] == 6
    assert summary["actor_restarts"] >= 1
    assert [f["label"] for f in summary["failures"]] == ["in.jsonl:3"]
    assert "not valid article JSON" in summary["failures"][0]["error"]
    written = summary["written"]
    assert len(written) == len(set(written)) == 6  # each edition written once, none twice
    files = sorted(p.name for p in out.glob("*.json") if p.name != "summary.json")
    assert files == sorted(written)
    assert {name.rsplit(".", 2)[1] for name in files} == {"fr", "vi"}
    for name in files:
        edition = json.loads((out / name).read_text(encoding="utf-8"))
        assert edition["provenance"]["engine"] == "llamacpp" and edition["blocks"][0]["text"]
    assert "Traceback" not in err

    again = _batch(str(source), "--to", "fr,vi", "--out", str(out))
    _, err = again.communicate(timeout=900)
    assert again.returncode == 1, err
    summary = _summary(out)
    assert summary["editions_written"] == 0 and summary["editions_skipped"] == 6
    assert summary["engine_calls"] == 0
    assert sorted(p.name for p in out.glob("*.json") if p.name != "summary.json") == files
