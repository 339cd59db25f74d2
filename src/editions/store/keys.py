"""API keys: shown once at creation, stored only as a SHA-256 hash."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from editions.store.db import Store
from editions.store.schema import ApiKeyRow, utcnow

KEY_PREFIX = "ed_"
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


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _public(row: ApiKeyRow) -> ApiKey:
    return ApiKey(
        row.id, row.name, row.prefix, row.rate_per_minute, row.created_at, row.revoked_at, row.last_used_at
    )


def create_key(store: Store, name: str, rate_per_minute: int = 60) -> tuple[str, ApiKey]:
    """A new key: returns the secret (never stored) and its record."""
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    with store.session() as session:
        row = ApiKeyRow(
            name=name, prefix=secret[:10], key_hash=_hash(secret), rate_per_minute=rate_per_minute
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
        now = utcnow()
        if row.last_used_at is None or now - row.last_used_at > LAST_USED_PRECISION:
            row.last_used_at = now  # at most one write a minute per key, not one per request
        return _public(row)


def list_keys(store: Store) -> list[ApiKey]:
    with store.session() as session:
        return [_public(row) for row in session.scalars(select(ApiKeyRow).order_by(ApiKeyRow.id))]


def revoke_key(store: Store, prefix_or_id: str) -> bool:
    with store.session() as session:
        query = select(ApiKeyRow).where(ApiKeyRow.prefix == prefix_or_id)
        if prefix_or_id.isdigit():
            query = select(ApiKeyRow).where(ApiKeyRow.id == int(prefix_or_id))
        row = session.scalars(query).first()
        if row is None or row.revoked_at is not None:
            return False
        row.revoked_at = utcnow()
        return True
