"""Editors run topics in the browser: create, edit, history, slugs, order, delete."""

import json
import re
from datetime import timedelta

import feedparser
import pytest

from blog.extensions import db
from blog.models import Author
from blog.publishing import ArticleInput, save_article
from blog.rules import MAX_TOPIC_DESCRIPTION_LENGTH
from tests.forms import csrf_token, submit
from tests.helpers import SITE_URL, START, days

MANAGE = "/manage/topics"


@pytest.fixture
def editor(auth, make_author):
    """An editor, logged in."""
    ed = make_author("ed", editor=True, name="Ed Itor")
    auth.login("ed")
    return ed


def topic_form(**fields):
    data = {"title": "Lithium", "slug": "", "description": "", "intro": "About lithium."}
    data.update(fields)
    return data


def create(client, **fields):
    return submit(client, f"{MANAGE}/new", topic_form(**fields))


def edit(client, current_slug, **fields):
    return submit(client, f"{MANAGE}/{current_slug}/edit", topic_form(slug=current_slug) | fields)


def post_button(client, url, **data):
    """POST a bare action button, with the CSRF token of the topics list."""
    token = csrf_token(client.get(MANAGE).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data})


def field_error(page: str, field: str) -> str:
    match = re.search(
        rf'id="{field}-error"><span class="visually-hidden">Error: </span>([^<]+)<', page
    )
    assert match, f"no error beside {field}"
    return match.group(1)


def home_topics(client) -> list[str]:
    page = client.get("/").get_data(as_text=True)
    listing = page.split('id="topics-heading"')[1].split("</section>")[0]
    return re.findall(r'<a href="/topics/[^"]+">([^<]+)</a>', listing)


