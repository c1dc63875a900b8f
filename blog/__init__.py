"""A Flask publishing engine for health-information writing."""

import os
from typing import Any

from flask import Flask

from .config import ConfigurationError

__all__ = ["ConfigurationError", "create_app"]


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
    config.complete_and_check(app)
    # Cached answers replayed before the framework, then (outermost) the client's
    # address, scheme and host as the trusted proxies (if any) saw them.
    from . import proxy
    from .cache import front

    front.init_app(app)
    proxy.init_app(app)

    # Extensions and the services behind them.
    from . import accounts, cache, login_limit, search_index, search_limit
    from .database import init_database
    from .extensions import csrf, db

    init_database(app)
    # Alembic weighs about 10 MB per process: loaded for commands (flask db ...), tests and
    # scripts that pass their config, never by a server's workers, which only read.
    if test_config is not None or config.running_a_command():
        from flask_migrate import Migrate

        migrations = os.path.join(os.path.dirname(app.root_path), "migrations")
        Migrate(
            app,
            db,
            directory=migrations,
            render_as_batch=True,
            compare_type=True,
            # The search index lives outside the models (see blog.search_index).
            include_object=search_index.include_object,
        )
    csrf.init_app(app)
    accounts.init_app(app)
    login_limit.init_app(app)
    search_limit.init_app(app)
    cache.init_app(app)

    # Blueprints, with URL slugs that can only be well formed.
    from .slugs import SlugConverter

    app.url_map.converters["slug"] = SlugConverter
    from .views import (
        auth,
        feeds,
        glossary,
        media,
        people,
        reading,
        reviews,
        search,
        site,
        topics,
        writing,
    )

    app.register_blueprint(auth.bp)
    app.register_blueprint(people.bp)
    app.register_blueprint(feeds.bp)
    app.register_blueprint(writing.bp)
    app.register_blueprint(topics.bp)
    app.register_blueprint(glossary.bp)
    app.register_blueprint(site.bp)
    app.register_blueprint(reviews.bp)
    app.register_blueprint(media.bp)
    app.register_blueprint(search.bp)
    # Last: its root-level /<slug> route must not shadow the others.
    app.register_blueprint(reading.bp)

    # Templates, command line, errors and response headers.
    from . import assets, cli, errors, presentation, security

    presentation.init_app(app)
    assets.init_app(app)
    cli.init_app(app)
    errors.init_app(app)
    security.init_app(app)
    return app
