"""The Alembic migrations build the whole schema from nothing, and take it down again."""

import logging
import os
from datetime import UTC, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import MetaData, func, insert, inspect, select, text

from blog import create_app
from blog.extensions import db
from blog.models import (
    Article,
    ArticleEvent,
    ArticleRevision,
    Author,
    GlossaryTerm,
    Topic,
    TopicRevision,
)
from blog.search_index import include_object, is_index_table
from tests.conftest import postgresql_options, reset_postgresql_schema
from tests.helpers import TEST_DATABASE_URL

TABLES = set(db.metadata.tables)
MIGRATION_SCHEMA = f"blog_migration_tests_{os.getpid()}"


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database_app(request, tmp_path):
    config = {"TESTING": True}
    if request.param == "postgresql":
        if not TEST_DATABASE_URL:
            pytest.skip("TEST_DATABASE_URL is not set; PostgreSQL migrations not tested")
        reset_postgresql_schema(MIGRATION_SCHEMA)
        config["SQLALCHEMY_DATABASE_URI"] = TEST_DATABASE_URL
        config["SQLALCHEMY_ENGINE_OPTIONS"] = postgresql_options(MIGRATION_SCHEMA)
    else:
        config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    app = create_app(config)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    if request.param == "postgresql":
        reset_postgresql_schema(MIGRATION_SCHEMA, create=False)


def table_names(app) -> set[str]:
    """The tables the models describe; the search index (see index_tables) is apart."""
    with app.app_context():
        names = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
    return {name for name in names if not is_index_table(name)}


def index_tables(app) -> set[str]:
    with app.app_context():
        return {name for name in inspect(db.engine).get_table_names() if is_index_table(name)}


def test_upgrade_from_empty_creates_a_schema_matching_the_models(empty_database_app):
    app = empty_database_app
    assert table_names(app) == set()
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"include_object": include_object}
            )
            differences = compare_metadata(context, db.metadata)
    assert table_names(app) == TABLES
    assert "article_search" in index_tables(app)
    assert differences == [], "the models changed without a migration"


def test_downgrade_removes_everything_and_upgrade_works_again(empty_database_app):
    app = empty_database_app
    with app.app_context():
        upgrade()
        downgrade(revision="base")
    assert table_names(app) == set()
    assert index_tables(app) == set()
    with app.app_context():
        upgrade()
    assert table_names(app) == TABLES


def test_listing_and_slug_lookups_are_indexed(empty_database_app):
    app = empty_database_app
    with app.app_context():
        upgrade()
        inspector = inspect(db.engine)
        indexes = {
            index["name"]: index["column_names"] for index in inspector.get_indexes("articles")
        }
        unique = {tuple(c["column_names"]) for c in inspector.get_unique_constraints("articles")}
    listing = ["status", "published_at", "id", "deleted_at"]
    assert indexes["ix_articles_topic_visible"] == ["topic_id", *listing]
    assert indexes["ix_articles_visible"] == listing
    assert ("slug",) in unique


def test_upgrading_a_database_with_content_stamps_each_topic_with_its_last_change(
    empty_database_app,
):
    app = empty_database_app
    with app.app_context():
        upgrade(revision="265be41f239b")
        # The models describe the newest schema, so insert through the tables as they are
        # at this revision. Their column types bind the datetimes, storing them exactly as
        # the app would (sqlite3's own datetime adapter is deprecated since Python 3.12).
        with db.engine.begin() as connection:
            old = MetaData()
            old.reflect(connection, only=["authors", "topics", "articles"])
            connection.execute(
                insert(old.tables["authors"]),
                {
                    "id": 1,
                    "username": "a",
                    "display_name": "A",
                    "password_hash": "!",
                    "is_editor": False,
                    "created_at": datetime(2025, 1, 1, tzinfo=UTC),
                },
            )
            connection.execute(
                insert(old.tables["topics"]),
                [
                    {
                        "id": topic_id,
                        "slug": f"t{topic_id}",
                        "title": "T",
                        "intro_markdown": "",
                        "intro_html": "",
                        "created_at": datetime(2025, 1, 1, tzinfo=UTC),
                    }
                    for topic_id in (1, 2)
                ],
            )
            connection.execute(
                insert(old.tables["articles"]),
                {
                    "slug": "a",
                    "title": "A",
                    "summary": "",
                    "body_markdown": "",
                    "body_html": "",
                    "status": "published",
                    "created_at": datetime(2025, 3, 1, tzinfo=UTC),
                    "updated_at": datetime(2025, 3, 9, tzinfo=UTC),
                    "published_at": datetime(2025, 3, 1, tzinfo=UTC),
                    "author_id": 1,
                    "topic_id": 1,
                },
            )
        upgrade()
        stamps = dict(db.session.execute(select(Topic.slug, Topic.feed_changed_at)).all())
    assert stamps == {
        "t1": datetime(2025, 3, 9, tzinfo=UTC),
        "t2": datetime(2025, 1, 1, tzinfo=UTC),
    }