def parse_feed(client, url):
    response = client.get(url)
    assert response.status_code == 200
    parsed = feedparser.parse(response.data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def test_an_editor_creates_a_topic_whose_description_feeds_and_meta_tags_use(
    client, editor, publish
):
    response = create(client, title="Lithium: Levels and Safety", description="Blood levels.")
    assert response.status_code == 302
    assert response.headers["Location"] == MANAGE
    listing = client.get(MANAGE).get_data(as_text=True)
    assert "Saved the topic “Lithium: Levels and Safety”." in listing
    assert "/topics/lithium-levels-and-safety" in listing

    page = client.get("/topics/lithium-levels-and-safety").get_data(as_text=True)
    assert '<meta name="description" content="Blood levels.">' in page
    assert "<p>About lithium.</p>" in page
    feed = parse_feed(client, "/topics/lithium-levels-and-safety/feed.xml")
    assert feed.feed.subtitle == "Blood levels."

    create(client, title="Bupropion")
    page = client.get("/topics/bupropion").get_data(as_text=True)
    assert '<meta name="description" content="New guides on Bupropion">' in page
    assert parse_feed(client, "/topics/bupropion/feed.xml").feed.subtitle == (
        "New guides on Bupropion"
    )


def test_bad_input_is_refused_field_by_field_and_the_text_is_kept(client, editor, make_topic):
    make_topic("lithium", "Lithium")
    long_description = "d" * (MAX_TOPIC_DESCRIPTION_LENGTH + 1)
    response = create(
        client,
        title="<b>Bold</b> claims",
        slug="lithium",
        description=long_description,
        intro="Kept *intro*",
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Nothing was saved" in page
    assert field_error(page, "title") == "A title is plain text: remove the HTML tag from it."
    assert "already uses “lithium”" in field_error(page, "slug")
    assert field_error(page, "description") == (
        f"Keep the description to {MAX_TOPIC_DESCRIPTION_LENGTH} characters or fewer "
        f"(it has {MAX_TOPIC_DESCRIPTION_LENGTH + 1})."
    )
    assert 'value="&lt;b&gt;Bold&lt;/b&gt; claims"' in page
    assert f'value="{long_description}"' in page
    assert "Kept *intro*</textarea>" in page

    response = create(client, title="Management", slug="manage")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert (
        field_error(page, "slug") == "“manage” is a page of the site itself; choose another slug."
    )
    assert 'value="Management"' in page

    response = create(client, title="")
    assert field_error(response.get_data(as_text=True), "title") == "Enter a title."
    assert client.get(MANAGE).get_data(as_text=True).count('/edit">Edit') == 1


def test_the_intro_is_cleaned_kept_in_history_and_restorable(client, editor, make_topic):
    make_topic("lithium", "Lithium")  # version 1: "About *this*.", made by code
    response = edit(
        client, "lithium", title="Lithium", intro='**Check** levels.<script>alert("x")</script>'
    )
    assert response.status_code == 302
    page = client.get("/topics/lithium").get_data(as_text=True)
    assert "<strong>Check</strong> levels." in page
    assert "<script" not in page

    history = client.get(f"{MANAGE}/lithium/history").get_data(as_text=True)
    assert re.findall(r"<td>Version (\d+)</td>", history) == ["2", "1"]
    assert "<td>Ed Itor</td>" in history and "<td>imported</td>" in history
    assert "Restore version 1" in history and "Restore version 2" not in history

    response = post_button(client, f"{MANAGE}/lithium/history/1/restore")
    assert response.status_code == 302
    assert response.headers["Location"] == f"{MANAGE}/lithium/history"
    history = client.get(f"{MANAGE}/lithium/history").get_data(as_text=True)
    assert "Restored version 1; it is now the current text." in history
    assert re.findall(r"<td>Version (\d+)</td>", history) == ["3", "2", "1"]
    assert "<em>this</em>" in client.get("/topics/lithium").get_data(as_text=True)
    assert post_button(client, f"{MANAGE}/lithium/history/9/restore").status_code == 404


def test_a_slug_change_sends_the_page_and_both_feeds_on_with_a_301(
    client, editor, make_topic, publish
):
    lithium = make_topic("lithium", "Lithium")
    publish("Lithium and kidneys", topic=lithium, when=START + days(1))
    publish("Lithium and salt", topic=lithium, when=START + days(2))
    before = parse_feed(client, "/topics/lithium/feed.xml")  # cached now
    json_before = json.loads(client.get("/topics/lithium/feed.json").data)

    assert edit(client, "lithium", title="Lithium", slug="lithium-levels").status_code == 302
    for old, new in [
        ("/topics/lithium", "/topics/lithium-levels"),
        ("/topics/lithium?before=1", "/topics/lithium-levels?before=1"),
        ("/topics/lithium?page=2", "/topics/lithium-levels?page=2"),
        ("/topics/lithium/feed.xml", "/topics/lithium-levels/feed.xml"),
        ("/topics/lithium/feed.json", "/topics/lithium-levels/feed.json"),
    ]:
        response = client.get(old)
        assert response.status_code == 301, old
        assert response.headers["Location"] == new

    followed = client.get("/topics/lithium/feed.xml", follow_redirects=True)
    after = feedparser.parse(followed.data)
    assert not after.bozo
    assert [entry.id for entry in after.entries] == [entry.id for entry in before.entries]
    assert after.feed.link == f"{SITE_URL}/topics/lithium-levels"
    json_after = json.loads(client.get("/topics/lithium/feed.json", follow_redirects=True).data)
    assert [item["id"] for item in json_after["items"]] == [
        item["id"] for item in json_before["items"]
    ]

    # The old slug stays the topic's: no other topic may take it, the topic may go back.
    response = create(client, title="Another", slug="lithium")
    assert "already uses “lithium”" in field_error(response.get_data(as_text=True), "slug")
    assert edit(client, "lithium-levels", title="Lithium", slug="lithium").status_code == 302
    assert client.get("/topics/lithium").status_code == 200
    assert client.get("/topics/lithium-levels").headers["Location"] == "/topics/lithium"


def test_the_home_page_lists_topics_in_the_order_editors_set(client, editor, make_topic, publish):
    for slug in ("anxiety", "bipolar", "cbt"):
        publish(f"About {slug}", topic=make_topic(slug, slug.title()), slug=f"about-{slug}")
    assert home_topics(client) == ["Anxiety", "Bipolar", "Cbt"]

    assert post_button(client, f"{MANAGE}/cbt/move", direction="up").status_code == 302
    assert post_button(client, f"{MANAGE}/cbt/move", direction="up").status_code == 302
    assert post_button(client, f"{MANAGE}/anxiety/move", direction="down").status_code == 302
    assert home_topics(client) == ["Cbt", "Bipolar", "Anxiety"]
    listing = client.get(MANAGE).get_data(as_text=True)
    assert re.findall(r'<a href="/topics/[^"]+">([^<]+)</a>', listing) == [
        "Cbt",
        "Bipolar",
        "Anxiety",
    ]
    # The first cannot go up, nor the last down: no button, and a no-op if posted.
    assert post_button(client, f"{MANAGE}/cbt/move", direction="up").status_code == 302
    assert home_topics(client) == ["Cbt", "Bipolar", "Anxiety"]
    assert post_button(client, f"{MANAGE}/cbt/move", direction="sideways").status_code == 400


def test_a_topic_readers_cannot_see_anything_in_is_left_off_the_home_page_and_sitemap(
    client, make_topic, make_author, publish, clock
):
    publish("Seen now", topic=make_topic("depression", "Depression"))
    empty = make_topic("empty", "Empty")
    later = make_topic("later", "Later")
    publish("Drafted", topic=empty, draft=True)
    with client.application.app_context():
        scheduled = ArticleInput("Not yet", "Soon.", "Text.", later.id)
        by = db.session.get_one(Author, make_author("sam").id)
        save_article(None, scheduled, by=by, publish=True, publish_at=START + timedelta(hours=1))

    assert home_topics(client) == ["Depression"]
    sitemap = client.get("/sitemap.xml").get_data(as_text=True)
    assert "/topics/depression<" in sitemap
    assert "/topics/empty<" not in sitemap and "/topics/later<" not in sitemap
    assert client.get("/topics/empty").status_code == 200
    for slug in ("empty", "later"):
        assert parse_feed(client, f"/topics/{slug}/feed.xml").entries == []
        assert json.loads(client.get(f"/topics/{slug}/feed.json").data)["items"] == []

    clock.advance(timedelta(hours=1))
    assert home_topics(client) == ["Depression", "Later"]
    assert "/topics/later<" in client.get("/sitemap.xml").get_data(as_text=True)


def test_a_topic_holding_articles_cannot_be_deleted_until_they_are_moved(
    client, editor, make_topic, publish, revise
):
    lithium = make_topic("lithium", "Lithium")
    other = make_topic("mood-stabilisers", "Mood stabilisers")
    kept = [
        publish("Lithium and kidneys", topic=lithium, author=editor),
        publish("Lithium and salt", topic=lithium, author=editor),
        publish("Lithium levels", topic=lithium, author=editor, draft=True),
    ]
    response = post_button(client, f"{MANAGE}/lithium/delete")
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "The topic was not deleted" in page
    assert (
        "“Lithium” still holds 3 articles (2 published, 1 draft). Move them to another "
        "topic first: open each from the list below and choose a new topic." in page
    )
    for article in kept:
        assert f'<a href="/{article.slug}/edit">{article.title}</a>' in page
    assert client.get("/topics/lithium").status_code == 200

    for article in kept[:2]:
        revise(article.id, topic_id=other.id)
    revise(kept[2].id, topic_id=other.id, draft=True)
    assert "holds no articles" in client.get(f"{MANAGE}/lithium/delete").get_data(as_text=True)
    response = post_button(client, f"{MANAGE}/lithium/delete")
    assert response.status_code == 302
    assert "Deleted the topic “Lithium”." in client.get(MANAGE).get_data(as_text=True)

    for url in ("/topics/lithium", "/topics/lithium/feed.xml", "/topics/lithium/feed.json"):
        assert client.get(url).status_code == 404, url
    assert "Lithium<" not in client.get(MANAGE).get_data(as_text=True)
    assert ">Lithium</option>" not in client.get("/write").get_data(as_text=True)
    assert client.get(f"{MANAGE}/lithium/edit").status_code == 404
    response = create(client, title="Lithium again", slug="lithium")
    assert "already uses “lithium”" in field_error(response.get_data(as_text=True), "slug")


def test_a_deleted_article_still_keeps_its_topic(client, editor, make_topic, publish):
    lithium = make_topic("lithium", "Lithium")
    article = publish("Lithium and kidneys", topic=lithium, author=editor)
    submit(client, f"/{article.slug}/delete", {}, page_url="/dashboard")
    response = post_button(client, f"{MANAGE}/lithium/delete")
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "“Lithium” still holds 1 article (1 deleted)." in page
    assert "restore it from the" in page


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", MANAGE),
        ("get", f"{MANAGE}/new"),
        ("post", f"{MANAGE}/new"),
        ("get", f"{MANAGE}/lithium/edit"),
        ("post", f"{MANAGE}/lithium/edit"),
        ("get", f"{MANAGE}/lithium/history"),
        ("post", f"{MANAGE}/lithium/history/1/restore"),
        ("post", f"{MANAGE}/lithium/move"),
        ("get", f"{MANAGE}/lithium/delete"),
        ("post", f"{MANAGE}/lithium/delete"),
    ],
)
def test_authors_who_are_not_editors_are_refused_every_topic_screen(
    client, auth, ada, make_topic, method, url
):
    make_topic("lithium", "Lithium")
    assert client.get(url).status_code in (302, 405)  # logged out: to the login page
    auth.login()
    token = csrf_token(client.get("/write").get_data(as_text=True))
    data = {"csrf_token": token, **topic_form(title="Taken over"), "direction": "up"}
    response = client.post(url, data=data) if method == "post" else client.get(url)
    assert response.status_code == 403
    assert "Your account is not allowed to do that." in response.get_data(as_text=True)
    assert 'href="/manage/topics"' not in client.get("/dashboard").get_data(as_text=True)


