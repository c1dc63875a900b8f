"""Feeds for subscribers and files for search engines.

A poll whose feed is cached never touches the database; publishing invalidates
the cache (see ``blog.cache``).
"""

from collections.abc import Callable
from datetime import UTC, datetime

from flask import Blueprint, Response, current_app, redirect, render_template, request, url_for
from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response as BaseResponse

from .. import glossary, library, notices, queries
from ..cache import SITE_SCOPE, CachedEntry, etag_for, site_cache, topic_scope
from ..content.images import MIME_TYPES
from ..feeds import (
    JSON_FEED_MIMETYPE,
    RSS_MIMETYPE,
    FeedImage,
    FeedItem,
    FeedSource,
    json_feed_document,
    rss_document,
)
from ..models import Article, Media, Topic
from ..pages import Page, public_page
from ..presentation import absolute_url, site_url

bp = Blueprint("feeds", __name__)

FORMATS: dict[str, tuple[Callable[[FeedSource], str], str]] = {
    "rss": (rss_document, RSS_MIMETYPE),
    "json": (json_feed_document, JSON_FEED_MIMETYPE),
}
# lastBuildDate and Last-Modified of a site without a single topic: fixed, so
# that its empty feed still has a stable ETag.
NOTHING_PUBLISHED_YET = datetime(2025, 1, 1, tzinfo=UTC)
SITEMAP_LIMIT = 50_000  # the sitemap protocol's most URLs in one file


@bp.get("/feed.xml", defaults={"feed_format": "rss"}, endpoint="site_rss")
@bp.get("/feed.json", defaults={"feed_format": "json"}, endpoint="site_json")
def site_feed(feed_format: str) -> Response:
    return _feed_response(SITE_SCOPE, feed_format, lambda: _feed_source(None))


@bp.get("/topics/<slug:slug>/feed.xml", defaults={"feed_format": "rss"}, endpoint="topic_rss")
@bp.get("/topics/<slug:slug>/feed.json", defaults={"feed_format": "json"}, endpoint="topic_json")
def topic_feed(slug: str, feed_format: str) -> BaseResponse:
    # The topic is looked up only when the feed has to be built: a cached
    # feed proves the topic exists, and an unknown one is a 404 from here.
    try:
        return _feed_response(
            topic_scope(slug), feed_format, lambda: _feed_source(queries.topic_or_404(slug))
        )
    except NotFound:
        # A renamed topic: feed readers follow a 301 and update the subscription.
        moved_to = queries.moved_topic_slug(slug)
        if moved_to is None:
            raise
        return redirect(url_for(f"feeds.topic_{feed_format}", slug=moved_to), code=301)


def _feed_response(scope: str, feed_format: str, source: Callable[[], FeedSource]) -> Response:
    build_document, mimetype = FORMATS[feed_format]

    def build() -> CachedEntry:
        feed_source = source()
        body = build_document(feed_source)
        return CachedEntry(
            body=body,
            etag=etag_for(body),
            last_modified=feed_source.changed_at,
            content_type=f"{mimetype}; charset=utf-8",
            # What readers see changes by itself when a scheduled article appears.
            expires_at=queries.next_scheduled_publication(),
        )

    feed = site_cache().get_or_build(scope, f"{feed_format}|{site_url()}", build)
    response = Response(feed.body, content_type=feed.content_type)
    response.set_etag(feed.etag)
    response.last_modified = feed.last_modified
    response.cache_control.public = True
    response.cache_control.max_age = current_app.config["FEED_MAX_AGE"]
    response.make_conditional(request)
    return response


def _feed_source(topic: Topic | None) -> FeedSource:
    site_name = current_app.config["SITE_NAME"]
    articles = queries.newest_articles(current_app.config["FEED_ITEMS"], topic)
    if topic is None:
        title, description = site_name, current_app.config["SITE_DESCRIPTION"]
        home = url_for("reading.home")
        rss, json = url_for("feeds.site_rss"), url_for("feeds.site_json")
    else:
        title = f"{topic.title} – {site_name}"
        description = topic.shown_description
        home = url_for("reading.topic", slug=topic.slug)
        rss = url_for("feeds.topic_rss", slug=topic.slug)
        json = url_for("feeds.topic_json", slug=topic.slug)
    changed_at = queries.listing_changed_at(topic)
    shown = notices.current()
    return FeedSource(
        title=title,
        description=description,
        home_url=absolute_url(home),
        rss_url=absolute_url(rss),
        json_url=absolute_url(json),
        language=current_app.config["SITE_LANGUAGE"],
        changed_at=changed_at or NOTHING_PUBLISHED_YET,
        items=[_feed_item(article, shown) for article in articles],
    )


def _feed_item(article: Article, shown: notices.SiteNotices) -> FeedItem:
    assert article.published_at is not None  # only published articles reach a feed
    update_line = notices.update_line_html(article)
    return FeedItem(
        article_id=article.id,
        title=article.title,
        url=absolute_url(url_for("reading.article", slug=article.slug)),
        summary=article.summary,
        clean_html=article.body_html,
        author_name=article.author.display_name,
        category=article.topic.title,
        category_url=absolute_url(url_for("reading.topic", slug=article.topic.slug)),
        published_at=article.published_at,
        updated_at=article.last_material_update_at or article.published_at,
        lead_html=f"{update_line}\n" if update_line else "",
        notices_html=shown.feed_html(article.topic),
        image=_feed_image(article.lead_image),
    )


def _feed_image(media: Media | None) -> FeedImage | None:
    if media is None:
        return None
    image = library.library_image(media)
    return FeedImage(
        url=absolute_url(image.url()),
        width=image.width,
        height=image.height,
        mime_type=MIME_TYPES[image.fallback],
    )


@bp.get("/sitemap.xml")
@public_page
def sitemap() -> Page:
    body = render_template(
        "feeds/sitemap.xml",
        topics=queries.listed_topics(),
        articles=queries.sitemap_articles(SITEMAP_LIMIT),
        people=queries.sitemap_people(),
        glossary_listed=glossary.has_terms(),
    )
    changed_at = queries.listing_changed_at()
    return Page(body, changed_at=changed_at, content_type="application/xml; charset=utf-8")


@bp.get("/robots.txt")
@public_page
def robots() -> Page:
    body = render_template("feeds/robots.txt")
    return Page(body, content_type="text/plain; charset=utf-8")
