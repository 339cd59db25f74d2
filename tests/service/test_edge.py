"""The service's edge, probed as an attacker would (issue 11, item 5), against real uvicorn servers on
127.0.0.1 built the way `editions serve` builds them: Host allow-list (DNS rebinding), forwarded
headers, failed-authentication limits, keyed /metrics and /openapi.json, slow URL fetches, export
headers, SSE caps and lifetimes, slow headers, stalled bodies and aborted uploads.

Raw sockets stand in for the attacker's client wherever httpx would be too polite to misbehave.
"""

from __future__ import annotations

import io
import json
import logging
import socket
import socketserver
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any
from urllib.parse import unquote

import httpx
import pytest

from editions.document import Article, Block
from editions.ingest.ssrf import UrlPolicy
from editions.service.context import ServiceConfig
from editions.service.security import RateLimiter
from editions.store.keys import create_key

from .conftest import LiveService, live_service, seed_edition

ARTICLE = "Port reopens\n\nThe port of Le Havre reopened on Monday after a strike."


def _post_article(client: httpx.Client, **headers: str) -> httpx.Response:
    return client.post(
        "/v1/articles?to=fr", content=ARTICLE.encode(), headers={"content-type": "text/plain", **headers}
    )


# --- 1. DNS rebinding: a Host allow-list -----------------------------------------------------------


def test_dns_rebinding_other_hosts_are_refused(service: LiveService) -> None:
    port = service.ctx.config.port
    evil = f"attacker.example:{port}"
    with service.client() as client:
        submitted = _post_article(client, Host=evil, Origin=f"http://{evil}")
        listed = client.get("/v1/jobs", headers={"Host": evil})
        health = client.get("/healthz", headers={"Host": evil})
        assert client.get("/v1/jobs").json() == []  # nothing was stored
    assert submitted.status_code != 202
    assert submitted.status_code == 400 and "host" in submitted.json()["error"].lower()
    assert listed.status_code != 200 and listed.status_code == 400
    assert health.status_code == 400
    assert len(submitted.content) < 200  # a plain short error, nothing else


def test_loopback_names_and_configured_hosts_are_allowed(db_url: str) -> None:
    config = ServiceConfig(database_url=db_url, workers=0, allowed_hosts=("editions.newsroom.example",))
    with live_service(config) as live, live.client() as client:
        port = live.ctx.config.port
        for host in (f"localhost:{port}", f"127.0.0.1:{port}", f"[::1]:{port}", "localhost"):
            assert client.get("/v1/jobs", headers={"Host": host}).status_code == 200, host
        named = f"editions.newsroom.example:{port}"
        assert client.get("/v1/jobs", headers={"Host": named}).status_code == 200
        # an allowed Host does not make any Origin acceptable: the Origin must name this site too
        posted = _post_article(client, Host=named, Origin=f"http://{named}")
        assert posted.status_code == 202
        crossed = _post_article(client, Host=named, Origin="http://attacker.example")
        assert crossed.status_code == 403
        assert client.get("/healthz", headers={"Host": "editions.newsroom.example.evil"}).status_code == 400


# --- 2. forwarded headers are not trusted unless configured ---------------------------------------


def test_rotating_x_forwarded_for_gets_no_fresh_buckets(db_url: str) -> None:
    config = ServiceConfig(database_url=db_url, workers=0, rate_per_minute=5)
    with live_service(config) as live, live.client() as client:
        codes = [
            client.get("/v1/jobs", headers={"X-Forwarded-For": f"203.0.113.{n}"}).status_code
            for n in range(25)
        ]
    assert codes[:5] == [200] * 5
    assert codes[5:] == [429] * 20, codes


