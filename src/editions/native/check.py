"""Does the native llama.cpp library run here? Found out in a child process, so a crash costs one line.

A library compiled with instructions this machine cannot execute (AMX on a VM that does not grant the
tile state, AVX-512 where the OS does not save its registers) kills the process at its first matrix
product, with no Python exception to catch. So before the in-process engine loads a model, a child
process loads the same library and model and generates a few tokens. How the child ended is kept in
the user cache directory, keyed by the library files, the model file and the CPU, so the check runs
once per build and model: afterwards a crash is one clear error naming the signal and the CPU
features involved, and a success costs nothing.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from editions.errors import NativeLibraryError
from editions.native import build, cpu
from editions.native.build import library_files

# Test seam: the child dies this way ("abort" → SIGABRT, "segv" → SIGSEGV) right after loading the
# library, as a library built for another CPU would at its first instruction.
CHILD_FAULT_ENV = "EDITIONS_NATIVE_CHILD_FAULT"
CACHE_ENV = "EDITIONS_CACHE_DIR"
_RESULT_PREFIX = "editions-native-check: "
# A batch of a few dozen tokens, as a translation prompt is: some kernels (AMX) only run on batches.
PROMPT = (
    "Translate into French: Dock workers at the port of Rotterdam walked out on Tuesday, "
    "and forty ships waited at anchor while talks resumed."
)

# llama_print_system_info() names → our feature names (editions.native.cpu)
_SYSTEM_INFO_FEATURES = {
    "SSE42": "sse4_2",
    "F16C": "f16c",
    "FMA": "fma",
    "BMI2": "bmi2",
    "AVX": "avx",
    "AVX2": "avx2",
    "AVX_VNNI": "avx_vnni",
    "AVX512": "avx512",
    "AVX512_VBMI": "avx512_vbmi",
    "AVX512_VNNI": "avx512_vnni",
    "AVX512_BF16": "avx512_bf16",
    "AMX_INT8": "amx_int8",
}


@dataclass
class NativeResult:
    ok: bool
    detail: str  # one line for the user
    signal: str | None = None
    system_info: str = ""
    tokens: int = 0
    seconds: float = 0.0
    compiled: list[str] = field(default_factory=list)  # our feature names the library was built with

    @property
    def tokens_per_s(self) -> float | None:
        return self.tokens / self.seconds if self.ok and self.seconds > 0 else None


def cache_dir() -> Path:
    override = os.environ.get(CACHE_ENV)
    if override:
        return Path(override)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("editions", appauthor=False))


def compiled_features(system_info: str) -> list[str]:
    """Our feature names that llama.cpp reports as compiled in (`AVX512 = 1`, `AMX_INT8 = 1`, …)."""
    found = re.findall(r"\b([A-Z0-9_]+) = 1\b", system_info)
    return sorted({_SYSTEM_INFO_FEATURES[name] for name in found if name in _SYSTEM_INFO_FEATURES})


def _signal_name(returncode: int) -> str:
    try:
        return signal.Signals(-returncode).name
    except ValueError:
        return f"signal {-returncode}"


_SIGNAL_MEANING = {
    "SIGILL": "an instruction this CPU cannot execute",
    "SIGSEGV": "a memory or protection fault, which is what AMX gives on a machine that does not grant it",
    "SIGBUS": "a bus error",
    "SIGABRT": "the library aborted",
    "SIGFPE": "an arithmetic fault",
}


def crash_line(signal_name: str, compiled: list[str], usable: set[str] | None) -> str:
    """One line: the signal, what it means, and the CPU features involved, with what to do."""
    meaning = _SIGNAL_MEANING.get(signal_name, "a fatal signal")
    held = [name for name in compiled if not build.allowed(name)]
    if usable is not None and compiled:
        bad = [name for name in compiled if name not in usable]
        if bad:
            involved = (
                f"it was built with {', '.join(bad)}, which this machine does not let a process execute"
            )
        elif held:
            involved = f"it was built with {', '.join(held)}, whose llama.cpp kernel is known to crash"
        else:
            involved = f"it was built with {', '.join(compiled)}, all of which execute here in the probe"
    else:
        involved = "its CPU features could not be read"
    return (
        f"the llama.cpp library died with {signal_name} ({meaning}) in a child process; {involved}; "
        "rebuild it for this machine with `make native` (or set EDITIONS_CPU_DENY=amx,avx512 for it)"
    )


def run_child(model_path: Path, tokens: int = 4, timeout: float = 300.0) -> NativeResult:
    """Load the library and MODEL_PATH in a child process and generate TOKENS tokens."""
    command = [sys.executable, "-m", "editions.native.check", str(model_path), str(tokens)]
    try:
        child = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return NativeResult(False, f"the native check did not finish within {timeout:.0f} s")
    report: dict[str, Any] = {}
    for line in child.stdout.splitlines():
        if line.startswith(_RESULT_PREFIX):
            report.update(json.loads(line[len(_RESULT_PREFIX) :]))
    system_info = str(report.get("system_info", ""))
    compiled = compiled_features(system_info)
    if child.returncode < 0:
        name = _signal_name(child.returncode)
        usable = cpu.usable(cpu.probe(compiled)) if compiled and cpu.is_x86_64() else None
        return NativeResult(False, crash_line(name, compiled, usable), name, system_info, compiled=compiled)
    if child.returncode != 0 or "tokens" not in report:
        last = (child.stderr.strip().splitlines() or [f"exit status {child.returncode}"])[-1]
        return NativeResult(
            False, f"the native check failed: {last[:240]}", None, system_info, compiled=compiled
        )
    result = NativeResult(
        True, "", None, system_info, int(report["tokens"]), float(report["seconds"]), compiled=compiled
    )
    result.detail = (
        f"generated {result.tokens} tokens in a child process ({result.tokens_per_s or 0:.1f} tok/s)"
    )
    return result


def _file_identity(path: Path) -> list[Any]:
    try:
        stat = path.stat()
    except OSError:
        return [str(path), None]
    return [str(path), stat.st_size, stat.st_mtime_ns]


def check_key(model_path: Path) -> str:
    facts = {
        "libraries": [_file_identity(p) for p in library_files()],
        "model": _file_identity(model_path),
        "cpu": sorted(cpu.cpuinfo_flags()),
        "python": sys.executable,
        "env": [os.environ.get(name, "") for name in (CHILD_FAULT_ENV, cpu.FAULT_ENV, cpu.DENY_ENV)],
    }
    return hashlib.sha256(json.dumps(facts, sort_keys=True).encode()).hexdigest()


def _cache_file() -> Path:
    return cache_dir() / "native-check.json"


def _read_cache() -> dict[str, Any]:
    try:
        data = json.loads(_cache_file().read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def remember(model_path: Path, result: NativeResult) -> None:
    cache = _read_cache()
    cache[check_key(model_path)] = {**asdict(result), "checked_at": time.time()}
    target = _cache_file()
    with contextlib.suppress(OSError):  # an unwritable cache only means checking again next time
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(dict(list(cache.items())[-20:]), indent=1))
        os.replace(tmp, target)


def remembered(model_path: Path) -> NativeResult | None:
    entry = _read_cache().get(check_key(model_path))
    if not isinstance(entry, dict):
        return None
    entry.pop("checked_at", None)
    try:
        return NativeResult(**entry)
    except TypeError:
        return None


def ensure_runs(model_path: Path) -> None:
    """Raise NativeLibraryError if the library would kill this process; check once per build and model."""
    result = remembered(model_path)
    if result is None:
        result = run_child(model_path)
        remember(model_path, result)
    if not result.ok:
        raise NativeLibraryError(result.detail)


def _child(model_path: str, tokens: int) -> int:
    """In the child: report the library's compiled features, then load the model and generate."""
    import llama_cpp

    info = llama_cpp.llama_print_system_info()
    system_info = info.decode("utf-8", "replace") if isinstance(info, bytes) else str(info)
    print(_RESULT_PREFIX + json.dumps({"system_info": system_info.strip()}), flush=True)
    fault = os.environ.get(CHILD_FAULT_ENV, "")
    if fault == "abort":
        os.abort()
    if fault == "segv":
        os.kill(os.getpid(), signal.SIGSEGV)
    llm = llama_cpp.Llama(model_path=model_path, n_ctx=256, n_threads=os.cpu_count() or 1, verbose=False)
    started = time.perf_counter()
    reply = llm.create_completion(PROMPT, max_tokens=tokens, temperature=0.0, top_k=1)
    seconds = time.perf_counter() - started
    usage = reply.get("usage", {}) if isinstance(reply, dict) else {}  # not streamed: always a dict
    generated = int(usage.get("completion_tokens", 0))
    print(_RESULT_PREFIX + json.dumps({"tokens": generated, "seconds": seconds}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(_child(sys.argv[1], int(sys.argv[2])))
