"""Reading an article from a URL: the SSRF policy, redirects, limits, decoding, and the CLI.

Two local servers stand in for the network. "outside" is in the policy's allow set: it plays a public
news site (this machine has no internet), serves the article and redirects anywhere it is told.
"internal" is a service inside the newsroom that no hostile URL may ever reach: it records every
request, and each hostile test asserts it got none.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from editions.errors import (
    BinaryInputError,
    EmptyArticleError,
    FetchError,
    InputError,
    UnsafeUrlError,
    UsageError,
)
from editions.ingest import UrlPolicy, fetch_url, read_article_url
from editions.ingest.ssrf import ALLOW_ENV, check_url

FIXTURES = Path(__file__).parent / "fixtures"
HEADLINE = "Harbour bridge reopens after repairs"
PAGE_KINDS = ["paragraph", "paragraph", "heading", "paragraph", "paragraph", "paragraph"]
SMALL_LIMIT = 10_000
PUBLIC_IP = "93.184.215.14"  # any global address; the conftest network guard refuses to connect to it


class Server:
    """A ThreadingHTTPServer on 127.0.0.1 in a thread, recording each request's path and headers."""

    def __init__(self, routes: Callable[[BaseHTTPRequestHandler], None]) -> None:
        self.hits: list[tuple[str, dict[str, str]]] = []
        self.sni: list[str | None] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.hits.append((self.path, dict(self.headers.items())))
                # The client hanging up first is what the size and time-out tests want.
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    routes(self)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = int(self.httpd.server_address[1])
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def start(self) -> Server:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


def _send(
    handler: BaseHTTPRequestHandler, status: int, body: bytes, content_type: str, **headers: str
) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body)))
    for name, value in headers.items():
        handler.send_header(name.replace("_", "-"), value)
    handler.end_headers()
    handler.wfile.write(body)


def _redirect(handler: BaseHTTPRequestHandler, location: str, status: int = 302) -> None:
    _send(handler, status, b"", "text/plain", Location=location)


def _outside_routes(handler: BaseHTTPRequestHandler) -> None:
    parts = urlsplit(handler.path)
    query = {name: values[0] for name, values in parse_qs(parts.query).items()}
    html = (FIXTURES / "story_page.html").read_bytes()
    if parts.path == "/article":
        _send(handler, 200, html, "text/html; charset=utf-8")
    elif parts.path == "/story.md":  # no useful Content-Type: the extension decides
        _send(handler, 200, (FIXTURES / "story.md").read_bytes(), "application/octet-stream")
    elif parts.path == "/markdown":
        _send(handler, 200, (FIXTURES / "story.md").read_bytes(), "text/markdown")
    elif parts.path == "/latin1":
        body = "Café crème returns\n\nThe café in Port Ellis reopened.".encode("latin-1")
        _send(handler, 200, body, 'text/plain; charset="ISO-8859-1"')
    elif parts.path == "/host":
        _send(handler, 200, f"Host was\n\n{handler.headers['Host']}".encode(), "text/plain")
    elif parts.path == "/r":
        _redirect(handler, query["to"], int(query.get("status", "302")))
    elif parts.path == "/chain":
        left = int(query["n"])
        _redirect(handler, f"chain?n={left - 1}" if left > 1 else "/article")  # relative Locations
    elif parts.path == "/loop":
        _redirect(handler, "/loop")
    elif parts.path == "/big":
        _send(handler, 200, b"<p>" + b"word " * (SMALL_LIMIT // 4) + b"</p>", "text/html")
    elif parts.path == "/big-stream":  # no Content-Length: the body ends when the connection does
        handler.send_response(200)
        handler.send_header("Content-Type", "text/plain")
        handler.end_headers()
        for _ in range(50):
            handler.wfile.write(b"word " * 200)
    elif parts.path == "/slow":
        time.sleep(3)
        _send(handler, 200, html, "text/html")
    elif parts.path == "/trickle":  # sends a byte at a time: each read is quick, the whole is not
        handler.send_response(200)
        handler.send_header("Content-Type", "text/plain")
        handler.end_headers()
        for _ in range(50):
            handler.wfile.write(b"x")
            handler.wfile.flush()
            time.sleep(0.1)
    elif parts.path == "/empty":
        _send(handler, 200, b"<html><body><nav>Home</nav></body></html>", "text/html")
    elif parts.path == "/png":
        _send(handler, 200, b"\x89PNG\r\n\x1a\n" + bytes(100), "image/png")
    else:
        _send(handler, 404, b"not here", "text/plain")


def _internal_routes(handler: BaseHTTPRequestHandler) -> None:
    _send(handler, 200, b"Internal secrets\n\nThe admin password is hunter2.", "text/plain")


@pytest.fixture(scope="module")
def outside() -> Iterator[Server]:
    server = Server(_outside_routes).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def internal() -> Iterator[Server]:
    server = Server(_internal_routes).start()
    yield server
    assert server.hits == [], "the internal server was reached"
    server.stop()


@pytest.fixture
def policy(outside: Server) -> UrlPolicy:
    # Only the "outside" server is an exception: it stands in for a public news site.
    return UrlPolicy(timeout_s=5.0, allow=frozenset({f"127.0.0.1:{outside.port}"}))


class FakeDns:
    """Names to answers, one answer per lookup (the last one repeats); other names resolve as usual."""

    def __init__(self) -> None:
        self.answers: dict[str, list[list[str]]] = {}
        self.lookups: dict[str, int] = {}
        self.real = socket.getaddrinfo

    def getaddrinfo(self, host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else host
        if name not in self.answers:
            return self.real(host, port, *args, **kwargs)
        count = self.lookups[name] = self.lookups.get(name, 0) + 1
        addresses = self.answers[name][min(count, len(self.answers[name])) - 1]
        if not addresses:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, int(port)))
            for a in addresses
        ]


