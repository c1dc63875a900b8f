"""Golden files: the feeds, byte for byte, for one fixed set of articles.

The other feed tests check properties; these catch any change at all in what subscribers
receive (escaping, element order, date formats, whitespace), including one that comes from
upgrading feedgen or lxml. A change that is intended is accepted by regenerating the files:

    .venv/bin/pytest tests/test_feed_golden.py --regen-golden

then reading ``git diff tests/golden/`` before committing it.
"""

import difflib
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from blog.content import LibraryImage, picture_html
from blog.feeds import FeedImage, FeedItem, FeedSource, json_feed_document, rss_document

GOLDEN = Path(__file__).parent / "golden"
SITE = "https://guide.example"
TOPIC_URL = f"{SITE}/topics/treatment-resistant-depression"

# What blog.content.render_markdown makes of a body with relative links, a fragment, an
# outside link, an image with a query string, and text that needs escaping.
RICH_HTML = (
    "<h2>Before you start</h2>\n"
    '<p>Fish &amp; chips &lt; 10 "quoted" — café 💊. See <a href="/topics/lithium">the '
    'lithium page</a> and <a href="#dosing">dosing</a>, or <a href="https://www.nhs.uk/" '
    'rel="nofollow noopener">the NHS</a>.</p>\n'
    '<p><img alt="A chart of doses &amp; weeks" src="/static/chart.png?w=600&amp;h=400"></p>\n'
    '<p><a href="../treatment-resistant-depression">Back up a level</a></p>'
)


def item(article_id: int, slug: str, **fields) -> FeedItem:
    defaults = {
        "title": "Untitled",
        "summary": "",
        "clean_html": "<p>Text.</p>",
        "author_name": "Test Author",
        "category": "Treatment-Resistant Depression",
        "category_url": TOPIC_URL,
        "published_at": datetime(2025, 11, 1, 9, 0, tzinfo=UTC),
        "updated_at": datetime(2025, 11, 1, 9, 0, tzinfo=UTC),
    }
    return FeedItem(article_id=article_id, url=f"{SITE}/{slug}", **{**defaults, **fields})


ITEMS = [
    item(
        3,
        "maoi-diet",
        title='Salt & pepper < 10 mg "quoted" – café — 💊',
        summary="Bread & butter < 5 'single' é — 🙂",
        clean_html=RICH_HTML,
        author_name="Zoë O'Brien & Co",
        published_at=datetime(2025, 11, 20, 23, 59, 30, tzinfo=UTC),
        updated_at=datetime(2025, 12, 2, 8, 15, 0, tzinfo=UTC),
    ),
    item(
        2,
        "no-summary",
        # An empty summary: RSS falls back to the title for <description>.
        title="Lithium: <levels> & monitoring",
        published_at=datetime(2025, 11, 4, 9, 0, tzinfo=UTC),
        updated_at=datetime(2025, 11, 4, 9, 0, tzinfo=UTC),
    ),
    item(
        1,
        "first-guide",
        title="A first guide",
        summary="What it covers.",
        clean_html="<p>Some <strong>careful</strong> text.</p>",
        author_name="Ada Lovelace",
    ),
]


# A lead image, and the same library image placed in the text as the site stores it.
CHART = LibraryImage(
    hash="0123456789abcdef01234567", width=1600, height=1200, widths=(480, 960, 1600),
    fallback="jpg", alt="A chart of doses & weeks",
)  # fmt: skip
WITH_IMAGE = [
    item(
        4,
        "reading-a-food-label",
        title="Reading a food label",
        summary="What to look for.",
        clean_html=f"<p>The chart:</p>\n<p>{picture_html(CHART)}</p>",
        image=FeedImage(
            url=f"{SITE}{CHART.url()}", width=1600, height=1200, mime_type="image/jpeg"
        ),
    ),
    ITEMS[-1],
]


def source(items: list[FeedItem]) -> FeedSource:
    return FeedSource(
        title="Treatment-Resistant Depression Guide",
        description="Careful writing about treatment-resistant depression & its treatments.",
        home_url=f"{SITE}/",
        rss_url=f"{SITE}/feed.xml",
        json_url=f"{SITE}/feed.json",
        language="en-gb",
        changed_at=datetime(2025, 12, 2, 8, 15, 0, tzinfo=UTC),
        items=items,
    )


CASES: list[tuple[str, Callable[[FeedSource], str], list[FeedItem]]] = [
    ("site.rss.xml", rss_document, ITEMS),
    ("site.feed.json", json_feed_document, ITEMS),
    ("empty.rss.xml", rss_document, []),
    ("empty.feed.json", json_feed_document, []),
    ("images.rss.xml", rss_document, WITH_IMAGE),
    ("images.feed.json", json_feed_document, WITH_IMAGE),
]


@pytest.mark.parametrize("name, render, items", CASES, ids=[name for name, _, _ in CASES])
def test_feed_matches_its_golden_file(request, name, render, items):
    actual = render(source(items)).encode("utf-8")
    path = GOLDEN / name
    if request.config.getoption("--regen-golden"):
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(actual)
        return
    if not path.exists():
        pytest.fail(
            f"{path} does not exist; create it with\n"
            f"    pytest tests/test_feed_golden.py --regen-golden\n"
            f"and read it before committing it.",
            pytrace=False,
        )
    expected = path.read_bytes()
    if actual != expected:
        diff = difflib.unified_diff(
            expected.decode("utf-8", errors="replace").splitlines(keepends=True),
            actual.decode("utf-8").splitlines(keepends=True),
            fromfile=f"tests/golden/{name} (committed)",
            tofile=f"{name} (rendered now)",
        )
        pytest.fail(
            f"the feed no longer matches tests/golden/{name}:\n{''.join(diff)}\n"
            "If the change is intended, rerun with --regen-golden and commit the new file.",
            pytrace=False,
        )
