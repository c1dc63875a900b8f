"""Pages for readers: home, topic landing pages, articles, health check.

Public pages are ``Page``s served through ``public_page``: cached for anonymous
readers, with validators for conditional GETs (see ``blog.pages``).
"""

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.wrappers import Response as BaseResponse

from .. import queries
from ..cache.front import constant_answer
from ..pages import Page, public_page
from ..rules import whole_number

bp = Blueprint("reading", __name__)

# A bound keeps absurd numbers from reaching the database as an overflowing OFFSET.
MAX_PAGE_NUMBER = 1_000_000


@bp.get("/")
@public_page
def home() -> Page:
    body = render_template(
        "reading/home.html",
        topics=queries.listed_topics(),
        articles=queries.newest_articles(current_app.config["HOME_LATEST_ARTICLES"]),
    )
    return Page(body, changed_at=queries.listing_changed_at())


@bp.get("/topics/<slug:slug>")
@public_page
def topic(slug: str) -> Page | BaseResponse:
    topic = queries.live_topic(slug)
    if topic is None:
        moved_to = queries.moved_topic_slug(slug)
        if moved_to is None:
            abort(404)
        # A missing ?page= (None) stays missing.
        wanted_page = request.args.get("page")
        return redirect(url_for("reading.topic", slug=moved_to, page=wanted_page), code=301)
    page = queries.topic_page(
        topic, _page_number(), per_page=current_app.config["ARTICLES_PER_PAGE"]
    )
    body = render_template("reading/topic.html", topic=topic, page=page)
    return Page(body, changed_at=queries.listing_changed_at(topic))


def _page_number() -> int:
    """Read ``?page=``: a whole number from 1 up, or the page does not exist."""
    number = whole_number(request.args.get("page", "1"), maximum=MAX_PAGE_NUMBER)
    if number is None:
        abort(404)
    return number


@bp.get("/<slug:slug>")
@public_page
def article(slug: str) -> Page | BaseResponse:
    found = queries.visible_article(slug)
    if found is None:
        moved_to = queries.moved_article_slug(slug)
        if moved_to is None:
            abort(404)
        return redirect(url_for("reading.article", slug=moved_to), code=301)
    body = render_template("reading/article.html", article=found)
    return Page(body, changed_at=found.updated_at)


@bp.get("/healthz")
@constant_answer
def healthz() -> Response:
    return Response("ok\n", mimetype="text/plain")
