"""Committed configuration defaults and the environment overrides.

Secrets never live here: ``SECRET_KEY`` comes from ``instance/config.py`` or the
environment, and the factory refuses a production start without one.
"""

import os
from typing import Any

# Environment variables an operator is most likely to set, and the config keys they fill.
ENVIRONMENT_KEYS = {
    "SECRET_KEY": "SECRET_KEY",
    "DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
    "SITE_URL": "SITE_URL",
    "REDIS_URL": "REDIS_URL",
}


class Defaults:
    SECRET_KEY: str | None = None
    # Filled in by the factory with a file under the instance folder when unset.
    SQLALCHEMY_DATABASE_URI: str | None = None
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, Any] = {"pool_pre_ping": True}

    SITE_NAME = "Treatment-Resistant Depression Guide"
    SITE_DESCRIPTION = (
        "Careful, plain-language guides to what can help when antidepressants have not."
    )
    SITE_LANGUAGE = "en-gb"
    # Canonical public address, e.g. "https://example.org". Feeds and sitemaps need
    # absolute URLs; without this, only development falls back to the request's host.
    SITE_URL: str | None = None

    ARTICLES_PER_PAGE = 10
    FEED_ITEMS = 20
    FEED_MAX_AGE = 300

    # Optional Redis, shared by every process: feed cache and rate limits.
    REDIS_URL: str | None = None

    # A 200,000-character body is at most 800 kB of UTF-8, and up to three times
    # that once a browser percent-encodes it in a form post.
    MAX_CONTENT_LENGTH = 3 * 1024 * 1024
    MAX_FORM_MEMORY_SIZE = 1024 * 1024

    # None means: Secure everywhere except in debug (a plain-HTTP laptop).
    SESSION_COOKIE_SECURE: bool | None = None
    REMEMBER_COOKIE_SECURE: bool | None = None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"

    # A form's token lasts as long as the session: a long writing session must
    # not end in a refused save.
    WTF_CSRF_TIME_LIMIT = None
    # Pages load images from this site only (readers' privacy, and the CSP);
    # list other origins here, e.g. ["https://images.example.org"].
    EXTRA_IMAGE_ORIGINS: list[str] = []
    LOGIN_ATTEMPTS_LIMIT = "5 per 15 minutes"


def environment_overrides(environ: os._Environ[str] | dict[str, str]) -> dict[str, str]:
    """Return the config values set through well-known environment variables."""
    return {key: environ[name] for name, key in ENVIRONMENT_KEYS.items() if environ.get(name)}
