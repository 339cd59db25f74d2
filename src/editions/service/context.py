"""What every route and worker shares: configuration, the store, the memory and the glossary.

The workers are not part of it: the app holds its `JobRunner` on `app.state.runner`, so this module
needs nothing from the worker and the worker can depend on it."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

from editions.engines.base import EngineOptions
from editions.glossary import Glossary
from editions.ingest.url import UrlPolicy
from editions.store.db import Store
from editions.store.memory import TranslationMemory

MB = 1024 * 1024


def is_loopback(host: str) -> bool:
    if host in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass
class ServiceConfig:
    database_url: str | None = None  # default: SQLite in the user data directory
    host: str = "127.0.0.1"
    port: int = 8000
    # API keys are required whenever the server listens beyond loopback; `True` requires them anyway.
    require_keys: bool | None = None
    workers: int = 1  # background translation threads (one model each for in-process engines)
    engine: EngineOptions = field(default_factory=EngineOptions)
    glossary_path: str | None = None
    max_body_bytes: int = 4 * MB  # whole request; an article alone is limited by the readers (2 MB)
    rate_per_minute: int = 60  # requests per key (or per client address without keys)
    lease_s: float = 30.0  # a task's lease; renewed every third of it while a worker holds it
    poll_s: float = 0.5  # how often idle workers look for tasks
    max_attempts: int = 3  # a task whose engine process died this often is failed ("poison" article)
    url_policy: UrlPolicy = field(default_factory=UrlPolicy.from_env)

    @property
    def keys_required(self) -> bool:
        if self.require_keys is not None:
            return self.require_keys
        return not is_loopback(self.host)


@dataclass
class ServiceContext:
    config: ServiceConfig
    store: Store
    memory: TranslationMemory
    glossary: Glossary

    @classmethod
    def open(cls, config: ServiceConfig) -> ServiceContext:
        store = Store(config.database_url)
        glossary = Glossary.with_newsroom(config.glossary_path)
        return cls(config=config, store=store, memory=TranslationMemory(store), glossary=glossary)
