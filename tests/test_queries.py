"""The read side answers from indexes, so listings stay fast at 100,000 articles."""

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select, text

from blog import create_app, queries
from blog.extensions import db
from blog.models import Article, Topic


@pytest.fixture
def migrated_sqlite(tmp_path):
    app = create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'plans.sqlite3'}"}
    )
    with app.app_context():
        upgrade()
        yield app
        db.engine.dispose()


def plan(statement) -> str:
    compiled = statement.compile(db.engine, compile_kwargs={"literal_binds": True})
    rows = db.session.execute(text(f"EXPLAIN QUERY PLAN {compiled}")).all()
    return "\n".join(row[-1] for row in rows)


def test_listing_and_lookups_use_indexes_not_table_scans(migrated_sqlite):
    topic = Topic(id=1, slug="t", title="T")
    plans = {
        "topic page": plan(queries.topic_articles(topic).limit(10)),
        "topic page count": plan(
            select(func.count()).select_from(
                queries.topic_articles(topic).order_by(None).subquery()
            )
        ),
        "home page": plan(queries.published_articles().limit(10)),
        "article by slug": plan(queries.published_articles().where(Article.slug == "x")),
        "topic feed Last-Modified": plan(
            select(func.max(Article.updated_at)).where(
                Article.published_at.is_not(None), Article.topic_id == 1
            )
        ),
    }
    for name, query_plan in plans.items():
        assert "SCAN articles" not in query_plan, f"{name} scans the table:\n{query_plan}"
        assert "TEMP B-TREE" not in query_plan, f"{name} sorts in memory:\n{query_plan}"
    assert "ix_articles_topic_visible" in plans["topic page"]
    assert "COVERING INDEX ix_articles_topic_visible" in plans["topic page count"]
    assert "ix_articles_visible" in plans["home page"]
    assert "ix_articles_topic_changes" in plans["topic feed Last-Modified"]
