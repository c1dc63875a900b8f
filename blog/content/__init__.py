"""Markdown in, clean HTML out: the only package that renders Markdown or uses bleach.

Content is rendered once, when it is saved. Everything a reader receives, on a
page or in a feed, is the stored output of ``render_markdown``; feeds pass it
through ``absolutize_urls`` on the way out.

- ``markdown``: Markdown source to HTML (not yet safe), with ``footnotes``;
- ``cleaning``: the bleach allow-list that makes that HTML safe to store;
- ``urls``: how a URL is read (as a browser would) and made absolute for feeds.
"""

from ..rules import MAX_LINES, MAX_MARKUP_CHARACTERS, MAX_MARKUP_PIECES, InvalidInput
from .cleaning import clean_html
from .markdown import markup_pieces, parse, tokens_to_html
from .urls import absolutize_urls

__all__ = ["absolutize_urls", "render_markdown"]


def render_markdown(source: str, *, field: str = "body_markdown") -> str:
    """Render Markdown to HTML and keep only the allow-listed tags, attributes and URLs.

    Raise InvalidInput (for ``field``) when the text would make more markup than
    can be cleaned in a moment; nothing is cleaned then.
    """
    if problem := _cost_problem(source):
        raise InvalidInput({field: problem})
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
