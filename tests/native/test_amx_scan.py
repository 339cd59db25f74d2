"""The built llama.cpp libraries hold no AMX instruction unless this machine can execute AMX."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from editions.doctor import scan_for_amx
from editions.native import build, cpu

needs_objdump = pytest.mark.skipif(shutil.which("objdump") is None or shutil.which("as") is None,
                                   reason="binutils (objdump, as) not installed")  # fmt: skip
pytestmark = [needs_objdump, pytest.mark.skipif(not cpu.is_x86_64(), reason="x86-64 encodings")]


def _object(tmp_path: Path, name: str, assembly: str) -> Path:
    source = tmp_path / f"{name}.s"
    source.write_text(".text\n" + assembly + "\nret\n")
    target = tmp_path / f"{name}.o"
    subprocess.run(["as", str(source), "-o", str(target)], check=True, timeout=60)
    return target


def test_the_scanner_finds_tile_instructions(tmp_path: Path) -> None:
    tiles = _object(tmp_path, "tiles", "ldtilecfg (%rdi)\ntileloadd (%rsi,%rdx,1), %tmm1\ntilerelease")
    plain = _object(tmp_path, "plain", "vpaddd %zmm1, %zmm2, %zmm3\nvfmadd231ps %ymm0, %ymm1, %ymm2")
    assert scan_for_amx([tiles]) is True
    assert scan_for_amx([plain]) is False
    assert scan_for_amx([plain, tiles]) is True


def test_built_libraries_hold_amx_only_where_amx_executes() -> None:
    libraries = build.library_files()
    if not libraries:
        pytest.skip("llama-cpp-python is not installed")
    assert any("ggml-cpu" in lib.name for lib in libraries), [lib.name for lib in libraries]
    has_amx = scan_for_amx(libraries)
    amx_runs = cpu.probe_one("amx_int8").usable and cpu.probe_one("amx_tile").usable
    assert not (has_amx and not amx_runs), (
        "the llama.cpp libraries contain AMX tile instructions but this machine cannot execute AMX: "
        "rebuild with `make native`"
    )
    # and AMX stays out even where it executes, unless asked for: this llama.cpp's tile kernel crashes
    assert not (has_amx and not build.allowed("amx_int8")), "AMX compiled in although held back"
