"""`editions doctor`: can this machine do the job? Each check is a row; each failure one line of advice.

    python and packages   versions, and whether they match requirements.lock (in a source checkout)
    model                 the default model file: present, size, sha256
    native                the llama.cpp library loads and generates a few tokens, in a child process
    cpu                   the instruction sets the library was built with against those that execute here
    data                  the data directory is writable; the database opens and its schema is current
    postgresql, chromium  optional parts: a warning when missing, never a failure

Nothing here loads the model into this process: whatever the native library does, the doctor lives
to tell it.
"""

from __future__ import annotations

import json
import platform
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, Literal

from editions.errors import EditionsError

Status = Literal["ok", "warn", "fail", "skip"]

KEY_PACKAGES = (
    "editions",
    "llama-cpp-python",
    "pydantic",
    "httpx",
    "lingua-language-detector",
    "babel",
    "sqlalchemy",
    "fastapi",
    "uvicorn",
)


@dataclass
class Check:
    name: str
    status: Status
    detail: str
    hint: str = ""  # one line, for a failure or a warning


@dataclass
class Context:
    """What the checks found that later checks need."""

    model_path: Path | None = None
    native_compiled: list[str] | None = None


def _installed(name: str) -> str | None:
    try:
        return version(name)
    except PackageNotFoundError:
        return None


def _lock_file() -> Path | None:
    candidate = Path(__file__).resolve().parents[2] / "requirements.lock"  # a source checkout
    return candidate if candidate.is_file() else None


def check_python(_: Context) -> Check:
    versions = {name: _installed(name) for name in KEY_PACKAGES}
    shown = ", ".join(f"{n} {v or 'missing'}" for n, v in versions.items())
    detail = f"Python {platform.python_version()} ({sys.executable}); {shown}"
    if versions["llama-cpp-python"] is None:
        return Check("python", "fail", detail, "llama-cpp-python is missing: run `make install`")
    lock = _lock_file()
    if lock is not None:
        drift = []
        for line in lock.read_text().splitlines():
            name, sep, pinned = line.strip().partition("==")
            if sep and not line.startswith("#"):
                have = _installed(name)
                if have is not None and have != pinned.strip():
                    drift.append(f"{name} {have} (lock {pinned.strip()})")
        if drift:
            return Check(
                "python", "warn", f"{detail}; differs from requirements.lock: {', '.join(drift[:6])}",
                "installed versions differ from requirements.lock: "
                "`make clean install` reinstalls the pinned ones",
            )  # fmt: skip
        detail += "; all installed pins match requirements.lock"
    return Check("python", "ok", detail)


def check_model(ctx: Context) -> Check:
    from editions.engines.models import DEFAULT_MODEL, hash_file
    from editions.paths import models_dir

    path = models_dir() / DEFAULT_MODEL.filename
    if not path.is_file():
        return Check(
            "model", "fail", f"{path}: not found",
            "the default model is not prepared: run `editions model prepare` (or `make model`)",
        )  # fmt: skip
    size = path.stat().st_size
    if size != DEFAULT_MODEL.size:
        return Check(
            "model", "fail", f"{path}: {size:,} bytes, expected {DEFAULT_MODEL.size:,}",
            "the default model is truncated or damaged: delete it and run `editions model prepare`",
        )  # fmt: skip
    sha = hash_file(path)  # the whole file, every time: this is the check
    if sha != DEFAULT_MODEL.sha256:
        return Check(
            "model", "fail",
            f"{path}: sha256 {sha[:16]}…, expected {DEFAULT_MODEL.sha256[:16]}…",
            "the default model is corrupted (sha256 mismatch): delete it and run `editions model prepare`",
        )  # fmt: skip
    ctx.model_path = path
    return Check("model", "ok", f"{path}: {size:,} bytes, sha256 {DEFAULT_MODEL.sha256[:16]}… verified")


def check_native(ctx: Context) -> Check:
    from editions.native import build
    from editions.native import check as native

    if build.library_dir() is None:
        return Check("native", "fail", "llama-cpp-python is not installed", "run `make install`")
    if ctx.model_path is None:
        return Check("native", "skip", "needs the model (see above)")
    result = native.run_child(ctx.model_path, tokens=8)
    native.remember(ctx.model_path, result)  # the engine trusts this verdict from now on
    ctx.native_compiled = result.compiled or None
    if not result.ok:
        return Check("native", "fail", result.system_info or "no system info", result.detail)
    return Check("native", "ok", f"{result.detail}; built with {', '.join(result.compiled) or 'no SIMD'}")


