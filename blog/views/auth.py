"""Logging in and out."""

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.exceptions import TooManyRequests
from werkzeug.wrappers import Response

from .. import accounts, login_limit
from ..errors import render_error
from ..forms import LoginForm

bp = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str | None:
    """Return ``target`` if it is a path on this site, else None: no open redirects."""
    if not target:
        return None
    target = target.strip()
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(c) < 32 for c in target):
        return None
    return target


# How long a reader is asked to wait while the login counter cannot be reached.
COUNTER_DOWN_RETRY_SECONDS = 60
COUNTER_DOWN_MESSAGE = (
    "Logging in is paused for a moment because the site cannot count login attempts "
    "right now. Reading the site is not affected. Please try again in a minute."
)


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(url_for("writing.dashboard"))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        try:
            attempt = login_limit.count_attempt(form.username.data, request.remote_addr)
        except login_limit.CounterUnavailable:
            # Fail closed: an uncounted login would let guessing run without a limit.
            page, status = render_error(503, COUNTER_DOWN_MESSAGE)
            return page, status, {"Retry-After": str(COUNTER_DOWN_RETRY_SECONDS)}
        if not attempt.allowed:
            raise TooManyRequests(retry_after=attempt.retry_after)
        author = accounts.authenticate(form.username.data, form.password.data)
        if author is not None:
            login_limit.login_succeeded(attempt)
            login_user(author)
            flash(f"Logged in as {author.display_name}.", "success")
            return redirect(safe_next(form.next.data) or url_for("writing.dashboard"))
        form.password.errors = ["That username and password do not match an account."]
    return render_template("auth/login.html", form=form)


@bp.get("/logout")
def confirm_logout() -> str:
    # Logging out changes state, so it takes a POST; a typed-in URL gets the button.
    return render_template("auth/logout.html")


@bp.post("/logout")
@login_required
def logout() -> Response:
    # CSRFProtect has already refused a post without a valid token.
    accounts.log_out(current_user._get_current_object())
    logout_user()
    flash("You have logged out.", "success")
    return redirect(url_for("reading.home"))
