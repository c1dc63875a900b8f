"""The time, from one place that tests can replace (``app.config["CLOCK"]``)."""

from collections.abc import Callable
from datetime import UTC, datetime

from flask import Flask


def system_now() -> datetime:
    """Return the real current time as an aware UTC datetime."""
    return datetime.now(UTC)


def clock_of(app: Flask) -> Callable[[], datetime]:
    """Return ``app``'s clock: the configured ``CLOCK``, else the system's."""
    clock: Callable[[], datetime] | None = app.config.get("CLOCK")
    return clock or system_now
