"""`flask backup` and `flask restore`: a consistent copy while the site serves, and back again."""

import shutil
import sqlite3
import uuid
from contextlib import closing

import pytest
from sqlalchemy import text

from blog.extensions import db
from blog.models import Article, Author
from blog.publishing import delete
from tests.helpers import TEST_DATABASE_URL, TEST_REDIS_URL, requires_redis

TABLES = ("authors", "topics", "articles", "article_revisions", "article_events", "slug_redirects")


def site_rows(app) -> dict[str, list[tuple]]:
    with app.app_context():
        rows = {t: [tuple(r) for r in db.session.execute(text(f"SELECT * FROM {t} ORDER BY 1"))]
                for t in TABLES}  # fmt: skip
        db.session.remove()
        return rows


def change_everything(app, publish) -> None:
    """What happens after a backup: a new article, and an old one deleted."""
    publish("Written after the backup")
    with app.app_context():
        first = db.session.scalars(db.select(Article).order_by(Article.id)).first()
        delete(first, by=db.session.get_one(Author, first.author_id))
        db.session.remove()


@pytest.fixture
def site(app, publish, revise):
    lithium = publish("Lithium and the kidneys", body="Levels are *checked*.")
    revise(lithium.id, title="Lithium and your kidneys")
    publish("Bupropion compared", draft=True)
    return app


@pytest.fixture
def requires_pg_dump(backend):
    if backend == "postgresql" and shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed (apt-get install postgresql-client)")


@pytest.mark.usefixtures("requires_pg_dump")
def test_a_backup_brings_back_articles_revisions_and_events(site, runner, publish, tmp_path):
    original = site_rows(site)
    assert original["article_revisions"] and original["article_events"]
    copy = tmp_path / "site.backup"
    with reader_holding_a_transaction(site):
        backed_up = runner.invoke(args=["backup", str(copy)])
    assert backed_up.exit_code == 0, backed_up.output
    change_everything(site, publish)
    assert site_rows(site) != original

    restored = runner.invoke(args=["restore", str(copy), "--yes"])

    assert restored.exit_code == 0, restored.output
    assert site_rows(site) == original
    assert site.test_client().get("/lithium-and-the-kidneys").status_code in (200, 301)


@requires_redis
@pytest.mark.usefixtures("requires_pg_dump")
def test_after_a_restore_readers_get_the_restored_site_not_pages_cached_in_redis(
    site, runner, publish, make_app, tmp_path
):
    # Cached pages and feeds outlive the app servers in Redis: stopping them for the
    # restore, as the command asks, does not drop what they kept.
    settings = {"REDIS_URL": TEST_REDIS_URL, "CACHE_PREFIX": f"test:{uuid.uuid4()}"}
    copy = tmp_path / "site.backup"
    assert runner.invoke(args=["backup", str(copy)]).exit_code == 0
    publish("Written after the backup")
    before_restore = make_app(**settings).test_client()
    for path in ("/", "/feed.xml"):
        assert "Written after the backup" in before_restore.get(path).text

    restored = make_app(**settings).test_cli_runner().invoke(args=["restore", str(copy), "--yes"])

    assert restored.exit_code == 0, restored.output
    after_restore = make_app(**settings).test_client()
    for path in ("/", "/feed.xml"):
        page = after_restore.get(path).text
        assert "Written after the backup" not in page, path
        assert "Lithium and your kidneys" in page


@pytest.mark.usefixtures("requires_pg_dump")
def test_restore_asks_for_yes_and_changes_nothing_without_it(site, runner, publish, tmp_path):
    copy = tmp_path / "site.backup"
    assert runner.invoke(args=["backup", str(copy)]).exit_code == 0
    change_everything(site, publish)
    changed = site_rows(site)
    refused = runner.invoke(args=["restore", str(copy)])
    assert refused.exit_code != 0
    assert "run it again with --yes" in refused.output
    assert site_rows(site) == changed


@pytest.mark.parametrize("backend", ["sqlite"])
def test_a_backup_never_overwrites_a_file(site, runner, tmp_path):
    existing = tmp_path / "precious"
    existing.write_text("keep me")
    result = runner.invoke(args=["backup", str(existing)])
    assert result.exit_code != 0
    assert "already exists" in result.output
    assert existing.read_text() == "keep me"


@pytest.mark.parametrize("backend", ["sqlite"])
def test_restoring_something_that_is_not_a_backup_is_refused(site, runner, tmp_path):
    before = site_rows(site)
    not_a_database = tmp_path / "notes.txt"
    not_a_database.write_text("hello" * 1000)
    result = runner.invoke(args=["restore", str(not_a_database), "--yes"])
    assert result.exit_code != 0
    assert "not a SQLite database" in result.output
    empty = tmp_path / "empty.sqlite3"
    sqlite3.connect(empty).execute("CREATE TABLE other (x)").connection.close()
    result = runner.invoke(args=["restore", str(empty), "--yes"])
    assert "not a backup of this site" in result.output
    assert site_rows(site) == before


@pytest.mark.parametrize("backend", ["sqlite"])
def test_sqlite_restore_keeps_the_replaced_database_aside(site, runner, publish, tmp_path):
    copy = tmp_path / "site.backup"
    runner.invoke(args=["backup", str(copy)])
    change_everything(site, publish)
    changed = site_rows(site)
    result = runner.invoke(args=["restore", str(copy), "--yes"])
    kept = next(tmp_path.glob("blog.sqlite3.before-restore-*"))
    assert str(kept) in result.output
    with closing(sqlite3.connect(kept)) as connection:
        titles = {row[0] for row in connection.execute("SELECT title FROM articles")}
    assert "Written after the backup" in titles
    assert changed != site_rows(site)


class reader_holding_a_transaction:
    """Another connection in the middle of a read, as a serving worker would be."""

    def __init__(self, app) -> None:
        self.app = app

    def __enter__(self):
        with self.app.app_context():
            self.connection = db.engine.connect()
        self.transaction = self.connection.begin()
        self.connection.execute(text("SELECT count(*) FROM articles")).scalar_one()
        return self

    def __exit__(self, *exc) -> None:
        self.transaction.rollback()
        self.connection.close()


@pytest.mark.parametrize("backend", ["postgresql"] if TEST_DATABASE_URL else [])
def test_without_pg_dump_the_operator_is_told_the_command(site, runner, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # a PATH with no pg_dump on it
    result = runner.invoke(args=["backup", str(tmp_path / "site.dump")])
    assert result.exit_code != 0
    assert "pg_dump is not installed" in result.output
    assert "pg_dump --format=custom --file=" in result.output
    assert not (tmp_path / "site.dump").exists()
