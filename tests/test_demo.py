"""The demo site loads from one command, and loading it twice changes nothing."""

from sqlalchemy import func, select

from blog.demo import ARTICLES, TOPIC_SLUG
from blog.extensions import db
from blog.models import Article, ArticleRevision, Author, Topic, TopicRevision


def snapshot(app) -> list:
    with app.app_context():
        rows = []
        for model in (Author, Topic, Article, ArticleRevision, TopicRevision):
            rows.append(db.session.scalar(select(func.count()).select_from(model)))
        article = db.session.scalar(select(Article).order_by(Article.id))
        topic = db.session.scalar(select(Topic))
        rows += [article.updated_at, article.body_html, topic.intro_html, topic.feed_changed_at]
        return rows


def test_seed_demo_creates_the_topic_and_the_maoi_guide(runner, app, client):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0
    assert f"Created topic {TOPIC_SLUG}." in result.output
    with app.app_context():
        article = db.session.scalar(select(Article).where(Article.slug == ARTICLES[0].slug))
        assert article.state_at(ARTICLES[0].published_at) == "published"
        assert article.published_at == ARTICLES[0].published_at
        assert article.author.password_hash == "!", "the demo byline cannot be logged into"
    assert client.get(f"/{ARTICLES[0].slug}").status_code == 200


def test_running_the_demo_loader_twice_leaves_the_same_rows(runner, app):
    runner.invoke(args=["seed-demo"])
    before = snapshot(app)
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0
    assert "nothing changed" in result.output
    assert snapshot(app) == before
    assert before[:5] == [1, 1, len(ARTICLES), len(ARTICLES), 1]
