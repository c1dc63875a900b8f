"""The glossary: readers' A to Z at /glossary, and editors' screens at /manage/glossary."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint, abort, flash, make_response, redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from .. import glossary, glossary_editing
from ..forms import GlossaryTermForm
from ..glossary_editing import GlossaryConflict
from ..models import GlossaryTerm
from ..pages import Page, public_page
from ..presentation import absolute_url
from ..rules import InvalidInput
from ..structured_data import defined_term_set, script_json
from .access import never_cache

bp = Blueprint("glossary", __name__)


@bp.get("/glossary")
@public_page
def glossary_page() -> Page:
    terms = glossary.terms_a_to_z()
    body = render_template(
        "glossary/glossary.html",
        letters=glossary.by_letter(terms),
        structured_data=script_json(
            defined_term_set(terms, absolute_url(url_for("glossary.glossary_page")))
        ),
    )
    return Page(body)


def editors_only(view: Callable[..., Any]) -> Callable[..., Any]:
    """Let only logged-in editors in, and keep forms out of every cache."""

    @login_required
    @wraps(view)
    def guarded(**kwargs: Any) -> Any:
        if not current_user.is_editor:
            abort(403)
        return never_cache(make_response(view(**kwargs)))

    return guarded


@bp.get("/manage/glossary")
@editors_only
def index() -> str:
    return render_template("glossary/index.html", terms=glossary.terms_a_to_z())


@bp.route("/manage/glossary/new", methods=["GET", "POST"])
@editors_only
def create() -> tuple[str, int] | Response:
    return _term_form(None)


@bp.route("/manage/glossary/<slug:slug>/edit", methods=["GET", "POST"])
@editors_only
def edit(slug: str) -> tuple[str, int] | Response:
    return _term_form(glossary.term_or_404(slug))


def _term_form(term: GlossaryTerm | None) -> tuple[str, int] | Response:
    form = GlossaryTermForm()
    if not form.is_submitted() and term is not None:
        form.fill_from(term)
    if not form.validate_on_submit():
        return _edit_page(form, term, status=400 if form.errors else 200)
    try:
        saved = glossary_editing.save_term(term, form.to_input(), by=current_user)
    except GlossaryConflict as conflict:
        form.show_problems(conflict.errors)
        return _edit_page(form, term, status=409)
    except InvalidInput as invalid:
        form.show_problems(invalid.errors)
        return _edit_page(form, term, status=400)
    flash(f"Saved the term “{saved.term}”. Pages show it from now on.", "success")
    return redirect(url_for("glossary.index"))


def _edit_page(
    form: GlossaryTermForm, term: GlossaryTerm | None, *, status: int
) -> tuple[str, int]:
    return render_template("glossary/edit.html", form=form, term=term), status


@bp.get("/manage/glossary/<slug:slug>/delete")
@editors_only
def confirm_delete(slug: str) -> str:
    return render_template("glossary/delete.html", term=glossary.term_or_404(slug))


@bp.post("/manage/glossary/<slug:slug>/delete")
@editors_only
def delete(slug: str) -> Response:
    term = glossary.term_or_404(slug)
    glossary_editing.delete_term(term, by=current_user)
    flash(f"Deleted the term “{term.term}”. Pages no longer mark it.", "success")
    return redirect(url_for("glossary.index"))
