"""What an image in the library is, and the refusals its uploader reads.

Pillow's work, checking and cleaning an upload, is in ``blog.imaging``, which only
an upload loads: readers' requests, which serve stored variants, never need it.
This module knows nothing of the database or HTTP (``blog.library`` stores images).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from .content.images import HASH_LENGTH
from .rules import IMAGE_VARIANT_WIDTHS, MAX_IMAGE_UPLOAD_BYTES


@dataclass(frozen=True)
class ImageRefused(Exception):
    """A file that cannot become a library image, and why, in words for its uploader."""

    message: str
    status: int = 400

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Variant:
    width: int
    height: int
    ext: str  # "webp", "jpg" or "png"
    data: bytes


@dataclass(frozen=True)
class PreparedImage:
    """An upload, checked and cleaned: what the library stores."""

    hash: str
    original_format: str  # as authors call it: "JPEG", "PNG", "WebP", "GIF"
    original_width: int  # upright, after the EXIF orientation
    original_height: int
    original_bytes: int
    fallback: str  # "jpg", or "png" for an image with transparency
    variants: list[Variant]

    @property
    def width(self) -> int:
        return max(variant.width for variant in self.variants)

    @property
    def height(self) -> int:
        return max(variant.height for variant in self.variants)


def content_hash(data: bytes) -> str:
    """Return the name an upload is stored under: a hash of its bytes, never its filename."""
    return hashlib.sha256(data).hexdigest()[:HASH_LENGTH]


def variant_widths(width: int) -> tuple[int, ...]:
    """Return the widths served of an image ``width`` wide: never wider than it is."""
    widest = min(width, max(IMAGE_VARIANT_WIDTHS))
    return tuple(sorted({w for w in IMAGE_VARIANT_WIDTHS if w < widest} | {widest}))


def _too_large_message(size: int) -> str:
    return (
        f"The file is {size / 1024 / 1024:.1f} MB; the most an image can be is "
        f"{MAX_IMAGE_UPLOAD_BYTES // 1024 // 1024} MB. Save it smaller (a photo 2,000 pixels "
        "wide is plenty) and upload that."
    )


def too_large_message(size: int | None = None) -> str:
    """The refusal for an upload over the size limit, ``size`` bytes when known."""
    if size is None:
        return (
            f"The file is larger than {MAX_IMAGE_UPLOAD_BYTES // 1024 // 1024} MB, the most an "
            "image can be. Save it smaller (a photo 2,000 pixels wide is plenty) and upload that; "
            "your browser's Back button keeps the description you typed."
        )
    return _too_large_message(size)
