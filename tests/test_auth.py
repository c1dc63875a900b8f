"""Accounts: the command line, logging in and out, and what a login cannot be used for."""

import pytest
from sqlalchemy import select

from blog.extensions import db, limiter
from blog.models import Author
from tests.forms import AuthActions, csrf_token, submit
from tests.helpers import PASSWORD, TEST_REDIS_URL, requires_redis


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
    assert int(response.headers["Retry-After"]) > 0
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


def test_session_cookie_is_httponly_lax_and_secure(client, ada):
    response = submit(client, "/login", {"username": "ada", "password": PASSWORD})
    (cookie,) = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" in cookie


@requires_redis
def test_with_redis_the_login_limit_outlives_the_process_that_counted(make_app, ada):
    # Each app builds its own limiter storage, as each gunicorn worker does; only a
    # count kept in Redis survives into the second one.
    first_worker = make_app(REDIS_URL=TEST_REDIS_URL)
    limiter.reset()  # forget counts left in Redis by earlier runs
    for _ in range(5):
        response = AuthActions(first_worker.test_client()).login("ada", "wrong password")
        assert response.status_code == 200
    second_worker = make_app(REDIS_URL=TEST_REDIS_URL)
    assert AuthActions(second_worker.test_client()).login("ada", PASSWORD).status_code == 429
    limiter.reset()


def test_without_redis_the_login_limit_is_counted_in_memory(make_app, ada):
    first_worker = make_app().test_client()
    for _ in range(5):
        AuthActions(first_worker).login("ada", "wrong password")
    assert AuthActions(first_worker).login("ada", PASSWORD).status_code == 429
    second_worker = make_app().test_client()
    assert AuthActions(second_worker).login("ada", PASSWORD).status_code == 302


def test_control_characters_in_a_username_are_a_failed_login_not_an_error(client, auth, ada):
    response = auth.login("ada\x00", PASSWORD)
    assert response.status_code == 302, "the NUL is dropped: 'ada' logs in"
    auth.logout()
    response = auth.login("\x00\x01", PASSWORD)
    assert response.status_code == 200
    assert "Enter your username." in response.get_data(as_text=True)
