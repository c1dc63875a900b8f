"""Scheduled publishing: invisible to readers until its time, then there without anyone acting."""

import re

import pytest

from tests.forms import submit
from tests.helpers import SITE_URL, START, days

TOPIC = "treatment-resistant-depression"
SLUG = "lithium-and-your-kidneys"
READER_URLS = ["/", f"/topics/{TOPIC}", "/feed.xml", "/feed.json", f"/topics/{TOPIC}/feed.xml"]


@pytest.fixture
def author(auth, ada, make_topic, clock):
    topic = make_topic(TOPIC)
    auth.login()
    return topic


def schedule(client, topic, when: str, *, url="/write", button="Schedule", **fields):
    data = {
        "title": "Lithium and Your Kidneys",
        "summary": "What blood tests to expect.",
        "body": "Lithium is cleared by the kidneys.",
        "topic": str(topic.id),
        "slug": "",
        "publish_at": when,
        button.lower(): button,
        **fields,
    }
    return submit(client, url, data)


def reader_sees(client, url: str) -> bool:
    return "Lithium and Your Kidneys" in client.get(url).get_data(as_text=True)


def test_a_scheduled_article_is_invisible_until_its_time_then_appears(client, author, clock, auth):
    # Warm every cache first: none of them may keep the pre-release state.
    for url in READER_URLS:
        client.get(url)
    early_feed = client.get("/feed.xml")
    response = schedule(client, author, "2025-11-03T09:00")
    assert response.status_code == 302
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert "Scheduled for 3 November 2025, 09:00 GMT" in dashboard
    auth.logout()

    assert client.get(f"/{SLUG}").status_code == 404
    assert f"{SITE_URL}/{SLUG}" not in client.get("/sitemap.xml").get_data(as_text=True)
    for url in READER_URLS:
        assert not reader_sees(client, url), url

    clock.advance(days(2))  # 2025-11-03 09:00 UTC exactly: its time has come
    assert client.get(f"/{SLUG}").status_code == 200
    assert f"{SITE_URL}/{SLUG}" in client.get("/sitemap.xml").get_data(as_text=True)
    for url in READER_URLS:
        assert reader_sees(client, url), url
    feed = client.get("/feed.xml", headers={"If-None-Match": early_feed.headers["ETag"]})
    assert feed.status_code == 200
    assert feed.headers["Last-Modified"] == "Mon, 03 Nov 2025 09:00:00 GMT"
    item = re.search(r"<item>.*?</item>", feed.get_data(as_text=True), re.S).group(0)
    assert "<pubDate>Mon, 03 Nov 2025 09:00:00 +0000</pubDate>" in item


def test_a_time_is_entered_and_shown_in_the_sites_zone(client, author):
    # Summer time: 09:00 in London is 08:00 UTC.
    schedule(client, author, "2026-06-01T09:00")
    page = client.get(f"/{SLUG}/edit").get_data(as_text=True)
    assert "Scheduled for 1 June 2026, 09:00 BST" in page
    assert 'value="2026-06-01T09:00"' in page


@pytest.mark.parametrize(
    "when, message",
    [
        ("2025-10-01T09:00", "That time has already passed."),
        ("", "Enter the date and time to publish at."),
        ("next tuesday", "Enter a date and time, such as"),
        # The clocks go forward at 01:00 on 29 March 2026: 01:30 never happens.
        ("2026-03-29T01:30", "does not exist here: the clocks go forward then"),
    ],
)
def test_a_bad_schedule_time_is_explained_beside_the_field(client, author, when, message):
    response = schedule(client, author, when, body="Typed text kept.")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    error = re.search(r'<p class="field-error" id="publish_at-error">(.*?)</p>', page, re.S)
    assert error and message in error.group(1)
    assert "Typed text kept." in page
    assert client.get("/dashboard").get_data(as_text=True).count("Lithium") == 0


def test_a_scheduled_article_can_be_rescheduled_published_now_or_taken_back(client, author, auth):
    schedule(client, author, "2025-11-03T09:00")
    schedule(client, author, "2025-11-05T18:30", url=f"/{SLUG}/edit", slug=SLUG)
    assert "Scheduled for 5 November 2025, 18:30 GMT" in client.get("/dashboard").get_data(
        as_text=True
    )
    submit(client, f"/{SLUG}/unpublish", {}, page_url=f"/{SLUG}/edit")
    assert ">Draft<" in client.get("/dashboard").get_data(as_text=True)
    response = schedule(client, author, "", url=f"/{SLUG}/edit", slug=SLUG, button="Publish")
    assert response.headers["Location"] == f"/{SLUG}"
    auth.logout()
    page = client.get(f"/{SLUG}").get_data(as_text=True)
    assert '<time datetime="2025-11-01">1 November 2025</time>' in page, "published now"


def test_an_article_readers_have_seen_cannot_be_scheduled(client, author, ada, publish):
    publish("Already out", topic=author, author=ada, when=START - days(1))
    response = schedule(client, author, "2025-12-01T09:00", url="/already-out/edit", slug="")
    assert response.status_code == 400
    assert "has already been published, so it cannot be scheduled" in response.get_data(
        as_text=True
    )
