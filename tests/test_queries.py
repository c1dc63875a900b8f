"""The read side answers from indexes, so listings stay fast at 100,000 articles."""

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select, text

from blog import create_app, queries
from blog.extensions import db
from blog.models import Article, Topic
from tests.helpers import START, days


@pytest.fixture
def migrated_sqlite(tmp_path):
    app = create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'plans.sqlite3'}"}
    )
    with app.app_context():
        upgrade()
        yield app
        # Give the session's connection back before disposing of the pool: a connection
        # returned to a pool already disposed of is never closed (ResourceWarning on 3.13).
        db.session.remove()
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
        "home page": plan(queries.visible_articles().limit(10)),
        "article by slug": plan(queries.visible_articles().where(Article.slug == "x")),
    }
    for name, query_plan in plans.items():
        assert "SCAN articles" not in query_plan, f"{name} scans the table:\n{query_plan}"
        assert "TEMP B-TREE" not in query_plan, f"{name} sorts in memory:\n{query_plan}"
    assert "ix_articles_topic_visible" in plans["topic page"]
    assert "COVERING INDEX ix_articles_topic_visible" in plans["topic page count"]
    assert "ix_articles_visible" in plans["home page"]


def test_listing_pages_make_as_many_queries_for_ten_articles_as_for_two(
    app, client, publish, revise, make_author, auth, sql_statements
):
    def count_statements(url: str) -> int:
        with sql_statements() as statements:
            assert client.get(url).status_code == 200
        return len(statements)

    ada = make_author("ada", editor=True)
    early = [publish(f"Early {n}", author=ada, when=START + days(n)) for n in range(2)]
    urls = ["/", "/topics/treatment-resistant-depression", "/feed.xml", "/sitemap.xml"]
    few = {url: count_statements(url) for url in urls}
    for n in range(8):
        publish(f"Later {n}", author=make_author(f"writer{n}"), when=START + days(10 + n))
    many = {url: count_statements(url) for url in urls}
    assert many == few, "a query per listed article (N+1)"

    auth.login("ada")
    article = early[0]
    for n in range(2):
        revise(article.id, body_markdown=f"Version {n}", by=ada)
    few_versions = count_statements(f"/{article.slug}/history")
    for n in range(6):
        revise(article.id, body_markdown=f"Version {n}", by=make_author(f"reviser{n}"))
    assert count_statements(f"/{article.slug}/history") == few_versions