def test_upgrading_gives_existing_articles_a_record_of_each_saved_version(empty_database_app):
    app = empty_database_app
    day = {n: datetime(2025, 3, n, tzinfo=UTC) for n in (1, 2)}
    with app.app_context():
        upgrade(revision="7c1d4e2a9b30")
        with db.engine.begin() as connection:
            old = MetaData()
            old.reflect(connection)
            rows = {
                "authors": {"id": 1, "username": "a", "display_name": "A", "password_hash": "!",
                            "is_editor": False, "created_at": day[1]},
                "topics": {"id": 1, "slug": "t", "title": "T", "intro_markdown": "",
                           "intro_html": "", "created_at": day[1], "feed_changed_at": day[1]},
                "articles": {"id": 1, "slug": "a", "title": "A", "summary": "",
                             "body_markdown": "", "body_html": "", "status": "published",
                             "created_at": day[1], "updated_at": day[2], "published_at": day[2],
                             "author_id": 1, "topic_id": 1},
            }  # fmt: skip
            for table, row in rows.items():
                connection.execute(insert(old.tables[table]), row)
            connection.execute(
                insert(old.tables["article_revisions"]),
                [
                    {"article_id": 1, "number": n, "title": "A", "slug": "a", "summary": "",
                     "body_markdown": "", "status": status, "topic_id": 1, "saved_by_id": 1,
                     "created_at": day[n]}
                    for n, status in ((1, "draft"), (2, "published"))
                ],
            )  # fmt: skip
        upgrade()
        events = db.session.execute(
            select(ArticleEvent.action, ArticleEvent.by_id, ArticleEvent.created_at).order_by(
                ArticleEvent.id
            )
        ).all()
        db.session.remove()  # let go of the tables before they are dropped
        downgrade(revision="7c1d4e2a9b30")
        assert "article_events" not in table_names(app)
        assert db.session.scalar(select(func.count()).select_from(ArticleRevision)) == 2
        db.session.remove()
    assert [tuple(event) for event in events] == [
        ("saved as a draft", 1, datetime(2025, 3, 1, tzinfo=UTC)),
        ("published", 1, datetime(2025, 3, 2, tzinfo=UTC)),
    ]


def test_upgrading_stores_every_username_in_its_normal_form_and_keeps_them_distinct(
    empty_database_app, caplog
):
    app = empty_database_app
    when = datetime(2025, 1, 1, tzinfo=UTC)
    stored = {1: "Ada", 2: "ada", 3: "Car\u00adol", 4: "  Grace\u200b ", 5: "ZOË", 6: "\x01"}
    with app.app_context():
        upgrade(revision="3f8a6c1d2e47")
        with db.engine.begin() as connection:
            old = MetaData()
            old.reflect(connection, only=["authors"])
            connection.execute(
                insert(old.tables["authors"]),
                [
                    {"id": author_id, "username": username, "display_name": username,
                     "password_hash": "!", "is_editor": False, "created_at": when}
                    for author_id, username in stored.items()
                ],
            )  # fmt: skip
        # env.py's fileConfig replaces the root logger's handlers, caplog's among them.
        migration_log = logging.getLogger("blog.migrations")
        migration_log.addHandler(caplog.handler)
        try:
            upgrade()
        finally:
            migration_log.removeHandler(caplog.handler)
        usernames = dict(db.session.execute(select(Author.id, Author.username)).all())
        db.session.remove()
        downgrade(revision="3f8a6c1d2e47")
        assert "login_attempts" not in table_names(app)
        db.session.remove()
    assert usernames == {1: "ada-1", 2: "ada", 3: "carol", 4: "grace", 5: "zoë", 6: "author"}
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 2
    assert "Username 'Ada' (account 1)" in warnings[0] and "now 'ada-1'" in warnings[0]


