"""Which x86-64 instructions this machine lets a process execute, found by executing them.

/proc/cpuinfo says what the CPU advertises. That is not what a process may run: a virtual machine can
advertise AMX or AVX-512 and still not grant the register state, and then the first tile instruction
dies with SIGILL or a general protection fault (SIGSEGV). The only honest test is to execute one
instruction of each kind, in a child process, and look at how the child ended.

Each probe is a few bytes of machine code (encodings checked with GNU as/objdump) copied into an
executable page and called through ctypes; AMX first asks the kernel for the tile state with
arch_prctl(ARCH_REQ_XCOMP_PERM, XFEATURE_XTILEDATA), as llama.cpp itself does. The module uses the
standard library only, so the build script can run it with the system Python before anything is
installed, and it runs as a script for the child (`python cpu.py --run FEATURE`).
"""

from __future__ import annotations

import ctypes
import json
import mmap
import os
import platform
import signal
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

# The test seam: a feature named here executes `ud2` instead of its instruction, as a machine that
# advertises it but faults on it would. Used by the tests; harmless otherwise.
FAULT_ENV = "EDITIONS_CPU_PROBE_FAULT"
# Features a user wants left out of the build whatever the probe says (comma-separated).
DENY_ENV = "EDITIONS_CPU_DENY"

_RET = b"\xc3"
_VZEROUPPER = b"\xc5\xf8\x77"


@dataclass(frozen=True)
class Feature:
    name: str  # our name, also the /proc/cpuinfo flag
    ggml: str  # the llama.cpp CMake option it enables
    code: bytes  # one instruction of the kind, then ret
    cpuinfo: tuple[str, ...]  # the flags /proc/cpuinfo must list for the CPU to advertise it


def _simd(*instructions: bytes) -> bytes:
    return b"".join(instructions) + _VZEROUPPER + _RET


# tilecfg: palette 1; tmm0..tmm2 16 rows of 64 bytes each. rdi points at it.
_LDTILECFG = b"\xc4\xe2\x78\x49\x07"
_TILEZERO_0_1_2 = b"\xc4\xe2\x7b\x49\xc0" + b"\xc4\xe2\x7b\x49\xc8" + b"\xc4\xe2\x7b\x49\xd0"
_TILERELEASE = b"\xc4\xe2\x78\x49\xc0"
_TDPBSSD = b"\xc4\xe2\x6b\x5e\xc1"  # tdpbssd %tmm2,%tmm1,%tmm0
_TDPBF16PS = b"\xc4\xe2\x6a\x5c\xc1"  # tdpbf16ps %tmm2,%tmm1,%tmm0

FEATURES: tuple[Feature, ...] = (
    Feature("sse4_2", "GGML_SSE42", b"\x66\x0f\x38\x37\xc0" + _RET, ("sse4_2",)),  # pcmpgtq
    Feature("f16c", "GGML_F16C", _simd(b"\xc4\xe2\x7d\x13\xc0"), ("f16c",)),  # vcvtph2ps
    Feature("fma", "GGML_FMA", _simd(b"\xc4\xe2\x7d\xb8\xc0"), ("fma",)),  # vfmadd231ps ymm
    Feature("bmi2", "GGML_BMI2", b"\xc4\xe2\xf9\xf7\xc0" + _RET, ("bmi2",)),  # shlx
    Feature("avx", "GGML_AVX", _simd(b"\xc5\xfc\x58\xc0"), ("avx",)),  # vaddps ymm
    Feature("avx2", "GGML_AVX2", _simd(b"\xc5\xfd\xfe\xc0"), ("avx2",)),  # vpaddd ymm
    Feature("avx_vnni", "GGML_AVX_VNNI", _simd(b"\xc4\xe2\x7d\x50\xc0"), ("avx_vnni",)),  # {vex} vpdpbusd
    Feature(
        "avx512",  # F, CD, VL, DQ, BW: what GGML_AVX512 compiles with
        "GGML_AVX512",
        _simd(
            b"\x62\xf1\x7d\x48\xef\xc0",  # vpxord zmm (F)
            b"\x62\xf2\x7d\x48\x44\xc0",  # vplzcntd zmm (CD)
            b"\x62\xf1\x7d\x28\xef\xc0",  # vpxord ymm (VL)
            b"\x62\xf1\x7c\x48\x54\xc0",  # vandps zmm (DQ)
            b"\x62\xf1\x7d\x48\xfc\xc0",  # vpaddb zmm (BW)
        ),
        ("avx512f", "avx512cd", "avx512vl", "avx512dq", "avx512bw"),
    ),
    Feature("avx512_vbmi", "GGML_AVX512_VBMI", _simd(b"\x62\xf2\x7d\x48\x8d\xc0"), ("avx512vbmi",)),
    Feature("avx512_vnni", "GGML_AVX512_VNNI", _simd(b"\x62\xf2\x7d\x48\x50\xc0"), ("avx512_vnni",)),
    Feature("avx512_bf16", "GGML_AVX512_BF16", _simd(b"\x62\xf2\x7e\x48\x52\xc0"), ("avx512_bf16",)),
    Feature("amx_tile", "GGML_AMX_TILE", _LDTILECFG + _TILEZERO_0_1_2 + _TILERELEASE + _RET, ("amx_tile",)),
    Feature(
        "amx_int8",
        "GGML_AMX_INT8",
        _LDTILECFG + _TILEZERO_0_1_2 + _TDPBSSD + _TILERELEASE + _RET,
        ("amx_tile", "amx_int8"),
    ),
    Feature(
        "amx_bf16",
        "GGML_AMX_BF16",
        _LDTILECFG + _TILEZERO_0_1_2 + _TDPBF16PS + _TILERELEASE + _RET,
        ("amx_tile", "amx_bf16"),
    ),
)
BY_NAME = {f.name: f for f in FEATURES}

