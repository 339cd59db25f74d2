"""Soak: `editions serve` under a bounded, mixed load on loopback. Prints a table, writes JSON.

    .venv/bin/python benchmarks/soak.py [--minutes 10] [--clients 4] [--workers 2] [--delay 0.2]
                                        [--max-outstanding 8] [--drain 120] [--out FILE]

    (--out: default benchmarks/results/soak.json)

What runs
    `editions serve` as a subprocess (real uvicorn on 127.0.0.1, SQLite in a temporary folder,
    --workers 2) with the openai engine pointing at a fake OpenAI-compatible server on loopback.

The upstream is a stand-in, and says so
    The fake server runs in this process (a ThreadingHTTPServer). It answers each chat completion after
    a fixed delay (--delay, 0.2 s) with a deterministic translation of the passage from a small phrase
    table (French, Vietnamese; a passage it does not know comes back as it was sent). It is the load
    generator's upstream, not a model: the soak measures the service (HTTP, queue, leases, workers,
    store, SSE, review pages) under load, not translation. tests/ and docs/QUALITY.md cover the model.

The load (bounded: a few clients, a cap on unfinished jobs)
    --clients threads (4) loop over weighted actions with a short pause between them:
      submit   POST /v1/articles, one generated article into fr and vi, only while fewer than
               --max-outstanding jobs are unfinished. One in three carries an Idempotency-Key; half
               of those are sent twice at the same moment (a racing retry), and every keyed one is
               sent once more after its job finished (a late retry): each must name the same job.
      poll     GET /v1/jobs/{id} of an unfinished job (or a finished one)
      sse      GET /v1/jobs/{id}/events read to the `end` event (latency: time to the first event)
      review   GET / (the job list), GET /jobs/{id}, GET /editions/{id} (the review pages)
    After --minutes the clients stop and every submitted job is polled until it finishes or --drain
    seconds pass.

What is recorded
    p50/p95/max latency per request kind; server RSS (psutil) at start, after a warm-up job, sampled
    every 10 s, and at the end; jobs submitted, done, failed, lost (submitted but unfinished after the
    drain), duplicated (an idempotency key answered with two job ids, or a task with more than one
    edition, or a job with more editions than articles × languages, read from the SQLite file), and
    the server's error log lines.

Goals: 0 lost, 0 duplicated, RSS growth from after the warm-up to the end ≤ 50 MB. Exit status 1
when a goal is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import psutil

ROOT = Path(__file__).resolve().parent.parent
RSS_GROWTH_GOAL_MB = 50.0
TARGETS = ["fr", "vi"]

# --- the upstream stand-in -------------------------------------------------------------------------

# (English, French, Vietnamese) with one number slot; the articles are made of these sentences.
PHRASES = [
    (
        "Harbour board approves budget of {n} million",
        "Le conseil du port approuve un budget de {n} millions",
        "Ban quản lý cảng thông qua ngân sách {n} triệu",
    ),
    (
        "The board said {n} ships used the port last month.",
        "Le conseil a indiqué que {n} navires ont utilisé le port le mois dernier.",
        "Ban quản lý cho biết {n} tàu đã sử dụng cảng vào tháng trước.",
    ),
    (
        "Dock workers will get {n} new cranes by next year.",
        "Les dockers recevront {n} nouvelles grues d'ici l'an prochain.",
        "Công nhân bến tàu sẽ nhận được {n} cần cẩu mới trước năm sau.",
    ),
    (
        "Local shops expect {n} more visitors each week.",
        "Les commerces locaux attendent {n} visiteurs de plus chaque semaine.",
        "Các cửa hàng địa phương dự kiến có thêm {n} khách mỗi tuần.",
    ),
    (
        "The mayor welcomed the plan and thanked {n} volunteers.",
        "Le maire a salué le projet et remercié {n} bénévoles.",
        "Thị trưởng hoan nghênh kế hoạch và cảm ơn {n} tình nguyện viên.",
    ),
]
_PATTERNS = [
    (re.compile("^" + re.escape(en).replace(r"\{n\}", r"(\d+)") + "$"), fr, vi) for en, fr, vi in PHRASES
]


def fake_translation(passage: str, language: str) -> str:
    for pattern, fr, vi in _PATTERNS:
        match = pattern.match(passage.strip())
        if match:
            return (fr if language == "French" else vi).format(n=match.group(1))
    return passage  # not in the table: sent back as it came


class FakeUpstream:
    """A loopback OpenAI-compatible server: /v1/models, and /v1/chat/completions after `delay` s."""

    def __init__(self, delay: float) -> None:
        self.calls = 0
        self._lock = threading.Lock()
        upstream = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                self._send({"object": "list", "data": [{"id": "soak-fake", "object": "model"}]})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                payload = json.loads(self.rfile.read(length) or b"{}")
                last = payload["messages"][-1]["content"]
                language = "French" if "into French" in last else "Vietnamese"
                passage = next(
                    (line.split(": ", 1)[1] for line in last.splitlines() if line.startswith("English: ")), ""
                )
                time.sleep(delay)
                with upstream._lock:
                    upstream.calls += 1
                text = fake_translation(passage, language)
                self._send(
                    {
                        "id": f"chatcmpl-{upstream.calls}",
                        "object": "chat.completion",
                        "model": "soak-fake",
                        "choices": [
                            {
                                "index": 0,
                                "message": {"role": "assistant", "content": text},
                                "finish_reason": "stop",
                            }
                        ],
                        "usage": {"prompt_tokens": len(last.split()), "completion_tokens": len(text.split())},
                    }
                )

            def _send(self, body: dict[str, Any]) -> None:
                data = json.dumps(body, ensure_ascii=False).encode("utf-8")
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = int(self.httpd.server_address[1])
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


# --- the service -----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_service(
    folder: Path, upstream: FakeUpstream, workers: int
) -> tuple[subprocess.Popen[bytes], str, Path]:
    port = free_port()
    db = folder / "soak.db"
    log = folder / "serve.log"
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("EDITIONS_", "OPENAI_")) and k != "HF_HUB_OFFLINE"
    }
    env |= {"EDITIONS_DATA_DIR": str(folder / "data"), "HF_HUB_OFFLINE": "1"}
    command = [
        sys.executable, "-m", "editions.cli", "serve",
        "--host", "127.0.0.1", "--port", str(port), "--db", f"sqlite:///{db}", "--workers", str(workers),
        "--engine", "openai", "--base-url", f"http://127.0.0.1:{upstream.port}/v1", "--model", "soak-fake",
        "--rate", "1000000", "--log-level", "warning",
    ]  # fmt: skip
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"editions serve exited ({process.returncode}):\n{log.read_text()[-2000:]}")
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return process, url, db
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    process.kill()
    raise SystemExit("editions serve did not answer /healthz within 120 s")


def rss_mb(process: subprocess.Popen[bytes]) -> float:
    proc = psutil.Process(process.pid)
    total = proc.memory_info().rss + sum(c.memory_info().rss for c in proc.children(recursive=True))
    return round(total / 2**20, 1)


# --- the load --------------------------------------------------------------------------------------


@dataclass
class Job:
    id: str
    key: str | None
    body: dict[str, Any]
    status: str = "queued"
    editions: list[str] = field(default_factory=list)
    retried: bool = False  # the late retry of a keyed job was sent

    @property
    def finished(self) -> bool:
        return self.status in ("done", "failed")


class Soak:
    def __init__(self, url: str, clients: int, max_outstanding: int, seed: int) -> None:
        self.url = url
        self.clients = clients
        self.max_outstanding = max_outstanding
        self.random = random.Random(seed)
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, list[str]] = defaultdict(list)
        self.jobs: dict[str, Job] = {}
        self.keys: dict[str, set[str]] = defaultdict(set)  # idempotency key → job ids answered
        self.sse_streams = 0
        self.sse_ended = 0
        self.submissions = 0
        self.replays = 0
        self.counter = 0
        self.stop = threading.Event()

    # one request, timed
    def request(
        self, client: httpx.Client, kind: str, method: str, path: str, **kwargs: Any
    ) -> httpx.Response | None:
        started = time.perf_counter()
        try:
            response = client.request(method, path, **kwargs)
        except httpx.HTTPError as err:
            self.note_error(kind, f"{type(err).__name__}: {err}")
            return None
        elapsed = time.perf_counter() - started
        with self.lock:
            self.latency[kind].append(elapsed)
        if response.status_code >= 400:
            self.note_error(kind, f"HTTP {response.status_code} {path}: {response.text[:200]}")
        return response

    def note_error(self, kind: str, message: str) -> None:
        with self.lock:
            self.errors[kind].append(message)

    def article(self) -> dict[str, Any]:
        with self.lock:
            self.counter += 1
            n = self.counter
            pick = random.Random(n)
        numbers = [pick.randint(2, 999) for _ in PHRASES]
        headline = PHRASES[0][0].format(n=numbers[0])
        body = [en.format(n=k) for (en, _, _), k in zip(PHRASES[1:], numbers[1:], strict=True)]
        pick.shuffle(body)
        return {"article": {"headline": headline, "body": body[:3], "lang": "en"}, "targets": TARGETS}

    def outstanding(self) -> int:
        with self.lock:
            return sum(not job.finished for job in self.jobs.values())

    def record(self, response: httpx.Response | None, key: str | None, body: dict[str, Any]) -> str | None:
        if response is None or response.status_code not in (200, 202):
            return None
        job_id = str(response.json()["job_id"])
        with self.lock:
            if key:
                self.keys[key].add(job_id)
            if response.status_code == 200:
                self.replays += 1
            self.jobs.setdefault(job_id, Job(job_id, key, body))
        return job_id

    def submit(self, client: httpx.Client) -> None:
        body = self.article()
        keyed = self.random.random() < 1 / 3
        key = f"soak-{uuid.uuid4().hex}" if keyed else None
        headers = {"Idempotency-Key": key} if key else {}
        with self.lock:
            self.submissions += 1
        if key and self.random.random() < 0.5:
            # a racing retry: the same request twice at the same moment
            with ThreadPoolExecutor(2) as pool:
                answers = list(
                    pool.map(
                        lambda _: self.request(
                            client, "submit", "POST", "/v1/articles", json=body, headers=headers
                        ),
                        range(2),
                    )
                )
            for answer in answers:
                self.record(answer, key, body)
            return
        self.record(
            self.request(client, "submit", "POST", "/v1/articles", json=body, headers=headers), key, body
        )

    def some_job(self, unfinished: bool) -> Job | None:
        with self.lock:
            jobs = (
                [j for j in self.jobs.values() if not j.finished] if unfinished else list(self.jobs.values())
            )
            return self.random.choice(jobs) if jobs else None

    def poll(self, client: httpx.Client, job: Job) -> None:
        response = self.request(client, "poll", "GET", f"/v1/jobs/{job.id}")
        if response is not None and response.status_code == 200:
            self.update(job, response.json())

    def update(self, job: Job, view: dict[str, Any]) -> None:
        editions = [
            lang["edition_id"]
            for article in view.get("articles", [])
            for lang in article.get("languages", {}).values()
            if lang.get("edition_id")
        ]
        with self.lock:
            job.status = view["status"]
            job.editions = editions
        if job.finished and job.key:
            self.late_retry(job)

    def late_retry(self, job: Job) -> None:
        """The same keyed request once more after its job finished: the same job must come back."""
        with self.lock:
            if job.retried or job.key is None:
                return
            job.retried = True
        with httpx.Client(base_url=self.url, timeout=30) as client:
            response = self.request(
                client, "submit", "POST", "/v1/articles", json=job.body, headers={"Idempotency-Key": job.key}
            )
            self.record(response, job.key, job.body)

    def sse(self, client: httpx.Client, job: Job) -> None:
        started = time.perf_counter()
        first = None
        ended = False
        try:
            with client.stream("GET", f"/v1/jobs/{job.id}/events", timeout=120) as response:
                if response.status_code != 200:
                    self.note_error("sse", f"HTTP {response.status_code}")
                    return
                event = None
                for line in response.iter_lines():
                    if first is None:
                        first = time.perf_counter() - started
                    if line.startswith("event: "):
                        event = line[7:]
                    elif line.startswith("data: ") and event == "end":
                        ended = True
        except httpx.HTTPError as err:
            self.note_error("sse", f"{type(err).__name__}: {err}")
        with self.lock:
            self.sse_streams += 1
            self.sse_ended += ended
            if first is not None:
                self.latency["sse (first event)"].append(first)
            self.latency["sse (whole stream)"].append(time.perf_counter() - started)
        if not ended:
            self.note_error("sse", f"stream for {job.id} ended without an end event")

    def review(self, client: httpx.Client) -> None:
        html = {"Accept": "text/html"}
        choice = self.random.random()
        job = self.some_job(unfinished=False)
        if choice < 0.3 or job is None:
            self.request(client, "review: job list", "GET", "/", headers=html)
        elif choice < 0.65 or not job.editions:
            self.request(client, "review: job page", "GET", f"/jobs/{job.id}", headers=html)
        else:
            edition = self.random.choice(job.editions)
            self.request(client, "review: edition page", "GET", f"/editions/{edition}", headers=html)

    def client_loop(self, index: int) -> None:
        rng = random.Random(index)
        with httpx.Client(base_url=self.url, timeout=30) as client:
            while not self.stop.is_set():
                roll = rng.random()
                if roll < 0.25 and self.outstanding() < self.max_outstanding:
                    self.submit(client)
                elif roll < 0.55:
                    job = self.some_job(unfinished=True) or self.some_job(unfinished=False)
                    if job:
                        self.poll(client, job)
                elif roll < 0.65:
                    job = self.some_job(unfinished=True)
                    if job:
                        self.sse(client, job)
                else:
                    self.review(client)
                time.sleep(rng.uniform(0.05, 0.2))

    def drain(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        with httpx.Client(base_url=self.url, timeout=30) as client:
            while time.monotonic() < deadline:
                with self.lock:
                    waiting = [j for j in self.jobs.values() if not j.finished]
                if not waiting:
                    break
                for job in waiting:
                    self.poll(client, job)
                time.sleep(0.5)
            # a finished keyed job whose late retry has not run yet gets it now
            for job in list(self.jobs.values()):
                if job.finished and job.key:
                    self.late_retry(job)


def duplicates_in_store(db: Path) -> dict[str, int]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        per_unit = conn.execute(
            "SELECT COUNT(*) FROM (SELECT job_id, article_id, target_lang FROM editions "
            "GROUP BY job_id, article_id, target_lang HAVING COUNT(*) > 1)"
        ).fetchone()[0]
        over_tasks = conn.execute(
            "SELECT COUNT(*) FROM (SELECT e.job_id FROM editions e GROUP BY e.job_id "
            "HAVING COUNT(*) > (SELECT COUNT(*) FROM tasks t WHERE t.job_id = e.job_id))"
        ).fetchone()[0]
        keys = conn.execute(
            "SELECT COUNT(*) FROM (SELECT idempotency_key FROM jobs WHERE idempotency_key IS NOT NULL "
            "GROUP BY owner, idempotency_key HAVING COUNT(*) > 1)"
        ).fetchone()[0]
        jobs = conn.execute("SELECT COUNT(*) FROM jobs").fetchone()[0]
        editions = conn.execute("SELECT COUNT(*) FROM editions").fetchone()[0]
    return {
        "units_with_two_editions": per_unit,
        "jobs_with_more_editions_than_tasks": over_tasks,
        "keys_with_two_jobs": keys,
        "jobs_in_store": jobs,
        "editions_in_store": editions,
    }


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))
    return ordered[index]


# --- main ------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--delay", type=float, default=0.2, help="the fake upstream's answer time, seconds")
    parser.add_argument("--max-outstanding", type=int, default=8, help="unfinished jobs before submits pause")
    parser.add_argument("--drain", type=float, default=120.0, help="seconds to wait for jobs after the load")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "soak.json")
    args = parser.parse_args()
    if args.minutes <= 0 or args.clients < 1 or args.workers < 2:
        parser.error("--minutes > 0, --clients ≥ 1 and --workers ≥ 2")

    upstream = FakeUpstream(args.delay)
    with tempfile.TemporaryDirectory(prefix="editions-soak-") as tmp:
        folder = Path(tmp)
        process, url, db = start_service(folder, upstream, args.workers)
        try:
            result = run(args, url, db, process, upstream)
            result["server_error_lines"] = error_lines(folder / "serve.log")
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
            upstream.stop()
    report(result)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")
    return 0 if all(result["goals"].values()) else 1


def run(
    args: argparse.Namespace, url: str, db: Path, process: subprocess.Popen[bytes], upstream: FakeUpstream
) -> dict[str, Any]:
    rss_start = rss_mb(process)
    # warm-up: one job through every stage (imports, QA data, the first engine), not counted
    warm = Soak(url, 1, 1, args.seed)
    with httpx.Client(base_url=url, timeout=30) as client:
        warm.submit(client)
        for page in ("/", "/jobs/x"):
            client.get(page, headers={"Accept": "text/html"})
    warm.drain(120)
    if not all(job.status == "done" for job in warm.jobs.values()):
        raise SystemExit(f"the warm-up job did not finish: {[j.status for j in warm.jobs.values()]}")
    rss_warm = rss_mb(process)

    soak = Soak(url, args.clients, args.max_outstanding, args.seed)
    samples: list[tuple[float, float]] = []
    started = time.monotonic()
    threads = [threading.Thread(target=soak.client_loop, args=(i,), daemon=True) for i in range(args.clients)]
    for thread in threads:
        thread.start()
    end = started + args.minutes * 60
    while time.monotonic() < end:
        time.sleep(min(10.0, max(0.0, end - time.monotonic())))
        samples.append((round(time.monotonic() - started, 1), rss_mb(process)))
    soak.stop.set()
    for thread in threads:
        thread.join(150)
    load_s = time.monotonic() - started
    soak.drain(args.drain)
    time.sleep(1)
    rss_end = rss_mb(process)

    jobs = list(soak.jobs.values())
    lost = [j.id for j in jobs if not j.finished]
    store = duplicates_in_store(db)
    split_keys = {k: sorted(v) for k, v in soak.keys.items() if len(v) > 1}
    duplicated = (
        len(split_keys)
        + store["units_with_two_editions"]
        + store["jobs_with_more_editions_than_tasks"]
        + store["keys_with_two_jobs"]
    )
    growth = round(rss_end - rss_warm, 1)
    requests = {
        kind: {
            "n": len(values),
            "errors": len(soak.errors.get(kind, [])),
            "p50_ms": round(percentile(values, 0.50) * 1000, 1),
            "p95_ms": round(percentile(values, 0.95) * 1000, 1),
            "max_ms": round(max(values) * 1000, 1),
        }
        for kind, values in sorted(soak.latency.items())
    }
    return {
        "what": "editions serve under a bounded mixed load on loopback; the upstream is a fake "
        f"OpenAI-compatible server answering after {args.delay} s (benchmarks/soak.py docstring)",
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "system": platform.platform(),
        },
        "settings": {
            "minutes": args.minutes,
            "clients": args.clients,
            "workers": args.workers,
            "delay_s": args.delay,
            "max_outstanding": args.max_outstanding,
            "drain_s": args.drain,
            "load_s": round(load_s, 1),
        },
        "requests": requests,
        "errors_sample": {kind: messages[:5] for kind, messages in soak.errors.items()},
        "sse": {"streams": soak.sse_streams, "ended_with_end_event": soak.sse_ended},
        "jobs": {
            "submissions": soak.submissions,
            "submitted": len(jobs),
            "replayed": soak.replays,
            "keyed": len(soak.keys),
            "done": sum(j.status == "done" for j in jobs),
            "failed": sum(j.status == "failed" for j in jobs),
            "lost": len(lost),
            "lost_ids": lost[:20],
            "duplicated": duplicated,
            "keys_answered_with_two_jobs": split_keys,
            "store": store,
            "editions_done": sum(len(j.editions) for j in jobs),
        },
        "upstream_calls": upstream.calls,
        "rss_mb": {
            "start": rss_start,
            "after_warm_up": rss_warm,
            "end": rss_end,
            "growth": growth,
            "samples": samples,
        },
        "goals": {
            "0 lost": not lost,
            "0 duplicated": duplicated == 0,
            f"RSS growth ≤ {RSS_GROWTH_GOAL_MB:g} MB": growth <= RSS_GROWTH_GOAL_MB,
        },
    }


def error_lines(log: Path) -> int:
    text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
    return sum('"level": "error"' in line or "Traceback" in line for line in text.splitlines())


def report(result: dict[str, Any]) -> None:
    settings = result["settings"]
    print(
        f"soak: {settings['load_s']:.0f} s of load, {settings['clients']} clients, "
        f"{settings['workers']} workers, upstream delay {settings['delay_s']} s "
        f"({result['upstream_calls']} completions)"
    )
    print(f"{'request':<24}{'n':>7}{'errors':>8}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}")
    for kind, row in result["requests"].items():
        print(
            f"{kind:<24}{row['n']:>7}{row['errors']:>8}{row['p50_ms']:>10}{row['p95_ms']:>10}{row['max_ms']:>10}"
        )
    jobs = result["jobs"]
    print(
        f"jobs: {jobs['submitted']} submitted ({jobs['submissions']} submissions, {jobs['keyed']} keyed, "
        f"{jobs['replayed']} replayed), {jobs['done']} done, {jobs['failed']} failed, {jobs['lost']} lost, "
        f"{jobs['duplicated']} duplicated; {jobs['store']['editions_in_store']} editions stored"
    )
    print(
        f"sse: {result['sse']['streams']} streams, {result['sse']['ended_with_end_event']} ended with `end`"
    )
    rss = result["rss_mb"]
    print(
        f"server RSS: {rss['start']} MB at start, {rss['after_warm_up']} MB after warm-up, "
        f"{rss['end']} MB at end (growth {rss['growth']:+} MB); "
        f"server error log lines: {result['server_error_lines']}"
    )
    print(
        "goals: " + ", ".join(f"{goal}: {'met' if ok else 'MISSED'}" for goal, ok in result["goals"].items())
    )


if __name__ == "__main__":
    sys.exit(main())
