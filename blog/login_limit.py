"""The login limit: failed logins counted per username and address, shared by every process.

An attempt is counted *before* its password is checked, in one atomic step
(Redis SET NX + INCR in a transaction, or one INSERT ... ON CONFLICT DO UPDATE
in the database), so no timing of parallel attempts gets more than the limit
through. A successful login clears the count: only failures use up the budget.
The key is the normalised username and the client's address together, so a
stranger who locks a username out from their address leaves its owner's
address free.

When Redis is configured but cannot be reached, logging in waits (503) rather
than going uncounted; nothing else on the site depends on this module.
"""

from __future__ import annotations

import hashlib
import logging
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from flask import Flask, current_app
from sqlalchemy import case, delete, select
from sqlalchemy.dialects import postgresql, sqlite

from .accounts import normalise_username
from .cache.redis_link import OutageLog, redis_error
from .extensions import db
from .models import LoginAttempts, utc_now

EXTENSION_KEY = "blog.login_limit"
# Expired rows deleted at a time, so tidying up never holds up a login for long.
PRUNE_BATCH = 100
# A Redis that does not answer within this many seconds counts as down.
REDIS_TIMEOUT_SECONDS = 2

log = logging.getLogger(__name__)


class CounterUnavailable(Exception):
    """The store that keeps the count cannot be reached, so no attempt can be allowed."""


@dataclass(frozen=True)
class Attempt:
    """One counted login attempt, and whether the limit lets it through."""

    key: str
    allowed: bool
    # Seconds until the window ends and the budget is whole again.
    retry_after: int


class AttemptCounter(Protocol):
    def count(self, key: str, window: timedelta, now: datetime) -> tuple[int, int]:
        """Add one attempt under ``key``; return the attempts in the window and its seconds left."""

    def clear(self, key: str) -> None:
        """Forget the attempts under ``key``."""


def attempt_key(username: str, address: str | None) -> str:
    """Return the key that one username typed from one address is counted under."""
    typed = f"{address or 'unknown'}\n{normalise_username(username)}"
    return hashlib.sha256(typed.encode()).hexdigest()


def count_attempt(username: str, address: str | None, *, now: datetime | None = None) -> Attempt:
    """Count a login attempt, before its password is checked; raise CounterUnavailable."""
    config = current_app.config
    key = attempt_key(username, address)
    window = timedelta(seconds=config["LOGIN_ATTEMPTS_WINDOW"])
    number, seconds_left = _counter().count(key, window, now or utc_now())
    return Attempt(key, number <= config["LOGIN_ATTEMPTS_LIMIT"], max(seconds_left, 1))


def login_succeeded(attempt: Attempt) -> None:
    """Clear the count of ``attempt``'s key: successful logins use none of the budget."""
    _counter().clear(attempt.key)


class DatabaseCounter:
    """Counts in the database: shared by every process that uses it, with no other service."""

    def count(self, key: str, window: timedelta, now: datetime) -> tuple[int, int]:
        number, window_ends_at = db.session.execute(_upsert(key, now, now + window)).one()
        db.session.commit()
        if number == 1:
            # A new window: a good moment to forget windows that have ended.
            self._prune(now)
        return number, math.ceil((window_ends_at - now).total_seconds())

    def clear(self, key: str) -> None:
        db.session.execute(delete(LoginAttempts).where(LoginAttempts.key == key))
        db.session.commit()

    def _prune(self, now: datetime) -> None:
        # SKIP LOCKED: rows another login holds are left for next time, so two
        # prunes never wait on each other (SQLite serialises writers anyway).
        ended = (
            select(LoginAttempts.key)
            .where(LoginAttempts.window_ends_at <= now)
            .limit(PRUNE_BATCH)
            .with_for_update(skip_locked=True)
        )
        db.session.execute(delete(LoginAttempts).where(LoginAttempts.key.in_(ended)))
        db.session.commit()


def _upsert(key: str, now: datetime, window_ends_at: datetime):  # type: ignore[no-untyped-def]
    """Return the one statement that counts an attempt, starting a new window if the last ended."""
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    ended = LoginAttempts.window_ends_at <= now
    statement = dialect.insert(LoginAttempts).values(
        key=key, count=1, window_ends_at=window_ends_at
    )
    return statement.on_conflict_do_update(
        index_elements=[LoginAttempts.key],
        set_={
            "count": case((ended, 1), else_=LoginAttempts.count + 1),
            "window_ends_at": case((ended, window_ends_at), else_=LoginAttempts.window_ends_at),
        },
    ).returning(LoginAttempts.count, LoginAttempts.window_ends_at)


class RedisCounter:
    """Counts in Redis; the window is the key's time to live, kept by Redis's own clock."""

    def __init__(self, client, prefix: str) -> None:  # type: ignore[no-untyped-def]
        self._redis = client
        self._prefix = prefix
        self._outage = OutageLog(
            log,
            meanwhile="logins are refused with 503 until it answers again",
            after="logins are counted and allowed",
        )

    def count(self, key: str, window: timedelta, now: datetime) -> tuple[int, int]:
        name = f"{self._prefix}:{key}"
        try:
            with self._redis.pipeline(transaction=True) as pipe:
                pipe.set(name, 0, ex=int(window.total_seconds()), nx=True)
                pipe.incr(name)
                pipe.ttl(name)
                _, number, seconds_left = pipe.execute()
        except redis_error() as error:
            self._outage.began(error)
            raise CounterUnavailable(str(error)) from error
        self._outage.ended()
        return number, seconds_left

    def clear(self, key: str) -> None:
        try:
            self._redis.delete(f"{self._prefix}:{key}")
        except redis_error() as error:
            # The password was right: let them in; the count just lasts its window.
            self._outage.began(error)


def _counter() -> AttemptCounter:
    counter: AttemptCounter = current_app.extensions[EXTENSION_KEY]
    return counter


def init_app(app: Flask) -> None:
    """Count ``app``'s login attempts in Redis when REDIS_URL is set, else in the database."""
    counter: AttemptCounter
    if app.config.get("REDIS_URL"):
        from redis import Redis  # only with Redis: see ``cache.redis_link.redis_client``

        client = Redis.from_url(
            app.config["REDIS_URL"],
            socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
            socket_timeout=REDIS_TIMEOUT_SECONDS,
        )
        counter = RedisCounter(client, prefix=app.config["LOGIN_ATTEMPTS_PREFIX"])
    else:
        counter = DatabaseCounter()
    app.extensions[EXTENSION_KEY] = counter
