"""Build llama-cpp-python for the instructions this machine executes, never reuse a foreign wheel.

    python -m editions.native.build install    # probe, build (or reuse our own wheel), install it
    python -m editions.native.build plan       # print the probe and the CMake flags, build nothing

llama.cpp's default build passes -march=native: it compiles in every instruction the CPU *advertises*.
On a virtual machine that advertises AMX but does not grant it, the library dies at the first tile
instruction. So this script turns native off and switches each ggml instruction set on only when
`editions.native.cpu` executed it in a child process. AMX is held back even where it executes (see
HELD_BACK); `EDITIONS_CPU_ALLOW=amx` builds it in. `LLAMA_CMAKE_ARGS` is appended last, for a GPU
(`-DGGML_CUDA=on`) or other flags; `EDITIONS_CPU_DENY=avx512,…` leaves sets out by hand.

pip caches the wheels it builds keyed by the source archive only, not by the flags, so a wheel built
on another machine (or with other flags) would be reused silently. We build with `--no-cache-dir` and
keep our own wheels in `~/.cache/editions/wheels/<version>-<key>/`, the key being a hash of the
version, the CMake flags, the compiler and the platform; a `build.json` beside each wheel says how it
was made, and a copy goes into the environment (`<prefix>/share/editions/llama-build.json`) for
`editions doctor`.

Standard library only: it runs before anything else is installed.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if __package__ in {None, ""}:  # run as a file: make the sibling importable
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import cpu  # type: ignore[import-not-found]
else:
    from editions.native import cpu

PACKAGE = "llama-cpp-python"
RECORD_NAME = "llama-build.json"
USER_ARGS_ENV = "LLAMA_CMAKE_ARGS"
WHEEL_DIR_ENV = "EDITIONS_WHEEL_DIR"


def record_path(prefix: str | None = None) -> Path:
    """Where the build record of the llama-cpp-python installed in this environment lives."""
    return Path(prefix or sys.prefix) / "share" / "editions" / RECORD_NAME


def library_dir() -> Path | None:
    """The directory holding llama-cpp-python's shared libraries, found without loading them."""
    import importlib
    import importlib.util

    importlib.invalidate_caches()  # pip may have just installed it
    spec = importlib.util.find_spec("llama_cpp")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "lib"


def library_files() -> list[Path]:
    directory = library_dir()
    if directory is None or not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if ".so" in p.name or p.suffix in {".dylib", ".dll"})


def library_digest() -> str | None:
    """sha256 over the installed shared libraries: tells our build from one installed over it."""
    files = [p for p in library_files() if not p.is_symlink()]
    if not files:
        return None
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def wheel_root() -> Path:
    if os.environ.get(WHEEL_DIR_ENV):
        return Path(os.environ[WHEEL_DIR_ENV])
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "editions" / "wheels"


def locked_version(lock: Path) -> str:
    pattern = re.compile(r"^llama[-_.]cpp[-_.]python==([^\s;#]+)", re.IGNORECASE)
    for line in lock.read_text().splitlines():
        match = pattern.match(line.strip())
        if match:
            return match.group(1)
    raise SystemExit(f"{lock}: no {PACKAGE}==VERSION line; run `make lock`")


# Instruction sets left out even where they execute, unless EDITIONS_CPU_ALLOW names them. AMX: the
# tile kernel of the llama.cpp that llama-cpp-python 0.3.36 vendors builds its tile configuration on
# the stack, and GCC drops the stores of the row and column sizes (see docs/ARCHITECTURE.md, "Native
# build"). `ldtilecfg` then loads a configuration with no tiles (the next `tilezero` is SIGILL) or with
# stack garbage (a general protection fault, SIGSEGV): it crashes on every machine that reaches it,
# AMX hardware included. It would also only speed up large prompt batches, not generation.
HELD_BACK = {"amx_tile", "amx_int8", "amx_bf16"}
ALLOW_ENV = "EDITIONS_CPU_ALLOW"


def allowed(name: str) -> bool:
    wanted = {n.strip() for n in os.environ.get(ALLOW_ENV, "").split(",") if n.strip()}
    return name not in HELD_BACK or name in wanted or ("amx" in wanted and name.startswith("amx"))


def cmake_args(verdicts: dict[str, cpu.Verdict]) -> list[str]:
    """The CMake flags for this machine: each instruction set on only if it executed and is not held back."""
    args = ["-DLLAVA_BUILD=OFF"]  # the multimodal library: not used, and a third of the build time
    if cpu.is_x86_64():
        args.append("-DGGML_NATIVE=OFF")
        for f in cpu.FEATURES:
            on = verdicts[f.name].usable and allowed(f.name)
            args.append(f"-D{f.ggml}={'ON' if on else 'OFF'}")
    # elsewhere (ARM, …) llama.cpp's own native detection asks the OS, not just the CPU
    args += shlex.split(os.environ.get(USER_ARGS_ENV, ""))
    return args