_ARCH_REQ_XCOMP_PERM = 0x1023
_XFEATURE_XTILEDATA = 18
_SYS_ARCH_PRCTL = 158  # x86-64


@dataclass(frozen=True)
class Verdict:
    feature: str
    advertised: bool  # /proc/cpuinfo lists it
    usable: bool  # the child executed the instruction and exited cleanly
    how: str  # "ok", "SIGILL", "SIGSEGV", "denied by EDITIONS_CPU_DENY", "AMX permission refused", …

    def line(self) -> str:
        said = "advertised" if self.advertised else "not advertised"
        return f"{self.feature}: {said}, {'executes' if self.usable else 'unusable (' + self.how + ')'}"


def is_x86_64() -> bool:
    return platform.machine().lower() in {"x86_64", "amd64"}


def cpuinfo_flags(path: Path = Path("/proc/cpuinfo")) -> set[str]:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return set()
    for line in text.splitlines():
        if line.startswith("flags"):
            return set(line.partition(":")[2].split())
    return set()


def cpu_model(path: Path = Path("/proc/cpuinfo")) -> str:
    try:
        for line in path.read_text(errors="replace").splitlines():
            if line.startswith("model name"):
                return line.partition(":")[2].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _execute(code: bytes, arg: ctypes.Array[ctypes.c_char] | None = None) -> None:
    page = mmap.mmap(-1, mmap.PAGESIZE, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
    page.write(code)
    address = ctypes.addressof(ctypes.c_char.from_buffer(page))
    function = ctypes.CFUNCTYPE(None, ctypes.c_void_p)(address)
    function(ctypes.addressof(arg) if arg is not None else None)


def _tile_config() -> ctypes.Array[ctypes.c_char]:
    cfg = bytearray(64)
    cfg[0] = 1  # palette 1
    for tile in range(3):
        cfg[16 + 2 * tile : 18 + 2 * tile] = (64).to_bytes(2, "little")  # bytes per row
        cfg[48 + tile] = 16  # rows
    return ctypes.create_string_buffer(bytes(cfg), 64)


def run_in_this_process(name: str) -> int:
    """Execute FEATURE's instruction here. Returns an exit code; a fault kills the process instead."""
    feature = BY_NAME[name]
    if name in {n.strip() for n in os.environ.get(FAULT_ENV, "").split(",")}:
        _execute(b"\x0f\x0b" + _RET)  # ud2: what a machine that cannot run it does to us
    if name.startswith("amx"):
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.syscall(_SYS_ARCH_PRCTL, _ARCH_REQ_XCOMP_PERM, _XFEATURE_XTILEDATA) != 0:
            return 3  # the kernel refused the tile state
        _execute(feature.code, _tile_config())
    else:
        _execute(feature.code)
    return 0


def _describe(returncode: int, stderr: str) -> str:
    if returncode < 0:
        try:
            return signal.Signals(-returncode).name
        except ValueError:
            return f"signal {-returncode}"
    if returncode == 3:
        return "AMX permission refused by the kernel"
    last = stderr.strip().splitlines()[-1:] or [f"exit {returncode}"]
    return last[0][:200]


def probe_one(name: str, flags: set[str] | None = None, timeout: float = 20.0) -> Verdict:
    """Run one feature's instruction in a child process and report how it ended."""
    feature = BY_NAME[name]
    flags = cpuinfo_flags() if flags is None else flags
    advertised = all(f in flags for f in feature.cpuinfo)
    denied = {n.strip() for n in os.environ.get(DENY_ENV, "").split(",") if n.strip()}
    if (
        name in denied
        or (name.startswith("amx") and "amx" in denied)
        or (name.startswith("avx512") and "avx512" in denied)
    ):
        return Verdict(name, advertised, False, f"denied by {DENY_ENV}")
    if not is_x86_64():
        return Verdict(name, advertised, False, "not an x86-64 machine")
    try:
        child = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--run", name],
            capture_output=True,
            text=True,
            timeout=timeout,
            env={**os.environ, "PYTHONFAULTHANDLER": ""},
            check=False,
        )
    except subprocess.TimeoutExpired:
        return Verdict(name, advertised, False, f"probe timed out after {timeout:.0f} s")
    if child.returncode == 0:
        return Verdict(name, advertised, True, "ok")
    return Verdict(name, advertised, False, _describe(child.returncode, child.stderr))


def probe(names: list[str] | None = None) -> dict[str, Verdict]:
    """Probe every feature (or NAMES). A feature that needs another needs both to execute."""
    flags = cpuinfo_flags()
    verdicts: dict[str, Verdict] = {}
    for name in names or [f.name for f in FEATURES]:
        verdicts[name] = probe_one(name, flags)
    return verdicts


def usable(verdicts: dict[str, Verdict]) -> set[str]:
    return {name for name, v in verdicts.items() if v.usable}


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "--run":
        return run_in_this_process(argv[1])
    verdicts = probe(argv or None)
    if sys.stdout.isatty():
        for verdict in verdicts.values():
            print(verdict.line())
    else:
        print(json.dumps({name: asdict(v) for name, v in verdicts.items()}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
