"""What stands between a socket and the app: the Host allow-list, request-body time-outs, aborted
uploads, header time-outs, and the uvicorn server that `editions serve` runs (built here, once, so
tests run the very same server).

* **Host names.** A request whose `Host` is not ours gets 400 before anything else runs, /healthz
  included: a web page on a domain the attacker points at 127.0.0.1 (DNS rebinding) sends its own
  name as Host, so it cannot reach a loopback server that needs no keys. Ours are the loopback names
  (localhost, 127.0.0.1, [::1]), the address the server is bound to, and `ServiceConfig.allowed_hosts`,
  each with any port. Bound to a wildcard address (0.0.0.0, ::), any IP literal is ours too: an IP
  literal cannot be rebound. The same test decides whether an `Origin` is this site (`security`).
* **Forwarded headers** are believed only from `ServiceConfig.forwarded_allow_ips` (none by default),
  so a client cannot choose its own address, and with it a fresh rate-limit bucket.
* **Slow headers** (slowloris): a connection must finish its request line and headers within
  `header_timeout_s` of connecting (or of its first byte after a kept-alive response), else it is
  closed. An idle kept-alive connection is closed after `keep_alive_s`.
* **Stalled bodies:** a request body that sends nothing for `body_idle_timeout_s` gets 408 and the
  connection is closed. A client that goes away mid-body leaves one log line, `request.aborted`.
"""

from __future__ import annotations

import asyncio
import ipaddress
import math
from typing import Any

import h11
import uvicorn
from starlette.requests import ClientDisconnect
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol

from editions.service import observe
from editions.service.context import ServiceConfig, is_loopback

WILDCARD_HOSTS = frozenset({"0.0.0.0", "::", ""})
ABORTED = observe.ABORTED


def host_name(value: str) -> str | None:
    """The name in a Host header or URL netloc ("Name:8000" → "name", "[::1]:80" → "::1"); None if
    it is not a well-formed host[:port]."""
    value = value.strip().lower()
    if value.startswith("["):
        name, bracket, rest = value[1:].partition("]")
        if not bracket or (rest and not (rest.startswith(":") and rest[1:].isdigit())):
            return None
        return name or None
    name, colon, port = value.partition(":")
    if colon and not port.isdigit():
        return None
    name = name.rstrip(".")
    return name if name and all(c.isalnum() or c in "-._" for c in name) else None


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


class HostPolicy:
    """Which Host names this server answers to (see the module's docstring)."""

    def __init__(self, config: ServiceConfig) -> None:
        extra = {host_name(h) or h.strip().lower() for h in config.allowed_hosts}
        self.any = "*" in extra
        bound = config.host.strip("[]").lower()
        self.any_ip = bound in WILDCARD_HOSTS
        self.names = frozenset(extra | ({bound} if bound not in WILDCARD_HOSTS else set()))

    def allows(self, host: str) -> bool:
        name = host_name(host)
        if name is None:
            return False
        if self.any or name in self.names or is_loopback(name):
            return True
        return self.any_ip and _is_ip(name)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers") or []:
        if key == name:
            return bytes(value).decode("latin-1")
    return None


class HostGuard:
    """400 for a request whose Host is not ours, before any other middleware or route runs."""

    def __init__(self, app: ASGIApp, policy: HostPolicy) -> None:
        self.app = app
        self.policy = policy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            host = _header(scope, b"host")
            if host is not None and not self.policy.allows(host):
                refused = JSONResponse({"error": "unknown Host; see --allowed-host"}, status_code=400)
                await refused(scope, receive, send)
                return
        await self.app(scope, receive, send)


class _Stalled(Exception):
    pass


