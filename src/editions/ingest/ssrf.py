"""The SSRF policy: which http(s) URLs `editions.ingest.url` may fetch, checked before any connection.

    check_url(url, policy=None, via=None) -> ResolvedUrl

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
* **DNS rebinding.** The host is looked up once, and the `ResolvedUrl` carries the addresses that were
  checked: the fetcher connects to those, never to a second lookup.
* **A private CA.** `UrlPolicy.ca_bundle` (or `EDITIONS_CA_BUNDLE`, `--ca-bundle`) names a PEM file of
  CA certificates trusted *in addition to* certifi's public roots, for an intranet CMS whose
  certificate a newsroom CA signed. It is loaded when the policy is made, so a missing or unreadable
  file is a `UsageError` at start-up, not a surprise at the first fetch.
"""

from __future__ import annotations

import functools
import ipaddress
import re
import socket
import ssl
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import SplitResult, urlsplit

from editions.errors import FetchError, UnsafeUrlError, UsageError
from editions.ingest.decode import DEFAULT_MAX_BYTES
from editions.settings import Settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

ALLOW_ENV = "EDITIONS_URL_ALLOW"
CA_BUNDLE_ENV = "EDITIONS_CA_BUNDLE"
CA_BUNDLE_SOURCE = f"--ca-bundle / {CA_BUNDLE_ENV}"
SCHEMES = {"http": 80, "https": 443}

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


@dataclass(frozen=True)
class UrlPolicy:
    """What `fetch_url` may fetch, and how much of it. `allow`: exact "host:port" exceptions;
    `ca_bundle`: a PEM file of CAs trusted besides the public ones."""

    max_bytes: int = DEFAULT_MAX_BYTES
    timeout_s: float = 15.0
    max_redirects: int = 5
    allow: frozenset[str] = field(default_factory=frozenset)
    ca_bundle: str | None = None

    def __post_init__(self) -> None:
        self.tls_context()  # a bad bundle fails here, when the command or service starts

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, ca_bundle: str | None = None) -> UrlPolicy:
        """The default policy, with the exceptions `EDITIONS_URL_ALLOW` lists (comma-separated host:port)
        and the private CAs of `ca_bundle` (`--ca-bundle`), else of `EDITIONS_CA_BUNDLE`."""
        found = Settings.from_env(environ)
        entries = [entry.strip() for entry in found.url_allow.split(",") if entry.strip()]
        for entry in entries:
            if _allow_key(entry) is None:
                raise UsageError(f"{ALLOW_ENV}: {entry!r} is not host:port (e.g. cms.intranet:443)")
        return cls(allow=frozenset(entries), ca_bundle=ca_bundle or found.ca_bundle)

    def tls_context(self) -> ssl.SSLContext:
        """The context https fetches verify certificates with: certifi's roots, plus `ca_bundle`'s."""
        return _tls_context(self.ca_bundle)

    def allows(self, host: str, port: int) -> bool:
        keys = {_allow_key(entry) for entry in self.allow}
        return (_normal_host(host), port) in keys


@functools.lru_cache(maxsize=8)
def _tls_context(ca_bundle: str | None) -> ssl.SSLContext:
    """One context per bundle (building one reads certifi's ~150 roots; a fetch should not)."""
    import certifi

    context = ssl.create_default_context(cafile=certifi.where())
    if ca_bundle is None:
        return context
    try:
        context.load_verify_locations(cafile=ca_bundle)
    except FileNotFoundError:
        raise UsageError(f"{CA_BUNDLE_SOURCE}: {ca_bundle}: no such file") from None
    except ssl.SSLError:  # an OSError too: first
        raise UsageError(f"{CA_BUNDLE_SOURCE}: {ca_bundle} holds no PEM certificate") from None
    except OSError as err:
        raise UsageError(f"{CA_BUNDLE_SOURCE}: cannot read {ca_bundle}: {err.strerror or err}") from None
    return context


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


def check_url(url: str, policy: UrlPolicy | None = None, via: str | None = None) -> ResolvedUrl:
    """Refuse (`UnsafeUrlError`) a URL that is not http(s) or that reaches a non-public address.

    The host is looked up once; the addresses returned are the ones to connect to. A name that does not
    resolve raises `FetchError`. No timeout of its own: `fetch_url` bounds the whole fetch. `via`: the
    URL that redirected here, named in the refusal.
    """
    policy = policy or UrlPolicy()

    def refuse(reason: str) -> UnsafeUrlError:
        where = f" (redirected from {shown_url(via)})" if via else ""
        return UnsafeUrlError(f"refusing {shown_url(url)}{where}: {reason}")

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


def shown_url(url: str | None) -> str:
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
