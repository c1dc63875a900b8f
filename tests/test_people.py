"""People: editors manage accounts in the browser; sessions end when they should."""

import re

import pytest

from tests.forms import AuthActions, csrf_token, submit
from tests.helpers import PASSWORD, SITE_URL, days

NEW_PASSWORD = "lantern orchard violet"


@pytest.fixture
def editor(client, auth, make_author, clock):
    make_author("ed", editor=True, name="Ed Itor")
    auth.login("ed")
    return client


def create_account(client, **fields):
    data = {"display_name": "Grace Hopper", "username": "grace", "role": "author", **fields}
    return submit(client, "/manage/people/new", data)


def link_in(page: str) -> str:
    match = re.search(rf"<code>{re.escape(SITE_URL)}(/password/[\w-]+)</code>", page)
    assert match, "the page shows the one-time link"
    return match.group(1)


def test_an_editor_adds_a_person_who_sets_a_password_through_the_link(editor, app):
    response = create_account(editor)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Account created for Grace Hopper" in page
    assert "expires in 48 hours" in page
    link = link_in(page)
    assert response.headers["Cache-Control"] == "private, no-store"

    newcomer = app.test_client()
    assert AuthActions(newcomer).login("grace", NEW_PASSWORD).status_code == 200, "no password yet"
    form = newcomer.get(link).get_data(as_text=True)
    assert "For the account <strong>grace</strong>" in form
    done = newcomer.post(link, data={"csrf_token": csrf_token(form), "password": NEW_PASSWORD})
    assert done.headers["Location"] == "/login"
    assert AuthActions(newcomer).login("grace", NEW_PASSWORD).headers["Location"] == "/dashboard"

    again = app.test_client().get(link)
    assert again.status_code == 410
    assert "has been used already" in again.get_data(as_text=True)


def test_a_link_expires_after_48_hours_and_an_unknown_one_is_refused(editor, app, clock):
    link = link_in(create_account(editor).get_data(as_text=True))
    clock.advance(days(2))
    expired = app.test_client().get(link)
    assert expired.status_code == 410
    assert "This link has expired" in expired.get_data(as_text=True)
    unknown = app.test_client().get("/password/not-a-real-link")
    assert unknown.status_code == 400
    assert "not one this site made" in unknown.get_data(as_text=True)


def test_a_new_link_retires_the_old_one(editor, app, make_author):
    old_link = link_in(create_account(editor).get_data(as_text=True))
    page = editor.get("/manage/people").get_data(as_text=True)
    grace_id = re.search(r'action="/manage/people/(\d+)/password-link"[^<]*<input[^>]*>\s*'
                         r'<button[^>]*>New password link<span class="visually-hidden"> for Grace',
                         page).group(1)  # fmt: skip
    reset = editor.post(
        f"/manage/people/{grace_id}/password-link", data={"csrf_token": csrf_token(page)}
    )
    assert "New password link for Grace Hopper" in reset.get_data(as_text=True)
    assert app.test_client().get(old_link).status_code == 410
    assert app.test_client().get(link_in(reset.get_data(as_text=True))).status_code == 200


@pytest.mark.parametrize(
    "fields, field_id, message",
    [
        ({"username": "ed"}, "username", "An author called “ed” already exists."),
        ({"username": "  "}, "username", "Enter a username."),
        ({"display_name": ""}, "display_name", "Enter the name readers see"),
    ],
)
def test_bad_account_details_are_explained_beside_their_field(editor, fields, field_id, message):
    response = create_account(editor, **fields)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    error = re.search(rf'<p class="field-error" id="{field_id}-error">(.*?)</p>', page, re.S)
    assert error and message in error.group(1)


@pytest.mark.parametrize(
    "password, message",
    [
        ("short one", "Use at least 12 characters."),
        ("Password1234", "one of the first an attacker would try"),
        ("aaaaaaaaaaaaaaa", "one of the first an attacker would try"),
        ("grace-is-my-password", "Leave your username out of your password."),
    ],
)
def test_weak_passwords_are_refused_at_the_link(editor, app, password, message):
    link = link_in(create_account(editor).get_data(as_text=True))
    newcomer = app.test_client()
    form = newcomer.get(link).get_data(as_text=True)
    response = newcomer.post(link, data={"csrf_token": csrf_token(form), "password": password})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert newcomer.get(link).status_code == 200, "a refused password does not use the link"