@pytest.fixture
def fake_dns(monkeypatch: pytest.MonkeyPatch) -> FakeDns:
    dns = FakeDns()
    monkeypatch.setattr(socket, "getaddrinfo", dns.getaddrinfo)
    return dns


# --- the hostile URLs ------------------------------------------------------------------------------

# (URL, a word the refusal must contain). {internal} and {outside} are the two servers' ports.
HOSTILE = [
    ("http://127.0.0.1:{internal}/", "loopback"),
    ("http://localhost:{internal}/", "internal host name"),
    ("http://LocalHost.:{internal}/", "internal host name"),
    ("http://api.localhost:{internal}/", "internal host name"),
    ("http://2130706433:{internal}/", "resolves to 127.0.0.1, a loopback address"),
    ("http://0x7f000001:{internal}/", "resolves to 127.0.0.1, a loopback address"),
    ("http://0177.0.0.1:{internal}/", "resolves to 127.0.0.1, a loopback address"),
    ("http://127.1:{internal}/", "resolves to 127.0.0.1, a loopback address"),
    ("http://[::1]:{internal}/", "loopback"),
    ("http://[::ffff:127.0.0.1]:{internal}/", "loopback"),
    ("http://[::ffff:7f00:1]/", "loopback"),
    ("http://[2002:7f00:1::]/", "loopback"),  # 6to4 of 127.0.0.1
    ("http://[64:ff9b::a00:1]/", "private"),  # NAT64 of 10.0.0.1
    ("http://0.0.0.0:{internal}/", "unspecified"),
    ("http://169.254.169.254/latest/meta-data/", "metadata"),
    ("http://[fd00:ec2::254]/latest/meta-data/", "metadata"),
    ("http://100.100.100.200/latest/meta-data/", "metadata"),
    ("http://metadata.google.internal/computeMetadata/v1/", "internal host name"),
    ("http://metadata/computeMetadata/v1/", "internal host name"),
    ("http://instance-data/latest/", "internal host name"),
    ("http://10.0.0.1/", "private"),
    ("http://172.16.0.1/", "private"),
    ("http://192.168.1.1/", "private"),
    ("http://100.64.0.1/", "carrier-grade NAT"),
    ("http://[fe80::1]/", "link-local"),
    ("http://[fc00::1]/", "private"),
    ("http://224.0.0.1/", "multicast"),
    ("http://user:pass@127.0.0.1:{internal}/", "user name or password"),
    ("http://news.example.com@127.0.0.1:{internal}/", "user name or password"),
    ("file:///etc/passwd", "only http:// and https://"),
    ("gopher://127.0.0.1:{internal}/_GET%20/", "only http:// and https://"),
    ("ftp://127.0.0.1:{internal}/", "only http:// and https://"),
    ("dict://127.0.0.1:{internal}/", "only http:// and https://"),
    # The allow set is exact: other spellings of the allowed server's address are not in it.
    ("http://2130706433:{outside}/article", "loopback"),
    ("http://localhost:{outside}/article", "internal host name"),
]


def _hostile(template: str, outside: Server, internal: Server) -> str:
    return template.format(internal=internal.port, outside=outside.port)


