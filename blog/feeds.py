"""RSS 2.0 and JSON Feed 1.1 documents: the only module that uses feedgen.

Callers hand in plain data (``FeedSource``); this module knows nothing of HTTP,
the database or URL routing, so a feed can be built and checked on its own.
"""

from __future__ import annotations

import html
import json
import threading
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from feedgen.feed import FeedGenerator

from .content import absolutize_urls

RSS_MIMETYPE = "application/rss+xml"
JSON_FEED_MIMETYPE = "application/feed+json"
GENERATOR = "blog, a Flask publishing engine"

# feedgen formats dates by switching the process-wide locale to "C" and back,
# which is not thread-safe; only one feed is built at a time.
_FEEDGEN_LOCK = threading.Lock()


@dataclass(frozen=True)
class FeedImage:
    """An item's lead image: an absolute URL of one file, and what it is."""

    url: str
    width: int
    height: int
    mime_type: str


@dataclass(frozen=True)
class FeedItem:
    article_id: int
    title: str
    url: str
    summary: str
    clean_html: str
    author_name: str
    category: str
    category_url: str
    published_at: datetime
    # The last material update, else the publication: a typo fix moves neither.
    updated_at: datetime
    # Clean HTML before and after the body: the "Updated <date>: <note>" line of
    # a material update, and the safety notices, since feed readers show an item
    # without the site around it.
    lead_html: str = ""
    notices_html: str = ""

    def content_html(self) -> str:
        """Return the item's full HTML: lead, body and notices, with every URL absolute."""
        return absolutize_urls(self.lead_html + self.clean_html + self.notices_html, self.url)

    image: FeedImage | None = None


@dataclass(frozen=True)
class FeedSource:
    """Everything a feed says, with absolute URLs and aware UTC datetimes."""

    title: str
    description: str
    home_url: str
    rss_url: str
    json_url: str
    language: str
    # The newest change that affects this feed, including removals.
    changed_at: datetime
    items: list[FeedItem]


def item_id(item: FeedItem, site_url: str) -> str:
    """Return the item's permanent id: a tag URI that survives edits and slug changes.

    It is made of the site's host, the first publication date and the article's
    id, none of which ever changes once the article has been published.
    """
    host = urlsplit(site_url).hostname or "localhost"
    return f"tag:{host},{item.published_at:%Y-%m-%d}:article/{item.article_id}"


def rss_document(source: FeedSource) -> str:
    """Build the RSS 2.0 document for ``source``, newest item first."""
    generator = FeedGenerator()
    generator.load_extension("dc", atom=False, rss=True)
    # Lead images as Media RSS <media:content>, not <enclosure>: an enclosure is the
    # item's attachment (podcast apps offer to download it), and has no size in
    # pixels; media:content says "image", its width and height, and is what feed
    # readers show as an item's picture. Declared only when an item has one.
    with_images = any(item.image for item in source.items)
    if with_images:
        generator.load_extension("media", atom=False, rss=True)
    generator.title(source.title)
    # feedgen takes the channel's <link> from the last link given.
    generator.link(href=source.rss_url, rel="self", type=RSS_MIMETYPE)
    generator.link(href=source.home_url, rel="alternate")
    generator.description(source.description)
    generator.language(source.language)
    generator.generator(GENERATOR)
    # feedgen would otherwise stamp "now", making every response different.
    generator.lastBuildDate(source.changed_at)

    for item in source.items:
        # feedgen prepends by default, which would turn newest-first into oldest-first.
        entry = generator.add_entry(order="append")
        entry.title(item.title)
        entry.link(href=item.url)
        entry.guid(item_id(item, source.home_url), permalink=False)
        entry.pubDate(item.published_at)
        # description first, then content:encoded (feedgen orders them this way
        # only when both are set).
        # description is read as HTML: escape the plain summary so it shows as typed.
        entry.description(html.escape(item.summary or item.title, quote=False))
        entry.content(item.content_html(), type="CDATA")
        # RSS <author> must be an e-mail address; a byline is dc:creator.
        entry.dc.dc_creator(item.author_name)
        entry.category(term=item.category, scheme=item.category_url)
        if item.image is not None:
            entry.media.content(
                url=item.image.url,
                medium="image",
                type=item.image.mime_type,
                width=str(item.image.width),
                height=str(item.image.height),
                group=None,  # straight in the item: a media:group is for alternatives
            )

    with _FEEDGEN_LOCK:
        document: bytes = generator.rss_str(pretty=True, encoding="UTF-8", xml_declaration=True)
    return document.decode("utf-8")


def json_feed_document(source: FeedSource) -> str:
    """Build the JSON Feed 1.1 document for ``source``, with the same items and ids."""
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": source.title,
        "home_page_url": source.home_url,
        "feed_url": source.json_url,
        "description": source.description,
        "language": source.language,
        "items": [
            {
                "id": item_id(item, source.home_url),
                "url": item.url,
                "title": item.title,
                "summary": item.summary,
                "content_html": item.content_html(),
                "date_published": item.published_at.isoformat(),
                "date_modified": item.updated_at.isoformat(),
                "authors": [{"name": item.author_name}],
                "tags": [item.category],
                **({"image": item.image.url} if item.image else {}),
            }
            for item in source.items
        ],
    }
    return json.dumps(feed, ensure_ascii=False, indent=2) + "\n"
