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
    # tenancy: queued work per job and per key (429 past it), and how long a review-page sign-in lasts
    max_tasks_per_job: int = 200  # (article, language) pairs in one request (413 past it)
    max_pending_tasks_per_owner: int = 500  # pending + running, over all of one key's jobs
    login_ttl_s: float = 12 * 3600.0

    # --- the edge: who may reach the server, and how long a connection may hold on to it -------------
    # Host names a request may carry besides the loopback names and `host` (any port; "*": any). A Host
    # outside them is refused with 400 before anything else, so a page on a domain an attacker points at
    # 127.0.0.1 (DNS rebinding) cannot reach a server that needs no keys.
    allowed_hosts: tuple[str, ...] = ()
    # Proxies whose X-Forwarded-For / -Proto are believed (uvicorn's `forwarded_allow_ips`); empty: none,
    # so a client cannot pick its own address (and so its own rate-limit bucket).
    forwarded_allow_ips: tuple[str, ...] = ()
    failed_auth_per_minute: int = 10  # wrong keys and failed sign-ins per client address, then 429
    max_rate_buckets: int = 10_000  # rate-limit buckets kept; idle (full) ones are evicted first
    fetch_threads: int = 4  # URL fetches at once, on their own pool (never the request thread pool)
    fetch_queue: int = 16  # URL fetches waiting for a thread; beyond that 503 with Retry-After
    fetch_deadline_s: float = 30.0  # one URL submission's fetch, waiting in the queue included
    sse_max_streams: int = 100  # event streams open at once, all callers together (429 beyond)
    sse_max_per_caller: int = 4  # event streams open at once per key (or client address without keys)
    sse_max_lifetime_s: float = 600.0  # then the stream ends with `event: timeout`; clients reconnect
    header_timeout_s: float = 10.0  # from connecting to the end of the request headers, then closed
    body_idle_timeout_s: float = 15.0  # a request body that sends nothing for this long gets 408
    keep_alive_s: float = 5.0  # an idle kept-alive connection is closed after this

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
