"""The write side of articles: every change to an article goes through here.

Every action on an article has the same shape, ``action(article, ..., *, by,
now=None)``, and leaves a record of who did what: an ``ArticleEvent`` row,
plus an ``ArticleRevision`` of the text whenever the text is saved. Each action
validates, renders and cleans Markdown, stamps times, commits, and then tells
the cache which feeds (and so which pages) changed. Topics have their own write side,
``blog.topics``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from flask import current_app, has_app_context
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from . import cache, clock, library, queries, search_index
from .content import render_markdown
from .extensions import db
from .models import (
    DRAFT,
    PUBLISHED,
    Article,
    ArticleEvent,
    ArticleRevision,
    Author,
    Media,
    SlugRedirect,
    Topic,
)
from .rules import (
    MAX_BODY_LENGTH,
    MAX_SUMMARY_LENGTH,
    MAX_TITLE_LENGTH,
    MAX_UPDATE_NOTE_LENGTH,
    InvalidInput,
    plain_text_problem,
)
from .slugs import slug_problem, slugify

# Characters XML cannot carry (feeds would break on them) and stray line ends.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
# What the record says when a material update reaches readers (at most 32 characters).
MATERIAL_UPDATE_ACTION = "published a material update"


@dataclass(frozen=True)
class ArticleInput:
    """What an author typed, before it is checked; named as the columns it fills."""

    title: str
    summary: str
    body_markdown: str
    topic_id: int | None
    slug: str = ""
    # An image from the library, shown above the article and in feeds; or none.
    lead_image_id: int | None = None

    def normalised(self) -> ArticleInput:
        """Return the input trimmed, with Unix line ends and no control characters."""
        return ArticleInput(
            title=" ".join(clean_typed_text(self.title).split()),
            summary=clean_typed_text(self.summary).strip(),
            body_markdown=clean_typed_text(self.body_markdown),
            topic_id=self.topic_id,
            slug=clean_typed_text(self.slug).strip(),
            lead_image_id=self.lead_image_id,
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
            lead_image_id=article.lead_image_id,
        )


def clean_typed_text(text: str) -> str:
    """Return ``text`` with Unix line ends and no characters a feed cannot carry."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL_CHARACTERS.sub("", text)


def article_problems(data: ArticleInput, article: Article | None = None) -> dict[str, str]:
    """Return, field by field, why normalised ``data`` cannot be saved (empty when it can)."""
    errors: dict[str, str] = {}
    if not data.title:
        errors["title"] = "Enter a title."
    elif title_problem := plain_text_problem("title", data.title, MAX_TITLE_LENGTH):
        errors["title"] = title_problem
    if summary_problem := plain_text_problem("summary", data.summary, MAX_SUMMARY_LENGTH):
        errors["summary"] = summary_problem
    if len(data.body_markdown) > MAX_BODY_LENGTH:
        errors["body_markdown"] = (
            f"The body is {len(data.body_markdown):,} characters; "
            f"the most an article can hold is {MAX_BODY_LENGTH:,}."
        )
    topic = db.session.get(Topic, data.topic_id) if data.topic_id is not None else None
    if topic is None or topic.deleted_at is not None:
        errors["topic_id"] = "Choose one of the listed topics."
    if data.lead_image_id is not None and library.media_or_none(data.lead_image_id) is None:
        errors["lead_image_id"] = "Choose one of the listed images, or no lead image."
    if data.slug or data.title:
        slug = data.effective_slug
        problem = slug_problem(slug)
        if problem is None and _slug_taken(slug, article):
            problem = _slug_taken_message(slug)
        if problem:
            errors["slug"] = problem
    return errors


def _slug_taken(slug: str, article: Article | None) -> bool:
    own_id = article.id if article is not None else None
    holder = db.session.scalar(select(Article.id).where(Article.slug == slug))
    if holder is not None and holder != own_id:
        return True
    # An old address of another article keeps redirecting; it is not free either.
    former = db.session.scalar(select(SlugRedirect.article_id).where(SlugRedirect.old_slug == slug))
    return former is not None and former != own_id


def _slug_taken_message(slug: str) -> str:
    # Whether a draft, a deleted article or an old address holds it is not the
    # writer's business: it may be another author's.
    return f"“{slug}” is already in use; choose another slug."


