"""Editors' screens for topics: list and order, create, edit, history and restore, delete."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from .. import clock, queries, topics
from ..forms import TopicForm
from ..models import Topic
from ..rules import MAX_ID, InvalidInput
from .access import editors, for_accounts

bp = Blueprint("topics", __name__, url_prefix="/manage/topics")

VERSION = f"<int(min=1, max={MAX_ID}):number>"
# What the "Move up" and "Move down" buttons send: places down the list.
STEPS = {"up": -1, "down": 1}

for_accounts(bp, editors)


@bp.get("")
def index() -> str:
    return render_template("topics/index.html", rows=queries.topics_with_counts())


@bp.route("/new", methods=["GET", "POST"])
def create() -> tuple[str, int] | Response:
    return _topic_form(None)


@bp.route("/<slug:slug>/edit", methods=["GET", "POST"])
def edit(slug: str) -> tuple[str, int] | Response:
    return _topic_form(queries.topic_or_404(slug))


def _topic_form(topic: Topic | None) -> tuple[str, int] | Response:
    form = TopicForm()
    if not form.is_submitted() and topic is not None:
        form.fill_from(topic)
    if not form.validate_on_submit():
        return _edit_page(form, topic, status=400 if form.errors else 200)
    try:
        saved = topics.save_topic(topic, form.to_input(), by=current_user)
    except InvalidInput as invalid:
        form.show_problems(invalid.errors)
        return _edit_page(form, topic, status=400)
    flash(f"Saved the topic “{saved.title}”.", "success")
    return redirect(url_for("topics.index"))


def _edit_page(form: TopicForm, topic: Topic | None, *, status: int) -> tuple[str, int]:
    return render_template("topics/edit.html", form=form, topic=topic), status


@bp.post("/<slug:slug>/move")
def move(slug: str) -> Response:
    topic = queries.topic_or_404(slug)
    steps = STEPS.get(request.form.get("direction", ""))
    if steps is None:
        abort(400)
    topics.move_topic(topic, steps, by=current_user)
    return redirect(url_for("topics.index"))


@bp.get("/<slug:slug>/history")
def history(slug: str) -> str:
    topic = queries.topic_or_404(slug)
    return render_template(
        "topics/history.html", topic=topic, revisions=queries.topic_revisions(topic)
    )


@bp.post(f"/<slug:slug>/history/{VERSION}/restore")
def restore(slug: str, number: int) -> Response:
    topic = queries.topic_or_404(slug)
    chosen = queries.topic_revision_or_404(topic, number)
    try:
        topics.restore_topic_revision(topic, chosen, by=current_user)
    except InvalidInput as invalid:
        flash(f"Version {number} could not be restored: {invalid}", "error")
    else:
        flash(f"Restored version {number}; it is now the current text.", "success")
    return redirect(url_for("topics.history", slug=topic.slug))


@bp.get("/<slug:slug>/delete")
def confirm_delete(slug: str) -> str:
    topic = queries.topic_or_404(slug)
    held = queries.articles_held(topic)
    message = topics.still_holds_message(topic.title, held, clock.now()) if held else None
    return render_template(
        "topics/delete.html", topic=topic, held=held, message=message, refused=False
    )


@bp.post("/<slug:slug>/delete")
def delete(slug: str) -> tuple[str, int] | Response:
    topic = queries.topic_or_404(slug)
    try:
        topics.delete_topic(topic, by=current_user)
    except topics.TopicNotEmpty as refusal:
        page = render_template(
            "topics/delete.html",
            topic=topic,
            held=refusal.articles,
            message=str(refusal),
            refused=True,
        )
        return page, 409
    flash(f"Deleted the topic “{topic.title}”.", "success")
    return redirect(url_for("topics.index"))
