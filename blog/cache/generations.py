"""Generation numbers: one counter per cache scope, shared by every process.

A scope's generation moves on whenever something it covers changes. Entries are
stored under the generation read *before* they were built, so an entry built
from data that changed mid-build is never found again. The counters live in
Redis when it is configured, otherwise in the database (``cache_generations``),
so an invalidation in one process reaches every other: at once, or within
``CACHE_GENERATION_MEMO_SECONDS`` where a read is a round trip (``RememberedGenerations``).
"""

from __future__ import annotations

import sqlite3
import threading
import time
import weakref
from collections.abc import Callable, Iterable
from typing import Any, Protocol

from sqlalchemy import Column, Integer, String, Table, bindparam, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from ..extensions import db
from ..rules import MAX_CACHE_SCOPE_LENGTH
from .redis_link import CacheUnavailable, RedisLink

cache_generations = Table(
    "cache_generations",
    db.metadata,
    Column("scope", String(MAX_CACHE_SCOPE_LENGTH), primary_key=True),
    Column("generation", Integer, nullable=False),
)


class GenerationStore(Protocol):
    def current(self, scope: str) -> int:
        """Return ``scope``'s generation (0 until it is first bumped)."""

    def bump(self, scopes: Iterable[str]) -> None:
        """Move every one of ``scopes`` on to a new generation."""


class DatabaseGenerations:
    """Counters in the site's own database: one primary-key read per lookup.

    On SQLite the read goes through a plain ``sqlite3`` connection kept per thread:
    it costs a fifth of a pooled SQLAlchemy connection's, and it is paid by every
    cached page and feed.
    """

    _read = select(cache_generations.c.generation).where(
        cache_generations.c.scope == bindparam("scope")
    )

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        # Both dialects' INSERT has ON CONFLICT DO UPDATE, spelled the same way.
        inserts: dict[str, Callable[..., Any]] = {
            "sqlite": sqlite.insert,
            "postgresql": postgresql.insert,
        }
        self._insert = inserts[engine.dialect.name]
        path = engine.url.database if engine.dialect.name == "sqlite" else None
        self._sqlite = SqliteReader(path) if path and path != ":memory:" else None

    def current(self, scope: str) -> int:
        if self._sqlite is not None:
            return self._sqlite.generation(scope)
        with self._engine.connect() as connection:
            return connection.execute(self._read, {"scope": scope}).scalar() or 0

    def bump(self, scopes: Iterable[str]) -> None:
        # Sorted, so two concurrent bumps lock rows in the same order.
        rows = [{"scope": scope, "generation": 1} for scope in sorted(set(scopes))]
        if not rows:
            return
        insert = self._insert(cache_generations).values(rows)
        upsert = insert.on_conflict_do_update(
            index_elements=[cache_generations.c.scope],
            set_={"generation": cache_generations.c.generation + 1},
        )
        with self._engine.begin() as connection:
            connection.execute(upsert)


class SqliteReader:
    """Read generations from a SQLite file through one plain connection per thread."""

    QUERY = "SELECT generation FROM cache_generations WHERE scope = ?"

    def __init__(self, path: str) -> None:
        self._path = path
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        # Closed with the store: an unclosed sqlite3 connection warns on newer Pythons.
        weakref.finalize(self, _close_all, self._connections)

    def generation(self, scope: str) -> int:
        try:
            row = self._connection().execute(self.QUERY, (scope,)).fetchone()
        except sqlite3.Error as error:
            # The same error the app's own queries raise (a 503 page), with its cause.
            raise OperationalError(self.QUERY, (scope,), error) from error
        return row[0] if row else 0

    def _connection(self) -> sqlite3.Connection:
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is None:
            # Used by this thread only; closed from whichever thread drops the store.
            connection = sqlite3.connect(self._path, timeout=5, check_same_thread=False)
            self._connections.append(connection)
            self._local.connection = connection
        return connection


def _close_all(connections: list[sqlite3.Connection]) -> None:
    for connection in connections:
        connection.close()


class RedisGenerations:
    """Counters in Redis (``INCR``), kept through an outage until Redis answers again."""

    def __init__(self, link: RedisLink, prefix: str) -> None:
        self._link = link
        self._prefix = prefix
        self._lock = threading.Lock()
        # Bumps Redis missed while it was down: made before any read once it is back,
        # so what was cached before the outage is not served after a change made during it.
        self._missed: set[str] = set()

    def _key(self, scope: str) -> str:
        return f"{self._prefix}:generation:{scope}"

    def current(self, scope: str) -> int:
        if self._missed:
            self.bump(())
            if self._missed:
                raise CacheUnavailable
        return int(self._link.run(lambda client: client.get(self._key(scope))) or 0)

    def bump(self, scopes: Iterable[str]) -> None:
        with self._lock:
            self._missed |= set(scopes)
            scopes = sorted(self._missed)
        if not scopes:
            return

        def increment(client) -> None:  # type: ignore[no-untyped-def]
            with client.pipeline() as pipe:
                for scope in scopes:
                    pipe.incr(self._key(scope))
                pipe.execute()

        try:
            self._link.run(increment)
        except CacheUnavailable:
            return
        with self._lock:
            self._missed -= set(scopes)


class RememberedGenerations:
    """Generations from a shared store, each trusted in this process for ``seconds``.

    What this process bumps it forgets at once, so its own changes show on its next
    request; another process's change shows here within ``seconds``. An entry built
    while a remembered generation is out of date is stored under that old generation,
    which no process reads once it has asked again: nothing stale outlives the memo.
    """

    def __init__(
        self,
        store: GenerationStore,
        seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._store = store
        self._seconds = seconds
        self._clock = clock
        self._known: dict[str, tuple[int, float]] = {}
        self._lock = threading.Lock()
        # How many bumps this process has made: a read that a bump overtook (another
        # thread's, landing while it was on its way) is returned but not remembered.
        self._bumps = 0

    def current(self, scope: str) -> int:
        now = self._clock()
        known = self._known.get(scope)
        if known is not None and now < known[1]:
            return known[0]
        bumps = self._bumps
        generation = self._store.current(scope)
        with self._lock:
            if self._bumps == bumps:
                self._known[scope] = (generation, now + self._seconds)
        return generation

    def bump(self, scopes: Iterable[str]) -> None:
        scopes = list(scopes)
        self._store.bump(scopes)
        with self._lock:
            self._bumps += 1
            for scope in scopes:
                self._known.pop(scope, None)
