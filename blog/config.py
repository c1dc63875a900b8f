"""Configuration: committed defaults, the environment overrides, and the rules they must meet.

Secrets never live here: ``SECRET_KEY`` comes from ``instance/config.py`` or the
environment, and a production server refuses to start without one.
"""

import os
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import click
from flask import Flask

from .rules import (
    MAX_PROXY_COUNT,
    SEARCH_REQUESTS_LIMIT,
    SEARCH_REQUESTS_WINDOW,
    whole_number,
)

# Environment variables an operator is most likely to set, and the config keys they fill.
ENVIRONMENT_KEYS = {
    "SECRET_KEY": "SECRET_KEY",
    "DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
    "SITE_URL": "SITE_URL",
    "REDIS_URL": "REDIS_URL",
    "PROXY_COUNT": "PROXY_COUNT",
}


class ConfigurationError(RuntimeError):
    """The app cannot start safely with the configuration it was given."""


class Defaults:
    SECRET_KEY: str | None = None
    # Filled in with a file under the instance folder when unset.
    SQLALCHEMY_DATABASE_URI: str | None = None
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, Any] = {"pool_pre_ping": True}

    SITE_NAME = "Treatment-Resistant Depression Guide"
    SITE_DESCRIPTION = (
        "Careful, plain-language guides to what can help when antidepressants have not."
    )
    SITE_LANGUAGE = "en-gb"
    # At most 16 characters: the name browsers show for the site's search (OpenSearch).
    SITE_SHORT_NAME = "TRD Guide"
    # Canonical public address, e.g. "https://example.org". Feeds and sitemaps need
    # absolute URLs; without this, only development falls back to the request's host.
    SITE_URL: str | None = None

    # The zone in which authors enter times (scheduled publishing) and see them shown.
    TIMEZONE = "Europe/London"
    # A function returning the current aware UTC time; None: the real clock. For tests.
    CLOCK = None

    ARTICLES_PER_PAGE = 10
    HOME_LATEST_ARTICLES = 10
    FEED_ITEMS = 20
    FEED_MAX_AGE = 300
    # How long browsers and shared caches may keep a public page without asking again.
    PAGE_MAX_AGE = 60
    # True: an article cannot first appear to readers until a clinical reviewer has
    # reviewed it (it can still be saved as a draft). Off by default and in the demo.
    REQUIRE_REVIEW_BEFORE_PUBLISHING = False

    # How many proxies (nginx, a load balancer) stand in front of the app and set the
    # X-Forwarded-* headers. 0: none, and those headers are ignored, since any client
    # could send them to forge its address (and so its login-attempt budget).
    PROXY_COUNT = 0

    # Optional Redis, shared by every process: the cache and the login limit.
    REDIS_URL: str | None = None
    # Keys of the cache in Redis start with this, so several sites can share one.
    CACHE_PREFIX = "blog:cache"
    # A reader never waits longer than this for Redis; after a failure Redis is
    # left alone (pages are built fresh) for REDIS_RETRY_SECONDS.
    REDIS_TIMEOUT_SECONDS = 0.5
    REDIS_RETRY_SECONDS = 5
    # Without Redis, built pages and feeds are kept in each process, at most this many.
    CACHE_MEMORY_ENTRIES = 500
    # The answers each process replays before the framework (blog.cache.front) hold at
    # most this many bytes of bodies, as well as at most CACHE_MEMORY_ENTRIES answers.
    CACHE_FRONT_BYTES = 64 * 1024 * 1024
    # With Redis or PostgreSQL, a process trusts a generation it read for this long before
    # asking again (its own invalidations apply at once): a change reaches readers served by
    # other processes within this many seconds, and a cached page costs no round trip
    # meanwhile. 0: ask on every request. A SQLite file is read on every request (10 µs).
    CACHE_GENERATION_MEMO_SECONDS = 0.25
    # Retry-After of the 503 page readers get while the database is unreachable.
    UNAVAILABLE_RETRY_SECONDS = 30

    # A body of MAX_BODY_LENGTH characters is at most 800 kB of UTF-8, and up to
    # three times that once a browser percent-encodes it in a form post.
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
    # Outside debug and tests, requests must name SITE_URL's host or one of these
    # (e.g. ["www.example.org"]); any other Host header gets 400, so no redirect
    # or absolute URL is ever built on a host a client chose.
    EXTRA_TRUSTED_HOSTS: list[str] = []

    # At most LOGIN_ATTEMPTS_LIMIT failed logins for one username from one address
    # in LOGIN_ATTEMPTS_WINDOW seconds; counted in Redis when REDIS_URL is set,
    # else in the database, so every process shares the count.
    LOGIN_ATTEMPTS_LIMIT = 5
    LOGIN_ATTEMPTS_WINDOW = 15 * 60
    LOGIN_ATTEMPTS_PREFIX = "blog:login-attempts"

    # At most SEARCH_REQUESTS_LIMIT searches from one address in SEARCH_REQUESTS_WINDOW
    # seconds; counted in Redis when REDIS_URL is set, else in each process.
    SEARCH_REQUESTS_LIMIT = SEARCH_REQUESTS_LIMIT
    SEARCH_REQUESTS_WINDOW = SEARCH_REQUESTS_WINDOW
    SEARCH_REQUESTS_PREFIX = "blog:searches"


