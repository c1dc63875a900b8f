"""Safety notices: a disclaimer everywhere, crisis support on mental-health topics."""

import re

import feedparser
import pytest

from blog import notices
from blog.extensions import db
from blog.models import SiteSetting, Topic
from blog.rules import MAX_NOTICE_LENGTH
from tests.forms import submit
from tests.helpers import START, days

TOPIC = "treatment-resistant-depression"
SITE = "/manage/site"
CRISIS_HEADING = "If you need help now"
DISCLAIMER_HEADING = "About this information"


@pytest.fixture
def editor(auth, make_author):
    ed = make_author("ed", editor=True, name="Ed Itor")
    auth.login("ed")
    return ed


@pytest.fixture
def guide(publish):
    return publish("Lithium levels", slug="lithium-levels", body="Careful text.")


def mark_mental_health(client, slug=TOPIC, *, ticked=True):
    fields = {"title": "Treatment Resistant Depression", "slug": slug, "description": ""}
    fields["intro"] = "About *this*."
    if ticked:
        fields["is_mental_health"] = "y"
    return submit(client, f"/manage/topics/{slug}/edit", fields)


def save_notices(client, **texts):
    fields = {"crisis_notice": "", "medical_disclaimer": ""} | texts
    return submit(client, SITE, fields)


def notice(page: str, heading: str) -> str | None:
    """Return the text of the notice under ``heading`` on a page, or None if there is none."""
    match = re.search(
        rf'<aside class="notice [^"]+" aria-labelledby="[^"]+">\s*<h2 id="[^"]+">{heading}</h2>'
        r"(.*?)</aside>",
        page,
        re.S,
    )
    return re.sub(r"<[^>]+>", "", match.group(1)).strip() if match else None


def feed_contents(client, url):
    if url.endswith(".json"):
        return [item["content_html"] for item in client.get(url).get_json()["items"]]
    return [entry.content[0].value for entry in feedparser.parse(client.get(url).data).entries]


FEEDS = ["/feed.xml", "/feed.json", f"/topics/{TOPIC}/feed.xml", f"/topics/{TOPIC}/feed.json"]


def test_every_article_and_topic_page_ends_with_the_default_disclaimer(client, guide):
    for url in (f"/{guide.slug}", f"/topics/{TOPIC}"):
        page = client.get(url).get_data(as_text=True)
        text = notice(page, DISCLAIMER_HEADING)
        assert text is not None and text.startswith("This is general information")
        assert "call your local emergency number" in text
        # A topic not marked as mental health has no crisis notice.
        assert notice(page, CRISIS_HEADING) is None


def test_a_mental_health_topic_shows_the_crisis_notice_on_its_pages_and_articles(
    client, guide, editor
):
    assert mark_mental_health(client).status_code == 302
    client.get("/logout")
    anonymous = client.application.test_client()
    for url in (f"/{guide.slug}", f"/topics/{TOPIC}"):
        page = anonymous.get(url).get_data(as_text=True)
        crisis = notice(page, CRISIS_HEADING)
        assert crisis is not None
        assert "Call your local emergency number" in crisis
        assert "116 123" in crisis and "988" in crisis
        # Crisis support comes first, before the body; the disclaimer closes the page.
        assert page.index(CRISIS_HEADING) < page.index(DISCLAIMER_HEADING)
    article_page = anonymous.get(f"/{guide.slug}").get_data(as_text=True)
    assert article_page.index(CRISIS_HEADING) < article_page.index("Careful text.")
    assert article_page.index("Careful text.") < article_page.index(DISCLAIMER_HEADING)


def test_the_mental_health_mark_is_a_checkbox_on_the_topic_form(client, editor, make_topic):
    make_topic()
    page = client.get(f"/manage/topics/{TOPIC}/edit").get_data(as_text=True)
    assert re.search(r'<input[^>]*id="is_mental_health"[^>]*type="checkbox"', page)
    assert '<label for="is_mental_health">Mental health topic</label>' in page
    mark_mental_health(client)
    page = client.get(f"/manage/topics/{TOPIC}/edit").get_data(as_text=True)
    assert re.search(r'<input[^>]* checked [^>]*id="is_mental_health"', page)
    mark_mental_health(client, ticked=False)
    with client.application.app_context():
        assert db.session.scalar(db.select(Topic.is_mental_health)) is False


