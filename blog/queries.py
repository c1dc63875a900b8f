"""The read side: what readers, feed pollers and authors are shown, as selects or lookups.

What readers may see is decided by one rule, ``Article.is_visible_at``, applied
at ``clock.now()``; every reader-facing query here starts from ``visible_articles``.
"""

from dataclasses import dataclass
from datetime import datetime

from flask import abort
from sqlalchemy import Row, Select, and_, exists, func, or_, select, tuple_
from sqlalchemy.orm import joinedload

from . import clock
from . import search as full_text
from .extensions import db
from .models import (
    PUBLISHED,
    Article,
    ArticleEvent,
    ArticleRevision,
    Author,
    SlugRedirect,
    Topic,
    TopicRevision,
    TopicSlugRedirect,
)


def visible_articles(at: datetime | None = None) -> Select[Article]:
    """Select every article a reader may see now, newest first.

    ``at``, a moment already past, selects what readers may see now that had
    appeared by then: only the limit on publication times differs.
    """
    return (
        select(Article)
        .where(Article.is_visible_at(at or clock.now()))
        .order_by(Article.published_at.desc(), Article.id.desc())
    )


def search(query: str, *, page: int, per_page: int) -> full_text.Results:
    """Return page ``page`` of the visible articles matching what a reader typed, best first.

    Never fails on what was typed: it is read by ``search.parse``, never passed on
    as query syntax. Glossary synonyms are read now, so an edit to them counts at once.
    """
    parsed = full_text.parse(query)
    if parsed.searchable:
        parsed = full_text.expand(parsed, full_text.synonyms_now())
    return full_text.run(parsed, page=page, per_page=per_page, now=clock.now())


def topic_articles(topic: Topic, at: datetime | None = None) -> Select[Article]:
    """Select the articles of ``topic`` a reader may see, newest first (``at``: see above)."""
    return visible_articles(at).where(Article.topic_id == topic.id)


def newest_articles(limit: int, topic: Topic | None = None) -> list[Article]:
    """Return the ``limit`` newest visible articles, of one topic or of the whole site."""
    selection = topic_articles(topic) if topic is not None else visible_articles()
    return list(db.session.scalars(selection.limit(limit)))


@dataclass(frozen=True)
class TopicPage:
    """One window of a topic's listing, newest first, with where its links lead.

    Pages are found by keyset, not by number: a page lists the articles older
    than the one named in its address (``before``), so building any page costs
    the same however many articles the topic holds, and no page counts them.
    """

    articles: list[Article]
    # The article this page lists what is older than; None on the newest page.
    before: int | None
    # ``before`` of the older page; None on the oldest.
    older: int | None
    # ``before`` of the newer page; None when that page is the newest one (or this is).
    newer: int | None

    @property
    def is_newest(self) -> bool:
        return self.before is None


@dataclass(frozen=True)
class ListedElsewhere:
    """An address's place is not a guide listed in the topic now: ``before`` lists the same."""

    # None: the topic's newest page.
    before: int | None


Place = tuple[datetime, int]


def _listing_place(topic: Topic, article_id: int) -> tuple[Place, bool] | None:
    """Return where an article stands in listings, and whether ``topic`` lists it now.

    None if it has never been published by now. An article unpublished, deleted or
    moved since an address named it keeps its place in time, so the address can
    be sent on to the page listing the same guides.
    """
    now = clock.now()
    listed_here = and_(Article.topic_id == topic.id, Article.is_visible_at(now))
    found = db.session.execute(
        select(Article.published_at, Article.id, listed_here).where(
            Article.id == article_id, Article.published_at <= now
        )
    ).one_or_none()
    if found is None:
        return None
    published_at, found_id, is_listed = found
    assert published_at is not None  # chosen by it
    return (published_at, found_id), bool(is_listed)


def listed_below(topic: Topic, place: Place) -> Select[Article]:
    """Select ``topic``'s visible articles listed below ``place`` (a time and an id), newest first.

    Limited by the place's time rather than now (the same articles, as the place
    has appeared): with one upper bound SQLite starts its index search at the
    place instead of walking down to it from the newest (0.5 ms, not 13, at 100,000).
    """
    return topic_articles(topic, at=place[0]).where(
        tuple_(Article.published_at, Article.id) < place
    )