def test_forwarded_for_is_trusted_from_configured_proxies(db_url: str) -> None:
    config = ServiceConfig(
        database_url=db_url, workers=0, rate_per_minute=2, forwarded_allow_ips=("127.0.0.1",)
    )
    with live_service(config) as live, live.client() as client:
        codes = [
            client.get("/v1/jobs", headers={"X-Forwarded-For": f"203.0.113.{n}"}).status_code
            for n in range(6)
        ]
    assert codes == [200] * 6  # each forwarded client has its own bucket behind a trusted proxy


# --- 3. failed authentications are limited; the bucket table is bounded ---------------------------


def test_wrong_keys_are_rate_limited_per_address(db_url: str) -> None:
    config = ServiceConfig(database_url=db_url, workers=0, require_keys=True, failed_auth_per_minute=10)
    with live_service(config) as live, live.client() as client:
        secret, _ = create_key(live.ctx.store, "cms", rate_per_minute=1000)
        codes = [client.get("/v1/jobs", headers={"X-API-Key": f"ed_guess{n}"}).status_code for n in range(14)]
        blocked = client.get("/v1/jobs", headers={"X-API-Key": "ed_guess-more"})
        # while the address is blocked, even the right key is not checked (a guess could not be told apart)
        right = client.get("/v1/jobs", headers={"X-API-Key": secret})
    assert codes[:10] == [401] * 10
    assert codes[10:] == [429] * 4, codes
    assert int(blocked.headers["retry-after"]) >= 1
    assert right.status_code == 429


def test_failed_logins_are_rate_limited(db_url: str) -> None:
    config = ServiceConfig(database_url=db_url, workers=0, require_keys=True, failed_auth_per_minute=10)
    with live_service(config) as live, live.client() as client:
        create_key(live.ctx.store, "desk")
        codes = [
            client.post(
                "/login", data={"key": f"ed_guess{n}", "next": "/"}, headers={"Origin": live.url}
            ).status_code
            for n in range(13)
        ]
        last = client.post("/login", data={"key": "ed_x", "next": "/"}, headers={"Origin": live.url})
    assert codes[:10] == [401] * 10
    assert codes[10:] == [429] * 3, codes
    assert int(last.headers["retry-after"]) >= 1


def test_the_bucket_table_stays_under_its_cap() -> None:
    limiter = RateLimiter(max_buckets=5000)
    for n in range(100_000):
        limiter.take(f"local:10.{n >> 16}.{(n >> 8) & 255}.{n & 255}", 60)
        assert len(limiter) <= 5000
    # a caller that is being limited is not the one evicted first: idle, full buckets go before it
    busy = RateLimiter(max_buckets=100)
    for _ in range(5):
        busy.take("busy", 5)
    for n in range(1000):
        busy.take(f"idle{n}", 60)
    assert busy.take("busy", 5) > 0


# --- 4. /metrics, /openapi.json and /docs -------------------------------------------------------------


def test_keyed_server_guards_metrics_and_openapi(db_url: str) -> None:
    config = ServiceConfig(database_url=db_url, workers=0, require_keys=True)
    with live_service(config) as live, live.client() as client:
        secret, _ = create_key(live.ctx.store, "ops")
        assert client.get("/metrics").status_code == 401
        assert client.get("/openapi.json").status_code == 401
        key = {"Authorization": f"Bearer {secret}"}
        assert "editions_http_requests_total" in client.get("/metrics", headers=key).text
        assert "/v1/articles" in client.get("/openapi.json", headers=key).json()["paths"]
        for path in ("/docs", "/redoc", "/docs/oauth2-redirect"):
            response = client.get(path, headers=key)
            assert response.status_code == 404, path
            assert "cdn.jsdelivr.net" not in response.text


def test_unkeyed_server_docs_load_nothing_from_a_cdn(service: LiveService) -> None:
    with service.client() as client:
        assert client.get("/openapi.json").status_code == 200
        assert client.get("/metrics").status_code == 200
        for path in ("/docs", "/redoc"):
            response = client.get(path)
            assert response.status_code == 404 and "cdn" not in response.text, path


# --- 5. slow URL fetches do not use up the thread pool ------------------------------------------------


