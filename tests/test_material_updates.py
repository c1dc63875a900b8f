"""Material updates: "Updated <date>: <note>" for readers and feeds; a typo fix changes none."""

import re
from datetime import UTC, datetime

import feedparser
import pytest
from sqlalchemy import select

from blog.extensions import db
from blog.models import Article, ArticleEvent, Author
from blog.publishing import MATERIAL_UPDATE_ACTION, ArticleInput, save_article
from blog.rules import MAX_UPDATE_NOTE_LENGTH, InvalidInput
from tests.forms import edit_form, submit
from tests.helpers import START, days

SLUG = "lithium-levels"
NOTE = "Dose guidance updated after the 2026 guideline"
# 23:30 UTC on 30 June is already 1 July in London (BST): the date readers see.
SUMMER_NIGHT = datetime(2026, 6, 30, 23, 30, tzinfo=UTC)


@pytest.fixture
def live(client, auth, ada, publish, clock):
    """A published article by ada, who is logged in; the clock stands at START + 1 day."""
    article = publish("Lithium levels", author=ada, slug=SLUG, body="The old dose guidance.")
    clock.advance(days(1))
    auth.login()
    return article


def edit(client, button="publish", **changes):
    fields = edit_form(client.get(f"/{SLUG}/edit").get_data(as_text=True))
    return client.post(f"/{SLUG}/edit", data={**fields, **changes, button: button})


def updated_line(page: str) -> str | None:
    match = re.search(r'<p class="updated"><strong>(Updated [^<]*)</strong> ([^<]*)</p>', page)
    return f"{match.group(1)} {match.group(2)}" if match else None


def json_item(client):
    return client.get("/feed.json").get_json()["items"][0]


def test_a_material_update_shows_its_date_and_note_at_the_top_of_the_article(
    app, client, live, clock
):
    clock.now = SUMMER_NIGHT
    response = edit(client, body="The new dose guidance.", material_update="y",
                    material_update_note=NOTE)  # fmt: skip
    assert response.status_code == 302
    page = client.get(f"/{SLUG}").get_data(as_text=True)
    assert updated_line(page) == f"Updated 1 July 2026: {NOTE}"
    header = page.split('<article class="article">')[1].split("</header>")[0]
    assert '<p class="updated">' in header, "near the top, before the body"
    with app.app_context():
        events = db.session.scalars(select(ArticleEvent.action)).all()
    assert MATERIAL_UPDATE_ACTION in events
    assert len(MATERIAL_UPDATE_ACTION) <= 32


def test_the_feed_item_leads_with_the_update_and_moves_date_modified_but_keeps_its_id(
    client, live, clock
):
    before_json = json_item(client)
    before_rss = feedparser.parse(client.get("/feed.xml").data).entries[0]
    assert before_json["date_modified"] == START.isoformat()

    clock.now = SUMMER_NIGHT
    edit(client, body="The new dose guidance.", material_update="y",
         material_update_note="Doses & levels <5 changed")  # fmt: skip

    after_json = json_item(client)
    after_rss = feedparser.parse(client.get("/feed.xml").data).entries[0]
    line = (
        '<p class="updated"><strong>Updated 1 July 2026:</strong> '
        "Doses &amp; levels &lt;5 changed</p>"
    )
    assert after_json["content_html"].startswith(line + "\n<p>The new dose guidance.</p>")
    assert after_rss.content[0].value.startswith(line)
    assert after_json["date_modified"] == SUMMER_NIGHT.isoformat()
    assert after_json["id"] == before_json["id"]
    assert after_json["date_published"] == before_json["date_published"]
    assert after_rss.id == before_rss.id
    assert after_rss.published == before_rss.published


def test_a_minor_edit_changes_no_date_readers_or_feeds_see(client, live, clock):
    before = json_item(client)
    clock.advance(days(3))
    assert edit(client, body="The old dose guidanse, typo fixed.").status_code == 302
    after = json_item(client)
    assert after["date_modified"] == before["date_modified"] == START.isoformat()
    assert after["id"] == before["id"]
    assert "Updated" not in after["content_html"]
    assert updated_line(client.get(f"/{SLUG}").get_data(as_text=True)) is None


def test_an_earlier_material_update_stays_until_the_next_one(client, live, clock):
    edit(client, material_update="y", material_update_note="First change")
    first = json_item(client)["date_modified"]
    clock.advance(days(2))
    edit(client, body="A typo fixed.")
    assert json_item(client)["date_modified"] == first
    assert "First change" in updated_line(client.get(f"/{SLUG}").get_data(as_text=True))


@pytest.mark.parametrize(
    ("note", "problem"),
    [
        ("", "Say in a few words what changed"),
        ("   ", "Say in a few words what changed"),
        ("x" * (MAX_UPDATE_NOTE_LENGTH + 1), f"Keep the note to {MAX_UPDATE_NOTE_LENGTH}"),
        ("New <b>dose</b>", "A note is plain text"),
    ],
)
def test_a_material_update_needs_a_short_plain_note(app, client, live, note, problem):
    response = edit(client, body="My new text.", material_update="y", material_update_note=note)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    error = re.search(r'id="material_update_note-error">.*?</span>([^<]*)<', page)
    assert error and problem in error.group(1)
    assert "My new text." in page, "what the author typed is kept"
    assert "The old dose guidance." in client.get(f"/{SLUG}").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Article.last_material_update_at)) is None


def test_a_new_article_form_has_no_material_update_box(client, auth, ada, make_topic):
    make_topic()
    auth.login()
    page = client.get("/write").get_data(as_text=True)
    assert "material_update" not in page


def test_an_article_readers_have_not_seen_cannot_have_a_material_update(app, make_topic, ada):
    topic = make_topic()
    with app.app_context():
        author = db.session.get_one(Author, ada.id)
        data = ArticleInput("Draft", "", "Text.", topic.id)
        draft = save_article(None, data, by=author, publish=False, now=START)
        with pytest.raises(InvalidInput) as refused:
            save_article(draft, data, by=author, publish=True, material_update=NOTE, now=START)
        assert "Only an article readers can already see" in refused.value.errors["material_update"]


def test_a_material_update_saved_as_pending_changes_takes_effect_when_published(
    app, client, live, clock
):
    response = edit(client, "save_draft", body="The new dose guidance.", material_update="y",
                    material_update_note=NOTE)  # fmt: skip
    assert response.status_code == 302
    assert updated_line(client.get(f"/{SLUG}").get_data(as_text=True)) is None
    assert json_item(client)["date_modified"] == START.isoformat()
    editing = client.get(f"/{SLUG}/edit").get_data(as_text=True)
    assert re.search(r'<input[^>]* checked [^>]*id="material_update"', editing)
    assert f'value="{NOTE}"' in editing

    clock.advance(days(2))
    published_at = clock.now
    response = submit(client, f"/{SLUG}/pending/publish", {}, page_url=f"/{SLUG}/pending")
    assert response.status_code == 302
    page = client.get(f"/{SLUG}").get_data(as_text=True)
    assert updated_line(page) == f"Updated 4 November 2025: {NOTE}"
    assert json_item(client)["date_modified"] == published_at.isoformat()
    with app.app_context():
        article = db.session.scalar(select(Article))
        assert article.last_material_update_at == published_at
        assert article.material_update_note == NOTE