def test_editorial_upgrades_keep_existing_accounts_and_articles_and_downgrade(
    empty_database_app,
):
    app = empty_database_app
    when = datetime(2025, 3, 1, tzinfo=UTC)
    with app.app_context():
        upgrade(revision="3f8a6c1d2e47")
        with db.engine.begin() as connection:
            old = MetaData()
            old.reflect(connection)
            rows = {
                "authors": {"id": 1, "username": "ada", "display_name": "Ada", "password_hash": "!",
                            "is_editor": True, "created_at": when},
                "topics": {"id": 1, "slug": "t", "title": "T", "intro_markdown": "",
                           "intro_html": "", "created_at": when, "feed_changed_at": when},
                "articles": {"id": 1, "slug": "a", "title": "A", "summary": "",
                             "body_markdown": "Kept.", "body_html": "<p>Kept.</p>",
                             "status": "published", "created_at": when, "updated_at": when,
                             "published_at": when, "author_id": 1, "topic_id": 1},
            }  # fmt: skip
            for table, row in rows.items():
                connection.execute(insert(old.tables[table]), row)
        upgrade()
        author = db.session.scalars(select(Author)).one()
        article = db.session.scalars(select(Article)).one()
        assert (author.is_active, author.session_version) == (True, 1)
        assert (article.body_html, article.pending_revision) == ("<p>Kept.</p>", None)
        assert article.is_visible_at(when)
        db.session.remove()
        downgrade(revision="3f8a6c1d2e47")
        assert "password_links" not in table_names(app)
        kept = db.session.execute(text("SELECT username FROM authors")).scalars().all()
        assert kept == ["ada"]
        assert db.session.execute(text("SELECT body_markdown FROM articles")).scalar() == "Kept."
        db.session.remove()


def test_upgrading_adds_the_cache_generations_and_downgrading_removes_them(empty_database_app):
    from blog.cache.generations import DatabaseGenerations

    app = empty_database_app
    day = datetime(2025, 3, 1, tzinfo=UTC)
    with app.app_context():
        upgrade(revision="3f8a6c1d2e47")
        with db.engine.begin() as connection:
            old = MetaData()
            old.reflect(connection, only=["topics"])
            topic = {"id": 1, "slug": "t", "title": "T", "intro_markdown": "", "intro_html": "",
                     "created_at": day, "feed_changed_at": day}  # fmt: skip
            connection.execute(insert(old.tables["topics"]), topic)
        upgrade()
        generations = DatabaseGenerations(db.engine)
        generations.bump(["pages", "topic:t"])
        generations.bump(["pages"])
        counted = [generations.current(scope) for scope in ("pages", "topic:t", "site")]
        downgrade(revision="3f8a6c1d2e47")
        assert "cache_generations" not in table_names(app)
        assert db.session.scalar(select(func.count()).select_from(Topic)) == 1
        db.session.remove()
    assert counted == [2, 1, 0]


