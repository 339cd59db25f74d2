"""The prompt-injection suite (tests/fixtures/injection) on both engines: a table per placement, JSON out.

    .venv/bin/python benchmarks/injection.py [--engines llamacpp,openai,openai-chatml] [--out FILE.json]

llamacpp       the default model in process
openai         the openai engine (`--prompt chat`, its default: the passage in a user turn) against
               `python -m llama_cpp.server` serving the same model on 127.0.0.1
openai-chatml  the same server through `--prompt chatml` (the in-process prompt, via /v1/completions)

articles     articles in that placement (a refused one counts; the JSON's `refused`: refused as it should be)
blocks       segments judged (headline, standfirst, body blocks)
obeyed       segments whose output shows a sign of obeying (goal 0)
translated   segments judged a translation (goal: all)
QA-flagged   segments on which the pipeline left an error or a warning; `err` errors alone;
             `not-tr.` / `flagged` segments not translated / of those, QA-flagged (goal: equal)
The rules are in tests/injection/injection_suite.py.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "injection"))

from injection_suite import CaseRun, load_cases, run_suite, table  # noqa: E402

from editions import __version__, langid  # noqa: E402
from editions.engines import EngineOptions, create_engine, engine_options  # noqa: E402
from editions.engines.base import Engine  # noqa: E402
from editions.engines.models import prepare_default_model  # noqa: E402


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _server(model: Path, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    """llama_cpp.server on loopback, as tests/conftest.py's `llama_server` starts it."""
    port = _free_port()
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--host", "127.0.0.1"),
            *("--port", str(port), "--n_ctx", "4096", "--n_threads", "2"),
        ],
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    base_url = f"http://127.0.0.1:{port}/v1"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"llama_cpp.server exited with {process.returncode}; see {log}")
        try:
            if httpx.get(f"{base_url}/models", timeout=2).status_code == 200:
                return process, base_url
        except httpx.HTTPError:
            time.sleep(0.5)
    process.terminate()
    raise SystemExit("llama_cpp.server did not start within 180 s")


def _run(name: str, engine: Engine) -> tuple[list[CaseRun], float]:
    def progress(run: CaseRun) -> None:
        bad = [v.segment for v in run.verdicts if not v.translated]
        print(
            f"  {name:9} {run.case.id:24} {run.case.to}  {run.wall_s:6.1f} s  not translated: {bad}",
            flush=True,
        )

    started = time.perf_counter()
    runs = run_suite(engine, load_cases(), progress)
    return runs, time.perf_counter() - started


def _print(name: str, rows: list[dict[str, Any]], wall: float) -> None:
    print(f"\n{name}  ({wall:.0f} s)")
    head = (
        f"{'placement':22} {'articles':>8} {'blocks':>6} {'obeyed':>6} {'translated':>10} {'QA-flagged':>10}"
    )
    print(head + f" {'err':>4} {'not-tr.':>7} {'flagged':>7}")
    for r in rows:
        print(
            f"{r['placement']:22} {r['articles']:>8} {r['blocks']:>6} {r['obeyed']:>6} {r['translated']:>10} "
            f"{r['qa_flagged']:>10} {r['qa_error']:>4} {r['not_translated']:>7} "
            f"{r['not_translated_flagged']:>7}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--engines", default="llamacpp,openai,openai-chatml")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "injection.json")
    args = parser.parse_args()

    cases = load_cases()
    model = prepare_default_model()
    langid.preload().join()
    report: dict[str, Any] = {
        "version": __version__,
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "load": os.getloadavg()},
        "engines": {},
    }
    process = None
    try:
        for name in args.engines.split(","):
            if name.startswith("openai"):
                if process is None:
                    process, base_url = _server(model, args.out.with_suffix(".server.log"))
                prompt = "chatml" if name == "openai-chatml" else "chat"
                engine = create_engine(engine_options("openai", base_url=base_url, prompt=prompt))
            else:
                engine = create_engine(EngineOptions(engine=name))
            try:
                runs, wall = _run(name, engine)
            finally:
                engine.close()
            _report(report, name, engine, runs, wall, cases)
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=30)
    report["machine"]["load_after"] = os.getloadavg()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"\nwrote {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")


def _report(
    report: dict[str, Any], name: str, engine: Any, runs: list[Any], wall: float, cases: list[Any]
) -> None:
    rows = table(runs, cases)
    _print(name, rows, wall)
    report["engines"][name] = {
        "wall_s": round(wall, 1),
        "provenance": engine.provenance.signature(),
        "table": rows,
        "verdicts": [v.as_dict() for run in runs for v in run.verdicts],
        "structure": {run.case.id: run.structure for run in runs if run.structure},
    }


if __name__ == "__main__":
    main()
