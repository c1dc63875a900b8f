"""Pages for authors: dashboard, write, edit, preview, history, unpublish, delete."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from .. import publishing, queries
from ..forms import ArticleForm
from ..models import MAX_ID, Article

bp = Blueprint("writing", __name__)


@bp.before_request
@login_required
def require_login() -> None:
    """Every page here is for logged-in authors."""


@bp.after_request
def never_cache(response: Response) -> Response:
    # Drafts and forms must not linger in shared or browser caches.
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _editable(slug: str, *, include_deleted: bool = False) -> Article:
    article = queries.article_for_author_or_404(slug, include_deleted=include_deleted)
    if not current_user.can_edit(article):
        abort(403)
    return article


@bp.get("/dashboard")
def dashboard() -> str:
    return render_template(
        "writing/dashboard.html",
        articles=queries.dashboard_articles(current_user),
        deleted=queries.deleted_articles() if current_user.is_editor else [],
    )


@bp.route("/write", methods=["GET", "POST"])
def write() -> tuple[str, int] | Response:
    return _article_form(None)


@bp.route("/<slug:slug>/edit", methods=["GET", "POST"])
def edit(slug: str) -> tuple[str, int] | Response:
    return _article_form(_editable(slug))


def _article_form(article: Article | None) -> tuple[str, int] | Response:
    form = ArticleForm()
    form.topic.choices = [(topic.id, topic.title) for topic in queries.all_topics()]
    if request.method == "GET" and article is not None:
        form.title.data = article.title
        form.summary.data = article.summary
        form.body.data = article.body_markdown
        form.topic.data = article.topic_id
        form.slug.data = article.slug

    preview = None
    status = 200
    if form.validate_on_submit():
        data = publishing.ArticleInput(
            title=form.title.data or "",
            summary=form.summary.data or "",
            body_markdown=form.body.data or "",
            topic_id=form.topic.data,
            slug=form.slug.data or "",
        )
        if form.preview.data:
            preview = publishing.preview_article(data, article)
            _show_problems(form, preview.problems)
        else:
            publish = bool(form.publish.data)
            try:
                saved = publishing.save_article(
                    data, by=current_user, article=article, publish=publish
                )
            except publishing.InvalidArticle as invalid:
                _show_problems(form, invalid.errors)
                status = 400
            else:
                if publish:
                    flash(f"Published “{saved.title}”.", "success")
                    return redirect(url_for("reading.article", slug=saved.slug))
                flash(
                    f"Saved “{saved.title}” as a draft. Readers cannot see it until you publish.",
                    "success",
                )
                return redirect(url_for("writing.edit", slug=saved.slug))
    elif form.errors:
        status = 400
    return (
        render_template("writing/edit.html", form=form, article=article, preview=preview),
        status,
    )


def _show_problems(form: ArticleForm, problems: dict[str, str]) -> None:
    for name, message in problems.items():
        form[name].errors = [message]


@bp.get("/<slug:slug>/history")
def history(slug: str) -> str:
    article = _editable(slug)
    return render_template(
        "writing/history.html",
        article=article,
        revisions=queries.revisions(article),
    )


@bp.get(f"/<slug:slug>/history/<int(min=1, max={MAX_ID}):number>")
def revision(slug: str, number: int) -> str:
    article = _editable(slug)
    return render_template(
        "writing/revision.html",
        article=article,
        revision=queries.revision_or_404(article, number),
    )


@bp.post(f"/<slug:slug>/history/<int(min=1, max={MAX_ID}):number>/restore")
def restore(slug: str, number: int) -> Response:
    article = _editable(slug)
    chosen = queries.revision_or_404(article, number)
    try:
        publishing.restore_revision(article, chosen, by=current_user)
    except publishing.InvalidArticle as invalid:
        flash(f"Version {number} could not be restored: {invalid}", "error")
        return redirect(url_for("writing.history", slug=article.slug))
    flash(f"Restored version {number}; it is now the current text.", "success")
    return redirect(url_for("writing.history", slug=article.slug))


@bp.post("/<slug:slug>/unpublish")
def unpublish(slug: str) -> Response:
    article = _editable(slug)
    publishing.unpublish(article, by=current_user)
    flash(f"“{article.title}” is no longer visible to readers; it is kept as a draft.", "success")
    return redirect(url_for("writing.dashboard"))


@bp.post("/<slug:slug>/delete")
def delete(slug: str) -> Response:
    article = _editable(slug)
    publishing.delete(article)
    flash(f"Deleted “{article.title}”. An editor can restore it.", "success")
    return redirect(url_for("writing.dashboard"))


@bp.post("/<slug:slug>/undelete")
def undelete(slug: str) -> Response:
    if not current_user.is_editor:
        abort(403)
    article = queries.article_for_author_or_404(slug, include_deleted=True)
    publishing.undelete(article)
    flash(f"Restored “{article.title}”.", "success")
    return redirect(url_for("writing.dashboard"))
