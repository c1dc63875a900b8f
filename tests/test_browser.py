"""End to end in a real headless Chromium: log in, write, preview, publish, see it first."""

import os
import shutil
import threading
from collections.abc import Iterator

import pytest
from werkzeug.serving import make_server

from blog import create_app
from blog.extensions import db
from blog.models import Author
from blog.topics import create_topic
from tests.helpers import PASSWORD

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
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def page(live_server):
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
