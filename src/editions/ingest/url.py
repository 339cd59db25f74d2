"""Reading an article from an http(s) URL without letting the URL reach inside the newsroom (SSRF).

    read_article_url(url, fmt=None, source_lang=None, policy=None) -> Article
    fetch_url(url, policy=None) -> FetchedPage
    check_url(url, policy=None) -> ResolvedUrl

Documented behaviour:

* **What is refused** (`UnsafeUrlError`, before any connection is made): schemes other than http and
  https; URLs with a user name or password (`http://user:pass@host/`); internal host names
  (`localhost`, `*.localhost`, `*.internal`, `metadata`, `instance-data` …) before they are looked
  up; and any host that resolves to even one address that is not public: loopback, private,
  link-local, carrier-grade NAT, multicast, reserved, unspecified, the cloud metadata addresses, and
  IPv6 addresses that embed such an IPv4 one (IPv4-mapped, 6to4, Teredo, NAT64). The host is looked
  up with `getaddrinfo`, so every spelling the system accepts (`2130706433`, `0x7f000001`,
  `0177.0.0.1`, `127.1`) is judged by the address it really means. Any port is accepted.
* **Exceptions.** `UrlPolicy.allow` (or `EDITIONS_URL_ALLOW="cms.intranet:443,127.0.0.1:8123"`) names
  exact `host:port` pairs that may be internal: a newsroom CMS on the intranet, or a test server.
  The match is on the host as written in the URL; other spellings of the same address are refused.
* **Redirects** are followed by hand (at most `max_redirects`), and every hop is checked again.
* **DNS rebinding.** Each hop connects to the address that was checked, never to a second lookup:
  the request goes to the IP literal with the original `Host` header and, for https, the original
  host name as SNI, against which the certificate is verified as usual.
* **Limits.** `timeout_s` is the wall time for the whole fetch, lookups and redirects included;
  bodies over `max_bytes` are refused from their Content-Length, or once that many bytes arrived.
  Failures raise `FetchError`. The environment is not read: no proxies, and certificates are
  checked against certifi's CA bundle (SSL_CERT_FILE is ignored).
* **Decoding.** A charset in the Content-Type header is honoured (a BOM still wins); without one the
  bytes are read like a file. The format comes from `fmt`, else the Content-Type, else the path's
  extension, else the content; then the usual reader and all its checks run.
"""

from __future__ import annotations

import codecs
import ipaddress
import os
import re
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any
from urllib.parse import SplitResult, urljoin, urlsplit

from editions.document import Article
from editions.errors import EncodingError, FetchError, UnsafeUrlError, UsageError
from editions.ingest.decode import DEFAULT_MAX_BYTES, decode, human_size, reject_binary
from editions.ingest.formats import format_from_name, normalize_format, sniff_format
from editions.ingest.read import read_article
from editions.languages import get_language

if TYPE_CHECKING:
    import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

ALLOW_ENV = "EDITIONS_URL_ALLOW"
SCHEMES = {"http": 80, "https": 443}
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})

# Names that only ever mean "this machine" or "the cloud's metadata service"; refused before lookup,
# since offline they may not resolve at all, and on a cloud VM they resolve to the metadata service.
_BLOCKED_NAMES = frozenset(
    {"localhost", "ip6-localhost", "ip6-loopback", "metadata", "metadata.google.internal", "instance-data"}
)
_BLOCKED_SUFFIXES = (".localhost", ".internal")
_METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a)
    for a in (
        "169.254.169.254",  # AWS, GCP, Azure, OpenStack …
        "169.254.170.2",  # AWS ECS task metadata
        "fd00:ec2::254",  # AWS over IPv6
        "100.100.100.200",  # Alibaba Cloud
    )
)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_HOST_NAME_RE = re.compile(r"^[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*$")
_SHOWN_MAX_CHARS = 200

