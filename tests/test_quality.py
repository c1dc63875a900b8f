"""The demo site's pages as the standard checkers see them, in real tools.

- axe-core in Chromium: no accessibility violation, in the light and the dark scheme;
- the Nu HTML checker (vnu): no HTML or CSS error, one JVM for every page;
- no sideways scrolling on a 320 px wide phone;
- Lighthouse (mobile): at least 0.95 in performance, accessibility, best practices and SEO;
- print: what a printed page keeps and what it leaves out.

The checkers live in tools/node (``make test`` installs them from its package-lock.json);
Java runs the Nu checker and Chromium is Debian's. A test skips, saying what is missing,
only when one of them cannot be present; ``.ci/run`` installs them all.

axe is injected with ``page.evaluate`` (the DevTools protocol, which a page's CSP does not
govern), so the pages are checked exactly as served, ``script-src 'none'`` and all; the
CSP test shows the policy still refuses any script the page itself would run.
"""

import io
import json
import os
import shutil
import subprocess
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from blog import create_app, library, publishing
from blog.accounts import author_named
from blog.demo import ARTICLES, DEMO_AUTHOR, DEMO_REVIEWER, TOPIC_SLUG, load_demo_content
from blog.extensions import db
from blog.models import Topic
from tests.conftest import SteppedClock
from tests.helpers import served

REFERENCED_SLUG = "where-the-maoi-guides-advice-comes-from"

# Every page the checkers look at: adding one is one line here (name: path on the demo site).
PAGES: dict[str, str] = {
    "home": "/",
    "topic": f"/topics/{TOPIC_SLUG}",
    "article": f"/{ARTICLES[0].slug}",
    "article-with-references": f"/{REFERENCED_SLUG}",
    "glossary": "/glossary",
    "profile": f"/authors/{DEMO_REVIEWER}",
    "search-results": "/search?q=MAOI+cheese",
    "search-no-results": "/search?q=zzqx",
    "login": "/login",
}
# The plain article, and the one with references and a lead image (issue 9: a photo at the
# top must not cost the page its performance score).
LIGHTHOUSE_PAGES = ("article", "article-with-references")
LIGHTHOUSE_MINIMUM = 0.95
LIGHTHOUSE_CATEGORIES = ("performance", "accessibility", "best-practices", "seo")

ROOT = Path(__file__).resolve().parents[1]
NODE_MODULES = ROOT / "tools" / "node" / "node_modules"
AXE = NODE_MODULES / "axe-core" / "axe.min.js"
VNU = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
LIGHTHOUSE = NODE_MODULES / "lighthouse" / "cli" / "index.js"
STYLESHEET = ROOT / "blog" / "static" / "site.css"
INSTALL_HINT = "`make test` installs it (npm ci in tools/node)"

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_PATH = CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")
PHONE = {"width": 375, "height": 800}
NARROWEST = 320

# A guide with an outside link, a link within the site and a reference, for print and axe.
# The reference is one the research notes rate as checked (docs/research/...).
REFERENCED_BODY = f"""\
## The review behind the advice

A practical review of monoamine oxidase inhibitors in psychiatric practice gives advice on
dietary restrictions, on interactions with other medicines, and on how prescribers stop and
switch these medicines.[^review] Our [guide to MAOIs](/{ARTICLES[0].slug}) explains what this
means day to day; you can also [read the review](https://doi.org/10.1007/s40263-021-00832-x).

[^review]: Chamberlain SR, Baldwin DS. Monoamine Oxidase Inhibitors (MAOIs) in Psychiatric
    Practice: How to Use them Safely and Effectively. CNS Drugs. 2021.
    https://doi.org/10.1007/s40263-021-00832-x
"""


def need_file(path: Path, what: str) -> None:
    if not path.is_file():
        pytest.skip(f"{what} is not installed ({path} is missing); {INSTALL_HINT}")


