"""The write side: every change to topics and articles goes through here.

Each function validates, renders and cleans Markdown, keeps a revision of what
was written, stamps times, commits, and tells the feed cache what changed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
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
    ArticleRevision,
    Author,
    SlugRedirect,
    Topic,
    utc_now,
)
from .slugs import slug_problem, slugify

MAX_TITLE_LENGTH = 200
MAX_SUMMARY_LENGTH = 300
MAX_BODY_LENGTH = 200_000


# Characters XML cannot carry (feeds would break on them) and stray line ends.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
# Something a browser or feed reader could take for the start of an HTML tag.
_TAG_START = re.compile(r"<\s*[a-zA-Z!/?]")


@dataclass(frozen=True)
class ArticleInput:
    """What an author typed, before it is checked."""

    title: str
    summary: str
    body_markdown: str
    topic_id: int | None
    slug: str = ""

    def normalised(self) -> ArticleInput:
        """Return the input trimmed, with Unix line ends and no control characters."""

        def clean(text: str) -> str:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
            return _CONTROL_CHARACTERS.sub("", text)

        return ArticleInput(
            title=" ".join(clean(self.title).split()),
            summary=clean(self.summary).strip(),
            body_markdown=clean(self.body_markdown),
            topic_id=self.topic_id,
            slug=clean(self.slug).strip(),
        )

    @property
    def effective_slug(self) -> str:
        """The slug the author chose, or else one made from the title."""
        return self.slug or slugify(self.title)


@dataclass
class InvalidArticle(Exception):
    """The input cannot be saved; ``errors`` maps each field to what is wrong with it."""

    errors: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return "; ".join(f"{name}: {message}" for name, message in self.errors.items())


def article_problems(data: ArticleInput, article: Article | None = None) -> dict[str, str]:
    """Return, field by field, why normalised ``data`` cannot be saved (empty when it can)."""
    errors: dict[str, str] = {}
    title_problem = _plain_text_problem("title", data.title, MAX_TITLE_LENGTH)
    if not data.title:
        errors["title"] = "Enter a title."
    elif title_problem:
        errors["title"] = title_problem
    if summary_problem := _plain_text_problem("summary", data.summary, MAX_SUMMARY_LENGTH):
        errors["summary"] = summary_problem
    if len(data.body_markdown) > MAX_BODY_LENGTH:
        errors["body"] = (
            f"The body is {len(data.body_markdown):,} characters; "
            f"the most an article can hold is {MAX_BODY_LENGTH:,}."
        )
    if data.topic_id is None or db.session.get(Topic, data.topic_id) is None:
        errors["topic"] = "Choose one of the listed topics."
    if data.slug or data.title:
        slug = data.effective_slug
        problem = slug_problem(slug)
        if problem is None and _slug_taken(slug, article):
            problem = f"Another article already uses “{slug}”; choose another slug."
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


def save_article(
    data: ArticleInput,
    *,
    by: Author,
    article: Article | None = None,
    publish: bool,
    now: datetime | None = None,
) -> Article:
    """Create or update an article from ``data``, keeping a revision; raise InvalidArticle."""
    data = data.normalised()
    errors = article_problems(data, article)
    if errors:
        raise InvalidArticle(errors)
    now = now or utc_now()
    topic = db.session.get_one(Topic, data.topic_id)
    affected_topics = {topic.id}
    was_visible = article is not None and article.is_published
    if article is None:
        article = Article(author=by, created_at=now)
    else:
        affected_topics.add(article.topic_id)

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
    feeds_affected = publish or was_visible
    if feeds_affected:
        _stamp_feed_change(affected_topics, now)
    _record_revision(article, by, now)
    _commit(slug=new_slug)
    if feeds_affected:
        cache.feeds_changed(affected_topics)
    return article


def _stamp_feed_change(topic_ids: set[int], now: datetime) -> None:
    """Record, in the same commit, that these topics' feeds change now.

    The stamp only moves forward, so servers whose clocks disagree slightly can
    never send a poller an older Last-Modified than one it has already seen.
    """
    for topic_id in topic_ids:
        topic = db.session.get_one(Topic, topic_id)
        topic.feed_changed_at = max(topic.feed_changed_at, now)


def _commit_feed_change(topic_ids: set[int], now: datetime) -> None:
    """Commit a change that shows in these topics' feeds, and drop the cached feeds."""
    _stamp_feed_change(topic_ids, now)
    db.session.commit()
    cache.feeds_changed(topic_ids)


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


def _commit(*, slug: str) -> None:
    try:
        db.session.commit()
    except IntegrityError as error:
        # Two authors claimed the same slug at the same moment; the other save won.
        db.session.rollback()
        raise InvalidArticle(
            {"slug": f"Another article already uses “{slug}”; choose another slug."}
        ) from error


def restore_revision(
    article: Article, revision: ArticleRevision, *, by: Author, now: datetime | None = None
) -> Article:
    """Make ``revision``'s text current again, as a new revision; status is unchanged."""
    data = ArticleInput(
        title=revision.title,
        summary=revision.summary,
        body_markdown=revision.body_markdown,
        topic_id=revision.topic_id,
        slug=article.slug,
    )
    return save_article(data, by=by, article=article, publish=article.status == PUBLISHED, now=now)


def unpublish(article: Article, *, by: Author, now: datetime | None = None) -> None:
    """Take ``article`` off the site and out of the feeds, keeping it as a draft."""
    now = now or utc_now()
    article.status = DRAFT
    article.updated_at = now
    _record_revision(article, by, now)
    _commit_feed_change({article.topic_id}, now)


def delete(article: Article, *, now: datetime | None = None) -> None:
    """Hide ``article`` everywhere; an editor can undo it with ``undelete``."""
    now = now or utc_now()
    article.deleted_at = article.updated_at = now
    _commit_feed_change({article.topic_id}, now)


def undelete(article: Article, *, now: datetime | None = None) -> None:
    """Bring back a deleted article, with the status it had."""
    now = now or utc_now()
    article.deleted_at = None
    article.updated_at = now
    _commit_feed_change({article.topic_id}, now)


def create_topic(
    slug: str, title: str, intro_markdown: str, *, now: datetime | None = None
) -> Topic:
    """Create a topic whose intro is rendered and cleaned once, now."""
    problem = slug_problem(slug)
    if problem:
        raise ValueError(problem)
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
    cache.feeds_changed({topic.id})
    return topic


@dataclass(frozen=True)
class Preview:
    """How an article would look, rendered and cleaned exactly as a save would."""

    title: str
    summary: str
    body_html: str
    problems: dict[str, str]


def preview_article(data: ArticleInput, article: Article | None = None) -> Preview:
    """Render ``data`` for the author to check, saving nothing."""
    data = data.normalised()
    return Preview(
        title=data.title,
        summary=data.summary,
        body_html=render_markdown(data.body_markdown),
        problems=article_problems(data, article),
    )
