"""Running behind proxies: whom to believe about the client, and how long nginx may keep a page.

With ``PROXY_COUNT`` at 0 (the default) nothing here applies: X-Forwarded-* headers
are ignored, since any client could send them.
"""

import time

from flask import Flask, request, session
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response

# nginx counts cache lifetimes in whole seconds, and "1s" keeps a page until the second
# after next: up to 2 s. An absolute time in this header (nginx reads it, never passes it
# on) keeps a page only to the end of the second it was made in, so a publish shows
# through within 1 s.
CACHE_UNTIL_HEADER = "X-Accel-Expires"


def init_app(app: Flask) -> None:
    """Trust ``PROXY_COUNT`` proxies for the client's address, scheme and host."""
    count = app.config["PROXY_COUNT"]
    if not count:
        return
    app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
        app.wsgi_app, x_for=count, x_proto=count, x_host=count
    )
    app.after_request(keep_until_end_of_second)


def keep_until_end_of_second(response: Response, clock=time.time) -> Response:
    """Let a shared cache keep a public page only until the current second ends."""
    cache_control = response.headers.get("Cache-Control", "")
    if (
        request.method in ("GET", "HEAD")
        and response.status_code == 200
        # A page that writes the session (a form's CSRF token) is for one reader only.
        and not session.modified
        and not any(word in cache_control for word in ("private", "no-store", "no-cache"))
    ):
        response.headers[CACHE_UNTIL_HEADER] = f"@{int(clock())}"
    return response
