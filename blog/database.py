"""Binding the database, and the connection settings SQLite needs to behave."""

from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from .extensions import db

SQLITE_BUSY_TIMEOUT_MS = 5000


def init_database(app: Flask) -> None:
    """Bind ``db`` to ``app`` and tune every new SQLite connection."""
    db.init_app(app)
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _tune_sqlite_connection)


def _tune_sqlite_connection(dbapi_connection: Any, connection_record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        # WAL lets readers carry on while an author saves; foreign keys are off by
        # default in SQLite; the busy timeout waits for a lock instead of failing.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


def sqlite_settings(engine: Engine) -> dict[str, Any]:
    """Return the connection settings SQLite reports, for tests and diagnostics."""
    with engine.connect() as connection:
        raw = connection.connection.dbapi_connection
        assert raw is not None
        return {
            name: raw.execute(f"PRAGMA {name}").fetchone()[0]
            for name in ("journal_mode", "foreign_keys", "busy_timeout")
        }
