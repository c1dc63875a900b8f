"""Logging in and out."""

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from .. import accounts
from ..extensions import limiter
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


def _login_attempt_key() -> str:
    username = accounts.normalise_username(request.form.get("username") or "").lower()
    return f"login:{get_remote_address()}:{username}"


def _login_limit() -> str:
    return str(current_app.config["LOGIN_ATTEMPTS_LIMIT"])


def _login_failed(response: Response) -> bool:
    return bool(g.get("login_failed"))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    _login_limit,
    key_func=_login_attempt_key,
    methods=["POST"],
    deduct_when=_login_failed,
)
def login() -> str | Response:
    if current_user.is_authenticated:
        return redirect(url_for("writing.dashboard"))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        author = accounts.authenticate(form.username.data, form.password.data)
        if author is not None:
            login_user(author)
            flash(f"Logged in as {author.display_name}.", "success")
            return redirect(safe_next(form.next.data) or url_for("writing.dashboard"))
        g.login_failed = True
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
