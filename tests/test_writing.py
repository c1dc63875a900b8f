"""Authors write through the real form: publish, drafts, preview, edits, history, abuse."""

import re

import pytest
from sqlalchemy import func, select

from blog.extensions import db
from blog.models import Article, ArticleRevision
from blog.rules import MAX_BODY_LENGTH
from tests.forms import csrf_token, submit

TOPIC = "treatment-resistant-depression"


@pytest.fixture
def topic(make_topic):
    return make_topic(TOPIC, "Treatment-Resistant Depression")


@pytest.fixture
def logged_in(auth, ada, topic):
    auth.login()
    return ada


def article_form(chosen_topic, **fields):
    data = {
        "title": "Lithium and Your Kidneys",
        "summary": "What blood tests to expect.",
        "body": "## Why tests\n\nLithium is **cleared** by the kidneys.",
        "topic": str(chosen_topic.id),
        "slug": "",
    }
    data.update(fields)
    return data


def write(client, chosen_topic, button="publish", **fields):
    data = article_form(chosen_topic, **fields)
    data[button] = {"publish": "Publish", "save_draft": "Save draft", "preview": "Preview"}[button]
    return submit(client, "/write", data)


def edit(client, current_slug, chosen_topic, button="publish", **fields):
    data = article_form(chosen_topic, **{"slug": current_slug, **fields})
    data[button] = {"publish": "Publish", "save_draft": "Save draft", "preview": "Preview"}[button]
    return submit(client, f"/{current_slug}/edit", data)


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_the_write_form_has_the_labelled_fields_and_buttons(client, logged_in):
    page = client.get("/write").get_data(as_text=True)
    for label in ("Title", "Summary", "Body", "Topic", "Slug"):
        assert re.search(rf'<label for="\w+">{label}</label>', page), label
    for button in ("Publish", "Save draft", "Preview"):
        assert f'value="{button}"' in page
    assert '<option value="1">Treatment-Resistant Depression</option>' in page
    # No topic is chosen for the author: the required select starts on an empty choice.
    assert re.search(
        r'<select[^>]*id="topic"[^>]*>\s*<option selected value="">Choose a topic', page
    )


def test_publishing_shows_the_article_first_on_home_topic_and_feeds(
    client, logged_in, topic, publish
):
    publish("An older guide", topic=topic)
    for url in ("/", f"/topics/{TOPIC}", "/feed.xml", f"/topics/{TOPIC}/feed.json"):
        client.get(url)  # warm every cache
    response = write(client, topic)
    assert response.status_code == 302
    assert response.headers["Location"] == "/lithium-and-your-kidneys"
    page = client.get("/lithium-and-your-kidneys").get_data(as_text=True)
    assert "Published “Lithium and Your Kidneys”." in page
    assert "<h2>Why tests</h2>" in page and "<strong>cleared</strong>" in page
    assert 'By <a href="/authors/ada" rel="author">Ada Lovelace</a>' in page
    assert '<a href="/lithium-and-your-kidneys/edit">Edit this article</a>' in page
    topic_page = client.get(f"/topics/{TOPIC}").get_data(as_text=True)
    titles = re.findall(r'class="entry-title"><a href="[^"]+">([^<]+)</a>', topic_page)
    assert titles == ["Lithium and Your Kidneys", "An older guide"]
    assert "Lithium and Your Kidneys" in client.get("/").get_data(as_text=True)
    for url in (
        "/feed.xml",
        f"/topics/{TOPIC}/feed.xml",
        "/feed.json",
        f"/topics/{TOPIC}/feed.json",
    ):
        assert "Lithium and Your Kidneys" in client.get(url).get_data(as_text=True), url


def test_a_draft_is_invisible_to_readers_and_feeds(client, logged_in, topic, auth):
    response = write(client, topic, button="save_draft")
    assert response.headers["Location"] == "/lithium-and-your-kidneys/edit"
    edit_page = client.get("/lithium-and-your-kidneys/edit").get_data(as_text=True)
    assert "as a draft. Readers cannot see it" in edit_page
    assert "Lithium is **cleared**" in edit_page, "the typed Markdown is back in the form"
    auth.logout()
    assert client.get("/lithium-and-your-kidneys").status_code == 404
    for url in ("/", f"/topics/{TOPIC}", "/feed.xml", "/feed.json", f"/topics/{TOPIC}/feed.xml"):
        assert "Lithium and Your Kidneys" not in client.get(url).get_data(as_text=True), url