def test_upgrading_orders_topics_by_title_and_keeps_their_text_as_version_one(
    empty_database_app,
):
    app = empty_database_app
    day = datetime(2025, 3, 1, tzinfo=UTC)
    with app.app_context():
        upgrade(revision="9d1c5e7f3a28")
        with db.engine.begin() as connection:
            old = MetaData()
            old.reflect(connection, only=["authors", "topics", "articles"])
            connection.execute(
                insert(old.tables["authors"]),
                {"id": 1, "username": "a", "display_name": "A", "password_hash": "!",
                 "is_editor": True, "created_at": day},
            )  # fmt: skip
            connection.execute(
                insert(old.tables["topics"]),
                [
                    {"id": topic_id, "slug": slug, "title": title, "intro_markdown": f"*{title}*",
                     "intro_html": f"<p><em>{title}</em></p>", "created_at": day,
                     "feed_changed_at": day}
                    for topic_id, slug, title in ((1, "zinc", "Zinc"), (2, "anxiety", "Anxiety"))
                ],
            )  # fmt: skip
            connection.execute(
                insert(old.tables["articles"]),
                {"id": 1, "slug": "a", "title": "A", "summary": "", "body_markdown": "",
                 "body_html": "", "status": "published", "created_at": day, "updated_at": day,
                 "published_at": day, "author_id": 1, "topic_id": 1},
            )  # fmt: skip
        upgrade()
        topics = db.session.execute(
            select(Topic.slug, Topic.position, Topic.description, Topic.deleted_at).order_by(
                Topic.position
            )
        ).all()
        revisions = db.session.execute(
            select(
                TopicRevision.topic_id,
                TopicRevision.number,
                TopicRevision.title,
                TopicRevision.slug,
                TopicRevision.description,
                TopicRevision.intro_markdown,
                TopicRevision.saved_by_id,
                TopicRevision.created_at,
            ).order_by(TopicRevision.topic_id)
        ).all()
        db.session.remove()
        downgrade(revision="9d1c5e7f3a28")
        assert not {"topic_revisions", "topic_slug_redirects"} & table_names(app)
        with db.engine.connect() as connection:
            old = MetaData()
            old.reflect(connection, only=["topics"])
            kept = connection.execute(select(old.tables["topics"])).all()
        db.session.remove()
    assert [tuple(topic) for topic in topics] == [("anxiety", 1, "", None), ("zinc", 2, "", None)]
    assert [tuple(revision) for revision in revisions] == [
        (1, 1, "Zinc", "zinc", "", "*Zinc*", None, day),
        (2, 1, "Anxiety", "anxiety", "", "*Anxiety*", None, day),
    ]
    assert sorted((row.slug, row.intro_html) for row in kept) == [
        ("anxiety", "<p><em>Anxiety</em></p>"),
        ("zinc", "<p><em>Zinc</em></p>"),
    ]


def test_upgrading_adds_an_empty_glossary_that_records_its_editor_and_downgrading_drops_it(
    empty_database_app,
):
    app = empty_database_app
    day = datetime(2025, 3, 1, tzinfo=UTC)
    with app.app_context():
        upgrade(revision="b7e4a1c9d260")
        with db.engine.begin() as connection:
            old = MetaData()
            old.reflect(connection, only=["authors"])
            connection.execute(
                insert(old.tables["authors"]),
                {"id": 1, "username": "ed", "display_name": "Ed", "password_hash": "!",
                 "is_editor": True, "created_at": day, "is_active": True, "session_version": 1},
            )  # fmt: skip
        upgrade(revision="f6048227e2d0")
        assert db.session.scalar(select(func.count()).select_from(GlossaryTerm)) == 0
        db.session.add(
            GlossaryTerm(
                slug="maoi",
                term="MAOI",
                synonyms="Monoamine oxidase inhibitor",
                definition="A type of antidepressant.",
                created_at=day,
                updated_at=day,
                updated_by_id=1,
            )
        )
        db.session.commit()
        term = db.session.scalars(select(GlossaryTerm)).one()
        saved = (term.names, term.explanation_html, term.updated_by_id, term.updated_at)
        db.session.remove()
        downgrade(revision="b7e4a1c9d260")
        assert "glossary_terms" not in table_names(app)
        kept = db.session.execute(text("SELECT username FROM authors")).scalars().all()
        db.session.remove()
    assert saved == (["MAOI", "Monoamine oxidase inhibitor"], "", 1, day)
    assert kept == ["ed"]