class ReviewRequired(InvalidInput):
    """Publishing refused: the site requires a medical review first, and there is none yet.

    The text itself is fine (it can be saved as a draft); what stands in the way is
    the article's state, so the browser gets 409 Conflict rather than 400.
    """


REVIEW_REQUIRED_MESSAGE = (
    "This site publishes only medically reviewed articles, and this one has not been "
    "reviewed yet. Save it as a draft and ask a clinical reviewer to review it; then publish."
)


def _review_required(article: Article | None, now: datetime) -> bool:
    """Whether publishing ``article`` now must wait for a medical review.

    Only a first appearance waits: changes to a page readers already see (a
    correction, a safety fix) are never held back by the rule.
    """
    if not (has_app_context() and current_app.config["REQUIRE_REVIEW_BEFORE_PUBLISHING"]):
        return False
    if article is not None and article.is_visible_at(now):
        return False
    return article is None or article.last_reviewed_at is None


@dataclass
class EditConflict(Exception):
    """Someone saved the article after the version a save was based on; nothing was saved."""

    latest: int


def save_article(
    article: Article | None,
    data: ArticleInput,
    *,
    by: Author,
    publish: bool,
    publish_at: datetime | None = None,
    based_on: int | None = None,
    material_update: str | None = None,
    now: datetime | None = None,
) -> Article:
    """Create (``article`` None) or update an article from ``data``.

    ``publish`` puts it before readers, at ``publish_at`` when given (scheduled),
    else now. Without ``publish``, a new or unpublished article is saved as a
    draft, and a live one keeps its live version while the new text waits as
    pending changes. ``based_on`` is the version the author started from: a
    save over a newer one raises EditConflict. ``material_update`` (not None)
    marks the edit as a material update with that note: readers see "Updated
    <date>: <note>" from the moment the edit reaches them (for pending changes,
    when they are published). Bad input raises InvalidInput.
    """
    data = data.normalised()
    now = now or clock.now()
    errors = article_problems(data, article)
    if material_update is not None:
        material_update = " ".join(clean_typed_text(material_update).split())
        errors.update(_material_update_problems(article, material_update, publish, now))
    if (
        publish
        and publish_at is not None
        and (problem := _schedule_problem(article, publish_at, now))
    ):
        errors["publish_at"] = problem
    if errors:
        raise InvalidInput(errors)
    if publish and _review_required(article, now):
        raise ReviewRequired({"review": REVIEW_REQUIRED_MESSAGE})
    if article is not None and based_on is not None:
        _refuse_if_stale(article, based_on)
    # Rendered before anything changes: a body with too much markup is refused
    # here, and pending changes are refused now, not when someone publishes them.
    body_html = render_markdown(data.body_markdown, images=library.resolve)
    if publish and (problem := library.missing_image_problem(body_html)):
        # Deleted from the library since the text was written: readers would see it broken.
        raise InvalidInput({"body_markdown": problem})
    if article is not None and not publish and article.is_visible_at(now):
        return _save_pending(article, data, by=by, now=now, material_update=material_update)

    topic = db.session.get_one(Topic, data.topic_id)
    was_visible = article is not None and article.is_visible_at(now)
    feeds = {topic} if article is None else {topic, article.topic}
    if article is None:
        article = Article(author=by, created_at=now)
    _apply_text(article, data, topic, body_html)
    action = _set_publication(article, publish=publish, publish_at=publish_at, now=now)
    article.updated_at = now
    if material_update:
        # Only a typo fix leaves these alone: the date readers and feeds see moves.
        article.last_material_update_at = now
        article.material_update_note = material_update
        db.session.add(
            ArticleEvent(article_id=article.id, action=MATERIAL_UPDATE_ACTION, by_id=by.id,
                         created_at=now)
        )  # fmt: skip

    # Added only now, complete: an autoflush must never see a half-built article.
    db.session.add(article)
    _record_revision(article, data, by, now, material_update=material_update)
    _finish(
        article,
        action,
        by=by,
        now=now,
        feeds=feeds if publish or was_visible else (),
        stamp=was_visible or article.is_visible_at(now),
    )
    return article


