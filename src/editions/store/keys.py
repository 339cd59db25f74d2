"""API keys and review-page sign-ins.

A key is shown once at creation and stored only as a SHA-256 hash; it carries a role (`KeyRole`).
Signing in on the review page trades the key for a login token: random, short-lived, stored only as a
hash next to its key and expiry, and the only thing the browser's cookie holds. A token ends when it
expires, when its holder signs out, and when its key is revoked. (A plain SHA-256 is enough for both:
they are 256-bit random strings, not passwords a slow hash would protect from guessing.)
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, delete, func, select

from editions.errors import UsageError
from editions.store.db import Store
from editions.store.schema import ApiKeyRow, LoginTokenRow, utcnow
from editions.vocabulary import KeyRole

KEY_PREFIX = "ed_"
TOKEN_PREFIX = "edt_"  # a login token; never accepted where a key is, nor a key where a token is
LAST_USED_PRECISION = timedelta(minutes=1)


@dataclass(frozen=True)
class ApiKey:
    id: int
    name: str
    prefix: str
    rate_per_minute: int
    created_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None
    role: KeyRole = KeyRole.SUBMITTER


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _public(row: ApiKeyRow) -> ApiKey:
    return ApiKey(
        row.id,
        row.name,
        row.prefix,
        row.rate_per_minute,
        row.created_at,
        row.revoked_at,
        row.last_used_at,
        KeyRole(row.role),
    )


def key_role(role: str) -> KeyRole:
    """`role` as a `KeyRole`, or a UsageError naming the roles there are."""
    try:
        return KeyRole(role.strip().lower())
    except ValueError:
        raise UsageError(f"unknown role {role!r}; choose {', '.join(KeyRole)}") from None


def create_key(
    store: Store, name: str, rate_per_minute: int = 60, role: str = KeyRole.SUBMITTER
) -> tuple[str, ApiKey]:
    """A new key: returns the secret (never stored) and its record."""
    checked = key_role(role)
    with store.session() as session:
        while True:
            secret = KEY_PREFIX + secrets.token_urlsafe(32)
            # jobs are owned by the prefix: two keys must never share one, revoked keys included
            taken = select(func.count()).select_from(ApiKeyRow).where(ApiKeyRow.prefix == secret[:10])
            if session.scalar(taken) == 0:
                break
        row = ApiKeyRow(
            name=name,
            prefix=secret[:10],
            key_hash=_hash(secret),
            rate_per_minute=rate_per_minute,
            role=checked,
        )
        session.add(row)
        session.flush()
        return secret, _public(row)


def verify_key(store: Store, secret: str) -> ApiKey | None:
    """The live key with this secret, or None (unknown or revoked)."""
    if not secret or len(secret) > 200:
        return None
    with store.session() as session:
        row = session.scalars(select(ApiKeyRow).where(ApiKeyRow.key_hash == _hash(secret))).first()
        if row is None or row.revoked_at is not None:
            return None
        _touch(row)
        return _public(row)


def _touch(row: ApiKeyRow) -> None:
    now = utcnow()
    if row.last_used_at is None or now - row.last_used_at > LAST_USED_PRECISION:
        row.last_used_at = now  # at most one write a minute per key, not one per request


def list_keys(store: Store) -> list[ApiKey]:
    with store.session() as session:
        return [_public(row) for row in session.scalars(select(ApiKeyRow).order_by(ApiKeyRow.id))]


def _find(prefix_or_id: str) -> Select[ApiKeyRow]:
    if prefix_or_id.isdigit():
        return select(ApiKeyRow).where(ApiKeyRow.id == int(prefix_or_id))
    return select(ApiKeyRow).where(ApiKeyRow.prefix == prefix_or_id)


def revoke_key(store: Store, prefix_or_id: str) -> bool:
    """Revoke a key and end every sign-in made with it; False if there is no such live key."""
    with store.session() as session:
        row = session.scalars(_find(prefix_or_id)).first()
        if row is None or row.revoked_at is not None:
            return False
        row.revoked_at = utcnow()
        session.execute(delete(LoginTokenRow).where(LoginTokenRow.key_id == row.id))
        return True


def set_role(store: Store, prefix_or_id: str, role: str) -> ApiKey:
    """Give a live key another role (its sign-ins carry on, with the new role from their next request)."""
    checked = key_role(role)
    with store.session() as session:
        row = session.scalars(_find(prefix_or_id)).first()
        if row is None or row.revoked_at is not None:
            raise UsageError(f"no active key {prefix_or_id!r}")
        row.role = checked
        return _public(row)


# --- review-page sign-ins ----------------------------------------------------------------------------


def create_login_token(store: Store, key: ApiKey, ttl_s: float) -> str:
    """A new sign-in for `key`, valid `ttl_s` seconds: returns the token (only its hash is kept)."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = utcnow()
    with store.session() as session:
        session.execute(delete(LoginTokenRow).where(LoginTokenRow.expires_at <= now))  # housekeeping
        session.add(
            LoginTokenRow(
                token_hash=_hash(token),
                key_id=key.id,
                created_at=now,
                expires_at=now + timedelta(seconds=ttl_s),
            )
        )
    return token


def verify_login_token(store: Store, token: str) -> ApiKey | None:
    """The live key a live sign-in was made with, or None (unknown, expired, signed out, key revoked)."""
    if not token or not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    with store.session() as session:
        row = session.execute(
            select(ApiKeyRow, LoginTokenRow.expires_at)
            .join(LoginTokenRow, LoginTokenRow.key_id == ApiKeyRow.id)
            .where(LoginTokenRow.token_hash == _hash(token))
        ).first()
        if row is None:
            return None
        key, expires_at = row
        if expires_at <= utcnow() or key.revoked_at is not None:
            return None
        _touch(key)
        return _public(key)


def end_login(store: Store, token: str) -> bool:
    """Sign out: the token stops working at once, whatever the browser keeps."""
    with store.session() as session:
        result = session.execute(delete(LoginTokenRow).where(LoginTokenRow.token_hash == _hash(token)))
        return bool(getattr(result, "rowcount", 0))


def live_logins(store: Store, prefix_or_id: str) -> int:
    """How many unexpired sign-ins a key has."""
    with store.session() as session:
        row = session.scalars(_find(prefix_or_id)).first()
        if row is None:
            return 0
        count = session.scalar(
            select(func.count())
            .select_from(LoginTokenRow)
            .where(LoginTokenRow.key_id == row.id, LoginTokenRow.expires_at > utcnow())
        )
        return int(count or 0)
