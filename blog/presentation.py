"""What templates share: date formatting, site details and feed links."""

import difflib
from datetime import datetime
from typing import Any

from flask import Flask, current_app, request

from . import clock
from .config import site_url_missing

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def long_date(moment: datetime | None) -> str:
    """Write a date the way the site does, e.g. "20 November 2025", whatever the locale."""
    if moment is None:
        return ""
    return f"{moment.day} {MONTHS[moment.month - 1]} {moment.year}"


def site_date(moment: datetime | None) -> str:
    """Write the date of ``moment`` in the site's zone, e.g. "20 November 2025"."""
    if moment is None:
        return ""
    return long_date(clock.to_site_time(moment))


def iso_site_date(moment: datetime | None) -> str:
    """Write the date of ``moment`` in the site's zone for a ``<time datetime>``: "2025-11-20"."""
    if moment is None:
        return ""
    return clock.to_site_time(moment).date().isoformat()


def site_datetime(moment: datetime | None) -> str:
    """Write a time in the site's zone, e.g. "7 December 2026, 09:00 GMT"."""
    if moment is None:
        return ""
    local = clock.to_site_time(moment)
    return f"{long_date(local)}, {local:%H:%M} {local.tzname()}"


def text_difference(old: str, new: str) -> list[str]:
    """Return the lines of a unified diff from ``old`` to ``new``, for an author to compare."""
    lines = difflib.unified_diff(
        old.splitlines(), new.splitlines(), "newer version", "your text", lineterm="", n=2
    )
    return list(lines)


def site_url() -> str:
    """Return the canonical base URL: SITE_URL, or in development the request's host."""
    configured: str | None = current_app.config.get("SITE_URL")
    if configured:
        return configured
    if not (current_app.debug or current_app.testing):
        raise site_url_missing()
    return request.host_url.rstrip("/")


def absolute_url(path: str) -> str:
    """Return ``path`` (from ``url_for``) on the canonical base URL."""
    return site_url() + path


# In a <script> element, "</script>" or "<!--" in a string would end or change it:
# JSON allows writing those characters as escapes, which mean the same data.
def init_app(app: Flask) -> None:
    app.add_template_filter(long_date)
    app.add_template_filter(site_datetime)
    app.add_template_filter(site_date)
    app.add_template_filter(iso_site_date)
    app.add_template_global(clock.now, "now")
    app.add_template_global(absolute_url)

    @app.context_processor
    def site_details() -> dict[str, Any]:
        return {
            "site_name": app.config["SITE_NAME"],
            "site_description": app.config["SITE_DESCRIPTION"],
            "site_language": app.config["SITE_LANGUAGE"],
        }