def _apply_text(article: Article, data: ArticleInput, topic: Topic, body_html: str) -> None:
    new_slug = data.effective_slug
    if article.slug and article.slug != new_slug:
        _move_slug(article, article.slug, new_slug)
    article.slug = new_slug
    article.title = data.title
    article.summary = data.summary
    article.body_markdown = data.body_markdown
    article.body_html = body_html
    article.topic = topic
    article.lead_image_id = data.lead_image_id
    # Whatever was pending is now either live or the current draft.
    article.pending_revision = None


def _set_publication(
    article: Article, *, publish: bool, publish_at: datetime | None, now: datetime
) -> str:
    """Set the status and publication time; return the action to record."""
    has_appeared = article.published_at is not None and article.published_at <= now
    if not publish:
        article.status = DRAFT
        if not has_appeared:
            # A scheduled article taken back to draft was never seen: no date to keep.
            article.published_at = None
        return "saved as a draft"
    article.status = PUBLISHED
    if publish_at is not None:
        article.published_at = publish_at
        return "scheduled"
    if not has_appeared:
        article.published_at = now
    return "published"


def _schedule_problem(article: Article | None, publish_at: datetime, now: datetime) -> str | None:
    if publish_at <= now:
        return "That time has already passed. Choose a later time, or publish now."
    if article is not None and article.published_at is not None and article.published_at <= now:
        # Its feed id and date are fixed from its first appearance.
        return "This article has already been published, so it cannot be scheduled; publish it now."
    return None


def _refuse_if_stale(article: Article, based_on: int) -> None:
    latest = queries.latest_revision_number(article)
    if latest != based_on:
        raise EditConflict(latest=latest)


def _material_update_problems(
    article: Article | None, note: str, publish: bool, now: datetime
) -> dict[str, str]:
    """Return why this save cannot be a material update with ``note`` (empty when it can)."""
    has_appeared = (
        article is not None and article.published_at is not None and article.published_at <= now
    )
    if not has_appeared or not (publish or (article is not None and article.is_visible_at(now))):
        return {
            "material_update": "Only an article readers can already see can have a material "
            "update: publish it first, or untick the box."
        }
    if not note:
        return {
            "material_update_note": "Say in a few words what changed; readers see it as "
            "“Updated <date>: …”."
        }
    if problem := plain_text_problem("note", note, MAX_UPDATE_NOTE_LENGTH):
        return {"material_update_note": problem}
    return {}


def _save_pending(
    article: Article,
    data: ArticleInput,
    *,
    by: Author,
    now: datetime,
    material_update: str | None = None,
) -> Article:
    """Keep ``data`` as the article's pending changes; what readers see stays as it is.

    A material update's note waits with them, on their revision.
    """
    revision = _record_revision(
        article, data, by, now, status=DRAFT, material_update=material_update
    )
    article.pending_revision = revision.number
    _finish(article, "saved changes to publish later", by=by, now=now, feeds=())
    return article


def pending_text(article: Article) -> ArticleRevision | None:
    """Return the revision holding ``article``'s pending changes, if it has any."""
    if article.pending_revision is None:
        return None
    return db.session.scalar(
        select(ArticleRevision).where(
            ArticleRevision.article_id == article.id,
            ArticleRevision.number == article.pending_revision,
        )
    )


def publish_pending(article: Article, *, by: Author, now: datetime | None = None) -> Article:
    """Put ``article``'s pending changes before readers."""
    pending = pending_text(article)
    if pending is None:
        raise InvalidInput({"pending": "This article has no changes waiting to be published."})
    return save_article(
        article,
        ArticleInput.of(pending),
        by=by,
        publish=True,
        material_update=pending.material_update_note,
        now=now,
    )


def discard_pending(article: Article, *, by: Author, now: datetime | None = None) -> None:
    """Forget ``article``'s pending changes; they stay in its history."""
    now = now or clock.now()
    article.pending_revision = None
    _finish(article, "discarded pending changes", by=by, now=now, feeds=())


def restore_revision(
    article: Article, revision: ArticleRevision, *, by: Author, now: datetime | None = None
) -> Article:
    """Make ``revision``'s text current again, as a new revision; status is unchanged."""
    # The current address stays: an old version's slug is an old address.
    data = replace(ArticleInput.of(revision), slug=article.slug)
    return save_article(article, data, by=by, publish=article.status == PUBLISHED, now=now)


