"""Who is calling, and how often: API keys, per-key rate limits, and same-origin checks for forms.

A key comes as `Authorization: Bearer …`, as `X-API-Key`, or, for the review page, as a login token in an
HttpOnly SameSite=Strict cookie set by `/login`. Keys are required whenever the server listens beyond
loopback; on loopback without keys every caller is "local". A cookie-authenticated form post must come
from this site (its Origin or Referer names our host), so another site cannot post on an editor's behalf.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from editions.errors import AuthError
from editions.service.context import ServiceContext
from editions.store.keys import ApiKey, verify_key, verify_login_token
from editions.vocabulary import KeyRole

COOKIE = "editions_session"  # a login token (store.keys); earlier versions kept the key in "editions_key"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class Principal:
    name: str  # "key:<prefix>" or "local"
    key: ApiKey | None
    via_cookie: bool = False

    @property
    def owner(self) -> str:
        """The jobs this caller submits are stored under this name (idempotency keys are per owner)."""
        return self.key.prefix if self.key else "local"

    @property
    def role(self) -> KeyRole:
        """The key's role; "local" (loopback without keys) is the operator at the machine: admin."""
        return self.key.role if self.key else KeyRole.ADMIN


class RateLimiter:
    """A token bucket per caller: `rate` requests a minute, bursts up to `rate` at once."""

    def __init__(self) -> None:
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, name: str, rate_per_minute: int) -> float:
        """0 if the request may go ahead, else the seconds until it may."""
        now = time.monotonic()
        per_second = rate_per_minute / 60.0
        with self._lock:
            tokens, last = self._buckets.get(name, (float(rate_per_minute), now))
            tokens = min(float(rate_per_minute), tokens + (now - last) * per_second)
            if tokens >= 1.0:
                self._buckets[name] = (tokens - 1.0, now)
                return 0.0
            self._buckets[name] = (tokens, now)
            return (1.0 - tokens) / per_second


def context_of(request: Request) -> ServiceContext:
    ctx: ServiceContext = request.app.state.ctx
    return ctx


def _secret(request: Request) -> tuple[str | None, bool]:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip(), False
    if request.headers.get("x-api-key"):
        return request.headers["x-api-key"].strip(), False
    cookie = request.cookies.get(COOKIE)
    return (cookie, True) if cookie else (None, False)


def _cross_site(request: Request, via_cookie: bool) -> bool:
    """A state-changing request a browser sent from another site (or, with a cookie, can't tell)."""
    host = request.headers.get("host", "")
    origin = request.headers.get("origin")
    if origin is not None:
        return origin == "null" or urlsplit(origin).netloc != host
    if via_cookie:  # browsers send Origin on posts; with neither header, trust only the Referer
        referer = request.headers.get("referer")
        return not referer or urlsplit(referer).netloc != host
    return False  # not a browser (curl, a CMS): nothing ambient to abuse


async def authenticate(request: Request) -> Principal:
    """The FastAPI dependency every route but /healthz and /login uses."""
    ctx = context_of(request)
    secret, via_cookie = _secret(request)
    principal: Principal
    if secret:
        key = await run_in_threadpool(verify_login_token if via_cookie else verify_key, ctx.store, secret)
        if key is None:
            raise AuthError(401, "sign-in expired or ended" if via_cookie else "unknown or revoked API key")
        principal = Principal(f"key:{key.prefix}", key, via_cookie)
    elif ctx.config.keys_required:
        raise AuthError(
            401, "an API key is required: send 'Authorization: Bearer <key>' (editions keys create)"
        )
    else:
        principal = Principal("local", None)
    if request.method not in SAFE_METHODS and _cross_site(request, principal.via_cookie):
        raise AuthError(403, "cross-site request refused")
    limiter: RateLimiter = request.app.state.limiter
    rate = principal.key.rate_per_minute if principal.key else ctx.config.rate_per_minute
    bucket = principal.name if principal.key else f"local:{request.client.host if request.client else '?'}"
    wait = limiter.take(bucket, rate)
    if wait > 0:
        raise AuthError(429, f"rate limit of {rate} requests a minute reached", retry_after=wait)
    request.state.principal = principal
    return principal
