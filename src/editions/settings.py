"""Every environment variable `editions` reads at run time, read here and nowhere else.

`settings()` reads the environment when called (never at import), so a test or a service sets a
variable and the next call sees it. Nothing here writes to `os.environ`. Command-line options win
over these; these win over the built-in defaults. The README lists the same table (`VARIABLES`).

Build-time knobs read by `make`'s native step (EDITIONS_CPU_ALLOW, EDITIONS_CPU_DENY,
LLAMA_CMAKE_ARGS, EDITIONS_WHEEL_DIR) live in `editions.native`, which runs before anything is
installed and so cannot import this module.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

# name → what it sets; `make lint`'s test checks that the README lists each one.
VARIABLES: dict[str, str] = {
    "EDITIONS_DATA_DIR": "where the database, models and caches live (default: the user data directory)",
    "EDITIONS_MODELS_DIR": "where the default model is assembled (default: $EDITIONS_DATA_DIR/models)",
    "EDITIONS_DATABASE_URL": "the service's database, as --db (default: SQLite in the data directory)",
    "EDITIONS_URL_ALLOW": "host:port pairs inside the network that URL fetching may reach (comma-separated)",
    "EDITIONS_CA_BUNDLE": "private CAs (PEM) that URL fetching trusts besides public ones, as --ca-bundle",
    "EDITIONS_UPSTREAM_KEY": "the key the openai engine sends to its server, as --upstream-key",
    "OPENAI_BASE_URL": "the openai engine's server when --base-url is not given",
    "OPENAI_API_KEY": "the openai engine's key when neither --upstream-key nor EDITIONS_UPSTREAM_KEY is set",
    "HF_HUB_OFFLINE": "1: never contact the model hub, use only what its cache holds",
    # Test seams, read only in an engine worker process (engines/isolated.py): never set in production.
    "EDITIONS_TEST_CRASH_AFTER_SEGMENTS": "test seam: the first engine worker kills itself (SIGSEGV) "
    "when asked for more than N segments",
    "EDITIONS_TEST_CRASH_ON": "test seam: every engine worker kills itself (SIGSEGV) when asked to "
    "translate a segment containing this text",
}


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes", "on")


@dataclass(frozen=True)
class Settings:
    data_dir: Path | None = None
    models_dir: Path | None = None
    database_url: str | None = None
    url_allow: str = ""
    ca_bundle: str | None = None
    upstream_url: str | None = None
    upstream_key: str | None = None
    hub_offline: bool = False
    test_crash_after_segments: int | None = None
    test_crash_on: str | None = None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ

        def given(name: str) -> str | None:
            return env.get(name) or None  # set but empty counts as not set

        data, models = given("EDITIONS_DATA_DIR"), given("EDITIONS_MODELS_DIR")
        crash_after = (given("EDITIONS_TEST_CRASH_AFTER_SEGMENTS") or "").strip()
        return cls(
            data_dir=Path(data) if data else None,
            models_dir=Path(models) if models else None,
            database_url=given("EDITIONS_DATABASE_URL"),
            url_allow=env.get("EDITIONS_URL_ALLOW", ""),
            ca_bundle=given("EDITIONS_CA_BUNDLE"),
            upstream_url=given("OPENAI_BASE_URL"),
            upstream_key=given("EDITIONS_UPSTREAM_KEY") or given("OPENAI_API_KEY"),
            hub_offline=_flag(env.get("HF_HUB_OFFLINE")),
            test_crash_after_segments=int(crash_after) if crash_after.isdigit() else None,
            test_crash_on=given("EDITIONS_TEST_CRASH_ON"),
        )


def settings() -> Settings:
    """The settings from the environment as it is now."""
    return Settings.from_env()