def need_program(name: str, why: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.skip(f"no `{name}` on PATH to {why}; .ci/run installs it with apt")
    return found


def need_chromium() -> str:
    if CHROMIUM_PATH is None:
        pytest.skip(f"no Chromium at {CHROMIUM}; install Debian's chromium package")
    return CHROMIUM_PATH


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The seeded demo site, plus one guide with references and a lead photo, over plain HTTP."""
    database = tmp_path_factory.mktemp("quality") / "blog.sqlite3"
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test secret",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
            "SESSION_COOKIE_SECURE": False,
            "SITE_URL": None,
            "CLOCK": SteppedClock(datetime(2025, 12, 1, 9, 0, tzinfo=UTC)),
        }
    )
    with app.app_context():
        db.create_all()
        load_demo_content()
        topic = db.session.scalars(db.select(Topic).where(Topic.slug == TOPIC_SLUG)).one()
        author = author_named(DEMO_AUTHOR)
        assert author is not None
        photo = library.upload(
            _photo(), "A plate of food beside a pill organiser", decorative=False, by=author
        )
        publishing.save_article(
            None,
            publishing.ArticleInput(
                title="Where the MAOI Guide's Advice Comes From",
                summary="The review behind the advice on diet, interactions and switching.",
                body_markdown=REFERENCED_BODY,
                topic_id=topic.id,
                slug=REFERENCED_SLUG,
                lead_image_id=photo.id,
            ),
            by=author,
            publish=True,
            now=datetime(2025, 11, 25, 9, 0, tzinfo=UTC),
        )
    with served(app) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator:
    executable = need_chromium()
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=executable,
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
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def open_page(browser):
    """Open a path of the site in a fresh browser context; closed after the test."""
    contexts = []

    def open_(url: str, *, scheme: str = "light", viewport: dict | None = None):
        context = browser.new_context(color_scheme=scheme, viewport=viewport or PHONE)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        response = page.goto(url)
        assert response is not None and response.status == 200, url
        return page, response

    yield open_
    for context in contexts:
        context.close()


def run_axe(page) -> list[dict]:
    """Inject axe-core into ``page`` and return its violations (every default rule)."""
    need_file(AXE, "axe-core")
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return results["violations"]


def describe_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {node['target']}: {node['failureSummary']}")
    return "\n".join(lines)


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", PAGES)
def test_axe_finds_no_accessibility_violations(site, open_page, name, scheme):
    page, _ = open_page(site + PAGES[name], scheme=scheme)
    dark = page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches")
    assert dark == (scheme == "dark")

    violations = run_axe(page)

    assert not violations, f"{name} ({scheme}):\n{describe_violations(violations)}"


@pytest.mark.browser
def test_axe_reports_what_it_is_shown_on_a_served_page(site, open_page):
    """The check above can fail: a missing alt and faint text planted in a page are caught."""
    page, _ = open_page(site + PAGES["article"])
    page.evaluate(
        """() => {
            const main = document.querySelector('main');
            const image = document.createElement('img');
            image.src = '/static/favicon.svg';
            main.append(image);
            const faint = document.createElement('p');
            faint.textContent = 'Faint words on a grey ground';
            faint.className = 'planted';
            main.append(faint);
        }"""
    )
    # The stylesheet allows no inline styles, but the protocol may set one on an element.
    page.locator("p.planted").evaluate(
        "element => { element.style.color = '#999'; element.style.background = '#aaa'; }"
    )

    found = {violation["id"] for violation in run_axe(page)}

    assert {"image-alt", "color-contrast"} <= found


@pytest.mark.browser
def test_the_checkers_leave_the_pages_csp_in_force(site, open_page):
    page, response = open_page(site + PAGES["article"])

    policy = response.headers["content-security-policy"]
    assert "script-src 'none'" in policy
    assert "default-src 'none'" in policy
    # The page itself still cannot run a script: adding one is refused by the policy.
    error = pytest.importorskip("playwright.sync_api").Error
    with pytest.raises(error, match="Content Security Policy"):
        page.add_script_tag(content="window.ranByPage = true")
    assert page.evaluate("window.ranByPage === undefined")


@pytest.mark.browser
@pytest.mark.parametrize("name", PAGES)
def test_no_sideways_scrolling_on_a_320_px_phone(site, open_page, name):
    page, _ = open_page(site + PAGES[name], viewport={"width": NARROWEST, "height": 640})

    width = page.evaluate("document.documentElement.scrollWidth")

    assert width <= NARROWEST, f"{name} is {width} px wide at {NARROWEST} px"


def luminance(css_colour: str) -> float:
    """Relative luminance of an ``rgb(r, g, b)`` colour, as WCAG defines it."""
    channels = [int(part) / 255 for part in css_colour[css_colour.index("(") + 1 : -1].split(",")]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels[:3]]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


@pytest.mark.browser
def test_pages_follow_the_readers_dark_mode_preference(site, open_page):
    colours = {}
    for scheme in ("light", "dark"):
        page, _ = open_page(site + PAGES["article"], scheme=scheme)
        colours[scheme] = page.evaluate(
            """() => {
                const body = getComputedStyle(document.body);
                const field = document.createElement('input');
                document.body.append(field);
                return {text: body.color, background: body.backgroundColor,
                        scheme: getComputedStyle(document.documentElement).colorScheme,
                        field: getComputedStyle(field).backgroundColor};
            }"""
        )
    light, dark = colours["light"], colours["dark"]

    assert luminance(light["background"]) > 0.8 > luminance(light["text"])
    assert luminance(dark["background"]) < 0.05 < luminance(dark["text"])
    assert luminance(dark["field"]) < 0.05
    assert dark["scheme"] == "dark"


@pytest.fixture(scope="module")
def nu_messages(site, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict]]:
    """Run the Nu HTML checker once over every page as served, the stylesheet and a bad page."""
    need_file(VNU, "The Nu HTML checker (vnu-jar)")
    java = need_program("java", "run the Nu HTML checker (package default-jre-headless)")
    folder = tmp_path_factory.mktemp("nu")
    files = {}
    for name, path in PAGES.items():
        with urllib.request.urlopen(site + path) as response:
            (folder / f"{name}.html").write_bytes(response.read())
        files[f"{name}.html"] = name
    # A page with a known error, so a checker that reads nothing cannot pass.
    (folder / "planted.html").write_text(
        '<!doctype html><html lang="en"><title>t</title><p id="a">1</p><p id="a">2</p>',
        encoding="utf-8",
    )
    shutil.copy(STYLESHEET, folder / "site.css")
    paths = sorted(str(path) for path in folder.iterdir())
    finished = subprocess.run(
        [java, "-jar", str(VNU), "--format", "json", "--also-check-css", *paths],
        capture_output=True,
        text=True,
        timeout=120,
    )
    # vnu writes its JSON report to standard error.
    report = json.loads(finished.stderr)
    messages: dict[str, list[dict]] = {Path(path).name: [] for path in paths}
    for message in report["messages"]:
        messages[Path(message["url"].removeprefix("file:")).name].append(message)
    return messages


def nu_errors(messages: list[dict]) -> list[str]:
    return [
        f"line {message.get('lastLine')}: {message['message']}  [{message.get('extract', '')}]"
        for message in messages
        if message["type"] in ("error", "non-document-error")
    ]


@pytest.mark.parametrize("name", PAGES)
def test_the_nu_html_checker_finds_no_errors(nu_messages, name):
    errors = nu_errors(nu_messages[f"{name}.html"])
    assert not errors, "\n".join(errors)


def test_the_nu_checker_finds_no_errors_in_the_stylesheet(nu_messages):
    errors = nu_errors(nu_messages["site.css"])
    assert not errors, "\n".join(errors)


def test_the_nu_checker_reports_a_planted_error(nu_messages):
    assert any("Duplicate ID" in error for error in nu_errors(nu_messages["planted.html"]))


def _photo() -> bytes:
    """A 1600 x 1000 JPEG with a photograph's fine detail (noise over gradients)."""
    from PIL import Image, ImageChops

    gradient = Image.linear_gradient("L").resize((1600, 1000)).convert("RGB")
    noise = Image.effect_noise((1600, 1000), 40).convert("RGB")
    picture = ImageChops.add(gradient, noise, scale=2.0)
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=90)
    return out.getvalue()


