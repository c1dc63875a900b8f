"""The write side: every change to topics and articles goes through here.

Every action on an article has the same shape, ``action(article, ..., *, by,
now=None)``, and leaves a record of who did what: an ``ArticleEvent`` row,
plus an ``ArticleRevision`` of the text whenever the text is saved. Each action
validates, renders and cleans Markdown, stamps times, commits, and then tells
the feed cache which feeds changed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from . import cache
from .content import render_markdown
from .extensions import db
from .models import (
    DRAFT,
    PUBLISHED,
    Article,
    ArticleEvent,
    ArticleRevision,
    Author,
    SlugRedirect,
    Topic,
    utc_now,
)
from .rules import MAX_BODY_LENGTH, MAX_SUMMARY_LENGTH, MAX_TITLE_LENGTH, InvalidInput
from .slugs import slug_problem, slugify

# Characters XML cannot carry (feeds would break on them) and stray line ends.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
# Something a browser or feed reader could take for the start of an HTML tag.
_TAG_START = re.compile(r"<\s*[a-zA-Z!/?]")


@dataclass(frozen=True)
class ArticleInput:
    """What an author typed, before it is checked; named as the columns it fills."""

    title: str
    summary: str
    body_markdown: str
    topic_id: int | None
    slug: str = ""

    def normalised(self) -> ArticleInput:
        """Return the input trimmed, with Unix line ends and no control characters."""
        return ArticleInput(
            title=" ".join(_clean(self.title).split()),
            summary=_clean(self.summary).strip(),
            body_markdown=_clean(self.body_markdown),
            topic_id=self.topic_id,
            slug=_clean(self.slug).strip(),
        )

    @property
    def effective_slug(self) -> str:
        """The slug the author chose, or else one made from the title."""
        return self.slug or slugify(self.title)

    @classmethod
    def of(cls, article: Article | ArticleRevision) -> ArticleInput:
        """Return what an author would type to get ``article`` (or a version of it) back."""
        return cls(
            title=article.title,
            summary=article.summary,
            body_markdown=article.body_markdown,
            topic_id=article.topic_id,
            slug=article.slug,
        )


def _clean(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL_CHARACTERS.sub("", text)


def article_problems(data: ArticleInput, article: Article | None = None) -> dict[str, str]:
    """Return, field by field, why normalised ``data`` cannot be saved (empty when it can)."""
    errors: dict[str, str] = {}
    if not data.title:
        errors["title"] = "Enter a title."
    elif title_problem := _plain_text_problem("title", data.title, MAX_TITLE_LENGTH):
        errors["title"] = title_problem
    if summary_problem := _plain_text_problem("summary", data.summary, MAX_SUMMARY_LENGTH):
        errors["summary"] = summary_problem
    if len(data.body_markdown) > MAX_BODY_LENGTH:
        errors["body_markdown"] = (
            f"The body is {len(data.body_markdown):,} characters; "
            f"the most an article can hold is {MAX_BODY_LENGTH:,}."
        )
    if data.topic_id is None or db.session.get(Topic, data.topic_id) is None:
        errors["topic_id"] = "Choose one of the listed topics."
    if data.slug or data.title:
        slug = data.effective_slug
        problem = slug_problem(slug)
        if problem is None and _slug_taken(slug, article):
            problem = _slug_taken_message(slug)
        if problem:
            errors["slug"] = problem
    return errors


def _plain_text_problem(name: str, text: str, limit: int) -> str | None:
    if len(text) > limit:
        return f"Keep the {name} to {limit} characters or fewer (it has {len(text)})."
    if _TAG_START.search(text):
        return f"A {name} is plain text: remove the HTML tag from it."
    return None


def _slug_taken(slug: str, article: Article | None) -> bool:
    own_id = article.id if article is not None else None
    holder = db.session.scalar(select(Article.id).where(Article.slug == slug))
    if holder is not None and holder != own_id:
        return True
    # An old address of another article keeps redirecting; it is not free either.
    former = db.session.scalar(select(SlugRedirect.article_id).where(SlugRedirect.old_slug == slug))
    return former is not None and former != own_id


def _slug_taken_message(slug: str) -> str:
    return f"Another article already uses “{slug}”; choose another slug."


def save_article(
    article: Article | None,
    data: ArticleInput,
    *,
    by: Author,
    publish: bool,
    now: datetime | None = None,
) -> Article:
    """Create (``article`` None) or update an article from ``data``; raise InvalidInput."""
    data = data.normalised()
    if errors := article_problems(data, article):
        raise InvalidInput(errors)
    now = now or utc_now()
    topic = db.session.get_one(Topic, data.topic_id)
    was_visible = article is not None and article.is_visible
    feeds = {topic} if article is None else {topic, article.topic}
    if article is None:
        article = Article(author=by, created_at=now)

    new_slug = data.effective_slug
    if article.slug and article.slug != new_slug:
        _move_slug(article, article.slug, new_slug)
    article.slug = new_slug
    article.title = data.title
    article.summary = data.summary
    article.body_markdown = data.body_markdown
    article.body_html = render_markdown(data.body_markdown)
    article.topic = topic
    article.status = PUBLISHED if publish else DRAFT
    if publish and article.published_at is None:
        article.published_at = now
    article.updated_at = now

    # Added only now, complete: an autoflush must never see a half-built article.
    db.session.add(article)
    _record_revision(article, by, now)
    action = "published" if publish else "saved as a draft"
    _finish(article, action, by=by, now=now, feeds=feeds if publish or was_visible else ())
    return article


def restore_revision(
    article: Article, revision: ArticleRevision, *, by: Author, now: datetime | None = None
) -> Article:
    """Make ``revision``'s text current again, as a new revision; status is unchanged."""
    # The current address stays: an old version's slug is an old address.
    data = replace(ArticleInput.of(revision), slug=article.slug)
    return save_article(article, data, by=by, publish=article.status == PUBLISHED, now=now)