def test_preview_renders_clean_html_and_saves_nothing(app, client, logged_in, topic):
    response = write(
        client,
        topic,
        button="preview",
        body="# Heading\n\nText <script>alert('x')</script> [bad](javascript:alert(1))",
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert '<h2 id="preview-heading">Preview' in page
    assert "<h2>Heading</h2>" in page
    assert "<script>alert" not in page and 'href="javascript' not in page
    assert "Text &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page, "the typed text is kept"
    assert count(app, Article) == 0
    assert count(app, ArticleRevision) == 0


def test_editing_keeps_every_version_and_restore_brings_one_back(app, client, logged_in, topic):
    write(client, topic, body="First version.")
    edit(client, "lithium-and-your-kidneys", topic, body="Second version.")
    edit(client, "lithium-and-your-kidneys", topic, body="Third version.")
    assert "Third version." in client.get("/lithium-and-your-kidneys").get_data(as_text=True)

    history = client.get("/lithium-and-your-kidneys/history").get_data(as_text=True)
    assert re.findall(r">Version (\d)</a>", history) == ["3", "2", "1"]
    first = client.get("/lithium-and-your-kidneys/history/1").get_data(as_text=True)
    assert "First version." in first

    response = submit(
        client,
        "/lithium-and-your-kidneys/history/1/restore",
        {},
        page_url="/lithium-and-your-kidneys/history",
    )
    assert response.headers["Location"] == "/lithium-and-your-kidneys/history"
    assert "First version." in client.get("/lithium-and-your-kidneys").get_data(as_text=True)
    assert count(app, ArticleRevision) == 4, "restoring is itself a new version; nothing is lost"


def test_a_slug_change_redirects_the_old_url_and_keeps_the_feed_guid(client, logged_in, topic):
    write(client, topic)
    guid_before = re.search(
        r"<guid[^>]*>([^<]+)</guid>", client.get("/feed.xml").get_data(as_text=True)
    )
    response = edit(client, "lithium-and-your-kidneys", topic, slug="lithium-kidney-tests")
    assert response.headers["Location"] == "/lithium-kidney-tests"
    old = client.get("/lithium-and-your-kidneys")
    assert old.status_code == 301
    assert old.headers["Location"] == "/lithium-kidney-tests"
    feed = client.get("/feed.xml").get_data(as_text=True)
    assert "https://guide.example/lithium-kidney-tests" in feed
    assert re.search(r"<guid[^>]*>([^<]+)</guid>", feed).group(1) == guid_before.group(1)


AUTHOR_SCREENS = [
    ("get", "/{slug}/edit"),
    ("post", "/{slug}/edit"),
    ("get", "/{slug}/history"),
    ("get", "/{slug}/history/1"),
    ("post", "/{slug}/history/1/restore"),
    ("post", "/{slug}/unpublish"),
    ("post", "/{slug}/delete"),
    ("post", "/{slug}/undelete"),
]


def without_token(response) -> str:
    return re.sub(r'name="csrf_token" value="[^"]*"', "", response.get_data(as_text=True))


@pytest.mark.parametrize("draft", [False, True], ids=["published", "draft"])
def test_another_authors_article_is_not_found_on_every_author_screen(
    client, auth, make_author, topic, publish, draft
):
    grace = make_author("grace")
    publish("Grace's guide", author=grace, topic=topic, draft=draft)
    make_author("ada")
    auth.login("ada")
    token = csrf_token(client.get("/dashboard").get_data(as_text=True))
    for method, url in AUTHOR_SCREENS:
        send = getattr(client, method)
        data = {"csrf_token": token, "title": "Mine"} if method == "post" else None
        theirs = send(url.format(slug="graces-guide"), data=data)
        nothing = send(url.format(slug="no-such-guide"), data=data)
        assert theirs.status_code == 404, url
        # The same page, but for the form token, which is signed with the second it was made.
        assert without_token(theirs) == without_token(nothing), url
        assert "Page not found" in theirs.get_data(as_text=True)
    reader_view = client.get("/graces-guide")
    assert reader_view.status_code == (404 if draft else 200)
    assert "Edit this article" not in reader_view.get_data(as_text=True)
    auth.logout()
    auth.login("grace")
    assert client.get("/graces-guide/history").status_code == 200, "nothing of hers changed"
    assert "Grace&#39;s guide" in client.get("/graces-guide/edit").get_data(as_text=True)


def test_a_deleted_article_is_not_found_by_an_author_who_may_not_restore_it(
    client, auth, make_author, topic, publish
):
    grace = make_author("grace")
    publish("Grace's guide", author=grace, topic=topic)
    auth.login("grace")
    submit(client, "/graces-guide/delete", {}, page_url="/dashboard")
    response = submit(client, "/graces-guide/undelete", {}, page_url="/dashboard")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_an_editor_can_edit_anyones_article(client, auth, make_author, topic, publish):
    grace = make_author("grace")
    publish("Grace's guide", author=grace, topic=topic)
    make_author("ed", editor=True)
    auth.login("ed")
    response = edit(
        client, "graces-guide", topic, title="Grace's guide", slug="graces-guide", body="Edited."
    )
    assert response.status_code == 302
    assert "Edited." in client.get("/graces-guide").get_data(as_text=True)


def test_unpublish_takes_it_off_the_site_and_out_of_feeds(client, logged_in, topic):
    write(client, topic)
    assert "Lithium and Your Kidneys" in client.get("/feed.xml").get_data(as_text=True)
    response = submit(
        client, "/lithium-and-your-kidneys/unpublish", {}, page_url="/lithium-and-your-kidneys/edit"
    )
    assert response.headers["Location"] == "/dashboard"
    assert client.get("/lithium-and-your-kidneys").status_code == 404
    assert "Lithium and Your Kidneys" not in client.get("/feed.xml").get_data(as_text=True)
    assert "Draft" in client.get("/dashboard").get_data(as_text=True)


def test_delete_is_soft_and_an_editor_can_undo_it(client, auth, logged_in, topic, make_author):
    write(client, topic)
    response = submit(client, "/lithium-and-your-kidneys/delete", {}, page_url="/dashboard")
    assert response.headers["Location"] == "/dashboard"
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert "An editor can restore it." in dashboard
    assert "Deleted articles" not in dashboard, "only editors see the restore list"
    assert client.get("/lithium-and-your-kidneys").status_code == 404
    assert "Lithium and Your Kidneys" not in client.get("/feed.xml").get_data(as_text=True)
    auth.logout()

    make_author("ed", editor=True)
    auth.login("ed")
    editor_dashboard = client.get("/dashboard").get_data(as_text=True)
    assert "Deleted articles" in editor_dashboard
    submit(client, "/lithium-and-your-kidneys/undelete", {}, page_url="/dashboard")
    assert client.get("/lithium-and-your-kidneys").status_code == 200
    assert "Lithium and Your Kidneys" in client.get("/feed.xml").get_data(as_text=True)


def test_dashboard_lists_the_authors_drafts_and_articles(
    client, logged_in, topic, make_author, publish
):
    publish("Someone else's", author=make_author("grace"), topic=topic)
    write(client, topic, title="My published guide")
    write(client, topic, button="save_draft", title="My draft")
    page = client.get("/dashboard").get_data(as_text=True)
    assert "My published guide" in page and "My draft" in page
    assert "Someone else&#39;s" not in page and "Someone else's" not in page


@pytest.mark.parametrize(
    "fields, field_id, message",
    [
        ({"title": "   "}, "title", "Enter a title."),
        ({"title": "x" * 201}, "title", "Keep the title to 200 characters or fewer"),
        (
            {"summary": "s" * 301},
            "summary",
            "Keep the summary to 300 characters or fewer (it has 301).",
        ),
        ({"body": "b" * (MAX_BODY_LENGTH + 1)}, "body", "the most an article can hold is 200,000"),
        ({"slug": "Not A Slug!"}, "slug", "Use only lower-case letters"),
        ({"slug": "login"}, "slug", "is a page of the site itself"),
        ({"slug": "write"}, "slug", "is a page of the site itself"),
        ({"slug": "topics"}, "slug", "is a page of the site itself"),
        ({"slug": "feed.xml"}, "slug", "is a page of the site itself"),
        ({"slug": "static"}, "slug", "is a page of the site itself"),
        ({"slug": "dashboard"}, "slug", "is a page of the site itself"),
        ({"title": "Login"}, "slug", "is a page of the site itself"),
        ({"topic": "999"}, "topic", "Choose one of the listed topics."),
        ({"topic": "not-a-number"}, "topic", "Choose one of the listed topics."),
        ({"topic": ""}, "topic", "Choose one of the listed topics."),
        ({"title": "Bold <b>claims</b>"}, "title", "A title is plain text"),
    ],
)
def test_bad_input_is_explained_beside_its_field_and_kept(
    app, client, logged_in, topic, fields, field_id, message
):
    response = write(client, topic, **fields)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    error = re.search(rf'<p class="field-error" id="{field_id}-error">(.*?)</p>', page, re.S)
    assert error, f"no error beside {field_id}"
    assert message in error.group(1)
    described_by = re.search(rf'id="{field_id}"[^>]*aria-describedby="([^"]*)"', page) or re.search(
        rf'aria-describedby="([^"]*)"[^>]*id="{field_id}"', page
    )
    assert described_by, f"the {field_id} field names its error"
    assert f"{field_id}-error" in described_by.group(1).split()
    assert "Nothing was saved" in page
    if "body" not in fields:
        assert "Lithium is **cleared** by the kidneys." in page, "the typed body is kept"
    assert count(app, Article) == 0


def test_a_slug_already_used_by_another_article_is_refused(client, logged_in, topic, publish):
    publish("Existing", topic=topic, slug="taken-slug")
    response = write(client, topic, slug="taken-slug")
    assert response.status_code == 400
    assert "“taken-slug” is already in use; choose another slug." in response.get_data(as_text=True)


def test_an_old_slug_of_another_article_is_not_free_either(client, logged_in, topic):
    write(client, topic, title="First")
    edit(client, "first", topic, title="First", slug="first-renamed")
    response = write(client, topic, title="First")
    assert response.status_code == 400
    assert "“first” is already in use; choose another slug." in response.get_data(as_text=True)


def test_a_failed_edit_loses_nothing_already_stored(app, client, logged_in, topic):
    write(client, topic, body="Stored text.")
    response = edit(client, "lithium-and-your-kidneys", topic, title="", body="New text.")
    assert response.status_code == 400
    assert "New text." in response.get_data(as_text=True)
    assert "Stored text." in client.get("/lithium-and-your-kidneys").get_data(as_text=True)
    assert count(app, ArticleRevision) == 1


def test_an_oversized_request_gets_a_413_page(client, logged_in, topic):
    response = write(client, topic, body="x" * (4 * 1024 * 1024))
    assert response.status_code == 413
    assert "Too large" in response.get_data(as_text=True)
    assert response.mimetype == "text/html"


def test_a_long_body_within_the_limit_is_accepted(client, logged_in, topic):
    body = "💊" * MAX_BODY_LENGTH  # 800 kB of UTF-8, 2.4 MB once percent-encoded
    assert write(client, topic, body=body).status_code == 302


@pytest.mark.parametrize("token", [None, "forged-token"])
def test_a_missing_or_wrong_csrf_token_gets_400_and_says_nothing_was_saved(
    app, client, logged_in, topic, token
):
    data = article_form(topic, publish="Publish")
    if token:
        data["csrf_token"] = token
    response = client.post("/write", data=data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "<h1>Form expired</h1>" in page
    assert "your text was not saved" in page
    assert count(app, Article) == 0


def test_author_pages_are_never_cached(client, logged_in):
    assert client.get("/write").headers["Cache-Control"] == "private, no-store"


def test_absurd_numbers_get_clear_answers_not_database_errors(client, logged_in, topic):
    write(client, topic)
    huge = "9" * 25
    assert client.get(f"/topics/{TOPIC}?page={huge}").status_code == 404
    assert client.get(f"/topics/{TOPIC}?before={huge}").status_code == 404
    assert client.get(f"/lithium-and-your-kidneys/history/{huge}").status_code == 404
    assert client.get("/lithium-and-your-kidneys/history/99").status_code == 404
    response = write(client, topic, title="Another", topic=huge)
    assert response.status_code == 400
    assert "Choose one of the listed topics." in response.get_data(as_text=True)


def test_a_problem_without_a_field_of_its_own_is_listed_above_the_form(app):
    from flask import render_template

    from blog.forms import ArticleForm

    with app.test_request_context("/write", method="POST"):
        form = ArticleForm(meta={"csrf": False})
        form.topic.choices = []
        form.show_problems({"body_markdown": "Too long.", "reviewer_id": "Choose a reviewer."})
        page = render_template("writing/edit.html", form=form, article=None, preview=None)
    assert form.body.errors == ["Too long."]
    summary = re.search(r'<div class="error-summary".*?</div>', page, re.S).group(0)
    assert "<li>Choose a reviewer.</li>" in summary
    assert "Body: Too long." in summary


def test_preview_of_a_body_over_the_limit_renders_nothing_and_says_why(client, logged_in, topic):
    body = "## Too long\n\n" + "a" * MAX_BODY_LENGTH
    response = write(client, topic, button="preview", body=body)
    page = response.get_data(as_text=True)
    assert f"the most an article can hold is {MAX_BODY_LENGTH:,}" in page
    assert "<h2>Too long</h2>" not in page
