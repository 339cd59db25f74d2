"""How much of the server one caller may hold: request rates, failed sign-ins, event streams, and the
threads that URL fetches, key checks and health checks run on.

Each of these had a way to exhaust something shared (issue 11): rate-limit buckets that grew without
bound, brute-forced keys, unlimited SSE streams, and slow URL fetches that took every thread of the
request pool, so that even `/healthz` and key checks waited behind them. The answers live here, one
`Edge` per app (`app.state.edge`), sized by `ServiceConfig`.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

from starlette.responses import StreamingResponse
from starlette.types import Receive, Scope, Send

from editions.errors import AuthError, FetchError
from editions.service.context import ServiceConfig

T = TypeVar("T")


class RateLimiter:
    """A token bucket per name: `rate` requests a minute, bursts up to `rate` at once.

    The table holds at most `max_buckets` names (`_evict`); a sweep brings it down to 90 % of the cap,
    so that it runs at most once per tenth of the cap."""

    def __init__(self, max_buckets: int = 10_000) -> None:
        self.max_buckets = max(1, max_buckets)
        self._buckets: OrderedDict[str, tuple[float, float, int]] = OrderedDict()  # tokens, when, rate
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._buckets)

    def _tokens(self, name: str, rate: int, now: float) -> float:
        tokens, last, _ = self._buckets.get(name, (float(rate), now, rate))
        return min(float(rate), tokens + (now - last) * rate / 60.0)

    def take(self, name: str, rate_per_minute: int) -> float:
        """0 if the request may go ahead (and it is counted), else the seconds until it may."""
        now = time.monotonic()
        with self._lock:
            tokens = self._tokens(name, rate_per_minute, now)
            wait = 0.0 if tokens >= 1.0 else (1.0 - tokens) * 60.0 / rate_per_minute
            self._buckets[name] = (tokens - 1.0 if wait == 0.0 else tokens, now, rate_per_minute)
            self._buckets.move_to_end(name)
            if len(self._buckets) > self.max_buckets:
                self._evict(now)
            return wait

    def wait(self, name: str, rate_per_minute: int) -> float:
        """The seconds until `name` may go ahead, without counting anything (0: now)."""
        with self._lock:
            if name not in self._buckets:
                return 0.0
            tokens = self._tokens(name, rate_per_minute, time.monotonic())
        return 0.0 if tokens >= 1.0 else (1.0 - tokens) * 60.0 / rate_per_minute

    def _evict(self, now: float) -> None:
        """Down to 90 % of the cap: the fullest buckets first (a full one is as good as none), the
        least recently used among equals; a caller being limited is kept, so it cannot flush itself."""
        fullness = {n: self._tokens(n, rate, now) / rate for n, (_, _, rate) in self._buckets.items()}
        excess = len(self._buckets) - self.max_buckets * 9 // 10
        order = sorted(enumerate(fullness.items()), key=lambda item: (-item[1][1], item[0]))
        for _, (name, _) in order[:excess]:
            del self._buckets[name]


class StreamSlots:
    """Counts open event streams, per caller and overall; beyond either cap a stream is refused."""

    def __init__(self, per_caller: int, overall: int) -> None:
        self.per_caller, self.overall = per_caller, overall
        self._open: dict[str, int] = {}
        self._lock = threading.Lock()

    def acquire(self, caller: str) -> StreamSlot:
        with self._lock:
            if sum(self._open.values()) >= self.overall:
                raise AuthError(429, f"the server has {self.overall} event streams open", retry_after=5)
            if self._open.get(caller, 0) >= self.per_caller:
                raise AuthError(
                    429, f"at most {self.per_caller} event streams at once per caller", retry_after=5
                )
            self._open[caller] = self._open.get(caller, 0) + 1
        return StreamSlot(self, caller)

    def _release(self, caller: str) -> None:
        with self._lock:
            left = self._open.get(caller, 0) - 1
            if left > 0:
                self._open[caller] = left
            else:
                self._open.pop(caller, None)


class StreamSlot:
    def __init__(self, slots: StreamSlots, caller: str) -> None:
        self._slots, self._caller, self._held = slots, caller, True

    def release(self) -> None:
        if self._held:
            self._held = False
            self._slots._release(self._caller)


class SlottedStream(StreamingResponse):
    """A streaming response that gives its slot back however it ends: finished, timed out, or the
    client gone (even before the first byte, when the body iterator would never run)."""

    def __init__(self, content: Any, slot: StreamSlot, **kwargs: Any) -> None:
        super().__init__(content, **kwargs)
        self.slot = slot

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            self.slot.release()


class FetchPool:
    """URL fetches on their own threads: `threads` at once, `queue` more waiting, then 503.

    A fetch holds a thread for as long as the remote server takes to answer (up to the URL policy's
    time limit), so fetches must never run on the pool that serves requests."""

    def __init__(self, threads: int, queue: int) -> None:
        self._executor = ThreadPoolExecutor(max(1, threads), thread_name_prefix="editions-fetch")
        self._capacity = max(1, threads) + max(0, queue)
        self._in_flight = 0
        self._lock = threading.Lock()

    def _done(self, _: object) -> None:
        with self._lock:
            self._in_flight -= 1

    async def run(self, deadline: float, fn: Callable[..., T], *args: Any) -> T:
        """`fn(*args)` on the fetch pool; FetchError once `deadline` (time.monotonic) passes."""
        with self._lock:
            if self._in_flight >= self._capacity:
                raise AuthError(503, "too many URL fetches in progress; try again shortly", retry_after=5)
            self._in_flight += 1
        future = self._executor.submit(fn, *args)
        future.add_done_callback(self._done)
        remaining = deadline - time.monotonic()
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), max(0.0, remaining))
        except TimeoutError:
            future.cancel()  # one still waiting for a thread never starts
            raise FetchError("fetching the article's URL took too long; try again later") from None

    def shutdown(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)


@dataclass
class Edge:
    """The app's limits and side pools (`app.state.edge`)."""

    config: ServiceConfig
    requests: RateLimiter
    failures: RateLimiter
    streams: StreamSlots
    fetches: FetchPool
    # Key checks and health checks get threads of their own, so that a busy request pool cannot
    # delay them (and with them every authenticated request, or a load balancer's verdict).
    auth: ThreadPoolExecutor
    health: ThreadPoolExecutor

    @classmethod
    def for_config(cls, config: ServiceConfig) -> Edge:
        return cls(
            config=config,
            requests=RateLimiter(config.max_rate_buckets),
            failures=RateLimiter(config.max_rate_buckets),
            streams=StreamSlots(config.sse_max_per_caller, config.sse_max_streams),
            fetches=FetchPool(config.fetch_threads, config.fetch_queue),
            auth=ThreadPoolExecutor(4, thread_name_prefix="editions-auth"),
            health=ThreadPoolExecutor(2, thread_name_prefix="editions-health"),
        )

    async def on(self, executor: ThreadPoolExecutor, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(executor, fn, *args)

    def refuse_if_failing(self, address: str) -> None:
        """429 for an address that used up its failed authentications (checked before the key is)."""
        wait = self.failures.wait(f"failed:{address}", self.config.failed_auth_per_minute)
        if wait > 0:
            raise AuthError(429, "too many failed authentications from this address", retry_after=wait)

    def count_failure(self, address: str) -> None:
        self.failures.take(f"failed:{address}", self.config.failed_auth_per_minute)

    def shutdown(self) -> None:
        self.fetches.shutdown()
        self.auth.shutdown(wait=False, cancel_futures=True)
        self.health.shutdown(wait=False, cancel_futures=True)