def listed_above(topic: Topic, place: Place) -> Select[int]:
    """Select the ids of ``topic``'s visible articles listed above ``place``, oldest first."""
    return (
        topic_articles(topic)
        .with_only_columns(Article.id)
        .where(tuple_(Article.published_at, Article.id) > place)
        .order_by(None)
        .order_by(Article.published_at, Article.id)
    )


def topic_page(topic: Topic, *, before: int | None, per_page: int) -> TopicPage | ListedElsewhere:
    """Return the ``per_page`` articles of ``topic`` older than article ``before`` (None: newest).

    Only a guide the topic lists names a page, so there are never more pages than
    guides. Any other article that has been published gives ``ListedElsewhere``,
    the guide that now heads its place. Aborts with 404 when ``before`` names no
    article that has been published, or nothing of the topic is older than it (no
    link leads there).
    """
    listing = topic_articles(topic)
    if before is not None:
        found = _listing_place(topic, before)
        if found is None:
            abort(404)
        place, is_listed = found
        listing = listed_below(topic, place)
        if not is_listed:
            if db.session.scalar(listing.with_only_columns(Article.id).limit(1)) is None:
                abort(404)
            return ListedElsewhere(db.session.scalar(listed_above(topic, place).limit(1)))
    rows = list(db.session.scalars(listing.limit(per_page + 1)))
    if before is not None and not rows:
        abort(404)
    shown = rows[:per_page]
    older = shown[-1].id if len(rows) > per_page else None
    newer = _newer_page(topic, shown[0], per_page) if before is not None else None
    return TopicPage(articles=shown, before=before, older=older, newer=newer)


def _newer_page(topic: Topic, first: Article, per_page: int) -> int | None:
    """Return ``before`` of the page of ``per_page`` articles just newer than ``first``.

    Read upwards from ``first``: the article one past that page is its ``before``;
    with no such article the newer page is the topic's newest.
    """
    assert first.published_at is not None  # it is listed
    upwards = listed_above(topic, (first.published_at, first.id))
    return db.session.scalar(upwards.offset(per_page).limit(1))


def legacy_page_start(topic: Topic, page: int, per_page: int) -> int | None:
    """Return ``before`` for what was page ``page`` of ``topic`` when pages had numbers.

    Only for old ``?page=N`` addresses, which are sent on to their keyset page: this
    walks the listing up to that page, as numbered pages always did. None past
    the end.
    """
    ids = topic_articles(topic).with_only_columns(Article.id)
    window = list(db.session.scalars(ids.offset((page - 1) * per_page - 1).limit(2)))
    return window[0] if len(window) == 2 else None


def _live_topics() -> Select[Topic]:
    """Select the topics not deleted, in the order editors set."""
    return select(Topic).where(Topic.deleted_at.is_(None)).order_by(Topic.position, Topic.id)


def all_topics() -> list[Topic]:
    """Return every topic not deleted, in the order editors set: for authors and editors."""
    return list(db.session.scalars(_live_topics()))


def listed_topics() -> list[Topic]:
    """Return the topics readers are shown a link to: those with an article they may see.

    One query: the EXISTS is answered from the topic listing index.
    """
    has_visible_article = exists().where(
        Article.topic_id == Topic.id, Article.is_visible_at(clock.now())
    )
    return list(db.session.scalars(_live_topics().where(has_visible_article)))


def topics_with_counts() -> list[Row[tuple[Topic, int, int]]]:
    """Return each topic not deleted, in order, with how many articles it holds and shows."""
    visible = func.count(Article.id).filter(Article.is_visible_at(clock.now()))
    selection = (
        _live_topics()
        .outerjoin(Article, Article.topic_id == Topic.id)
        .group_by(Topic.id)
        .add_columns(func.count(Article.id), visible)
    )
    return list(db.session.execute(selection))  # type: ignore[arg-type]


def live_topic(slug: str) -> Topic | None:
    """Return the topic at ``slug`` unless there is none or it was deleted."""
    return db.session.scalar(select(Topic).where(Topic.slug == slug, Topic.deleted_at.is_(None)))


def topic_or_404(slug: str) -> Topic:
    """Return the topic at ``slug`` or abort with 404 (a deleted topic is not there)."""
    return db.one_or_404(select(Topic).where(Topic.slug == slug, Topic.deleted_at.is_(None)))


def moved_topic_slug(old_slug: str) -> str | None:
    """Return the current slug of a topic that used to live at ``old_slug``."""
    return db.session.scalar(
        select(Topic.slug)
        .join(TopicSlugRedirect, TopicSlugRedirect.topic_id == Topic.id)
        .where(TopicSlugRedirect.old_slug == old_slug, Topic.deleted_at.is_(None))
    )


