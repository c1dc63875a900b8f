"""Accounts in the browser: editors manage people; everyone manages their own account."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from .. import accounts
from ..extensions import db, login_manager
from ..forms import (
    ChangePasswordForm,
    NewAccountForm,
    PersonProfileForm,
    ProfileForm,
    SetPasswordForm,
)
from ..models import Author
from ..presentation import absolute_url
from ..rules import MAX_ID, PASSWORD_LINK_HOURS, InvalidInput
from .access import never_cache

bp = Blueprint("people", __name__)

ACCOUNT = f"<int(min=1, max={MAX_ID}):author_id>"
# What a reader of an unusable link is told, by the reason it cannot be used.
UNUSABLE = {
    "unknown": "This link is not one this site made. Check that it was copied whole.",
    "used": "This link has been used already, and works only once.",
    "expired": f"This link has expired: links last {PASSWORD_LINK_HOURS} hours.",
}


# Account pages carry one-time links and forms.
bp.after_request(never_cache)


def _editor_only() -> None:
    if not current_user.is_authenticated:
        abort(login_manager.unauthorized())
    if not current_user.is_editor:
        abort(403)


@bp.get("/manage/people")
def people() -> str:
    _editor_only()
    everyone = db.session.scalars(select(Author).order_by(Author.display_name, Author.id))
    return render_template("people/people.html", people=list(everyone))


@bp.route("/manage/people/new", methods=["GET", "POST"])
def new_account() -> tuple[str, int]:
    _editor_only()
    form = NewAccountForm()
    if form.validate_on_submit():
        try:
            author, secret = accounts.open_account(
                form.username.data or "",
                form.display_name.data or "",
                editor=form.role.data == "editor",
                by=current_user,
            )
        except InvalidInput as invalid:
            form.show_problems(invalid.errors)
        else:
            return _link_page(author, secret, created=True), 200
    return render_template("people/new.html", form=form), 400 if form.errors else 200


@bp.post(f"/manage/people/{ACCOUNT}/password-link")
def password_link(author_id: int) -> str:
    _editor_only()
    author = db.get_or_404(Author, author_id)
    return _link_page(author, accounts.new_password_link(author, by=current_user), created=False)


@bp.post(f"/manage/people/{ACCOUNT}/deactivate", defaults={"active": False})
@bp.post(f"/manage/people/{ACCOUNT}/reactivate", defaults={"active": True})
def set_active(author_id: int, active: bool) -> Response:
    _editor_only()
    author = db.get_or_404(Author, author_id)
    try:
        accounts.set_active(author, active, by=current_user)
    except InvalidInput as invalid:
        flash(str(invalid), "error")
    else:
        done = "can log in again" if active else "can no longer log in; their articles stay"
        flash(f"{author.display_name} {done}.", "success")
    return redirect(url_for("people.people"))


@bp.route(f"/manage/people/{ACCOUNT}/profile", methods=["GET", "POST"])
def person_profile(author_id: int) -> tuple[str, int] | Response:
    _editor_only()
    person = db.get_or_404(Author, author_id)
    form = PersonProfileForm()
    if not form.is_submitted():
        form.fill_from(accounts.ProfileInput.of(person))
        form.is_clinical_reviewer.data = person.is_clinical_reviewer
    elif form.validate_on_submit():
        try:
            accounts.save_profile(person, form.to_input(), by=current_user)
            accounts.set_clinical_reviewer(
                person, bool(form.is_clinical_reviewer.data), by=current_user
            )
        except InvalidInput as invalid:
            form.show_problems(invalid.errors)
        else:
            flash(f"Saved the profile of {person.display_name}.", "success")
            return redirect(url_for("people.people"))
    page = render_template("people/profile.html", form=form, person=person)
    return page, 400 if form.errors else 200


def _link_page(author: Author, secret: str, *, created: bool) -> str:
    link = absolute_url(url_for("people.set_password", secret=secret))
    return render_template(
        "people/link.html", author=author, link=link, created=created, hours=PASSWORD_LINK_HOURS
    )


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account() -> tuple[str, int] | Response:
    name_form = ProfileForm(prefix="name")
    password_form = ChangePasswordForm(prefix="password")
    if request.method == "GET":
        name_form.fill_from(accounts.ProfileInput.of(current_user))
    elif name_form.save_name.data and name_form.validate_on_submit():
        try:
            accounts.save_profile(current_user, name_form.to_input(), by=current_user)
        except InvalidInput as invalid:
            name_form.show_problems(invalid.errors)
        else:
            flash("Your profile is saved.", "success")
            return redirect(url_for("people.account"))
    elif password_form.change_password.data and password_form.validate_on_submit():
        author = current_user._get_current_object()
        try:
            accounts.change_own_password(
                author, password_form.current_password.data, password_form.password.data
            )
        except InvalidInput as invalid:
            password_form.show_problems(invalid.errors)
        else:
            # The change ended every session of the account; this one carries on.
            login_user(author)
            flash("Your password is changed; you were logged out everywhere else.", "success")
            return redirect(url_for("people.account"))
    failed = name_form.errors or password_form.errors
    page = render_template("people/account.html", name_form=name_form, password_form=password_form)
    return page, 400 if failed else 200


@bp.route("/password/<secret>", methods=["GET", "POST"])
def set_password(secret: str) -> tuple[str, int] | Response:
    try:
        link = accounts.usable_link(secret)
    except accounts.UnusableLink as unusable:
        page = render_template("people/unusable_link.html", message=UNUSABLE[unusable.reason])
        return page, 400 if unusable.reason == "unknown" else 410
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            accounts.set_password_by_link(secret, form.password.data)
        except InvalidInput as invalid:
            form.show_problems(invalid.errors)
        else:
            flash("Your password is set. Log in with it now.", "success")
            return redirect(url_for("auth.login"))
    page = render_template("people/set_password.html", form=form, author=link.author)
    return page, 400 if form.errors else 200
