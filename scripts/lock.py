"""requirements.lock: the exact versions `make` installs, and the check that it agrees with pyproject.toml.

    python scripts/lock.py check              # exit 1 with one line per disagreement (make runs it first)
    python scripts/lock.py write REPORT.json  # write the lock from `pip install --dry-run --report`

The lock is a pip constraints file. `make` exports it as PIP_CONSTRAINT, so it also pins what pip
installs into isolated build environments (setuptools, scikit-build-core). Its header carries a hash
of pyproject.toml's dependency tables: edit them and `make` refuses to go on until `make lock` has
been run, rather than installing whatever is newest.

Standard library, plus `packaging` taken from pip's vendored copy when it is not installed.
"""

from __future__ import annotations

import hashlib
import json
import platform
import sys
import tomllib
from datetime import date
from pathlib import Path

try:
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name
    from packaging.version import Version
except ImportError:  # a bare interpreter: pip always carries a copy
    from pip._vendor.packaging.requirements import Requirement  # type: ignore[no-redef]
    from pip._vendor.packaging.utils import canonicalize_name  # type: ignore[no-redef]
    from pip._vendor.packaging.version import Version  # type: ignore[no-redef]

ROOT = Path(__file__).resolve().parent.parent
HASH_LINE = "# pyproject-dependencies-sha256: "
# what `make` installs besides the project: pip itself and the build back-ends of sdists we compile
TOOLS = ("pip", "setuptools", "wheel", "scikit-build-core")


def dependency_tables(pyproject: Path) -> dict[str, list[str]]:
    data = tomllib.loads(pyproject.read_text())
    tables = {"build-system.requires": data["build-system"]["requires"]}
    tables["project.dependencies"] = data["project"].get("dependencies", [])
    for extra, reqs in sorted(data["project"].get("optional-dependencies", {}).items()):
        tables[f"project.optional-dependencies.{extra}"] = reqs
    return tables


def tables_hash(pyproject: Path) -> str:
    return hashlib.sha256(json.dumps(dependency_tables(pyproject), sort_keys=True).encode()).hexdigest()


def read_lock(lock: Path) -> tuple[str, dict[str, Version]]:
    recorded, pins = "", {}
    for raw in lock.read_text().splitlines():
        line = raw.strip()
        if line.startswith(HASH_LINE):
            recorded = line[len(HASH_LINE) :].strip()
        if not line or line.startswith("#"):
            continue
        name, sep, version = line.partition("==")
        if not sep:
            raise ValueError(f"{lock.name}: '{line}' is not NAME==VERSION")
        pins[canonicalize_name(name)] = Version(version.split(";")[0].strip())
    return recorded, pins


def disagreements(pyproject: Path, lock: Path) -> list[str]:
    if not lock.is_file():
        return [f"{lock.name} is missing: run `make lock`"]
    try:
        recorded, pins = read_lock(lock)
    except ValueError as err:
        return [str(err)]
    problems = []
    project = canonicalize_name(tomllib.loads(pyproject.read_text())["project"]["name"])
    for table, requirements in dependency_tables(pyproject).items():
        for text in requirements:
            req = Requirement(text)
            name = canonicalize_name(req.name)
            if name == project or (req.marker is not None and not req.marker.evaluate({"extra": ""})):
                continue
            if name not in pins:
                problems.append(f"{table} needs {req} but {lock.name} does not pin {req.name}")
            elif not req.specifier.contains(pins[name], prereleases=True):
                problems.append(f"{table} needs {req} but {lock.name} pins {req.name}=={pins[name]}")
    if not problems and recorded != tables_hash(pyproject):
        problems.append(f"the dependency tables of {pyproject.name} changed since {lock.name} was made")
    return problems


def check(pyproject: Path = ROOT / "pyproject.toml", lock: Path = ROOT / "requirements.lock") -> int:
    problems = disagreements(pyproject, lock)
    for problem in problems:
        print(
            f"error: {lock.name} disagrees with {pyproject.name}: {problem}; run `make lock`", file=sys.stderr
        )
    return 1 if problems else 0


def write(
    report: Path, pyproject: Path = ROOT / "pyproject.toml", lock: Path = ROOT / "requirements.lock"
) -> int:
    project = canonicalize_name(tomllib.loads(pyproject.read_text())["project"]["name"])
    pins = {}
    for item in json.loads(report.read_text())["install"]:
        meta = item["metadata"]
        if canonicalize_name(meta["name"]) != project:
            pins[canonicalize_name(meta["name"])] = meta["version"]
    header = [
        "# The exact versions `make` installs (exported as PIP_CONSTRAINT), transitive ones and build tools",
        "# included. Regenerate with `make lock`; `make` refuses to install when pyproject.toml disagrees.",
        f"# Resolved {date.today().isoformat()} with CPython {platform.python_version()} on "
        f"{platform.system().lower()} {platform.machine()}.",
        f"{HASH_LINE}{tables_hash(pyproject)}",
    ]
    lock.write_text("\n".join(header + [f"{name}=={pins[name]}" for name in sorted(pins)]) + "\n")
    print(f"{lock.name}: {len(pins)} packages pinned")
    return check(pyproject, lock)


def main(argv: list[str]) -> int:
    if argv[:1] == ["check"]:
        extra = [Path(a) for a in argv[1:3]]
        return check(*extra)
    if argv[:1] == ["write"] and len(argv) == 2:
        return write(Path(argv[1]))
    print(__doc__.split("\n\n")[1], file=sys.stderr)
    return 64


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
