"""Opening the store: migrations, reopening, clean errors, API keys. On SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, select, text

from editions.errors import EditionsError, StoreError
from editions.store.db import Store, redact
from editions.store.keys import create_key, list_keys, revoke_key, verify_key
from editions.store.schema import ApiKeyRow, Base, MemoryRow

HEAD = "0004"
TABLES = {
    "alembic_version", "api_keys", "articles", "editions", "findings", "jobs", "login_tokens", "memory",
    "tasks", "feeds", "feed_items", "feed_errors",
}  # fmt: skip


def _head(store: Store) -> list[str]:
    with store.engine.connect() as conn:
        return [row[0] for row in conn.execute(text("SELECT version_num FROM alembic_version"))]


def test_migrating_an_empty_database_creates_every_table_at_head(db_url: str) -> None:
    engine = create_engine(db_url)
    try:
        assert inspect(engine).get_table_names() == []
    finally:
        engine.dispose()
    store = Store(db_url)
    try:
        assert set(store.tables()) == TABLES
        assert set(Base.metadata.tables) == TABLES - {"alembic_version"}
        assert _head(store) == [HEAD]
        # every column the ORM maps is there (the migration and schema.py agree)
        inspector = inspect(store.engine)
        for name, table in Base.metadata.tables.items():
            assert {c["name"] for c in inspector.get_columns(name)} == set(table.columns.keys()), name
    finally:
        store.close()


def test_migrating_twice_is_a_no_op(db_url: str) -> None:
    store = Store(db_url)
    try:
        with store.session() as session:
            session.add(MemoryRow(key="k" * 64, origin="editor", source_lang="en", target_lang="fr",
                                  source_text="a", target_text="b"))  # fmt: skip
        store.migrate()
        store.migrate()
        assert set(store.tables()) == TABLES
        assert _head(store) == [HEAD]
        with store.session() as session:
            assert session.scalars(select(MemoryRow.target_text)).all() == ["b"]
    finally:
        store.close()
    # and a second Store on the same database migrates nothing either
    again = Store(db_url)
    try:
        assert _head(again) == [HEAD]
    finally:
        again.close()


def test_data_survives_reopening_the_store(db_url: str) -> None:
    store = Store(db_url)
    secret, _ = create_key(store, "newsroom")
    store.close()
    reopened = Store(db_url)
    try:
        assert [k.name for k in list_keys(reopened)] == ["newsroom"]
        found = verify_key(reopened, secret)
        assert found is not None and found.name == "newsroom"
    finally:
        reopened.close()


def test_a_store_opened_without_migrating_has_no_tables(db_url: str) -> None:
    store = Store(db_url, migrate=False)
    try:
        assert store.tables() == []
        store.migrate()
        assert set(store.tables()) == TABLES
    finally:
        store.close()


# --- errors: one line, no password -------------------------------------------------------------------


def _one_line_without(err: pytest.ExceptionInfo[StoreError], *secrets: str) -> str:
    message = str(err.value)
    assert message and "\n" not in message
    for secret in secrets:
        assert secret not in message
    assert isinstance(err.value, EditionsError)
    return message


def test_redact_hides_the_password() -> None:
    url = "postgresql+psycopg://editor:hunter2pw@db.example:5432/editions"
    assert "hunter2pw" not in redact(url)
    assert redact(url).startswith("postgresql+psycopg://editor:")
    assert "db.example:5432/editions" in redact(url)
    assert redact("no url at all") == "<unparseable database URL>"
    assert "hunter2pw" not in redact("postgresql+psycopg://editor:hunter2pw@h:notaport/x")


@pytest.mark.parametrize(
    "url",
    ["not a url at all", "postgresql+psycopg://editor:hunter2pw@127.0.0.1:notaport/editions"],
)
def test_a_bad_url_is_a_store_error(url: str) -> None:
    with pytest.raises(StoreError) as err:
        Store(url)
    assert "not a database URL" in _one_line_without(err, "hunter2pw")


def test_an_unsupported_database_is_a_store_error() -> None:
    with pytest.raises(StoreError) as err:
        Store("mysql+pymysql://editor:hunter2pw@127.0.0.1/editions")
    message = _one_line_without(err, "hunter2pw")
    assert "unsupported database 'mysql'" in message and "postgresql+psycopg://" in message


def test_unreachable_postgresql_is_a_store_error_without_the_password() -> None:
    url = "postgresql+psycopg://editor:hunter2pw@127.0.0.1:1/none"
    with pytest.raises(StoreError) as err:
        Store(url)
    message = _one_line_without(err, "hunter2pw")
    assert message.startswith("cannot open the database postgresql+psycopg://editor:***@127.0.0.1:1/none: ")
    assert "refused" in message.lower() or "failed" in message.lower()


def test_a_sqlite_file_that_cannot_be_created_is_a_store_error(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    with pytest.raises(StoreError) as err:
        Store(f"sqlite:///{tmp_path / 'a-file' / 'editions.db'}")
    assert "a-file" in _one_line_without(err)
    (tmp_path / "a-folder.db").mkdir()
    with pytest.raises(StoreError) as err:
        Store(f"sqlite:///{tmp_path / 'a-folder.db'}")
    assert _one_line_without(err).startswith("cannot open the database sqlite:///")


# --- API keys ----------------------------------------------------------------------------------------


def test_api_keys_verify_revoke_and_only_the_hash_is_stored(db_url: str) -> None:
    store = Store(db_url)
    try:
        secret, key = create_key(store, "desk", rate_per_minute=7)
        other, _ = create_key(store, "other desk")
        assert secret.startswith("ed_") and len(secret) > 30 and secret != other
        assert key.prefix == secret[:10] and key.rate_per_minute == 7 and key.revoked_at is None

        found = verify_key(store, secret)
        assert found is not None and found.id == key.id and found.last_used_at is not None
        assert verify_key(store, secret + "x") is None
        assert verify_key(store, "ed_" + "A" * 43) is None
        assert verify_key(store, "") is None
        assert verify_key(store, secret * 10) is None  # absurdly long: refused before hashing

        with store.engine.connect() as conn:
            rows = [tuple(str(v) for v in row) for row in conn.execute(select(ApiKeyRow.__table__))]
        assert len(rows) == 2
        dump = repr(rows)
        assert secret not in dump and secret[10:] not in dump and other not in dump
        with store.session() as session:
            hashes = session.scalars(select(ApiKeyRow.key_hash)).all()
        assert all(len(h) == 64 and int(h, 16) >= 0 for h in hashes)

        assert revoke_key(store, key.prefix) is True
        assert verify_key(store, secret) is None
        assert revoke_key(store, key.prefix) is False  # already revoked
        assert verify_key(store, other) is not None  # the other key is untouched
        assert [k.revoked_at is not None for k in list_keys(store)] == [True, False]
        assert revoke_key(store, "ed_nothing") is False
    finally:
        store.close()


def test_revoking_a_key_by_id(db_url: str) -> None:
    store = Store(db_url)
    try:
        secret, key = create_key(store, "by id")
        assert revoke_key(store, str(key.id)) is True
        assert verify_key(store, secret) is None
    finally:
        store.close()


def test_a_database_at_0001_with_queued_work_upgrades_to_head(db_url: str) -> None:
    """A store made by the first release, with a job queued, opens with the newest code."""
    old = Store(db_url, migrate=False)
    old.migrate("0001")
    assert _head(old) == ["0001"]
    with old.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO articles (id, headline, source_lang, document, created_at) "
                "VALUES ('a1', 'Storm', 'en', '{}', CURRENT_TIMESTAMP)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO jobs (id, status, targets, options, owner, created_at, updated_at) "
                "VALUES ('j1', 'queued', '[\"fr\"]', '{}', 'local', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO tasks (job_id, position, article_id, target_lang, status, attempts, "
                "segments_done, segments_total, engine_calls, memory_hits) "
                "VALUES ('j1', 0, 'a1', 'fr', 'pending', 0, 0, 0, 0, 0)"
            )
        )
    old.close()
    store = Store(db_url)
    try:
        assert _head(store) == [HEAD]
        with store.engine.connect() as conn:
            rows = conn.execute(text("SELECT job_id, target_lang, source_lang FROM tasks")).all()
        assert [tuple(r) for r in rows] == [("j1", "fr", "en")]  # queued work kept, language filled in
    finally:
        store.close()


def test_keys_made_before_roles_become_editors_and_new_keys_submitters(db_url: str) -> None:
    """0003 adds roles and login tokens to a store already holding keys and jobs (made at 0001)."""
    old = Store(db_url, migrate=False)
    old.migrate("0001")
    with old.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO api_keys (name, prefix, key_hash, rate_per_minute, created_at) "
                "VALUES ('review desk', 'ed_abcdefg', :h, 60, CURRENT_TIMESTAMP)"
            ),
            {"h": "0" * 64},
        )
        conn.execute(
            text(
                "INSERT INTO jobs (id, status, targets, options, owner, idempotency_key, request_hash, "
                "created_at, updated_at) VALUES ('j1', 'done', '[\"fr\"]', '{}', 'ed_abcdefg', 'k1', :h, "
                "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            ),
            {"h": "1" * 64},
        )
    old.close()
    store = Store(db_url)
    try:
        assert _head(store) == [HEAD]
        # existing keys keep what they could do (see and review every job); see 0003's docstring
        assert [(k.prefix, k.role) for k in list_keys(store)] == [("ed_abcdefg", "editor")]
        _, fresh = create_key(store, "cms")
        assert fresh.role == "submitter"
        with store.engine.connect() as conn:
            assert conn.execute(text("SELECT id, owner FROM jobs")).all() == [("j1", "ed_abcdefg")]
            # a key inserted without naming a role (an old tool, a hand-written row) is a submitter
            conn.execute(
                text(
                    "INSERT INTO api_keys (name, prefix, key_hash, rate_per_minute, created_at) "
                    "VALUES ('raw', 'ed_hijklmn', :h, 60, CURRENT_TIMESTAMP)"
                ),
                {"h": "2" * 64},
            )
            conn.commit()
            assert conn.execute(text("SELECT role FROM api_keys WHERE prefix = 'ed_hijklmn'")).scalar() == (
                "submitter"
            )
        # and back down and up again: the revision is reversible on both databases
        _downgrade(store, "0002")
        assert "login_tokens" not in store.tables() and _head(store) == ["0002"]
        store.migrate()
        assert _head(store) == [HEAD] and "login_tokens" in store.tables()
    finally:
        store.close()


def _downgrade(store: Store, revision: str) -> None:
    from alembic import command
    from alembic.config import Config

    from editions.store.db import MIGRATIONS

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)
