"""Markdown in, clean HTML out: the only module that renders or sanitises content.

Content is rendered once, when it is saved. Everything a reader receives, on a
page or in a feed, is the stored output of ``render_markdown``.
"""

import html
import re
from functools import partial
from urllib.parse import urljoin, urlsplit
from xml.etree.ElementTree import Element

import bleach
import markdown
from bleach.linkifier import LinkifyFilter
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "blockquote", "br", "code", "del", "em", "h2", "h3", "h4", "h5", "h6",
        "hr", "img", "li", "ol", "p", "pre", "strong", "sub", "sup", "table", "tbody", "td",
        "th", "thead", "tr", "ul",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": ["href", "title", "rel"],
    "abbr": ["title"],
    "img": ["src", "alt", "title"],
    "th": ["align"],
    "td": ["align"],
}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
EXTERNAL_REL = "nofollow noopener"


def _mark_external_links(attrs: dict, new: bool = False) -> dict | None:
    """Give links that leave the site a ``rel`` that withholds trust and the opener."""
    href = attrs.get((None, "href"), "")
    if urlsplit(href).scheme in ("http", "https"):
        attrs[(None, "rel")] = EXTERNAL_REL
    else:
        attrs.pop((None, "rel"), None)
    return attrs


_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
    filters=[
        partial(
            LinkifyFilter,
            callbacks=[_mark_external_links],
            skip_tags={"pre", "code"},
            parse_email=False,
        )
    ],
)


class _DemoteTopHeadings(Treeprocessor):
    """Turn "# Heading" into an h2: the page title is the page's only h1."""

    def run(self, root: Element) -> None:
        for element in root.iter("h1"):
            element.tag = "h2"


class _ArticleMarkdown(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Markdown's API)
        md.treeprocessors.register(_DemoteTopHeadings(md), "demote_top_headings", 5)


def _markdown() -> markdown.Markdown:
    # Python-Markdown instances keep state between calls, so make one per render.
    return markdown.Markdown(
        extensions=["tables", "fenced_code", "sane_lists", _ArticleMarkdown()],
        extension_configs={"tables": {"use_align_attribute": True}},
        output_format="html",
    )


def render_markdown(source: str) -> str:
    """Render Markdown to HTML and keep only the allow-listed tags, attributes and URLs."""
    rendered = _markdown().convert(source)
    clean = _cleaner.clean(rendered).strip()
    # Text already has ">" escaped, but attribute values may not; "]]>" would end
    # the CDATA section that carries this HTML in a feed. "&gt;" means the same.
    return clean.replace("]]>", "]]&gt;")


# A start tag of a link or image in cleaned HTML. Text there has "<" escaped, and
# attribute values have '"' escaped, so these simple patterns cannot misfire.
_LINK_OR_IMAGE_TAG = re.compile(r'<(?:a|img)\b(?:[^>"]|"[^"]*")*>')
_ATTRIBUTE = re.compile(r'([\w:-]+)="([^"]*)"')


def absolutize_urls(clean_html: str, base_url: str) -> str:
    """Return stored clean HTML with relative link and image URLs made absolute.

    Feed readers and e-mail tools resolve relative URLs badly or not at all.
    """

    def absolute_attribute(match: re.Match[str]) -> str:
        name, value = match.groups()
        if name not in ("href", "src"):
            return match.group(0)
        url = urljoin(base_url, html.unescape(value))
        return f'{name}="{html.escape(url, quote=True)}"'

    def absolute_tag(match: re.Match[str]) -> str:
        return _ATTRIBUTE.sub(absolute_attribute, match.group(0))

    return _LINK_OR_IMAGE_TAG.sub(absolute_tag, clean_html)