def test_a_post_without_the_csrf_token_is_refused(client, editor, make_topic):
    make_topic("lithium", "Lithium")
    for url in (f"{MANAGE}/new", f"{MANAGE}/lithium/delete", f"{MANAGE}/lithium/move"):
        response = client.post(url, data={**topic_form(title="Forged"), "direction": "up"})
        assert response.status_code == 400, url
        assert "Form expired" in response.get_data(as_text=True)
    assert client.get("/topics/lithium").status_code == 200
    assert "Forged" not in client.get(MANAGE).get_data(as_text=True)


def test_editors_find_the_topics_in_the_header_and_robots_keep_out(client, editor):
    nav = client.get("/dashboard").get_data(as_text=True).split('aria-label="Site"')[1]
    assert '<a href="/manage/topics">Topics</a>' in nav.split("</nav>")[0]
    assert "Disallow: /manage\n" in client.get("/robots.txt").get_data(as_text=True)
    assert client.get(MANAGE).headers["Cache-Control"] == "private, no-store"


def test_topic_lists_make_as_many_queries_for_five_topics_as_for_one(
    client, editor, make_topic, publish, sql_statements
):
    def count_statements(url: str) -> int:
        with sql_statements() as statements:
            assert client.get(url).status_code == 200
        return len(statements)

    publish("First", topic=make_topic("first", "First"))
    urls = ["/", "/sitemap.xml", MANAGE]
    few = {url: count_statements(url) for url in urls}
    for n in range(4):
        publish(f"Guide {n}", topic=make_topic(f"topic-{n}", f"Topic {n}"))
    assert len(home_topics(client)) == 5
    assert {url: count_statements(url) for url in urls} == few, "a query per topic (N+1)"
