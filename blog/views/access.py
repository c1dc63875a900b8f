"""Who may open the pages for authors and editors, and the rule that no cache keeps them."""

from collections.abc import Callable

from flask import Blueprint, abort
from flask_login import current_user, login_required
from werkzeug.wrappers import Response as BaseResponse

from ..models import Author


def never_cache(response: BaseResponse) -> BaseResponse:
    """Mark ``response`` private: forms, drafts and one-time links must linger in no cache."""
    response.headers["Cache-Control"] = "private, no-store"
    return response


def any_author(author: Author) -> bool:
    return True


def editors(author: Author) -> bool:
    return author.is_editor


def for_accounts(bp: Blueprint, may_enter: Callable[[Author], bool]) -> None:
    """Make every page of ``bp`` for logged-in accounts ``may_enter`` admits, and never cached.

    Anyone not logged in is sent to log in; an account it does not admit gets 403.
    """

    @login_required
    def admit() -> None:
        if not may_enter(current_user):
            abort(403)

    bp.before_request(admit)
    bp.after_request(never_cache)