def check_cpu(ctx: Context) -> Check:
    from editions.native import build, cpu

    if not cpu.is_x86_64():
        return Check("cpu", "skip", f"{platform.machine()}: llama.cpp's own native detection applies")
    verdicts = cpu.probe()
    usable = cpu.usable(verdicts)
    record_file = build.record_path()
    record = json.loads(record_file.read_text()) if record_file.is_file() else None
    stale = record is not None and record.get("libraries_sha256") != build.library_digest()
    if stale:  # another llama-cpp-python was installed over the one `make` built: the record is not its
        record = None
    compiled = ctx.native_compiled
    if compiled is None and record is not None:
        compiled = [f.name for f in cpu.FEATURES if f"-D{f.ggml}=ON" in record.get("cmake_args", "")]
    amx_in_binary = scan_for_amx(build.library_files())
    if amx_in_binary and compiled is not None and "amx_tile" not in compiled:
        compiled = [*compiled, "amx_tile"]
    advertised_only = [v.feature for v in verdicts.values() if v.advertised and not v.usable]
    detail = f"executes: {', '.join(sorted(usable)) or 'none'}"
    if advertised_only:
        detail += f"; advertised but unusable: {', '.join(advertised_only)}"
    detail += f"; build uses: {', '.join(compiled) if compiled is not None else 'unknown'}"
    if amx_in_binary is not None:
        detail += f"; AMX instructions in the library: {'yes' if amx_in_binary else 'no'}"
    built_by = "installed over the one make built" if stale else "not built by make"
    detail += f"; build record: {record['key'] if record else f'none ({built_by})'}"
    bad = [name for name in compiled or [] if name not in usable]
    if bad:
        return Check(
            "cpu", "fail", detail,
            f"the library uses {', '.join(bad)}, which this machine cannot execute: "
            "rebuild with `make native`",
        )  # fmt: skip
    held = [name for name in compiled or [] if not build.allowed(name)]
    if held:
        return Check(
            "cpu", "fail", detail,
            f"the library has {', '.join(held)} compiled in, "
            "whose llama.cpp kernel crashes (docs/ARCHITECTURE.md): rebuild with `make native`",
        )  # fmt: skip
    if record is None:
        return Check("cpu", "warn", detail, f"llama-cpp-python was {built_by}: run `make native`")
    return Check("cpu", "ok", detail)


AMX_MNEMONICS = ("ldtilecfg", "tileloadd", "tdpb", "tilezero", "tilestored")


def scan_for_amx(libraries: Sequence[Path]) -> bool | None:
    """True if any library holds AMX tile instructions (objdump), None if that cannot be told."""
    objdump = shutil.which("objdump")
    if objdump is None or not libraries:
        return None
    for library in libraries:
        if library.is_symlink():
            continue
        command = [objdump, "-d", "--no-show-raw-insn", str(library)]
        out = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
        if any(mnemonic in out.stdout for mnemonic in AMX_MNEMONICS):
            return True
    return False


def check_data(_: Context) -> Check:
    from editions.paths import data_dir
    from editions.store.db import Store, default_url

    directory = data_dir()
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=directory, prefix=".doctor-"):
            pass
    except OSError as err:
        return Check(
            "data",
            "fail",
            f"{directory}: {err.strerror}",
            f"make {directory} writable or set EDITIONS_DATA_DIR",
        )
    database = directory / "editions.db"
    if not database.exists():
        return Check("data", "ok", f"{directory} writable; no database yet (`editions serve` creates it)")
    try:
        store = Store(default_url(), migrate=False)
        current, head = _schema_revisions(store)
        store.close()
    except EditionsError as err:
        return Check("data", "fail", f"{database}: {err}", "the database cannot be opened: check the file")
    if current != head:
        return Check("data", "warn", f"{database}: schema {current}, newest {head}",
                     "`editions serve` migrates the database when it starts")  # fmt: skip
    return Check("data", "ok", f"{directory} writable; {database} at schema {current}")


def _schema_revisions(store: Any) -> tuple[str | None, str | None]:
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory
    from sqlalchemy.exc import SQLAlchemyError

    from editions.errors import StoreError
    from editions.store.db import MIGRATIONS

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    try:
        with store.engine.connect() as connection:
            current = MigrationContext.configure(connection).get_current_revision()
    except SQLAlchemyError as err:
        raise StoreError(str(err).splitlines()[0]) from err
    return current, ScriptDirectory.from_config(config).get_current_head()


def check_postgresql(_: Context) -> Check:
    have = _installed("psycopg")
    if have is None:
        return Check("postgresql", "warn", "driver not installed (SQLite works without it)",
                     "for --db postgresql+psycopg://…: pip install 'editions[postgresql]'")  # fmt: skip
    return Check("postgresql", "ok", f"psycopg {have}")


def check_chromium(_: Context) -> Check:
    found = next((shutil.which(n) for n in ("chromium", "chromium-browser") if shutil.which(n)), None)
    if found is None:
        return Check("chromium", "warn", "not found (only the browser tests need it)",
                     "for the browser tests: apt-get install chromium")  # fmt: skip
    return Check("chromium", "ok", found)


CHECKS: dict[str, Callable[[Context], Check]] = {
    "python": check_python,
    "model": check_model,
    "native": check_native,
    "cpu": check_cpu,
    "data": check_data,
    "postgresql": check_postgresql,
    "chromium": check_chromium,
}
NEEDS = {"native": ("model",), "cpu": ("model", "native")}


def run(names: Sequence[str] | None = None) -> list[Check]:
    """Run the named checks (all by default), with the ones they depend on first.

    A dependency that was not asked for is reported only when it fails: that failure is the reason."""
    wanted = list(names or CHECKS)
    order = [n for n in CHECKS if n in wanted or any(n in NEEDS.get(w, ()) for w in wanted)]
    ctx = Context()
    results = []
    for name in order:
        try:
            result = CHECKS[name](ctx)
        except EditionsError as err:
            result = Check(name, "fail", str(err), str(err))
        if name in wanted or result.status == "fail":
            results.append(result)
    return results


def as_json(results: list[Check]) -> str:
    return json.dumps({"ok": healthy(results), "checks": [asdict(r) for r in results]}, indent=1)


def healthy(results: list[Check]) -> bool:
    return all(r.status != "fail" for r in results)
