"""32 readers on two gunicorn workers while an author publishes: whole pages, and the new one after.

The real multi-process setup without Redis: gunicorn with 2 workers on one SQLite
file, so the only thing that tells a worker about the publish is the generation row
in the database. Each answer is checked whole: its version marks all agree, and its
ETag is the hash of exactly its bytes.
"""

import hashlib
import http.client
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from flask import Flask

from bench.servers import free_port, start_gunicorn, stop, wait_until
from blog import create_app
from blog.accounts import create_author
from blog.extensions import db
from blog.models import Article, Author
from blog.publishing import ArticleInput, save_article
from blog.topics import create_topic
from tests.helpers import PASSWORD, SITE_URL

TOPIC = "treatment-resistant-depression"
SLUG = "lithium-and-the-kidneys"
PATHS = [f"/{SLUG}", f"/topics/{TOPIC}"]
READERS = 32
VERSION = re.compile(r"version ([AB])\b")


def article_input(version: str, topic_id: int) -> ArticleInput:
    return ArticleInput(
        f"Lithium and the kidneys, version {version}",
        f"What to ask about, version {version}.",
        f"Your prescriber checks your blood, version {version}.",
        topic_id,
        SLUG,
    )


@dataclass
class Reading:
    reader: int
    started: float
    path: str
    status: int
    versions: set[str]
    whole: bool  # the ETag is the hash of these very bytes


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Flask, int]]:
    folder = tmp_path_factory.mktemp("readers")
    database = f"sqlite:///{folder / 'blog.sqlite3'}"
    app = create_app({"SECRET_KEY": "readers test", "SITE_URL": SITE_URL,
                      "SQLALCHEMY_DATABASE_URI": database})  # fmt: skip
    with app.app_context():
        db.create_all()
        topic = create_topic(TOPIC, "Treatment-resistant depression", "About it.")
        author = create_author("ada", PASSWORD, display_name="Ada Lovelace")
        save_article(None, article_input("A", topic.id), by=author, publish=True)
    port = free_port()
    environment = {"SECRET_KEY": "readers test", "SITE_URL": SITE_URL, "DATABASE_URL": database,
                   "REDIS_URL": "", "PROXY_COUNT": "0", "FLASK_DEBUG": "0",
                   "BLOG_EXTRA_TRUSTED_HOSTS": '["127.0.0.1"]'}  # fmt: skip
    gunicorn = start_gunicorn("wsgi:app", port=port, env=environment, workers=2)
    yield app, port
    stop(gunicorn)
    with app.app_context():
        db.engine.dispose()


def read(port: int, path: str) -> tuple[int, bytes, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read(), response.headers.get("ETag", "")
    finally:
        connection.close()


def test_readers_during_a_publish_see_whole_pages_and_then_only_the_new_one(server):
    app, port = server
    readings: list[Reading] = []
    failures: list[str] = []
    stop_reading = threading.Event()
    lock = threading.Lock()

    def reader(number: int) -> None:
        turn = 0
        while not stop_reading.is_set():
            path = PATHS[(number + turn) % len(PATHS)]
            turn += 1
            started = time.monotonic()
            try:
                status, body, etag = read(port, path)
            except OSError as error:  # no answer at all counts as a failure too
                with lock:
                    failures.append(f"{path}: {error!r}")
                continue
            text = body.decode("utf-8", "replace")
            whole = etag == f'"{hashlib.sha256(body).hexdigest()[:32]}"'
            found = Reading(number, started, path, status, set(VERSION.findall(text)), whole)
            with lock:
                readings.append(found)

    threads = [threading.Thread(target=reader, args=(n,), daemon=True) for n in range(READERS)]
    for thread in threads:
        thread.start()
    try:
        assert wait_until(lambda: len(readings) >= 2 * READERS, timeout=20)
        with app.app_context():
            article = db.session.scalars(db.select(Article)).one()
            author = db.session.scalars(db.select(Author)).one()
            save_article(article, article_input("B", article.topic_id), by=author, publish=True)
        committed = time.monotonic()

        def every_reader_has_read_since() -> bool:
            with lock:
                return len({r.reader for r in readings if r.started > committed}) == READERS

        assert wait_until(every_reader_has_read_since, timeout=20)
    finally:
        stop_reading.set()
        for thread in threads:
            thread.join(timeout=15)

    assert failures == []
    assert [r for r in readings if r.status != 200] == []
    # Never a mix: every page shows one version, all through, with its own ETag.
    assert all(r.versions in ({"A"}, {"B"}) and r.whole for r in readings)
    before = [r for r in readings if r.versions == {"A"}]
    after = [r for r in readings if r.started > committed]
    assert before, "no reader saw the page before the publish"
    # Every request sent after the save returned got the new version, from either worker.
    assert {frozenset(r.versions) for r in after} == {frozenset({"B"})}
    assert {r.path for r in after} == set(PATHS)
