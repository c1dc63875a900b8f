"""The image library's storage: upload, look up, serve, and delete images, in the database.

Files are checked, cleaned and resized by ``blog.media``; this module stores what
it makes (``Media`` and its ``MediaVariant`` rows, in one transaction: nothing is
half-saved) and answers the rest of the site's questions about the library:
which images a text places (``resolve``, handed to ``render_markdown``), which
published articles use one, and the bytes of one variant.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete as sql_delete
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from . import cache, clock
from .content import LibraryImage
from .content.images import MEDIA_URL
from .extensions import db
from .media import ImageRefused, content_hash, variant_widths
from .models import (
    PUBLISHED,
    Article,
    ArticleRevision,
    Author,
    GlossaryTerm,
    Media,
    MediaVariant,
    SiteSetting,
    Topic,
)
from .rules import MAX_ALT_TEXT_LENGTH, InvalidInput, plain_text_problem

_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f\ufffe\uffff]")


def library_image(media: Media) -> LibraryImage:
    """Return what markup needs to know of ``media``."""
    return LibraryImage(
        hash=media.hash,
        width=media.width,
        height=media.height,
        widths=variant_widths(media.width),
        fallback=media.fallback,
        alt=media.alt_text,
    )


def resolve(hashes: Iterable[str]) -> dict[str, LibraryImage]:
    """Return the library's images among ``hashes``: one query, for ``render_markdown``."""
    wanted = sorted(set(hashes))
    if not wanted:
        return {}
    found = db.session.scalars(select(Media).where(Media.hash.in_(wanted)))
    return {media.hash: library_image(media) for media in found}


_PLACED_LIBRARY_IMAGE = re.compile(r'<img [^>]*src="(/media/[^"]+)"')


def missing_image_problem(clean_html: str) -> str | None:
    """Say why ``clean_html`` cannot be shown: it places an image no longer in the library."""
    placed = {
        url: found["hash"]
        for url in _PLACED_LIBRARY_IMAGE.findall(clean_html)
        if (found := MEDIA_URL.fullmatch(url))
    }
    present = resolve(placed.values())
    gone = sorted(url for url, hash_ in placed.items() if hash_ not in present)
    if not gone:
        return None
    return (
        f"This text places an image that is no longer in the library ({gone[0]}). "
        "Upload it again and paste its new Markdown, or take it out."
    )


def normalised_alt_text(text: str) -> str:
    """Return alt text as it is stored: one line, no control characters, trimmed."""
    return " ".join(_CONTROL_CHARACTERS.sub(" ", text).split())


def alt_text_problem(alt_text: str, decorative: bool) -> str | None:
    """Return why ``alt_text`` (normalised) cannot describe an image, or None if it can."""
    if decorative:
        if alt_text:
            return (
                "A decorative image has no description. Either clear the description, or "
                "untick “Decorative” so readers who cannot see the image hear it."
            )
        return None
    if not alt_text:
        return (
            "Describe the image for readers who cannot see it (what it shows, in a sentence), "
            "or tick “Decorative” if it adds nothing to the text."
        )
    return plain_text_problem("description", alt_text, MAX_ALT_TEXT_LENGTH)


@dataclass
class AlreadyInLibrary(Exception):
    """The same file was uploaded before; nothing new was stored."""

    media: Media


def upload(
    data: bytes, alt_text: str, *, decorative: bool, by: Author, now: datetime | None = None
) -> Media:
    """Check, clean and store an uploaded file with its description.

    Raise InvalidInput for the description, ImageRefused for the file (with the
    HTTP status to answer), AlreadyInLibrary for a file stored before. Nothing is
    stored unless everything is.
    """
    alt_text = normalised_alt_text(alt_text)
    if problem := alt_text_problem(alt_text, decorative):
        raise InvalidInput({"alt_text": problem})
    existing = _by_hash(content_hash(data)) if data else None
    if existing is not None:
        raise AlreadyInLibrary(existing)
    # Pillow is loaded by the first upload, never by a worker that only serves readers.
    from .imaging import prepare

    prepared = prepare(data)
    media = Media(
        hash=prepared.hash,
        alt_text=alt_text,
        decorative=decorative,
        width=prepared.width,
        height=prepared.height,
        fallback=prepared.fallback,
        original_format=prepared.original_format,
        original_width=prepared.original_width,
        original_height=prepared.original_height,
        original_bytes=prepared.original_bytes,
        uploaded_by_id=by.id,
        created_at=now or clock.now(),
    )
    db.session.add(media)
    try:
        db.session.flush()
        db.session.add_all(
            MediaVariant(
                media_id=media.id,
                width=variant.width,
                height=variant.height,
                format=variant.ext,
                byte_length=len(variant.data),
                data=variant.data,
            )
            for variant in prepared.variants
        )
        db.session.commit()
    except IntegrityError as error:
        db.session.rollback()
        # The same file, uploaded by someone else at the same moment.
        raced = _by_hash(prepared.hash)
        if raced is None:
            raise
        raise AlreadyInLibrary(raced) from error
    return media