_FORMAT_BY_TYPE = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/markdown": "md",
    "text/x-markdown": "md",
    "application/json": "json",
    "text/json": "json",
    "text/plain": "text",
}
# Browsers read these labels as windows-1252 (WHATWG Encoding); so do we.
_WINDOWS_1252_LABELS = frozenset({"ascii", "iso8859-1", "cp1252"})
_USER_AGENT = "editions (news article reader; +https://github.com/editions)"
_ACCEPT = (
    "text/html, application/xhtml+xml, text/markdown, application/json;q=0.9, text/plain;q=0.9, */*;q=0.5"
)


@dataclass(frozen=True)
class UrlPolicy:
    """What `fetch_url` may fetch, and how much of it. `allow`: exact "host:port" exceptions."""

    max_bytes: int = DEFAULT_MAX_BYTES
    timeout_s: float = 15.0
    max_redirects: int = 5
    allow: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> UrlPolicy:
        """The default policy, with the exceptions `EDITIONS_URL_ALLOW` lists (comma-separated host:port)."""
        value = (os.environ if environ is None else environ).get(ALLOW_ENV, "")
        entries = [entry.strip() for entry in value.split(",") if entry.strip()]
        for entry in entries:
            if _allow_key(entry) is None:
                raise UsageError(f"{ALLOW_ENV}: {entry!r} is not host:port (e.g. cms.intranet:443)")
        return cls(allow=frozenset(entries))

    def allows(self, host: str, port: int) -> bool:
        keys = {_allow_key(entry) for entry in self.allow}
        return (_normal_host(host), port) in keys


@dataclass(frozen=True)
class ResolvedUrl:
    """A URL that passed `check_url`, with the addresses (all checked) to connect to, in order."""

    url: str
    scheme: str
    host: str  # ASCII (IDNA), lower case, no brackets or trailing dot
    port: int
    target: str  # path and query, as sent
    addresses: tuple[str, ...]

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == SCHEMES[self.scheme] else f"{host}:{self.port}"

    def url_for(self, address: str) -> str:
        """The same URL with the host replaced by one of its checked addresses."""
        netloc = f"[{address}]" if ":" in address else address
        return f"{self.scheme}://{netloc}:{self.port}{self.target}"

    @property
    def is_ip_literal(self) -> bool:
        return _ip_or_none(self.host) is not None


@dataclass(frozen=True)
class FetchedPage:
    """A 2xx response body, whole (never over the policy's `max_bytes`)."""

    url: str  # as asked for
    final_url: str  # after redirects
    content: bytes
    content_type: str | None


def check_url(url: str, policy: UrlPolicy | None = None) -> ResolvedUrl:
    """Refuse (`UnsafeUrlError`) a URL that is not http(s) or that reaches a non-public address.

    The host is looked up once; the addresses returned are the ones to connect to. A name that does not
    resolve raises `FetchError`. No timeout of its own: `fetch_url` bounds the whole fetch.
    """
    return _check(url, policy or UrlPolicy(), via=None)


def fetch_url(url: str, policy: UrlPolicy | None = None) -> FetchedPage:
    """GET `url` under `policy`: every redirect hop checked, the body bounded in size and time."""
    policy = policy or UrlPolicy()
    deadline = time.monotonic() + policy.timeout_s
    cancelled = threading.Event()
    outcome: list[FetchedPage | BaseException] = []

    def work() -> None:
        try:
            outcome.append(_fetch(url, policy, deadline, cancelled))
        except BaseException as err:
            outcome.append(err)

    # A worker thread, so that the wall-time limit also covers getaddrinfo and a server that trickles
    # bytes; on time-out it is told to stop, and its own socket time-outs end it soon after.
    worker = threading.Thread(target=work, name="editions-fetch-url", daemon=True)
    worker.start()
    worker.join(max(0.0, deadline - time.monotonic()))
    if not outcome:
        cancelled.set()
        raise FetchError(_timed_out(url, policy))
    result = outcome[0]
    if isinstance(result, BaseException):
        raise result
    return result


