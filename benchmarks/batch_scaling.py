"""`editions batch` on Ray: throughput with 1, 2 and 4 workers against a latency-bound engine.

    .venv/bin/python benchmarks/batch_scaling.py [--articles 64] [--delay 0.4] [--workers 1,2,4]

A remote GPU fleet is modelled by loopback OpenAI-compatible servers (benchmarks/soak.py's
`FakeUpstream`, one per worker) that answer every chat completion after a fixed `--delay`; the
openai engine gets one Ray actor per `--base-url`, as `editions batch --engine openai --base-url …`
does. Each article (headline and three paragraphs) goes into fr, so the request count is bounded:
articles × 4 segments. One local Ray serves every run (started once), and each run writes into a
fresh folder, so nothing is skipped. The runs go one after the other in one process, side by side.

workers    actors (and servers)
editions   editions written (all of them, or the run is reported as failed)
wall s     `run_batch` from start to summary, workers' start included
start s    of that, until the first task was sent (actors starting, signatures)
ed/min     editions per minute over the wall time
speed-up   ed/min against 1 worker, over the wall time and over the time after the start
           (goal: 4 workers ≥ 3.2× one worker)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
from pathlib import Path
from typing import Any

from editions import __version__
from editions.batch import BatchConfig, BatchItem, actor_options, read_inputs, run_batch
from editions.engines import engine_options

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from soak import PHRASES, FakeUpstream  # noqa: E402


def _articles(path: Path, n: int) -> Path:
    lines = []
    for i in range(n):
        headline, *body = (en.format(n=10 + i + k) for k, (en, _, _) in enumerate(PHRASES[:4]))
        blocks = [{"id": f"b{k}", "kind": "paragraph", "text": t} for k, t in enumerate(body, 1)]
        lines.append(json.dumps({"headline": headline, "blocks": blocks}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _run(items: list[BatchItem], servers: list[FakeUpstream], workers: int, out: Path) -> dict[str, Any]:
    urls = [f"http://127.0.0.1:{s.port}/v1" for s in servers[:workers]]
    options = engine_options("openai", model="soak-fake", base_url=None)
    per_actor, cpus, gpus = actor_options(options, urls, 1, os.cpu_count() or 1)
    config = BatchConfig(targets=["fr"], out=out, engines=per_actor, cpus_per_actor=cpus, gpus_per_actor=gpus)
    calls = sum(s.calls for s in servers)
    summary = run_batch(items, config)
    busy = summary.wall_s - summary.start_s
    return {
        "workers": workers,
        "editions": summary.editions_written,
        "failures": len(summary.failures),
        "requests": sum(s.calls for s in servers) - calls,
        "wall_s": summary.wall_s,
        "start_s": summary.start_s,
        "editions_per_minute": summary.editions_per_minute,
        "editions_per_minute_after_start": round(60 * summary.editions_written / busy, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=64)
    parser.add_argument("--delay", type=float, default=0.4, help="seconds per chat completion")
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "batch_scaling.json")
    args = parser.parse_args()
    counts = [int(w) for w in args.workers.split(",")]

    import ray

    ray.init(
        num_cpus=os.cpu_count() or 1, include_dashboard=False, log_to_driver=False, logging_level="ERROR"
    )
    servers = [FakeUpstream(delay=args.delay) for _ in range(max(counts))]
    try:
        with tempfile.TemporaryDirectory() as tmp:
            items = read_inputs(_articles(Path(tmp) / "in.jsonl", args.articles))
            _run(items[:4], servers, max(counts), Path(tmp) / "warm-up")  # fills the disk cache; not reported
            rows = [_run(items, servers, w, Path(tmp) / f"out-{w}") for w in counts]
    finally:
        for server in servers:
            server.stop()
        ray.shutdown()

    base = rows[0]
    print(f"{args.articles} articles into fr, {args.delay} s per request, one server per worker\n")
    header = f"{'workers':>7} {'editions':>8} {'requests':>8} {'wall s':>7} {'start s':>7} {'ed/min':>7} "
    print(header + f"{'speed-up (wall)':>15} {'(after start)':>13}")
    for row in rows:
        row["speedup"] = round(row["editions_per_minute"] / base["editions_per_minute"], 2)
        row["speedup_after_start"] = round(
            row["editions_per_minute_after_start"] / base["editions_per_minute_after_start"], 2
        )
        print(
            f"{row['workers']:>7} {row['editions']:>8} {row['requests']:>8} {row['wall_s']:>7.1f} "
            f"{row['start_s']:>7.1f} {row['editions_per_minute']:>7.1f} {row['speedup']:>14.2f}× "
            f"{row['speedup_after_start']:>12.2f}×"
        )
    result = {
        "benchmark": "batch_scaling",
        "version": __version__,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "articles": args.articles,
        "delay_s": args.delay,
        "target": "fr",
        "rows": rows,
        "goal": "4 workers >= 3.2x one worker",
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")


if __name__ == "__main__":
    main()
