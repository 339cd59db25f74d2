"""Reading an article from an http(s) URL, every hop checked by the SSRF policy (`ingest.ssrf`).

    read_article_url(url, fmt=None, source_lang=None, policy=None) -> Article
    fetch_url(url, policy=None, conditional=None) -> FetchedPage

Documented behaviour:

* **What is refused** before any connection, and the `host:port` exceptions: see `editions.ingest.ssrf`.
* **Redirects** are followed by hand (at most `max_redirects`), and every hop is checked again.
* **DNS rebinding.** Each hop connects to the address that was checked, never to a second lookup:
  the request goes to the IP literal with the original `Host` header and, for https, the original
  host name as SNI, against which the certificate is verified as usual.
* **Limits.** `timeout_s` is the wall time for the whole fetch, lookups and redirects included;
  bodies over `max_bytes` are refused from their Content-Length, or once that many bytes arrived.
  Failures raise `FetchError`. The environment is not read: no proxies, and certificates are
  checked against certifi's CA bundle (SSL_CERT_FILE is ignored), plus the policy's `ca_bundle`; a
  certificate that fails verification says how to trust a private CA.
* **Conditional GET** (feeds polled again and again): `conditional` may carry `If-None-Match`,
  `If-Modified-Since` and `Accept`, and no other header; a 304 answer to it is a `FetchedPage` with
  `status` 304 and no body. Every page says the `ETag` and `Last-Modified` it came with.
* **Decoding.** A charset in the Content-Type header is honoured (a BOM still wins); without one the
  bytes are read like a file. The format comes from `fmt`, else the Content-Type, else the path's
  extension, else the content; then the usual reader and all its checks run.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from editions.document import Article
from editions.errors import FetchError
from editions.ingest.decode import decode_with_charset, human_size
from editions.ingest.formats import format_from_name, normalize_format, sniff_format
from editions.ingest.read import read_article
from editions.ingest.ssrf import ResolvedUrl, UrlPolicy, check_url, shown_url
from editions.languages import get_language

if TYPE_CHECKING:
    import httpx

__all__ = ["FetchedPage", "UrlPolicy", "fetch_url", "read_article_url"]

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})

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
_USER_AGENT = "editions (news article reader; +https://github.com/editions)"
_ACCEPT = (
    "text/html, application/xhtml+xml, text/markdown, application/json;q=0.9, text/plain;q=0.9, */*;q=0.5"
)


@dataclass(frozen=True)
class FetchedPage:
    """A 2xx response body, whole (never over the policy's `max_bytes`)."""

    url: str  # as asked for
    final_url: str  # after redirects
    content: bytes
    content_type: str | None
    status: int = 200  # or 304: not modified since the `conditional` headers' version
    etag: str | None = None
    last_modified: str | None = None


# The only request headers a caller may add: a conditional GET's, and what it accepts.
CONDITIONAL_HEADERS = frozenset({"if-none-match", "if-modified-since", "accept"})


def fetch_url(
    url: str, policy: UrlPolicy | None = None, conditional: Mapping[str, str] | None = None
) -> FetchedPage:
    """GET `url` under `policy`: every redirect hop checked, the body bounded in size and time.

    `conditional`: If-None-Match / If-Modified-Since (and Accept) to send; a 304 is then a page too."""
    policy = policy or UrlPolicy()
    extra = {name.lower(): value for name, value in (conditional or {}).items() if value}
    if set(extra) - CONDITIONAL_HEADERS:
        raise ValueError(f"fetch_url sends no {sorted(set(extra) - CONDITIONAL_HEADERS)} header")
    deadline = time.monotonic() + policy.timeout_s
    cancelled = threading.Event()
    outcome: list[FetchedPage | BaseException] = []

    def work() -> None:
        try:
            outcome.append(_fetch(url, policy, deadline, cancelled, extra))
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
    label = shown_url(url)
    media_type, charset = _parse_content_type(page.content_type)
    chosen = (
        chosen
        or _FORMAT_BY_TYPE.get(media_type or "")
        or format_from_name(PurePosixPath(urlsplit(page.final_url).path).name)
    )
    text = decode_with_charset(page.content, label, charset, maybe_html=chosen in (None, "html"))
    chosen = chosen or sniff_format(text)
    data = text.encode("utf-8")
    # The body was already held to max_bytes; decoding (from Latin-1, say) may make it longer.
    limit = max(policy.max_bytes, len(data))
    return read_article(data, fmt=chosen, source_lang=source_lang, max_bytes=limit, name=label)


# -- fetching -------------------------------------------------------------------------------------


def _fetch(
    url: str,
    policy: UrlPolicy,
    deadline: float,
    cancelled: threading.Event,
    extra: Mapping[str, str] | None = None,
) -> FetchedPage:
    import httpx

    current, via = url, None
    for _hop in range(policy.max_redirects + 1):
        resolved = check_url(current, policy, via)
        if cancelled.is_set():
            raise FetchError(_timed_out(url, policy))
        try:
            status, headers, body = _get(resolved, policy, deadline, cancelled, extra)
        except httpx.TimeoutException:
            raise FetchError(_timed_out(url, policy)) from None
        except (httpx.HTTPError, httpx.InvalidURL) as err:
            reason = _httpx_reason(err)
            if "CERTIFICATE_VERIFY_FAILED" in reason:
                reason += " (a private CA? --ca-bundle or EDITIONS_CA_BUNDLE)"
            raise FetchError(f"cannot fetch {shown_url(current)}: {reason}") from None
        if status in REDIRECT_STATUSES:
            location = headers.get("location")
            if not location:
                raise FetchError(f"{shown_url(current)} redirected ({status}) without a Location")
            current, via = urljoin(current, location.strip()), current
            continue
        conditional_hit = status == 304 and bool({"if-none-match", "if-modified-since"} & set(extra or {}))
        if not (200 <= status < 300 or conditional_hit):
            phrase = _status_phrase(status)
            raise FetchError(f"{shown_url(current)} answered HTTP {status}{phrase}")
        return FetchedPage(
            url,
            current,
            body,
            headers.get("content-type"),
            status=status,
            etag=headers.get("etag"),
            last_modified=headers.get("last-modified"),
        )
    raise FetchError(f"{shown_url(url)} redirected more than {policy.max_redirects} times")


def _get(
    resolved: ResolvedUrl,
    policy: UrlPolicy,
    deadline: float,
    cancelled: threading.Event,
    extra: Mapping[str, str] | None = None,
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
    headers.update({name.title(): value for name, value in (extra or {}).items()})  # never Host
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
        # another host on the same address. Its TLS context is the policy's (certifi + a private CA).
        request = httpx.Request("GET", resolved.url_for(address), headers=headers, extensions=extensions)
        with httpx.HTTPTransport(trust_env=False, retries=0, verify=policy.tls_context()) as transport:
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
        raise FetchError(f"{shown_url(resolved.url)} is {human_size(int(declared))}; {_limit(limit)}")
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > limit:
            raise FetchError(f"{shown_url(resolved.url)} is over {human_size(limit)}; {_limit(limit)}")
        if cancelled.is_set() or time.monotonic() > deadline:
            raise FetchError(_timed_out(resolved.url, policy))
        chunks.append(chunk)
    return b"".join(chunks)


def _limit(limit: int) -> str:
    return f"the limit is {human_size(limit)} (--max-bytes)"


def _timed_out(url: str, policy: UrlPolicy) -> str:
    return f"fetching {shown_url(url)} took longer than {policy.timeout_s:g} s; gave up"


def _httpx_reason(err: Exception) -> str:
    reason = str(err).strip().splitlines()
    return reason[-1] if reason else type(err).__name__


def _status_phrase(status: int) -> str:
    from http import HTTPStatus

    try:
        return f" {HTTPStatus(status).phrase}"
    except ValueError:
        return ""


# -- the Content-Type -----------------------------------------------------------------------------


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
