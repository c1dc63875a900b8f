"""The front: a cached answer replayed without the framework, when nothing could change it.

A reader with no login cookie who asks again for a page or a feed the app has
already served from the cache gets the same bytes and the same headers Flask
gave the first time, with no request context, session, user loading, routing or
hooks: only the cache lookup (which reads the generation, so a publish in any
process shows at once, or within ``CACHE_GENERATION_MEMO_SECONDS`` where that read
is remembered) and a comparison that the entry found is the one that was
recorded. Anything else goes to the app, which stays the one source of truth:

- only GET and HEAD without a session or remember-me cookie, and with no query
  string but ``before=<number>``, are answered here; a conditional request is
  answered 304 exactly when Werkzeug would, and ``If-Match`` or ``Range`` go on;
- an answer is recorded only from a GET the app itself answered 200 from the
  cache entry it offered (``offer``), byte for byte, without setting a cookie;
- it is replayed only while the cache finds that same entry (same ETag, same
  Last-Modified) under the current generation; ``Date`` and ``X-Accel-Expires``
  are brought up to the current second; an error of any kind goes on to the app.

Routes whose answer never changes (``/healthz``) are recorded the same way
through ``constant_answer``.
"""

from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps
from typing import TYPE_CHECKING, Any

from flask import Flask, has_request_context, request
from werkzeug.http import http_date, is_entity_header, is_resource_modified, parse_cookie

if TYPE_CHECKING:
    from . import Lookup, SiteCache
    from .entries import CachedEntry

# Set on the WSGI environ by the app when it answers from a cache entry.
OFFER_KEY = "blog.front.offer"
# The lookup the front made and could not use, for the app to use rather than repeat.
LOOKUP_KEY = "blog.front.lookup"
CONSTANT = "constant"
# The one query string a public page reads (anything else goes to the app).
SIMPLE_QUERY = re.compile(r"(?:before=[1-9][0-9]{0,9})?")  # an id: at most MAX_ID's 10 digits
# Headers brought up to date on every replay.
DATE = "date"
ACCEL_EXPIRES = "x-accel-expires"

Headers = list[tuple[str, str]]
StartResponse = Callable[..., Any]
RequestKey = tuple[str, str, str, str, str, str, str]


@dataclass(frozen=True)
class Recorded:
    """An answer the app gave, and the cache entry it came from (None: it never changes)."""

    scope: str | None
    variant: str | None
    entry_etag: str | None
    entry_last_modified: Any
    status: str
    headers: Headers
    body: bytes
    # The validators exactly as sent, compared the way Werkzeug compares them.
    etag_header: str | None
    last_modified_header: str | None


def offer(scope: str, variant: str, entry: CachedEntry) -> None:
    """Say that this request is being answered with ``entry``, unchanged, to anyone."""
    if has_request_context():
        request.environ[OFFER_KEY] = (scope, variant, entry)


def lookup_made(scope: str, variant: str) -> Lookup | None:
    """Return the lookup the front made for this request, if it was of ``scope`` and ``variant``."""
    if not has_request_context():
        return None
    made: Lookup | None = request.environ.pop(LOOKUP_KEY, None)
    if made is None or (made.scope, made.variant) != (scope, variant):
        return None
    return made


