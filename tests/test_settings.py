"""Configuration in one place: the environment is read in editions/settings.py only, never written,
and every variable is in the README; `--glossary` means the same in `translate` and `serve`."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from editions.glossary import Glossary
from editions.service.context import ServiceConfig, ServiceContext
from editions.settings import VARIABLES, Settings

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "editions"


def test_settings_come_from_the_environment_given() -> None:
    env = {
        "EDITIONS_DATA_DIR": "/srv/editions",
        "EDITIONS_DATABASE_URL": "postgresql+psycopg://db/editions",
        "EDITIONS_URL_ALLOW": "127.0.0.1:8080",
        "OPENAI_BASE_URL": "http://127.0.0.1:8000/v1",
        "OPENAI_API_KEY": "sk-fallback",
        "HF_HUB_OFFLINE": "1",
        "EDITIONS_MODELS_DIR": "",  # set but empty: not set
    }
    settings = Settings.from_env(env)
    assert settings.data_dir == Path("/srv/editions") and settings.models_dir is None
    assert settings.database_url == "postgresql+psycopg://db/editions"
    assert settings.url_allow == "127.0.0.1:8080" and settings.hub_offline
    assert settings.upstream_url == "http://127.0.0.1:8000/v1"
    assert settings.upstream_key == "sk-fallback"
    assert Settings.from_env({**env, "EDITIONS_UPSTREAM_KEY": "sk-ours"}).upstream_key == "sk-ours"
    assert Settings.from_env({}) == Settings()


def _environ_uses(path: Path) -> list[tuple[int, str]]:
    """(line, how) for each read or write of the process environment in a module."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        is_os = isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "os"
        if is_os and node.attr in ("environ", "getenv", "putenv", "unsetenv"):  # type: ignore[attr-defined]
            found.append((node.lineno, f"os.{node.attr}"))  # type: ignore[attr-defined]
        if isinstance(node, ast.keyword) and node.arg == "envvar":
            found.append((node.value.lineno, "click envvar="))
    return found


def test_only_the_settings_module_reads_the_environment() -> None:
    """editions/native runs before anything is installed (build knobs, child processes): exempt."""
    readers = {
        str(path.relative_to(SRC)): uses
        for path in sorted(SRC.rglob("*.py"))
        if "native" not in path.parts and (uses := _environ_uses(path))
    }
    assert list(readers) == ["settings.py"], readers


def test_nothing_writes_to_the_environment() -> None:
    writes = []
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            target = node.func if isinstance(node, ast.Call) else None
            if isinstance(target, ast.Attribute) and target.attr in ("setdefault", "update", "putenv", "pop"):
                owner = target.value
                if isinstance(owner, ast.Attribute) and owner.attr == "environ":
                    writes.append(f"{path.relative_to(SRC)}:{node.lineno}")
            if isinstance(node, ast.Assign | ast.AugAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for t in targets:
                    value = t.value if isinstance(t, ast.Subscript) else None
                    if isinstance(value, ast.Attribute) and value.attr == "environ":
                        writes.append(f"{path.relative_to(SRC)}:{node.lineno}")
    assert writes == []


@pytest.mark.parametrize("name", sorted(VARIABLES))
def test_the_readme_lists_every_variable(name: str) -> None:
    assert f"`{name}`" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_serve_merges_the_glossary_over_ours_as_translate_does(tmp_path: Path) -> None:
    ours = tmp_path / "ours.csv"
    ours.write_text("source,fr,vi,note\nharbour master,capitaine de port,trưởng cảng,\n", encoding="utf-8")
    config = ServiceConfig(database_url=f"sqlite:///{tmp_path / 'e.db'}", workers=0, glossary_path=str(ours))
    ctx = ServiceContext.open(config)
    try:
        expected = Glossary.with_newsroom(ours)
        assert ctx.glossary.version == expected.version
        assert len(ctx.glossary.terms) == len(Glossary.starter().terms) + 1  # ours kept, theirs on top
    finally:
        ctx.store.close()
