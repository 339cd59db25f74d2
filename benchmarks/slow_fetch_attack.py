"""/healthz and keyed /v1/jobs latency while 40 `{"url": …}` submissions fetch from a server that sends
one byte a second (issue 11, item 5: "blocked /healthz for 13 s").

    PYTHONPATH=src .venv/bin/python benchmarks/slow_fetch_attack.py [--seconds 14] [--out FILE]

    (--out: default benchmarks/results/slow_fetch_attack.json)

Everything runs on 127.0.0.1: the trickling server, and the service on uvicorn as `editions serve`
builds it (on a tree from before `service/edge.py`, as `editions serve` then ran it). The URL policy
keeps its defaults (15 s per fetch), with an exception for the trickling server's loopback port.
"""

from __future__ import annotations

import argparse
import json
import platform
import socketserver
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from editions.ingest.ssrf import UrlPolicy
from editions.service.app import create_app
from editions.service.context import ServiceConfig, ServiceContext
from editions.store.keys import create_key


class Trickle(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        self.stop = threading.Event()
        super().__init__(("127.0.0.1", 0), TrickleHandler)


class TrickleHandler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        server: Trickle = self.server  # type: ignore[assignment]
        self.request.recv(4096)
        try:
            head = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\n"
            self.request.sendall(head)
            while not server.stop.wait(1.0):
                self.request.sendall(b"x")
        except OSError:
            return


def _server(app: Any, config: ServiceConfig) -> uvicorn.Server:
    try:
        from editions.service.edge import build_server
    except ImportError:  # before the edge module: how `editions serve` ran uvicorn then
        return uvicorn.Server(
            uvicorn.Config(app, host=config.host, port=config.port, log_level="warning", access_log=False)
        )
    return build_server(app, config)


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=14.0, help="how long to measure")
    parser.add_argument("--submissions", type=int, default=40)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/slow_fetch_attack.json"))
    args = parser.parse_args()
    trickle = Trickle()
    threading.Thread(target=trickle.serve_forever, daemon=True).start()
    slow = f"127.0.0.1:{trickle.server_address[1]}"
    with tempfile.TemporaryDirectory() as tmp:
        config = ServiceConfig(
            database_url=f"sqlite:///{tmp}/editions.db",
            workers=0,
            require_keys=True,
            port=_free_port(),
            url_policy=UrlPolicy(allow=frozenset({slow})),
        )
        ctx = ServiceContext.open(config)
        server = _server(create_app(config, ctx=ctx), config)
        threading.Thread(target=server.run, daemon=True).start()
        while not server.started:
            time.sleep(0.05)
        secret, _ = create_key(ctx.store, "cms", rate_per_minute=10_000)
        base, key = f"http://127.0.0.1:{config.port}", {"X-API-Key": secret}

        def submit(_: int) -> int:
            with httpx.Client(base_url=base, timeout=120) as client:
                body = {"url": f"http://{slow}/article.txt", "targets": ["fr"]}
                return client.post("/v1/articles", json=body, headers=key).status_code

        health: list[float] = []
        keyed: list[float] = []
        with ThreadPoolExecutor(args.submissions) as pool, httpx.Client(base_url=base, timeout=120) as client:
            futures = [pool.submit(submit, n) for n in range(args.submissions)]
            time.sleep(2.0)  # let the fetches take whatever threads they take
            end = time.monotonic() + args.seconds
            while time.monotonic() < end:
                started = time.perf_counter()
                client.get("/healthz")
                health.append(time.perf_counter() - started)
                started = time.perf_counter()
                client.get("/v1/jobs", headers=key)
                keyed.append(time.perf_counter() - started)
                time.sleep(0.2)
            codes = [f.result() for f in futures]
        server.should_exit = True
        trickle.stop.set()
        trickle.shutdown()
    health.sort()
    keyed.sort()
    outcome = ", ".join(f"{code}×{codes.count(code)}" for code in sorted(set(codes)))
    figures = {
        "healthz": _summary(health),
        "keyed /v1/jobs": _summary(keyed),
    }
    print(f"{'probe':<16} {'n':>4} {'p50 ms':>8} {'max ms':>8}")
    for name, row in figures.items():
        print(f"{name:<16} {row['n']:>4} {row['p50_ms']:>8.0f} {row['max_ms']:>8.0f}")
    print(f"submissions: {outcome}")
    result = {
        "what": __doc__.split("\n\n")[0],
        "machine": {"python": platform.python_version(), "system": platform.platform()},
        "settings": {"seconds": args.seconds, "submissions": args.submissions},
        "probes": figures,
        "submission_status_codes": {str(code): codes.count(code) for code in sorted(set(codes))},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {args.out}")


def _summary(sorted_seconds: list[float]) -> dict[str, Any]:
    return {
        "n": len(sorted_seconds),
        "p50_ms": round(sorted_seconds[len(sorted_seconds) // 2] * 1000, 1),
        "max_ms": round(sorted_seconds[-1] * 1000, 1),
    }


if __name__ == "__main__":
    main()