def unpublish(article: Article, *, by: Author, now: datetime | None = None) -> None:
    """Take ``article`` off the site and out of the feeds, keeping it as a draft."""
    now = now or utc_now()
    article.status = DRAFT
    article.updated_at = now
    _finish(article, "unpublished", by=by, now=now, feeds={article.topic})


def delete(article: Article, *, by: Author, now: datetime | None = None) -> None:
    """Hide ``article`` everywhere; an editor can undo it with ``undelete``."""
    now = now or utc_now()
    article.deleted_at = article.updated_at = now
    _finish(article, "deleted", by=by, now=now, feeds={article.topic})


def undelete(article: Article, *, by: Author, now: datetime | None = None) -> None:
    """Bring back a deleted article, with the status it had."""
    now = now or utc_now()
    article.deleted_at = None
    article.updated_at = now
    _finish(article, "brought back", by=by, now=now, feeds={article.topic})


def _finish(
    article: Article, action: str, *, by: Author, now: datetime, feeds: Iterable[Topic]
) -> None:
    """Record ``action``, stamp the feeds it changes, commit, and drop those cached feeds."""
    feeds = set(feeds)
    db.session.add(ArticleEvent(article_id=article.id, action=action, by_id=by.id, created_at=now))
    for topic in feeds:
        # Only forward, so servers whose clocks disagree slightly never send a
        # poller an older Last-Modified than one it has already seen.
        topic.feed_changed_at = max(topic.feed_changed_at, now)
    scopes = [cache.SITE_SCOPE, *(cache.topic_scope(topic.slug) for topic in feeds)]
    slug = article.slug
    try:
        db.session.commit()
    except IntegrityError as error:
        db.session.rollback()
        if _slug_taken(slug, article):
            # Two authors claimed the same slug at the same moment; the other save won.
            raise InvalidInput({"slug": _slug_taken_message(slug)}) from error
        raise
    if feeds:
        cache.invalidate(scopes)


def _move_slug(article: Article, old_slug: str, new_slug: str) -> None:
    """Keep the old address answering, and reclaim the new one if it was ours before."""
    reclaimed = db.session.scalar(
        select(SlugRedirect).where(
            SlugRedirect.old_slug == new_slug, SlugRedirect.article_id == article.id
        )
    )
    if reclaimed is not None:
        db.session.delete(reclaimed)
    db.session.add(SlugRedirect(old_slug=old_slug, article=article))


def _record_revision(article: Article, by: Author, now: datetime) -> ArticleRevision:
    db.session.flush()
    last = db.session.scalar(
        select(func.max(ArticleRevision.number)).where(ArticleRevision.article_id == article.id)
    )
    revision = ArticleRevision(
        article_id=article.id,
        number=(last or 0) + 1,
        title=article.title,
        slug=article.slug,
        summary=article.summary,
        body_markdown=article.body_markdown,
        status=article.status,
        topic_id=article.topic_id,
        saved_by_id=by.id,
        created_at=now,
    )
    db.session.add(revision)
    return revision


def create_topic(
    slug: str, title: str, intro_markdown: str, *, now: datetime | None = None
) -> Topic:
    """Create a topic whose intro is rendered and cleaned once, now; raise InvalidInput."""
    if problem := slug_problem(slug):
        raise InvalidInput({"slug": problem})
    now = now or utc_now()
    topic = Topic(
        slug=slug,
        title=title,
        intro_markdown=intro_markdown,
        intro_html=render_markdown(intro_markdown),
        created_at=now,
        feed_changed_at=now,
    )
    db.session.add(topic)
    db.session.commit()
    cache.invalidate([cache.SITE_SCOPE, cache.topic_scope(slug)])
    return topic


@dataclass(frozen=True)
class Preview:
    """How an article would look, rendered and cleaned exactly as a save would."""

    title: str
    summary: str
    body_html: str
    problems: dict[str, str]


def preview_article(article: Article | None, data: ArticleInput) -> Preview:
    """Render ``data`` for the author to check, saving nothing."""
    data = data.normalised()
    problems = article_problems(data, article)
    body_html = ""
    # A body over the limit is not rendered at all: its problem says why.
    if "body_markdown" not in problems:
        try:
            body_html = render_markdown(data.body_markdown)
        except InvalidInput as invalid:
            problems.update(invalid.errors)
    return Preview(title=data.title, summary=data.summary, body_html=body_html, problems=problems)
