"""URLs in content: read as a browser reads them, and made absolute for feeds.

What matters for safety is where a browser goes, not what the text says. A
browser drops tabs and newlines anywhere in a URL, trims spaces and control
characters at its ends, and reads "\\" as "/" in web URLs; so "//evil.example",
"\\\\evil.example" and "/\\evil.example" all leave the site, although a naive
check sees a path. Every decision here is taken on ``as_browser_reads``.
"""

from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

ALLOWED_SCHEMES = frozenset({"http", "https", "mailto"})
EXTERNAL_REL = "nofollow noopener"

_IGNORED_INSIDE = str.maketrans("", "", "\t\n\r")
_TRIMMED_AT_ENDS = "".join(chr(code) for code in range(0x21))  # C0 controls and space
# The attribute of each tag that holds a URL (the only URL attributes we allow).
URL_ATTRIBUTE = {"a": "href", "img": "src"}


def as_browser_reads(url: str) -> str:
    """Return ``url`` as a browser resolves it: no tabs or newlines, trimmed, "\\" as "/"."""
    return url.translate(_IGNORED_INSIDE).strip(_TRIMMED_AT_ENDS).replace("\\", "/")


def is_foreign(url: str) -> bool:
    """Tell whether ``url`` leads to another site (http(s) with a host, or "//host")."""
    seen = as_browser_reads(url)
    if seen.startswith("//"):
        return True
    try:
        return urlsplit(seen).scheme.lower() in ("http", "https")
    except ValueError:  # e.g. "http://[": unreadable, so not ours
        return True


def safe_url(url: str) -> str | None:
    """Return ``url`` spelled the way a browser reads it, or None if it must go.

    A protocol-relative URL becomes an explicit "https://host/...", so that it is
    visibly foreign (and gets the external rel) rather than passing for a site
    path. A scheme outside the allowed ones, or an http(s) URL with no host
    ("https:evil.example", which browsers read two different ways), is dropped.
    """
    seen = as_browser_reads(url)
    if seen.startswith("//"):
        seen = "https:" + seen
    try:
        parts = urlsplit(seen)
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme and scheme not in ALLOWED_SCHEMES:
        return None
    if scheme in ("http", "https") and not parts.netloc:
        return None
    return seen


def absolutize_urls(clean_html: str, base_url: str) -> str:
    """Return stored clean HTML with relative link and image URLs made absolute.

    Feed readers and e-mail tools resolve relative URLs badly or not at all. A
    responsive library image becomes its plain ``<img>`` (with width and height).
    The HTML is parsed (never matched with a pattern: an attribute quoted with
    "'" holding a '"' would fool one), every <a> and <img> start tag is written
    again with double-quoted attributes, and everything else is copied as stored.
    """
    writer = _AbsoluteUrlWriter(base_url)
    writer.feed(clean_html)
    writer.close()
    return "".join(writer.out)


# A library image in a feed is its <img> alone, at its widest fallback (src): feed
# readers load every image at once and choose no source, and RSS validators know
# no <picture>, <source>, srcset or sizes.
_PAGE_ONLY_TAGS = frozenset({"picture", "source"})
# Attributes feed HTML leaves out: responsive-image hints, which feed readers do not
# use, and ARIA, which the W3C feed validator refuses (the footnotes' back-links
# keep their title, which says the same).
_PAGE_ONLY_ATTRIBUTES = frozenset({"srcset", "sizes", "loading", "decoding", "aria-label"})


class _AbsoluteUrlWriter(HTMLParser):
    """Copy clean HTML through, rewriting the URL of each link and image."""

    def __init__(self, base_url: str) -> None:
        # Raw text and character references are handed over untouched, to copy as-is.
        super().__init__(convert_charrefs=False)
        self.base_url = base_url
        self.out: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _PAGE_ONLY_TAGS:
            return
        if tag not in URL_ATTRIBUTE:
            self.out.append(self.get_starttag_text() or "")
            return
        written = {  # html.parser has already decoded every value
            name: value for name, value in attrs if name not in _PAGE_ONLY_ATTRIBUTES
        }
        url_name = URL_ATTRIBUTE[tag]
        url = written.get(url_name)
        if url is not None:
            url = safe_url(url)
            if url is None:
                del written[url_name]
            else:
                written[url_name] = urljoin(self.base_url, url)
                if tag == "a" and is_foreign(url):
                    written["rel"] = EXTERNAL_REL  # also for HTML stored before this rule
        self.out.append(f"<{tag}{_attributes(written)}>")

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag: str) -> None:
        if tag not in _PAGE_ONLY_TAGS:
            self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        self.out.append(data)

    def handle_entityref(self, name: str) -> None:
        self.out.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.out.append(f"&#{name};")

    def handle_comment(self, data: str) -> None:
        # The cleaner strips comments, so stored HTML has none; drop any, never copy one.
        pass


def _attributes(attrs: dict[str, str | None]) -> str:
    return "".join(
        f" {name}" if value is None else f' {name}="{_escape_value(value)}"'
        for name, value in attrs.items()
    )


def _escape_value(value: str) -> str:
    # The same escaping bleach writes, so a rewritten tag reads like the stored ones.
    return (
        value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
    )
