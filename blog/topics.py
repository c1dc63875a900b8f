"""The write side of topics: create, edit, restore, reorder and delete them.

Every action has the write side's shape, ``action(topic, ..., *, by, now=None)``.
A save validates, renders and cleans the intro's Markdown, keeps a
``TopicRevision`` (who saved what, and when), commits, and then tells the feed
cache which feeds changed: the site's, the topic's, and on a slug change the
old slug's too. Articles have theirs in ``blog.publishing``.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from . import cache, clock, library, queries, reviews
from .content import render_markdown
from .extensions import db
from .models import Article, Author, Topic, TopicRevision, TopicSlugRedirect
from .publishing import clean_typed_text
from .rules import (
    MAX_TITLE_LENGTH,
    MAX_TOPIC_DESCRIPTION_LENGTH,
    MAX_TOPIC_INTRO_LENGTH,
    InvalidInput,
    plain_text_problem,
)
from .slugs import slug_problem, slugify

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TopicInput:
    """What an editor typed for a topic, before it is checked; named as the columns it fills."""

    title: str
    description: str
    intro_markdown: str
    slug: str = ""
    # Its pages, articles and their feed items show the crisis-support notice.
    is_mental_health: bool = False
    # None: the site's default interval between medical reviews.
    review_interval_months: int | None = None

    def normalised(self) -> TopicInput:
        """Return the input trimmed, its title and description each on one line."""
        return TopicInput(
            title=" ".join(clean_typed_text(self.title).split()),
            description=" ".join(clean_typed_text(self.description).split()),
            intro_markdown=clean_typed_text(self.intro_markdown),
            slug=clean_typed_text(self.slug).strip(),
            is_mental_health=self.is_mental_health,
            review_interval_months=self.review_interval_months,
        )

    @property
    def effective_slug(self) -> str:
        """The slug the editor chose, or else one made from the title."""
        return self.slug or slugify(self.title)

    @classmethod
    def of(cls, topic: Topic | TopicRevision) -> TopicInput:
        """Return what an editor would type to get ``topic`` (or a version of its text) back.

        A version keeps only the text; its ``is_mental_health`` is left False.
        """
        return cls(
            title=topic.title,
            description=topic.description,
            intro_markdown=topic.intro_markdown,
            slug=topic.slug,
            is_mental_health=isinstance(topic, Topic) and topic.is_mental_health,
            # Versions keep the text only; the interval is a setting of the topic.
            review_interval_months=(
                topic.review_interval_months if isinstance(topic, Topic) else None
            ),
        )


def topic_problems(data: TopicInput, topic: Topic | None = None) -> dict[str, str]:
    """Return, field by field, why normalised ``data`` cannot be saved (empty when it can)."""
    errors: dict[str, str] = {}
    if not data.title:
        errors["title"] = "Enter a title."
    elif title_problem := plain_text_problem("title", data.title, MAX_TITLE_LENGTH):
        errors["title"] = title_problem
    if problem := plain_text_problem("description", data.description, MAX_TOPIC_DESCRIPTION_LENGTH):
        errors["description"] = problem
    if len(data.intro_markdown) > MAX_TOPIC_INTRO_LENGTH:
        errors["intro_markdown"] = (
            f"The intro is {len(data.intro_markdown):,} characters; "
            f"the most a topic's intro can hold is {MAX_TOPIC_INTRO_LENGTH:,}."
        )
    if problem := reviews.interval_problem(data.review_interval_months):
        errors["review_interval_months"] = problem
    if data.slug or data.title:
        slug = data.effective_slug
        problem = slug_problem(slug)
        if problem is None and _slug_taken(slug, topic):
            problem = _slug_taken_message(slug)
        if problem:
            errors["slug"] = problem
    return errors


def _slug_taken(slug: str, topic: Topic | None) -> bool:
    own_id = topic.id if topic is not None else None
    # A deleted topic keeps its slug: its old links must never lead to another topic.
    holder = db.session.scalar(select(Topic.id).where(Topic.slug == slug))
    if holder is not None and holder != own_id:
        return True
    former = db.session.scalar(
        select(TopicSlugRedirect.topic_id).where(TopicSlugRedirect.old_slug == slug)
    )
    return former is not None and former != own_id


def _slug_taken_message(slug: str) -> str:
    return f"Another topic already uses “{slug}”, or used to; choose another slug."


def save_topic(
    topic: Topic | None, data: TopicInput, *, by: Author | None, now: datetime | None = None
) -> Topic:
    """Create (``topic`` None) or update a topic from ``data``, keeping a new revision.

    ``by`` is None only for topics made by code, such as tests' fixtures. Bad
    input raises InvalidInput.
    """
    data = data.normalised()
    now = now or clock.now()
    if errors := topic_problems(data, topic):
        raise InvalidInput(errors)
    intro_html = render_markdown(data.intro_markdown, images=library.resolve)
    if problem := library.missing_image_problem(intro_html):
        # The intro shows at once: readers would get a broken image.
        raise InvalidInput({"intro_markdown": problem})
    if topic is None:
        topic = Topic(created_at=now, feed_changed_at=now, position=_next_position())
    old_slug = topic.slug
    new_slug = data.effective_slug
    # Feeds show the title, slug, description and (in every item) the crisis
    # notice or not; the intro is only on the page.
    feed_changes = (topic.title, old_slug, topic.description, topic.is_mental_health) != (
        data.title,
        new_slug,
        data.description,
        data.is_mental_health,
    )
    if old_slug and old_slug != new_slug:
        _move_slug(topic, old_slug, new_slug)
    topic.slug = new_slug
    topic.title = data.title
    topic.description = data.description
    topic.intro_markdown = data.intro_markdown
    topic.intro_html = intro_html
    topic.is_mental_health = data.is_mental_health
    if topic.review_interval_months != data.review_interval_months:
        topic.review_interval_months = data.review_interval_months
        _move_review_dates(topic)
    if feed_changes:
        topic.feed_changed_at = max(topic.feed_changed_at, now)
    db.session.add(topic)
    _record_revision(topic, by, now)
    _commit(topic, new_slug, {old_slug or new_slug, new_slug})
    return topic


def _move_review_dates(topic: Topic) -> None:
    """Count each reviewed article's next review from its last one, at the topic's new interval."""
    if topic.id is None:
        return
    reviewed = db.session.scalars(
        select(Article).where(Article.topic_id == topic.id, Article.last_reviewed_at.is_not(None))
    )
    for article in reviewed:
        assert article.last_reviewed_at is not None
        article.next_review_due = reviews.add_months(
            article.last_reviewed_at, reviews.review_interval(article)
        )


def create_topic(
    slug: str,
    title: str,
    intro_markdown: str,
    *,
    by: Author | None = None,
    now: datetime | None = None,
    is_mental_health: bool = False,
) -> Topic:
    """Create a topic from code (the demo loader, tests), with no description of its own."""
    data = TopicInput(
        title=title,
        description="",
        intro_markdown=intro_markdown,
        slug=slug,
        is_mental_health=is_mental_health,
    )
    return save_topic(None, data, by=by, now=now)


def restore_topic_revision(
    topic: Topic, revision: TopicRevision, *, by: Author, now: datetime | None = None
) -> Topic:
    """Make ``revision``'s text current again, as a new revision."""
    # The current address stays: an old version's slug is an old address; and
    # the mental-health mark and review interval are settings, not part of the text.
    data = replace(
        TopicInput.of(revision),
        slug=topic.slug,
        is_mental_health=topic.is_mental_health,
        review_interval_months=topic.review_interval_months,
    )
    return save_topic(topic, data, by=by, now=now)


