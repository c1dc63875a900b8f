"""The cache of built feeds and pages, correct with any number of processes.

Documents are cached per scope ("site" and "topic:<slug>" for feeds, "pages"
for readers' pages) and per variant (format, path, base URL). The write side
says which scopes changed (``invalidate``); this package never reads the
articles or topics, only its own generation counters (see ``generations``).

A lookup reads the scope's generation, then the entry stored under it; a miss is
built and stored under the generation read *before* building, so a build that
raced an invalidation is never served after it. Entries live in this process
(a bounded LRU) or, with ``REDIS_URL``, in Redis; generations live in Redis or
in the database, so an invalidation in one process reaches all of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Flask, current_app

from ..clock import clock_of
from .entries import CachedEntry, EntryStore, MemoryEntries, RedisEntries, etag_for
from .front import lookup_made, offer
from .generations import (
    DatabaseGenerations,
    GenerationStore,
    RedisGenerations,
    RememberedGenerations,
)
from .redis_link import CacheUnavailable, RedisLink, redis_client

__all__ = [
    "PAGES_SCOPE",
    "SITE_SCOPE",
    "CachedEntry",
    "Lookup",
    "SiteCache",
    "etag_for",
    "init_app",
    "invalidate",
    "site_cache",
    "topic_scope",
]

SITE_SCOPE = "site"
# Every page a reader sees: any visible change shows on some page.
PAGES_SCOPE = "pages"
EXTENSION_KEY = "blog.cache"


def topic_scope(topic_slug: str) -> str:
    """Return the cache scope of one topic's feeds."""
    return f"topic:{topic_slug}"


@dataclass(frozen=True)
class Lookup:
    """What a lookup found, and the generation a fresh build must be stored under."""

    scope: str
    variant: str
    # None when the generation could not be read: build, and keep nothing.
    generation: int | None
    entry: CachedEntry | None


class SiteCache:
    """Entries found by (scope, generation, variant), generations shared between processes."""

    def __init__(
        self,
        generations: GenerationStore,
        entries: EntryStore,
        clock: Callable[[], datetime],
    ) -> None:
        self.generations = generations
        self.entries = entries
        self._clock = clock

    def lookup(self, scope: str, variant: str) -> Lookup:
        """Return the entry cached for ``scope`` and ``variant`` now, if there is one."""
        made = lookup_made(scope, variant)
        if made is not None:
            return made
        try:
            generation = self.generations.current(scope)
            entry = self.entries.get((scope, generation, variant))
        except CacheUnavailable:
            return Lookup(scope, variant, None, None)
        if entry is not None and entry.expires_at is not None and entry.expires_at <= self._clock():
            entry = None
        return Lookup(scope, variant, generation, entry)

    def keep(self, lookup: Lookup, entry: CachedEntry) -> None:
        """Store ``entry``, built after ``lookup`` missed, under the generation it read."""
        if lookup.generation is None:
            return
        try:
            self.entries.put(
                (lookup.scope, lookup.generation, lookup.variant), entry, self._clock()
            )
        except CacheUnavailable:
            pass  # the next reader builds it again

    def get_or_build(
        self, scope: str, variant: str, build: Callable[[], CachedEntry]
    ) -> CachedEntry:
        """Return the cached entry for ``scope`` and ``variant``, building it on a miss."""
        lookup = self.lookup(scope, variant)
        entry = lookup.entry
        if entry is None:
            entry = build()
            self.keep(lookup, entry)
        # Served as it is: the front may answer the same request with it next time.
        offer(scope, variant, entry)
        return entry

    def invalidate(self, scopes: Iterable[str]) -> None:
        """Forget every cached entry of ``scopes``, in every process."""
        self.generations.bump(scopes)


def init_app(app: Flask) -> None:
    """Give ``app`` a cache in Redis when REDIS_URL is set, else in memory over the database."""
    config = app.config
    clock = clock_of(app)
    generations: GenerationStore
    entries: EntryStore
    if config.get("REDIS_URL"):
        client = redis_client(config["REDIS_URL"], config["REDIS_TIMEOUT_SECONDS"])
        retry_after = timedelta(seconds=config["REDIS_RETRY_SECONDS"])
        link = RedisLink(client, clock=clock, retry_after=retry_after)
        generations = RedisGenerations(link, prefix=config["CACHE_PREFIX"])
        round_trip = True
        local = MemoryEntries(config["CACHE_MEMORY_ENTRIES"])
        entries = RedisEntries(link, prefix=config["CACHE_PREFIX"], local=local)
    else:
        from ..extensions import db

        with app.app_context():
            generations = DatabaseGenerations(db.engine)
            round_trip = db.engine.dialect.name != "sqlite"
        entries = MemoryEntries(config["CACHE_MEMORY_ENTRIES"])
    # A read from Redis or PostgreSQL is a round trip (about 0.2 ms on PostgreSQL through
    # the pool, against 10 µs from a SQLite file), paid by every cached page and feed:
    # those are trusted for a moment. SQLite's is read every time.
    memo = config["CACHE_GENERATION_MEMO_SECONDS"]
    if memo > 0 and round_trip:
        generations = RememberedGenerations(generations, memo)
    app.extensions[EXTENSION_KEY] = SiteCache(generations, entries, clock)


def site_cache() -> SiteCache:
    """Return the current app's cache."""
    cache: SiteCache = current_app.extensions[EXTENSION_KEY]
    return cache


def invalidate(scopes: Iterable[str]) -> None:
    """Forget the cached documents of ``scopes``: ``SITE_SCOPE``, ``PAGES_SCOPE``, topics'."""
    site_cache().invalidate(scopes)
