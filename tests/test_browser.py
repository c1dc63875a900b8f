"""End to end in a real headless Chromium: log in, write, preview, publish, see it first."""

import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from blog import create_app
from blog.accounts import create_author
from blog.extensions import db
from blog.models import Author
from blog.topics import create_topic
from tests.conftest import SteppedClock
from tests.helpers import PASSWORD, served

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
playwright_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not (os.path.exists(CHROMIUM) or shutil.which("chromium")),
        reason=f"no Chromium at {CHROMIUM}; install Debian's chromium package to run this test",
    ),
]


@pytest.fixture
def live_server(app_config, backend, make_author) -> Iterator[str]:
    if backend != "sqlite":
        pytest.skip("the browser journey runs once, on SQLite")
    # A plain-HTTP local server: the browser must be able to keep the session cookie.
    app = create_app(dict(app_config, SESSION_COOKIE_SECURE=False, SITE_URL=None))
    with app.app_context():
        db.create_all()
        create_topic("treatment-resistant-depression", "Treatment-Resistant Depression", "Intro.")
        author = Author(username="ada", display_name="Ada Lovelace")
        author.set_password(PASSWORD)
        db.session.add(author)
        db.session.commit()
    with served(app) as url:
        yield url


@pytest.fixture
def page(live_server, browser_page):
    return browser_page


@pytest.fixture
def browser_page():
    """A page in headless Chromium, phone-sized."""
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium"),
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        context = browser.new_context(viewport={"width": 375, "height": 800})
        page = context.new_page()
        page.set_default_timeout(15_000)
        try:
            yield page
        finally:
            context.close()
            browser.close()


def test_an_author_logs_in_writes_previews_publishes_and_sees_it_first(page, live_server):
    expect = playwright_api.expect
    page.goto(f"{live_server}/login")
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")

    page.get_by_role("link", name="Write", exact=True).click()
    page.get_by_label("Title").fill("Lithium and Your Kidneys")
    page.get_by_label("Summary").fill("Which blood tests to expect, and why.")
    page.get_by_label("Body").fill("## Why tests\n\nLithium is **cleared** by the kidneys.")
    page.get_by_label("Topic").select_option(label="Treatment-Resistant Depression")

    page.get_by_role("button", name="Preview").click()
    preview = page.get_by_role("region", name="Preview not saved")
    expect(preview.get_by_role("heading", name="Why tests")).to_be_visible()
    expect(preview.locator("strong")).to_have_text("cleared")
    expect(page.get_by_label("Body")).to_have_value(
        "## Why tests\n\nLithium is **cleared** by the kidneys."
    )

    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lithium and Your Kidneys")
    expect(page.get_by_text("Published “Lithium and Your Kidneys”.")).to_be_visible()

    page.goto(f"{live_server}/topics/treatment-resistant-depression")
    first_entry = page.locator("article.entry").first
    expect(
        first_entry.get_by_role("link", name="Lithium and Your Kidneys", exact=True)
    ).to_be_visible()
    expect(first_entry).to_contain_text("Which blood tests to expect, and why.")
    if os.environ.get("SCREENSHOT_DIR"):
        page.screenshot(
            path=os.path.join(os.environ["SCREENSHOT_DIR"], "topic.png"), full_page=True
        )


@pytest.fixture
def editorial_site(app_config, backend) -> Iterator[tuple[str, SteppedClock]]:
    """A live site with an editor and an author, whose clock the test moves."""
    if backend != "sqlite":
        pytest.skip("the browser journey runs once, on SQLite")
    clock = SteppedClock(datetime(2025, 11, 1, 9, 0, tzinfo=UTC))
    app = create_app(dict(app_config, SESSION_COOKIE_SECURE=False, SITE_URL=None, CLOCK=clock))
    with app.app_context():
        db.create_all()
        create_author("ed", PASSWORD, display_name="Ed Itor", editor=True)
        create_author("ada", PASSWORD, display_name="Ada Lovelace")
    with served(app) as url:
        yield url, clock


def log_in(page, site: str, username: str) -> None:
    page.goto(f"{site}/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    playwright_api.expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")


