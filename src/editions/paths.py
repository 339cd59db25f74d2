"""Where `editions` keeps its files. Computed on call, never at import; EDITIONS_DATA_DIR overrides."""

from __future__ import annotations

import os
from pathlib import Path


def data_dir() -> Path:
    override = os.environ.get("EDITIONS_DATA_DIR")
    if override:
        return Path(override)
    from platformdirs import user_data_dir

    return Path(user_data_dir("editions", appauthor=False))


def models_dir() -> Path:
    override = os.environ.get("EDITIONS_MODELS_DIR")
    return Path(override) if override else data_dir() / "models"
