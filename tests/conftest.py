"""Fixtures: an app on a fresh database per test, on SQLite and, when configured, PostgreSQL."""

import os
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from hypothesis import settings
from sqlalchemy import create_engine, event, text
from werkzeug.security import generate_password_hash

from blog import create_app
from blog.extensions import db
from blog.models import Article, Author, Topic
from blog.publishing import ArticleInput, save_article
from blog.reviews import mark_reviewed
from blog.topics import create_topic
from tests.forms import AuthActions
from tests.helpers import PASSWORD, SITE_URL, START, TEST_DATABASE_URL, days

# Property tests draw the same examples on every run, and keep no example database.
settings.register_profile("blog", derandomize=True, database=None, deadline=None)
settings.load_profile("blog")

# Schemas of this run's own, so two test runs on one PostgreSQL never wait on each other.
PG_SCHEMA = f"blog_tests_{os.getpid()}"
BACKENDS = ["sqlite"] + (["postgresql"] if TEST_DATABASE_URL else [])

# Hashing is slow on purpose; tests reuse one cheap hash.
PASSWORD_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")


def postgresql_options(schema: str) -> dict:
    """Engine options that keep a test's tables in their own PostgreSQL schema."""
    return {"connect_args": {"options": f"-csearch_path={schema}"}}


def reset_postgresql_schema(schema: str, *, create: bool = True) -> None:
    """Empty ``schema`` by dropping it, then (unless ``create`` is false) make it anew."""
    assert TEST_DATABASE_URL
    engine = create_engine(TEST_DATABASE_URL)
    with engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        if create:
            connection.execute(text(f"CREATE SCHEMA {schema}"))
    engine.dispose()


@pytest.fixture(scope="session")
def postgresql_tables() -> Iterator[None]:
    """Create the schema's tables once per run; each test then empties them."""
    reset_postgresql_schema(PG_SCHEMA)
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": TEST_DATABASE_URL,
            "SQLALCHEMY_ENGINE_OPTIONS": postgresql_options(PG_SCHEMA),
        }
    )
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    yield
    reset_postgresql_schema(PG_SCHEMA, create=False)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def app_config(backend: str, tmp_path, request: pytest.FixtureRequest) -> dict:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test secret",
        "SITE_URL": SITE_URL,
        "SERVER_NAME": None,
        # Tests stand for several processes in one: each must see another's change at once.
        "CACHE_GENERATION_MEMO_SECONDS": 0,
    }
    if backend == "postgresql":
        request.getfixturevalue("postgresql_tables")
        config["SQLALCHEMY_DATABASE_URI"] = TEST_DATABASE_URL
        config["SQLALCHEMY_ENGINE_OPTIONS"] = postgresql_options(PG_SCHEMA)
    else:
        config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tmp_path / 'blog.sqlite3'}"
    return config


@pytest.fixture
def app(app_config: dict, backend: str) -> Iterator[Flask]:
    app = create_app(app_config)
    with app.app_context():
        if backend == "sqlite":
            db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        if backend == "postgresql":
            tables = ", ".join(table.name for table in db.metadata.sorted_tables)
            with db.engine.begin() as connection:
                connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def make_author(app: Flask) -> Callable[..., Author]:
    def make(username: str = "ada", *, editor: bool = False, name: str | None = None) -> Author:
        with app.app_context():
            author = Author(
                username=username,
                display_name=name or username.title(),
                password_hash=PASSWORD_HASH,
                is_editor=editor,
            )
            db.session.add(author)
            db.session.commit()
            db.session.refresh(author)
            db.session.expunge(author)
            return author

    return make


@pytest.fixture
def make_reviewer(make_author, app: Flask) -> Callable[..., Author]:
    """Make an account an editor has marked as a clinical reviewer, with credentials."""

    def make(
        username: str = "rosalind",
        *,
        name: str = "Dr Rosalind Test",
        credentials: str = "MBBS, MRCPsych",
        editor: bool = False,
    ) -> Author:
        author = make_author(username, name=name, editor=editor)
        with app.app_context():
            stored = db.session.get_one(Author, author.id)
            stored.is_clinical_reviewer = True
            stored.credentials = credentials
            db.session.commit()
            db.session.refresh(stored)
            db.session.expunge(stored)
            return stored

    return make


