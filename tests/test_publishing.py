"""The write side on its own, without HTTP: what each action stores, records and invalidates."""

import pytest
from sqlalchemy import func, select

from blog import cache, publishing, topics
from blog.extensions import db
from blog.models import Article, ArticleEvent, ArticleRevision, Author, Topic
from blog.publishing import ArticleInput, save_article
from blog.rules import MAX_BODY_LENGTH, InvalidInput
from tests.helpers import START, days

TOPIC = "treatment-resistant-depression"


@pytest.fixture
def site(app, make_author, make_topic):
    """An author and a topic, loaded in an app context for the test's body."""
    author_id, topic_id = make_author("ada").id, make_topic(TOPIC).id
    with app.app_context():
        yield db.session.get_one(Author, author_id), db.session.get_one(Topic, topic_id)


@pytest.fixture
def invalidated(app, monkeypatch):
    """Collect the cache scopes the write side invalidates."""
    scopes: list[set[str]] = []
    monkeypatch.setattr(cache, "invalidate", lambda given: scopes.append(set(given)))
    return scopes


def guide(topic: Topic, **fields) -> ArticleInput:
    values = {"title": "A guide", "summary": "", "body_markdown": "Text.", "topic_id": topic.id}
    return ArticleInput(**{**values, **fields})


def record_of(article: Article) -> list[tuple[str, str]]:
    rows = db.session.execute(
        select(ArticleEvent.action, Author.username)
        .join(Author, Author.id == ArticleEvent.by_id)
        .where(ArticleEvent.article_id == article.id)
        .order_by(ArticleEvent.id)
    )
    return [tuple(row) for row in rows]


def revision_count(article: Article) -> int:
    return db.session.scalar(select(func.count()).where(ArticleRevision.article_id == article.id))


def test_every_action_records_who_did_it(site, make_author):
    ada, topic = site
    ed = db.session.get_one(Author, make_author("ed", editor=True).id)
    article = save_article(None, guide(topic), by=ada, publish=False, now=START)
    save_article(article, guide(topic, body_markdown="More."), by=ada, publish=True, now=START)
    publishing.unpublish(article, by=ed, now=START + days(1))
    publishing.delete(article, by=ada, now=START + days(2))
    publishing.undelete(article, by=ed, now=START + days(3))
    first = db.session.scalar(select(ArticleRevision).where(ArticleRevision.number == 1))
    publishing.restore_revision(article, first, by=ed, now=START + days(4))
    assert record_of(article) == [
        ("saved as a draft", "ada"),
        ("published", "ada"),
        ("unpublished", "ed"),
        ("deleted", "ada"),
        ("brought back", "ed"),
        ("saved as a draft", "ed"),
    ]
    assert revision_count(article) == 3, "only saves keep a copy of the text"
    assert article.body_markdown == "Text."


def test_publishing_invalidates_the_pages_the_site_feed_and_its_topic_feed(site, invalidated):
    ada, topic = site
    save_article(None, guide(topic), by=ada, publish=True, now=START)
    assert invalidated == [{cache.SITE_SCOPE, cache.PAGES_SCOPE, cache.topic_scope(TOPIC)}]


def test_a_draft_leaves_every_feed_alone(site, invalidated):
    ada, topic = site
    save_article(None, guide(topic), by=ada, publish=False, now=START)
    assert invalidated == []


def test_moving_a_live_article_invalidates_both_topics(site, invalidated, app):
    ada, topic = site
    other = topics.create_topic("lithium", "Lithium", "", now=START)
    article = save_article(None, guide(topic), by=ada, publish=True, now=START)
    invalidated.clear()
    save_article(article, guide(other), by=ada, publish=True, now=START + days(1))
    assert invalidated == [
        {
            cache.SITE_SCOPE,
            cache.PAGES_SCOPE,
            cache.topic_scope(TOPIC),
            cache.topic_scope("lithium"),
        }
    ]
    assert topic.feed_changed_at == other.feed_changed_at == START + days(1)


def test_a_feed_stamp_never_moves_backwards(site):
    ada, topic = site
    article = save_article(None, guide(topic), by=ada, publish=True, now=START + days(5))
    # A second server whose clock runs behind saves an edit.
    save_article(article, guide(topic, body_markdown="Fix."), by=ada, publish=True, now=START)
    assert topic.feed_changed_at == START + days(5)


@pytest.mark.parametrize(
    "fields, field, message",
    [
        ({"title": " \t "}, "title", "Enter a title."),
        ({"title": "<em>Loud</em>"}, "title", "A title is plain text"),
        ({"summary": "s" * 301}, "summary", "Keep the summary to 300 characters"),
        ({"body_markdown": "b" * (MAX_BODY_LENGTH + 1)}, "body_markdown", "200,000"),
        ({"topic_id": 999}, "topic_id", "Choose one of the listed topics."),
        ({"topic_id": None}, "topic_id", "Choose one of the listed topics."),
        ({"slug": "login"}, "slug", "is a page of the site itself"),
    ],
)
def test_invalid_input_names_the_domain_field_and_stores_nothing(site, fields, field, message):
    ada, topic = site
    with pytest.raises(InvalidInput) as refused:
        save_article(None, guide(topic, **fields), by=ada, publish=True)
    assert message in refused.value.errors[field]
    assert db.session.scalar(select(func.count()).select_from(Article)) == 0


def test_a_slug_in_use_is_refused_with_one_message(site):
    ada, topic = site
    save_article(None, guide(topic, slug="taken"), by=ada, publish=True)
    with pytest.raises(InvalidInput) as refused:
        save_article(None, guide(topic, title="Other", slug="taken"), by=ada, publish=True)
    assert refused.value.errors == {"slug": "“taken” is already in use; choose another slug."}


def test_a_topic_with_a_bad_slug_is_refused_like_an_article(app):
    with app.app_context(), pytest.raises(InvalidInput) as refused:
        topics.create_topic("Not a slug", "Title", "")
    assert set(refused.value.errors) == {"slug"}


def test_input_is_normalised_before_it_is_checked_and_stored(site):
    ada, topic = site
    typed = guide(topic, title="  Two\r\n  lines\x00 ", body_markdown="One\r\nTwo\x07")
    article = save_article(None, typed, by=ada, publish=True)
    assert article.title == "Two lines"
    assert article.body_markdown == "One\nTwo"
    assert article.slug == "two-lines"
