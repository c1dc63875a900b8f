"""Markdown source to HTML, not yet cleaned: ``clean_html`` must follow.

markdown-it-py follows CommonMark and parses in linear time (the old renderer,
Python-Markdown, took tens of seconds on some 20 kB inputs). Raw HTML is off:
what an author types as HTML is shown as text, so the cleaner only ever sees
markdown-it's own balanced, shallow markup.
"""

import re

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from mdit_py_plugins.footnote import footnote_plugin

from ..rules import MAX_EMPHASIS_DEPTH, MAX_MARKDOWN_NESTING
from . import footnotes, identifiers
from .images import media_hash, picture_html

# Where ``render_markdown`` leaves the library's images for ``_render_image``.
LIBRARY_IMAGES = "library_images"


def parse(source: str) -> tuple[list[Token], EnvType]:
    """Parse Markdown into markdown-it tokens (and the environment rendering needs)."""
    env: EnvType = {}
    return _markdown.parse(source, env), env


def tokens_to_html(tokens: list[Token], env: EnvType) -> str:
    """Render parsed tokens to HTML that may still hold anything an author typed."""
    return _markdown.renderer.render(tokens, _markdown.options, env)


def image_sources(tokens: list[Token]) -> list[str]:
    """Return the ``src`` of every image in the parsed text, once per image."""
    return [
        str(child.attrGet("src"))
        for token in tokens
        if token.type == "inline"
        for child in token.children or ()
        if child.type == "image"
    ]


def markup_pieces(tokens: list[Token]) -> int:
    """Count what cleaning the rendered tokens will cost: elements, and escaped characters.

    Each element and each "&", "<" or ">" in text (written as a character
    reference) is a separate step for html5lib, and runs of references cost it
    more than their length; counting them bounds the time cleaning can take.
    """
    pieces = 0
    for token in tokens:
        pieces += _pieces(token)
        for child in token.children or ():
            pieces += _pieces(child)
    return pieces


def _pieces(token: Token) -> int:
    escaped = token.content.count("&") + token.content.count("<") + token.content.count(">")
    if token.type == "inline":  # its children are counted; its content is their source
        return 0
    return (1 if token.nesting >= 0 else 0) + escaped


# Core rules: they rewrite tokens after parsing, before rendering.


def _demote_top_headings(state: StateCore) -> None:
    """Turn "# Heading" into an h2: the page title is the page's only h1."""
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close") and token.tag == "h1":
            token.tag = "h2"


def _strikethrough_as_del(state: StateCore) -> None:
    """Write "~~old~~" as <del> (a removal, and on the allow-list) rather than <s>."""
    for child in _inline_children(state):
        if child.type in ("s_open", "s_close"):
            child.tag = "del"


_TEXT_ALIGN = re.compile(r"text-align:(left|right|center)")


def _table_align_attribute(state: StateCore) -> None:
    """Give aligned table cells ``align="..."``: the allow-list keeps no style attribute."""
    for token in state.tokens:
        if token.type in ("th_open", "td_open") and token.attrs:
            match = _TEXT_ALIGN.fullmatch(str(token.attrs.pop("style", "")))
            if match:
                token.attrs["align"] = match.group(1)


_EMPHASIS_OPEN = {"em_open", "strong_open", "s_open"}
_EMPHASIS_CLOSE = {"em_close", "strong_close", "s_close"}


def _limit_emphasis_depth(state: StateCore) -> None:
    """Show emphasis nested past MAX_EMPHASIS_DEPTH as its literal "*", "_" or "~~".

    maxNesting does not bound emphasis: "*" x 50,000, "a", "*" x 50,000 would be
    50,000 nested elements, and html5lib's handling of open formatting elements
    is quadratic in their number.
    """
    for token in state.tokens:
        if token.type != "inline" or not token.children:
            continue
        depth = 0
        kept: list[bool] = []  # one per open emphasis: markup (True) or text
        for child in token.children:
            if child.type in _EMPHASIS_OPEN:
                kept.append(depth < MAX_EMPHASIS_DEPTH)
                if kept[-1]:
                    depth += 1
                else:
                    _make_text(child)
            elif child.type in _EMPHASIS_CLOSE and kept:
                if kept.pop():
                    depth -= 1
                else:
                    _make_text(child)


def _make_text(token: Token) -> None:
    token.type, token.tag, token.nesting, token.content = "text", "", 0, token.markup


def _inline_children(state: StateCore) -> list[Token]:
    return [child for t in state.tokens if t.type == "inline" for child in t.children or ()]


# Render rules. markdown-it escapes '"' in text as "&quot;", which bleach would keep
# verbatim; text needs only & < > escaped (attributes are re-quoted by bleach).


def _escape_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _render_text(
    renderer: RendererHTML, tokens: list[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return _escape_text(tokens[idx].content)


def _render_code_inline(
    renderer: RendererHTML, tokens: list[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return f"<code>{_escape_text(tokens[idx].content)}</code>"


def _render_code_block(
    renderer: RendererHTML, tokens: list[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    # Fenced and indented alike; a fence's language would be a class bleach drops.
    return f"<pre><code>{_escape_text(tokens[idx].content)}</code></pre>\n"


def _render_image(
    renderer: RendererHTML, tokens: list[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    token = tokens[idx]
    alt = renderer.renderInlineAsText(token.children or [], options, env)
    src, title = str(token.attrGet("src")), token.attrGet("title")
    hash_ = media_hash(src)
    library_image = env.get(LIBRARY_IMAGES, {}).get(hash_) if hash_ else None
    if library_image is not None:
        # Alt typed in the Markdown wins; an empty one takes the library's description.
        return picture_html(library_image, alt=alt or None, title=str(title) if title else None)
    src = escapeHtml(src)
    title_attribute = f' title="{escapeHtml(str(title))}"' if title else ""
    return f'<img alt="{escapeHtml(alt)}" src="{src}"{title_attribute}>'


def _build() -> MarkdownIt:
    # One shared instance: per-document state lives in ``env``, so render is re-entrant.
    markdown = MarkdownIt(
        "commonmark",
        {"html": False, "maxNesting": MAX_MARKDOWN_NESTING, "typographer": False},
    ).enable(["table", "strikethrough"])
    markdown.use(footnote_plugin, inline=False)  # "[^1]" and definitions, not "^[...]"
    # After the footnote plugin has moved the notes to the end, so they are included.
    for rule in (
        _demote_top_headings,
        _strikethrough_as_del,
        _table_align_attribute,
        _limit_emphasis_depth,
    ):
        markdown.core.ruler.push(rule.__name__.lstrip("_"), rule)
    # Last: every text token is final by now, footnotes' included.
    markdown.core.ruler.push("link_identifiers", identifiers.link_identifiers)
    markdown.add_render_rule("text", _render_text)
    markdown.add_render_rule("code_inline", _render_code_inline)
    markdown.add_render_rule("code_block", _render_code_block)
    markdown.add_render_rule("fence", _render_code_block)
    markdown.add_render_rule("image", _render_image)
    footnotes.add_render_rules(markdown)
    return markdown


_markdown = _build()
