"""Search for readers: /search?q=… and the OpenSearch description browsers use to offer it.

Result pages are built for each request (a query is any text, so they are not
kept in the page cache), marked ``noindex``, set no cookie, and count against a
per-address limit (``blog.search_limit``).
"""

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for

from .. import queries, search_limit
from ..rules import MAX_SEARCH_PAGES, MAX_SEARCH_QUERY_LENGTH, whole_number

bp = Blueprint("search", __name__)

OPENSEARCH = "application/opensearchdescription+xml"


@bp.get("/search")
def search() -> Response:
    typed = request.args.get("q", "")
    # What is echoed back in the box: no more than search reads.
    shown = typed[:MAX_SEARCH_QUERY_LENGTH]
    page = whole_number(request.args.get("page", "1"), maximum=MAX_SEARCH_PAGES)
    if page is None:
        abort(404)
    verdict = search_limit.count_search(request.remote_addr)
    if not verdict.allowed:
        response = Response(render_template("search/too_many.html", search_query=shown), status=429)
        response.headers["Retry-After"] = str(verdict.retry_after)
        return _not_kept(response)
    results = queries.search(typed, page=page, per_page=current_app.config["ARTICLES_PER_PAGE"])
    suggestions = queries.listed_topics() if not results.hits else []
    body = render_template(
        "search/results.html",
        query=shown,
        search_query=shown,
        results=results,
        topics=suggestions,
        glossary_url=_glossary_url(),
    )
    return _not_kept(Response(body, content_type="text/html; charset=utf-8"))


@bp.get("/opensearch.xml")
def opensearch() -> Response:
    body = render_template("search/opensearch.xml")
    response = Response(body, content_type=f"{OPENSEARCH}; charset=utf-8")
    response.cache_control.public = True
    response.cache_control.max_age = current_app.config["PAGE_MAX_AGE"]
    return response


@bp.app_context_processor
def search_box() -> dict[str, int]:
    return {"search_max_length": MAX_SEARCH_QUERY_LENGTH}


def _not_kept(response: Response) -> Response:
    # Answers to one reader's words: no shared cache keeps them, and none is stale.
    response.cache_control.private = True
    response.cache_control.no_store = True
    return response


def _glossary_url() -> str | None:
    """Return the glossary's address when this site has one."""
    for rule in current_app.url_map.iter_rules():
        if rule.rule == "/glossary":
            return url_for(rule.endpoint)
    return None
