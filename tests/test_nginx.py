"""deploy/nginx.conf in front of the app under gunicorn: static files, the page cache, sessions.

Needs Debian's nginx (apt-get install nginx-light); skips without it. Both servers run on
free loopback ports with their own folders, on a SQLite database of this test's own.
"""

import gzip
import http.client
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pytest
from flask import Flask

from bench.servers import NGINX, free_port, start_gunicorn, start_nginx, stop, wait_until
from blog import create_app
from blog.accounts import create_author
from blog.extensions import db
from blog.models import Author
from blog.publishing import ArticleInput, save_article
from blog.topics import create_topic
from tests.forms import csrf_token
from tests.helpers import PASSWORD, SITE_URL

pytestmark = pytest.mark.skipif(
    NGINX is None, reason="nginx is not installed (apt-get install nginx-light)"
)

TOPIC = "treatment-resistant-depression"


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode()

    @property
    def cache(self) -> str | None:
        return self.headers.get("X-Cache-Status")


@dataclass
class Site:
    app: Flask
    port: int

    def get(self, path: str, *, cookie: str = "", **headers: str) -> Answer:
        return self.request("GET", path, cookie=cookie, headers=headers)

    def request(
        self, method: str, path: str, *, cookie: str = "", headers: dict, body: str = ""
    ) -> Answer:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        sent = {"Host": "localhost", **headers, **({"Cookie": cookie} if cookie else {})}
        connection.request(method, path, body=body or None, headers=sent)
        response = connection.getresponse()
        answer = Answer(response.status, response.headers, response.read())
        connection.close()
        return answer

    def publish(self, title: str) -> None:
        """Publish an article in the topic through the write side, as a save would."""
        with self.app.app_context():
            author = db.session.scalars(db.select(Author)).one()
            topic_id = db.session.execute(db.text("SELECT id FROM topics")).scalar_one()
            save_article(
                None, ArticleInput(title, "A summary.", "Text.", topic_id, ""), by=author,
                publish=True,
            )  # fmt: skip


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    folder = tmp_path_factory.mktemp("nginx")
    database = f"sqlite:///{folder / 'blog.sqlite3'}"
    app = create_app({"SECRET_KEY": "nginx test", "SITE_URL": SITE_URL,
                      "SQLALCHEMY_DATABASE_URI": database})  # fmt: skip
    with app.app_context():
        db.create_all()
        create_topic(TOPIC, "Treatment-resistant depression", "About *this*.")
        create_author("ada", PASSWORD, display_name="Ada Lovelace")
    app_port, nginx_port = free_port(), free_port()
    environment = {"SECRET_KEY": "nginx test", "SITE_URL": SITE_URL, "DATABASE_URL": database,
                   "PROXY_COUNT": "1", "REDIS_URL": "", "FLASK_DEBUG": "0",
                   # nginx passes on the Host the test sends.
                   "BLOG_EXTRA_TRUSTED_HOSTS": '["localhost"]'}  # fmt: skip
    gunicorn = start_gunicorn("wsgi:app", port=app_port, env=environment, workers=2)
    try:
        nginx = start_nginx(
            folder / "nginx", listen=nginx_port, upstream=app_port, static_root=app.static_folder
        )
    except BaseException:
        stop(gunicorn)
        raise
    yield Site(app, nginx_port)
    stop(nginx)
    stop(gunicorn)
    with app.app_context():
        db.engine.dispose()


def test_pages_come_from_the_app_and_the_stylesheet_from_nginx(site):
    page = site.get(f"/topics/{TOPIC}")
    assert page.status == 200
    assert "Treatment-resistant depression" in page.text
    stylesheet = site.get("/static/site.css?v=abc123")
    assert stylesheet.status == 200
    assert stylesheet.headers["Content-Type"] == "text/css"
    assert stylesheet.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert stylesheet.text == (Path(site.app.static_folder) / "site.css").read_text()


def test_text_is_gzipped_for_clients_that_accept_it(site):
    stylesheet = site.get("/static/site.css", **{"Accept-Encoding": "gzip"})
    assert stylesheet.headers["Content-Encoding"] == "gzip"
    original = (Path(site.app.static_folder) / "site.css").read_bytes()
    assert gzip.decompress(stylesheet.body) == original
    assert stylesheet.headers["Cache-Control"] == "public, max-age=3600"


def test_a_second_anonymous_reader_gets_the_cached_page(site):
    # A page of its own, so no other test's request has already cached it.
    first = site.get("/?reader=second")
    second = site.get("/?reader=second")
    assert first.cache == "MISS"
    assert second.cache == "HIT"
    assert second.text == first.text


def test_a_logged_in_author_bypasses_the_cache_and_sees_their_own_page(site):
    site.get("/")
    site.get("/")  # now cached for anonymous readers
    form = site.get("/login")
    cookie = session_cookie(form)
    data = {"csrf_token": csrf_token(form.text), "username": "ada", "password": PASSWORD}
    login = site.request(
        "POST", "/login", cookie=cookie, body=urlencode(data),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )  # fmt: skip
    assert login.status == 302
    page = site.get("/", cookie=session_cookie(login))
    assert page.cache == "BYPASS"
    assert "Log out" in page.text
    # What the author was shown was not stored for the next anonymous reader.
    assert "Log out" not in site.get("/").text


def test_any_session_cookie_bypasses_the_cache(site):
    site.get("/?reader=cookie")
    assert site.get("/?reader=cookie", cookie="session=whatever").cache == "BYPASS"


def test_a_publish_shows_through_nginx_within_a_second(site):
    path = f"/topics/{TOPIC}"
    site.get(path)
    assert site.get(path).cache in ("HIT", "UPDATING", "REVALIDATED")
    site.publish("Lithium and the kidneys")
    committed = time.monotonic()
    # Seen by a request sent no later than 1 s after the commit.
    seen = appears_by(lambda: "Lithium and the kidneys" in site.get(path).text, committed + 1.0)
    assert seen, "the published article was not on the page through nginx within 1 s"


def appears_by(check: Callable[[], bool], deadline: float, clock=time.monotonic) -> bool:
    """Poll ``check`` until it is true, and say whether that happened before ``deadline``."""
    return wait_until(check, timeout=deadline - clock(), interval=0.01, clock=clock)


def session_cookie(answer: Answer) -> str:
    for header in answer.headers.get_all("Set-Cookie") or []:
        if match := re.match(r"(session=[^;]+)", header):
            return match.group(1)
    raise AssertionError("no session cookie was set")