@pytest.mark.parametrize("url", FEEDS)
def test_feed_items_end_with_the_notices_their_topic_needs(client, guide, editor, url):
    [plain] = feed_contents(client, url)
    assert DISCLAIMER_HEADING in plain and CRISIS_HEADING not in plain
    assert plain.startswith("<p>Careful text.</p>\n<hr")
    mark_mental_health(client)
    [marked] = feed_contents(client, url)
    assert marked.index("Careful text.") < marked.index(CRISIS_HEADING)
    assert marked.index(CRISIS_HEADING) < marked.index(DISCLAIMER_HEADING)
    assert "116 123" in marked


def test_an_editor_changes_the_notices_and_every_cached_page_and_feed_shows_it(
    app, client, guide, make_author, auth
):
    reader = app.test_client()
    urls = [f"/{guide.slug}", f"/topics/{TOPIC}", *FEEDS]
    before = {url: reader.get(url) for url in urls}  # now cached for anonymous readers
    topic_feed_modified = before[f"/topics/{TOPIC}/feed.xml"].last_modified
    make_author("ed", editor=True)
    auth.login("ed")
    response = save_notices(
        client,
        medical_disclaimer="Written by **our editors**; see [the NHS](https://www.nhs.uk/).",
        crisis_notice="In the UK, call **Samaritans** on 116 123.",
    )
    assert response.status_code == 302
    assert "Saved the medical disclaimer and the crisis-support notice" in client.get(
        SITE
    ).get_data(as_text=True)
    for url in urls:
        after = reader.get(url, headers={"If-None-Match": before[url].headers["ETag"]})
        assert after.status_code == 200, url
        body = after.get_data(as_text=True)
        assert "Written by <strong>our editors</strong>" in body, url
        assert "This is general information" not in body
    after_feed = reader.get(f"/topics/{TOPIC}/feed.xml")
    assert after_feed.last_modified > topic_feed_modified


def test_notices_are_cleaned_like_an_article_and_an_empty_field_brings_back_the_default(
    client, guide, editor
):
    save_notices(
        client,
        medical_disclaimer="<script>alert(1)</script> [x](javascript:alert(1)) *calm*",
    )
    page = client.get(f"/{guide.slug}").get_data(as_text=True)
    disclaimer = page.split(DISCLAIMER_HEADING)[1]
    assert "<script>alert" not in disclaimer and 'href="javascript' not in disclaimer
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in disclaimer
    assert "<em>calm</em>" in disclaimer
    form = client.get(SITE).get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; [x](javascript:alert(1)) *calm*" in form
    save_notices(client, medical_disclaimer="")
    page = client.get(f"/{guide.slug}").get_data(as_text=True)
    assert notice(page, DISCLAIMER_HEADING).startswith("This is general information")


def test_a_notice_over_the_limit_is_refused_beside_its_field_and_kept(client, guide, editor):
    typed = "Call us. " * (MAX_NOTICE_LENGTH // 9 + 1)
    response = save_notices(client, crisis_notice=typed, medical_disclaimer="Kept as typed.")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f"Keep the crisis-support notice to {MAX_NOTICE_LENGTH:,} characters" in page
    assert 'id="crisis_notice-error"' in page
    assert typed.strip() in page and "Kept as typed." in page
    with client.application.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(SiteSetting)) == 0


def test_only_editors_reach_the_notices(client, auth, make_author):
    assert client.get(SITE).status_code == 302  # to the login page
    make_author("ada")
    auth.login("ada")
    assert client.get(SITE).status_code == 403
    assert client.post(SITE, data={"medical_disclaimer": "x"}).status_code in (400, 403)


def test_saving_the_same_text_again_changes_nothing(app, editor, client, clock):
    save_notices(client, medical_disclaimer="Ours.")
    with app.app_context():
        first = db.session.get(SiteSetting, notices.DISCLAIMER.key).updated_at
    clock.advance(days(1))
    save_notices(client, medical_disclaimer="Ours.")
    assert "Nothing had changed" in client.get(SITE).get_data(as_text=True)
    with app.app_context():
        assert db.session.get(SiteSetting, notices.DISCLAIMER.key).updated_at == first


def test_restoring_a_topic_version_keeps_its_mental_health_mark(app, client, editor, guide):
    mark_mental_health(client)
    response = client.post(
        f"/manage/topics/{TOPIC}/history/1/restore",
        data={"csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', client.get(
            f"/manage/topics/{TOPIC}/history").get_data(as_text=True)).group(1)},
    )  # fmt: skip
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(db.select(Topic.is_mental_health)) is True


def test_the_page_says_it_changed_when_a_notice_did(app, client, guide, editor, clock):
    clock.advance(days(60))
    save_notices(client, medical_disclaimer="Newer.")
    reader = app.test_client()
    assert reader.get(f"/{guide.slug}").last_modified == START + days(60)
