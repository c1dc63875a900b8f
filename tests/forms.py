"""Driving the real forms as a browser would: fetch the page, take its CSRF token, post."""

import re

from flask.testing import FlaskClient

from tests.helpers import PASSWORD

CSRF_FIELD = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def csrf_token(page: str) -> str:
    match = CSRF_FIELD.search(page) or re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, "the page has no CSRF token"
    return match.group(1)


def submit(client: FlaskClient, url: str, data: dict, *, page_url: str | None = None, **kwargs):
    """GET the page with the form, then POST ``data`` with the page's CSRF token."""
    page = client.get(page_url or url).get_data(as_text=True)
    return client.post(url, data={"csrf_token": csrf_token(page), **data}, **kwargs)


class AuthActions:
    def __init__(self, client: FlaskClient) -> None:
        self._client = client

    def login(self, username: str = "ada", password: str = PASSWORD, **kwargs):
        data = {"username": username, "password": password}
        return submit(self._client, "/login", data, **kwargs)

    def logout(self):
        return submit(self._client, "/logout", {}, page_url="/dashboard")
