"""Markdown in, clean HTML out: the only package that renders Markdown or uses bleach.

Content is rendered once, when it is saved. Everything a reader receives, on a
page or in a feed, is the stored output of ``render_markdown``; feeds pass it
through ``absolutize_urls`` on the way out.

- ``markdown``: Markdown source to HTML (not yet safe), with ``footnotes``;
- ``cleaning``: the bleach allow-list that makes that HTML safe to store;
- ``urls``: how a URL is read (as a browser would) and made absolute for feeds.
"""

from ..rules import MAX_MARKUP_PIECES, InvalidInput
from .cleaning import clean_html
from .markdown import markup_pieces, parse, tokens_to_html
from .urls import absolutize_urls

__all__ = ["absolutize_urls", "render_markdown"]


def render_markdown(source: str, *, field: str = "body_markdown") -> str:
    """Render Markdown to HTML and keep only the allow-listed tags, attributes and URLs.

    Raise InvalidInput (for ``field``) when the text would make more markup than
    can be cleaned in a moment; nothing is cleaned then.
    """
    tokens, env = parse(source)
    pieces = markup_pieces(tokens)
    if pieces > MAX_MARKUP_PIECES:
        raise InvalidInput(
            {
                field: f"This text has too much formatting to publish safely ({pieces:,} "
                f"elements and escaped characters; at most {MAX_MARKUP_PIECES:,}). "
                "Split it into two articles."
            }
        )
    return clean_html(tokens_to_html(tokens, env))
