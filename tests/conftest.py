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