def test_the_referenced_guide_opens_with_its_lead_photo(site):
    """The second Lighthouse page is the one with a lead image (issue 9): check it has one."""
    with urllib.request.urlopen(site + PAGES["article-with-references"]) as response:
        page = response.read().decode()
    lead = page.split('<figure class="lead-image">', 1)[1].split("</figure>", 1)[0]
    assert "<picture>" in lead and 'alt="A plate of food beside a pill organiser"' in lead
    assert 'loading="lazy"' not in lead


@pytest.mark.browser
@pytest.mark.parametrize("name", LIGHTHOUSE_PAGES)
def test_lighthouse_scores_the_article_page_well_on_a_phone(site, tmp_path, name):
    chromium = need_chromium()
    need_file(LIGHTHOUSE, "Lighthouse")
    node = need_program("node", "run Lighthouse (package nodejs)")
    report_path = tmp_path / "lighthouse.json"

    finished = subprocess.run(
        [
            node,
            str(LIGHTHOUSE),
            site + PAGES[name],
            "--quiet",
            "--output=json",
            f"--output-path={report_path}",
            "--form-factor=mobile",
            f"--only-categories={','.join(LIGHTHOUSE_CATEGORIES)}",
            "--chrome-flags=--headless --no-sandbox --disable-gpu",
        ],
        env=dict(os.environ, CHROME_PATH=chromium),
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert finished.returncode == 0, finished.stderr[-3000:]
    report = json.loads(report_path.read_text(encoding="utf-8"))
    if os.environ.get("QUALITY_REPORT_DIR"):
        shutil.copy(report_path, Path(os.environ["QUALITY_REPORT_DIR"]) / f"lighthouse-{name}.json")

    assert report["configSettings"]["formFactor"] == "mobile"
    assert report["configSettings"]["throttlingMethod"] == "simulate"
    scores = {name: report["categories"][name]["score"] for name in LIGHTHOUSE_CATEGORIES}
    shortfalls = [
        f"{audit_id}: {audit['score']} {audit.get('displayValue', '')}"
        for audit_id, audit in report["audits"].items()
        if audit.get("scoreDisplayMode") in ("binary", "numeric")
        and audit["score"] is not None
        and audit["score"] < 0.9
    ]
    assert all(score >= LIGHTHOUSE_MINIMUM for score in scores.values()), (scores, shortfalls)


def hidden(page, selector: str) -> bool:
    return page.locator(selector).evaluate_all(
        "elements => elements.length > 0 && elements.every(element => !element.checkVisibility())"
    )


def after_content(page, selector: str) -> str:
    return page.locator(selector).first.evaluate(
        "element => getComputedStyle(element, '::after').content"
    )


@pytest.mark.browser
def test_a_printed_article_keeps_its_text_and_references_and_shows_where_links_go(site, open_page):
    page, _ = open_page(site + PAGES["article-with-references"], scheme="dark")
    outside = 'main .prose p a[href^="https://"]'
    assert not hidden(page, ".site-header nav")
    assert after_content(page, outside) == "none"

    page.emulate_media(media="print")

    assert hidden(page, ".site-header nav")
    assert hidden(page, ".skip-link")
    assert hidden(page, ".footer-links")
    assert not hidden(page, "h1")
    assert not hidden(page, ".prose")
    assert not hidden(page, ".footnotes")
    assert page.locator(".footnotes h2").inner_text() == "References"
    # An outside link is followed by its address; one within the site is not.
    assert after_content(page, outside) == '" (https://doi.org/10.1007/s40263-021-00832-x)"'
    assert after_content(page, f'main .prose a[href="/{ARTICLES[0].slug}"]') == "none"
    assert after_content(page, "main .breadcrumb a") == "none"
    # Black on white whatever the screen's scheme, and headings stay with what follows.
    colours = page.evaluate(
        "() => [getComputedStyle(document.body).color,"
        " getComputedStyle(document.body).backgroundColor]"
    )
    assert colours == ["rgb(0, 0, 0)", "rgb(255, 255, 255)"]
    assert (
        page.locator(".prose h2").first.evaluate("element => getComputedStyle(element).breakAfter")
        == "avoid"
    )
    assert (
        page.locator(".footnotes li").first.evaluate(
            "element => getComputedStyle(element).breakInside"
        )
        == "avoid"
    )


@pytest.mark.browser
def test_printed_pages_leave_out_forms_and_subscription_links(site, open_page):
    topic, _ = open_page(site + PAGES["topic"])
    login, _ = open_page(site + PAGES["login"])
    assert not hidden(topic, ".subscribe")
    assert not hidden(login, "main form")

    for page in (topic, login):
        page.emulate_media(media="print")

    assert hidden(topic, ".subscribe")
    assert not hidden(topic, ".topic-intro")
    assert not hidden(topic, "article.entry h3")
    assert hidden(login, "main form")
    assert not hidden(login, "h1")
