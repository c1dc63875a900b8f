"""Accounts: the command line, logging in and out, and what a login cannot be used for."""

import logging
import threading
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from urllib.parse import urlencode

import pytest
import redis
from flask import Flask
from sqlalchemy import func, select
from werkzeug.serving import make_server

from blog import login_limit
from blog.extensions import db
from blog.models import Author, LoginAttempts
from tests.forms import AuthActions, csrf_token, submit
from tests.helpers import PASSWORD, START, TEST_REDIS_URL, requires_redis

MINUTE = timedelta(minutes=1)
# Nothing listens on port 1: a Redis that is configured but down.
STOPPED_REDIS_URL = "redis://127.0.0.1:1/0"


@pytest.fixture(params=["no-redis", pytest.param("redis", marks=requires_redis)])
def counted_in(request) -> Iterator[dict]:
    """Settings that count logins in the database, or in Redis under a prefix of this test's own."""
    if request.param == "no-redis":
        yield {}
        return
    prefix = f"blog-tests:login:{uuid.uuid4().hex}"
    yield {"REDIS_URL": TEST_REDIS_URL, "LOGIN_ATTEMPTS_PREFIX": prefix}
    client = redis.Redis.from_url(TEST_REDIS_URL)
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)
    client.close()


@pytest.fixture
def serve() -> Iterator:
    """Serve an app over real HTTP in a thread; return its base URL."""
    servers = []

    def start(app: Flask) -> str:
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        thread.start()
        servers.append((server, thread))
        return f"http://127.0.0.1:{server.server_port}"

    yield start
    for server, thread in servers:
        server.shutdown()
        thread.join()
        server.server_close()


def post_login(base_url: str, username: str, password: str) -> int:
    data = urlencode({"username": username, "password": password}).encode()
    try:
        with urllib.request.urlopen(f"{base_url}/login", data=data, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        error.close()
        return error.code


def test_create_author_from_the_command_line_can_log_in(runner, app, client, auth):
    result = runner.invoke(
        args=["create-author", "grace", "--password", "a long passphrase", "--editor"]
    )
    assert result.exit_code == 0, result.output
    assert "Created editor 'grace'." in result.output
    with app.app_context():
        grace = db.session.scalar(select(Author).where(Author.username == "grace"))
        assert grace.is_editor
        assert "a long passphrase" not in grace.password_hash
    response = auth.login("grace", "a long passphrase")
    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard"


def test_create_author_prompts_for_the_password_when_not_given(runner, auth):
    result = runner.invoke(
        args=["create-author", "grace"], input="prompted secret\nprompted secret\n"
    )
    assert result.exit_code == 0, result.output
    assert auth.login("grace", "prompted secret").headers["Location"] == "/dashboard"


@pytest.mark.parametrize(
    "args, message",
    [
        (["create-author", "ada", "--password", "another long one"], "already exists"),
        (["create-author", "ADA\u200b", "--password", "another long one"], "already exists"),
        (["create-author", "x" * 65, "--password", "another long one"], "at most 64"),
        (["create-author", "newbie", "--password", "short"], "at least 12 characters"),
        (["set-password", "nobody", "--password", "long enough now"], "no author called"),
    ],
)
def test_account_commands_refuse_bad_input_clearly(runner, ada, args, message):
    result = runner.invoke(args=args)
    assert result.exit_code != 0
    assert message in result.output


def test_set_password_replaces_the_old_one(runner, ada, auth):
    result = runner.invoke(args=["set-password", "ada", "--password", "a brand new one"])
    assert result.exit_code == 0
    assert auth.login("ada", PASSWORD).status_code == 200
    assert auth.login("ada", "a brand new one").status_code == 302


def test_login_page_has_labelled_fields(client):
    page = client.get("/login").get_data(as_text=True)
    assert '<label for="username">Username</label>' in page
    assert '<label for="password">Password</label>' in page


def test_login_and_logout(client, auth, ada):
    response = auth.login()
    assert response.headers["Location"] == "/dashboard"
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert "Logged in as Ada Lovelace." in dashboard
    assert "Log out" in dashboard
    response = auth.logout()
    assert response.headers["Location"] == "/"
    assert "You have logged out." in client.get("/").get_data(as_text=True)
    assert client.get("/dashboard").headers["Location"].startswith("/login")


def test_logout_by_get_only_offers_the_button(client, auth, ada):
    auth.login()
    page = client.get("/logout").get_data(as_text=True)
    assert '<form method="post" action="/logout">' in page
    assert client.get("/dashboard").status_code == 200, "a GET must not log anyone out"


@pytest.mark.parametrize(
    "username, password",
    [("ada", "wrong password"), ("nobody", PASSWORD), ("editorial", "")],
)
def test_a_failed_login_says_so_and_keeps_the_username(client, auth, ada, username, password):
    response = auth.login(username, password)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    if password:
        assert "That username and password do not match an account." in page
    else:
        assert "Enter your password." in page
    assert f'value="{username}"' in page
    assert client.get("/dashboard").status_code == 302


@pytest.mark.parametrize("url", ["/write", "/dashboard", "/some-slug/edit", "/some-slug/history"])
def test_author_pages_require_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_next_returns_to_the_page_that_asked_for_login(client, auth, ada):
    login_page = client.get("/write", follow_redirects=True).get_data(as_text=True)
    token = csrf_token(login_page)
    response = client.post(
        "/login",
        data={"csrf_token": token, "username": "ada", "password": PASSWORD, "next": "/write"},
    )
    assert response.headers["Location"] == "/write"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "\\\\evil.example",
        "http:/evil.example",
        "javascript:alert(1)",
        " //evil.example",
        "/%0d%0aLocation:%20https://evil.example",
    ],
)
def test_next_never_leaves_the_site(client, ada, target):
    page = client.get("/login").get_data(as_text=True)
    response = client.post(
        "/login",
        data={
            "csrf_token": csrf_token(page),
            "username": "ada",
            "password": PASSWORD,
            "next": target,
        },
    )
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith("/") and not location.startswith("//")
    assert "evil" not in location or location.startswith("/%")