def _next_position() -> int:
    last = db.session.scalar(select(func.max(Topic.position)))
    return (last or 0) + 1


def _move_slug(topic: Topic, old_slug: str, new_slug: str) -> None:
    """Keep the old address answering, and reclaim the new one if it was ours before."""
    reclaimed = db.session.scalar(
        select(TopicSlugRedirect).where(
            TopicSlugRedirect.old_slug == new_slug, TopicSlugRedirect.topic_id == topic.id
        )
    )
    if reclaimed is not None:
        db.session.delete(reclaimed)
    db.session.add(TopicSlugRedirect(old_slug=old_slug, topic=topic))


def _record_revision(topic: Topic, by: Author | None, now: datetime) -> None:
    db.session.flush()
    db.session.add(
        TopicRevision(
            topic_id=topic.id,
            number=queries.latest_topic_revision_number(topic) + 1,
            title=topic.title,
            slug=topic.slug,
            description=topic.description,
            intro_markdown=topic.intro_markdown,
            saved_by_id=by.id if by is not None else None,
            created_at=now,
        )
    )


def _commit(topic: Topic, slug: str, slugs: set[str]) -> None:
    """Commit, then drop the cached feeds of the site and of every slug in ``slugs``."""
    try:
        db.session.commit()
    except IntegrityError as error:
        db.session.rollback()
        if _slug_taken(slug, topic if topic.id is not None else None):
            # Two editors claimed the same slug at the same moment; the other save won.
            raise InvalidInput({"slug": _slug_taken_message(slug)}) from error
        raise InvalidInput(
            {"topic": "Someone saved this topic at the same moment. Reload it and try again."}
        ) from error
    cache.invalidate(
        [cache.SITE_SCOPE, cache.PAGES_SCOPE, *(cache.topic_scope(each) for each in slugs)]
    )