class BodyGuard:
    """408 and a closed connection for a request body that stalls; one log line for one abandoned.

    Only the reading of the body is timed: once it is whole, `receive` waits for a disconnect as long
    as the app likes (an event stream does)."""

    def __init__(self, app: ASGIApp, idle_timeout_s: float) -> None:
        self.app = app
        self.idle_timeout_s = idle_timeout_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = {"whole": False, "aborted": False, "started": False, "answered": False}
        received = 0

        async def timed_receive() -> Message:
            nonlocal received
            if state["whole"]:
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), self.idle_timeout_s)
            except TimeoutError:
                await _answer_stalled(scope, send, state, received, self.idle_timeout_s)
                raise _Stalled from None
            if message["type"] == "http.disconnect":
                state["whole"] = state["aborted"] = True
                scope.setdefault("state", {})[ABORTED] = True  # observe logs no second line for it
                observe.log("request.aborted", method=scope["method"], path=scope["path"], received=received)
            elif not message.get("more_body", False):
                state["whole"] = True
            received += len(message.get("body", b""))
            return message

        async def guarded_send(message: Message) -> None:
            if state["answered"]:
                return  # we already answered 408; whatever the app says now is not sent
            if message["type"] == "http.response.start":
                state["started"] = True
            await send(message)

        try:
            await self.app(scope, timed_receive, guarded_send)
        except _Stalled:
            pass
        except ClientDisconnect:
            if not state["aborted"]:
                raise


async def _answer_stalled(
    scope: Scope, send: Send, state: dict[str, bool], received: int, limit: float
) -> None:
    observe.log("request.stalled", method=scope["method"], path=scope["path"], received=received)
    if not state["started"]:
        response = JSONResponse(
            {"error": f"the request body stalled for {limit:g} s"},
            status_code=408,
            headers={"Connection": "close"},
        )

        async def no_body() -> Message:
            return {"type": "http.disconnect"}

        await response(scope, no_body, send)
    state["answered"] = True


def protocol_for(header_timeout_s: float) -> type[H11Protocol]:
    """uvicorn's h11 protocol with a deadline on the request line and headers."""

    class HeaderDeadlineProtocol(H11Protocol):
        _header_timer: asyncio.TimerHandle | None = None
        _partial = False

        def connection_made(self, transport: Any) -> None:
            super().connection_made(transport)
            self._arm()

        def data_received(self, data: bytes) -> None:
            if self.conn.their_state is h11.IDLE:
                self._partial = True
                if self._header_timer is None:
                    self._arm()
            super().data_received(data)
            if self.conn.their_state is not h11.IDLE:
                self._disarm()

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

        def _arm(self) -> None:
            self._header_timer = self.loop.call_later(header_timeout_s, self._expired)

        def _disarm(self) -> None:
            if self._header_timer is not None:
                self._header_timer.cancel()
                self._header_timer = None
            self._partial = False

        def _expired(self) -> None:
            self._header_timer = None
            if self.conn.their_state is not h11.IDLE or self.transport.is_closing():
                return
            if self._partial:
                observe.log("request.header_timeout", client=self.client[0] if self.client else None)
                self.transport.write(
                    b"HTTP/1.1 408 Request Timeout\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                )
            self.transport.close()

    return HeaderDeadlineProtocol


def install(app: Any, config: ServiceConfig) -> None:
    """The body guard and, outermost, the Host guard (call after every other middleware is added)."""
    app.add_middleware(BodyGuard, idle_timeout_s=config.body_idle_timeout_s)
    app.add_middleware(HostGuard, policy=HostPolicy(config))


def server_config(app: ASGIApp, config: ServiceConfig) -> uvicorn.Config:
    """The uvicorn configuration `editions serve` runs `app` with (and the tests too)."""
    trusted = list(config.forwarded_allow_ips)
    return uvicorn.Config(
        app,
        host=config.host,
        port=config.port,
        log_level="warning",
        access_log=False,
        http=protocol_for(config.header_timeout_s),
        proxy_headers=bool(trusted),  # uvicorn's default trusts X-Forwarded-For from 127.0.0.1
        forwarded_allow_ips=trusted or None,
        timeout_keep_alive=max(1, math.ceil(config.keep_alive_s)),
    )


def build_server(app: ASGIApp, config: ServiceConfig) -> uvicorn.Server:
    return uvicorn.Server(server_config(app, config))
