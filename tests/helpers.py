"""Constants and markers shared by the tests."""

import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from werkzeug.serving import make_server

from blog.extensions import db

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL")

SITE_URL = "https://guide.example"
PASSWORD = "correct horse battery"
START = datetime(2025, 11, 1, 9, 0, tzinfo=UTC)

requires_postgresql = pytest.mark.skipif(
    not TEST_DATABASE_URL, reason="TEST_DATABASE_URL is not set; PostgreSQL tests skipped"
)
requires_redis = pytest.mark.skipif(
    not TEST_REDIS_URL, reason="TEST_REDIS_URL is not set; Redis tests skipped"
)


def days(n: int) -> timedelta:
    return timedelta(days=n)


# A glossary term's mark on a page (see blog/content/terms.py), holding the words it marks.
TERM_MARK = re.compile(
    r'<a href="#term-[a-z0-9-]+" aria-describedby="[a-z0-9-]+" class="term">(.*?)</a>', re.DOTALL
)


def without_term_marks(html: str) -> str:
    """Take glossary marks out of a page, keeping the words they held."""
    return TERM_MARK.sub(r"\1", html)


def whole_responses(app):
    """Wrap a WSGI app so each response is read whole, and closed, before it is sent.

    Werkzeug's development server leaves a static file open when a browser drops the
    connection mid-answer (a favicon fetched as a page closes); Python then reports
    the open file, which this suite treats as an error. Tests that serve pages to
    Chromium wrap their app in this.
    """

    def application(environ, start_response):
        answer = app(environ, start_response)
        try:
            body = b"".join(answer)
        finally:
            if hasattr(answer, "close"):
                answer.close()
        return [body]

    return application


@contextmanager
def served(app) -> Iterator[str]:
    """Serve ``app`` over real HTTP in a thread, its responses whole; yield its base URL."""
    server = make_server("127.0.0.1", 0, whole_responses(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
        with app.app_context():
            db.engine.dispose()
