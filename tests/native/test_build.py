"""The build plan: native flags off, each instruction set on only where it executed, our own wheel cache."""

from __future__ import annotations

from pathlib import Path

import pytest

from editions.native import build, cpu

ROOT = Path(__file__).resolve().parents[2]


def _verdicts(usable: set[str]) -> dict[str, cpu.Verdict]:
    return {f.name: cpu.Verdict(f.name, True, f.name in usable, "ok" if f.name in usable else "SIGSEGV")
            for f in cpu.FEATURES}  # fmt: skip


@pytest.mark.skipif(not cpu.is_x86_64(), reason="x86-64 flags")
def test_amx_that_faults_is_built_out(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(build.USER_ARGS_ENV, raising=False)
    monkeypatch.setenv(build.ALLOW_ENV, "amx")  # even when asked for
    everything_but_amx = {f.name for f in cpu.FEATURES if not f.name.startswith("amx")}
    args = build.cmake_args(_verdicts(everything_but_amx))
    assert "-DGGML_NATIVE=OFF" in args
    assert {"-DGGML_AMX_TILE=OFF", "-DGGML_AMX_INT8=OFF", "-DGGML_AMX_BF16=OFF"} <= set(args)
    assert {"-DGGML_AVX512=ON", "-DGGML_AVX512_VNNI=ON", "-DGGML_AVX2=ON"} <= set(args)
    assert "-DLLAVA_BUILD=OFF" in args


@pytest.mark.skipif(not cpu.is_x86_64(), reason="x86-64 flags")
def test_amx_is_held_back_where_it_executes_unless_asked_for(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(build.USER_ARGS_ENV, raising=False)
    monkeypatch.delenv(build.ALLOW_ENV, raising=False)
    everything = {f.name for f in cpu.FEATURES}
    assert {"-DGGML_AMX_TILE=OFF", "-DGGML_AMX_INT8=OFF", "-DGGML_AVX512_BF16=ON"} <= set(
        build.cmake_args(_verdicts(everything))
    )
    monkeypatch.setenv(build.ALLOW_ENV, "amx")
    assert {"-DGGML_AMX_TILE=ON", "-DGGML_AMX_INT8=ON"} <= set(build.cmake_args(_verdicts(everything)))
    # asking for it never builds in what does not execute
    assert "-DGGML_AMX_INT8=OFF" in build.cmake_args(_verdicts(everything - {"amx_int8"}))


@pytest.mark.skipif(not cpu.is_x86_64(), reason="x86-64 flags")
def test_user_flags_come_last_and_change_the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(build.USER_ARGS_ENV, "-DGGML_CUDA=on -DCMAKE_CUDA_ARCHITECTURES=90")
    args = build.cmake_args(_verdicts({"avx2"}))
    assert args[-2:] == ["-DGGML_CUDA=on", "-DCMAKE_CUDA_ARCHITECTURES=90"]
    cuda = build.build_key("0.3.36", args)["key"]
    monkeypatch.delenv(build.USER_ARGS_ENV)
    monkeypatch.setenv(build.ALLOW_ENV, "amx")
    plain = build.build_key("0.3.36", build.cmake_args(_verdicts({"avx2"})))["key"]
    with_amx = build.build_key("0.3.36", build.cmake_args(_verdicts({"avx2", "amx_tile"})))["key"]
    assert len({cuda, plain, with_amx}) == 3  # a wheel built with other flags is never taken for this one
    assert build.build_key("0.3.36", build.cmake_args(_verdicts({"avx2"})))["key"] == plain


def test_the_version_comes_from_the_lock(tmp_path: Path) -> None:
    assert build.locked_version(ROOT / "requirements.lock").count(".") == 2
    lock = tmp_path / "requirements.lock"
    lock.write_text("# header\nnumpy==2.0.0\n")
    with pytest.raises(SystemExit, match="no llama-cpp-python==VERSION"):
        build.locked_version(lock)


def test_wheels_live_in_our_cache_not_pips(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(build.WHEEL_DIR_ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert build.wheel_root() == tmp_path / "editions" / "wheels"
    monkeypatch.setenv(build.WHEEL_DIR_ENV, str(tmp_path / "w"))
    assert build.wheel_root() == tmp_path / "w"


def test_the_installed_library_was_built_by_the_probe_plan() -> None:
    """The environment's build record: the wheel make installed was built with this machine's flags."""
    record_file = build.record_path()
    if not record_file.is_file():
        pytest.skip("llama-cpp-python in this environment was not installed by `make` (no build record)")
    import json

    record = json.loads(record_file.read_text())
    if cpu.is_x86_64():
        assert "-DGGML_NATIVE=OFF" in record["cmake_args"]
        usable = cpu.usable(cpu.probe())
        for feature in cpu.FEATURES:
            if f"-D{feature.ggml}=ON" in record["cmake_args"]:
                assert feature.name in usable, f"built with {feature.name}, which does not execute here"
                assert build.allowed(feature.name), f"built with {feature.name}, which is held back"
