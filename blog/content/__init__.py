"""Markdown in, clean HTML out: the only package that renders Markdown or uses bleach.

Content is rendered once, when it is saved. Everything a reader receives, on a
page or in a feed, is the stored output of ``render_markdown``; feeds pass it
through ``absolutize_urls`` on the way out.

- ``markdown``: Markdown source to HTML (not yet safe);
- ``cleaning``: the bleach allow-list that makes that HTML safe to store;
- ``urls``: how a URL is read (as a browser would) and made absolute for feeds.
"""

from .cleaning import clean_html
from .markdown import markdown_to_html
from .urls import absolutize_urls

__all__ = ["absolutize_urls", "render_markdown"]


def render_markdown(source: str) -> str:
    """Render Markdown to HTML and keep only the allow-listed tags, attributes and URLs."""
    return clean_html(markdown_to_html(source))
