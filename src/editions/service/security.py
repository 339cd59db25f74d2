"""Who is calling, and how often: API keys, per-key rate limits, and same-origin checks for forms.

A key comes as `Authorization: Bearer …`, as `X-API-Key`, or, for the review page, as a login token in an
HttpOnly SameSite=Strict cookie set by `/login`. Keys are required whenever the server listens beyond
loopback; on loopback without keys every caller is "local". A cookie-authenticated form post must come
from this site (its Origin or Referer names our host), so another site cannot post on an editor's behalf.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from fastapi import Request

from editions.errors import AuthError
from editions.service.context import ServiceContext
from editions.service.edge import HostPolicy
from editions.service.limits import Edge, RateLimiter
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


def this_site(request: Request, url: str) -> bool:
    """Whether `url` (an Origin or Referer) is this server: the Host the request came to, and that
    Host one of ours (`edge.HostPolicy`), never merely whatever Host the request claims."""
    netloc = urlsplit(url).netloc
    policy: HostPolicy = request.app.state.hosts
    return bool(netloc) and netloc == request.headers.get("host", "") and policy.allows(netloc)


def _cross_site(request: Request, via_cookie: bool) -> bool:
    """A state-changing request a browser sent from another site (or, with a cookie, can't tell)."""
    origin = request.headers.get("origin")
    if origin is not None:
        return origin == "null" or not this_site(request, origin)
    if via_cookie:  # browsers send Origin on posts; with neither header, trust only the Referer
        referer = request.headers.get("referer")
        return not referer or not this_site(request, referer)
    return False  # not a browser (curl, a CMS): nothing ambient to abuse


def client_address(request: Request) -> str:
    """The peer's address (a proxy's X-Forwarded-For only when `forwarded_allow_ips` trusts it)."""
    return request.client.host if request.client else "?"


def caller_name(request: Request, principal: Principal) -> str:
    """Whose rate-limit bucket and stream slots a request uses: its key, or else its address."""
    return principal.name if principal.key else f"local:{client_address(request)}"


async def checked_key(request: Request, secret: str, *, login_token: bool = False) -> ApiKey:
    """The live key for `secret` (an API key, or with `login_token` a sign-in cookie's token), checked
    on the edge's own threads; wrong guesses are limited per address, and an address over its limit is
    refused before its key is even looked at."""
    edge: Edge = request.app.state.edge
    address = client_address(request)
    edge.refuse_if_failing(address)
    verify = verify_login_token if login_token else verify_key
    key = await edge.on(edge.auth, verify, context_of(request).store, secret)
    if key is None:
        edge.count_failure(address)
        raise AuthError(401, "sign-in expired or ended" if login_token else "unknown or revoked API key")
    return key


async def authenticate(request: Request) -> Principal:
    """The FastAPI dependency every route but /healthz and /login uses."""
    ctx = context_of(request)
    secret, via_cookie = _secret(request)
    principal: Principal
    if secret:
        key = await checked_key(request, secret, login_token=via_cookie)
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
    wait = limiter.take(caller_name(request, principal), rate)
    if wait > 0:
        raise AuthError(429, f"rate limit of {rate} requests a minute reached", retry_after=wait)
    request.state.principal = principal
    return principal
