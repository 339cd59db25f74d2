"""Opening the store: one SQLAlchemy engine, migrated to the newest revision with Alembic.

SQLite (the default, a file in the user data directory) runs in WAL mode with a busy timeout, so the
web server's threads and the background workers can share it; PostgreSQL is used through
`postgresql+psycopg://` URLs. Both go through the same code and the same test suite.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from editions.errors import StoreError
from editions.paths import data_dir
from editions.settings import settings

MIGRATIONS = Path(__file__).parent / "migrations"


def default_url() -> str:
    """EDITIONS_DATABASE_URL, else SQLite in the data directory."""
    return settings().database_url or f"sqlite:///{data_dir() / 'editions.db'}"


def redact(url: str) -> str:
    """The URL with its password hidden, for logs and messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):  # ValueError: a port that is not a number
        return "<unparseable database URL>"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class Store:
    """The database behind the service: `with store.session() as s: …` commits or rolls back."""

    def __init__(self, url: str | None = None, *, migrate: bool = True) -> None:
        self.url = url or default_url()
        try:
            parsed = make_url(self.url)
        except (ArgumentError, ValueError):
            raise StoreError(f"not a database URL: {redact(self.url)!r}") from None
        self.dialect = parsed.get_backend_name()
        if self.dialect not in ("sqlite", "postgresql"):
            raise StoreError(
                f"unsupported database {self.dialect!r}: use sqlite:/// or postgresql+psycopg://"
            )
        kwargs: dict[str, Any] = {"future": True}
        if self.dialect == "sqlite":
            database = parsed.database
            if database and database != ":memory:":
                folder = Path(database).expanduser().parent
                try:
                    folder.mkdir(parents=True, exist_ok=True)
                except OSError as err:
                    reason = err.strerror or type(err).__name__
                    raise StoreError(f"cannot create the database folder {str(folder)!r}: {reason}") from err
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
        else:
            kwargs.update(pool_pre_ping=True, pool_size=10, max_overflow=10)
        try:
            self.engine: Engine = create_engine(self.url, **kwargs)
        except ImportError as err:
            raise StoreError(
                f"the {self.dialect} driver is not installed ({err.name}): pip install 'editions[postgresql]'"
            ) from None
        if self.dialect == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        if migrate:
            self.migrate()

    def migrate(self, revision: str = "head") -> None:
        """Bring the schema to `revision` (the newest by default; a no-op when it is there already)."""
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        try:
            with self.engine.begin() as connection:
                config.attributes["connection"] = connection
                command.upgrade(config, revision)
        except OperationalError as err:
            reason = str(err.orig).strip().splitlines()[0] if err.orig else type(err).__name__
            raise StoreError(f"cannot open the database {redact(self.url)}: {reason}") from None

    def tables(self) -> list[str]:
        return sorted(inspect(self.engine).get_table_names())

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self._sessions() as session, session.begin():
            yield session

    def close(self) -> None:
        self.engine.dispose()