def test_five_failed_logins_then_429_with_retry_after(client, auth, ada):
    for _ in range(5):
        assert auth.login("ada", "wrong password").status_code == 200
    response = auth.login("ada", PASSWORD)
    assert response.status_code == 429
    assert 0 < int(response.headers["Retry-After"]) <= 15 * 60
    assert "Too many attempts" in response.get_data(as_text=True)


def test_the_login_limit_is_per_username(client, auth, ada, make_author):
    make_author("grace")
    for _ in range(5):
        auth.login("ada", "wrong password")
    assert auth.login("grace", PASSWORD).status_code == 302


def test_successful_logins_do_not_count_towards_the_limit(client, auth, ada):
    for _ in range(6):
        assert auth.login().status_code == 302
        auth.logout()
    for _ in range(4):
        auth.login("ada", "wrong password")
    assert auth.login().status_code == 302, "a success clears the failures before it"
    auth.logout()
    for _ in range(5):
        assert auth.login("ada", "wrong password").status_code == 200


def test_session_cookie_is_httponly_lax_and_secure(client, ada):
    response = submit(client, "/login", {"username": "ada", "password": PASSWORD})
    (cookie,) = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" in cookie


SPELLINGS_OF_ADA = ["ada\u200b", "a\tda", "ada\x01", "a\u00adda", "ＡＤＡ", "Ada", " ada "]


def test_every_spelling_of_a_username_shares_one_budget(client, auth, ada):
    for typed in SPELLINGS_OF_ADA[:5]:
        assert auth.login(typed, "wrong password").status_code == 200, repr(typed)
    for typed in SPELLINGS_OF_ADA:
        assert auth.login(typed, PASSWORD).status_code == 429, repr(typed)


@pytest.mark.parametrize("typed", SPELLINGS_OF_ADA)
def test_every_spelling_of_a_username_logs_in_as_the_same_account(client, auth, ada, typed):
    assert auth.login(typed, PASSWORD).headers["Location"] == "/dashboard"
    assert "Logged in as Ada Lovelace." in client.get("/dashboard").get_data(as_text=True)


