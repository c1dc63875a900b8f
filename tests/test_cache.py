"""The cache: generations shared by every process, Redis or not, and entries that stay bounded."""

import uuid
from datetime import timedelta

import pytest
from flask import Flask

from blog.cache import CachedEntry, SiteCache, site_cache
from blog.cache.entries import MemoryEntries, RedisEntries
from blog.cache.generations import DatabaseGenerations, RedisGenerations, RememberedGenerations
from blog.cache.redis_link import RedisLink, redis_client
from blog.clock import system_now
from blog.extensions import db
from blog.models import Article, Author
from blog.publishing import ArticleInput, delete, save_article, unpublish
from tests.helpers import START, TEST_REDIS_URL, days, requires_redis


class Clock:
    """A clock that moves only when a test says so."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self):
        return self.now


def entry(body: str, **fields) -> CachedEntry:
    return CachedEntry(body=body, etag=body, last_modified=START, **fields)


def redis_link(clock=system_now) -> RedisLink:
    client = redis_client(TEST_REDIS_URL, 0.5)
    return RedisLink(client, clock=clock, retry_after=timedelta(seconds=5))


def database_cache(app: Flask, clock=system_now) -> SiteCache:
    with app.app_context():
        generations = DatabaseGenerations(db.engine)
    return SiteCache(generations, MemoryEntries(100), clock)


def redis_cache(app: Flask, clock=system_now) -> SiteCache:
    link, prefix = redis_link(clock), f"test:{uuid.uuid4()}"
    return SiteCache(RedisGenerations(link, prefix), RedisEntries(link, prefix), clock)


STORES = [pytest.param(database_cache, id="database")] + [
    pytest.param(redis_cache, id="redis", marks=requires_redis)
]


@pytest.mark.parametrize("make_cache", STORES)
def test_an_entry_is_built_once_until_its_scope_is_invalidated(app, make_cache):
    cache = make_cache(app)
    builds = []

    def build():
        builds.append(1)
        return entry(f"version {len(builds)}")

    assert cache.get_or_build("site", "rss", build).body == "version 1"
    assert cache.get_or_build("site", "rss", build).body == "version 1"
    cache.invalidate(["topic:other"])
    assert cache.get_or_build("site", "rss", build).body == "version 1"
    cache.invalidate(["site", "pages"])
    assert cache.get_or_build("site", "rss", build).body == "version 2"
    assert len(builds) == 2


@pytest.mark.parametrize("make_cache", STORES)
def test_an_entry_built_across_an_invalidation_is_never_served_after_it(app, make_cache):
    cache = make_cache(app)

    def build_while_someone_publishes():
        cache.invalidate(["site"])  # another process publishes mid-build
        return entry("stale")

    assert cache.get_or_build("site", "rss", build_while_someone_publishes).body == "stale"
    assert cache.get_or_build("site", "rss", lambda: entry("fresh")).body == "fresh"


@pytest.mark.parametrize("make_cache", STORES)
def test_an_invalidation_in_one_process_reaches_another(app, make_cache):
    # Two caches on one store stand for two worker processes, each with its own entries.
    if make_cache is redis_cache:
        link, prefix = redis_link(), f"test:{uuid.uuid4()}"
        worker_a, worker_b = (
            SiteCache(RedisGenerations(link, prefix), MemoryEntries(10), system_now)
            for _ in range(2)
        )
    else:
        worker_a, worker_b = database_cache(app), database_cache(app)
    assert worker_a.get_or_build("site", "rss", lambda: entry("old")).body == "old"
    worker_b.invalidate(["site"])
    assert worker_a.get_or_build("site", "rss", lambda: entry("new")).body == "new"


@pytest.mark.parametrize("make_cache", STORES)
def test_an_entry_is_built_again_once_its_expiry_time_passes(app, make_cache):
    clock = Clock()
    cache = make_cache(app, clock)
    expires = START + timedelta(minutes=10)
    assert cache.get_or_build("pages", "/", lambda: entry("before", expires_at=expires)).body == (
        "before"
    )
    clock.now = expires - timedelta(seconds=1)
    assert cache.get_or_build("pages", "/", lambda: entry("unused")).body == "before"
    clock.now = expires
    assert cache.get_or_build("pages", "/", lambda: entry("after")).body == "after"


def test_the_memory_cache_never_holds_more_entries_than_its_size(app):
    cache = database_cache(app)
    assert isinstance(cache.entries, MemoryEntries)
    cache.entries.max_entries = 20
    for number in range(500):
        cache.get_or_build("pages", f"/?x={number}", lambda n=number: entry(f"page {n}"))
    assert len(cache.entries) == 20
    # The most recently used are the ones kept.
    assert cache.get_or_build("pages", "/?x=499", lambda: entry("rebuilt")).body == "page 499"


def test_the_database_bumps_every_scope_in_one_statement(app, sql_statements):
    with sql_statements() as statements:
        with app.app_context():
            site_cache().invalidate(["site", "pages", "topic:a", "topic:b"])
    assert len(statements) == 1
    with app.app_context():
        generations = site_cache().generations
        assert [generations.current(s) for s in ("site", "topic:a", "topic:never")] == [1, 1, 0]


def save_in(app: Flask, title: str, when):
    with app.app_context():
        author = db.session.scalars(db.select(Author)).first()
        topic_id = db.session.scalars(db.select(Article.topic_id)).first()
        article = save_article(
            None, ArticleInput(title, "", "Body", topic_id), by=author, publish=True, now=when
        )
        return article.id


def act_in(app: Flask, action, article_id: int, when) -> None:
    with app.app_context():
        article = db.session.get_one(Article, article_id)
        action(article, by=article.author, now=when)


WORKERS = [pytest.param({}, id="no-redis")] + [
    pytest.param({"REDIS_URL": TEST_REDIS_URL}, id="redis", marks=requires_redis)
]


@pytest.mark.parametrize("settings", WORKERS)
@pytest.mark.parametrize("path", ["/feed.xml", "/topics/treatment-resistant-depression/feed.json"])
def test_every_worker_stops_serving_an_article_deleted_or_unpublished_in_another(
    make_app, publish, settings, path
):
    # `publish` runs on the `app` fixture; two more apps stand for two gunicorn workers.
    settings = {**settings, "CACHE_PREFIX": f"test:{uuid.uuid4()}"}
    worker_a, worker_b = make_app(**settings), make_app(**settings)
    kept = publish("Kept guide", when=START)
    doomed = save_in(worker_b, "Doomed guide", START + days(1))
    hidden = save_in(worker_b, "Hidden guide", START + days(2))
    reader = worker_a.test_client()
    polled = reader.get(path).get_data(as_text=True)
    assert "Doomed guide" in polled and "Hidden guide" in polled
    act_in(worker_b, delete, doomed, START + days(3))
    act_in(worker_b, unpublish, hidden, START + days(4))
    polled = reader.get(path).get_data(as_text=True)
    assert "Doomed guide" not in polled
    assert "Hidden guide" not in polled
    assert kept.title in polled


class Seconds:
    """A monotonic clock that moves only when a test says so."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def shared_stores(kind: str, app: Flask) -> tuple:
    """Return two generation stores over one shared place, as two processes would have them."""
    if kind == "redis":
        prefix = f"test:{uuid.uuid4()}"
        return RedisGenerations(redis_link(), prefix), RedisGenerations(redis_link(), prefix)
    with app.app_context():
        return DatabaseGenerations(db.engine), DatabaseGenerations(db.engine)


