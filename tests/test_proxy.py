"""Behind a proxy: X-Forwarded-* headers are believed only from as many proxies as configured."""

import time

import pytest
from flask import Flask, request

from blog import ConfigurationError, create_app

FORGED = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}


def whoami_app(app_config: dict, **overrides) -> Flask:
    app = create_app({**app_config, **overrides})
    # What the login limiter and redirects see of the client.
    app.add_url_rule("/whoami", "whoami", lambda: f"{request.remote_addr} {request.scheme}")
    return app


def whoami(app: Flask) -> str:
    client = app.test_client()
    response = client.get("/whoami", headers=FORGED, environ_base={"REMOTE_ADDR": "127.0.0.1"})
    return response.get_data(as_text=True)


@pytest.mark.parametrize("backend", ["sqlite"])
def test_forwarded_headers_are_ignored_by_default(app_config):
    assert whoami(whoami_app(app_config)) == "127.0.0.1 http"


@pytest.mark.parametrize("backend", ["sqlite"])
def test_one_trusted_proxy_gives_the_address_and_scheme_it_saw(app_config):
    assert whoami(whoami_app(app_config, PROXY_COUNT=1)) == "203.0.113.9 https"


@pytest.mark.parametrize("backend", ["sqlite"])
def test_only_the_last_address_a_trusted_proxy_added_is_believed(app_config):
    app = whoami_app(app_config, PROXY_COUNT=1)
    client = app.test_client()
    # The client wrote the first address itself; nginx appended the one it saw.
    headers = {"X-Forwarded-For": "10.0.0.1, 198.51.100.7"}
    assert client.get("/whoami", headers=headers).get_data(as_text=True).startswith("198.51.100.7 ")


def test_proxy_count_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setattr("flask.Flask.auto_find_instance_path", lambda self: str(tmp_path))
    monkeypatch.setenv("SECRET_KEY", "x")
    monkeypatch.setenv("SITE_URL", "https://example.org")
    monkeypatch.setenv("PROXY_COUNT", "1")
    assert create_app().config["PROXY_COUNT"] == 1


@pytest.mark.parametrize("count", ["-1", "one", "²", "99"])
def test_a_nonsense_proxy_count_refuses_to_start(count, tmp_path):
    database = f"sqlite:///{tmp_path / 'x.sqlite3'}"
    with pytest.raises(ConfigurationError, match="PROXY_COUNT must be"):
        create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database, "PROXY_COUNT": count})


@pytest.mark.parametrize("backend", ["sqlite"])
def test_behind_a_proxy_a_public_page_may_be_kept_only_to_the_end_of_the_second(app, make_app):
    client = make_app(PROXY_COUNT=1).test_client()
    before = int(time.time())
    response = client.get("/healthz")
    assert before <= int(response.headers["X-Accel-Expires"].lstrip("@")) <= time.time()
    assert "X-Accel-Expires" not in client.get("/no-such-page").headers
    assert "X-Accel-Expires" not in client.get("/login").headers  # private: it sets a session


@pytest.mark.parametrize("backend", ["sqlite"])
def test_without_a_proxy_no_cache_hint_is_sent(client):
    assert "X-Accel-Expires" not in client.get("/healthz").headers
