"""Uploaded image files in, clean resized variants out: the only module that uses Pillow.

A file is trusted for nothing: not its name, not its declared type, not the size
its header claims. It is refused unless Pillow recognises it as JPEG, PNG, WebP or
GIF from its bytes, its pixel count is under ``MAX_IMAGE_PIXELS`` (checked from the
header, before anything is decoded), and it decodes whole. Then its EXIF
orientation is applied, and every variant is drawn onto a new, empty image, so no
metadata (EXIF, GPS, XMP, comments) can travel with it; only the ICC colour
profile is copied, to keep colours right. A GIF gives its first frame.

This module knows nothing of the database or HTTP (``blog.library`` stores what it makes),
and only an upload imports it, so no worker serving readers loads Pillow.
"""

from __future__ import annotations

import io
import warnings

from PIL import Image, ImageOps, UnidentifiedImageError

from .media import (
    ImageRefused,
    PreparedImage,
    Variant,
    content_hash,
    too_large_message,
    variant_widths,
)
from .rules import (
    IMAGE_VARIANT_WIDTHS,
    MAX_IMAGE_PIXELS,
    MAX_IMAGE_UPLOAD_BYTES,
    MAX_IMAGE_VARIANT_HEIGHT,
)

# Pillow names, and what authors call them.
ACCEPTED_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP", "GIF": "GIF"}
WEBP_QUALITY = 80
ORIENTATION_TAG = 0x0112  # EXIF: how the camera was held
JPEG_QUALITY = 82


def prepare(data: bytes) -> PreparedImage:
    """Check, decode, clean and resize an uploaded file; raise ImageRefused if it cannot be."""
    if not data:
        raise ImageRefused("The file is empty (0 bytes). Choose the image file again.")
    if len(data) > MAX_IMAGE_UPLOAD_BYTES:
        raise ImageRefused(too_large_message(len(data)), status=413)
    if _looks_like_svg(data):
        raise ImageRefused(
            "SVG images are not accepted: an SVG can carry script. "
            "Export it as PNG and upload that."
        )
    image = _open(data)
    original_format = ACCEPTED_FORMATS[str(image.format)]
    original_size = image.size
    try:
        image = _decode(image)
    except (OSError, SyntaxError, ValueError, EOFError) as error:
        raise ImageRefused(
            f"This {original_format} file is damaged or incomplete, so it cannot be shown "
            f"({error}). Save it again from the original and upload that."
        ) from error
    if (image.width > image.height) != (original_size[0] > original_size[1]):
        original_size = original_size[::-1]  # turned upright by its EXIF orientation
    icc_profile = image.info.get("icc_profile") if image.mode != "CMYK" else None
    image, fallback = _upright_colours(image)
    widths = variant_widths(image.width)
    if round(image.height * widths[-1] / image.width) > MAX_IMAGE_VARIANT_HEIGHT:
        raise ImageRefused(
            f"This image is too tall for its width ({original_size[0]:,} × "
            f"{original_size[1]:,} pixels): shown {widths[-1]:,} pixels wide it would be taller "
            f"than {MAX_IMAGE_VARIANT_HEIGHT:,} pixels, the most a web image can be. Crop it, "
            "or split it into parts, and upload those."
        )
    variants: list[Variant] = []
    for width in widths:
        resized = _resized(image, width)
        variants.append(_encode(resized, "webp", icc_profile))
        variants.append(_encode(resized, fallback, icc_profile))
    return PreparedImage(
        hash=content_hash(data),
        original_format=original_format,
        original_width=original_size[0],
        original_height=original_size[1],
        original_bytes=len(data),
        fallback=fallback,
        variants=variants,
    )


def _looks_like_svg(data: bytes) -> bool:
    head = data[:4096].lstrip().lower()
    return head.startswith((b"<svg", b"<?xml")) or b"<svg" in head


def _open(data: bytes) -> Image.Image:
    """Identify the file from its bytes and read its header, refusing huge pixel counts."""
    not_an_image = ImageRefused(
        "This file is not a JPEG, PNG, WebP or GIF image, whatever its name or type says. "
        "Choose an image file."
    )
    try:
        with warnings.catch_warnings():
            # Pillow's own bomb warning, past its default limit, becomes a refusal.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=list(ACCEPTED_FORMATS))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise _too_many_pixels(None) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as error:
        raise not_an_image from error
    if image.width * image.height > MAX_IMAGE_PIXELS:
        raise _too_many_pixels(image.size)
    return image


def _too_many_pixels(size: tuple[int, int] | None) -> ImageRefused:
    claimed = f" ({size[0]:,} × {size[1]:,} pixels)" if size else ""
    return ImageRefused(
        f"This image is too large to open{claimed}: the most is "
        f"{MAX_IMAGE_PIXELS // 1_000_000} megapixels. Resize it and upload it again.",
        status=413,
    )


def _decode(image: Image.Image) -> Image.Image:
    """Decode the first frame whole (a truncated file raises), upright."""
    if image.format == "JPEG":
        # Decode no larger than needed: JPEG can scale by 1/2, 1/4, 1/8 as it decodes.
        # The side that ends up as the width stays at least the widest variant.
        widest = max(IMAGE_VARIANT_WIDTHS)
        turned = image.getexif().get(ORIENTATION_TAG, 1) in (5, 6, 7, 8)
        image.draft("RGB", (1, widest) if turned else (widest, 1))
    image.seek(0)
    image.load()
    upright = ImageOps.exif_transpose(image)
    return upright if upright is not None else image


def _upright_colours(image: Image.Image) -> tuple[Image.Image, str]:
    """Return the image as RGB (fallback JPEG) or, if it has transparency, RGBA (PNG)."""
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        lowest_alpha, _ = rgba.getchannel("A").getextrema()
        if isinstance(lowest_alpha, int | float) and lowest_alpha < 255:
            return rgba, "png"
        return rgba.convert("RGB"), "jpg"
    if image.mode == "RGB":
        return image, "jpg"
    return image.convert("RGB"), "jpg"


def _resized(image: Image.Image, width: int) -> Image.Image:
    """Draw ``image`` at ``width`` onto a new image: nothing but pixels is carried over."""
    height = max(1, round(image.height * width / image.width))
    source = (
        image if width == image.width else image.resize((width, height), Image.Resampling.LANCZOS)
    )
    clean = Image.new(source.mode, source.size)
    clean.paste(source)
    return clean


def _encode(image: Image.Image, ext: str, icc_profile: bytes | None) -> Variant:
    out = io.BytesIO()
    options: dict[str, object] = {}
    if icc_profile:
        options["icc_profile"] = icc_profile
    if ext == "webp":
        image.save(out, "WEBP", quality=WEBP_QUALITY, method=4, **options)
    elif ext == "jpg":
        image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True, **options)
    else:
        image.save(out, "PNG", optimize=True, **options)
    return Variant(width=image.width, height=image.height, ext=ext, data=out.getvalue())