@pytest.mark.parametrize(
    "kind", [pytest.param("redis", marks=requires_redis), "database"]
)  # fmt: skip
def test_a_remembered_generation_shows_another_process_change_within_its_time(app, kind):
    seconds = Seconds()
    store, elsewhere = shared_stores(kind, app)
    here = RememberedGenerations(store, 0.25, clock=seconds)
    assert here.current("pages") == 0
    elsewhere.bump(["pages"])
    seconds.now += 0.2
    assert here.current("pages") == 0  # trusted a little longer
    seconds.now += 0.06
    assert here.current("pages") == 1
    here.bump(["pages"])  # its own change: at once
    assert here.current("pages") == 2
    assert elsewhere.current("pages") == 2


class Overtaken:
    """A store whose next read answers what it read before a bump that lands meanwhile."""

    def __init__(self, store) -> None:
        self.store = store
        self.meanwhile = None

    def current(self, scope: str) -> int:
        generation = self.store.current(scope)
        if self.meanwhile is not None:
            meanwhile, self.meanwhile = self.meanwhile, None
            meanwhile()
        return generation

    def bump(self, scopes) -> None:
        self.store.bump(scopes)


def test_a_read_overtaken_by_this_process_own_change_is_not_remembered(app):
    # Thread A reads generation 0; thread B publishes (1) and forgets what it knew;
    # A must not then remember 0, or B's readers would get the old page for a while.
    store, _ = shared_stores("database", app)
    overtaken = Overtaken(store)
    here = RememberedGenerations(overtaken, 0.25, clock=Seconds())
    overtaken.meanwhile = lambda: here.bump(["pages"])
    assert here.current("pages") == 0  # what was read before the change
    assert here.current("pages") == 1


def test_without_redis_another_process_change_shows_at_once_on_sqlite_and_soon_on_postgresql(
    app, make_app, publish
):
    # SQLite's generation costs microseconds to read, so it is read every time; a
    # server database's costs a round trip, so it is trusted for the memo's time (an
    # hour here, so the test does not depend on how fast it runs).
    publish("A guide")
    reader = make_app(CACHE_GENERATION_MEMO_SECONDS=3600).test_client()
    assert "Another guide" not in reader.get("/").get_data(as_text=True)
    publish("Another guide")  # through another app: another process, as caches go
    shown = reader.get("/").get_data(as_text=True)
    with app.app_context():
        on_sqlite = db.engine.dialect.name == "sqlite"
    assert ("Another guide" in shown) is on_sqlite