def test_an_editorial_team_schedules_revises_and_meets_a_conflict(browser_page, editorial_site):
    page = browser_page
    expect = playwright_api.expect
    site, clock = editorial_site
    topic_url = f"{site}/topics/lithium-and-you"

    # The editor starts a topic.
    log_in(page, site, "ed")
    page.get_by_role("link", name="Topics", exact=True).click()
    page.get_by_role("link", name="New topic").click()
    page.get_by_label("Title").fill("Lithium and you")
    page.get_by_label("Intro").fill("How lithium helps, and what to **watch** for.")
    page.get_by_role("button", name="Save topic").click()
    page.get_by_role("button", name="Log out").click()

    # An author schedules a guide into it for two days later.
    log_in(page, site, "ada")
    page.get_by_role("link", name="Write", exact=True).click()
    page.get_by_label("Title").fill("Lithium Levels Explained")
    page.get_by_label("Summary").fill("Why blood tests matter.")
    page.get_by_label("Body").fill("Your level is checked *12 hours* after a dose.")
    page.get_by_label("Topic").select_option(label="Lithium and you")
    page.get_by_label("Publish at").fill("2025-11-03T09:00")
    page.get_by_role("button", name="Schedule").click()
    expect(
        page.get_by_text("Scheduled “Lithium Levels Explained” for 3 November 2025")
    ).to_be_visible()
    assert page.context.request.get(f"{site}/lithium-levels-explained").status == 404

    # The clock passes the time: the guide is there, on its topic page and in its feed.
    clock.advance(timedelta(days=2))
    page.goto(topic_url)
    expect(page.get_by_role("link", name="Lithium Levels Explained", exact=True)).to_be_visible()
    feed = page.context.request.get(f"{topic_url}/feed.xml").text()
    assert "<title>Lithium Levels Explained</title>" in feed

    # A revision saved as a draft waits while the live version stays.
    page.goto(f"{site}/lithium-levels-explained/edit")
    page.get_by_label("Body").fill("Your level is checked *12 hours* after your evening dose.")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("You are editing changes that are not published yet.")).to_be_visible()
    reader_view = page.context.request.get(f"{site}/lithium-levels-explained").text()
    assert "after a dose" in reader_view and "evening" not in reader_view

    # An editor opens the same article in another browser session before Ada publishes.
    other = page.context.browser.new_context(viewport={"width": 1280, "height": 900})
    editor_page = other.new_page()
    log_in(editor_page, site, "ed")
    editor_page.goto(f"{site}/lithium-levels-explained/edit")

    page.get_by_role("button", name="Publish the changes").first.click()
    expect(page.get_by_text("Published the changes to “Lithium Levels Explained”.")).to_be_visible()
    expect(page.locator(".prose")).to_contain_text("after your evening dose")

    # The editor's save was based on an older version: not applied, text kept.
    editor_page.get_by_label("Body").fill("An editor's rewrite.")
    editor_page.get_by_role("button", name="Publish", exact=True).click()
    expect(editor_page.get_by_role("heading", level=1)).to_have_text(
        "Someone saved this article while you were editing"
    )
    expect(editor_page.get_by_label("Body")).to_have_value("An editor's rewrite.")
    other.close()
    assert (
        "after your evening dose"
        in page.context.request.get(f"{site}/lithium-levels-explained").text()
    )


def test_an_author_uploads_a_photo_and_readers_get_the_right_size_as_webp(
    page, live_server, tmp_path
):
    from tests.images import photo

    expect = playwright_api.expect
    picture_file = tmp_path / "IMG_0042.jpg"
    picture_file.write_bytes(photo((2400, 1600), gps=True))
    page.goto(f"{live_server}/login")
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.get_by_role("link", name="Images", exact=True).click()
    page.get_by_label("Image file").set_input_files(str(picture_file))
    page.get_by_label("Description (alt text)").fill("A chart of blood levels over a week")
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_text("Uploaded. Paste this into an article")).to_be_visible()
    markdown = page.locator("table.images code").first.inner_text()
    assert markdown.startswith("![A chart of blood levels over a week](/media/")

    page.get_by_role("link", name="Write", exact=True).click()
    page.get_by_label("Title").fill("Lithium Levels Explained")
    page.get_by_label("Body").fill("Levels rise after each dose.\n\n" * 30 + markdown)
    page.get_by_label("Topic").select_option(label="Treatment-Resistant Depression")
    page.get_by_label("Lead image").select_option(index=1)
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lithium Levels Explained")

    # A phone 375 px wide: the column is 343 px, so the 480-wide WebP is the one fetched.
    lead = page.locator("figure.lead-image img")
    expect(lead).to_have_attribute("alt", "A chart of blood levels over a week")
    page.wait_for_function("document.querySelector('figure.lead-image img').complete")
    # naturalWidth is in CSS pixels: the 480-pixel file shown at the column's 343.
    assert lead.evaluate("img => img.naturalWidth") == 343
    assert lead.evaluate("img => img.currentSrc").endswith("-480.webp")
    in_text = page.locator(".prose img")
    expect(in_text).to_have_attribute("loading", "lazy")
    in_text.scroll_into_view_if_needed()
    page.wait_for_function("document.querySelector('.prose img').naturalWidth > 0")
    assert in_text.evaluate("img => img.currentSrc").endswith("-480.webp")
