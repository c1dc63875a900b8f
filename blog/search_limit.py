"""The search limit: a burst of searches from one address gets 429, so no one can load the database.

Searches are counted per address in fixed windows of ``SEARCH_REQUESTS_WINDOW``
seconds on the app's clock: in Redis when ``REDIS_URL`` is set (one count for
every process), else in each process. Unlike the login limit, this one fails
open: if Redis does not answer, the search is allowed (one warning in the log),
since a reader's search matters more than the count.
"""

from __future__ import annotations

import hashlib
import logging
import math
import threading
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from flask import Flask, current_app

from .cache.redis_link import OutageLog, redis_client, redis_error
from .clock import clock_of

EXTENSION_KEY = "blog.search_limit"
# Addresses a process remembers at most, when it counts by itself.
MEMORY_ADDRESSES = 10_000

if TYPE_CHECKING:
    import redis

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    # Seconds until the window ends and searches are allowed again.
    retry_after: int


class SearchCounter(Protocol):
    def count(self, key: str, window: int, window_number: int) -> int:
        """Add one search under ``key`` in window ``window_number``; return the window's count."""


def address_key(address: str | None) -> str:
    """Return the key one address's searches are counted under (no address is stored)."""
    return hashlib.sha256((address or "unknown").encode()).hexdigest()[:32]


def count_search(address: str | None, *, now: datetime | None = None) -> Verdict:
    """Count one search from ``address``; say whether the limit lets it through."""
    config = current_app.config
    window = config["SEARCH_REQUESTS_WINDOW"]
    moment = (now or clock_of(current_app)()).timestamp()
    window_number = math.floor(moment / window)
    number = _counter().count(address_key(address), window, window_number)
    retry_after = max(1, math.ceil((window_number + 1) * window - moment))
    return Verdict(number <= config["SEARCH_REQUESTS_LIMIT"], retry_after)


class MemoryCounter:
    """Counts in this process: each worker allows the limit by itself."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[str, tuple[int, int]] = {}

    def count(self, key: str, window: int, window_number: int) -> int:
        with self._lock:
            seen_in, number = self._counts.get(key, (window_number, 0))
            number = number + 1 if seen_in == window_number else 1
            if key not in self._counts and len(self._counts) >= MEMORY_ADDRESSES:
                self._forget_before(window_number)
            self._counts[key] = (window_number, number)
            return number

    def _forget_before(self, window_number: int) -> None:
        stale = [key for key, (seen_in, _) in self._counts.items() if seen_in < window_number]
        for key in stale:
            del self._counts[key]
        if len(self._counts) >= MEMORY_ADDRESSES:
            # A flood of addresses within one window: start again rather than grow.
            self._counts.clear()


class RedisCounter:
    """Counts in Redis, one key per address and window, expiring soon after the window."""

    def __init__(self, client: redis.Redis, prefix: str) -> None:
        self._redis = client
        self._prefix = prefix
        self._outage = OutageLog(
            log, meanwhile="searches are not counted meanwhile", after="searches are counted"
        )

    def count(self, key: str, window: int, window_number: int) -> int:
        name = f"{self._prefix}:{key}:{window_number}"
        try:
            with self._redis.pipeline(transaction=True) as pipe:
                pipe.incr(name)
                pipe.expire(name, window * 2)
                number, _ = pipe.execute()
        except redis_error() as error:
            self._outage.began(error)
            return 0
        self._outage.ended()
        return int(number)


def _counter() -> SearchCounter:
    counter: SearchCounter = current_app.extensions[EXTENSION_KEY]
    return counter


def init_app(app: Flask) -> None:
    """Count ``app``'s searches in Redis when REDIS_URL is set, else in this process."""
    counter: SearchCounter
    if app.config.get("REDIS_URL"):
        client = redis_client(app.config["REDIS_URL"], app.config["REDIS_TIMEOUT_SECONDS"])
        counter = RedisCounter(client, prefix=app.config["SEARCH_REQUESTS_PREFIX"])
    else:
        counter = MemoryCounter()
    app.extensions[EXTENSION_KEY] = counter