def articles_held(topic: Topic) -> list[Article]:
    """Return every article in ``topic`` whatever its state, deleted ones too, by title."""
    selection = select(Article).where(Article.topic_id == topic.id).order_by(Article.title)
    return list(db.session.scalars(selection))


def latest_topic_revision_number(topic: Topic) -> int:
    """Return the number of ``topic``'s newest version (0 before its first save)."""
    number = db.session.scalar(
        select(func.max(TopicRevision.number)).where(TopicRevision.topic_id == topic.id)
    )
    return number or 0


def topic_revisions(topic: Topic) -> list[TopicRevision]:
    """Return every saved version of ``topic``, newest first."""
    selection = (
        select(TopicRevision)
        .where(TopicRevision.topic_id == topic.id)
        .options(joinedload(TopicRevision.saved_by))
        .order_by(TopicRevision.number.desc())
    )
    return list(db.session.scalars(selection))


def topic_revision_or_404(topic: Topic, number: int) -> TopicRevision:
    """Return version ``number`` of ``topic`` or abort with 404."""
    return db.one_or_404(
        select(TopicRevision).where(
            TopicRevision.topic_id == topic.id, TopicRevision.number == number
        )
    )


def visible_article(slug: str) -> Article | None:
    """Return the article a reader may see at ``slug``, if there is one."""
    return db.session.scalars(visible_articles().where(Article.slug == slug)).first()


def moved_article_slug(old_slug: str) -> str | None:
    """Return the current slug of a visible article that used to live at ``old_slug``."""
    return db.session.scalar(
        select(Article.slug)
        .join(SlugRedirect, SlugRedirect.article_id == Article.id)
        .where(SlugRedirect.old_slug == old_slug, Article.is_visible_at(clock.now()))
    )


def next_scheduled_publication() -> datetime | None:
    """Return when the next scheduled article appears to readers (None: none is waiting).

    Anything cached about what readers see must expire by then.
    """
    return db.session.scalar(
        select(func.min(Article.published_at)).where(
            Article.status == PUBLISHED,
            Article.deleted_at.is_(None),
            Article.published_at > clock.now(),
        )
    )


def site_feed_changed_at() -> datetime | None:
    """Return when any feed last changed: the newest topic stamp (None: no topics yet)."""
    return db.session.scalar(select(func.max(Topic.feed_changed_at)))


def listing_changed_at(topic: Topic | None = None) -> datetime | None:
    """Return when a topic's listing (or, without one, the site's) last changed.

    The write side stamps each change on the topic; a scheduled article changes
    its listings later, when it appears, so its publication time counts too.
    """
    stamp = topic.feed_changed_at if topic is not None else site_feed_changed_at()
    listing = topic_articles(topic) if topic is not None else visible_articles()
    # Newest first: the first row is the latest to appear, read from the listing index.
    appeared = db.session.scalar(listing.with_only_columns(Article.published_at).limit(1))
    return max((moment for moment in (stamp, appeared) if moment is not None), default=None)


def sitemap_articles(limit: int) -> list[Row[tuple[str, datetime]]]:
    """Return the slug and last change of up to ``limit`` visible articles."""
    selection = visible_articles().with_only_columns(Article.slug, Article.updated_at)
    return list(db.session.execute(selection.limit(limit)))


def sitemap_people() -> list[str]:
    """Return the usernames whose profile pages readers are led to: active, with a visible byline
    or a visible review.
    """
    visible = Article.is_visible_at(clock.now())
    wrote = exists().where(Article.author_id == Author.id, visible)
    reviewed = exists().where(Article.reviewer_id == Author.id, visible)
    selection = (
        select(Author.username)
        .where(Author.is_active.is_(True), or_(wrote, reviewed))
        .order_by(Author.username)
    )
    return list(db.session.scalars(selection))


def article_or_404(slug: str, *, include_deleted: bool = False) -> Article:
    """Return the article at ``slug`` whatever its status (for authors' screens), or 404."""
    selection = select(Article).where(Article.slug == slug)
    if not include_deleted:
        selection = selection.where(Article.deleted_at.is_(None))
    return db.one_or_404(selection)