@pytest.mark.parametrize(("template", "reason"), HOSTILE)
def test_hostile_url_is_refused_before_any_connection(
    template: str, reason: str, outside: Server, internal: Server, policy: UrlPolicy
) -> None:
    url = _hostile(template, outside, internal)
    before = len(outside.hits)
    with pytest.raises(UnsafeUrlError, match=r"^refusing ") as caught:
        read_article_url(url, policy=policy)
    message = str(caught.value)
    assert reason in message and "\n" not in message
    assert "pass@" not in message  # credentials are never echoed
    assert internal.hits == [] and len(outside.hits) == before


@pytest.mark.parametrize(("template", "reason"), HOSTILE)
def test_hostile_url_is_refused_as_a_redirect_target(
    template: str, reason: str, outside: Server, internal: Server, policy: UrlPolicy
) -> None:
    target = _hostile(template, outside, internal)
    start = outside.url(f"/r?to={quote(target, safe='')}")
    with pytest.raises(UnsafeUrlError, match=r"^refusing .*\(redirected from http://127\.0\.0\.1") as caught:
        fetch_url(start, policy)
    assert reason in str(caught.value)
    assert internal.hits == []


@pytest.mark.parametrize("status", [301, 303, 307, 308])
def test_every_redirect_status_is_checked(
    status: int, outside: Server, internal: Server, policy: UrlPolicy
) -> None:
    start = outside.url(f"/r?status={status}&to={quote(internal.url('/'), safe='')}")
    with pytest.raises(UnsafeUrlError, match="loopback"):
        fetch_url(start, policy)
    assert internal.hits == []


def test_a_name_that_resolves_to_any_internal_address_is_refused(fake_dns: FakeDns, internal: Server) -> None:
    fake_dns.answers["mixed.example"] = [[PUBLIC_IP, "10.1.2.3"]]
    with pytest.raises(UnsafeUrlError, match=r"mixed\.example resolves to 10\.1\.2\.3, a private address"):
        check_url(f"http://mixed.example:{internal.port}/")
    fake_dns.answers["v6.example"] = [[PUBLIC_IP, "::ffff:169.254.169.254"]]
    with pytest.raises(UnsafeUrlError, match="metadata"):
        check_url("https://v6.example/")


def test_dns_rebinding_cannot_swap_the_checked_address(fake_dns: FakeDns, internal: Server) -> None:
    # First lookup: a public address (passes the check). Every later one: loopback. The connection
    # must go to the address that was checked, so no second lookup may ever happen.
    fake_dns.answers["rebind.example"] = [[PUBLIC_IP], ["127.0.0.1"]]
    with pytest.raises(FetchError, match=r"cannot fetch http://rebind\.example"):
        fetch_url(f"http://rebind.example:{internal.port}/", UrlPolicy(timeout_s=5))
    assert fake_dns.lookups["rebind.example"] == 1
    assert internal.hits == []


def test_the_request_is_pinned_to_the_checked_address_with_the_original_host(
    fake_dns: FakeDns, outside: Server
) -> None:
    fake_dns.answers["news.example"] = [["127.0.0.1"]]
    policy = UrlPolicy(allow=frozenset({f"news.example:{outside.port}"}))
    page = fetch_url(f"http://news.example:{outside.port}/host", policy)
    assert page.content.decode().endswith(f"news.example:{outside.port}")
    assert fake_dns.lookups["news.example"] == 1
    # no compressed bodies asked for: one gzip read could expand far past the size limit
    assert outside.hits[-1][1]["Accept-Encoding"] == "identity"


def test_unknown_host_is_a_fetch_error(fake_dns: FakeDns) -> None:
    fake_dns.answers["gone.example"] = [[]]
    with pytest.raises(FetchError, match=r"^cannot resolve host gone\.example: Name or service not known$"):
        fetch_url("https://gone.example/story")


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command for a certificate")
def test_https_sends_the_host_name_as_sni_and_verifies_the_certificate(
    tmp_path: Path, fake_dns: FakeDns, outside: Server
) -> None:
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    new_key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1"]
    subprocess.run(
        ["openssl", "req", "-x509", *new_key, "-keyout", key, "-out", cert, "-subj", "/CN=news.example"],
        check=True,
        capture_output=True,
    )
    server = Server(_outside_routes)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    context.sni_callback = lambda sock, name, ctx: server.sni.append(name)
    server.httpd.socket = context.wrap_socket(server.httpd.socket, server_side=True)
    server.start()
    try:
        fake_dns.answers["news.example"] = [["127.0.0.1"]]
        policy = UrlPolicy(timeout_s=5, allow=frozenset({f"news.example:{server.port}"}))
        # Self-signed, so verification must fail: proof that it is on, for the name and not the IP.
        with pytest.raises(FetchError, match="certificate verify failed"):
            fetch_url(f"https://news.example:{server.port}/article", policy)
    finally:
        server.stop()
    assert server.sni == ["news.example"] and server.hits == []


