"""Markdown source to HTML, not yet cleaned: ``clean_html`` must follow."""

from xml.etree.ElementTree import Element

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor


class _DemoteTopHeadings(Treeprocessor):
    """Turn "# Heading" into an h2: the page title is the page's only h1."""

    def run(self, root: Element) -> None:
        for element in root.iter("h1"):
            element.tag = "h2"


class _ArticleMarkdown(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Markdown's API)
        md.treeprocessors.register(_DemoteTopHeadings(md), "demote_top_headings", 5)


def markdown_to_html(source: str) -> str:
    """Render Markdown to HTML that may still hold anything an author typed."""
    # Python-Markdown instances keep state between calls, so make one per render.
    return markdown.Markdown(
        extensions=["tables", "fenced_code", "sane_lists", _ArticleMarkdown()],
        extension_configs={"tables": {"use_align_attribute": True}},
        output_format="html",
    ).convert(source)
