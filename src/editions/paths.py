"""Where `editions` keeps its files. Computed on call, never at import; EDITIONS_DATA_DIR overrides."""

from __future__ import annotations

from pathlib import Path

from editions.settings import settings


def data_dir() -> Path:
    override = settings().data_dir
    if override is not None:
        return override
    from platformdirs import user_data_dir

    return Path(user_data_dir("editions", appauthor=False))


def models_dir() -> Path:
    override = settings().models_dir
    return override if override is not None else data_dir() / "models"
