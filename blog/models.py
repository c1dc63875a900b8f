"""The domain: authors, topics, articles, revisions, what was done to them, old slugs, logins.

And the image library: ``Media`` (an uploaded image) and its ``MediaVariant``s (the bytes).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from flask_login import UserMixin
from sqlalchemy import (
    CheckConstraint,
    ColumnElement,
    DateTime,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    and_,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.hybrid import hybrid_method
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from .content.images import HASH_LENGTH
from .extensions import Base, db
from .rules import (
    MAX_ALT_TEXT_LENGTH,
    MAX_CREDENTIALS_LENGTH,
    MAX_DEFINITION_LENGTH,
    MAX_DISPLAY_NAME_LENGTH,
    MAX_ROLE_TITLE_LENGTH,
    MAX_SETTING_KEY_LENGTH,
    MAX_SLUG_LENGTH,
    MAX_SUMMARY_LENGTH,
    MAX_SYNONYMS_LENGTH,
    MAX_TERM_LENGTH,
    MAX_TITLE_LENGTH,
    MAX_TOPIC_DESCRIPTION_LENGTH,
    MAX_UPDATE_NOTE_LENGTH,
    MAX_USERNAME_LENGTH,
)

if TYPE_CHECKING:
    # mypy cannot follow db.Model, which Flask-SQLAlchemy builds from Base at run time.
    Model = Base
else:
    Model = db.Model

DRAFT = "draft"
PUBLISHED = "published"
# Where an article stands for its authors, from Article.state_at.
STATES = ("draft", "scheduled", "published", "pending", "deleted")

# The key of the listing indexes, after the topic where there is one.
VISIBLE_LISTING = ("status", "published_at", "id", "deleted_at")


def utc_now() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored as UTC and always read back timezone-aware.

    SQLite keeps no zone and hands back naive values; this is the one place
    they become aware again, so no template or feed ever sees a naive time.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("refusing to store a naive datetime; use an aware UTC one")
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Author(UserMixin, Model):
    __tablename__ = "authors"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(MAX_USERNAME_LENGTH), unique=True)
    display_name: Mapped[str] = mapped_column(String(MAX_DISPLAY_NAME_LENGTH))
    # "!" never matches a werkzeug hash: an account that cannot log in.
    password_hash: Mapped[str] = mapped_column(String(255), default="!")
    is_editor: Mapped[bool] = mapped_column(default=False)
    # A deactivated account cannot log in; its articles keep their byline.
    is_active: Mapped[bool] = mapped_column(default=True)
    # Part of every login session's id: moving it on ends every session of the
    # account (logging out, a password change, deactivation), even a copied cookie.
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    # The public profile at /authors/<username>: credentials after the name
    # ("MBBS, MRCPsych"), a role title, and a short bio, kept as Markdown and as
    # the clean HTML made from it when it was saved.
    credentials: Mapped[str] = mapped_column(String(MAX_CREDENTIALS_LENGTH), default="")
    role_title: Mapped[str] = mapped_column(String(MAX_ROLE_TITLE_LENGTH), default="")
    bio_markdown: Mapped[str] = mapped_column(Text, default="")
    bio_html: Mapped[str] = mapped_column(Text, default="")
    # Set by an editor: this person may be recorded as an article's medical reviewer.
    is_clinical_reviewer: Mapped[bool] = mapped_column(default=False)
    # When what readers see of this person last changed (name, credentials, bio, the
    # reviewer mark, being active): part of the Last-Modified of pages that show it.
    # None until the first such change after the account was opened.
    changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def name_with_credentials(self) -> str:
        """The name as a reviewer's line shows it: "Dr Jane Doe, MBBS, MRCPsych"."""
        if self.credentials:
            return f"{self.display_name}, {self.credentials}"
        return self.display_name

    def get_id(self) -> str:
        """Return what a login session stores: the account and its session version."""
        return f"{self.id}:{self.session_version}"

    def set_password(self, password: str) -> None:
        """Store a salted hash of ``password``, never the password itself."""
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        """Return whether ``password`` matches the stored hash."""
        if not self.password_hash.startswith(("scrypt:", "pbkdf2:")):
            return False
        return check_password_hash(self.password_hash, password)

    def can_edit(self, article: Article) -> bool:
        """Return whether this author may change ``article``."""
        return self.is_editor or article.author_id == self.id

    def __repr__(self) -> str:
        return f"<Author {self.username}>"


