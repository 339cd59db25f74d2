"""Signing in on the review page: the cookie holds a short-lived login token, never the API key.

The token is random, stored only as a hash with its key and expiry; it ends when it expires, when
the editor signs out, and when its key is revoked (`editions keys revoke` included). On SQLite and
PostgreSQL, through a real uvicorn server.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select, text, update

from editions.service.context import ServiceConfig
from editions.service.security import COOKIE
from editions.store.keys import create_key
from editions.store.schema import utcnow

from .conftest import LiveService, live_service

HTML = {"Accept": "text/html"}


@pytest.fixture
def keyed(db_url: str) -> Iterator[LiveService]:
    with live_service(ServiceConfig(database_url=db_url, workers=0, require_keys=True)) as live:
        yield live


def _login(client: httpx.Client, live: LiveService, secret: str) -> str:
    got = client.post("/login", data={"key": secret, "next": "/"}, headers={"Origin": live.url, **HTML})
    assert got.status_code == 303, got.text
    value = client.cookies.get(COOKIE)
    assert value
    return value


def _with_cookie(live: LiveService, value: str) -> httpx.Response:
    """A fresh browser that presents `value` as the session cookie."""
    with live.client(cookies={COOKIE: value}) as client:
        return client.get("/", headers=HTML)


def _signed_in(response: httpx.Response) -> bool:
    if response.status_code == 200:
        return True
    assert response.status_code == 303 and response.headers["location"].startswith("/login"), response
    return False


def test_the_cookie_is_a_login_token_not_the_api_key(keyed: LiveService) -> None:
    secret, key = create_key(keyed.ctx.store, "desk")
    with keyed.client() as client:
        got = client.post("/login", data={"key": secret, "next": "/"}, headers={"Origin": keyed.url, **HTML})
        cookies = got.headers.get_list("set-cookie")
        cookie = next(c for c in cookies if c.startswith(f"{COOKIE}="))
        value = client.cookies.get(COOKIE)
    assert value, cookie
    assert value != secret, "the login cookie holds the raw API key"
    assert not any(secret[len(key.prefix) :] in c for c in cookies), "the cookie contains the key"
    max_age = int(re.search(r"Max-Age=(\d+)", cookie, re.IGNORECASE).group(1))  # type: ignore[union-attr]
    assert 0 < max_age <= 12 * 3600
    assert _signed_in(_with_cookie(keyed, value))
    # the store keeps only a hash of the token
    with keyed.ctx.store.engine.connect() as conn:
        dump = repr(conn.execute(text("SELECT * FROM login_tokens")).all())
    assert value not in dump and value[8:] not in dump
    # an API key in the cookie (as earlier versions set it) is not a session
    assert not _signed_in(_with_cookie(keyed, secret))


def test_a_login_token_is_not_an_api_key(keyed: LiveService) -> None:
    secret, _ = create_key(keyed.ctx.store, "desk")
    with keyed.client() as client:
        value = _login(client, keyed, secret)
    with keyed.client() as client:
        assert client.get("/v1/jobs", headers={"Authorization": f"Bearer {value}"}).status_code == 401
        assert client.get("/v1/jobs", headers={"X-API-Key": value}).status_code == 401


def test_an_expired_login_token_is_refused(keyed: LiveService) -> None:
    from editions.store.schema import LoginTokenRow

    secret, _ = create_key(keyed.ctx.store, "desk")
    with keyed.client() as client:
        value = _login(client, keyed, secret)
    assert _signed_in(_with_cookie(keyed, value))
    with keyed.ctx.store.session() as session:
        session.execute(update(LoginTokenRow).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert not _signed_in(_with_cookie(keyed, value))
    with keyed.client(cookies={COOKIE: value}) as client:
        assert client.get("/v1/jobs").status_code == 401


def test_the_login_lifetime_is_configurable(db_url: str) -> None:
    from editions.store.schema import LoginTokenRow

    config = ServiceConfig(database_url=db_url, workers=0, require_keys=True, login_ttl_s=600)
    with live_service(config) as live:
        secret, _ = create_key(live.ctx.store, "desk")
        with live.client() as client:
            got = client.post("/login", data={"key": secret, "next": "/"}, headers={"Origin": live.url})
        assert any(
            c.startswith(f"{COOKIE}=") and "Max-Age=600" in c for c in got.headers.get_list("set-cookie")
        )
        with live.ctx.store.session() as session:
            row = session.scalars(select(LoginTokenRow)).one()
            assert timedelta(seconds=590) < row.expires_at - row.created_at <= timedelta(seconds=600)


def test_signing_out_ends_the_session_on_the_server(keyed: LiveService) -> None:
    secret, _ = create_key(keyed.ctx.store, "desk")
    with keyed.client() as client:
        value = _login(client, keyed, secret)
        out = client.post("/logout", headers={"Origin": keyed.url, **HTML})
        assert out.status_code == 303 and out.headers["location"] == "/login"
    # a copy of the cookie kept from before (a stolen one, or a browser that ignored the deletion)
    assert not _signed_in(_with_cookie(keyed, value)), "the old cookie still works after signing out"


def test_revoking_the_key_on_the_command_line_ends_its_sessions(keyed: LiveService) -> None:
    from editions.store.schema import LoginTokenRow

    secret, key = create_key(keyed.ctx.store, "desk")
    other, _ = create_key(keyed.ctx.store, "other desk")
    with keyed.client() as client:
        value = _login(client, keyed, secret)
    with keyed.client() as client:
        kept = _login(client, keyed, other)
    revoked = subprocess.run(
        [sys.executable, "-m", "editions.cli", "keys", "revoke", key.prefix, "--db", keyed.ctx.store.url],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ),
    )
    assert revoked.returncode == 0, revoked.stderr
    assert "1 session" in revoked.stderr
    assert not _signed_in(_with_cookie(keyed, value))
    assert _signed_in(_with_cookie(keyed, kept))  # another key's session is untouched
    with keyed.ctx.store.session() as session:
        assert session.scalars(select(LoginTokenRow.key_id)).all() != []
        assert key.id not in session.scalars(select(LoginTokenRow.key_id)).all()