def read_article_url(
    url: str,
    *,
    fmt: str | None = None,
    source_lang: str | None = None,
    policy: UrlPolicy | None = None,
) -> Article:
    """Fetch `url` (see `fetch_url`) and read the article in it with the reader for its format."""
    chosen = normalize_format(fmt) if fmt else None  # bad options fail before any I/O
    if source_lang is not None:
        get_language(source_lang)
    policy = policy or UrlPolicy()
    page = fetch_url(url, policy)
    label = _shown(url)
    media_type, charset = _parse_content_type(page.content_type)
    chosen = (
        chosen
        or _FORMAT_BY_TYPE.get(media_type or "")
        or format_from_name(PurePosixPath(urlsplit(page.final_url).path).name)
    )
    text = _decode_body(page.content, label, charset, maybe_html=chosen in (None, "html"))
    chosen = chosen or sniff_format(text)
    data = text.encode("utf-8")
    # The body was already held to max_bytes; decoding (from Latin-1, say) may make it longer.
    limit = max(policy.max_bytes, len(data))
    return read_article(data, fmt=chosen, source_lang=source_lang, max_bytes=limit, name=label)


# -- checking -------------------------------------------------------------------------------------


def _check(url: str, policy: UrlPolicy, via: str | None) -> ResolvedUrl:
    def refuse(reason: str) -> UnsafeUrlError:
        where = f" (redirected from {_shown(via)})" if via else ""
        return UnsafeUrlError(f"refusing {_shown(url)}{where}: {reason}")

    parts, scheme, host, port = _split(url, refuse)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    if policy.allows(host, port):
        addresses = _resolve(host, port)
        return ResolvedUrl(url, scheme, host, port, target, addresses)
    if host in _BLOCKED_NAMES or host.endswith(_BLOCKED_SUFFIXES):
        raise refuse(f"{host} is an internal host name")
    literal = _ip_or_none(host)
    addresses = (literal.compressed,) if literal is not None else _resolve(host, port)
    for address in addresses:
        ip = _ip_or_none(address)
        why = "not an IP address" if ip is None else _why_not_public(ip)
        if why is None:
            continue
        if literal is not None:
            raise refuse(f"{host} is {why}")
        raise refuse(f"{host} resolves to {address}, {why}")
    return ResolvedUrl(url, scheme, host, port, target, addresses)


