"""Image files made in the tests with Pillow (and zlib, for a bomb), and the upload form."""

import io
import re
import struct
import zlib

from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from blog.extensions import db
from blog.models import Media, MediaVariant
from tests.forms import csrf_token

# Where the test photo was "taken": a place in the sea off the Kent coast.
GPS_IFD = {1: "N", 2: (51.0, 20.0, 12.5), 3: "E", 4: (1.0, 30.0, 7.25)}
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
    b'xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="51,20.2N"/>'
    b"</rdf:RDF></x:xmpmeta>"
)


def photo(
    size=(2000, 1500), *, gps: bool = False, orientation: int | None = None, grain: bool = False
) -> bytes:
    """A JPEG photo: a gradient, optionally with GPS tags, XMP and an EXIF orientation.

    ``grain`` adds sensor-like noise, so it compresses about as a real photo does.
    """
    width, height = size
    image = Image.linear_gradient("L").resize(size)
    if grain:
        image = Image.blend(image, Image.effect_noise(size, 60).convert("L"), 0.3)
    image = image.convert("RGB")
    image.paste((200, 40, 40), (0, 0, width // 4, height // 4))  # a red corner: which way is up
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Phone 12"  # Model
    if orientation:
        exif[0x0112] = orientation
    if gps:
        exif[0x8825] = GPS_IFD
    out = io.BytesIO()
    options = {"exif": exif, "comment": b"taken at home"}
    if gps:
        options["xmp"] = XMP
    image.save(out, "JPEG", quality=90, **options)
    return out.getvalue()


def png(size=(300, 200), *, alpha: bool = False) -> bytes:
    image = Image.new(
        "RGBA" if alpha else "RGB", size, (20, 120, 200, 128) if alpha else (20, 120, 200)
    )
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def png_bomb(width: int, height: int) -> bytes:
    """A real PNG of ``width`` x ``height`` black pixels (1 bit each), compressed to a few kB.

    Written chunk by chunk (the pixels are never held in memory): Pillow reads its
    header as any PNG's; decoding it would need width x height bytes.
    """

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte, then the row's bits
    compressor = zlib.compressobj(9)
    pieces = [compressor.compress(row) for _ in range(height)]
    pieces.append(compressor.flush())
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", b"".join(pieces))
        + chunk(b"IEND", b"")
    )


def upload(
    client: FlaskClient,
    data: bytes,
    *,
    filename: str = "photo.jpg",
    content_type: str = "image/jpeg",
    alt: str = "A gradient from black to white with a red corner",
    decorative: bool = False,
    with_csrf: bool = True,
    extra_files: int = 0,
):
    """Upload ``data`` through the Images page's form, as a browser would."""
    form: dict = {"alt_text": alt, "upload": "Upload"}
    if decorative:
        form["decorative"] = "y"
    if with_csrf:
        form["csrf_token"] = csrf_token(client.get("/manage/images").get_data(as_text=True))
    fields = MultiDict(form)
    for name in [filename] + [f"more-{n}.jpg" for n in range(extra_files)]:
        fields.add("file", FileStorage(io.BytesIO(data), filename=name, content_type=content_type))
    # Encoded here, in memory: the test client would spool a large body to a
    # temporary file that it never closes.
    boundary, body = encode_multipart(fields)
    return client.post(
        "/manage/images", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )


def stored(app: Flask) -> tuple[int, int]:
    """How many images and image files the database holds."""
    with app.app_context():
        return (
            db.session.scalar(select(func.count()).select_from(Media)),
            db.session.scalar(select(func.count()).select_from(MediaVariant)),
        )


def only_media(app: Flask) -> Media:
    with app.app_context():
        media = db.session.scalars(select(Media)).one()
        db.session.expunge(media)
        return media


MEDIA_URLS = re.compile(r"/media/[0-9a-f]{24}-\d+\.(?:webp|jpg|png)")


def media_urls(html: str) -> set[str]:
    """Every library file a page or feed points at (in src, srcset and meta tags)."""
    return set(MEDIA_URLS.findall(html))
