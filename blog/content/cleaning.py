"""The allow-list: HTML in, only the tags, attributes and URLs we trust out (bleach)."""

from collections.abc import Iterator
from functools import partial
from typing import Any

import bleach
from bleach.html5lib_shim import Filter, convert_entities, getTreeWalker
from bleach.linkifier import LinkifyFilter

from .footnotes import BACK_LINK_LABEL, FOOTNOTE_ID, SECTION_CLASS
from .images import MIME_TYPES, SIZES, SRCSET
from .urls import ALLOWED_SCHEMES, EXTERNAL_REL, URL_ATTRIBUTE, is_foreign, safe_url

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "blockquote", "br", "code", "del", "em", "h2", "h3", "h4", "h5", "h6",
        "hr", "img", "li", "ol", "p", "pre", "strong", "sub", "sup", "table", "tbody", "td",
        "th", "thead", "tr", "ul",
        "section",  # the footnotes' References
        "picture", "source",  # library images, as ``images.picture_html`` writes them
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "rel"},
    "abbr": {"title"},
    "img": {"src", "alt", "title"},
    "source": {"type"},
    "th": {"align"},
    "td": {"align"},
}
_ALIGNMENTS = {"left", "right", "center"}
# Attributes of library images, each kept only with the one value (or the shape)
# ``images.picture_html`` writes: nothing an author types can produce them.
_IMAGE_ATTRIBUTES = {
    "loading": lambda value: value == "lazy",
    "decoding": lambda value: value == "async",
    "sizes": lambda value: value == SIZES,
    "srcset": lambda value: SRCSET.fullmatch(value) is not None,
    "width": lambda value: value.isascii() and value.isdigit() and len(value) <= 5,
    "height": lambda value: value.isascii() and value.isdigit() and len(value) <= 5,
}


def _allowed_attribute(tag: str, name: str, value: str) -> bool:
    """Tell bleach whether to keep an attribute (it checks URL schemes afterwards)."""
    if name == "align":
        return tag in ("th", "td") and value in _ALIGNMENTS
    if name == "id":  # only the footnotes' own ids, so no author can plant one
        return tag in ("sup", "li") and FOOTNOTE_ID.fullmatch(value) is not None
    if name == "aria-label":  # only the footnotes' back-links' own names
        return tag == "a" and BACK_LINK_LABEL.fullmatch(value) is not None
    if name == "class":
        return tag == "section" and value == SECTION_CLASS
    if name in _IMAGE_ATTRIBUTES:
        return tag in ("img", "source") and bool(_IMAGE_ATTRIBUTES[name](value))
    if name == "type":
        return tag == "source" and value == MIME_TYPES["webp"]
    return name in ALLOWED_ATTRIBUTES.get(tag, ())


def clean_html(html: str) -> str:
    """Keep only allow-listed markup of ``html``, every attribute in double quotes."""
    clean = _cleaner.clean(html).strip()
    # Text already has ">" escaped, but attribute values may not; "]]>" would end
    # the CDATA section that carries this HTML in a feed. "&gt;" means the same.
    return clean.replace("]]>", "]]&gt;")


class _UrlFilter(Filter):  # type: ignore[misc]  # html5lib is untyped
    """Spell each link and image URL as a browser reads it; drop one that must go.

    Runs after bleach's own protocol check, so what it sees is already allowed
    text; it closes the gap between that text and where a browser would go.
    """

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for token in super().__iter__():
            if token["type"] in ("StartTag", "EmptyTag") and token["name"] in URL_ATTRIBUTE:
                key = (None, URL_ATTRIBUTE[token["name"]])
                if key in token["data"]:
                    # bleach keeps character references in values; a browser decodes them.
                    written = convert_entities(token["data"][key])
                    url = safe_url(written)
                    if url is None:
                        del token["data"][key]
                    elif url != written:
                        token["data"][key] = url
            yield token


def _mark_external_links(attrs: dict, new: bool = False) -> dict | None:
    """Give links that leave the site a ``rel`` that withholds trust and the opener."""
    if is_foreign(attrs.get((None, "href"), "")):
        attrs[(None, "rel")] = EXTERNAL_REL
    else:
        attrs.pop((None, "rel"), None)
    return attrs


_EtreeWalker = getTreeWalker("etree")


class _LinearTreeWalker(_EtreeWalker):  # type: ignore[misc,valid-type]
    """html5lib's tree walker, climbing back to a parent in constant time.

    The stock walker finds an element's place among its siblings with
    ``list(parent).index(element)`` on every climb, which is quadratic in the
    number of siblings: a body of 20,000 fenced code blocks took over a minute.
    Here each parent's positions are looked up once. The walk never changes the
    tree (bleach filters the token stream), so the table stays right.
    """

    def __init__(self, tree: Any) -> None:
        super().__init__(tree)
        self._positions: dict[int, dict[int, int]] = {}

    def getParentNode(self, node: Any) -> Any:  # noqa: N802 (html5lib's API)
        if not isinstance(node, tuple):
            return None
        element, key, parents, flag = node
        if flag == "text":
            return element if not parents else (element, key, parents, None)
        parent = parents.pop()
        if not parents:
            return parent
        return parent, self._position(parents[-1], parent), parents, None

    def _position(self, parent: Any, child: Any) -> int:
        if id(parent) not in self._positions:
            self._positions[id(parent)] = {id(node): n for n, node in enumerate(parent)}
        return self._positions[id(parent)][id(child)]


class _Cleaner(bleach.Cleaner):  # type: ignore[misc]
    """bleach's Cleaner, linear in the size of its input, writing attributes in '"'.

    html5lib would otherwise pick single quotes for a value holding '"' and no
    "'" (``title='say "hi"'``); one quoting style keeps every later reader of
    the stored HTML honest.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.walker = _LinearTreeWalker
        self.serializer.use_best_quote_char = False


_cleaner = _Cleaner(
    tags=ALLOWED_TAGS,
    attributes=_allowed_attribute,
    protocols=ALLOWED_SCHEMES,
    strip=True,
    strip_comments=True,
    filters=[
        _UrlFilter,  # before linkify, so the rel is decided on the URL as a browser reads it
        partial(
            LinkifyFilter,
            callbacks=[_mark_external_links],
            skip_tags={"pre", "code"},
            parse_email=False,
        ),
    ],
)