def _compiler() -> str:
    compiler = os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc") or "cc"
    try:
        out = subprocess.run([compiler, "--version"], capture_output=True, text=True, timeout=30, check=False)
        return (out.stdout.splitlines() or [compiler])[0]
    except OSError:
        return compiler


def build_key(version: str, args: list[str]) -> dict[str, str]:
    facts = {
        "package": PACKAGE,
        "version": version,
        "cmake_args": " ".join(args),
        "compiler": _compiler(),
        "machine": platform.machine(),
        "libc": " ".join(platform.libc_ver()),
    }
    facts["key"] = hashlib.sha256(json.dumps(facts, sort_keys=True).encode()).hexdigest()[:16]
    return facts


def _pip(*args: str, env: dict[str, str] | None = None) -> None:
    command = [sys.executable, "-m", "pip", *args]
    print("+", " ".join(shlex.quote(a) for a in command), flush=True)
    subprocess.run(command, check=True, env=env)


def build_wheel(version: str, facts: dict[str, str], args: list[str], target: Path) -> Path:
    """Compile the wheel from source with ARGS into TARGET (never from or into pip's cache)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".build-") as scratch:
        env = {
            **os.environ,
            "CMAKE_ARGS": " ".join(args),
            "CMAKE_BUILD_PARALLEL_LEVEL": os.environ.get(
                "CMAKE_BUILD_PARALLEL_LEVEL", str(os.cpu_count() or 2)
            ),
        }
        started = time.monotonic()
        _pip(
            "wheel", "--quiet", "--no-deps", "--no-cache-dir", "--no-binary", PACKAGE,
            f"{PACKAGE}=={version}", "-w", scratch, env=env,
        )  # fmt: skip
        wheels = list(Path(scratch).glob("*.whl"))
        if len(wheels) != 1:
            raise SystemExit(f"pip wheel left {len(wheels)} wheels in {scratch}, expected 1")
        record = {**facts, "built_seconds": round(time.monotonic() - started), "wheel": wheels[0].name}
        (Path(scratch) / "build.json").write_text(json.dumps(record, indent=1) + "\n")
        if target.exists():  # a directory left without build.json: an interrupted copy
            shutil.rmtree(target)
        Path(scratch).rename(target)  # atomic: a half-built directory is never taken for a wheel
        Path(scratch).mkdir()  # for TemporaryDirectory's clean-up
    return target


def install(lock: Path) -> int:
    version = locked_version(lock)
    verdicts = cpu.probe()
    args = cmake_args(verdicts)
    facts = build_key(version, args)
    print(f"native build: {PACKAGE} {version}, key {facts['key']}", flush=True)
    for verdict in verdicts.values():
        if verdict.advertised and not verdict.usable:
            print(f"  left out: {verdict.line()}", flush=True)
        elif verdict.usable and not allowed(verdict.feature):
            print(f"  held back: {verdict.feature} (executes here; {ALLOW_ENV}=amx builds it in)", flush=True)
    print(f"  cmake: {facts['cmake_args']}", flush=True)

    directory = wheel_root() / f"{PACKAGE}-{version}-{facts['key']}"
    if not (directory / "build.json").is_file():
        print(f"  building from source into {directory} (about 7 minutes on 2 cores)", flush=True)
        build_wheel(version, facts, args, directory)
    else:
        print(f"  reusing our wheel built with these exact flags: {directory}", flush=True)
    record = json.loads((directory / "build.json").read_text())
    record["probe"] = {name: v.usable for name, v in verdicts.items()}
    record["cpu_model"] = cpu.cpu_model()

    installed = record_path()
    previous = json.loads(installed.read_text()) if installed.is_file() else {}
    ours = previous.get("key") == facts["key"] and previous.get("libraries_sha256") == library_digest()
    if not ours or not _installed(version):  # another build, or another wheel installed over ours
        _pip("install", "--quiet", "--no-deps", "--force-reinstall", str(directory / record["wheel"]))
    record["libraries_sha256"] = library_digest()
    installed.parent.mkdir(parents=True, exist_ok=True)
    installed.write_text(json.dumps(record, indent=1) + "\n")
    return 0


def _installed(version: str) -> bool:
    try:
        from importlib.metadata import version as installed_version

        return installed_version(PACKAGE) == version
    except Exception:
        return False


def plan() -> int:
    verdicts = cpu.probe()
    for verdict in verdicts.values():
        print(verdict.line())
    print(" ".join(cmake_args(verdicts)))
    return 0


def main(argv: list[str]) -> int:
    lock = Path(os.environ.get("EDITIONS_LOCK", "requirements.lock"))
    if argv[:1] == ["install"]:
        return install(lock)
    if argv[:1] == ["plan"]:
        return plan()
    print(__doc__.split("\n\n")[0].strip() if __doc__ else "", file=sys.stderr)
    return 64


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