def test_twenty_parallel_wrong_passwords_get_five_answers_then_429(
    make_app, serve, ada, counted_in
):
    base_url = serve(make_app(WTF_CSRF_ENABLED=False, **counted_in))
    start_together = threading.Barrier(20)

    def guess(number: int) -> int:
        start_together.wait(timeout=30)
        return post_login(base_url, "ada", f"wrong password {number}")

    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = sorted(pool.map(guess, range(20)))
    assert statuses == [200] * 5 + [429] * 15
    assert post_login(base_url, "ada", PASSWORD) == 429


def test_the_count_is_shared_by_every_process(make_app, ada, counted_in):
    # Each app is a worker process with memory of its own; the second one starts
    # after the first has counted, so only a count kept outside both can reach it.
    first_worker = AuthActions(make_app(**counted_in).test_client())
    for _ in range(4):
        assert first_worker.login("ada", "wrong password").status_code == 200
    second_worker = AuthActions(make_app(**counted_in).test_client())
    assert second_worker.login("ada", "wrong password").status_code == 200
    assert second_worker.login("ada", PASSWORD).status_code == 429
    assert first_worker.login("ada", PASSWORD).status_code == 429


def test_a_lockout_from_one_address_leaves_the_author_free_at_theirs(make_app, ada, counted_in):
    site = make_app(**counted_in)
    stranger = site.test_client()
    stranger.environ_base = {"REMOTE_ADDR": "203.0.113.7"}
    author = site.test_client()
    author.environ_base = {"REMOTE_ADDR": "198.51.100.20"}
    for _ in range(5):
        AuthActions(stranger).login("ada", "wrong password")
    assert AuthActions(stranger).login("ada", PASSWORD).status_code == 429
    assert AuthActions(author).login("ada", PASSWORD).status_code == 302


def test_a_new_window_brings_a_whole_budget_and_old_windows_are_forgotten(app, ada):
    with app.test_request_context():
        for minute in range(5):
            attempt = login_limit.count_attempt("ada", "192.0.2.1", now=START + minute * MINUTE)
            assert attempt.allowed
        refused = login_limit.count_attempt("ada", "192.0.2.1", now=START + 14 * MINUTE)
        assert not refused.allowed
        assert refused.retry_after == 60
        login_limit.count_attempt("grace", "192.0.2.1", now=START + 14 * MINUTE)
        later = START + 15 * MINUTE
        assert login_limit.count_attempt("ada", "192.0.2.1", now=later).allowed
        kept = db.session.scalar(select(func.count()).select_from(LoginAttempts))
        assert kept == 2, "a new window tidies up only windows that have ended"
        login_limit.count_attempt("bob", "192.0.2.1", now=START + 30 * MINUTE)
        kept = db.session.scalar(select(func.count()).select_from(LoginAttempts))
        assert kept == 1


def test_what_people_type_as_a_username_is_not_stored(app, client, auth, ada):
    auth.login("my secret passphrase", "wrong password")
    with app.app_context():
        keys = db.session.scalars(select(LoginAttempts.key)).all()
    assert len(keys) == 1 and "passphrase" not in keys[0]


def test_a_stopped_redis_refuses_logins_only_with_503_and_warns_once(make_app, ada, caplog):
    app = make_app(REDIS_URL=STOPPED_REDIS_URL)
    client = app.test_client()
    auth = AuthActions(client)
    with caplog.at_level(logging.WARNING, logger="blog.login_limit"):
        for _ in range(3):
            response = auth.login("ada", PASSWORD)
            assert response.status_code == 503
            assert int(response.headers["Retry-After"]) > 0
            page = response.get_data(as_text=True)
            assert "Logging in is paused for a moment" in page
            assert "Reading the site is not affected." in page
    warnings = [record for record in caplog.records if record.name == "blog.login_limit"]
    assert len(warnings) == 1
    assert "Redis is unreachable" in warnings[0].getMessage()
    assert warnings[0].exc_info is None, "a warning, not a traceback"
    assert client.get("/").status_code == 200
    assert client.get("/login").status_code == 200
    assert client.get("/dashboard").headers["Location"].startswith("/login")


def test_control_characters_in_a_username_are_a_failed_login_not_an_error(client, auth, ada):
    response = auth.login("ada\x00", PASSWORD)
    assert response.status_code == 302, "the NUL is dropped: 'ada' logs in"
    auth.logout()
    response = auth.login("\x00\x01", PASSWORD)
    assert response.status_code == 200
    assert "Enter your username." in response.get_data(as_text=True)