class PasswordLink(Model):
    """A one-time link that lets an account holder set a password, valid for a while.

    Only a hash of the secret in the link is stored, so the table cannot be
    used to log in to anything.
    """

    __tablename__ = "password_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("authors.id"), index=True)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("authors.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    author: Mapped[Author] = relationship(foreign_keys=[author_id])


class Topic(Model):
    __tablename__ = "topics"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(MAX_SLUG_LENGTH), unique=True)
    title: Mapped[str] = mapped_column(String(MAX_TITLE_LENGTH))
    # One line of plain text for the topic's feed and its page's meta description.
    description: Mapped[str] = mapped_column(String(MAX_TOPIC_DESCRIPTION_LENGTH), default="")
    intro_markdown: Mapped[str] = mapped_column(Text, default="")
    intro_html: Mapped[str] = mapped_column(Text, default="")
    # Where editors put it in the home page's list: smallest first.
    position: Mapped[int] = mapped_column(default=0)
    # Its page and its articles show the crisis-support notice (``blog.notices``).
    is_mental_health: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    # When the topic's feed last changed: an article in it was published, edited,
    # unpublished, deleted, restored, or moved in or out, or the topic itself was
    # renamed or redescribed. Its feed's Last-Modified.
    feed_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    # Soft delete: old article revisions still point at the topic, and its slug stays taken.
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Months from a medical review to the next one for this topic's articles;
    # None: the site's DEFAULT_REVIEW_INTERVAL_MONTHS.
    review_interval_months: Mapped[int | None]

    @property
    def shown_description(self) -> str:
        """The line readers and feed readers see: the editors' description, or a default."""
        return self.description or f"New guides on {self.title}"

    def __repr__(self) -> str:
        return f"<Topic {self.slug}>"


class Article(Model):
    __tablename__ = "articles"
    __table_args__ = (
        CheckConstraint(f"status IN ('{DRAFT}', '{PUBLISHED}')", name="status"),
        # A topic's landing page and feed: its visible articles, newest first.
        # deleted_at comes last: "IS NULL" is no equality to PostgreSQL's planner,
        # so earlier in the key it would stop the index from giving the order; at
        # the end it still lets a page count read the index alone.
        Index("ix_articles_topic_visible", "topic_id", *VISIBLE_LISTING),
        # The home page and the site feed: all visible articles, newest first.
        Index("ix_articles_visible", *VISIBLE_LISTING),
        # An author's dashboard.
        Index("ix_articles_author_recent", "author_id", "updated_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(MAX_SLUG_LENGTH), unique=True)
    title: Mapped[str] = mapped_column(String(MAX_TITLE_LENGTH))
    summary: Mapped[str] = mapped_column(String(MAX_SUMMARY_LENGTH), default="")
    body_markdown: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default=DRAFT)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    # When readers first see it: set when it is published (now, or a scheduled
    # time), movable only until that time comes, then never changed. The date
    # readers see, the feed's pubDate and part of the feed guid.
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Changes saved to a live article without publishing them: the number of the
    # revision that holds them. The live columns above stay what readers see.
    pending_revision: Mapped[int | None]
    # Soft delete: an editor can bring the article back.
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The last edit its author marked as a material update, and what changed:
    # readers see "Updated <date>: <note>", and the feeds' date_modified is this
    # time. A minor edit (a typo) moves neither.
    last_material_update_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    material_update_note: Mapped[str | None] = mapped_column(String(MAX_UPDATE_NOTE_LENGTH))
    author_id: Mapped[int] = mapped_column(ForeignKey("authors.id"))
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id"))
    # Medical review, set only by publishing.mark_reviewed, never by an edit: who
    # checked the article (a clinical reviewer, never its author), when, and
    # when it is next due. All None until the first review.
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("authors.id"))
    last_reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    next_review_due: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Shown above the article, beside it in listings, and in feeds and link previews.
    lead_image_id: Mapped[int | None] = mapped_column(
        ForeignKey("media.id", ondelete="SET NULL"), index=True
    )

    author: Mapped[Author] = relationship(lazy="joined", innerjoin=True, foreign_keys=[author_id])
    topic: Mapped[Topic] = relationship(lazy="joined", innerjoin=True)
    reviewer: Mapped[Author | None] = relationship(foreign_keys=[reviewer_id])
    lead_image: Mapped[Media | None] = relationship(lazy="joined")

    @hybrid_method
    def is_visible_at(self, moment: datetime) -> bool:
        """Whether readers and feed pollers may see this article at ``moment``: the one rule.

        Published, not deleted, and its publication time has come (an article can
        be scheduled). Used in Python on a loaded article, and in SQL
        (``where(Article.is_visible_at(now))``) by every page, feed and sitemap query.
        """
        return (
            self.status == PUBLISHED
            and self.deleted_at is None
            and self.published_at is not None
            and self.published_at <= moment
        )

    @is_visible_at.inplace.expression  # type: ignore[attr-defined]  # typed as a plain method
    @classmethod
    def _is_visible_at_in_sql(cls, moment: datetime) -> ColumnElement[bool]:
        # The same rule as above, written for SQL.
        return and_(cls.status == PUBLISHED, cls.deleted_at.is_(None), cls.published_at <= moment)

    def state_at(self, moment: datetime) -> str:
        """Return where the article stands for its authors: one of ``STATES``."""
        if self.deleted_at is not None:
            return "deleted"
        if self.status == DRAFT:
            return "draft"
        if not self.is_visible_at(moment):
            return "scheduled"
        return "pending" if self.pending_revision is not None else "published"

    def review_is_due_at(self, moment: datetime) -> bool:
        """Whether the article's medical review has fallen due by ``moment``."""
        return self.next_review_due is not None and self.next_review_due <= moment

    def __repr__(self) -> str:
        return f"<Article {self.slug}>"


