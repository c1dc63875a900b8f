"""Pages for readers: home, topic landing pages, articles, health check.

Public pages are ``Page``s served through ``public_page``: cached for anonymous
readers, with validators for conditional GETs (see ``blog.pages``).
"""

from datetime import datetime
from typing import Any

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

from .. import clock, glossary, notices, queries
from ..accounts import normalise_username
from ..cache.front import constant_answer
from ..models import Article, Author, Topic
from ..pages import LISTING_PARAMETERS, Page, paged_public_page, public_page
from ..presentation import absolute_url
from ..rules import whole_number
from ..structured_data import ArticleLinks, article_graph, script_json

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
@paged_public_page
def topic(slug: str) -> Page | BaseResponse:
    topic = queries.live_topic(slug)
    if topic is None:
        moved_to = queries.moved_topic_slug(slug)
        if moved_to is None:
            abort(404)
        # What the address asked for goes with it; a missing parameter (None) stays missing.
        asked: dict[str, Any] = {name: request.args.get(name) for name in LISTING_PARAMETERS}
        return redirect(url_for("reading.topic", slug=moved_to, **asked), code=301)
    per_page = current_app.config["ARTICLES_PER_PAGE"]
    if "page" in request.args:
        return _numbered_page(topic, per_page)
    page = queries.topic_page(topic, before=_article_id("before"), per_page=per_page)
    if isinstance(page, queries.ListedElsewhere):
        # Not permanent: the guide named may be listed here again.
        return redirect(url_for("reading.topic", slug=topic.slug, before=page.before))
    # Only the newest page shows the intro, so only it marks glossary terms.
    intro = glossary.mark_page_terms(topic.intro_html if page.is_newest else "")
    shown = notices.current()
    body = render_template("reading/topic.html", topic=topic, page=page, intro=intro, notices=shown)
    changed_at = _latest(
        queries.listing_changed_at(topic),
        shown.changed_at,
        glossary.changed_at() if page.is_newest else None,
    )
    return Page(body, changed_at=changed_at)


def _numbered_page(topic: Topic, per_page: int) -> BaseResponse:
    """Send an old ``?page=N`` address on to the page that now lists the same articles.

    ``page`` wins over a ``before`` beside it. Pages had numbers before keyset paging:
    the redirect is permanent, but where it leads moves with every publish, so it is
    kept no longer than a page (and, walking the listing as numbered pages did, it is
    not cached here: only old addresses pay for it).
    """
    number = whole_number(request.args["page"], maximum=MAX_PAGE_NUMBER)
    if number is None:
        abort(404)
    before = None
    if number > 1:
        before = queries.legacy_page_start(topic, number, per_page)
        if before is None:
            abort(404)
    response = redirect(url_for("reading.topic", slug=topic.slug, before=before), code=301)
    response.cache_control.public = True
    response.cache_control.max_age = current_app.config["PAGE_MAX_AGE"]
    return response


def _article_id(name: str) -> int | None:
    """Read an article id from the query string: absent is None, anything else but an id is a 404.

    Only the id as the site writes it: "007" or " 7" would be one more address, and
    one more cached copy, of the same page.
    """
    text = request.args.get(name)
    if text is None:
        return None
    number = whole_number(text)
    if number is None or str(number) != text:
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
    graph = article_graph(found, _article_links(found), current_app.config["SITE_NAME"])
    review_due = found.review_is_due_at(clock.now())
    # Marked on the stored HTML when the page is built: glossary edits reach every article.
    marked = glossary.mark_page_terms(found.body_html)
    shown = notices.current()
    body = render_template(
        "reading/article.html",
        article=found,
        body=marked,
        notices=shown,
        update_line=notices.update_line_html(found),
        review_due=review_due,
        json_ld=script_json(graph),
    )
    # A review is news on the page, though not an edit of the text, and so is the
    # moment the review fell due: the notice appeared then. So are changes to the
    # people it names, and to the glossary, even to a term it no longer marks.
    changed_at = _latest(
        found.updated_at,
        found.last_reviewed_at,
        found.next_review_due if review_due else None,
        shown.changed_at,
        glossary.changed_at(),
        found.author.changed_at,
        found.reviewer.changed_at if found.reviewer is not None else None,
    )
    return Page(body, changed_at=changed_at, expires_at=_article_expires_at(found))


def _latest(*moments: datetime | None) -> datetime | None:
    """Return the newest of ``moments`` that are known: what a page's Last-Modified says."""
    known = [moment for moment in moments if moment is not None]
    return max(known) if known else None


def _article_links(article: Article) -> ArticleLinks:
    reviewer = article.reviewer
    return ArticleLinks(
        page=absolute_url(url_for("reading.article", slug=article.slug)),
        topic=absolute_url(url_for("reading.topic", slug=article.topic.slug)),
        home=absolute_url(url_for("reading.home")),
        author_profile=_profile_url(article.author),
        reviewer_profile=_profile_url(reviewer),
    )


def _profile_url(person: Author | None) -> str | None:
    """Return the address of ``person``'s profile page; None when they have none."""
    if person is None or not person.is_active:
        return None
    return absolute_url(url_for("reading.profile", username=person.username))


def _article_expires_at(article: Article) -> datetime | None:
    """Return when the cached page must go: at the latest when its review falls due.

    The page says "due for review" from that moment on, with no write to tell
    the cache; a scheduled article appearing elsewhere bounds it too, as it does
    every page.
    """
    moments = [queries.next_scheduled_publication()]
    if article.next_review_due is not None and article.next_review_due > clock.now():
        moments.append(article.next_review_due)
    return min((moment for moment in moments if moment is not None), default=None)


@bp.get("/authors/<path:username>")
@public_page
def profile(username: str) -> Page:
    person = queries.profile_or_404(normalise_username(username))
    body = render_template(
        "reading/profile.html",
        person=person,
        written=queries.articles_written_by(person),
        reviewed=queries.articles_reviewed_by(person),
    )
    return Page(body)


@bp.get("/healthz")
@constant_answer
def healthz() -> Response:
    return Response("ok\n", mimetype="text/plain")
