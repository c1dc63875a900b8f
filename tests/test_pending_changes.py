"""Revising a live article without taking it down, and two people editing one article."""

import pytest
from sqlalchemy import func, select

from blog.extensions import db
from blog.models import ArticleRevision
from tests.forms import AuthActions, csrf_token, edit_form, submit

TOPIC = "treatment-resistant-depression"
SLUG = "lithium-and-your-kidneys"


@pytest.fixture
def live_article(client, auth, ada, make_topic, publish):
    topic = make_topic(TOPIC)
    publish("Lithium and Your Kidneys", author=ada, topic=topic, body="The live text.")
    auth.login()
    return topic


BUTTONS = {"Publish": "publish", "Save draft": "save_draft"}


def save(client, fields: dict, button: str):
    """Press ``button`` (its label) on the edit form filled with ``fields``."""
    return client.post(f"/{SLUG}/edit", data={**fields, BUTTONS[button]: button})


def test_saving_a_draft_of_a_live_article_keeps_the_live_version(client, live_article, auth):
    fields = edit_form(client.get(f"/{SLUG}/edit").get_data(as_text=True))
    response = save(client, {**fields, "body": "The corrected text."}, "Save draft")
    assert response.headers["Location"] == f"/{SLUG}/edit"
    assert "The live text." in client.get(f"/{SLUG}").get_data(as_text=True)
    assert "Published · changes pending" in client.get("/dashboard").get_data(as_text=True)
    editing = client.get(f"/{SLUG}/edit").get_data(as_text=True)
    assert "The corrected text." in editing, "the author goes on from the pending text"
    assert "You are editing changes that are not published yet." in editing
    preview = client.get(f"/{SLUG}/pending").get_data(as_text=True)
    assert "<p>The corrected text.</p>" in preview
    for url in ("/feed.xml", f"/topics/{TOPIC}"):
        assert "corrected" not in client.get(url).get_data(as_text=True)

    response = submit(client, f"/{SLUG}/pending/publish", {}, page_url=f"/{SLUG}/pending")
    assert response.headers["Location"] == f"/{SLUG}"
    auth.logout()
    assert "The corrected text." in client.get(f"/{SLUG}").get_data(as_text=True)
    assert "The corrected text." in client.get("/feed.xml").get_data(as_text=True)


def test_discarding_pending_changes_keeps_them_in_the_history(app, client, live_article):
    fields = edit_form(client.get(f"/{SLUG}/edit").get_data(as_text=True))
    save(client, {**fields, "body": "A change I regret."}, "Save draft")
    response = submit(client, f"/{SLUG}/pending/discard", {}, page_url=f"/{SLUG}/edit")
    assert response.headers["Location"] == f"/{SLUG}/edit"
    editing = client.get(f"/{SLUG}/edit").get_data(as_text=True)
    assert "The live text." in editing and "A change I regret." not in editing
    assert ">Published<" in client.get("/dashboard").get_data(as_text=True)
    assert client.get(f"/{SLUG}/pending").status_code == 404
    assert "A change I regret." in client.get(f"/{SLUG}/history/2").get_data(as_text=True)


def test_a_stale_save_gets_a_conflict_page_and_keeps_the_text(
    app, client, live_article, make_author
):
    make_author("ed", editor=True, name="Ed Itor")
    editor = app.test_client()
    AuthActions(editor).login("ed")
    mine = edit_form(client.get(f"/{SLUG}/edit").get_data(as_text=True))
    theirs = edit_form(editor.get(f"/{SLUG}/edit").get_data(as_text=True))

    assert save(editor, {**theirs, "body": "Version by Ed."}, "Publish").status_code == 302
    conflict = save(client, {**mine, "body": "Version by Ada."}, "Publish")
    assert conflict.status_code == 409
    page = conflict.get_data(as_text=True)
    assert "Your text was <strong>not saved</strong>" in page
    assert f'href="/{SLUG}/history/2">version 2</a>' in page
    assert "Version by Ada." in page, "the second author's text is kept in the form"
    assert "-Version by Ed." in page and "+Version by Ada." in page, "a diff"
    assert "Version by Ed." in client.get(f"/{SLUG}").get_data(as_text=True)

    again = edit_form(page)
    again["csrf_token"] = csrf_token(page)
    assert save(client, again, "Publish").status_code == 302, "saving again is on purpose"
    assert "Version by Ada." in client.get(f"/{SLUG}").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ArticleRevision)) == 3