# --- what an allowed server may serve ---------------------------------------------------------------


def test_article_from_a_url_is_read_like_a_file(outside: Server, policy: UrlPolicy) -> None:
    article = read_article_url(outside.url("/article"), policy=policy)
    assert article.headline == HEADLINE
    assert [block.kind for block in article.blocks][: len(PAGE_KINDS)] == PAGE_KINDS
    assert article.blocks[0].plain.startswith("The harbour bridge in Port Ellis reopened")
    assert article.source_lang == "en"


def test_redirects_between_allowed_urls_are_followed(outside: Server, policy: UrlPolicy) -> None:
    page = fetch_url(outside.url(f"/r?to={quote(outside.url('/article'), safe='')}"), policy)
    assert page.final_url == outside.url("/article") and page.content.startswith(b"<!DOCTYPE html>")
    chained = fetch_url(outside.url("/chain?n=4"), policy)  # five hops, relative Locations
    assert chained.final_url == outside.url("/article")
    assert chained.content_type == "text/html; charset=utf-8"


def test_format_from_content_type_then_extension(outside: Server, policy: UrlPolicy) -> None:
    for path in ("/markdown", "/story.md"):
        article = read_article_url(outside.url(path), policy=policy)
        assert article.headline == HEADLINE and article.byline == "By Jane Doe"
    as_text = read_article_url(outside.url("/markdown"), fmt="text", policy=policy)
    assert as_text.headline.startswith("# Harbour")


def test_the_content_type_charset_is_honoured(outside: Server, policy: UrlPolicy) -> None:
    article = read_article_url(outside.url("/latin1"), policy=policy, source_lang="fr")
    assert article.headline == "Café crème returns" and article.source_lang == "fr"


@pytest.mark.parametrize(
    ("path", "limits", "message"),
    [
        ("/missing", {}, r"/missing answered HTTP 404 Not Found$"),
        ("/loop", {}, r"/loop redirected more than 5 times$"),
        ("/chain?n=3", {"max_redirects": 2}, r"redirected more than 2 times$"),
        ("/big", {"max_bytes": SMALL_LIMIT}, r"/big is 12\.5 kB; the limit is 10\.0 kB \(--max-bytes\)$"),
        ("/big-stream", {"max_bytes": SMALL_LIMIT}, r"is over 10\.0 kB; the limit is 10\.0 kB"),
        ("/slow", {"timeout_s": 0.5}, r"^fetching http://127\.0\.0\.1:\d+/slow took longer than 0\.5 s"),
        ("/trickle", {"timeout_s": 0.8}, r"/trickle took longer than 0\.8 s; gave up$"),
    ],
)
def test_fetch_errors_are_one_clear_line(
    path: str, limits: dict[str, Any], message: str, outside: Server, policy: UrlPolicy
) -> None:
    policy = UrlPolicy(**{"timeout_s": 5.0, "allow": policy.allow, **limits})
    started = time.monotonic()
    with pytest.raises(FetchError, match=message) as caught:
        read_article_url(outside.url(path), policy=policy)
    assert "\n" not in str(caught.value) and isinstance(caught.value, InputError)
    assert time.monotonic() - started < policy.timeout_s + 0.5  # the limit is wall time, all hops


def test_the_usual_bad_input_checks_apply(outside: Server, policy: UrlPolicy) -> None:
    with pytest.raises(EmptyArticleError, match=r"^http://127\.0\.0\.1:\d+/empty has no article text"):
        read_article_url(outside.url("/empty"), policy=policy)
    with pytest.raises(BinaryInputError, match="PNG image"):
        read_article_url(outside.url("/png"), policy=policy)


def test_bad_options_fail_before_any_request(outside: Server, policy: UrlPolicy) -> None:
    before = len(outside.hits)
    with pytest.raises(UsageError):
        read_article_url(outside.url("/article"), fmt="pdf", policy=policy)
    with pytest.raises(UsageError):
        read_article_url(outside.url("/article"), source_lang="xx", policy=policy)
    assert len(outside.hits) == before


