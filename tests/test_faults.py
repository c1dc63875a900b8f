"""Faults an operator meets: Redis away costs only the cache, a database away gets a 503."""

import logging
import uuid
from datetime import timedelta

from blog import create_app
from blog.cache import site_cache
from blog.cache.redis_link import redis_client
from blog.extensions import db
from blog.models import Author, Topic
from blog.publishing import ArticleInput, save_article
from tests.helpers import SITE_URL, START, TEST_REDIS_URL, requires_redis

TOPIC = "treatment-resistant-depression"
NOWHERE_REDIS = "redis://127.0.0.1:1/0"  # a port where nothing listens
READER_PAGES = ["/", f"/topics/{TOPIC}", "/a-guide", "/feed.xml", f"/topics/{TOPIC}/feed.json"]


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self):
        return self.now


def redis_warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "blog.cache.redis_link"]


def test_readers_are_served_while_redis_is_unreachable_with_one_warning(make_app, publish, caplog):
    publish("A guide")
    worker = make_app(REDIS_URL=NOWHERE_REDIS, REDIS_TIMEOUT_SECONDS=0.2, CLOCK=Clock())
    reader = worker.test_client()
    with caplog.at_level(logging.WARNING):
        for _ in range(3):
            for path in READER_PAGES:
                response = reader.get(path)
                assert response.status_code == 200, path
                assert "A guide" in response.get_data(as_text=True)
    warnings = redis_warnings(caplog)
    assert len(warnings) == 1
    assert "Redis is not answering" in warnings[0]
    assert not any(record.exc_info for record in caplog.records)


@requires_redis
def test_the_cache_comes_back_with_redis_and_forgets_what_changed_meanwhile(
    make_app, publish, caplog
):
    import redis

    clock, prefix = Clock(), f"test:{uuid.uuid4()}"
    publish("A guide")
    worker = make_app(REDIS_URL=TEST_REDIS_URL, CACHE_PREFIX=prefix, CLOCK=clock)
    reader = worker.test_client()
    before = reader.get("/").get_data(as_text=True)  # cached in Redis
    with worker.app_context():
        link = site_cache().entries._link  # type: ignore[attr-defined]
        working_client = link.client
        link.client = redis_client(NOWHERE_REDIS, 0.2)  # Redis goes away
    with caplog.at_level(logging.WARNING):
        # Written by this worker, whose invalidation cannot reach Redis now.
        with worker.app_context():
            author = db.session.scalars(db.select(Author)).one()
            topic_id = db.session.scalars(db.select(Topic.id)).one()
            text = ArticleInput("Written while Redis was away", "", "Body", topic_id)
            save_article(None, text, by=author, publish=True, now=START)
        assert "Written while Redis was away" in reader.get("/").get_data(as_text=True)
        link.client = working_client  # Redis is back
        clock.now += timedelta(seconds=6)
        after = reader.get("/").get_data(as_text=True)
    assert "Written while Redis was away" in after and after != before
    assert [w.split(" ")[1] for w in redis_warnings(caplog)] == ["is", "answers"]
    generation = redis.Redis.from_url(TEST_REDIS_URL).get(f"{prefix}:generation:pages")
    assert int(generation) >= 1


def unreachable_app(database_url: str):
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test secret",
            "SITE_URL": SITE_URL,
            "SQLALCHEMY_DATABASE_URI": database_url,
        }
    )


def test_readers_get_a_503_with_retry_after_when_postgresql_is_unreachable():
    app = unreachable_app("postgresql+psycopg://postgres@127.0.0.1:1/test?connect_timeout=1")
    client = app.test_client()
    for path in ["/", "/a-guide", "/feed.xml", "/sitemap.xml"]:
        response = client.get(path)
        assert response.status_code == 503, path
        assert response.headers["Retry-After"] == "30"
        assert "cannot reach its database" in response.get_data(as_text=True)
    assert client.get("/healthz").status_code == 200


def test_the_site_recovers_without_a_restart_when_its_database_returns(tmp_path):
    folder = tmp_path / "not-yet-mounted"
    app = unreachable_app(f"sqlite:///{folder / 'blog.sqlite3'}")
    client = app.test_client()
    response = client.get(f"/topics/{TOPIC}")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    folder.mkdir()
    with app.app_context():
        db.create_all()
    assert client.get(f"/topics/{TOPIC}").status_code == 404  # answered from the database
    assert client.get("/").status_code == 200
    with app.app_context():
        db.engine.dispose()


def test_searches_are_answered_while_redis_is_unreachable_with_one_warning(
    make_app, publish, caplog
):
    publish("A guide", body="Lithium and your kidneys.")
    worker = make_app(REDIS_URL=NOWHERE_REDIS, REDIS_TIMEOUT_SECONDS=0.2, CLOCK=Clock())
    reader = worker.test_client()
    with caplog.at_level(logging.WARNING, logger="blog.search_limit"):
        for _ in range(3):
            response = reader.get("/search?q=kidneys")
            assert response.status_code == 200
            assert "A guide" in response.get_data(as_text=True)
    warnings = [r.getMessage() for r in caplog.records if r.name == "blog.search_limit"]
    assert len(warnings) == 1
    assert warnings[0].startswith("Redis is unreachable")
    assert warnings[0].endswith("searches are not counted meanwhile.")