def _split(url: str, refuse: Callable[[str], UnsafeUrlError]) -> tuple[SplitResult, str, str, int]:
    """Scheme, ASCII host and port of `url`, or the reason it is refused."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as err:
        raise refuse(f"not a valid URL ({err})") from None
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        given = f", not {scheme}:" if scheme else ""
        raise refuse(f"only http:// and https:// URLs can be read{given}")
    if "@" in parts.netloc:
        raise refuse("URLs with a user name or password are not accepted")
    if port == 0:
        raise refuse("port 0 is not a port")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise refuse("the URL has no host")
    if "%" in host:
        raise refuse("IPv6 zone ids and %-escapes are not accepted in host names")
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii").lower()
        except UnicodeError:
            raise refuse(f"{host} is not a valid host name") from None
    if ":" in host:
        if _ip_or_none(host) is None:
            raise refuse(f"{host} is not a valid IPv6 address")
    elif not _HOST_NAME_RE.match(host):
        raise refuse(f"{host} is not a valid host name")
    return parts, scheme, host, port or SCHEMES[scheme]


def _resolve(host: str, port: int) -> tuple[str, ...]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as err:
        reason = err.strerror if isinstance(err, OSError) and err.strerror else str(err)
        raise FetchError(f"cannot resolve host {host}: {reason}") from None
    addresses: list[str] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        address = str(sockaddr[0])
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise FetchError(f"cannot resolve host {host}: no addresses")
    return tuple(addresses)


def _why_not_public(ip: IPAddress) -> str | None:
    """None for a public address, else what it is ("a loopback address")."""
    if ip in _METADATA_ADDRESSES:
        return "a cloud metadata address"
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            why = _why_not_public(embedded)
            if why is not None:
                return f"{why} ({embedded} inside an IPv6 address)"
        if ip.is_site_local:
            return "a site-local address"
    checks = (
        (ip.is_unspecified, "the unspecified address"),
        (ip.is_loopback, "a loopback address"),
        (ip.is_link_local, "a link-local address"),
        (ip.is_multicast, "a multicast address"),
        (ip.is_private, "a private address"),
        (ip in _CGNAT, "a carrier-grade NAT address"),
        (ip.is_reserved, "a reserved address"),
        (not ip.is_global, "not a public address"),
    )
    return next((why for bad, why in checks if bad), None)


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def _ip_or_none(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def _normal_host(host: str) -> str:
    host = host.strip().strip("[]").rstrip(".").lower()
    ip = _ip_or_none(host)
    return ip.compressed if ip is not None else host


def _allow_key(entry: str) -> tuple[str, int] | None:
    host, sep, port = entry.strip().rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        return None
    if ":" in host and not (host.startswith("[") and host.endswith("]")):
        return None  # an IPv6 address needs brackets: [::1]:8080
    return _normal_host(host), int(port)


# -- fetching -------------------------------------------------------------------------------------


def _fetch(url: str, policy: UrlPolicy, deadline: float, cancelled: threading.Event) -> FetchedPage:
    import httpx

    current, via = url, None
    for _hop in range(policy.max_redirects + 1):
        resolved = _check(current, policy, via)
        if cancelled.is_set():
            raise FetchError(_timed_out(url, policy))
        try:
            status, headers, body = _get(resolved, policy, deadline, cancelled)
        except httpx.TimeoutException:
            raise FetchError(_timed_out(url, policy)) from None
        except (httpx.HTTPError, httpx.InvalidURL) as err:
            raise FetchError(f"cannot fetch {_shown(current)}: {_httpx_reason(err)}") from None
        if status in REDIRECT_STATUSES:
            location = headers.get("location")
            if not location:
                raise FetchError(f"{_shown(current)} redirected ({status}) without a Location")
            current, via = urljoin(current, location.strip()), current
            continue
        if not 200 <= status < 300:
            phrase = _status_phrase(status)
            raise FetchError(f"{_shown(current)} answered HTTP {status}{phrase}")
        return FetchedPage(url, current, body, headers.get("content-type"))
    raise FetchError(f"{_shown(url)} redirected more than {policy.max_redirects} times")


def _get(
    resolved: ResolvedUrl, policy: UrlPolicy, deadline: float, cancelled: threading.Event
) -> tuple[int, httpx.Headers, bytes]:
    """One GET to the first checked address that accepts the connection; the body only if not 3xx."""
    import httpx

    # identity: a compressed body could expand far past max_bytes inside one network read
    headers = {
        "Host": resolved.host_header,
        "User-Agent": _USER_AGENT,
        "Accept": _ACCEPT,
        "Accept-Encoding": "identity",
    }
    last_error: httpx.ConnectError | None = None
    for address in resolved.addresses:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise httpx.TimeoutException("deadline")
        extensions: dict[str, Any] = {"timeout": httpx.Timeout(remaining).as_dict()}
        if resolved.scheme == "https" and not resolved.is_ip_literal:
            extensions["sni_hostname"] = resolved.host  # and the certificate is verified against it
        # The request goes to the checked address itself, never to a second lookup of the name. A bare
        # transport, not a Client: it reads no proxy settings (trust_env=False: nor SSL_CERT_FILE), does
        # not parse the Location header of a redirect, and one per hop never reuses a connection for
        # another host on the same address.
        request = httpx.Request("GET", resolved.url_for(address), headers=headers, extensions=extensions)
        with httpx.HTTPTransport(trust_env=False, retries=0) as transport:
            try:
                response = transport.handle_request(request)
            except httpx.ConnectError as err:
                last_error = err  # try the next address (an IPv6 one on an IPv4-only network …)
                continue
            try:
                if not 200 <= response.status_code < 300:  # a redirect or an error: no body
                    return response.status_code, response.headers, b""
                body = _read_body(response, resolved, policy, deadline, cancelled)
                return response.status_code, response.headers, body
            finally:
                response.close()
    assert last_error is not None
    raise last_error


def _read_body(
    response: httpx.Response,
    resolved: ResolvedUrl,
    policy: UrlPolicy,
    deadline: float,
    cancelled: threading.Event,
) -> bytes:
    limit = policy.max_bytes
    declared = response.headers.get("content-length", "").strip()
    if declared.isdigit() and int(declared) > limit:
        raise FetchError(f"{_shown(resolved.url)} is {human_size(int(declared))}; {_limit(limit)}")
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > limit:
            raise FetchError(f"{_shown(resolved.url)} is over {human_size(limit)}; {_limit(limit)}")
        if cancelled.is_set() or time.monotonic() > deadline:
            raise FetchError(_timed_out(resolved.url, policy))
        chunks.append(chunk)
    return b"".join(chunks)


def _limit(limit: int) -> str:
    return f"the limit is {human_size(limit)} (--max-bytes)"


def _timed_out(url: str, policy: UrlPolicy) -> str:
    return f"fetching {_shown(url)} took longer than {policy.timeout_s:g} s; gave up"


def _httpx_reason(err: Exception) -> str:
    reason = str(err).strip().splitlines()
    return reason[-1] if reason else type(err).__name__


def _status_phrase(status: int) -> str:
    from http import HTTPStatus

    try:
        return f" {HTTPStatus(status).phrase}"
    except ValueError:
        return ""


# -- decoding -------------------------------------------------------------------------------------


def _parse_content_type(value: str | None) -> tuple[str | None, str | None]:
    """("text/html", "iso-8859-1") from `text/html; charset="ISO-8859-1"`."""
    if not value:
        return None, None
    media_type, *params = value.split(";")
    charset = None
    for param in params:
        name, _, raw = param.partition("=")
        if name.strip().lower() == "charset":
            charset = raw.strip().strip("\"'").strip() or None
    return media_type.strip().lower() or None, charset


def _decode_body(raw: bytes, label: str, charset: str | None, *, maybe_html: bool) -> str:
    """Text of the body: a BOM, else the header's charset, else as a file is read (UTF-8, <meta>)."""
    codec = _codec(charset)
    if codec is None or codec == "utf-8" or raw.startswith((codecs.BOM_UTF8, b"\xff\xfe", b"\xfe\xff")):
        return decode(raw, label, maybe_html=maybe_html)
    if not codec.startswith(("utf-16", "utf-32")):  # their NUL bytes are text
        reject_binary(raw, label)
    if codec in _WINDOWS_1252_LABELS:
        try:
            return raw.decode("cp1252")
        except UnicodeDecodeError:  # the five bytes cp1252 leaves out: C1 controls, as browsers do
            return raw.decode("latin-1")
    try:
        return raw.decode(codec)
    except UnicodeDecodeError as err:
        byte = err.object[err.start]
        where = f"byte 0x{byte:02x} at offset {err.start}"
        raise EncodingError(f"{label} is not valid {charset}, as its Content-Type says ({where})") from None


def _codec(charset: str | None) -> str | None:
    """Python's name for `charset`; None for none or one Python does not know (read as if none)."""
    if charset is None:
        return None
    try:
        return codecs.lookup(charset).name
    except LookupError:
        return None


def _shown(url: str | None) -> str:
    """`url` for a one-line message: no password, no control characters, not too long."""
    text = url or ""
    scheme, sep, rest = text.partition("://")
    if sep:
        authority, slash, path = rest.partition("/")
        if "@" in authority:
            authority = "***@" + authority.rpartition("@")[2]
        text = f"{scheme}{sep}{authority}{slash}{path}"
    text = "".join(c if c.isprintable() and not c.isspace() else f"%{ord(c):02X}" for c in text)
    return text if len(text) <= _SHOWN_MAX_CHARS else text[: _SHOWN_MAX_CHARS - 1] + "…"
