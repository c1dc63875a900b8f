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
    flask_command = FlaskGroup(create_app=create_app)
    runner = CliRunner()
    migrated = runner.invoke(flask_command, ["db", "upgrade"])
    assert migrated.exit_code == 0, migrated.output
    created = runner.invoke(
        flask_command, ["create-author", "ada", "--password", "long enough here"]
    )
    assert created.exit_code == 0, created.output
    assert "Created author 'ada'." in created.output
    with pytest.raises(ConfigurationError, match="SECRET_KEY is not set"):
        create_app()  # a server, not a command: still refused
    monkeypatch.setenv("SECRET_KEY", "x")
    with pytest.raises(ConfigurationError, match="SITE_URL is not set"):
        create_app()
