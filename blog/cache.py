"""A cache of built feeds, shared by every process when Redis is configured.

Feeds are cached per scope ("site", or "topic:<slug>") and per variant (format
and base URL). The write side says which scopes changed (``invalidate``); this
module never reads the database, and a poll that finds a cached feed touches
none at all.

Each scope has a generation number. A feed is stored under the generation read
*before* it was built, and invalidation moves the generation on, so a feed built
from data that changed mid-build is never served after the change.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from flask import Flask, current_app

from . import clock

SITE_SCOPE = "site"
EXTENSION_KEY = "blog.feed_cache"


def topic_scope(topic_slug: str) -> str:
    """Return the cache scope of one topic's feeds."""
    return f"topic:{topic_slug}"


@dataclass(frozen=True)
class BuiltFeed:
    """A feed document and the validators a poller compares against."""

    body: str
    etag: str
    last_modified: datetime | None
    # When the feed goes out of date by itself (a scheduled article appears); None: never.
    expires_at: datetime | None = None

    def is_fresh(self) -> bool:
        """Return whether the feed may still be served."""
        return self.expires_at is None or clock.now() < self.expires_at

    def to_json(self) -> str:
        return json.dumps(
            {
                "body": self.body,
                "etag": self.etag,
                "last_modified": _iso(self.last_modified),
                "expires_at": _iso(self.expires_at),
            }
        )

    @classmethod
    def from_json(cls, text: str | bytes) -> BuiltFeed:
        data = json.loads(text)
        return cls(
            body=data["body"],
            etag=data["etag"],
            last_modified=_from_iso(data["last_modified"]),
            expires_at=_from_iso(data.get("expires_at")),
        )


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _from_iso(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


class FeedCache(Protocol):
    def get_or_build(self, scope: str, variant: str, build: Callable[[], BuiltFeed]) -> BuiltFeed:
        """Return the cached feed for ``scope`` and ``variant``, building it on a miss."""

    def invalidate(self, scopes: Iterable[str]) -> None:
        """Forget every cached feed of ``scopes``."""


class MemoryFeedCache:
    """Feeds kept in this process: right for one process, such as ``make run``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._generations: dict[str, int] = {}
        self._feeds: dict[tuple[str, int, str], BuiltFeed] = {}

    def get_or_build(self, scope: str, variant: str, build: Callable[[], BuiltFeed]) -> BuiltFeed:
        with self._lock:
            generation = self._generations.get(scope, 0)
            cached = self._feeds.get((scope, generation, variant))
        if cached is not None and cached.is_fresh():
            return cached
        feed = build()
        with self._lock:
            if self._generations.get(scope, 0) == generation:
                self._feeds[(scope, generation, variant)] = feed
        return feed

    def invalidate(self, scopes: Iterable[str]) -> None:
        scopes = set(scopes)
        with self._lock:
            for scope in scopes:
                self._generations[scope] = self._generations.get(scope, 0) + 1
            self._feeds = {key: feed for key, feed in self._feeds.items() if key[0] not in scopes}


class RedisFeedCache:
    """Feeds kept in Redis, so an invalidation in one process reaches all of them."""

    # A safety net only: invalidation, not expiry, is what keeps feeds fresh.
    ENTRY_SECONDS = 24 * 60 * 60

    def __init__(self, client, prefix: str) -> None:  # type: ignore[no-untyped-def]
        self._redis = client
        self._prefix = prefix

    def _generation_key(self, scope: str) -> str:
        return f"{self._prefix}:generation:{scope}"

    def get_or_build(self, scope: str, variant: str, build: Callable[[], BuiltFeed]) -> BuiltFeed:
        generation = int(self._redis.get(self._generation_key(scope)) or 0)
        key = f"{self._prefix}:feed:{scope}:{generation}:{variant}"
        cached = self._redis.get(key)
        if cached is not None and (feed := BuiltFeed.from_json(cached)).is_fresh():
            return feed
        feed = build()
        self._redis.set(key, feed.to_json(), ex=self.ENTRY_SECONDS)
        return feed

    def invalidate(self, scopes: Iterable[str]) -> None:
        with self._redis.pipeline() as pipe:
            for scope in scopes:
                pipe.incr(self._generation_key(scope))
            pipe.execute()


def init_app(app: Flask) -> None:
    """Give ``app`` a Redis-backed cache when REDIS_URL is set, else an in-process one."""
    cache: FeedCache
    if app.config.get("REDIS_URL"):
        import redis

        client = redis.Redis.from_url(app.config["REDIS_URL"])
        cache = RedisFeedCache(client, prefix=app.config["FEED_CACHE_PREFIX"])
    else:
        cache = MemoryFeedCache()
    app.extensions[EXTENSION_KEY] = cache


def feed_cache() -> FeedCache:
    """Return the current app's feed cache."""
    cache: FeedCache = current_app.extensions[EXTENSION_KEY]
    return cache


def invalidate(scopes: Iterable[str]) -> None:
    """Forget the cached feeds of ``scopes`` (see ``SITE_SCOPE`` and ``topic_scope``)."""
    feed_cache().invalidate(scopes)
