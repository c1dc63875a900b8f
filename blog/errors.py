"""Error pages: every failure a reader can meet gets a real HTML page."""

from flask import Flask, g, render_template
from flask_login import AnonymousUserMixin
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from werkzeug.exceptions import HTTPException, InternalServerError, SecurityError

from .extensions import db

MESSAGES = {
    400: ("Bad request", "The request could not be understood. Please go back and try again."),
    403: ("Not allowed", "Your account is not allowed to do that."),
    404: (
        "Page not found",
        "There is no page at this address. It may have moved, or the link may be mistyped.",
    ),
    405: ("Not allowed", "This address does not accept that kind of request."),
    413: (
        "Too large",
        "What you sent is larger than the site accepts, so it was not saved. "
        "Shorten it and try again.",
    ),
    429: (
        "Too many attempts",
        "There have been too many attempts. Please wait a few minutes and try again.",
    ),
    500: (
        "Something went wrong",
        "The site hit an error it did not expect. Nothing you had already saved was lost; "
        "please try again in a moment.",
    ),
    503: (
        "Briefly unavailable",
        "This part of the site is briefly unavailable. Please try again in a minute.",
    ),
}

DATABASE_AWAY_MESSAGE = (
    "The site cannot reach its database just now. Nothing you had already saved was lost; "
    "please try again in a minute."
)

# A request for a host the site does not serve gets no URLs built for it, so its
# page cannot use the templates (they link the stylesheet through url_for).
UNTRUSTED_HOST_PAGE = (
    '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Bad request</title>'
    "</head><body><h1>Bad request</h1><p>This site does not answer to that host name.</p>"
    "</body></html>\n"
)

CSRF_MESSAGE = (
    "This form has expired or was not sent from this site, so your text was not saved. "
    "Go back, copy your text somewhere safe, reload the form and submit it again."
)


def render_error(status: int, message: str | None = None) -> tuple[str, int]:
    """Render the error page for an HTTP ``status``."""
    heading, default_message = MESSAGES.get(status, (f"Error {status}", "Please try again."))
    page = render_template("errors/error.html", heading=heading, message=message or default_message)
    return page, status


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_failed(error: CSRFError) -> tuple[str, int]:
        heading = "Form expired"
        return render_template("errors/error.html", heading=heading, message=CSRF_MESSAGE), 400

    @app.errorhandler(SecurityError)
    def untrusted_host(error: SecurityError) -> tuple[str, int]:
        return UNTRUSTED_HOST_PAGE, 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):  # type: ignore[no-untyped-def]
        status = error.code or 500
        if status < 400:
            return error
        page, status = render_error(status)
        response = app.make_response((page, status))
        # Keep headers such as Retry-After (429) and Allow (405).
        for name, value in error.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(InternalServerError)
    def server_error(error: InternalServerError) -> tuple[str, int]:
        db.session.rollback()
        return render_error(500)

    # A refused or lost connection, or a lock that never came: the database is
    # away for now (pool_pre_ping replaces dead connections once it is back).
    @app.errorhandler(OperationalError)
    def database_unavailable(error: OperationalError):  # type: ignore[no-untyped-def]
        app.logger.warning("The database is unavailable: %s", str(error.orig).strip())
        _forget_failed_work()
        response = app.make_response(render_error(503, DATABASE_AWAY_MESSAGE))
        response.headers["Retry-After"] = str(app.config["UNAVAILABLE_RETRY_SECONDS"])
        return response


def _forget_failed_work() -> None:
    try:
        db.session.rollback()
    except SQLAlchemyError:
        pass  # the connection is gone; nothing is left to roll back
    # The error page names the logged-in author; do not ask the database who that is.
    if "_login_user" not in g:
        g._login_user = AnonymousUserMixin()