def dashboard_articles(author: Author) -> list[Article]:
    """Return the articles an author may work on, most recently changed first."""
    selection = (
        select(Article)
        .where(Article.deleted_at.is_(None))
        .order_by(Article.updated_at.desc(), Article.id.desc())
    )
    if not author.is_editor:
        selection = selection.where(Article.author_id == author.id)
    return list(db.session.scalars(selection))


def deleted_articles() -> list[Article]:
    """Return deleted articles, most recently deleted first, for editors to restore."""
    selection = (
        select(Article).where(Article.deleted_at.is_not(None)).order_by(Article.deleted_at.desc())
    )
    return list(db.session.scalars(selection))


def revision_or_404(article: Article, number: int) -> ArticleRevision:
    """Return version ``number`` of ``article`` or abort with 404."""
    return db.one_or_404(
        select(ArticleRevision).where(
            ArticleRevision.article_id == article.id, ArticleRevision.number == number
        )
    )


def latest_revision_number(article: Article) -> int:
    """Return the number of ``article``'s newest version (0 before its first save)."""
    number = db.session.scalar(
        select(func.max(ArticleRevision.number)).where(ArticleRevision.article_id == article.id)
    )
    return number or 0


def revisions(article: Article) -> list[ArticleRevision]:
    """Return every saved version of ``article``, newest first."""
    selection = (
        select(ArticleRevision)
        .where(ArticleRevision.article_id == article.id)
        .options(joinedload(ArticleRevision.saved_by))
        .order_by(ArticleRevision.number.desc())
    )
    return list(db.session.scalars(selection))


def events(article: Article) -> list[ArticleEvent]:
    """Return what was done to ``article``, and by whom, newest first."""
    selection = (
        select(ArticleEvent)
        .where(ArticleEvent.article_id == article.id)
        .options(joinedload(ArticleEvent.by))
        .order_by(ArticleEvent.id.desc())
    )
    return list(db.session.scalars(selection))


def profile_or_404(username: str) -> Author:
    """Return the active account with the normalised ``username``, or abort with 404.

    A deactivated account has no public profile; its articles keep their byline.
    """
    return db.one_or_404(
        select(Author).where(Author.username == username, Author.is_active.is_(True))
    )


def articles_written_by(author: Author) -> list[Article]:
    """Return the articles by ``author`` a reader may see, newest first."""
    return list(db.session.scalars(visible_articles().where(Article.author_id == author.id)))


def articles_reviewed_by(author: Author) -> list[Article]:
    """Return the articles a reader may see whose current medical reviewer is ``author``."""
    return list(db.session.scalars(visible_articles().where(Article.reviewer_id == author.id)))


def clinical_reviewers() -> list[Author]:
    """Return the active accounts that may be recorded as medical reviewers, by name."""
    selection = (
        select(Author)
        .where(Author.is_clinical_reviewer.is_(True), Author.is_active.is_(True))
        .order_by(Author.display_name, Author.id)
    )
    return list(db.session.scalars(selection))


def _reviewable_articles() -> Select[Article]:
    return select(Article).where(Article.deleted_at.is_(None)).options(joinedload(Article.reviewer))


def reviews_due_by(moment: datetime) -> list[Article]:
    """Return the articles not deleted whose next review falls due by ``moment``, soonest first.

    Overdue ones come first, since their due dates are the earliest.
    """
    selection = (
        _reviewable_articles()
        .where(Article.next_review_due <= moment)
        .order_by(Article.next_review_due, Article.id)
    )
    return list(db.session.scalars(selection))


def never_reviewed() -> list[Article]:
    """Return the articles not deleted that have never been medically reviewed.

    Published ones first, longest on the site first; then drafts, newest saved first.
    """
    selection = (
        _reviewable_articles()
        .where(Article.last_reviewed_at.is_(None))
        .order_by(
            Article.status.desc(),
            Article.published_at.asc(),
            Article.updated_at.desc(),
            Article.id,
        )
    )
    return list(db.session.scalars(selection))


def changed_since_review() -> set[int]:
    """Return the ids of reviewed articles with a version saved after their last review.

    One query for a whole dashboard: a pending change counts, since it is meant to
    reach readers.
    """
    saved_after_review = exists().where(
        ArticleRevision.article_id == Article.id,
        ArticleRevision.created_at > Article.last_reviewed_at,
    )
    selection = select(Article.id).where(
        Article.last_reviewed_at.is_not(None), Article.deleted_at.is_(None), saved_after_review
    )
    return set(db.session.scalars(selection))