def test_upgrading_adds_notices_and_material_updates_keeping_rows_and_downgrade_drops_them(
    empty_database_app,
):
    app = empty_database_app
    day = datetime(2025, 3, 1, tzinfo=UTC)
    with app.app_context():
        upgrade(revision="b7e4a1c9d260")
        with db.engine.begin() as connection:
            old = MetaData()
            old.reflect(connection)
            rows = {
                "authors": {"id": 1, "username": "ada", "display_name": "Ada", "password_hash": "!",
                            "is_editor": True, "is_active": True, "session_version": 1,
                            "created_at": day},
                "topics": {"id": 1, "slug": "t", "title": "T", "description": "",
                           "intro_markdown": "", "intro_html": "", "position": 1,
                           "created_at": day, "feed_changed_at": day},
                "articles": {"id": 1, "slug": "a", "title": "A", "summary": "",
                             "body_markdown": "Kept.", "body_html": "<p>Kept.</p>",
                             "status": "published", "created_at": day, "updated_at": day,
                             "published_at": day, "author_id": 1, "topic_id": 1},
                "article_revisions": {"id": 1, "article_id": 1, "number": 1, "title": "A",
                                      "slug": "a", "summary": "", "body_markdown": "Kept.",
                                      "status": "published", "topic_id": 1, "saved_by_id": 1,
                                      "created_at": day},
            }  # fmt: skip
            for table, row in rows.items():
                connection.execute(insert(old.tables[table]), row)
        upgrade(revision="028c4bdf7cc8")
        # Core, not the models: later migrations add columns the models already have.
        with db.engine.begin() as connection:
            now = MetaData()
            now.reflect(connection)
            topics, articles = now.tables["topics"], now.tables["articles"]
            revisions = now.tables["article_revisions"]
            topic = connection.execute(select(topics)).one()
            article = connection.execute(select(articles)).one()
            revision = connection.execute(select(revisions)).one()
            assert not topic.is_mental_health, "no crisis notice until an editor asks for one"
            assert (article.last_material_update_at, article.material_update_note) == (None, None)
            assert (article.body_html, revision.material_update_note) == ("<p>Kept.</p>", None)
            connection.execute(insert(now.tables["site_settings"]),
                               {"key": "medical_disclaimer", "value": "Ours.",
                                "html": "<p>Ours.</p>", "updated_at": day,
                                "updated_by_id": 1})  # fmt: skip
            connection.execute(topics.update().values(is_mental_health=True))
            connection.execute(
                articles.update().values(
                    last_material_update_at=day, material_update_note="Changed."
                )
            )
        downgrade(revision="b7e4a1c9d260")
        assert "site_settings" not in table_names(app)
        with db.engine.connect() as connection:
            old = MetaData()
            old.reflect(connection, only=["topics", "articles", "article_revisions"])
            for table in old.tables.values():
                assert not {"is_mental_health", "last_material_update_at",
                            "material_update_note"} & set(table.c.keys())  # fmt: skip
            kept = connection.execute(select(old.tables["articles"].c.body_markdown)).scalar()
            assert kept == "Kept."
            assert connection.execute(select(old.tables["topics"].c.slug)).scalar() == "t"
        db.session.remove()


