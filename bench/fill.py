"""A benchmark database: migrated from empty and filled with published articles."""

from datetime import UTC, datetime, timedelta

from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import MetaData, insert, text

from blog import create_app
from blog.content import render_markdown
from blog.extensions import db
from blog.models import PUBLISHED, Article, Author, Topic

TOPIC = "treatment-resistant-depression"
BODY = "\n\n".join(
    [
        "## Why it matters",
        "Lithium is **cleared** by the kidneys, so your prescriber checks blood levels.",
        "- Drink enough fluid\n- Keep appointments\n- Ask before new medicines",
    ]
)


def oldest_topic_page(count: int) -> str:
    """Return the address of the ten oldest guides of ``TOPIC`` in a database ``fill`` made.

    Guide ``n`` has id ``n + 1`` and is ``n`` minutes older than the newest; the
    topic holds those with ``n % 10`` not 0. Its oldest page lists what is older
    than the eleventh oldest of them: the deepest place a reader's older links reach.
    """
    oldest_first = [n for n in range(count - 1, -1, -1) if n % 10]
    return f"/topics/{TOPIC}?before={oldest_first[10] + 1}"


def build_app(database_url: str | None, folder: str) -> Flask:
    return create_app(
        {
            "SECRET_KEY": "bench",
            "SITE_URL": "https://bench.example",
            # The test client names the server "localhost".
            "EXTRA_TRUSTED_HOSTS": ["localhost"],
            # The benchmark is one address searching as fast as it can.
            "SEARCH_REQUESTS_LIMIT": 10**9,
            "SQLALCHEMY_DATABASE_URI": database_url or f"sqlite:///{folder}/bench.sqlite3",
        }
    )


def fill(app: Flask, count: int) -> None:
    """Migrate from empty and insert ``count`` published articles, most in one topic."""
    with app.app_context():
        # Start from empty whatever was there, then build the schema the real way.
        existing = MetaData()
        existing.reflect(db.engine)
        existing.drop_all(db.engine)
        upgrade()
        now = datetime(2025, 11, 20, tzinfo=UTC)
        body_html = render_markdown(BODY)
        db.session.execute(
            insert(Author), [{"username": "bench", "display_name": "Bench", "created_at": now}]
        )
        db.session.execute(
            insert(Topic),
            [
                {"slug": TOPIC, "title": "TRD", "intro_markdown": "", "intro_html": "",
                 "created_at": now},
                {"slug": "other", "title": "Other", "intro_markdown": "", "intro_html": "",
                 "created_at": now},
            ],
        )  # fmt: skip
        rows = []
        for n in range(count):
            when = now - timedelta(minutes=n)
            rows.append(
                {
                    "slug": f"guide-{n}",
                    "title": f"Guide number {n}",
                    "summary": "A summary of the guide that readers see on the topic page.",
                    "body_markdown": BODY,
                    "body_html": body_html,
                    "status": PUBLISHED,
                    "created_at": when,
                    "updated_at": when,
                    "published_at": when,
                    "author_id": 1,
                    # Nine in ten in the main topic: its listing is the one under test.
                    "topic_id": 1 if n % 10 else 2,
                }
            )
            if len(rows) == 5000:
                db.session.execute(insert(Article), rows)
                rows = []
        if rows:
            db.session.execute(insert(Article), rows)
        db.session.commit()
        db.session.commit()
        # Fresh statistics and visibility maps, as autovacuum keeps on a live database.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(
                text("VACUUM ANALYZE" if connection.dialect.name != "sqlite" else "ANALYZE")
            )
