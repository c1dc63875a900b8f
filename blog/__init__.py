"""A Flask publishing engine for health-information writing."""

import os
from typing import Any

from flask import Flask


class ConfigurationError(RuntimeError):
    """The app cannot start safely with the configuration it was given."""


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Create and configure the application."""
    app = Flask(__name__, instance_relative_config=True)

    # Configuration: committed defaults, then instance/config.py, then the environment.
    from . import config

    app.config.from_object(config.Defaults)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_mapping(config.environment_overrides(os.environ))
        app.config.from_prefixed_env("BLOG")
    else:
        app.config.from_mapping(test_config)
    _finish_config(app)

    # Extensions.
    from . import cache
    from .database import init_database
    from .extensions import csrf, db, limiter, login_manager, migrate

    init_database(app)
    migrations = os.path.join(os.path.dirname(app.root_path), "migrations")
    migrate.init_app(app, db, directory=migrations, render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    cache.init_app(app)

    # Blueprints, with URL slugs that can only be well formed.
    from .slugs import SlugConverter

    app.url_map.converters["slug"] = SlugConverter
    from .views import auth, feeds, reading, writing

    app.register_blueprint(auth.bp)
    app.register_blueprint(feeds.bp)
    app.register_blueprint(writing.bp)
    # Last: its root-level /<slug> route must not shadow the others.
    app.register_blueprint(reading.bp)

    # Templates, command line, errors and response headers.
    from . import cli, errors, presentation, security

    presentation.init_app(app)
    cli.init_app(app)
    errors.init_app(app)
    security.init_app(app)
    return app


def _finish_config(app: Flask) -> None:
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        os.makedirs(app.instance_path, exist_ok=True)
        path = os.path.join(app.instance_path, "blog.sqlite3")
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{path}"
    if not app.config.get("SECRET_KEY"):
        if not (app.debug or app.testing):
            raise ConfigurationError(
                "SECRET_KEY is not set. Set the SECRET_KEY environment variable or put "
                "SECRET_KEY = '...' in instance/config.py (make run generates one for "
                "local use); a production server must not run without a real secret."
            )
        app.config["SECRET_KEY"] = os.urandom(32).hex()
    # Cookies travel over HTTPS only, except on a developer's plain-HTTP laptop.
    for name in ("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE"):
        if app.config.get(name) is None:
            app.config[name] = not app.debug
    if app.config.get("SITE_URL"):
        app.config["SITE_URL"] = app.config["SITE_URL"].rstrip("/")
    elif not (app.debug or app.testing):
        # Falling back to the Host header would let any client choose the URLs
        # written into cached feeds.
        raise ConfigurationError(
            "SITE_URL is not set. Set it to the site's public address, such as "
            "https://example.org, so that feeds and the sitemap carry the right links."
        )
    redis_url = app.config.get("REDIS_URL")
    app.config.setdefault("RATELIMIT_STORAGE_URI", redis_url or "memory://")
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
