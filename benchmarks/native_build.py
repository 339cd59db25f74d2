"""Generated tokens/s of llama-cpp-python wheels built with different flags, side by side on one machine.

    .venv/bin/python benchmarks/native_build.py NAME=WHEEL [NAME=WHEEL ...] [--rounds 5] [--tokens 96]

Each wheel is unpacked into a scratch directory and run in its own child process (so each loads its
own libraries): load the default model, evaluate a ~145-token news prompt, generate TOKENS tokens
greedily. The wheels take turns round by round, so a burst of load on a shared machine hits all of
them alike. Prints a table of medians and writes benchmarks/results/native_build.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).parent / "results" / "native_build.json"

PROMPT = (
    "Rotterdam dockworkers returned to work on March 14 after their union accepted a 6.5% pay rise "
    "over two years, ending a 12-day strike that had left more than 40 container ships waiting at "
    "anchor. The deal, announced by the FNV union on Thursday, also limits night shifts to four a "
    "month. The port authority put the cost of the strike at 180 million euros and said the backlog "
    "of 1,250 delayed containers should be cleared within ten days. Shipping lines had diverted "
    "vessels to Antwerp and Hamburg during the stoppage, and freight rates on the route rose by a "
    "fifth. Translate the report above into French, keeping every number.\n\nFrench:"
)

CHILD = """
import json, sys, time
import llama_cpp
model, tokens = sys.argv[1], int(sys.argv[2])
info = llama_cpp.llama_print_system_info()
t0 = time.perf_counter()
llm = llama_cpp.Llama(model_path=model, n_ctx=1024, n_threads=2, n_threads_batch=2, verbose=False)
load = time.perf_counter() - t0
prompt = llm.tokenize(sys.stdin.read().encode())
llm.reset()
t1 = time.perf_counter()
llm.eval(prompt)
prompt_s = time.perf_counter() - t1
generated = 0
t2 = time.perf_counter()
for token in llm.generate(prompt, temp=0.0, top_k=1, reset=False):
    generated += 1
    if generated >= tokens:
        break
gen_s = time.perf_counter() - t2
print(json.dumps({"load_s": load, "prompt_tokens": len(prompt), "prompt_s": prompt_s,
                  "tokens": generated, "gen_s": gen_s, "system_info": info.decode()}))
"""


def unpack(wheel: Path, into: Path) -> Path:
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(into)
    for library in (into / "llama_cpp" / "lib").iterdir():
        library.chmod(0o755)
    return into


def run_once(site: Path, model: Path, tokens: int) -> dict[str, float | str] | str:
    """One run's figures, or why the child died (a build that cannot run here is reported, not fatal)."""
    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(model), str(tokens)],
        input=PROMPT,
        capture_output=True,
        text=True,
        timeout=900,
        env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"},
        check=False,
    )
    if child.returncode < 0:
        return f"died with {signal.Signals(-child.returncode).name}"
    if child.returncode != 0:
        return f"exited {child.returncode}: {child.stderr.strip()[-200:]}"
    result: dict[str, float | str] = json.loads(child.stdout.strip().splitlines()[-1])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("wheels", nargs="+", help="NAME=PATH/TO/llama_cpp_python-….whl")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--tokens", type=int, default=96)
    parser.add_argument("--model", type=Path, default=None)
    args = parser.parse_args()

    from editions.engines.models import prepare_default_model

    model = args.model or prepare_default_model()
    runs: dict[str, list[dict[str, float | str]]] = {}
    failed: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as scratch:
        sites = {}
        for spec in args.wheels:
            name, _, path = spec.partition("=")
            sites[name] = unpack(Path(path), Path(scratch) / name)
            runs[name] = []
        for round_no in range(args.rounds):
            for name, site in sites.items():
                if name in failed:
                    continue
                outcome = run_once(site, model, args.tokens)
                if isinstance(outcome, str):
                    failed[name] = outcome
                    print(f"round {round_no + 1} {name}: {outcome}", file=sys.stderr, flush=True)
                    continue
                runs[name].append(outcome)
                last = outcome
                speed = float(last["tokens"]) / float(last["gen_s"])
                print(f"round {round_no + 1} {name}: {speed:.2f} tok/s", file=sys.stderr, flush=True)

    rows: list[dict[str, Any]] = []
    for name, results in runs.items():
        if name in failed:
            rows.append({"build": name, "failed": failed[name]})
            continue
        gen = [float(r["tokens"]) / float(r["gen_s"]) for r in results]
        prompt = [float(r["prompt_tokens"]) / float(r["prompt_s"]) for r in results]
        rows.append({
            "build": name,
            "generated_tok_s_median": round(statistics.median(gen), 2),
            "generated_tok_s_runs": [round(g, 2) for g in gen],
            "prompt_tok_s_median": round(statistics.median(prompt), 1),
            "load_s_median": round(statistics.median(float(r["load_s"]) for r in results), 2),
            "system_info": str(results[0]["system_info"]),
        })  # fmt: skip
    base = next(row["generated_tok_s_median"] for row in rows if "failed" not in row)
    print(f"\n{'build':<22} {'gen tok/s (median)':>19} {'vs first':>9} {'prompt tok/s':>13} {'load s':>7}")
    for row in rows:
        if "failed" in row:
            print(f"{row['build']:<22} {row['failed']}")
            continue
        ratio = float(row["generated_tok_s_median"]) / float(base)
        row["generated_vs_first"] = round(ratio, 3)
        print(f"{row['build']:<22} {row['generated_tok_s_median']:>19} {ratio:>9.3f} "
              f"{row['prompt_tok_s_median']:>13} {row['load_s_median']:>7}")  # fmt: skip
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({
        "machine": {"cpu": _cpu_model(), "python": platform.python_version(), "threads": 2},
        "rounds": args.rounds, "tokens": args.tokens, "model": str(model.name), "builds": rows,
    }, indent=1) + "\n")  # fmt: skip
    print(f"\nwritten to {RESULTS}")
    return 0


def _cpu_model() -> str:
    from editions.native.cpu import cpu_model

    return cpu_model()


if __name__ == "__main__":
    sys.exit(main())