def unpublish(article: Article, *, by: Author, now: datetime | None = None) -> None:
    """Take ``article`` off the site and out of the feeds (or off the schedule), as a draft."""
    now = now or clock.now()
    _set_publication(article, publish=False, publish_at=None, now=now)
    article.updated_at = now
    _finish(article, "unpublished", by=by, now=now, feeds={article.topic})


def delete(article: Article, *, by: Author, now: datetime | None = None) -> None:
    """Hide ``article`` everywhere; an editor can undo it with ``undelete``."""
    now = now or clock.now()
    article.deleted_at = article.updated_at = now
    _finish(article, "deleted", by=by, now=now, feeds={article.topic})


def undelete(article: Article, *, by: Author, now: datetime | None = None) -> None:
    """Bring back a deleted article, with the status it had."""
    now = now or clock.now()
    article.deleted_at = None
    article.updated_at = now
    _finish(article, "brought back", by=by, now=now, feeds={article.topic})


def _finish(
    article: Article,
    action: str,
    *,
    by: Author,
    now: datetime,
    feeds: Iterable[Topic],
    stamp: bool = True,
) -> None:
    """Record ``action``, commit, and drop the cached ``feeds``; ``stamp`` them as changed now.

    A feed is stamped only when what it shows changes now; a scheduled article
    changes its feeds later (their Last-Modified is then its publication time),
    but the cached feeds are dropped at once, to be rebuilt knowing when it is due.
    """
    feeds = set(feeds)
    db.session.add(ArticleEvent(article_id=article.id, action=action, by_id=by.id, created_at=now))
    for topic in feeds if stamp else ():
        # Only forward, so servers whose clocks disagree slightly never send a
        # poller an older Last-Modified than one it has already seen.
        topic.feed_changed_at = max(topic.feed_changed_at, now)
    scopes = [
        cache.SITE_SCOPE,
        cache.PAGES_SCOPE,
        *(cache.topic_scope(topic.slug) for topic in feeds),
    ]
    slug = article.slug
    try:
        # In the same transaction: what search finds is always what readers see.
        search_index.update(article)
        db.session.commit()
    except IntegrityError as error:
        db.session.rollback()
        if _slug_taken(slug, article):
            # Two authors claimed the same slug at the same moment; the other save won.
            raise InvalidInput({"slug": _slug_taken_message(slug)}) from error
        if article.id is not None and db.session.get(Article, article.id) is not None:
            # Two saves of one article took the same version number; the other won.
            raise EditConflict(latest=queries.latest_revision_number(article)) from error
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


def _record_revision(
    article: Article,
    data: ArticleInput,
    by: Author,
    now: datetime,
    *,
    status: str | None = None,
    material_update: str | None = None,
) -> ArticleRevision:
    db.session.flush()
    revision = ArticleRevision(
        article_id=article.id,
        number=queries.latest_revision_number(article) + 1,
        title=data.title,
        slug=data.effective_slug,
        summary=data.summary,
        body_markdown=data.body_markdown,
        status=status or article.status,
        topic_id=data.topic_id,
        material_update_note=material_update or None,
        lead_image_id=data.lead_image_id,
        saved_by_id=by.id,
        created_at=now,
    )
    db.session.add(revision)
    return revision


@dataclass(frozen=True)
class Preview:
    """How an article would look, rendered and cleaned exactly as a save would."""

    title: str
    summary: str
    body_html: str
    problems: dict[str, str]
    lead_image: Media | None = None


def preview_article(article: Article | None, data: ArticleInput) -> Preview:
    """Render ``data`` for the author to check, saving nothing."""
    data = data.normalised()
    problems = article_problems(data, article)
    body_html = ""
    # A body over the limit is not rendered at all: its problem says why.
    if "body_markdown" not in problems:
        try:
            body_html = render_markdown(data.body_markdown, images=library.resolve)
        except InvalidInput as invalid:
            problems.update(invalid.errors)
    lead_image = library.media_or_none(data.lead_image_id) if data.lead_image_id else None
    return Preview(
        title=data.title,
        summary=data.summary,
        body_html=body_html,
        problems=problems,
        lead_image=lead_image,
    )
