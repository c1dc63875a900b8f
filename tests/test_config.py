"""Configuration: defaults, instance file, environment; safe refusals; SQLite settings."""

import pytest
from click.testing import CliRunner
from flask.cli import FlaskGroup

from blog import ConfigurationError, create_app
from blog.database import sqlite_settings
from blog.extensions import db


def test_production_start_without_a_secret_key_refuses_with_a_clear_message(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.sqlite3'}")
    monkeypatch.setattr("flask.Flask.auto_find_instance_path", lambda self: str(tmp_path))
    with pytest.raises(ConfigurationError, match="SECRET_KEY is not set"):
        create_app()


def test_production_start_without_a_site_url_refuses(monkeypatch, tmp_path):
    monkeypatch.setattr("flask.Flask.auto_find_instance_path", lambda self: str(tmp_path))
    monkeypatch.setenv("SECRET_KEY", "x")
    monkeypatch.delenv("SITE_URL", raising=False)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    with pytest.raises(ConfigurationError, match="SITE_URL is not set"):
        create_app()


def test_environment_overrides_the_instance_file(monkeypatch, tmp_path):
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "config.py").write_text("SECRET_KEY = 'from-file'\nSITE_NAME = 'From file'\n")
    monkeypatch.setattr("flask.Flask.auto_find_instance_path", lambda self: str(instance))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'env.sqlite3'}")
    monkeypatch.setenv("SECRET_KEY", "from-environment")
    monkeypatch.setenv("SITE_URL", "https://example.org/")
    app = create_app()
    assert app.config["SECRET_KEY"] == "from-environment"
    assert app.config["SITE_NAME"] == "From file"
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("env.sqlite3")
    assert app.config["SITE_URL"] == "https://example.org"
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_sqlite_is_the_default_under_instance(monkeypatch, tmp_path):
    monkeypatch.setattr("flask.Flask.auto_find_instance_path", lambda self: str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("SECRET_KEY", "x")
    monkeypatch.setenv("SITE_URL", "https://example.org")
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'blog.sqlite3'}"


def test_every_sqlite_connection_uses_wal_foreign_keys_and_a_busy_timeout(tmp_path):
    app = create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.sqlite3'}"}
    )
    with app.app_context():
        settings = sqlite_settings(db.engine)
        db.engine.dispose()
    assert settings == {"journal_mode": "wal", "foreign_keys": 1, "busy_timeout": 5000}


def test_account_and_migration_commands_run_without_site_url_or_secret_key(monkeypatch, tmp_path):
    # As a new user would after `make run`: `flask --app wsgi create-author ada`.
    for name in ("SECRET_KEY", "SITE_URL", "FLASK_DEBUG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    monkeypatch.setattr("flask.Flask.auto_find_instance_path", lambda self: str(tmp_path))
    built = []

    def build_app():
        built.append(create_app())
        return built[-1]

    flask_command = FlaskGroup(create_app=build_app)
    runner = CliRunner()
    try:
        migrated = runner.invoke(flask_command, ["db", "upgrade"])
        created = runner.invoke(
            flask_command, ["create-author", "ada", "--password", "long enough here"]
        )
    finally:
        for app in built:  # as the flask command would on exit
            with app.app_context():
                db.engine.dispose()
    assert migrated.exit_code == 0, migrated.output
    assert created.exit_code == 0, created.output
    assert "Created author 'ada'." in created.output
    with pytest.raises(ConfigurationError, match="SECRET_KEY is not set"):
        create_app()  # a server, not a command: still refused
    monkeypatch.setenv("SECRET_KEY", "x")
    with pytest.raises(ConfigurationError, match="SITE_URL is not set"):
        create_app()


@pytest.fixture
def production_app(monkeypatch, tmp_path):
    """Build an app as a production server would: not debug, not testing."""
    monkeypatch.delenv("FLASK_DEBUG", raising=False)

    def build(**settings):
        app = create_app(
            {
                "SECRET_KEY": "x",
                "SITE_URL": "https://guide.example",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'hosts.sqlite3'}",
                **settings,
            }
        )
        assert not (app.debug or app.testing)
        return app

    return build


def test_in_production_a_foreign_host_header_gets_400_not_a_redirect(production_app):
    client = production_app().test_client()
    response = client.get("/static//site.css", base_url="https://evil.example")
    assert response.status_code == 400
    assert "does not answer to that host name" in response.get_data(as_text=True)
    assert "Location" not in response.headers
    ours = client.get("/static//site.css", base_url="https://guide.example")
    assert ours.status_code == 308
    assert ours.headers["Location"] == "https://guide.example/static/site.css"


def test_more_hosts_can_be_trusted_by_a_setting(production_app):
    client = production_app(EXTRA_TRUSTED_HOSTS=["www.guide.example"]).test_client()
    response = client.get("/static//site.css", base_url="https://www.guide.example")
    assert response.status_code == 308
    assert client.get("/", base_url="https://evil.example").status_code == 400


def test_an_old_style_login_limit_setting_is_refused_clearly(production_app):
    with pytest.raises(ConfigurationError, match="LOGIN_ATTEMPTS_LIMIT must be a whole number"):
        production_app(LOGIN_ATTEMPTS_LIMIT="5 per 15 minutes")
