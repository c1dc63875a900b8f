"""Markdown in, clean HTML out: the only package that renders Markdown or uses bleach.

Content is rendered once, when it is saved. Everything a reader receives, on a
page or in a feed, is the stored output of ``render_markdown``; feeds pass it
through ``absolutize_urls`` on the way out.

- ``markdown``: Markdown source to HTML (not yet safe), with ``footnotes``;
- ``cleaning``: the bleach allow-list that makes that HTML safe to store;
- ``urls``: how a URL is read (as a browser would) and made absolute for feeds.
"""

from ..rules import (
    MAX_LIBRARY_IMAGES_PER_TEXT,
    MAX_LINES,
    MAX_MARKUP_CHARACTERS,
    MAX_MARKUP_PIECES,
    InvalidInput,
)
from .cleaning import clean_html
from .images import ImageResolver, LibraryImage, media_hash, picture_html
from .markdown import LIBRARY_IMAGES, image_sources, markup_pieces, parse, tokens_to_html
from .urls import absolutize_urls

__all__ = [
    "ImageResolver",
    "LibraryImage",
    "absolutize_urls",
    "media_hash",
    "picture_html",
    "render_markdown",
]


def render_markdown(
    source: str, *, field: str = "body_markdown", images: ImageResolver | None = None
) -> str:
    """Render Markdown to HTML and keep only the allow-listed tags, attributes and URLs.

    ``images`` is asked, once, which of the library URLs the text places are in
    the library; those become responsive ``<picture>`` markup. Raise InvalidInput
    (for ``field``) when the text would make more markup than can be cleaned in a
    moment, or places too many library images; nothing is cleaned then.
    """
    if problem := _cost_problem(source):
        raise InvalidInput({field: problem})
    tokens, env = parse(source)
    placed = [found for src in image_sources(tokens) if (found := media_hash(src))]
    hashes = set(placed)
    if len(hashes) > MAX_LIBRARY_IMAGES_PER_TEXT:
        raise InvalidInput(
            {
                field: f"This text places {len(hashes)} different images from the library; "
                f"at most {MAX_LIBRARY_IMAGES_PER_TEXT} fit in one text."
            }
        )
    if hashes and images is not None:
        env[LIBRARY_IMAGES] = images(hashes)
    # A library image is three elements (picture, source, img), counted as one so far.
    pieces = markup_pieces(tokens) + 2 * len(placed)
    if pieces > MAX_MARKUP_PIECES:
        raise InvalidInput(
            {
                field: f"This text has too much formatting to publish safely ({pieces:,} "
                f"elements and escaped characters; at most {MAX_MARKUP_PIECES:,}). "
                "Split it into two articles."
            }
        )
    return clean_html(tokens_to_html(tokens, env))


# Characters that open or close inline markup (links, images, emphasis, code,
# HTML-like text, tables, entities, escapes): what the parser's work grows with.
_MARKUP_CHARACTERS = "[]*_`<>|&!\\"


def _cost_problem(source: str) -> str | None:
    """Return why ``source`` would cost too much to render, judged before parsing it."""
    characters = sum(source.count(character) for character in _MARKUP_CHARACTERS)
    if characters > MAX_MARKUP_CHARACTERS:
        return (
            f"This text has too much formatting to publish safely ({characters:,} formatting "
            f"characters such as [ * _ < |; at most {MAX_MARKUP_CHARACTERS:,}). "
            "Split it into two articles."
        )
    lines = source.count("\n") + 1
    if lines > MAX_LINES:
        return (
            f"This text has too many lines to publish safely ({lines:,}; at most "
            f"{MAX_LINES:,}). Split it into two articles."
        )
    return None
