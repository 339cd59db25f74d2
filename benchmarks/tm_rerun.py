"""Translation memory: how much faster is re-submitting an unchanged article? Prints a table, writes JSON.

    .venv/bin/python benchmarks/tm_rerun.py [--article examples/water-summit.md] [--to fr] [--reruns 5]

Everything goes through the service as a newsroom uses it: `create_app` served by uvicorn on
127.0.0.1, a fresh SQLite store, one worker with the default model (loaded before timing starts),
`POST /v1/articles`, then `GET /v1/jobs/{id}` until the job is done. The first run translates; each
re-run submits the same article again and must be served from the memory with zero engine calls.

first      seconds from submission to a finished job, first time (engine at work; the client polls
           the job with a back-off up to 0.25 s, so this may be up to 0.25 s late)
re-run     median seconds over --reruns re-submissions (memory hits only)
speed-up   first / re-run (goal ≥ 50×)
"""

from __future__ import annotations

import argparse
import json
import platform
import socket
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from editions import __version__, langid
from editions.engines import EngineOptions, create_engine
from editions.service.app import create_app
from editions.service.context import ServiceConfig, ServiceContext
from editions.service.worker import JobRunner

ROOT = Path(__file__).resolve().parent.parent


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _run_job(client: httpx.Client, body: dict[str, Any]) -> tuple[float, dict[str, Any]]:
    started = time.perf_counter()
    job_id = client.post("/v1/articles", json=body).raise_for_status().json()["job_id"]
    pause = 0.005  # backs off to 0.25 s, so that polling does not take CPU from the model
    while True:
        job: dict[str, Any] = client.get(f"/v1/jobs/{job_id}").raise_for_status().json()
        if job["status"] in ("done", "failed"):
            return time.perf_counter() - started, job
        time.sleep(pause)
        pause = min(0.25, pause * 1.5)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--article", type=Path, default=ROOT / "examples" / "water-summit.md")
    parser.add_argument("--to", default="fr")
    parser.add_argument("--reruns", type=int, default=5)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "tm_rerun.json")
    args = parser.parse_args()

    text = args.article.read_text(encoding="utf-8")
    body = {"text": text, "format": "md", "targets": args.to.split(",")}
    preload = langid.preload()
    engine = create_engine(EngineOptions())
    preload.join()
    with tempfile.TemporaryDirectory() as tmp:
        config = ServiceConfig(
            database_url=f"sqlite:///{tmp}/editions.db", port=_port(), workers=1, rate_per_minute=1_000_000
        )
        ctx = ServiceContext.open(config)
        ctx.runner = JobRunner(ctx, engine=engine)
        server = uvicorn.Server(
            uvicorn.Config(create_app(config, ctx=ctx), port=config.port, log_level="error")
        )
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)
        with httpx.Client(base_url=f"http://127.0.0.1:{config.port}", timeout=900) as client:
            first_s, first = _run_job(client, body)
            reruns = [_run_job(client, body) for _ in range(args.reruns)]
        server.should_exit = True
        thread.join(timeout=30)
    rerun_s = statistics.median(s for s, _ in reruns)
    result = {
        "article": str(args.article.relative_to(ROOT))
        if args.article.is_relative_to(ROOT)
        else str(args.article),
        "targets": body["targets"],
        "segments": first["segments"]["total"],
        "first_s": round(first_s, 3),
        "first_engine_calls": first["engine_calls"],
        "rerun_median_s": round(rerun_s, 4),
        "rerun_s": [round(s, 4) for s, _ in reruns],
        "rerun_engine_calls": [job["engine_calls"] for _, job in reruns],
        "rerun_memory_hits": [job["memory_hits"] for _, job in reruns],
        "speedup": round(first_s / rerun_s, 1),
        "version": __version__,
        "machine": f"{platform.machine()} {platform.python_implementation()} {platform.python_version()}",
        "date": time.strftime("%Y-%m-%d"),
    }
    header = ["article", "segments", "first s", "calls", "re-run s", "calls", "speed-up"]
    widths = [-28, 8, 9, 6, 9, 6, 9]
    print(
        " ".join(f"{name:<{-w}}" if w < 0 else f"{name:>{w}}" for name, w in zip(header, widths, strict=True))
    )
    print(
        f"{result['article']:<28} {result['segments']:>8} {first_s:>9.2f} {first['engine_calls']:>6} "
        f"{rerun_s:>9.3f} {max(result['rerun_engine_calls']):>6} {result['speedup']:>8.0f}×"
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