# --- the command -----------------------------------------------------------------------------------


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).with_name("editions")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "editions.cli"]
    environ = {k: v for k, v in os.environ.items() if k != ALLOW_ENV} | (env or {})
    return subprocess.run([*command, *args], capture_output=True, text=True, timeout=120, env=environ)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_cli_refuses_an_internal_url_in_one_line_without_loading_a_model(
    tmp_path: Path, internal: Server
) -> None:
    env = {"HF_HUB_OFFLINE": "1", "HF_HOME": str(tmp_path / "hf")}
    result = run_cli("translate", internal.url("/x"), "--to", "fr", env=env)
    assert result.returncode == InputError.exit_code, result.stderr
    assert (
        result.stderr == f"editions: error: refusing {internal.url('/x')}: 127.0.0.1 is a loopback address\n"
    )
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert internal.hits == []


def test_cli_reads_an_allowed_url_and_bad_allow_lists_are_usage_errors(
    tmp_path: Path, outside: Server
) -> None:
    # The article is read (from the allow-listed server); the engine server is down, so it stops there.
    engine = ["--engine", "openai", "--base-url", f"http://127.0.0.1:{_closed_port()}/v1"]
    before = len(outside.hits)
    env = {ALLOW_ENV: f"127.0.0.1:{outside.port}", "OPENAI_BASE_URL": ""}
    result = run_cli("translate", outside.url("/article"), "--to", "fr", *engine, env=env)
    assert result.returncode != 0 and "cannot reach the server" in result.stderr, result.stderr
    assert [path for path, _ in outside.hits[before:]] == ["/article"]
    bad = run_cli("translate", outside.url("/article"), "--to", "fr", env={ALLOW_ENV: "nope"})
    assert bad.returncode == UsageError.exit_code
    assert bad.stderr.startswith("editions: error: EDITIONS_URL_ALLOW: 'nope' is not host:port")


# --- a private CA (an intranet CMS) ----------------------------------------------------------------


def _openssl(*args: str | Path) -> None:
    subprocess.run(["openssl", *map(str, args)], check=True, capture_output=True)


def _private_ca(folder: Path, host: str) -> tuple[Path, Path, Path]:
    """A throwaway CA and a server certificate for `host` signed by it: (CA cert, server cert, key)."""
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    ca_key, ca_cert = folder / "ca.key", folder / "ca.pem"
    _openssl(
        "req",
        "-x509",
        *ec,
        "-days",
        "1",
        "-keyout",
        ca_key,
        "-out",
        ca_cert,
        "-subj",
        "/CN=Newsroom CA",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign",
    )
    key, csr, cert, ext = folder / "srv.key", folder / "srv.csr", folder / "srv.pem", folder / "srv.ext"
    _openssl("req", "-new", *ec, "-keyout", key, "-out", csr, "-subj", f"/CN={host}")
    ext.write_text(f"subjectAltName=DNS:{host}\nextendedKeyUsage=serverAuth\n", encoding="ascii")
    _openssl(
        "x509",
        "-req",
        "-in",
        csr,
        "-CA",
        ca_cert,
        "-CAkey",
        ca_key,
        "-CAcreateserial",
        "-days",
        "1",
        "-out",
        cert,
        "-extfile",
        ext,
    )
    return ca_cert, cert, key


@pytest.fixture
def intranet_cms(tmp_path: Path, fake_dns: FakeDns) -> Iterator[tuple[Server, Path]]:
    """An HTTPS server on 127.0.0.1 named cms.newsroom, its certificate from a private CA: (server, CA)."""
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command to make a CA")
    ca_cert, cert, key = _private_ca(tmp_path, "cms.newsroom")
    server = Server(_outside_routes)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.httpd.socket = context.wrap_socket(server.httpd.socket, server_side=True)
    server.start()
    fake_dns.answers["cms.newsroom"] = [["127.0.0.1"]]
    try:
        yield server, ca_cert
    finally:
        server.stop()


def test_a_private_ca_is_trusted_only_when_given(intranet_cms: tuple[Server, Path]) -> None:
    server, ca_cert = intranet_cms
    url = f"https://cms.newsroom:{server.port}/article"
    allow = frozenset({f"cms.newsroom:{server.port}"})
    with pytest.raises(FetchError) as refused:
        fetch_url(url, UrlPolicy(timeout_s=5, allow=allow))
    message = str(refused.value)
    assert "\n" not in message and "certificate verify failed" in message
    assert message.endswith("(a private CA? --ca-bundle or EDITIONS_CA_BUNDLE)"), message
    assert server.hits == []
    article = read_article_url(url, policy=UrlPolicy(timeout_s=5, allow=allow, ca_bundle=str(ca_cert)))
    assert article.headline == HEADLINE
    assert [path for path, _ in server.hits] == ["/article"]