def constant_answer(view: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a view whose answer is the same for every request, for as long as the app runs."""

    @wraps(view)
    def answer(**kwargs: Any) -> Any:
        request.environ[OFFER_KEY] = CONSTANT
        return view(**kwargs)

    return answer


class Front:
    """WSGI middleware in front of a Flask app's ``wsgi_app`` (inside any ProxyFix)."""

    def __init__(
        self,
        app: Flask,
        wsgi_app: Callable[..., Iterable[bytes]],
        max_answers: int,
        max_bytes: int,
    ) -> None:
        self.app = app
        self.wsgi_app = wsgi_app
        self.max_answers = max_answers
        # Many addresses can answer with one large document (a feed ignores ?before=):
        # a bound in number alone would let them hold that many copies of it.
        self.max_bytes = max_bytes
        self._bytes = 0
        self._lock = threading.Lock()
        self._answers: OrderedDict[RequestKey, Recorded] = OrderedDict()
        self._login_cookies = {
            app.config["SESSION_COOKIE_NAME"],
            app.config.get("REMEMBER_COOKIE_NAME", "remember_token"),
        }
        self._second = -1
        self._now_headers: tuple[str, str] = ("", "")

    def __len__(self) -> int:
        return len(self._answers)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        key = self._key(environ)
        if key is None:
            return self.wsgi_app(environ, start_response)
        recorded = self._answers.get(key)
        if recorded is not None:
            try:
                replay = self._replay(recorded, environ)
            except Exception:  # noqa: BLE001 - the app answers, and reports, whatever it was
                replay = None
            if replay is not None:
                status, headers, body = replay
                start_response(status, headers)
                return [body]
        if environ["REQUEST_METHOD"] != "GET":
            return self.wsgi_app(environ, start_response)
        return self._record(key, environ, start_response)

    def _key(self, environ: dict[str, Any]) -> RequestKey | None:
        if environ["REQUEST_METHOD"] not in ("GET", "HEAD"):
            return None
        query = environ.get("QUERY_STRING", "")
        if query and not SIMPLE_QUERY.fullmatch(query):
            return None
        cookies = environ.get("HTTP_COOKIE")
        if cookies and not self._login_cookies.isdisjoint(parse_cookie(cookies)):
            return None
        return (
            environ["wsgi.url_scheme"],
            environ.get("HTTP_HOST", ""),
            environ.get("SERVER_NAME", ""),
            str(environ.get("SERVER_PORT", "")),
            environ.get("SCRIPT_NAME", ""),
            environ.get("PATH_INFO", ""),
            query,
        )

    def _replay(
        self, recorded: Recorded, environ: dict[str, Any]
    ) -> tuple[str, Headers, bytes] | None:
        if recorded.scope is not None:
            if "HTTP_IF_MATCH" in environ or "HTTP_RANGE" in environ:
                return None
            cache: SiteCache = self.app.extensions["blog.cache"]
            lookup = cache.lookup(recorded.scope, recorded.variant or "")
            entry = lookup.entry
            if (
                entry is None
                or entry.etag != recorded.entry_etag
                or entry.last_modified != recorded.entry_last_modified
            ):
                # The generations are read once per request: the app takes it from here.
                environ[LOOKUP_KEY] = lookup
                return None
        headers = self._refreshed(recorded.headers)
        body = recorded.body if environ["REQUEST_METHOD"] == "GET" else b""
        if recorded.etag_header is not None and not is_resource_modified(
            environ,
            recorded.etag_header,
            last_modified=recorded.last_modified_header,
        ):
            # What Werkzeug leaves of a 304, and no X-Accel-Expires (sent on 200 only).
            kept = [(name, value) for name, value in headers if _kept_in_304(name)]
            return "304 NOT MODIFIED", kept, b""
        return recorded.status, headers, body

    def _refreshed(self, headers: Headers) -> Headers:
        second = int(time.time())
        if second != self._second:
            self._now_headers = (http_date(second), f"@{second}")
            self._second = second
        date, accel = self._now_headers
        fresh = []
        for name, value in headers:
            lowered = name.lower()
            if lowered == DATE:
                value = date
            elif lowered == ACCEL_EXPIRES:
                value = accel
            fresh.append((name, value))
        return fresh

    def _record(
        self, key: RequestKey, environ: dict[str, Any], start_response: StartResponse
    ) -> Iterable[bytes]:
        seen: dict[str, Any] = {}

        def watch(status: str, headers: Headers, exc_info: Any = None) -> Any:
            seen["status"], seen["headers"] = status, list(headers)
            return start_response(status, headers, exc_info)

        result = self.wsgi_app(environ, watch)
        offered = environ.get(OFFER_KEY)
        headers: Headers = seen.get("headers", [])
        if (
            offered is None
            or not seen.get("status", "").startswith("200 ")
            or any(name.lower() == "set-cookie" for name, _ in headers)
        ):
            return result
        try:
            body = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        recorded = self._recording(offered, seen["status"], headers, body)
        if recorded is not None and len(body) <= self.max_bytes:
            with self._lock:
                replaced = self._answers.pop(key, None)
                if replaced is not None:
                    self._bytes -= len(replaced.body)
                self._answers[key] = recorded
                self._bytes += len(body)
                while len(self._answers) > self.max_answers or self._bytes > self.max_bytes:
                    _, dropped = self._answers.popitem(last=False)
                    self._bytes -= len(dropped.body)
        return [body]

    @staticmethod
    def _recording(offered: Any, status: str, headers: Headers, body: bytes) -> Recorded | None:
        if offered == CONSTANT:
            return Recorded(None, None, None, None, status, headers, body, None, None)
        scope, variant, entry = offered
        etags = [value for name, value in headers if name.lower() == "etag"]
        modified = [value for name, value in headers if name.lower() == "last-modified"]
        # Only the entry itself, as it is, is ever replayed.
        if body != entry.body.encode("utf-8") or etags != [f'"{entry.etag}"'] or len(modified) > 1:
            return None
        return Recorded(
            scope,
            variant,
            entry.etag,
            entry.last_modified,
            status,
            headers,
            body,
            etags[0],
            modified[0] if modified else None,
        )


def _kept_in_304(name: str) -> bool:
    lowered = name.lower()
    if lowered == ACCEL_EXPIRES:
        return False
    return not is_entity_header(lowered) or lowered in ("expires", "content-location")


def init_app(app: Flask) -> None:
    """Put the front before ``app``'s own WSGI handling (call before wrapping it in proxies)."""
    app.wsgi_app = Front(  # type: ignore[method-assign]
        app, app.wsgi_app, app.config["CACHE_MEMORY_ENTRIES"], app.config["CACHE_FRONT_BYTES"]
    )