def move_topic(topic: Topic, steps: int, *, by: Author, now: datetime | None = None) -> bool:
    """Move ``topic`` ``steps`` places down the list (up when negative); False if it cannot."""
    order = queries.all_topics()
    here = order.index(topic)
    there = here + steps
    if steps == 0 or not 0 <= there < len(order):
        return False
    order.insert(there, order.pop(here))
    # Numbered afresh each time, so positions never tie whatever came before.
    for position, each in enumerate(order, start=1):
        each.position = position
    log.info("%s moved topic %s to place %d", by.username, topic.slug, there + 1)
    db.session.commit()
    cache.invalidate([cache.SITE_SCOPE, cache.PAGES_SCOPE])
    return True


@dataclass
class TopicNotEmpty(Exception):
    """A topic that still holds articles cannot be deleted; nothing was changed."""

    topic_title: str
    articles: list[Article]
    moment: datetime

    def __str__(self) -> str:
        return still_holds_message(self.topic_title, self.articles, self.moment)


def still_holds_message(topic_title: str, articles: list[Article], moment: datetime) -> str:
    """Say how many articles, in which states, keep a topic from being deleted, and what to do."""
    states = Counter(_kind(article.state_at(moment)) for article in articles)
    kinds = ", ".join(f"{count} {kind}" for kind, count in states.most_common())
    noun = "article" if len(articles) == 1 else "articles"
    return (
        f"“{topic_title}” still holds {len(articles)} {noun} ({kinds}). Move them to another "
        "topic first: open each from the list below and choose a new topic."
    )


def _kind(state: str) -> str:
    # A live article with unpublished changes is, for counting, published.
    return "published" if state == "pending" else state


def delete_topic(topic: Topic, *, by: Author, now: datetime | None = None) -> None:
    """Hide an empty ``topic`` from readers and lists; its slug stays taken.

    A topic still holding articles, in any state, even deleted ones, raises
    TopicNotEmpty, naming them.
    """
    now = now or clock.now()
    held = queries.articles_held(topic)
    if held:
        raise TopicNotEmpty(topic.title, held, now)
    topic.deleted_at = now
    log.info("%s deleted topic %s", by.username, topic.slug)
    db.session.commit()
    cache.invalidate([cache.SITE_SCOPE, cache.PAGES_SCOPE, cache.topic_scope(topic.slug)])