class _Trickle(socketserver.ThreadingTCPServer):
    """An HTTP server that promises 1,000 bytes and sends one a second."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        self.stop = threading.Event()
        super().__init__(("127.0.0.1", 0), _TrickleHandler)


class _TrickleHandler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        server: _Trickle = self.server  # type: ignore[assignment]
        self.request.recv(4096)
        try:
            self.request.sendall(
                b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\n"
            )
            while not server.stop.wait(1.0):
                self.request.sendall(b"x")
        except OSError:
            return


@contextmanager
def trickle_server() -> Iterator[int]:
    server = _Trickle()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield int(server.server_address[1])
    finally:
        server.stop.set()
        server.shutdown()
        server.server_close()


def test_slow_url_fetches_do_not_block_health_or_auth(db_url: str) -> None:
    with trickle_server() as slow_port:
        policy = UrlPolicy(allow=frozenset({f"127.0.0.1:{slow_port}"}), timeout_s=4.0)
        config = ServiceConfig(
            database_url=db_url, workers=0, require_keys=True, url_policy=policy, fetch_deadline_s=5.0
        )
        with live_service(config) as live:
            secret, _ = create_key(live.ctx.store, "cms", rate_per_minute=1000)
            key = {"X-API-Key": secret}

            def submit(_: int) -> httpx.Response:
                with live.client() as client:
                    body = {"url": f"http://127.0.0.1:{slow_port}/article.txt", "targets": ["fr"]}
                    return client.post("/v1/articles", json=body, headers=key)

            health: list[float] = []
            authed: list[float] = []
            with ThreadPoolExecutor(40) as pool, httpx.Client(base_url=live.url, timeout=60) as client:
                futures = [pool.submit(submit, n) for n in range(40)]
                time.sleep(0.5)  # let the fetches fill whatever pool they run on
                for _ in range(8):
                    started = time.perf_counter()
                    assert client.get("/healthz").status_code == 200
                    health.append(time.perf_counter() - started)
                    started = time.perf_counter()
                    assert client.get("/v1/jobs", headers=key).status_code == 200
                    authed.append(time.perf_counter() - started)
                    time.sleep(0.25)
                responses = [f.result() for f in futures]
    codes = sorted(r.status_code for r in responses)
    worst = f"max {max(health) * 1000:.0f} ms; keyed /v1/jobs max {max(authed) * 1000:.0f} ms"
    print(f"/healthz during the attack: {worst}")
    assert max(health) < 1.0, health
    assert max(authed) < 1.0, authed
    busy = [r for r in responses if r.status_code == 503]
    assert busy and all(int(r.headers["retry-after"]) >= 1 for r in busy), codes  # a bounded queue
    assert all(r.status_code in (422, 503) for r in responses), codes  # the fetches time out: 422


# --- 6. export headers ---------------------------------------------------------------------------------


def _disposition(header: str) -> dict[str, list[str]]:
    """Content-Disposition parameters (name → every value given), quotes respected."""
    params: dict[str, list[str]] = {}
    parts, current, quoted = [], "", False
    for char in header:
        if char == '"':
            quoted = not quoted
        if char == ";" and not quoted:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    for part in parts[1:]:
        name, _, value = part.strip().partition("=")
        params.setdefault(name.strip().lower(), []).append(value.strip())
    return params


@pytest.mark.parametrize(
    "article_id",
    ["x\";filename*=UTF-8''a.html;x=\"", "報道-記事", "../../etc/passwd\r\nX-Evil: 1"],  # ids ≤ 32 chars
)
def test_export_filename_cannot_inject_and_unicode_is_fine(service: LiveService, article_id: str) -> None:
    article = Article(
        id=article_id, headline="Port reopens", blocks=[Block(id="b1", kind="paragraph", text="It rained.")]
    )
    _, edition_id = seed_edition(
        service.ctx, article, "fr", {"headline": "Le port rouvre", "b1": "Il a plu."}
    )
    with service.client() as client:
        response = client.get(f"/v1/editions/{edition_id}/export", params={"format": "md"})
        page = client.get(f"/editions/{edition_id}/export/md")
    assert response.status_code == 200, response.text
    for got in (response, page):
        header = got.headers["content-disposition"]
        params = _disposition(header)
        assert header.startswith("attachment;")
        assert set(params) == {"filename", "filename*"}, header
        assert len(params["filename"]) == 1 and len(params["filename*"]) == 1, header
        fallback = params["filename"][0]
        assert fallback.startswith('"') and fallback.endswith('"') and fallback.count('"') == 2
        assert all(32 < ord(c) < 127 for c in fallback), fallback
        encoded = params["filename*"][0]
        assert encoded.startswith("UTF-8''")
        name = unquote(encoded[7:])
        assert name.endswith(".fr.md") and not any(c in name for c in '"/\\;\r\n')
    if article_id == "報道-記事":
        assert unquote(params["filename*"][0][7:]) == "報道-記事.fr.md"


def test_v1_exports_are_nosniff_and_sandboxed(service: LiveService) -> None:
    article = Article(headline="Port reopens", blocks=[Block(id="b1", kind="paragraph", text="It rained.")])
    _, edition_id = seed_edition(
        service.ctx, article, "fr", {"headline": "Le port rouvre", "b1": "Il a plu."}
    )
    with service.client() as client:
        for path in (f"/v1/editions/{edition_id}/export?format=html", "/v1/memory/tmx"):
            response = client.get(path)
            assert response.status_code == 200, path
            assert response.headers["x-content-type-options"] == "nosniff", path
            csp = response.headers["content-security-policy"]
            assert "sandbox" in csp and "default-src 'none'" in csp, path


# --- 7. connections: SSE caps and lifetime, slow headers, stalled bodies, aborted uploads -------------


def _queued_job(client: httpx.Client, **headers: str) -> str:
    response = _post_article(client, **headers)
    assert response.status_code == 202, response.text
    return str(response.json()["job_id"])


def test_event_streams_are_capped_per_caller_and_overall(db_url: str) -> None:
    config = ServiceConfig(
        database_url=db_url, workers=0, require_keys=True, sse_max_per_caller=2, sse_max_streams=3
    )
    with live_service(config) as live:
        a, _ = create_key(live.ctx.store, "a", rate_per_minute=1000)
        b, _ = create_key(live.ctx.store, "b", rate_per_minute=1000)
        with live.client() as client:  # each caller follows its own job: another's is a 404 to it
            jobs = {secret: _queued_job(client, **{"X-API-Key": secret}) for secret in (a, b)}
        clients = [live.client() for _ in range(6)]
        try:

            def open_stream(n: int, secret: str) -> Any:
                url = f"/v1/jobs/{jobs[secret]}/events"
                stream = clients[n].stream("GET", url, headers={"X-API-Key": secret})
                response = stream.__enter__()
                return stream, response

            a1, a2 = open_stream(0, a), open_stream(1, a)
            assert a1[1].status_code == 200 and a2[1].status_code == 200
            a3 = open_stream(2, a)
            assert a3[1].status_code == 429  # per caller
            b1 = open_stream(3, b)
            assert b1[1].status_code == 200
            b2 = open_stream(4, b)
            assert b2[1].status_code == 429  # overall
            a1[0].__exit__(None, None, None)  # a stream that ends gives its slot back
            deadline = time.monotonic() + 5
            while True:
                again = open_stream(5, b)
                if again[1].status_code == 200 or time.monotonic() > deadline:
                    break
                again[0].__exit__(None, None, None)
                time.sleep(0.2)
            assert again[1].status_code == 200
            for s in (a2, a3, b1, b2, again):
                s[0].__exit__(None, None, None)
        finally:
            for c in clients:
                c.close()


def test_event_streams_end_after_their_lifetime(db_url: str) -> None:
    config = ServiceConfig(database_url=db_url, workers=0, sse_max_lifetime_s=1.5)
    with live_service(config) as live, live.client() as client:
        job = _queued_job(client)
        started = time.monotonic()
        names = []
        with client.stream("GET", f"/v1/jobs/{job}/events", timeout=10) as response:
            for line in response.iter_lines():
                if line.startswith("event: "):
                    names.append(line[7:])
    assert names[0] == "progress" and names[-1] == "timeout", names
    assert time.monotonic() - started < 5


def _raw(live: LiveService) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", live.ctx.config.port), timeout=10)
    return sock


def _closed_after(sock: socket.socket, trickle: bytes, limit_s: float) -> float | None:
    """Seconds until the server closed `sock` while we sent `trickle` a byte at a time, or None."""
    started = time.monotonic()
    sock.settimeout(0.3)
    n = 0
    while time.monotonic() - started < limit_s:
        try:
            if sock.recv(4096) == b"":
                return time.monotonic() - started
            continue  # a response (e.g. 408) arrived: read on until the close
        except TimeoutError:
            pass
        except OSError:
            return time.monotonic() - started
        try:
            if trickle:
                sock.sendall(trickle[n % len(trickle) : n % len(trickle) + 1])
                n += 1
        except OSError:
            return time.monotonic() - started
    return None


def test_slow_headers_are_closed_within_the_timeout(db_url: str) -> None:
    config = ServiceConfig(database_url=db_url, workers=0, header_timeout_s=1.0)
    with live_service(config) as live:
        with _raw(live) as sock:
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            closed = _closed_after(sock, b"X-Padding: aaaaaaaa\r\n", 6.0)
        assert closed is not None and closed < 3.0, closed
        with _raw(live) as idle:  # a connection that never says anything
            assert (_closed_after(idle, b"", 6.0) or 99) < 3.0
        with live.client() as client:  # the server still serves
            assert client.get("/healthz").status_code == 200


@pytest.mark.parametrize(
    "head",
    [
        b"POST /v1/articles?to=fr HTTP/1.1\r\nContent-Type: text/plain\r\n",
        b"PUT /v1/editions/e1/blocks/b1 HTTP/1.1\r\nContent-Type: application/json\r\n",
    ],
)
def test_a_stalled_body_gets_408_and_is_closed(db_url: str, head: bytes) -> None:
    config = ServiceConfig(database_url=db_url, workers=0, body_idle_timeout_s=1.0)
    with live_service(config) as live:
        with _raw(live) as sock:
            sock.sendall(head + b"Host: 127.0.0.1\r\nContent-Length: 1000\r\n\r\n" + b'{"text": "Port')
            sock.settimeout(6)
            started = time.monotonic()
            received = b""
            while True:
                try:
                    chunk = sock.recv(4096)
                except TimeoutError:
                    break
                if not chunk:
                    break
                received += chunk
            elapsed = time.monotonic() - started
        assert received.startswith(b"HTTP/1.1 408"), received[:200]
        assert elapsed < 4.0
        with live.client() as client:
            assert client.get("/v1/jobs").json() == []


class _OncePerRecord(logging.StreamHandler):  # type: ignore[type-arg]
    def __init__(self, stream: io.StringIO) -> None:
        super().__init__(stream)
        self.seen: list[logging.LogRecord] = []  # kept alive, so that no id is reused

    def emit(self, record: logging.LogRecord) -> None:
        if not any(record is seen for seen in self.seen):
            self.seen.append(record)
            super().emit(record)


@contextmanager
def captured_logs() -> Iterator[io.StringIO]:
    """Everything the service and uvicorn log, tracebacks included, as text."""
    buffer = io.StringIO()
    handler = _OncePerRecord(buffer)  # on several loggers, which may also propagate to each other
    handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    loggers = [logging.getLogger(name) for name in ("editions.service", "uvicorn", "uvicorn.error", "")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
    loggers[0].setLevel(logging.INFO)
    try:
        yield buffer
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.removeHandler(handler)
            logger.setLevel(level)


@pytest.mark.parametrize(
    "head",
    [
        b"POST /v1/articles?to=fr HTTP/1.1\r\nContent-Type: text/plain\r\n",  # the body read by hand
        b"PUT /v1/editions/e1/blocks/b1 HTTP/1.1\r\nContent-Type: application/json\r\n",  # by FastAPI
        b"POST /login HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\n",  # a form
    ],
)
def test_an_aborted_upload_logs_one_line_and_no_traceback(db_url: str, head: bytes) -> None:
    config = ServiceConfig(database_url=db_url, workers=0)
    with live_service(config) as live, captured_logs() as logs:
        with _raw(live) as sock:
            sock.sendall(head + b"Host: 127.0.0.1\r\nContent-Length: 100000\r\n\r\n" + b'{"text": "' * 100)
            time.sleep(0.3)
        time.sleep(1.0)
        with live.client() as client:
            assert client.get("/healthz").status_code == 200
        text = logs.getvalue()
    lines = [line for line in text.splitlines() if "/healthz" not in line]
    assert len(lines) == 1, text  # one line for the aborted upload, nothing else
    assert json.loads(lines[0].split(" ", 2)[2])["event"] == "request.aborted"
    assert "Traceback" not in text, text


@pytest.mark.parametrize(
    ("bound", "allowed", "host", "ok"),
    [
        ("127.0.0.1", (), "localhost:8000", True),
        ("127.0.0.1", (), "LOCALHOST.", True),
        ("127.0.0.1", (), "[::1]:8000", True),
        ("127.0.0.1", (), "127.0.0.2", True),  # an IP literal cannot be rebound
        ("127.0.0.1", (), "10.0.0.5:8000", False),
        ("127.0.0.1", (), "attacker.example:8000", False),
        ("127.0.0.1", (), "localhost.attacker.example", False),
        ("127.0.0.1", (), "localhost:80@attacker.example", False),
        ("127.0.0.1", (), "[::1", False),
        ("127.0.0.1", ("news.example:8443",), "news.example:9000", True),  # any port
        ("127.0.0.1", ("*",), "anything.example", True),
        ("10.1.2.3", (), "10.1.2.3:8000", True),  # the bound address
        ("10.1.2.3", (), "10.1.2.4:8000", False),
        ("0.0.0.0", (), "192.0.2.7:8000", True),  # bound everywhere: any IP literal, no names
        ("0.0.0.0", (), "intranet.example", False),
        ("editions.intranet", (), "editions.intranet:8000", True),
    ],
)
def test_host_policy(bound: str, allowed: tuple[str, ...], host: str, ok: bool) -> None:
    from editions.service.edge import HostPolicy

    assert HostPolicy(ServiceConfig(host=bound, allowed_hosts=allowed)).allows(host) is ok


def test_serve_trusts_forwarded_headers_only_when_told() -> None:
    from editions.service.edge import server_config

    plain = server_config(None, ServiceConfig())  # type: ignore[arg-type]
    assert plain.proxy_headers is False
    behind = server_config(None, ServiceConfig(forwarded_allow_ips=("10.0.0.1",)))  # type: ignore[arg-type]
    assert behind.proxy_headers is True and behind.forwarded_allow_ips == ["10.0.0.1"]


def test_a_slow_second_request_on_a_kept_alive_connection_is_closed(db_url: str) -> None:
    config = ServiceConfig(database_url=db_url, workers=0, header_timeout_s=1.0)
    with live_service(config) as live, _raw(live) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        assert sock.recv(4096).startswith(b"HTTP/1.1 200")
        sock.sendall(b"GET /healthz HTTP/1.1\r\n")
        closed = _closed_after(sock, b"X-Padding: a\r\n", 6.0)
    assert closed is not None and closed < 3.0, closed