def test_upgrading_adds_profiles_and_review_columns_empty_and_downgrading_removes_them(
    empty_database_app,
):
    app = empty_database_app
    day = datetime(2025, 3, 1, tzinfo=UTC)
    with app.app_context():
        upgrade(revision="b7e4a1c9d260")
        with db.engine.begin() as connection:
            old = MetaData()
            old.reflect(connection, only=["authors", "topics", "articles"])
            connection.execute(
                insert(old.tables["authors"]),
                {"id": 1, "username": "ada", "display_name": "Ada", "password_hash": "!",
                 "is_editor": True, "is_active": True, "session_version": 1, "created_at": day},
            )  # fmt: skip
            connection.execute(
                insert(old.tables["topics"]),
                {"id": 1, "slug": "t", "title": "T", "intro_markdown": "", "intro_html": "",
                 "created_at": day, "feed_changed_at": day, "description": "", "position": 1},
            )  # fmt: skip
            connection.execute(
                insert(old.tables["articles"]),
                {"id": 1, "slug": "a", "title": "A", "summary": "", "body_markdown": "Kept.",
                 "body_html": "<p>Kept.</p>", "status": "published", "created_at": day,
                 "updated_at": day, "published_at": day, "author_id": 1, "topic_id": 1,
                 "pending_revision": None},
            )  # fmt: skip
        upgrade()
        author = db.session.scalars(select(Author)).one()
        article = db.session.scalars(select(Article)).one()
        topic = db.session.scalars(select(Topic)).one()
        profile = (
            author.credentials,
            author.role_title,
            author.bio_html,
            author.is_clinical_reviewer,
        )
        review = (article.reviewer_id, article.last_reviewed_at, article.next_review_due)
        interval = topic.review_interval_months
        body = article.body_html
        # The new columns work: a review can be recorded on the upgraded rows.
        author.is_clinical_reviewer = True
        article.reviewer_id, article.last_reviewed_at = 1, day
        db.session.commit()
        db.session.remove()
        downgrade(revision="b7e4a1c9d260")
        inspector = inspect(db.engine)
        article_columns = {column["name"] for column in inspector.get_columns("articles")}
        author_columns = {column["name"] for column in inspector.get_columns("authors")}
        topic_columns = {column["name"] for column in inspector.get_columns("topics")}
        kept = db.session.execute(text("SELECT body_markdown FROM articles")).scalar()
        db.session.remove()
    assert profile == ("", "", "", False)
    assert review == (None, None, None)
    assert (interval, body) == (None, "<p>Kept.</p>")
    assert not {"reviewer_id", "last_reviewed_at", "next_review_due"} & article_columns
    assert not {"credentials", "role_title", "bio_markdown", "bio_html"} & author_columns
    assert "is_clinical_reviewer" not in author_columns
    assert "review_interval_months" not in topic_columns
    assert kept == "Kept."


def test_upgrading_adds_the_image_library_with_no_lead_images_and_downgrading_drops_it(
    empty_database_app,
):
    from blog.models import Media

    app = empty_database_app
    day = datetime(2025, 3, 1, tzinfo=UTC)
    with app.app_context():
        upgrade(revision="b7e4a1c9d260")
        with db.engine.begin() as connection:
            old = MetaData()
            old.reflect(connection, only=["authors", "topics", "articles", "article_revisions"])
            connection.execute(
                insert(old.tables["authors"]),
                {"id": 1, "username": "a", "display_name": "A", "password_hash": "!",
                 "is_editor": True, "is_active": True, "session_version": 1, "created_at": day},
            )  # fmt: skip
            connection.execute(
                insert(old.tables["topics"]),
                {"id": 1, "slug": "t", "title": "T", "intro_markdown": "", "intro_html": "",
                 "created_at": day, "feed_changed_at": day},
            )  # fmt: skip
            connection.execute(
                insert(old.tables["articles"]),
                {"id": 1, "slug": "a", "title": "A", "summary": "", "body_markdown": "Kept.",
                 "body_html": "<p>Kept.</p>", "status": "published", "created_at": day,
                 "updated_at": day, "published_at": day, "author_id": 1, "topic_id": 1},
            )  # fmt: skip
            connection.execute(
                insert(old.tables["article_revisions"]),
                {"id": 1, "article_id": 1, "number": 1, "title": "A", "slug": "a", "summary": "",
                 "body_markdown": "Kept.", "status": "published", "topic_id": 1,
                 "saved_by_id": 1, "created_at": day},
            )  # fmt: skip
        upgrade()
        article = db.session.scalars(select(Article)).one()
        revision = db.session.scalars(select(ArticleRevision)).one()
        leads = (article.lead_image_id, revision.lead_image_id)
        db.session.add(
            Media(hash="0" * 24, alt_text="A chart", width=10, height=10, fallback="jpg",
                  original_format="JPEG", original_width=10, original_height=10,
                  original_bytes=100, uploaded_by_id=1, created_at=day)
        )  # fmt: skip
        db.session.flush()
        article.lead_image_id = revision.lead_image_id = db.session.scalars(select(Media.id)).one()
        db.session.commit()
        db.session.remove()
        downgrade(revision="b7e4a1c9d260")
        assert not {"media", "media_variants"} & table_names(app)
        with db.engine.connect() as connection:
            old = MetaData()
            old.reflect(connection, only=["articles"])
            kept = connection.execute(select(old.tables["articles"])).one()
        db.session.remove()
    assert leads == (None, None)
    assert (kept.body_markdown, kept.status) == ("Kept.", "published")
    assert "lead_image_id" not in kept._fields