def _by_hash(hash_: str) -> Media | None:
    return db.session.scalar(select(Media).where(Media.hash == hash_))


def all_media() -> list[Media]:
    """Return every image in the library, newest first, with who uploaded it (one query)."""
    selection = (
        select(Media)
        .options(joinedload(Media.uploaded_by))
        .order_by(Media.created_at.desc(), Media.id.desc())
    )
    return list(db.session.scalars(selection))


def media_or_none(media_id: int) -> Media | None:
    return db.session.get(Media, media_id)


def articles_using(media: Media) -> list[Article]:
    """Return the published or scheduled articles that show ``media``, as lead image or in text.

    Deleted ones too: an editor's restore brings one back published, with its text as it was.
    """
    in_text = Article.body_html.contains(f"/media/{media.hash}-", autoescape=True)
    return list(
        db.session.scalars(
            select(Article)
            .where(
                Article.status == PUBLISHED,
                or_(Article.lead_image_id == media.id, in_text),
            )
            .order_by(Article.title)
        )
    )


def topics_using(media: Media) -> list[Topic]:
    """Return the topics (not deleted) whose intro shows ``media``."""
    in_intro = Topic.intro_html.contains(f"/media/{media.hash}-", autoescape=True)
    return list(
        db.session.scalars(
            select(Topic).where(Topic.deleted_at.is_(None), in_intro).order_by(Topic.title)
        )
    )


def other_places_using(media: Media) -> list[str]:
    """Name the profiles, glossary entries and notices whose Markdown places ``media``."""
    from .notices import KINDS  # notices needs publishing, which needs this module

    shown = f"/media/{media.hash}-"
    places = [
        f"the profile of {author.display_name}"
        for author in db.session.scalars(
            select(Author)
            .where(Author.bio_html.contains(shown, autoescape=True))
            .order_by(Author.display_name)
        )
    ]
    places += [
        f"the glossary entry “{term.term}”"
        for term in db.session.scalars(
            select(GlossaryTerm)
            .where(GlossaryTerm.explanation_html.contains(shown, autoescape=True))
            .order_by(GlossaryTerm.term)
        )
    ]
    labels = {kind.key: kind.label.lower() for kind in KINDS}
    places += [
        f"the {labels.get(setting.key, setting.key)}"
        for setting in db.session.scalars(
            select(SiteSetting)
            .where(SiteSetting.html.contains(shown, autoescape=True))
            .order_by(SiteSetting.key)
        )
    ]
    return places


@dataclass
class InUse(Exception):
    """An image that readers are shown cannot be deleted; these show it."""

    articles: list[Article]
    topics: list[Topic]
    # Profiles, glossary entries and notices, as readers would name them.
    elsewhere: list[str]


def delete(media: Media) -> None:
    """Delete ``media`` and its files; its URLs answer 404 from now on.

    Refused (InUse) while a published or scheduled article (even a deleted one, which
    a restore brings back), a topic's intro, a profile, a glossary entry or a notice
    shows it. Drafts that chose it as their lead image lose that choice (the column
    is set to NULL).
    """
    articles, topics = articles_using(media), topics_using(media)
    elsewhere = other_places_using(media)
    if articles or topics or elsewhere:
        raise InUse(articles, topics, elsewhere)
    for table in (Article, ArticleRevision):
        db.session.execute(
            update(table).where(table.lead_image_id == media.id).values(lead_image_id=None)
        )
    db.session.execute(sql_delete(MediaVariant).where(MediaVariant.media_id == media.id))
    db.session.delete(media)
    db.session.commit()
    # No page a reader sees can show it (that is refused above), but a cached page
    # or feed built from an older version might: drop them, as any visible change does.
    cache.invalidate([cache.SITE_SCOPE, cache.PAGES_SCOPE])


@dataclass(frozen=True)
class ServedFile:
    data: bytes
    created_at: datetime


def served_file(hash_: str, width: int, ext: str, *, with_data: bool = True) -> ServedFile | None:
    """Return one variant (its bytes only ``with_data``) and when it was uploaded, or None."""
    row = db.session.execute(
        select(MediaVariant.data if with_data else MediaVariant.id, Media.created_at)
        .join(Media, Media.id == MediaVariant.media_id)
        .where(Media.hash == hash_, MediaVariant.width == width, MediaVariant.format == ext)
    ).first()
    if row is None:
        return None
    data = row[0] if with_data else b""
    assert isinstance(data, bytes)
    return ServedFile(data=data, created_at=row[1])


__all__ = [
    "AlreadyInLibrary",
    "ImageRefused",
    "InUse",
    "all_media",
    "articles_using",
    "delete",
    "library_image",
    "resolve",
    "served_file",
    "upload",
]
