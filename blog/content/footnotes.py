"""Footnotes as a numbered "References" section with links back to the text.

"Text.[^nice]" and a definition "[^nice]: Source." anywhere in the body render as

    Text.<sup id="fnref1"><a href="#fn1">1</a></sup>
    ...
    <section class="footnotes">
    <h2>References</h2>
    <ol>
    <li id="fn1">
    <p>Source. <a href="#fnref1" title="Back to where note 1 is cited"
       aria-label="Back to where note 1 is cited">↩</a></p>
    </li>
    </ol>
    </section>

The plugin's own markup uses classes and "fnref1:2" ids that the allow-list
would strip; these ids have one fixed shape, which the cleaner accepts and no
other id (so an author cannot plant ids the page's own links rely on).
"""

import re

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

FOOTNOTE_ID = re.compile(r"fn(?:ref)?[0-9]{1,6}(?:-[0-9]{1,6})?")
# A back-link's name for screen readers ("↩" alone reads as an arrow), and its
# tooltip (the title stays in feeds, which may not carry ARIA); a later citation
# of the same note adds which one: "… note 1 is cited (2)".
BACK_LINK_LABEL = re.compile(r"Back to where note [0-9]{1,6} is cited(?: \([0-9]{1,6}\))?")
SECTION_CLASS = "footnotes"


def add_render_rules(markdown: MarkdownIt) -> None:
    """Make ``markdown`` write footnotes in the markup described above."""
    markdown.add_render_rule("footnote_ref", _reference)
    markdown.add_render_rule("footnote_anchor", _back_link)
    markdown.add_render_rule("footnote_block_open", _section_open)
    markdown.add_render_rule("footnote_block_close", _section_close)
    markdown.add_render_rule("footnote_open", _note_open)
    markdown.add_render_rule("footnote_close", _note_close)


def _number(token: Token) -> int:
    return int(token.meta["id"]) + 1


def _reference_id(token: Token) -> str:
    # The first reference to a note is "fnref1", later ones "fnref1-1", "fnref1-2"...
    repeat = int(token.meta.get("subId", 0))
    return f"fnref{_number(token)}" + (f"-{repeat}" if repeat else "")


def _reference(
    renderer: RendererHTML, tokens: list[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    number = _number(tokens[idx])
    return f'<sup id="{_reference_id(tokens[idx])}"><a href="#fn{number}">{number}</a></sup>'


def _back_link(
    renderer: RendererHTML, tokens: list[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    token = tokens[idx]
    repeat = int(token.meta.get("subId", 0))
    label = f"Back to where note {_number(token)} is cited" + (f" ({repeat + 1})" if repeat else "")
    return f' <a href="#{_reference_id(token)}" title="{label}" aria-label="{label}">\u21a9</a>'


def _section_open(
    renderer: RendererHTML, tokens: list[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return f'<section class="{SECTION_CLASS}">\n<h2>References</h2>\n<ol>\n'


def _section_close(
    renderer: RendererHTML, tokens: list[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return "</ol>\n</section>\n"


def _note_open(
    renderer: RendererHTML, tokens: list[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return f'<li id="fn{_number(tokens[idx])}">\n'


def _note_close(
    renderer: RendererHTML, tokens: list[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return "</li>\n"
