"""Logging in and out."""

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash
from werkzeug.wrappers import Response

from ..extensions import db, limiter, login_manager
from ..forms import LoginForm
from ..models import Author

bp = Blueprint("auth", __name__)

_UNUSED_HASH = generate_password_hash("a password no account has")

login_manager.login_view = "auth.login"
login_manager.login_message = "Log in to continue."
login_manager.session_protection = "strong"


@login_manager.user_loader
def load_author(author_id: str) -> Author | None:
    if not author_id.isdigit():
        return None
    return db.session.get(Author, int(author_id))


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
    username = (request.form.get("username") or "").strip().lower()
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
        author = db.session.scalar(
            select(Author).where(Author.username == form.username.data.strip())
        )
        if author is None:
            # Spend the time a real check takes, so timing does not reveal usernames.
            check_password_hash(_UNUSED_HASH, form.password.data)
        elif author.check_password(form.password.data):
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
    logout_user()
    flash("You have logged out.", "success")
    return redirect(url_for("reading.home"))
