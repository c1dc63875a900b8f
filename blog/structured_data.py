"""Machine-readable descriptions of pages: schema.org JSON-LD for articles and the glossary.

Built from the same article the page shows, so search engines and the reader
see one set of facts. The JSON goes inside a ``<script type="application/ld+json">``,
which browsers never run (the CSP's ``script-src 'none'`` stays); ``script_json``
escapes it so that no text an author typed can end the element early.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

from markupsafe import Markup

from .content.footnotes import SECTION_CLASS
from .models import Article, Author, GlossaryTerm
from .presentation import iso_site_date

# Characters that could end the script element or start markup inside it, and the
# two line separators old JavaScript parsers choke on: written as JSON escapes.
_SCRIPT_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


def script_json(data: Any) -> Markup:
    """Return ``data`` as JSON that is safe to place between ``<script>`` tags as it is."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for character, escape in _SCRIPT_ESCAPES.items():
        text = text.replace(character, escape)
    return Markup(text)


@dataclass(frozen=True)
class ArticleLinks:
    """The absolute addresses an article's description points to."""

    page: str
    topic: str
    home: str
    # None for a deactivated account, which has no profile page.
    author_profile: str | None
    reviewer_profile: str | None


def person(author: Author, profile_url: str | None) -> dict[str, Any]:
    """Describe ``author`` as a schema.org Person, with credentials when they have some."""
    described: dict[str, Any] = {"@type": "Person", "name": author.display_name}
    if profile_url:
        described["url"] = profile_url
    if author.credentials:
        described["honorificSuffix"] = author.credentials
    if author.role_title:
        described["jobTitle"] = author.role_title
    return described


def article_graph(article: Article, links: ArticleLinks, site_name: str) -> dict[str, Any]:
    """Return the JSON-LD for an article page: a MedicalWebPage and its BreadcrumbList."""
    assert article.published_at is not None  # only visible articles have a page
    page: dict[str, Any] = {
        "@type": "MedicalWebPage",
        "@id": links.page,
        "url": links.page,
        "headline": article.title,
        "name": article.title,
        "datePublished": article.published_at.isoformat(),
        "dateModified": article.updated_at.isoformat(),
        "author": person(article.author, links.author_profile),
        "about": {"@type": "Thing", "name": article.topic.title, "url": links.topic},
        "publisher": {"@type": "Organization", "name": site_name, "url": links.home},
        "isPartOf": {"@type": "WebSite", "name": site_name, "url": links.home},
    }
    if article.summary:
        page["description"] = article.summary
    if article.last_reviewed_at is not None and article.reviewer is not None:
        page["lastReviewed"] = iso_site_date(article.last_reviewed_at)
        page["reviewedBy"] = person(article.reviewer, links.reviewer_profile)
    if citations := cited_sources(article.body_html):
        page["citation"] = citations
    breadcrumbs = {
        "@type": "BreadcrumbList",
        "itemListElement": [
            _crumb(1, "Home", links.home),
            _crumb(2, article.topic.title, links.topic),
            _crumb(3, article.title, links.page),
        ],
    }
    return {"@context": "https://schema.org", "@graph": [page, breadcrumbs]}


def _crumb(position: int, name: str, url: str) -> dict[str, Any]:
    return {"@type": "ListItem", "position": position, "name": name, "item": url}


def cited_sources(body_html: str) -> list[dict[str, str]]:
    """Return each entry of the article's References section as a schema.org CreativeWork.

    The entry's text is its name; its first link to another site, if any, its url.
    """
    reader = _ReferencesReader()
    reader.feed(body_html)
    reader.close()
    sources = []
    for text, url in reader.entries:
        name = " ".join(text.replace("↩", "").split())
        if not name:
            continue
        source = {"@type": "CreativeWork", "name": name}
        if url:
            source["url"] = url
        sources.append(source)
    return sources


class _ReferencesReader(HTMLParser):
    """Collect the text and first outside link of each item in ``section.footnotes``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.entries: list[tuple[str, str | None]] = []
        self._section_depth = 0
        self._text: list[str] | None = None
        self._url: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "section":
            if self._section_depth or attributes.get("class") == SECTION_CLASS:
                self._section_depth += 1
        elif self._section_depth and tag == "li":
            self._text, self._url = [], None
        elif self._text is not None and tag == "a" and self._url is None:
            href = attributes.get("href") or ""
            if href.startswith(("https://", "http://")):
                self._url = href

    def handle_endtag(self, tag: str) -> None:
        if tag == "section" and self._section_depth:
            self._section_depth -= 1
        elif tag == "li" and self._text is not None:
            self.entries.append(("".join(self._text), self._url))
            self._text = None

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            self._text.append(data)


def defined_term_set(terms: list[GlossaryTerm], url: str) -> dict[str, Any]:
    """Describe the glossary at ``url``: a schema.org DefinedTermSet of every term."""
    return {
        "@context": "https://schema.org",
        "@type": "DefinedTermSet",
        "@id": url,
        "url": url,
        "name": "Glossary",
        "hasDefinedTerm": [
            {
                "@type": "DefinedTerm",
                "@id": f"{url}#{term.slug}",
                "url": f"{url}#{term.slug}",
                "name": term.term,
                **({"alternateName": term.names[1:]} if len(term.names) > 1 else {}),
                "description": term.definition,
                "inDefinedTermSet": url,
            }
            for term in terms
        ],
    }
