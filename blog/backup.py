"""Backups of the whole site: a consistent copy while it serves, and putting one back.

SQLite uses its online backup API (one step, under one read transaction, so writers
carry on and the copy is of one moment). PostgreSQL uses ``pg_dump``/``pg_restore`` in
their custom format; without them on PATH the operator is told the exact command.
"""

import os
import shlex
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from .extensions import db

# The tables a copy must hold to be a backup of this site.
REQUIRED_TABLES = {"articles", "article_revisions", "authors", "topics"}


class BackupError(RuntimeError):
    """A backup or restore that cannot be done; the message says what to do."""


def backup(path: Path) -> str:
    """Write a consistent copy of the database to ``path`` (never over a file); describe it."""
    if path.exists():
        raise BackupError(f"{path} already exists; choose a new file name for the backup.")
    if db.engine.dialect.name == "sqlite":
        _sqlite_backup(path)
        return f"Copied the SQLite database to {path}."
    _run_postgresql("pg_dump", ["--format=custom", f"--file={path}", *_schema_option()])
    return f"Dumped the PostgreSQL database to {path} (pg_dump custom format)."


def restore(path: Path) -> str:
    """Replace the database with the backup at ``path``; keep the current one aside first."""
    if not path.is_file():
        raise BackupError(f"There is no backup file at {path}.")
    if db.engine.dialect.name == "sqlite":
        kept = _sqlite_restore(path)
        return f"Restored {path}; the database as it was is kept in {kept}."
    options = ["--clean", "--if-exists", "--single-transaction", "--no-owner", "--no-privileges"]
    db.engine.dispose()  # our own pooled connections would hold locks on the tables
    _run_postgresql("pg_restore", [*options, str(path)])
    return f"Restored {path} into the PostgreSQL database."


def _sqlite_backup(path: Path) -> None:
    partial = path.with_name(path.name + ".partial")
    raw = db.engine.raw_connection()
    try:
        target = sqlite3.connect(partial)
        try:
            raw.driver_connection.backup(target)  # type: ignore[union-attr]
        finally:
            target.close()
    finally:
        raw.close()
    # Renamed only once complete: a crash never leaves a half copy under the real name.
    os.replace(partial, path)


def _sqlite_restore(path: Path) -> Path:
    _check_sqlite_backup(path)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    database = Path(db.engine.url.database or "")
    kept = database.with_name(f"{database.name}.before-restore-{stamp}")
    _sqlite_backup(kept)
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    raw = db.engine.raw_connection()
    try:
        # Through SQLite itself, so the -wal and -shm files and other connections stay
        # consistent, which copying the file over the live one would not.
        source.backup(raw.driver_connection)  # type: ignore[arg-type]
    finally:
        raw.close()
        source.close()
    db.engine.dispose()
    return kept


def _check_sqlite_backup(path: Path) -> None:
    try:
        copy = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            tables = {row[0] for row in copy.execute("SELECT name FROM sqlite_master")}
            healthy = copy.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        finally:
            copy.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not a SQLite database ({error}).") from error
    if missing := REQUIRED_TABLES - tables:
        raise BackupError(f"{path} is not a backup of this site: no {', '.join(sorted(missing))}.")
    if not healthy:
        raise BackupError(f"{path} is damaged (PRAGMA quick_check failed); it was not restored.")


def _schema_option() -> list[str]:
    # Tables outside "public" (a schema per site or per test run): dump just that schema.
    with db.engine.connect() as connection:
        schema = connection.exec_driver_sql("SELECT current_schema()").scalar_one()
    return [] if schema == "public" else [f"--schema={schema}"]


def _run_postgresql(program: str, arguments: list[str]) -> None:
    url = make_url(db.engine.url).set(drivername="postgresql")
    # The password goes through the environment, never the command line (ps shows it).
    environment = {**os.environ, **({"PGPASSWORD": url.password} if url.password else {})}
    target = url.set(password=None).render_as_string(hide_password=False)
    command = [program, *arguments, f"--dbname={target}"]
    if shutil.which(program) is None:
        raise BackupError(
            f"{program} is not installed here (apt-get install postgresql-client). Run, "
            f"with PGPASSWORD set: {shlex.join(command)}"
        )
    finished = subprocess.run(command, env=environment, capture_output=True, text=True)
    if finished.returncode != 0:
        raise BackupError(f"{program} failed: {finished.stderr.strip()}")
