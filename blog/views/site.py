"""Editors' screen for the whole site's safety notices: ``/manage/site``."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from .. import notices
from ..forms import SiteNoticesForm
from ..rules import InvalidInput
from .access import editors, for_accounts

bp = Blueprint("site", __name__, url_prefix="/manage/site")
# Only editors change what every page says.
for_accounts(bp, editors)


@bp.route("", methods=["GET", "POST"])
def settings() -> tuple[str, int] | Response:
    form = SiteNoticesForm()
    if not form.is_submitted():
        form.fill_from({kind.key: notices.typed_text(kind) for kind in notices.KINDS})
    if not form.validate_on_submit():
        return _page(form, status=400 if form.errors else 200)
    try:
        changed = notices.save_notices(form.to_input(), by=current_user)
    except InvalidInput as invalid:
        form.show_problems(invalid.errors)
        return _page(form, status=400)
    if changed:
        names = " and the ".join(kind.label.lower() for kind in changed)
        flash(f"Saved the {names}. Every page and feed shows the new text now.", "success")
    else:
        flash("Nothing had changed, so nothing was saved.", "success")
    return redirect(url_for("site.settings"))


def _page(form: SiteNoticesForm, *, status: int) -> tuple[str, int]:
    page = render_template(
        "site/settings.html", form=form, kinds=notices.KINDS, shown=notices.current()
    )
    return page, status
