"""Hostile input anywhere gets a 4xx answer, never a 500, on every database."""

import pytest

from tests.forms import submit

HOSTILE = [
    "%00",
    "%ff%fe",
    "9" * 30,
    "-1",
    "0",
    "%E2%80%AE",
    "..%2F..%2Fetc%2Fpasswd",
    "a" * 3000,
    "%27%22%3E%3Cscript%3E",
    "%F0%9F%92%8A",
]

PATHS = [
    "/{x}",
    "/{x}/edit",
    "/{x}/history",
    "/topic-article/history/{x}",
    "/topics/{x}",
    "/topics/{x}/feed.xml",
    "/topics/{x}/feed.json",
    "/topics/treatment-resistant-depression?page={x}",
    "/topics/treatment-resistant-depression?before={x}",
    "/?page={x}",
    "/login?next={x}",
    "/feed.xml?{x}={x}",
]


@pytest.fixture
def site(client, auth, ada, make_topic, publish):
    topic = make_topic("treatment-resistant-depression")
    publish("Topic article", author=ada, topic=topic)
    auth.login()
    return topic


@pytest.mark.parametrize("value", HOSTILE)
def test_no_url_answers_with_a_server_error(client, site, value):
    for path in PATHS:
        response = client.get(path.format(x=value))
        assert response.status_code < 500, (path, value, response.status_code)


@pytest.mark.parametrize("field", ["title", "summary", "body", "topic", "slug"])
@pytest.mark.parametrize("value", ["\x00", "\ud800".encode("utf-8", "surrogatepass"), "9" * 30])
def test_no_form_value_answers_with_a_server_error(client, site, field, value):
    data = {
        "title": "Fine title",
        "summary": "Fine",
        "body": "Fine",
        "topic": str(site.id),
        "slug": "",
        "publish": "Publish",
    }
    data[field] = value
    for url in ("/write", "/topic-article/edit"):
        response = submit(client, url, data)
        assert response.status_code in (302, 400), (url, field, response.status_code)
