"""The feed cache: invalidated on publish, shared between processes through Redis."""

import uuid

import pytest

from blog.cache import BuiltFeed, MemoryFeedCache, RedisFeedCache
from blog.extensions import db
from blog.models import Article, Author
from blog.publishing import ArticleInput, save_article
from tests.helpers import START, TEST_REDIS_URL, days, requires_redis


def feed(body: str) -> BuiltFeed:
    return BuiltFeed(body=body, etag=body, last_modified=START)


def redis_cache():
    import redis

    return RedisFeedCache(redis.Redis.from_url(TEST_REDIS_URL), prefix=f"test:{uuid.uuid4()}")


CACHES = [pytest.param(MemoryFeedCache, id="memory")] + [
    pytest.param(redis_cache, id="redis", marks=requires_redis)
]


@pytest.mark.parametrize("make_cache", CACHES)
def test_a_cached_feed_is_built_once_until_its_scope_is_invalidated(make_cache):
    cache = make_cache()
    builds = []

    def build():
        builds.append(1)
        return feed(f"version {len(builds)}")

    assert cache.get_or_build("site", "rss", build).body == "version 1"
    assert cache.get_or_build("site", "rss", build).body == "version 1"
    cache.invalidate(["topic:other"])
    assert cache.get_or_build("site", "rss", build).body == "version 1"
    cache.invalidate(["site"])
    assert cache.get_or_build("site", "rss", build).body == "version 2"
    assert len(builds) == 2


@pytest.mark.parametrize("make_cache", CACHES)
def test_a_feed_built_across_an_invalidation_is_not_kept(make_cache):
    cache = make_cache()

    def build_while_someone_publishes():
        cache.invalidate(["site"])  # another request publishes mid-build
        return feed("stale")

    assert cache.get_or_build("site", "rss", build_while_someone_publishes).body == "stale"
    assert cache.get_or_build("site", "rss", lambda: feed("fresh")).body == "fresh"


@requires_redis
def test_a_publish_in_one_process_refreshes_the_feed_in_another(make_app, publish):
    # `publish` runs on the `app` fixture; two more apps stand for two gunicorn workers.
    config = dict(REDIS_URL=TEST_REDIS_URL, FEED_CACHE_PREFIX=f"test:{uuid.uuid4()}")
    worker_a, worker_b = make_app(**config), make_app(**config)
    publish("First guide", when=START)
    assert "First guide" in worker_a.test_client().get("/feed.xml").get_data(as_text=True)
    with worker_b.app_context():
        author = db.session.scalars(db.select(Author)).first()
        topic_id = db.session.scalars(db.select(Article.topic_id)).first()
        save_article(
            None,
            ArticleInput("Second guide", "", "Body", topic_id),
            by=author,
            publish=True,
            now=START + days(1),
        )
    refreshed = worker_a.test_client().get("/feed.xml").get_data(as_text=True)
    assert "Second guide" in refreshed
