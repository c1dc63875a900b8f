"""Pages for readers: home, topic landing pages, articles, health check."""

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
from ..rules import whole_number

bp = Blueprint("reading", __name__)

# A bound keeps absurd numbers from reaching the database as an overflowing OFFSET.
MAX_PAGE_NUMBER = 1_000_000


@bp.get("/")
def home() -> str:
    return render_template(
        "reading/home.html",
        topics=queries.listed_topics(),
        articles=queries.newest_articles(current_app.config["HOME_LATEST_ARTICLES"]),
    )


@bp.get("/topics/<slug:slug>")
def topic(slug: str) -> str | BaseResponse:
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
    return render_template("reading/topic.html", topic=topic, page=page)


def _page_number() -> int:
    """Read ``?page=``: a whole number from 1 up, or the page does not exist."""
    number = whole_number(request.args.get("page", "1"), maximum=MAX_PAGE_NUMBER)
    if number is None:
        abort(404)
    return number


@bp.get("/<slug:slug>")
def article(slug: str) -> str | BaseResponse:
    found = queries.visible_article(slug)
    if found is None:
        moved_to = queries.moved_article_slug(slug)
        if moved_to is None:
            abort(404)
        return redirect(url_for("reading.article", slug=moved_to), code=301)
    return render_template("reading/article.html", article=found)


@bp.get("/healthz")
def healthz() -> Response:
    return Response("ok\n", mimetype="text/plain")
