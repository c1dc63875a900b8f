"""Medical review, the write side: recording that a clinical reviewer checked an article.

A review is its own action, never a side effect of editing: an edit leaves the
review dates where they are, and the dashboards say the article changed since
its review. Recording one has the write side's shape, ``mark_reviewed(article,
*, reviewer, by, now=None)``, and leaves an ``ArticleEvent``.
"""

from __future__ import annotations

import calendar
from datetime import datetime, timedelta

from . import cache, clock
from .extensions import db
from .models import Article, ArticleEvent, Author
from .rules import DEFAULT_REVIEW_INTERVAL_MONTHS, MAX_REVIEW_INTERVAL_MONTHS, InvalidInput

OWN_ARTICLE = (
    "An article cannot be medically reviewed by its own author. Choose another clinical reviewer."
)


def add_months(moment: datetime, months: int) -> datetime:
    """Return ``moment`` ``months`` calendar months later, on the month's last day if need be.

    Counted on the site's calendar, so "12 months after 20 November" is 20 November.
    """
    local = clock.to_site_time(moment)
    month_index = local.month - 1 + months
    year, month = local.year + month_index // 12, month_index % 12 + 1
    day = min(local.day, calendar.monthrange(year, month)[1])
    target = local.replace(year=year, month=month, day=day, tzinfo=None)
    try:
        return clock.from_site_time(target)
    except clock.NonexistentTime:
        # The clocks go forward at that hour on that day: an hour later is the same moment.
        return clock.from_site_time(target + timedelta(hours=1))


def review_interval(article: Article) -> int:
    """Return the months from a review of ``article`` to the next: its topic's, or the default."""
    return article.topic.review_interval_months or DEFAULT_REVIEW_INTERVAL_MONTHS


def interval_problem(months: int | None) -> str | None:
    """Return why ``months`` cannot be a topic's review interval, or None if it can."""
    if months is None or 1 <= months <= MAX_REVIEW_INTERVAL_MONTHS:
        return None
    return f"Enter a number of months from 1 to {MAX_REVIEW_INTERVAL_MONTHS}, or leave it empty."


def reviewer_problem(article: Article, reviewer: Author | None) -> str | None:
    """Return why ``reviewer`` cannot be recorded as ``article``'s reviewer, or None."""
    if reviewer is None or not reviewer.is_active:
        return "Choose one of the listed clinical reviewers."
    if not reviewer.is_clinical_reviewer:
        return (
            f"{reviewer.display_name} is not marked as a clinical reviewer. An editor can mark "
            "them on the People page."
        )
    if reviewer.id == article.author_id:
        return OWN_ARTICLE
    return None


def may_record_review(article: Article, by: Author, reviewer: Author | None) -> bool:
    """Whether ``by`` may record a review of ``article``: an editor, or the reviewer themself."""
    return by.is_editor or (reviewer is not None and by.id == reviewer.id)


def mark_reviewed(
    article: Article, *, reviewer: Author | None, by: Author, now: datetime | None = None
) -> Article:
    """Record that ``reviewer`` medically reviewed ``article`` now; set when the next review is due.

    ``by`` is the reviewer, or an editor recording the review on their behalf.
    Nothing about the text changes. Bad input raises InvalidInput.
    """
    now = now or clock.now()
    if article.deleted_at is not None:
        raise InvalidInput({"article": "This article is deleted; restore it before reviewing it."})
    if problem := reviewer_problem(article, reviewer):
        raise InvalidInput({"reviewer_id": problem})
    assert reviewer is not None
    if not may_record_review(article, by, reviewer):
        raise InvalidInput(
            {"reviewer_id": "Only the reviewer, or an editor on their behalf, can record a review."}
        )
    article.reviewer = reviewer
    article.last_reviewed_at = now
    article.next_review_due = add_months(now, review_interval(article))
    action = "medically reviewed" if by.id == reviewer.id else "recorded a medical review"
    db.session.add(ArticleEvent(article_id=article.id, action=action, by_id=by.id, created_at=now))
    db.session.commit()
    # The article page shows who reviewed it and when; profiles list what people reviewed.
    # Feeds carry neither, so they stay as they are.
    cache.invalidate([cache.PAGES_SCOPE])
    return article