class ArticleRevision(Model):
    """One saved version of an article, kept for good: nothing written is lost."""

    __tablename__ = "article_revisions"
    __table_args__ = (UniqueConstraint("article_id", "number", name="uq_article_revisions_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"))
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(MAX_TITLE_LENGTH))
    slug: Mapped[str] = mapped_column(String(MAX_SLUG_LENGTH))
    summary: Mapped[str] = mapped_column(String(MAX_SUMMARY_LENGTH))
    body_markdown: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id"))
    # Set when this version was saved as a material update: pending changes
    # keep it until they are published, and then it reaches the article.
    material_update_note: Mapped[str | None] = mapped_column(String(MAX_UPDATE_NOTE_LENGTH))
    lead_image_id: Mapped[int | None] = mapped_column(
        ForeignKey("media.id", ondelete="SET NULL"), index=True
    )
    saved_by_id: Mapped[int] = mapped_column(ForeignKey("authors.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)

    saved_by: Mapped[Author] = relationship()
    topic: Mapped[Topic] = relationship()


class ArticleEvent(Model):
    """A record of one action on an article: who did what, and when.

    Every write action in ``publishing`` leaves one; saves also keep an
    ``ArticleRevision`` of the text.
    """

    __tablename__ = "article_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), index=True)
    action: Mapped[str] = mapped_column(String(32))
    by_id: Mapped[int] = mapped_column(ForeignKey("authors.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)

    by: Mapped[Author] = relationship()


class SlugRedirect(Model):
    """A slug an article used to have; it answers with a 301 to the current one."""

    __tablename__ = "slug_redirects"

    id: Mapped[int] = mapped_column(primary_key=True)
    old_slug: Mapped[str] = mapped_column(String(MAX_SLUG_LENGTH), unique=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)

    article: Mapped[Article] = relationship()


class LoginAttempts(Model):
    """Failed logins for one username from one address, counted here when there is no Redis."""

    __tablename__ = "login_attempts"

    # A hash of the normalised username and the address: what people type into
    # the username field (sometimes a password) is never stored.
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    count: Mapped[int]
    window_ends_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class TopicRevision(Model):
    """One saved version of a topic's text; restoring one saves it again as a new version."""

    __tablename__ = "topic_revisions"
    __table_args__ = (UniqueConstraint("topic_id", "number", name="uq_topic_revisions_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id"))
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(MAX_TITLE_LENGTH))
    slug: Mapped[str] = mapped_column(String(MAX_SLUG_LENGTH))
    description: Mapped[str] = mapped_column(String(MAX_TOPIC_DESCRIPTION_LENGTH))
    intro_markdown: Mapped[str] = mapped_column(Text)
    # None for versions no one saved in the browser: imported by the migration.
    saved_by_id: Mapped[int | None] = mapped_column(ForeignKey("authors.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)

    saved_by: Mapped[Author | None] = relationship()


class TopicSlugRedirect(Model):
    """A slug a topic used to have; its page and feeds answer with a 301 to the current one."""

    __tablename__ = "topic_slug_redirects"

    id: Mapped[int] = mapped_column(primary_key=True)
    old_slug: Mapped[str] = mapped_column(String(MAX_SLUG_LENGTH), unique=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)

    topic: Mapped[Topic] = relationship()


class GlossaryTerm(Model):
    """A word readers may not know, its other names, and what it means in plain language."""

    __tablename__ = "glossary_terms"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The anchor of its entry on /glossary: /glossary#<slug>.
    slug: Mapped[str] = mapped_column(String(MAX_SLUG_LENGTH), unique=True)
    term: Mapped[str] = mapped_column(String(MAX_TERM_LENGTH))
    # Other names and abbreviations, one per line ("MAOI", "MAO inhibitor"): pages mark
    # them like the term, and search treats them as the same word.
    synonyms: Mapped[str] = mapped_column(String(MAX_SYNONYMS_LENGTH), default="")
    # One plain-language sentence, shown beside the term's first use on a page.
    definition: Mapped[str] = mapped_column(String(MAX_DEFINITION_LENGTH))
    explanation_markdown: Mapped[str] = mapped_column(Text, default="")
    explanation_html: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    # The editor who saved it last; None for terms loaded by code (the demo).
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("authors.id"))

    updated_by: Mapped[Author | None] = relationship()

    @property
    def names(self) -> list[str]:
        """The term and then each synonym, as written, without blanks or repeats."""
        names: list[str] = []
        for name in [self.term, *self.synonyms.splitlines()]:
            name = " ".join(name.split())
            if name and name.casefold() not in {known.casefold() for known in names}:
                names.append(name)
        return names

    def __repr__(self) -> str:
        return f"<GlossaryTerm {self.slug}>"


class SiteSetting(Model):
    """One setting editors change in the browser, such as a safety notice (``blog.notices``).

    ``value`` is what the editor typed; ``html`` its clean HTML when the setting
    is Markdown. A setting with no row has its default.
    """

    __tablename__ = "site_settings"

    key: Mapped[str] = mapped_column(String(MAX_SETTING_KEY_LENGTH), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")
    html: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("authors.id"))

    updated_by: Mapped[Author | None] = relationship()


class Media(Model):
    """An image in the library: what was uploaded, by whom, and how readers are told of it.

    Its bytes are its ``MediaVariant``s, in the database, so app servers that share
    nothing but the database all serve them. ``hash`` names it in URLs; it is made
    from the uploaded bytes, never from the uploader's filename.
    """

    __tablename__ = "media"

    id: Mapped[int] = mapped_column(primary_key=True)
    hash: Mapped[str] = mapped_column(String(HASH_LENGTH), unique=True)
    # Plain text; empty only when the uploader said the image is decorative.
    alt_text: Mapped[str] = mapped_column(String(MAX_ALT_TEXT_LENGTH), default="")
    decorative: Mapped[bool] = mapped_column(default=False)
    # The widest variant's size, which every variant shares the aspect ratio of.
    width: Mapped[int]
    height: Mapped[int]
    # "jpg", or "png" for an image with transparency: served beside WebP.
    fallback: Mapped[str] = mapped_column(String(4))
    original_format: Mapped[str] = mapped_column(String(8))
    original_width: Mapped[int]
    original_height: Mapped[int]
    original_bytes: Mapped[int]
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("authors.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)

    uploaded_by: Mapped[Author] = relationship()

    def __repr__(self) -> str:
        return f"<Media {self.hash}>"


class MediaVariant(Model):
    """One served file of a library image: a width in one format, and its bytes."""

    __tablename__ = "media_variants"
    __table_args__ = (
        UniqueConstraint("media_id", "width", "format", name="uq_media_variants_file"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    media_id: Mapped[int] = mapped_column(ForeignKey("media.id", ondelete="CASCADE"))
    width: Mapped[int]
    height: Mapped[int]
    format: Mapped[str] = mapped_column(String(4))  # "webp", "jpg" or "png"
    byte_length: Mapped[int]
    data: Mapped[bytes] = mapped_column(LargeBinary)