def test_public_roots_stay_trusted_next_to_a_private_ca(intranet_cms: tuple[Server, Path]) -> None:
    import certifi

    _, ca_cert = intranet_cms
    policy = UrlPolicy(ca_bundle=str(ca_cert))
    stored = policy.tls_context().get_ca_certs()
    assert len(stored) > 100  # certifi's roots, plus ours
    assert any(dict(entry[0] for entry in c["subject"]).get("commonName") == "Newsroom CA" for c in stored)
    assert certifi.where()


def test_a_bad_ca_bundle_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"^--ca-bundle / EDITIONS_CA_BUNDLE: .*nope\.pem: no such file$"):
        UrlPolicy(ca_bundle=str(tmp_path / "nope.pem"))
    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate", encoding="ascii")
    with pytest.raises(UsageError, match=r"junk\.pem holds no PEM certificate"):
        UrlPolicy(ca_bundle=str(junk))
    with pytest.raises(UsageError, match="EDITIONS_CA_BUNDLE"):
        UrlPolicy.from_env({"EDITIONS_CA_BUNDLE": str(junk)})


def test_cli_ca_bundle_option_reaches_the_fetcher(intranet_cms: tuple[Server, Path], tmp_path: Path) -> None:
    """`translate --ca-bundle` (the fake DNS does not reach a subprocess: the CA signs 127.0.0.1 there)."""
    ca_cert, cert, key = _private_ca_for_ip(tmp_path / "ip")
    server = Server(_outside_routes)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.httpd.socket = context.wrap_socket(server.httpd.socket, server_side=True)
    server.start()
    try:
        url = f"https://127.0.0.1:{server.port}/article"
        engine = ["--engine", "openai", "--base-url", f"http://127.0.0.1:{_closed_port()}/v1"]
        env = {ALLOW_ENV: f"127.0.0.1:{server.port}", "OPENAI_BASE_URL": "", "EDITIONS_CA_BUNDLE": ""}
        refused = run_cli("translate", url, "--to", "fr", *engine, env=env)
        assert refused.returncode != 0 and "certificate verify failed" in refused.stderr, refused.stderr
        assert refused.stderr.count("\n") == 1 and "Traceback" not in refused.stderr
        trusted = run_cli("translate", url, "--to", "fr", *engine, "--ca-bundle", str(ca_cert), env=env)
        # the article was read; the engine server is down, so it stops there
        assert "cannot reach the server" in trusted.stderr, trusted.stderr
        by_env = run_cli(
            "translate", url, "--to", "fr", *engine, env=env | {"EDITIONS_CA_BUNDLE": str(ca_cert)}
        )
        assert "cannot reach the server" in by_env.stderr, by_env.stderr
        assert [path for path, _ in server.hits] == ["/article", "/article"]
    finally:
        server.stop()


def _private_ca_for_ip(folder: Path) -> tuple[Path, Path, Path]:
    folder.mkdir()
    ca_cert, _, _ = _private_ca(folder, "unused.example")
    key, csr, cert, ext = folder / "ip.key", folder / "ip.csr", folder / "ip.pem", folder / "ip.ext"
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    _openssl("req", "-new", *ec, "-keyout", key, "-out", csr, "-subj", "/CN=127.0.0.1")
    ext.write_text("subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n", encoding="ascii")
    _openssl(
        "x509",
        "-req",
        "-in",
        csr,
        "-CA",
        ca_cert,
        "-CAkey",
        folder / "ca.key",
        "-CAcreateserial",
        "-days",
        "1",
        "-out",
        cert,
        "-extfile",
        ext,
    )
    return ca_cert, cert, key


def test_serve_refuses_a_bad_ca_bundle_at_start(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'e.db'}"
    result = run_cli("serve", "--db", db, "--workers", "0", "--ca-bundle", str(tmp_path / "nope.pem"))
    assert result.returncode == UsageError.exit_code, result.stderr
    assert (
        result.stderr
        == f"editions: error: --ca-bundle / EDITIONS_CA_BUNDLE: {tmp_path / 'nope.pem'}: no such file\n"
    )