def test_authors_cannot_reach_people_management(client, auth, ada, make_author):
    grace = make_author("grace")
    anonymous = client.get("/manage/people")
    assert anonymous.headers["Location"].startswith("/login")
    auth.login()
    token = csrf_token(client.get("/dashboard").get_data(as_text=True))
    assert client.get("/manage/people").status_code == 403
    assert client.get("/manage/people/new").status_code == 403
    for action in ("password-link", "deactivate", "reactivate"):
        response = client.post(f"/manage/people/{grace.id}/{action}", data={"csrf_token": token})
        assert response.status_code == 403, action


def test_deactivating_ends_the_session_and_refuses_login_like_a_wrong_password(
    editor, app, make_author, publish
):
    grace = make_author("grace", name="Grace Hopper")
    publish("Grace's guide", author=grace)
    graces_browser = app.test_client()
    AuthActions(graces_browser).login("grace")
    assert graces_browser.get("/dashboard").status_code == 200

    page = editor.get("/manage/people").get_data(as_text=True)
    response = editor.post(
        f"/manage/people/{grace.id}/deactivate", data={"csrf_token": csrf_token(page)}
    )
    assert response.headers["Location"] == "/manage/people"
    assert "Grace Hopper can no longer log in" in editor.get("/manage/people").get_data(
        as_text=True
    )
    assert graces_browser.get("/dashboard").headers["Location"].startswith("/login")
    refused = AuthActions(app.test_client()).login("grace")
    assert refused.status_code == 200
    assert "That username and password do not match an account." in refused.get_data(as_text=True)
    assert "By Grace Hopper" in re.sub(
        r"\s+", " ", app.test_client().get("/graces-guide").get_data(as_text=True)
    )


def test_logging_out_ends_the_session_even_for_a_copied_cookie(client, auth, ada, app):
    auth.login()
    copied = client.get_cookie("session").value
    auth.logout()
    thief = app.test_client()
    thief.set_cookie("session", copied)
    assert thief.get("/dashboard").headers["Location"].startswith("/login")


def test_changing_your_password_needs_the_current_one_and_ends_other_sessions(
    client, auth, ada, app
):
    auth.login()
    other_device = app.test_client()
    AuthActions(other_device).login()
    page = client.get("/account").get_data(as_text=True)
    data = {
        "csrf_token": csrf_token(page),
        "password-current_password": "not my password",
        "password-password": NEW_PASSWORD,
        "password-change_password": "Change the password",
    }
    wrong = client.post("/account", data=data)
    assert wrong.status_code == 400
    assert "That is not your current password." in wrong.get_data(as_text=True)
    right = client.post("/account", data={**data, "password-current_password": PASSWORD})
    assert right.headers["Location"] == "/account"
    assert client.get("/dashboard").status_code == 200, "this session carries on"
    assert other_device.get("/dashboard").headers["Location"].startswith("/login")
    assert AuthActions(app.test_client()).login("ada", NEW_PASSWORD).status_code == 302


def test_an_author_changes_their_byline(client, auth, ada, publish):
    publish("Ada's guide", author=ada)
    auth.login()
    page = client.get("/account").get_data(as_text=True)
    response = client.post(
        "/account",
        data={
            "csrf_token": csrf_token(page),
            "name-display_name": "Ada King",
            "name-save_name": "Save the name",
        },
    )
    assert response.headers["Location"] == "/account"
    byline = 'By <a href="/authors/ada" rel="author">Ada King</a>'
    assert byline in re.sub(r"\s+", " ", client.get("/adas-guide").get_data(as_text=True))


def test_account_forms_refuse_a_post_without_csrf(editor):
    response = editor.post("/manage/people/new", data={"display_name": "X", "username": "x"})
    assert response.status_code == 400
