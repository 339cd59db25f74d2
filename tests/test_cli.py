"""The `editions` command as a user runs it: a subprocess, real files, one line per error."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from editions.langid import detect_language
from editions.qa.numbers import missing_numbers

FIXTURES = Path(__file__).parent / "fixtures"


def run(
    *args: str, stdin: bytes | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).with_name("editions")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "editions.cli"]
    return subprocess.run(
        [*command, *args],
        input=stdin.decode("latin-1") if stdin is not None else None,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, **(env or {})},
    )


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def bad_inputs(tmp_path: Path) -> dict[str, Path]:
    files = {
        "empty.md": b"",
        "blank.txt": b"  \n\n \t\n",
        "image.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200),
        "latin1.txt": "Café crème\n\nLe café est fermé.".encode("latin-1"),
        "huge.txt": b"Headline\n\n" + b"word " * 2_100_000,
        "broken.json": b'{"headline": "x", "blocks": [',
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    return {name: tmp_path / name for name in files}


@pytest.mark.parametrize(
    ("case", "args", "message"),
    [
        ("missing file", ["translate", "{tmp}/nope.md", "--to", "fr"], "no such file"),
        ("empty", ["translate", "{empty}", "--to", "fr"], "empty"),
        ("whitespace", ["translate", "{blank}", "--to", "fr"], "empty"),
        ("binary", ["translate", "{image}", "--to", "fr"], "binary"),
        ("not utf-8", ["translate", "{latin1}", "--to", "fr"], "not valid UTF-8"),
        ("10 MB", ["translate", "{huge}", "--to", "fr"], "the limit is 2.0 MB"),
        ("bad json", ["translate", "{broken}", "--to", "fr"], "not valid article JSON"),
        ("unknown language", ["translate", "{story}", "--to", "fr,xx"], "unknown language 'xx'"),
        ("unknown engine", ["translate", "{story}", "--to", "fr", "--engine", "deepl"], "unknown engine"),
        (
            "missing model",
            ["translate", "{story}", "--to", "fr", "--model", "{tmp}/m.gguf"],
            "model file not found",
        ),
        (
            "hub offline",
            ["translate", "{story}", "--to", "fr", "--model", "org/Model-GGUF:x.gguf"],
            "model hub",
        ),
        ("no server url", ["translate", "{story}", "--to", "fr", "--engine", "openai"], "--base-url"),
        (
            "server down",
            ["translate", "{story}", "--to", "fr", "--engine", "openai", "--base-url", "{down}"],
            "cannot reach the server",
        ),
        (
            "bad option",
            ["translate", "{story}", "--to", "fr", "--format", "pdf"],
            "Invalid value for '--format'",
        ),
        ("no --to", ["translate", "{story}"], "Missing option '--to'"),
        (
            "option of another engine",
            ["translate", "{story}", "--to", "fr", "--base-url", "{down}"],
            "the llamacpp engine takes no base_url option",
        ),
    ],
)
def test_user_errors_are_one_line_and_a_nonzero_exit(
    tmp_path: Path, bad_inputs: dict[str, Path], case: str, args: list[str], message: str
) -> None:
    values = {name.split(".")[0]: str(path) for name, path in bad_inputs.items()}
    values |= {
        "tmp": str(tmp_path),
        "story": str(FIXTURES / "council-vote.md"),
        "down": f"http://127.0.0.1:{_closed_port()}/v1",
    }
    result = run(
        *(arg.format(**values) for arg in args),
        env={"HF_HUB_OFFLINE": "1", "HF_HOME": str(tmp_path / "hf"), "OPENAI_BASE_URL": ""},
    )
    assert result.returncode != 0, case
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("editions: error: ") and message in lines[0]
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_debug_shows_the_cause_above_the_one_line(tmp_path: Path) -> None:
    down = f"http://127.0.0.1:{_closed_port()}/v1"
    story = str(FIXTURES / "council-vote.md")
    result = run("translate", story, "--to", "fr", "--engine", "openai", "--base-url", down, "--debug")
    assert result.returncode == 70
    *trace, last = result.stderr.strip().splitlines()
    assert last == f"editions: error: cannot reach the server at {down}: [Errno 111] Connection refused"
    assert "httpx.ConnectError" in "\n".join(trace)  # the cause, chained
    assert "The above exception was the direct cause of the following exception" in result.stderr
    assert "--debug" in run("--help").stdout


def test_version_and_engine_list() -> None:
    assert run("--version").stdout.startswith("editions, version")
    assert run("engines").stdout.split()[::2] == ["ctranslate2", "llamacpp", "openai"]


@pytest.mark.model
def test_translate_writes_one_file_per_language(tmp_path: Path) -> None:
    story = tmp_path / "alert.txt"
    story.write_text(
        "Bridge closed after crash\n\nThe bridge was closed on Sunday after 2 trucks collided.\n"
    )
    result = run("translate", str(story), "--to", "fr,vi", "--format", "json", "-o", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written == ["alert.fr.json", "alert.vi.json"]
    data = json.loads((tmp_path / "out" / "alert.vi.json").read_text())
    [edition] = data["editions"]
    assert edition["target_lang"] == "vi" and edition["source_headline"] == "Bridge closed after crash"
    assert edition["provenance"]["engine"] == "llamacpp" and data["editions"][0]["signature"]


@pytest.mark.model
def test_text_to_stdout_follows_the_seed_layout(tmp_path: Path) -> None:
    result = run(
        "translate",
        "-",
        "--to",
        "fr",
        "--from",
        "en",
        stdin=b"Bridge closed after crash\n\nThe bridge was closed on Sunday after 2 trucks collided.\n",
    )
    assert result.returncode == 0, result.stderr
    paragraphs = result.stdout.strip().split("\n\n")
    assert len(paragraphs) == 4
    translated, original, again, body = paragraphs
    assert original == "Bridge closed after crash" and translated == again != original
    assert detect_language(body) == "fr"
    assert missing_numbers("after 2 trucks collided", body, "en", "fr") == []


def test_qa_command_reports_findings_on_a_human_translation(tmp_path: Path) -> None:
    source = tmp_path / "story.txt"
    source.write_text("Port strike ends\n\nAbout 4,000 dockworkers went back to work on June 5 in Beijing.\n")
    good = tmp_path / "story.fr.txt"
    good.write_text(
        "Fin de la grève au port\n\nQuelque 4 000 dockers ont repris le travail le 5 juin à Pékin.\n"
    )
    bad = tmp_path / "bad.fr.txt"
    bad.write_text(
        "Fin de la grève au port\n\nQuelque 400 dockers ont repris le travail le 6 juin à Beijing.\n"
    )
    clean = run("qa", str(source), str(good), "--to", "fr", "--strict")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "0 findings" in clean.stdout
    flagged = run("qa", str(source), str(bad), "--to", "fr", "--strict", "--format", "json")
    assert flagged.returncode == 1
    codes = {f["code"] for f in json.loads(flagged.stdout)["findings"]}
    assert {"number.missing", "date.shifted", "glossary.term"} <= codes


def test_condensed_mode_asks_for_a_budget() -> None:
    article = str(Path(__file__).parents[1] / "examples" / "condensed" / "a1-gothenburg-strike.md")
    result = run("translate", article, "--to", "fr", "--mode", "condensed")
    assert result.returncode != 0 and "--mode condensed needs --words N" in result.stderr
    result = run("translate", article, "--to", "fr", "--words", "300")
    assert result.returncode != 0 and "--words goes with --mode condensed" in result.stderr
    result = run("translate", article, "--to", "fr", "--mode", "condensed", "--words", "20")
    assert result.returncode != 0 and "--words must be between 50 and 5000" in result.stderr
