"""Medical review in the browser: the reviews dashboard, and recording a review."""

from datetime import timedelta

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from .. import clock, queries, reviews
from ..extensions import db
from ..forms import ReviewForm
from ..models import Article, Author
from ..presentation import site_date
from ..rules import REVIEW_DUE_SOON_DAYS, InvalidInput
from .access import for_accounts

bp = Blueprint("reviews", __name__, url_prefix="/manage/reviews")


def _reviewers_and_editors(author: Author) -> bool:
    return author.is_editor or author.is_clinical_reviewer


for_accounts(bp, _reviewers_and_editors)


@bp.get("")
def dashboard() -> str:
    now = clock.now()
    due = queries.reviews_due_by(now + timedelta(days=REVIEW_DUE_SOON_DAYS))
    return render_template(
        "reviews/dashboard.html",
        overdue=[article for article in due if article.review_is_due_at(now)],
        due_soon=[article for article in due if not article.review_is_due_at(now)],
        never_reviewed=queries.never_reviewed(),
        changed=queries.changed_since_review(),
        soon_days=REVIEW_DUE_SOON_DAYS,
    )


@bp.route("/<slug:slug>", methods=["GET", "POST"])
def review(slug: str) -> tuple[str, int] | Response:
    article = queries.article_or_404(slug)
    form = ReviewForm()
    candidates = _reviewers_for(article)
    form.reviewer_id.choices = [(person.id, person.name_with_credentials) for person in candidates]
    if not form.is_submitted():
        form.reviewer_id.data = _suggested_reviewer(article, candidates)
    elif form.validate_on_submit():
        reviewer = db.session.get(Author, form.reviewer_id.data) if form.reviewer_id.data else None
        try:
            reviews.mark_reviewed(article, reviewer=reviewer, by=current_user)
        except InvalidInput as invalid:
            form.show_problems(invalid.errors)
        else:
            assert reviewer is not None
            flash(
                f"Recorded that {reviewer.display_name} medically reviewed “{article.title}”. "
                f"The next review is due {site_date(article.next_review_due)}.",
                "success",
            )
            return redirect(url_for("reviews.dashboard"))
    page = render_template(
        "reviews/review.html",
        article=article,
        form=form,
        changed=article.id in queries.changed_since_review(),
        own_article=article.author_id == current_user.id and not current_user.is_editor,
        interval=reviews.review_interval(article),
    )
    return page, 400 if form.errors else 200


def _reviewers_for(article: Article) -> list[Author]:
    """Return whom ``current_user`` may record as the reviewer: anyone for an editor."""
    if current_user.is_editor:
        return queries.clinical_reviewers()
    return [current_user._get_current_object()]


def _suggested_reviewer(article: Article, candidates: list[Author]) -> int | None:
    # The last reviewer, else the person recording, else whoever is first.
    for wanted in (article.reviewer_id, current_user.id):
        if any(person.id == wanted and person.id != article.author_id for person in candidates):
            return wanted
    return None