def environment_overrides(environ: os._Environ[str] | dict[str, str]) -> dict[str, str]:
    """Return the config values set through well-known environment variables."""
    return {key: environ[name] for name, key in ENVIRONMENT_KEYS.items() if environ.get(name)}


def complete_and_check(app: Flask) -> None:
    """Fill in the settings derived from others, and refuse a production start that is unsafe.

    A command-line task (creating an account, migrating) serves no page and signs
    no cookie, so it runs without ``SITE_URL`` or ``SECRET_KEY``.
    """
    config = app.config
    relaxed = app.debug or app.testing or running_a_command()
    if not config.get("SQLALCHEMY_DATABASE_URI"):
        os.makedirs(app.instance_path, exist_ok=True)
        path = os.path.join(app.instance_path, "blog.sqlite3")
        config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{path}"
    if not config.get("SECRET_KEY"):
        if not relaxed:
            raise ConfigurationError(
                "SECRET_KEY is not set. Set the SECRET_KEY environment variable or put "
                "SECRET_KEY = '...' in instance/config.py (make run generates one for "
                "local use); a production server must not run without a real secret."
            )
        config["SECRET_KEY"] = os.urandom(32).hex()
    # Cookies travel over HTTPS only, except on a developer's plain-HTTP laptop.
    for name in ("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE"):
        if config.get(name) is None:
            config[name] = not app.debug
    if config.get("SITE_URL"):
        config["SITE_URL"] = config["SITE_URL"].rstrip("/")
    elif not relaxed:
        raise site_url_missing()
    if config.get("TRUSTED_HOSTS") is None and config.get("SITE_URL") and not relaxed:
        site_host = urlsplit(config["SITE_URL"]).hostname
        config["TRUSTED_HOSTS"] = [site_host, *config["EXTRA_TRUSTED_HOSTS"]]
    for name in (
        "LOGIN_ATTEMPTS_LIMIT",
        "LOGIN_ATTEMPTS_WINDOW",
        "SEARCH_REQUESTS_LIMIT",
        "SEARCH_REQUESTS_WINDOW",
    ):
        if not (isinstance(config[name], int) and config[name] >= 1):
            raise ConfigurationError(f"{name} must be a whole number from 1 up.")
    try:
        ZoneInfo(config["TIMEZONE"])
    except (ValueError, ZoneInfoNotFoundError) as error:
        raise ConfigurationError(
            f"TIMEZONE is {config['TIMEZONE']!r}, which is not a time zone; use a name "
            "such as Europe/London."
        ) from error
    config["PROXY_COUNT"] = _proxy_count(config.get("PROXY_COUNT"))


def site_url_missing() -> ConfigurationError:
    """Return the error for a server asked for absolute URLs without ``SITE_URL``."""
    # Falling back to the Host header would let any client choose the URLs
    # written into cached feeds.
    return ConfigurationError(
        "SITE_URL is not set. Set it to the site's public address, such as "
        "https://example.org, so that feeds and the sitemap carry the right links."
    )


def _proxy_count(value: object) -> int:
    # From the environment it arrives as text; 0 is allowed, unlike in whole_number.
    text = str(value).strip() if value is not None else "0"
    count = 0 if text == "0" else whole_number(text, maximum=MAX_PROXY_COUNT)
    if count is None:
        raise ConfigurationError(
            f"PROXY_COUNT must be the number of proxies in front of the app, from 0 to "
            f"{MAX_PROXY_COUNT}, not {value!r}."
        )
    return count


def running_a_command() -> bool:
    """Return whether the app is being built for a ``flask`` command rather than a server."""
    # The flask command builds the app inside its click context; a server does not.
    return click.get_current_context(silent=True) is not None