@pytest.fixture
def review(app: Flask) -> Callable[..., Article]:
    """Record a medical review through the write side, returning the article detached."""

    def record(
        article_id: int, reviewer: Author, *, when: datetime | None = None, by: Author | None = None
    ) -> Article:
        with app.app_context():
            article = db.session.get_one(Article, article_id)
            mark_reviewed(
                article,
                reviewer=db.session.get_one(Author, reviewer.id),
                by=db.session.get_one(Author, (by or reviewer).id),
                now=when or START + days(1),
            )
            db.session.refresh(article)
            db.session.expunge_all()
            return article

    return record


@pytest.fixture
def make_topic(app: Flask) -> Callable[..., Topic]:
    def make(slug: str = "treatment-resistant-depression", title: str | None = None) -> Topic:
        with app.app_context():
            topic = create_topic(
                slug,
                title or slug.replace("-", " ").title(),
                "About *this*.",
                now=START - timedelta(days=30),
            )
            db.session.refresh(topic)
            db.session.expunge(topic)
            return topic

    return make


@pytest.fixture
def publish(app: Flask, make_author, make_topic) -> Callable[..., Article]:
    """Save an article through the publishing code, returning it detached."""
    defaults: dict = {}

    def save(
        title: str = "A guide",
        *,
        summary: str = "What it covers.",
        body: str = "Some **careful** text.",
        topic: Topic | None = None,
        author: Author | None = None,
        slug: str = "",
        when: datetime | None = None,
        draft: bool = False,
    ) -> Article:
        if "topic" not in defaults and topic is None:
            defaults["topic"] = make_topic()
        if "author" not in defaults and author is None:
            defaults["author"] = make_author("editorial-test", name="Test Author")
        topic = topic or defaults["topic"]
        author = author or defaults["author"]
        with app.app_context():
            by = db.session.get_one(Author, author.id)
            article = save_article(
                None,
                ArticleInput(title, summary, body, topic.id, slug),
                by=by,
                publish=not draft,
                now=when or START,
            )
            db.session.refresh(article)
            db.session.expunge_all()
            return article

    return save


@pytest.fixture
def revise(app: Flask) -> Callable[..., Article]:
    """Save a new version of an article through the publishing code, returning it detached.

    ``changes`` are ``ArticleInput`` fields (``title``, ``body_markdown``, ``topic_id``...);
    the rest is kept. The article's own author saves it unless ``by`` says otherwise.
    """

    def save(
        article_id: int,
        *,
        by: Author | None = None,
        draft: bool = False,
        when: datetime | None = None,
        **changes,
    ) -> Article:
        with app.app_context():
            article = db.session.get_one(Article, article_id)
            saved = save_article(
                article,
                replace(ArticleInput.of(article), **changes),
                by=db.session.get_one(Author, by.id if by else article.author_id),
                publish=not draft,
                now=when or START + days(40),
            )
            db.session.refresh(saved)
            db.session.expunge_all()
            return saved

    return save


@pytest.fixture
def sql_statements(app: Flask) -> Callable[[], AbstractContextManager[list[str]]]:
    """Return a context manager that collects the SQL statements run inside it."""

    @contextmanager
    def collect() -> Iterator[list[str]]:
        statements: list[str] = []
        with app.app_context():
            engine = db.engine

        def record(connection, cursor, statement, *args) -> None:
            statements.append(statement)

        event.listen(engine, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            event.remove(engine, "before_cursor_execute", record)

    return collect


class SteppedClock:
    """A clock for the app's CLOCK setting that moves only when a test moves it."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, by: timedelta) -> None:
        self.now += by


@pytest.fixture
def clock(app: Flask) -> SteppedClock:
    """Stop the app's clock at START; ``clock.advance(...)`` moves it on."""
    stepped = SteppedClock(START)
    app.config["CLOCK"] = stepped
    return stepped


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    return AuthActions(client)


@pytest.fixture
def ada(make_author) -> Author:
    """An author, logged in by ``auth.login()``."""
    return make_author("ada", name="Ada Lovelace")


@pytest.fixture
def make_app(app_config: dict) -> Iterator[Callable[..., Flask]]:
    """Build more apps on the test's database, as further server processes would be."""
    apps: list[Flask] = []

    def make(**overrides) -> Flask:
        extra = create_app({**app_config, **overrides})
        apps.append(extra)
        return extra

    yield make
    for extra in apps:
        with extra.app_context():
            db.engine.dispose()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--regen-golden",
        action="store_true",
        default=False,
        help="rewrite tests/golden/ from the current output instead of comparing with it",
    )
