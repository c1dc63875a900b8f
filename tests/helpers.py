"""Constants and markers shared by the tests."""

import os
from datetime import UTC, datetime, timedelta

import pytest

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL")

SITE_URL = "https://guide.example"
PASSWORD = "correct horse battery"
START = datetime(2025, 11, 1, 9, 0, tzinfo=UTC)

requires_postgresql = pytest.mark.skipif(
    not TEST_DATABASE_URL, reason="TEST_DATABASE_URL is not set; PostgreSQL tests skipped"
)
requires_redis = pytest.mark.skipif(
    not TEST_REDIS_URL, reason="TEST_REDIS_URL is not set; Redis tests skipped"
)


def days(n: int) -> timedelta:
    return timedelta(days=n)
