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


def edit_form(page: str) -> dict:
    """Return the edit form's fields as a browser would send them back."""
    fields = dict(re.findall(r'<input[^>]*name="(\w+)"[^>]*value="([^"]*)"', page))
    # A browser sends a checkbox only when it is ticked.
    for name in re.findall(r'<input(?![^>]*checked)[^>]*name="(\w+)"[^>]*type="checkbox"', page):
        fields.pop(name, None)
    fields.update(re.findall(r'<textarea[^>]*name="(\w+)"[^>]*>\n?(.*?)</textarea>', page, re.S))
    fields["topic"] = re.search(r'<option selected value="(\d+)"', page).group(1)
    for button in ("publish", "schedule", "save_draft", "preview"):
        fields.pop(button, None)
    return fields
