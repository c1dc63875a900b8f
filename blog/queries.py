"""The read side: what readers and feeds are shown, as selects or lookups."""

from sqlalchemy import Select, select

from .extensions import db
from .models import PUBLISHED, Article, SlugRedirect, Topic


def published_articles() -> Select[Article]:
    """Select every article a reader may see, newest first."""
    return (
        select(Article)
        .where(Article.status == PUBLISHED, Article.deleted_at.is_(None))
        .order_by(Article.published_at.desc(), Article.id.desc())
    )


def topic_articles(topic: Topic) -> Select[Article]:
    """Select the published articles of ``topic``, newest first."""
    return published_articles().where(Article.topic_id == topic.id)


def latest_articles(limit: int) -> list[Article]:
    """Return the ``limit`` newest published articles."""
    return list(db.session.scalars(published_articles().limit(limit)))


def all_topics() -> list[Topic]:
    """Return every topic, by title."""
    return list(db.session.scalars(select(Topic).order_by(Topic.title)))


def topic_or_404(slug: str) -> Topic:
    """Return the topic at ``slug`` or abort with 404."""
    return db.one_or_404(select(Topic).where(Topic.slug == slug))


def published_article(slug: str) -> Article | None:
    """Return the published article now at ``slug``, if there is one."""
    return db.session.scalars(published_articles().where(Article.slug == slug)).first()


def moved_article_slug(old_slug: str) -> str | None:
    """Return the current slug of a published article that used to live at ``old_slug``."""
    return db.session.scalar(
        select(Article.slug)
        .join(SlugRedirect, SlugRedirect.article_id == Article.id)
        .where(
            SlugRedirect.old_slug == old_slug,
            Article.status == PUBLISHED,
            Article.deleted_at.is_(None),
        )
    )
