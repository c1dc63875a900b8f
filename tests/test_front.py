"""The front: a cached answer replayed without the framework is the app's answer, byte for byte."""

import pytest
from flask import Flask

from blog.cache import site_cache
from blog.cache.front import Front
from tests.helpers import START, days

TOPIC = "treatment-resistant-depression"
REPLAYED = ["/", f"/topics/{TOPIC}", f"/topics/{TOPIC}?before=2", "/a-guide", "/sitemap.xml",
            "/robots.txt", "/feed.xml", "/feed.json", f"/topics/{TOPIC}/feed.xml",
            "/healthz"]  # fmt: skip
# Headers that carry the current second, whoever answers.
CLOCKED = {"Date", "X-Accel-Expires"}


def front_of(app: Flask) -> Front:
    outer = app.wsgi_app
    front = outer if isinstance(outer, Front) else getattr(outer, "app", None)  # in ProxyFix
    assert isinstance(front, Front)
    return front


def count_framework_requests(app: Flask) -> list[str]:
    """Return a list that grows by one path each time a request gets past the front to Flask."""
    seen: list[str] = []
    front = front_of(app)
    framework = front.wsgi_app

    def counted(environ, start_response):
        seen.append(environ["PATH_INFO"])
        return framework(environ, start_response)

    front.wsgi_app = counted
    return seen


def comparable(response) -> tuple[int, list[tuple[str, str]], bytes]:
    headers = [(name, value) for name, value in response.headers if name not in CLOCKED]
    return response.status_code, headers, response.data


@pytest.fixture
def proxied(make_app) -> Flask:
    """The app as deployed behind one proxy (nginx): X-Forwarded-* read, X-Accel-Expires sent."""
    return make_app(PROXY_COUNT=1, TESTING=False, TRUSTED_HOSTS=["localhost"])


@pytest.mark.parametrize("path", REPLAYED)
def test_a_repeated_anonymous_request_is_answered_as_the_app_answered_it(proxied, publish, path):
    publish("An older guide", when=START - days(1))  # id 1, listed under ?before=2
    publish("A guide")
    framework = count_framework_requests(proxied)
    client = proxied.test_client()
    forwarded = {"X-Forwarded-Proto": "https"}
    first = client.get(path, headers=forwarded)
    assert first.status_code == 200
    assert len(framework) == 1
    again = client.get(path, headers=forwarded)
    head = client.head(path, headers=forwarded)
    assert len(framework) == 1  # neither reached Flask
    assert comparable(again) == comparable(first)
    assert comparable(head)[:2] == comparable(first)[:2] and head.data == b""
    assert ("Strict-Transport-Security" in again.headers) is True
    assert again.headers.get("X-Accel-Expires", "").startswith("@")
    assert "Set-Cookie" not in again.headers


@pytest.mark.parametrize("path", ["/", f"/topics/{TOPIC}", "/a-guide", "/feed.xml"])
def test_a_replayed_304_is_the_304_the_app_gives(proxied, publish, path):
    publish("A guide")
    client = proxied.test_client()
    first = client.get(path)
    framework = count_framework_requests(proxied)
    for validator in (
        {"If-None-Match": first.headers["ETag"]},
        {"If-Modified-Since": first.headers["Last-Modified"]},
    ):
        replayed = client.get(path, headers=validator)
        # An unknown parameter sends the same request to the app itself.
        separator = "&" if "?" in path else "?"
        from_app = client.get(f"{path}{separator}utm=x", headers=validator)
        assert replayed.status_code == from_app.status_code == 304
        assert comparable(replayed) == comparable(from_app)
        assert replayed.data == b""
    assert len(framework) == 2  # only the two requests with an unknown parameter


def test_a_changed_page_is_never_replayed(client, app, publish, revise):
    article = publish("A guide")
    first = client.get("/a-guide")
    revise(article.id, title="A better guide")
    framework = count_framework_requests(app)
    changed = client.get("/a-guide")
    assert "A better guide" in changed.get_data(as_text=True)
    assert changed.headers["ETag"] != first.headers["ETag"]
    assert len(framework) == 1


def test_authors_go_to_the_app_and_other_cookies_do_not_matter(client, app, publish, auth, ada):
    publish("A guide")
    client.get("/")
    framework = count_framework_requests(app)
    other = app.test_client()
    other.set_cookie("theme", "dark")
    assert "Dashboard" not in other.get("/").get_data(as_text=True)
    assert framework == []
    auth.login()
    page = client.get("/")
    assert "Dashboard" in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "private, no-store"
    assert framework[-1] == "/"


def test_writes_and_odd_requests_always_reach_the_app(client, app, publish):
    publish("A guide")
    client.get("/a-guide")
    framework = count_framework_requests(app)
    client.get("/a-guide", headers={"Range": "bytes=0-10"})
    client.get("/a-guide", headers={"If-Match": '"nope"'})
    client.post("/a-guide")
    client.get("/a-guide?before=1&x=2")
    assert len(framework) == 4


def test_the_recorded_answers_are_bounded(make_app, publish):
    publish("A guide")
    app = make_app(CACHE_MEMORY_ENTRIES=3)
    client = app.test_client()
    for number in range(20):
        assert client.get("/", headers={"Host": f"host{number}.example"}).status_code == 200
    assert len(front_of(app)) == 3


def test_the_recorded_answers_are_bounded_in_bytes_whatever_addresses_are_asked_for(
    make_app, publish
):
    # A feed ignores ?before=, so every number is another address for the same large
    # document: without a bound in bytes, a few hundred requests hold hundreds of copies.
    publish("A guide", body="A long paragraph of careful text. " * 3000)
    app = make_app(CACHE_FRONT_BYTES=400_000)
    client = app.test_client()
    feed = client.get("/feed.xml").data
    assert len(feed) > 100_000
    for number in range(1, 21):
        assert client.get(f"/feed.xml?before={number}").data == feed
    front = front_of(app)
    assert 1 <= len(front) <= 400_000 // len(feed)
    framework = count_framework_requests(app)
    assert client.get("/feed.xml?before=20").data == feed
    assert framework == []  # the newest are still replayed


def test_a_request_the_front_passes_on_reads_the_generation_once(client, app, publish, revise):
    article = publish("A guide")
    client.get("/a-guide")
    revise(article.id, title="A better guide")
    with app.app_context():
        generations = site_cache().generations
    reads: list[str] = []
    read = generations.current

    def counted(scope: str) -> int:
        reads.append(scope)
        return read(scope)

    generations.current = counted  # type: ignore[method-assign]
    assert "A better guide" in client.get("/a-guide").get_data(as_text=True)
    assert reads == ["pages"]
    assert "A better guide" in client.get("/a-guide").get_data(as_text=True)  # replayed
    assert reads == ["pages", "pages"]
