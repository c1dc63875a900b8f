"""The current time, and the site's own time zone for what authors type and see.

Everything that asks "what time is it?" asks ``now()`` (or ``clock_of(app)``
outside a request), so a test can set the app's ``CLOCK`` setting to a function
and step time forward without sleeping.
"""

from collections.abc import Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import Flask, current_app, has_app_context


def system_now() -> datetime:
    """Return the real current time as an aware UTC datetime."""
    return datetime.now(UTC)


def clock_of(app: Flask) -> Callable[[], datetime]:
    """Return ``app``'s clock: the configured ``CLOCK``, else the system's."""
    clock: Callable[[], datetime] | None = app.config.get("CLOCK")
    return clock or system_now


def now() -> datetime:
    """Return the current time as an aware UTC datetime, from ``CLOCK`` when one is set."""
    return clock_of(current_app)() if has_app_context() else system_now()


def site_zone() -> ZoneInfo:
    """Return the zone in which authors enter, and everyone reads, times (``TIMEZONE``)."""
    return ZoneInfo(current_app.config["TIMEZONE"])


class NonexistentTime(ValueError):
    """A wall-clock time the site's zone skips, such as 01:30 when clocks go forward."""


def from_site_time(local: datetime) -> datetime:
    """Return the aware UTC time of a naive wall-clock time in the site's zone.

    A time the zone skips raises NonexistentTime; a time it passes twice (when
    clocks go back) means the first of the two.
    """
    zone = site_zone()
    aware = local.replace(tzinfo=zone, fold=0)
    if aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != local:
        raise NonexistentTime(local)
    return aware.astimezone(UTC)


def to_site_time(moment: datetime) -> datetime:
    """Return ``moment`` as wall-clock time in the site's zone."""
    return moment.astimezone(site_zone())
