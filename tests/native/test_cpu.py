"""The CPU probe: each instruction set is executed in a child process; a fault there costs one verdict."""

from __future__ import annotations

import subprocess
import sys

import pytest

from editions.native import cpu

pytestmark = pytest.mark.skipif(not cpu.is_x86_64(), reason="the probe executes x86-64 machine code")


def test_every_feature_gets_a_verdict_from_a_child() -> None:
    verdicts = cpu.probe()
    assert set(verdicts) == set(cpu.BY_NAME)
    # every x86-64 machine this project runs on executes SSE4.2 and AVX2 (llama.cpp's baseline here)
    assert verdicts["sse4_2"].usable and verdicts["avx2"].usable
    for verdict in verdicts.values():
        # an instruction the CPU does not even advertise can never execute
        assert verdict.advertised or not verdict.usable, verdict
        assert verdict.how == "ok" if verdict.usable else verdict.how != "ok"


def test_a_faulting_instruction_kills_only_the_child() -> None:
    # the seam executes ud2 in place of AVX2's instruction, as a machine that faults on it would
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(cpu.FAULT_ENV, "avx2")
        verdict = cpu.probe_one("avx2")
    assert not verdict.usable
    assert verdict.how == "SIGILL"
    assert verdict.advertised  # advertised, yet unusable: the case the build must leave out
    assert "unusable (SIGILL)" in verdict.line()


def test_denied_features_are_left_out() -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(cpu.DENY_ENV, "amx,avx512_bf16")
        verdicts = cpu.probe(["amx_tile", "amx_int8", "avx512_bf16", "avx2"])
    assert [v.usable for v in verdicts.values()] == [False, False, False, True]
    assert verdicts["amx_int8"].how == f"denied by {cpu.DENY_ENV}"


@pytest.mark.skipif("amx_tile" not in cpu.cpuinfo_flags(), reason="this CPU does not advertise AMX")
def test_the_amx_probe_really_executes_tile_instructions() -> None:
    # Without arch_prctl's permission the kernel refuses the tile state: the same bytes must then die.
    # If they did not, the probe would be executing nothing and saying "usable" for nothing.
    code = (
        "import sys; sys.path.insert(0, {path!r}); import cpu; "
        "cpu._execute(cpu.BY_NAME['amx_int8'].code, cpu._tile_config())"
    ).format(path=str(cpu.__file__).rsplit("/", 1)[0])
    child = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60, check=False)
    assert child.returncode < 0, "tile instructions ran without the kernel's permission"
    verdict = cpu.probe_one("amx_int8")
    assert verdict.how in {"ok", "SIGILL", "SIGSEGV", "AMX permission refused by the kernel"}


def test_the_probe_runs_as_a_script_with_the_standard_library_only() -> None:
    # the build runs it with the bare system interpreter, before anything is installed
    child = subprocess.run(
        [sys.executable, "-S", "-I", cpu.__file__, "avx"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert child.returncode == 0, child.stderr
    assert '"avx"' in child.stdout
