"""Pages for authors: dashboard, write, edit, preview, history, unpublish, delete."""

from collections.abc import Callable

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from .. import clock, library, publishing, queries
from ..forms import ArticleForm
from ..models import Article, Media
from ..presentation import site_datetime, text_difference
from ..rules import MAX_ID, InvalidInput
from .access import any_author, for_accounts

bp = Blueprint("writing", __name__)

VERSION = f"<int(min=1, max={MAX_ID}):number>"
# Every page here is for logged-in authors.
for_accounts(bp, any_author)


def _editable(slug: str, *, include_deleted: bool = False) -> Article:
    article = queries.article_or_404(slug, include_deleted=include_deleted)
    if not current_user.can_edit(article):
        # The same answer as for no article at all: a 403 would tell another
        # author that a draft or a deleted article holds this slug.
        abort(404)
    return article


@bp.get("/dashboard")
def dashboard() -> str:
    return render_template(
        "writing/dashboard.html",
        articles=queries.dashboard_articles(current_user),
        changed=queries.changed_since_review(),
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
    # A required select starts on an empty choice, so no topic is picked for the author.
    form.topic.choices = [("", "Choose a topic")]
    form.topic.choices += [(topic.id, topic.title) for topic in queries.all_topics()]
    form.lead_image.choices = [("", "No lead image")] + [
        (media.id, lead_image_label(media)) for media in library.all_media()
    ]
    if not form.is_submitted() and article is not None:
        _fill_for_editing(form, article)
    if not form.validate_on_submit():
        return _edit_page(form, article, status=400 if form.errors else 200)
    if form.preview.data:
        preview = publishing.preview_article(article, form.to_input())
        form.show_problems(preview.problems)
        return _edit_page(form, article, preview=preview)

    publish = bool(form.publish.data or form.schedule.data)
    publish_at = form.publish_at_utc()
    if form.publish_at.errors:
        return _edit_page(form, article, status=400)
    try:
        saved = publishing.save_article(
            article,
            form.to_input(),
            by=current_user,
            publish=publish,
            publish_at=publish_at,
            based_on=form.based_on_version(),
            material_update=form.material_update_note_given(),
        )
    except InvalidInput as invalid:
        form.show_problems(invalid.errors)
        # A refusal for want of a review is about the article's state, not the input.
        refused = isinstance(invalid, publishing.ReviewRequired)
        return _edit_page(form, article, status=409 if refused else 400)
    except publishing.EditConflict as conflict:
        return _conflict_page(form, article, conflict.latest)
    flash(_saved_message(saved), "success")
    if saved.is_visible_at(clock.now()) and saved.pending_revision is None:
        return redirect(url_for("reading.article", slug=saved.slug))
    return redirect(url_for("writing.edit", slug=saved.slug))


def lead_image_label(media: Media) -> str:
    """How an image is named in the lead image list: its description, size and date."""
    described = media.alt_text or "Decorative image"
    return f"{described} ({media.width} × {media.height}, {media.created_at:%d %b %Y})"


def _fill_for_editing(form: ArticleForm, article: Article) -> None:
    """Fill the form with the text the author goes on from: pending changes, else the article."""
    pending = publishing.pending_text(article)
    form.fill_from(pending or article)
    if pending is not None and pending.material_update_note:
        # Pending changes saved as a material update stay one until published.
        form.material_update.data = True
        form.material_update_note.data = pending.material_update_note
    form.based_on.data = str(queries.latest_revision_number(article))
    if article.state_at(clock.now()) == "scheduled" and article.published_at is not None:
        form.publish_at.data = clock.to_site_time(article.published_at).replace(tzinfo=None)


def _saved_message(article: Article) -> str:
    state = article.state_at(clock.now())
    if state == "published":
        return f"Published “{article.title}”."
    if state == "pending":
        return (
            f"Saved your changes to “{article.title}”. Readers still see the published version "
            "until you publish the changes."
        )
    if state == "scheduled":
        assert article.published_at is not None
        return f"Scheduled “{article.title}” for {site_datetime(article.published_at)}."
    return f"Saved “{article.title}” as a draft. Readers cannot see it until you publish."


def _conflict_page(form: ArticleForm, article: Article | None, latest: int) -> tuple[str, int]:
    """Show the author that someone saved first, keeping their text for a deliberate save."""
    assert article is not None  # only an existing article can be saved over
    newer = queries.revision_or_404(article, latest)
    form.based_on.data = str(latest)
    page = render_template(
        "writing/conflict.html",
        form=form,
        article=article,
        newer=newer,
        difference=text_difference(newer.body_markdown, form.body.data or ""),
    )
    return page, 409


def _edit_page(
    form: ArticleForm,
    article: Article | None,
    *,
    preview: publishing.Preview | None = None,
    status: int = 200,
) -> tuple[str, int]:
    page = render_template("writing/edit.html", form=form, article=article, preview=preview)
    return page, status


@bp.get("/<slug:slug>/pending")
def pending(slug: str) -> str:
    article = _editable(slug)
    changes = publishing.pending_text(article)
    if changes is None:
        abort(404)
    preview = publishing.preview_article(article, publishing.ArticleInput.of(changes))
    return render_template(
        "writing/pending.html", article=article, changes=changes, preview=preview
    )


@bp.post("/<slug:slug>/pending/publish")
def publish_pending(slug: str) -> Response:
    article = _editable(slug)
    try:
        saved = publishing.publish_pending(article, by=current_user)
    except InvalidInput as invalid:
        flash(f"The changes could not be published: {invalid}", "error")
        return redirect(url_for("writing.edit", slug=article.slug))
    flash(f"Published the changes to “{saved.title}”.", "success")
    return redirect(url_for("reading.article", slug=saved.slug))


@bp.post("/<slug:slug>/pending/discard")
def discard_pending(slug: str) -> Response:
    article = _editable(slug)
    publishing.discard_pending(article, by=current_user)
    flash(
        f"Discarded the unpublished changes to “{article.title}”; they stay in its history.",
        "success",
    )
    return redirect(url_for("writing.edit", slug=article.slug))


@bp.get("/<slug:slug>/history")
def history(slug: str) -> str:
    article = _editable(slug)
    return render_template(
        "writing/history.html",
        article=article,
        revisions=queries.revisions(article),
        events=queries.events(article),
    )


@bp.get(f"/<slug:slug>/history/{VERSION}")
def revision(slug: str, number: int) -> str:
    article = _editable(slug)
    return render_template(
        "writing/revision.html",
        article=article,
        revision=queries.revision_or_404(article, number),
    )


@bp.post(f"/<slug:slug>/history/{VERSION}/restore")
def restore(slug: str, number: int) -> Response:
    article = _editable(slug)
    chosen = queries.revision_or_404(article, number)
    try:
        publishing.restore_revision(article, chosen, by=current_user)
    except InvalidInput as invalid:
        flash(f"Version {number} could not be restored: {invalid}", "error")
    else:
        flash(f"Restored version {number}; it is now the current text.", "success")
    return redirect(url_for("writing.history", slug=article.slug))


@bp.post("/<slug:slug>/unpublish")
def unpublish(slug: str) -> Response:
    return _act(
        publishing.unpublish,
        _editable(slug),
        "“{}” is no longer visible to readers; it is kept as a draft.",
    )


@bp.post("/<slug:slug>/delete")
def delete(slug: str) -> Response:
    return _act(publishing.delete, _editable(slug), "Deleted “{}”. An editor can restore it.")


@bp.post("/<slug:slug>/undelete")
def undelete(slug: str) -> Response:
    if not current_user.is_editor:
        abort(404)  # as _editable: whether the slug exists is not theirs to learn
    article = queries.article_or_404(slug, include_deleted=True)
    return _act(publishing.undelete, article, "Restored “{}”.")


def _act(action: Callable[..., None], article: Article, done: str) -> Response:
    """Do ``action`` to ``article`` as the current author, say so, and go to the dashboard."""
    action(article, by=current_user)
    flash(done.format(article.title), "success")
    return redirect(url_for("writing.dashboard"))
