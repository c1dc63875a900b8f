"""Feed subscribers: valid RSS and JSON feeds, stable ids, cheap conditional polls."""

import json
from datetime import UTC, datetime
from email.utils import format_datetime
from xml.etree import ElementTree

import feedparser
import pytest

from blog.extensions import db
from blog.models import Article, Author
from blog.publishing import delete, unpublish
from tests.helpers import SITE_URL, START, days

TOPIC = "treatment-resistant-depression"
RSS_FEEDS = ["/feed.xml", f"/topics/{TOPIC}/feed.xml"]
JSON_FEEDS = ["/feed.json", f"/topics/{TOPIC}/feed.json"]
CONTENT_NS = "{http://purl.org/rss/1.0/modules/content/}"
ATOM_NS = "{http://www.w3.org/2005/Atom}"


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200
    parsed = feedparser.parse(response.data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return response, parsed


@pytest.fixture
def three_guides(publish):
    return [publish(f"Guide {n}", when=START + days(n), summary=f"Summary {n}") for n in (1, 2, 3)]


SITE_NAME = "Treatment-Resistant Depression Guide"
CHANNELS = {
    "/feed.xml": (
        SITE_NAME,
        f"{SITE_URL}/",
        "Careful, plain-language guides to what can help when antidepressants have not.",
    ),
    f"/topics/{TOPIC}/feed.xml": (
        f"Treatment Resistant Depression – {SITE_NAME}",
        f"{SITE_URL}/topics/{TOPIC}",
        "New guides on Treatment Resistant Depression",
    ),
}


@pytest.mark.parametrize("url", RSS_FEEDS)
def test_rss_feed_has_every_channel_field(client, three_guides, url):
    response, feed = parse(client, url)
    assert response.headers["Content-Type"] == "application/rss+xml; charset=utf-8"
    assert feed.version == "rss20"
    channel = feed.feed
    title, link, description = CHANNELS[url]
    assert channel.title == title
    assert channel.link == link
    assert channel.subtitle == description
    assert channel.language == "en-gb"
    assert channel.generator == "blog, a Flask publishing engine"
    # lastBuildDate is the newest change, not the time of the request.
    assert channel.updated_parsed[:6] == (START + days(3)).timetuple()[:6]
    root = ElementTree.fromstring(response.data)
    self_link = root.find(f"channel/{ATOM_NS}link")
    assert self_link.attrib == {
        "href": f"{SITE_URL}{url}",
        "rel": "self",
        "type": "application/rss+xml",
    }


@pytest.mark.parametrize("url", RSS_FEEDS)
def test_rss_items_newest_first_with_every_field(client, three_guides, url):
    response, feed = parse(client, url)
    assert [entry.title for entry in feed.entries] == ["Guide 3", "Guide 2", "Guide 1"]
    entry = feed.entries[0]
    newest = three_guides[2]
    assert entry.link == f"{SITE_URL}/guide-3"
    assert entry.id == f"tag:guide.example,{newest.published_at:%Y-%m-%d}:article/{newest.id}"
    assert entry.guidislink is False
    assert entry.published_parsed[:6] == (START + days(3)).timetuple()[:6]
    assert entry.author == "Test Author"
    assert [tag.term for tag in entry.tags] == ["Treatment Resistant Depression"]
    assert entry.summary == "Summary 3"
    # The body, then the safety notices (tests/test_notices.py).
    assert entry.content[0].value.startswith(newest.body_html + "\n<hr")

    item = ElementTree.fromstring(response.data).find("channel/item")
    children = [child.tag for child in item]
    assert children.index("description") < children.index(f"{CONTENT_NS}encoded")
    assert item.findtext("pubDate") == "Tue, 04 Nov 2025 09:00:00 +0000"
    assert item.find("guid").attrib == {"isPermaLink": "false"}
    assert item.find("author") is None, "RSS <author> needs an e-mail; the byline is dc:creator"


def test_pubdate_is_rfc_822_with_a_numeric_offset(client, publish):
    publish("Late night", when=datetime(2025, 11, 20, 23, 59, 30, tzinfo=UTC))
    item = ElementTree.fromstring(client.get("/feed.xml").data).find("channel/item")
    pub_date = item.findtext("pubDate")
    assert pub_date == format_datetime(datetime(2025, 11, 20, 23, 59, 30, tzinfo=UTC))
    assert pub_date.endswith("+0000") and "UTC" not in pub_date


def test_feed_holds_the_twenty_newest(client, publish):
    for n in range(1, 24):
        publish(f"Guide {n}", when=START + days(n))
    _, feed = parse(client, "/feed.xml")
    assert len(feed.entries) == 20
    assert feed.entries[0].title == "Guide 23"
    assert feed.entries[-1].title == "Guide 4"


def test_topic_feed_holds_only_its_topic(client, publish, make_topic):
    other = make_topic("lithium", "Lithium")
    publish("In the main topic", when=START + days(1))
    publish("About lithium", topic=other, when=START + days(2))
    _, topic_feed = parse(client, f"/topics/{TOPIC}/feed.xml")
    assert [e.title for e in topic_feed.entries] == ["In the main topic"]
    _, site_feed = parse(client, "/feed.xml")
    assert [e.title for e in site_feed.entries] == ["About lithium", "In the main topic"]


@pytest.mark.parametrize("url", JSON_FEEDS)
def test_json_feed_follows_json_feed_1_1(client, three_guides, url):
    response = client.get(url)
    assert response.headers["Content-Type"] == "application/feed+json; charset=utf-8"
    feed = json.loads(response.data)
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["feed_url"] == f"{SITE_URL}{url}"
    assert feed["home_page_url"].startswith(SITE_URL)
    assert feed["title"] and feed["language"] == "en-gb"
    items = feed["items"]
    assert [item["title"] for item in items] == ["Guide 3", "Guide 2", "Guide 1"]
    for item in items:
        assert set(item) >= {"id", "url", "title", "content_html", "date_published"}
        assert item["authors"] == [{"name": "Test Author"}]
        assert datetime.fromisoformat(item["date_published"]).utcoffset().total_seconds() == 0
    _, rss = parse(client, url.replace(".json", ".xml"))
    assert [item["id"] for item in items] == [entry.id for entry in rss.entries]


def test_unknown_topic_feeds_are_404(client):
    assert client.get("/topics/nope/feed.xml").status_code == 404
    assert client.get("/topics/nope/feed.json").status_code == 404


def test_a_topic_without_articles_has_a_valid_empty_feed(client, make_topic):
    make_topic()
    response, feed = parse(client, f"/topics/{TOPIC}/feed.xml")
    assert feed.entries == []
    assert response.headers["ETag"]
    assert client.get(f"/topics/{TOPIC}/feed.xml").headers["ETag"] == response.headers["ETag"]
    assert json.loads(client.get(f"/topics/{TOPIC}/feed.json").data)["items"] == []


def test_drafts_never_appear(client, publish):
    publish("Published one", when=START + days(1))
    publish("Still a draft", draft=True, when=START + days(2))
    for url in RSS_FEEDS + JSON_FEEDS:
        body = client.get(url).get_data(as_text=True)
        assert "Published one" in body
        assert "Still a draft" not in body


@pytest.mark.parametrize("remove", ["unpublish", "delete"])
def test_unpublishing_or_deleting_removes_the_item(app, client, publish, remove):
    keep = publish("Keep me", when=START + days(1))
    gone = publish("Take me down", when=START + days(2))
    before = client.get("/feed.xml")
    assert "Take me down" in before.get_data(as_text=True)
    with app.app_context():
        article = db.session.get_one(Article, gone.id)
        action = unpublish if remove == "unpublish" else delete
        action(article, by=db.session.get_one(Author, keep.author_id), now=START + days(9))
    after = client.get("/feed.xml", headers={"If-Modified-Since": before.headers["Last-Modified"]})
    assert after.status_code == 200, "a removal is a change pollers must see"
    assert "Take me down" not in after.get_data(as_text=True)
    assert "Keep me" in after.get_data(as_text=True)


def test_special_characters_are_escaped_and_encoded(client, publish):
    title = 'Salt & pepper < 10 mg "quoted" – café — 💊'
    publish(title, summary="Bread & butter < 5 é — 🙂", body="Fish & chips <b>bold</b> é")
    response, feed = parse(client, "/feed.xml")
    assert response.data.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    assert feed.entries[0].title == title
    # description is HTML to a reader: the plain summary arrives escaped, and shows as typed.
    assert feed.entries[0].summary == "Bread &amp; butter &lt; 5 é — 🙂"
    raw = response.get_data(as_text=True)
    assert '<title>Salt &amp; pepper &lt; 10 mg "quoted" – café — 💊</title>' in raw
    assert "<description>Bread &amp;amp; butter &amp;lt; 5 é — 🙂</description>" in raw
    data = json.loads(client.get("/feed.json").data)
    assert data["items"][0]["title"] == title


def test_feed_html_is_exactly_the_clean_html_with_absolute_urls(client, publish):
    article = publish(
        "Links",
        body=(
            "[a page](/topics/x) ![chart](/static/c.png) [out](https://nhs.uk/) "
            "<script>alert(1)</script><iframe src=https://x.example></iframe>"
        ),
    )
    response, _ = parse(client, "/feed.xml")
    item = ElementTree.fromstring(response.data).find("channel/item")
    html = item.findtext(f"{CONTENT_NS}encoded")
    body, notices = html.split("\n<hr>\n")
    assert body == article.body_html.replace('"/', f'"{SITE_URL}/')
    assert "About this information" in notices
    assert 'href="https://guide.example/topics/x"' in html
    assert 'src="https://guide.example/static/c.png"' in html
    assert "<script" not in html and "<iframe" not in html


def test_guid_and_pubdate_survive_an_edit_and_a_slug_change(client, publish, revise):
    article = publish("Original title", when=START)
    _, before = parse(client, "/feed.xml")
    revise(article.id, title="New title", slug="new-title", body_markdown="Changed body.")
    _, after = parse(client, "/feed.xml")
    assert after.entries[0].title == "New title"
    assert after.entries[0].link == f"{SITE_URL}/new-title"
    assert after.entries[0].id == before.entries[0].id
    assert after.entries[0].published == before.entries[0].published


@pytest.mark.parametrize("url", RSS_FEEDS + JSON_FEEDS)
def test_conditional_get_answers_304_with_no_body(client, publish, url):
    publish("Guide")
    first = client.get(url)
    assert first.headers["Cache-Control"] == "public, max-age=300"
    etag = first.headers["ETag"]
    assert not etag.startswith("W/"), "a strong validator"
    by_etag = client.get(url, headers={"If-None-Match": etag})
    assert by_etag.status_code == 304
    assert by_etag.data == b""
    by_date = client.get(url, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert by_date.status_code == 304
    assert by_date.data == b""
    stale = client.get(url, headers={"If-None-Match": '"something-else"'})
    assert stale.status_code == 200


def test_head_answers_with_headers_only(client, publish):
    publish("Guide")
    response = client.head("/feed.xml")
    assert response.status_code == 200
    assert response.data == b""
    assert response.headers["ETag"] == client.get("/feed.xml").headers["ETag"]


def test_a_publish_changes_the_etag_and_last_modified(client, publish, revise):
    first = publish("First", when=START)
    old = client.get("/feed.xml")
    publish("Second", author=None, when=START + days(1))
    new = client.get("/feed.xml", headers={"If-None-Match": old.headers["ETag"]})
    assert new.status_code == 200
    assert new.headers["ETag"] != old.headers["ETag"]
    assert new.headers["Last-Modified"] == "Sun, 02 Nov 2025 09:00:00 GMT"
    assert "Second" in new.get_data(as_text=True)
    revise(first.id, body_markdown="A correction.", when=START + days(5))
    edited = client.get("/feed.xml", headers={"If-None-Match": new.headers["ETag"]})
    assert edited.status_code == 200
    assert "A correction." in edited.get_data(as_text=True)


def test_feeds_are_validated_per_feed(client, publish, make_topic):
    other = make_topic("lithium", "Lithium")
    publish("Main topic guide", when=START)
    topic_etag = client.get(f"/topics/{TOPIC}/feed.xml").headers["ETag"]
    publish("Lithium guide", topic=other, when=START + days(1))
    unchanged = client.get(f"/topics/{TOPIC}/feed.xml", headers={"If-None-Match": topic_etag})
    assert unchanged.status_code == 304


def test_a_cached_feed_is_served_reading_nothing_but_its_generation(
    client, publish, sql_statements
):
    publish("Guide")
    first = client.get(f"/topics/{TOPIC}/feed.xml")
    json_first = client.get("/feed.json")
    with sql_statements() as statements:
        again = client.get(f"/topics/{TOPIC}/feed.xml")
        json_again = client.get("/feed.json")
    assert again.data == first.data
    assert json_again.data == json_first.data
    # At most the one primary-key read of the cache's generation per poll (on SQLite
    # it goes through a connection of its own, which this listener does not see).
    assert len(statements) <= 2
    assert all("FROM cache_generations" in statement for statement in statements)


def alternate_link(kind: str, title: str, path: str) -> str:
    return f'<link rel="alternate" type="{kind}" title="{title}" href="{SITE_URL}{path}">'


def test_pages_advertise_feeds(client, publish):
    article = publish("Guide")
    site_rss = alternate_link(
        "application/rss+xml", "Treatment-Resistant Depression Guide (RSS)", "/feed.xml"
    )
    topic_title = "Treatment Resistant Depression"
    topic_rss = alternate_link(
        "application/rss+xml", f"{topic_title} (RSS)", f"/topics/{TOPIC}/feed.xml"
    )
    topic_json = alternate_link(
        "application/feed+json", f"{topic_title} (JSON Feed)", f"/topics/{TOPIC}/feed.json"
    )
    home = client.get("/").get_data(as_text=True)
    assert site_rss in home
    assert f'href="{SITE_URL}/feed.json"' in home
    assert topic_rss not in home
    for url in (f"/topics/{TOPIC}", f"/{article.slug}"):
        page = client.get(url).get_data(as_text=True)
        assert site_rss in page
        assert topic_rss in page
        assert topic_json in page
    topic_page = client.get(f"/topics/{TOPIC}").get_data(as_text=True)
    assert f'<a href="/topics/{TOPIC}/feed.xml">Subscribe (RSS)</a>' in topic_page


def test_sitemap_lists_home_topics_and_published_articles(client, publish):
    publish("Public", when=START + days(2))
    publish("Draft", draft=True)
    response = client.get("/sitemap.xml")
    assert response.mimetype == "application/xml"
    root = ElementTree.fromstring(response.data)
    ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    urls = {u.findtext(f"{ns}loc"): u.findtext(f"{ns}lastmod") for u in root.findall(f"{ns}url")}
    assert urls == {
        f"{SITE_URL}/": None,
        f"{SITE_URL}/topics/{TOPIC}": None,
        f"{SITE_URL}/public": "2025-11-03T09:00:00Z",
        # The byline's profile page.
        f"{SITE_URL}/authors/editorial-test": None,
    }


def test_robots_txt_names_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.mimetype == "text/plain"
    assert f"Sitemap: {SITE_URL}/sitemap.xml" in response.get_data(as_text=True)


def test_moving_an_article_to_another_topic_is_a_change_to_both_feeds(
    client, publish, revise, make_topic
):
    lithium = make_topic("lithium", "Lithium")
    moving = publish("Moving guide", when=START)
    before = {
        url: client.get(url) for url in (f"/topics/{TOPIC}/feed.xml", "/topics/lithium/feed.xml")
    }
    revise(moving.id, topic_id=lithium.id, when=START + days(3))
    for url, old in before.items():
        again = client.get(url, headers={"If-Modified-Since": old.headers["Last-Modified"]})
        assert again.status_code == 200, f"{url} changed and must not answer 304"
        assert again.headers["Last-Modified"] == "Tue, 04 Nov 2025 09:00:00 GMT"
    assert "Moving guide" not in client.get(f"/topics/{TOPIC}/feed.xml").get_data(as_text=True)
    assert "Moving guide" in client.get("/topics/lithium/feed.xml").get_data(as_text=True)


def test_a_draft_saved_without_publishing_leaves_the_feeds_alone(app, client, publish):
    publish("Live guide", when=START)
    publish("Private draft", draft=True, when=START + days(2))
    response = client.get("/feed.xml")
    assert response.headers["Last-Modified"] == "Sat, 01 Nov 2025 09:00:00 GMT"
