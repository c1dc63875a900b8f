"""The one place that decides what a URL segment may be."""

import re
import unicodedata

from werkzeug.routing import BaseConverter

from .rules import MAX_SLUG_LENGTH

# Root-level article slugs share the URL space with the site's own routes.
RESERVED_SLUGS = frozenset(
    {
        "about",
        "account",
        "admin",
        "api",
        "dashboard",
        "edit",
        "feed",
        "feed.json",
        "feed.xml",
        "favicon.ico",
        "glossary",
        "healthz",
        "history",
        "login",
        "logout",
        "manage",
        "media",
        "password",
        "preview",
        "robots.txt",
        "search",
        "sitemap.xml",
        "static",
        "topics",
        "write",
    }
)

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def slugify(text: str) -> str:
    """Turn a title into lower-case ASCII words joined by hyphens."""
    # "Grace's guide" becomes "graces-guide", not "grace-s-guide".
    text = re.sub(r"['’]", "", text)
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    slug = "-".join(words)
    if len(slug) > MAX_SLUG_LENGTH:
        slug = slug[:MAX_SLUG_LENGTH].rsplit("-", 1)[0]
    return slug


def slug_problem(slug: str) -> str | None:
    """Return why ``slug`` cannot be used as an article address, or None if it can."""
    if not slug:
        return "Enter a slug, or a title to make one from."
    if len(slug) > MAX_SLUG_LENGTH:
        return f"Keep the slug to {MAX_SLUG_LENGTH} characters or fewer."
    if slug in RESERVED_SLUGS:
        return f"“{slug}” is a page of the site itself; choose another slug."
    if not SLUG_PATTERN.match(slug):
        return "Use only lower-case letters a–z, digits and single hyphens between words."
    return None


class SlugConverter(BaseConverter):
    """Match only well-formed slugs in URLs, so anything else is a 404 before any query."""

    regex = SLUG_PATTERN.pattern.removeprefix("^").removesuffix("$")