def test_upgrading_indexes_published_articles_for_search_and_downgrading_drops_the_index(
    empty_database_app,
):
    from blog import queries

    app = empty_database_app
    day = datetime(2025, 3, 1, tzinfo=UTC)
    with app.app_context():
        upgrade(revision="d713ae4602ce")
        with db.engine.begin() as connection:
            old = MetaData()
            old.reflect(connection, only=["authors", "topics", "articles"])
            connection.execute(
                insert(old.tables["authors"]),
                {"id": 1, "username": "a", "display_name": "A", "password_hash": "!",
                 "is_editor": False, "is_active": True, "session_version": 1, "created_at": day},
            )  # fmt: skip
            connection.execute(
                insert(old.tables["topics"]),
                {"id": 1, "slug": "t", "title": "T", "intro_markdown": "", "intro_html": "",
                 "created_at": day, "feed_changed_at": day, "description": "", "position": 0},
            )  # fmt: skip
            articles = [
                ("lithium-levels", "published", None, "<p>Lithium &amp; your <em>kidneys</em></p>"),
                ("lithium-draft", "draft", None, "<p>Lithium draft</p>"),
                ("lithium-deleted", "published", day, "<p>Lithium gone</p>"),
            ]
            connection.execute(
                insert(old.tables["articles"]),
                [
                    {"slug": slug, "title": slug.replace("-", " "), "summary": "",
                     "body_markdown": "", "body_html": html, "status": status,
                     "created_at": day, "updated_at": day, "published_at": day,
                     "deleted_at": deleted_at, "author_id": 1, "topic_id": 1}
                    for slug, status, deleted_at, html in articles
                ],
            )  # fmt: skip
        upgrade()
        found = [hit.article.slug for hit in queries.search("kidney", page=1, per_page=10).hits]
        lithium = [hit.article.slug for hit in queries.search("lithium", page=1, per_page=10).hits]
        snippet = queries.search("kidneys", page=1, per_page=10).hits[0].snippet
        db.session.remove()
        downgrade(revision="d713ae4602ce")
    assert found == ["lithium-levels"]
    assert lithium == ["lithium-levels"]
    assert "Lithium &amp; your <mark>kidneys</mark>" in snippet
    assert index_tables(app) == set()
    assert "articles" in table_names(app)


def test_upgrading_leaves_accounts_unchanged_since_opened_and_downgrading_drops_the_stamp(
    empty_database_app,
):
    app = empty_database_app
    made = datetime(2025, 3, 1, tzinfo=UTC)
    with app.app_context():
        upgrade(revision="f45aa389eaa7")
        with db.engine.begin() as connection:
            old = MetaData()
            old.reflect(connection, only=["authors"])
            connection.execute(
                insert(old.tables["authors"]),
                {"id": 1, "username": "ada", "display_name": "Ada", "password_hash": "!",
                 "is_editor": True, "is_active": True, "session_version": 1, "created_at": made,
                 "credentials": "", "role_title": "", "bio_markdown": "", "bio_html": "",
                 "is_clinical_reviewer": False},
            )  # fmt: skip
        upgrade(revision="bdef5e363284")
        with db.engine.connect() as connection:
            stamped = connection.execute(text("SELECT changed_at FROM authors")).scalar()
        downgrade(revision="f45aa389eaa7")
        with db.engine.connect() as connection:
            columns = {column["name"] for column in inspect(connection).get_columns("authors")}
            kept = connection.execute(text("SELECT username FROM authors")).scalars().all()
    assert stamped is None
    assert "changed_at" not in columns and kept == ["ada"]
