"""Where built documents are kept: a bounded LRU in this process, or Redis.

An entry is found by its key, ``(scope, generation, variant)``. Stores know
nothing of generations: an entry of an old generation is simply never asked for
again, and falls out of the LRU (or expires in Redis).
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from .redis_link import RedisLink

EntryKey = tuple[str, int, str]


def etag_for(body: str) -> str:
    """Return a strong validator for exactly these bytes."""
    return hashlib.sha256(body.encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True)
class CachedEntry:
    """A built document (a feed, a page) and the validators a client compares against."""

    body: str
    etag: str
    last_modified: datetime | None
    content_type: str = "text/html; charset=utf-8"
    # When it must be built again at the latest (a scheduled article appearing).
    expires_at: datetime | None = None

    def to_json(self) -> str:
        return json.dumps(
            {
                "body": self.body,
                "etag": self.etag,
                "last_modified": _isoformat(self.last_modified),
                "content_type": self.content_type,
                "expires_at": _isoformat(self.expires_at),
            }
        )

    @classmethod
    def from_json(cls, text: str | bytes) -> CachedEntry:
        data = json.loads(text)
        return cls(
            body=data["body"],
            etag=data["etag"],
            last_modified=_parse(data["last_modified"]),
            content_type=data["content_type"],
            expires_at=_parse(data["expires_at"]),
        )


def _isoformat(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _parse(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


class EntryStore(Protocol):
    def get(self, key: EntryKey) -> CachedEntry | None:
        """Return the entry stored under ``key``, if any."""

    def put(self, key: EntryKey, entry: CachedEntry, now: datetime) -> None:
        """Keep ``entry`` under ``key``."""


class MemoryEntries:
    """Entries in this process, the least recently used dropped beyond ``max_entries``."""

    def __init__(self, max_entries: int) -> None:
        self.max_entries = max_entries
        self._lock = threading.Lock()
        self._entries: OrderedDict[EntryKey, CachedEntry] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: EntryKey) -> CachedEntry | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def put(self, key: EntryKey, entry: CachedEntry, now: datetime) -> None:
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)


class RedisEntries:
    """Entries in Redis, shared by every process; each expires after a day at most.

    With ``local``, entries read or written here are also kept in this process: an
    entry's key names its generation, so a copy can never be of the wrong one, and a
    hit then costs no round trip and no decoding.
    """

    # A safety net only: generations, not expiry, are what keep entries fresh.
    ENTRY_SECONDS = 24 * 60 * 60

    def __init__(self, link: RedisLink, prefix: str, local: MemoryEntries | None = None) -> None:
        self._link = link
        self._prefix = prefix
        self._local = local

    def _key(self, key: EntryKey) -> str:
        scope, generation, variant = key
        return f"{self._prefix}:entry:{scope}:{generation}:{variant}"

    def get(self, key: EntryKey) -> CachedEntry | None:
        if self._local is not None and (kept := self._local.get(key)) is not None:
            return kept
        stored = self._link.run(lambda client: client.get(self._key(key)))
        if stored is None:
            return None
        entry = CachedEntry.from_json(stored)
        if self._local is not None:
            self._local.put(key, entry, datetime.now(UTC))
        return entry

    def put(self, key: EntryKey, entry: CachedEntry, now: datetime) -> None:
        if self._local is not None:
            self._local.put(key, entry, now)
        seconds = self.ENTRY_SECONDS
        if entry.expires_at is not None:
            seconds = min(seconds, int((entry.expires_at - now).total_seconds()))
        if seconds > 0:
            self._link.run(lambda client: client.set(self._key(key), entry.to_json(), ex=seconds))
