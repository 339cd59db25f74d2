"""Shared fixtures. Tests cannot reach the network by accident: sockets may only connect to loopback."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

_real_connect = socket.socket.connect


def _loopback_only(self: socket.socket, address: Any) -> Any:
    host = address[0] if isinstance(address, tuple) else None
    if host is not None:
        try:
            allowed = ipaddress.ip_address(host).is_loopback
        except ValueError:
            allowed = host == "localhost"
        if not allowed:
            raise ConnectionRefusedError(f"tests may not connect to {host} (network guard in conftest.py)")
    return _real_connect(self, address)


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket.socket, "connect", _loopback_only)


@pytest.fixture(scope="session")
def default_model_path() -> Path:
    """The packaged default model, assembled and verified (once) in the user data directory."""
    from editions.engines.models import prepare_default_model

    return prepare_default_model()


@pytest.fixture(scope="session")
def llama_engine(default_model_path: Path) -> Iterator[Any]:
    """One in-process default model for the whole session (loading it takes seconds and ~2 GB)."""
    from editions.engines import EngineOptions, create_engine

    engine = create_engine(EngineOptions(engine="llamacpp"))
    yield engine
    engine.close()


@pytest.fixture(scope="session")
def pipeline(llama_engine: Any) -> Any:
    from editions.pipeline import Pipeline

    return Pipeline(llama_engine)


# --- the store, on SQLite always and on PostgreSQL when the test command started one ----------------

PG_ENV = "EDITIONS_TEST_PG_URL"  # set by scripts/test-services.sh (a Debian postgresql on 127.0.0.1)


def _pg_admin_url() -> str | None:
    import os

    return os.environ.get(PG_ENV) or None


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database URL: a SQLite file, or a new PostgreSQL database dropped afterwards."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'editions.db'}"
        return
    admin = _pg_admin_url()
    if admin is None:
        pytest.skip(
            f"PostgreSQL not started: {PG_ENV} is unset (make test starts one with scripts/test-services.sh)"
        )
    import uuid

    import psycopg

    name = f"t_{uuid.uuid4().hex[:12]}"
    plain = admin.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = admin.rsplit("/", 1)[0]
    yield f"{base}/{name}"
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
