"""Readers' pages: cached for anonymous readers, fresh for authors, answered 304 when unchanged.

A view decorated with ``public_page`` returns a ``Page`` (or a redirect, which
passes through). For an anonymous reader the page comes from the cache, keyed by
path alone (and the ``before`` and ``page`` parameters, for a listing decorated with
``paged_public_page``), so unknown parameters never add entries;
any change readers can see moves the ``PAGES_SCOPE`` generation on (the write
side does that). Authors, and readers with a message waiting for them, get the
page built fresh and marked ``private, no-store``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import wraps
from typing import Any

from flask import current_app, request, session
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from . import queries
from .cache import PAGES_SCOPE, CachedEntry, etag_for, site_cache
from .cache.front import offer
from .clock import clock_of
from .presentation import site_url

# The only query parameters a public page reads (a listing's place, ``before``, and
# an old page number it sends on; see ``paged_public_page``); every other is left
# out of the key.
LISTING_PARAMETERS = ("before", "page")
HTML = "text/html; charset=utf-8"


@dataclass(frozen=True)
class Page:
    """A page as a view builds it, with what the cache needs to know about it."""

    body: str
    # The newest change the page shows; None: the time it was built stands in.
    changed_at: datetime | None = None
    # When the page must be built again at the latest, whatever happens meanwhile.
    expires_at: datetime | None = None
    content_type: str = HTML


PageView = Callable[..., Page | BaseResponse]


def public_page(view: PageView) -> Callable[..., BaseResponse]:
    """Serve ``view``'s page from the cache to anonymous readers, and fresh to authors.

    The page reads no query parameter: ``?before=N`` is the same page, kept once.
    """
    return _public(view, ())


def paged_public_page(view: PageView) -> Callable[..., BaseResponse]:
    """``public_page`` for a listing that reads ``?before=``: each of its pages is kept apart."""
    return _public(view, LISTING_PARAMETERS)


def _public(view: PageView, parameters: tuple[str, ...]) -> Callable[..., BaseResponse]:
    @wraps(view)
    def serve(**kwargs: Any) -> BaseResponse:
        if _is_anonymous_reader():
            response = _cached_response(view, kwargs, parameters)
        else:
            response = _fresh_response(view, kwargs)
        return response.make_conditional(request)

    return serve


def _is_anonymous_reader() -> bool:
    # A flashed message is shown once, to one reader: that page is theirs alone.
    return not current_user.is_authenticated and "_flashes" not in session


def _cached_response(
    view: PageView, kwargs: dict[str, Any], parameters: tuple[str, ...]
) -> BaseResponse:
    cache = site_cache()
    variant = _variant(parameters)
    lookup = cache.lookup(PAGES_SCOPE, variant)
    entry = lookup.entry
    if entry is None:
        built = view(**kwargs)
        if not isinstance(built, Page):
            return built  # a redirect: not worth keeping
        entry = _entry(built)
        cache.keep(lookup, entry)
    # The next anonymous reader of this URL may be answered before the framework.
    offer(PAGES_SCOPE, variant, entry)
    response = _response(entry)
    response.cache_control.public = True
    response.cache_control.max_age = current_app.config["PAGE_MAX_AGE"]
    return response


def _fresh_response(view: PageView, kwargs: dict[str, Any]) -> BaseResponse:
    built = view(**kwargs)
    if not isinstance(built, Page):
        return built
    response = _response(_entry(built))
    response.cache_control.private = True
    response.cache_control.no_store = True
    return response


def _variant(parameters: tuple[str, ...]) -> str:
    """Return what, besides the generation, tells this page apart from every other."""
    known = "&".join(f"{name}={request.args[name]}" for name in parameters if name in request.args)
    # Absolute links in a page come from the site's base URL.
    return f"{site_url()}{request.script_root}{request.path}?{known}"


def _entry(page: Page) -> CachedEntry:
    changed_at = page.changed_at or clock_of(current_app)()
    # Listings change by themselves when a scheduled article appears: no page is
    # kept past that moment.
    expires_at = page.expires_at or queries.next_scheduled_publication()
    return CachedEntry(
        body=page.body,
        etag=etag_for(page.body),
        last_modified=changed_at,
        content_type=page.content_type,
        expires_at=expires_at,
    )


def _response(entry: CachedEntry) -> BaseResponse:
    response = current_app.response_class(entry.body, content_type=entry.content_type)
    response.set_etag(entry.etag)
    response.last_modified = entry.last_modified
    return response
