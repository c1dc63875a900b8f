"""The one connection to Redis, and what happens when Redis does not answer.

Redis is an accelerator here, never a dependency: when it fails, the cache says
so (``CacheUnavailable``) and pages are built fresh. The first failure logs one
warning; Redis is then left alone for ``retry_after`` (so a Redis that hangs
does not cost every request a timeout), and tried again after that.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar

logger = logging.getLogger(__name__)
T = TypeVar("T")


def redis_error() -> type[Exception]:
    """Return redis-py's base error, for an ``except`` clause.

    Such a clause is evaluated only when an exception is on its way, which needs a
    client, so redis-py is already loaded by then.
    """
    from redis import RedisError

    return RedisError


class CacheUnavailable(Exception):
    """The shared cache could not be reached; build without it."""


def redis_client(url: str, timeout_seconds: float) -> Any:
    """Return a client for ``url`` that gives up after ``timeout_seconds`` and never retries."""
    # redis-py is imported only once a site has Redis: without it, no worker loads its
    # 6 MiB. Modules that use Redis import it through here (and ``redis_error``).
    from redis import Redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    # redis-py retries with backoff by default; a reader would wait for that.
    return Redis.from_url(
        url,
        socket_timeout=timeout_seconds,
        socket_connect_timeout=timeout_seconds,
        retry=Retry(NoBackoff(), 0),
    )


class OutageLog:
    """Log one warning when Redis stops answering, and one when it answers again.

    ``meanwhile`` and ``after`` say what that means for the feature, in ``log``'s name.
    """

    def __init__(self, log: logging.Logger, *, meanwhile: str, after: str) -> None:
        self._log = log
        self._meanwhile = meanwhile
        self._after = after
        self._lock = threading.Lock()
        self._down = False

    def began(self, error: Exception) -> None:
        with self._lock:
            was_down, self._down = self._down, True
        if not was_down:
            self._log.warning("Redis is unreachable (%s): %s.", error, self._meanwhile)

    def ended(self) -> None:
        with self._lock:
            was_down, self._down = self._down, False
        if was_down:
            self._log.warning("Redis answers again: %s.", self._after)


class RedisLink:
    """Run commands on Redis, turning an outage into ``CacheUnavailable`` and one warning."""

    def __init__(
        self, client: Any, *, clock: Callable[[], datetime], retry_after: timedelta
    ) -> None:
        self.client = client
        self._clock = clock
        self._retry_after = retry_after
        self._lock = threading.Lock()
        self._down_since: datetime | None = None
        self._next_try: datetime | None = None

    @property
    def is_down(self) -> bool:
        return self._down_since is not None

    def run(self, command: Callable[[Any], T]) -> T:
        """Return ``command(client)``; raise ``CacheUnavailable`` when Redis fails or is resting."""
        now = self._clock()
        if self._next_try is not None and now < self._next_try:
            raise CacheUnavailable
        try:
            result = command(self.client)
        except redis_error() as error:
            self._failed(now, error)
            raise CacheUnavailable from error
        if self._down_since is not None:
            self._recovered(now)
        return result

    def _failed(self, now: datetime, error: Exception) -> None:
        with self._lock:
            first = self._down_since is None
            if first:
                self._down_since = now
            self._next_try = now + self._retry_after
        if first:
            logger.warning(
                "Redis is not answering (%s): serving pages and feeds without the shared "
                "cache, and trying again every %d s.",
                error,
                self._retry_after.total_seconds(),
            )

    def _recovered(self, now: datetime) -> None:
        with self._lock:
            down_since, self._down_since, self._next_try = self._down_since, None, None
        if down_since is not None:
            logger.warning(
                "Redis answers again after %s; using the shared cache.", now - down_since
            )
