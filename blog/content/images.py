"""Images from the site's library, as responsive markup: ``<picture>`` with WebP and a fallback.

This module knows the library's URLs and writes the markup; it never reads the
database. What is in the library is asked of a ``ImageResolver`` handed in by
the caller (``blog.library.resolve``), once per text, for every image it places.
The cleaner (``cleaning``) lets ``srcset``, ``sizes`` and the other attributes
through only in the exact shapes written here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from html import escape

# A library image's URL: /media/<content hash>-<width>.<ext>. Authors paste one.
HASH_LENGTH = 24
_WIDTH = "[1-9][0-9]{0,4}"
MEDIA_URL = re.compile(
    rf"/media/(?P<hash>[0-9a-f]{{{HASH_LENGTH}}})-(?P<width>{_WIDTH})\.(?P<ext>webp|jpg|png)"
)
MIME_TYPES = {"webp": "image/webp", "jpg": "image/jpeg", "png": "image/png"}
# The column an image fills: the page's measure (42rem, less 1rem padding each
# side), and the whole viewport less that padding on narrower screens.
SIZES = "(min-width: 42rem) 40rem, calc(100vw - 2rem)"
# srcset as written by ``_srcset``: library URLs with their widths, nothing else.
_CANDIDATE = rf"/media/[0-9a-f]{{{HASH_LENGTH}}}-{_WIDTH}\.(?:webp|jpg|png) {_WIDTH}w"
SRCSET = re.compile(rf"{_CANDIDATE}(?:, {_CANDIDATE})*")


@dataclass(frozen=True)
class LibraryImage:
    """What the markup needs to know of one image in the library."""

    hash: str
    # The widest variant's size; every variant has this aspect ratio.
    width: int
    height: int
    # The variants' widths, narrowest first; each comes as WebP and as ``fallback``.
    widths: tuple[int, ...]
    fallback: str  # "jpg" or "png"
    alt: str  # the library's description; "" for a decorative image

    def url(self, width: int | None = None, ext: str | None = None) -> str:
        """Return the path of one variant; by default the widest, in the fallback format."""
        return f"/media/{self.hash}-{width or self.width}.{ext or self.fallback}"

    def height_at(self, width: int) -> int:
        """Return the height of the variant ``width`` wide."""
        return max(1, round(self.height * width / self.width))


# Given the hashes a text places, return the library's images among them.
ImageResolver = Callable[[Iterable[str]], dict[str, LibraryImage]]


def media_hash(url: str) -> str | None:
    """Return the content hash in a library image's ``url``, or None if it is not one."""
    match = MEDIA_URL.fullmatch(url)
    return match.group("hash") if match else None


def _srcset(image: LibraryImage, ext: str) -> str:
    return ", ".join(f"{image.url(width, ext)} {width}w" for width in image.widths)


def picture_html(
    image: LibraryImage,
    *,
    alt: str | None = None,
    title: str | None = None,
    lazy: bool = True,
    width: int | None = None,
) -> str:
    """Write ``image`` as a ``<picture>``: WebP where the browser takes it, else the fallback.

    ``alt`` overrides the library's description; ``lazy`` is for images below the
    first screen (a lead image is not). ``width`` shows one variant alone (a
    thumbnail) instead of letting the browser choose by the column's width.
    """
    text = image.alt if alt is None else alt
    title_attribute = f' title="{escape(title)}"' if title else ""
    # Not lazy: the image on the first screen, which the browser should fetch first.
    loading = ' loading="lazy"' if lazy else ' fetchpriority="high"'
    if width is not None:
        shown = max((w for w in image.widths if w <= width), default=image.widths[0])
        webp = f'srcset="{image.url(shown, "webp")}"'
        fallback = f'src="{image.url(shown)}"'
        size = f'width="{shown}" height="{image.height_at(shown)}"'
    else:
        webp = f'srcset="{_srcset(image, "webp")}" sizes="{SIZES}"'
        fallback = f'src="{image.url()}" srcset="{_srcset(image, image.fallback)}" sizes="{SIZES}"'
        size = f'width="{image.width}" height="{image.height}"'
    return (
        f'<picture><source type="image/webp" {webp}>'
        f'<img {fallback} alt="{escape(text)}"{title_attribute} {size}{loading} decoding="async">'
        "</picture>"
    )
