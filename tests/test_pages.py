"""Readers' pages: cached for anonymous readers, fresh for authors, 304 when unchanged."""

import re
from dataclasses import replace

import pytest
from flask import Flask
from sqlalchemy import select

from blog.cache import site_cache
from blog.extensions import db
from blog.models import Article, Author, Topic
from blog.publishing import ArticleInput, delete, save_article, unpublish
from blog.topics import TopicInput, save_topic
from tests.helpers import START, days

TOPIC = "treatment-resistant-depression"
# "?before=2": the older page of a topic listing, under "A guide" (see ``publish_two``).
PUBLIC_PAGES = ["/", f"/topics/{TOPIC}", f"/topics/{TOPIC}?before=2", "/a-guide", "/sitemap.xml",
                "/robots.txt"]  # fmt: skip


def publish_two(publish):
    """Publish "An older guide" (id 1), then "A guide" (id 2), so the topic has an older page."""
    publish("An older guide", when=START - days(1))
    publish("A guide")


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_an_anonymous_reader_gets_a_public_cacheable_page_and_no_cookie(client, publish, path):
    publish_two(publish)
    response = client.get(path)
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "public, max-age=60"
    assert re.fullmatch(r'"[0-9a-f]{32}"', response.headers["ETag"])
    assert response.headers["Last-Modified"]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_a_cached_page_is_served_reading_nothing_but_its_generation(
    client, publish, sql_statements, path
):
    publish_two(publish)
    first = client.get(path)
    with sql_statements() as statements:
        again = client.get(path)
    assert again.data == first.data
    assert len(statements) <= 1
    assert all("FROM cache_generations" in statement for statement in statements)


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_an_unchanged_page_is_answered_304_without_a_body(client, publish, path):
    publish_two(publish)
    first = client.get(path)
    by_etag = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    by_date = client.get(path, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    for answer in (by_etag, by_date):
        assert answer.status_code == 304
        assert answer.data == b""


def test_last_modified_is_the_newest_change_a_page_shows(client, publish, revise):
    article = publish("A guide", when=START)
    revise(article.id, title="A guide", when=START + days(3))
    assert client.get("/a-guide").headers["Last-Modified"] == "Tue, 04 Nov 2025 09:00:00 GMT"
    assert client.get(f"/topics/{TOPIC}").headers["Last-Modified"] == (
        "Tue, 04 Nov 2025 09:00:00 GMT"
    )


def test_a_missing_page_is_not_cached_as_a_page(client, publish):
    publish("A guide")
    for _ in range(2):
        response = client.get("/no-such-guide")
        assert response.status_code == 404
        assert "ETag" not in response.headers
    assert client.get(f"/topics/{TOPIC}?before=1").status_code == 404  # nothing older


def test_unknown_query_parameters_add_no_cache_entries(app, client, publish):
    publish("A guide")
    client.get("/")
    with app.app_context():
        entries = site_cache().entries
    size = len(entries)
    for number in range(50):
        assert client.get(f"/?x={number}").status_code == 200
        assert client.get(f"/topics/{TOPIC}?utm={number}").status_code == 200
    assert len(entries) == size + 1  # the topic page, once


def test_a_listing_place_adds_cache_entries_only_where_the_page_reads_it(app, client, publish):
    # Only a topic's listing has pages (and 404s for an unknown place); anywhere else
    # ?before=N would be a billion new addresses of one page, each built and kept, in
    # Redis for a day. An old ?page=N is sent on, never kept.
    publish("A guide")
    paths = ["/", "/a-guide", "/glossary", "/sitemap.xml"]
    for path in paths:
        client.get(path)
    with app.app_context():
        entries = site_cache().entries
    size = len(entries)
    for number in range(1, 31):
        for path in paths:
            assert client.get(f"{path}?before={number}").status_code == 200
            assert client.get(f"{path}?page={number}").status_code == 200
        assert client.get(f"/topics/{TOPIC}?page={number}").status_code in (301, 404)
    assert len(entries) == size


def test_a_logged_in_author_sees_a_fresh_private_page(client, auth, ada, publish, app):
    publish("A guide")
    assert "Dashboard" not in client.get("/").get_data(as_text=True)  # cached, anonymous
    auth.login()
    page = client.get("/")
    assert "Dashboard" in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "private, no-store"
    # A change the cache has not heard of (made behind its back) still shows to the author.
    with app.app_context():
        db.session.execute(db.update(Article).values(title="Retitled behind the cache"))
        db.session.commit()
    assert "Retitled behind the cache" in client.get("/").get_data(as_text=True)


def save_in(app: Flask, title: str, when) -> int:
    with app.app_context():
        author = db.session.scalars(db.select(Author)).first()
        topic_id = db.session.scalars(db.select(Article.topic_id)).first()
        article = save_article(
            None, ArticleInput(title, "", "Body", topic_id), by=author, publish=True, now=when
        )
        return article.id


def change_in(app: Flask, article_id: int, action, when) -> None:
    with app.app_context():
        article = db.session.get_one(Article, article_id)
        if action == "edit":
            data = ArticleInput.of(article)
            save_article(
                article,
                ArticleInput("Edited title", data.summary, data.body_markdown, data.topic_id,
                             data.slug),
                by=article.author,
                publish=True,
                now=when,
            )  # fmt: skip
        else:
            action(article, by=article.author, now=when)


def test_every_change_shows_on_the_next_page_in_another_worker_without_redis(make_app, publish):
    publish("Kept guide", when=START)
    worker_a, worker_b = make_app(), make_app()
    reader = worker_a.test_client()
    home, topic = "/", f"/topics/{TOPIC}"
    assert "Kept guide" in reader.get(home).get_data(as_text=True)

    new_id = save_in(worker_b, "Fresh guide", START + days(1))
    assert "Fresh guide" in reader.get(home).get_data(as_text=True)
    assert "Fresh guide" in reader.get(topic).get_data(as_text=True)
    assert reader.get("/fresh-guide").status_code == 200

    change_in(worker_b, new_id, "edit", START + days(2))
    assert "Edited title" in reader.get("/fresh-guide").get_data(as_text=True)
    change_in(worker_b, new_id, unpublish, START + days(3))
    assert reader.get("/fresh-guide").status_code == 404
    assert "Edited title" not in reader.get(topic).get_data(as_text=True)
    doomed_id = save_in(worker_b, "Doomed guide", START + days(4))
    assert "Doomed guide" in reader.get(home).get_data(as_text=True)
    change_in(worker_b, doomed_id, delete, START + days(5))
    assert "Doomed guide" not in reader.get(home).get_data(as_text=True)
    assert reader.get("/doomed-guide").status_code == 404

    with worker_b.app_context():
        renamed = db.session.scalars(select(Topic).where(Topic.slug == TOPIC)).one()
        data = replace(TopicInput.of(renamed), title="Depression that lingers", slug="lingering")
        save_topic(renamed, data, by=None, now=START + days(6))
    assert "Depression that lingers" in reader.get(home).get_data(as_text=True)
    assert "/topics/lingering" in reader.get("/sitemap.xml").get_data(as_text=True)


def test_static_urls_carry_a_content_hash_and_are_immutable(client):
    home = client.get("/").get_data(as_text=True)
    link = re.search(r'href="(/static/site\.css\?v=([0-9a-f]{12}))"', home)
    assert link, "the stylesheet link carries a fingerprint"
    with client.get(link.group(1)) as response:
        assert response.status_code == 200
        cache_control = response.headers["Cache-Control"]
    assert "immutable" in cache_control and "max-age=31536000" in cache_control
    assert "public" in cache_control
    with client.get("/static/site.css?v=000000000000") as stale:
        assert "immutable" not in stale.headers.get("Cache-Control", "")
