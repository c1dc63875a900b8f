"""The image library: ``/manage/images`` for authors, and ``/media/…`` files for everyone.

Files are served straight from the database under content-hashed names that
never change, so they are marked immutable for a year: nginx, a CDN and browsers
answer repeat requests, and a revalidation is a 304 without reading the bytes.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response as BaseResponse

from .. import library
from ..content.images import MEDIA_URL, MIME_TYPES, LibraryImage, picture_html
from ..extensions import csrf
from ..forms import ImageUploadForm
from ..media import ImageRefused, too_large_message
from ..models import Media
from ..presentation import absolute_url
from ..rules import (
    MAX_ID,
    MAX_IMAGE_FORM_PARTS,
    MAX_IMAGE_REQUEST_BYTES,
    MAX_IMAGES_PER_UPLOAD,
    InvalidInput,
)
from .access import never_cache

bp = Blueprint("media", __name__)

A_YEAR = 365 * 24 * 60 * 60


@bp.get("/media/<name>")
def serve(name: str) -> BaseResponse:
    """Serve one variant of a library image, immutable, with a strong ETag."""
    match = MEDIA_URL.fullmatch(f"/media/{name}")
    if match is None:
        abort(404)
    hash_, width, ext = match["hash"], int(match["width"]), match["ext"]
    etag = f"{hash_}-{width}.{ext}"
    # A revalidation needs only to know the file still exists, not its bytes.
    revalidating = request.if_none_match.contains(etag)
    found = library.served_file(hash_, width, ext, with_data=not revalidating)
    if found is None:
        abort(404)
    response = Response(found.data, mimetype=MIME_TYPES[ext])
    response.set_etag(etag)
    response.last_modified = found.created_at
    response.cache_control.public = True
    response.cache_control.max_age = A_YEAR
    response.cache_control.immutable = True
    response.headers["X-Content-Type-Options"] = "nosniff"
    if revalidating:
        response.status_code = 304
        response.set_data(b"")
        return response
    return response.make_conditional(request)


@bp.get("/manage/images")
@login_required
def images() -> tuple[str, int]:
    return _images_page(ImageUploadForm())


@bp.post("/manage/images")
@csrf.exempt  # checked below, once the body may be as large as an image
@login_required
def upload() -> tuple[str, int] | BaseResponse:
    # This route alone takes a body over MAX_CONTENT_LENGTH; set before it is read.
    request.max_content_length = MAX_IMAGE_REQUEST_BYTES
    request.max_form_parts = MAX_IMAGE_FORM_PARTS
    try:
        files = request.files.getlist("file")
    except RequestEntityTooLarge:
        return _refused(ImageUploadForm(formdata=None), too_large_message(), 413)
    csrf.protect()
    form = ImageUploadForm()
    if len(files) > MAX_IMAGES_PER_UPLOAD:
        return _refused(form, "Upload one image at a time, each with its own description.", 400)
    chosen = files[0] if files and files[0].filename else None
    if chosen is None:
        return _refused(form, "Choose an image file to upload.", 400, field="file")
    data = chosen.read(MAX_IMAGE_REQUEST_BYTES + 1)
    try:
        media = library.upload(
            data,
            form.alt_text.data or "",
            decorative=bool(form.decorative.data),
            by=current_user,
        )
    except InvalidInput as invalid:
        form.show_problems(invalid.errors)
        return _images_page(form, status=400)
    except ImageRefused as refused:
        return _refused(form, refused.message, refused.status, field="file")
    except library.AlreadyInLibrary as duplicate:
        message = (
            "This file is already in the library (uploaded "
            f"{duplicate.media.created_at:%d %B %Y}); use its Markdown below."
        )
        return _refused(form, message, 409, field="file")
    flash(f"Uploaded. Paste this into an article: {markdown_for(media)}", "success")
    return redirect(url_for("media.images", _anchor=f"image-{media.id}"))


@bp.post(f"/manage/images/<int(min=1, max={MAX_ID}):media_id>/delete")
@login_required
def delete(media_id: int) -> tuple[str, int] | BaseResponse:
    media = library.media_or_none(media_id)
    if media is None or not (current_user.is_editor or media.uploaded_by_id == current_user.id):
        abort(404)
    try:
        library.delete(media)
    except library.InUse as in_use:
        return _images_page(ImageUploadForm(formdata=None), in_use=in_use, status=409)
    flash("Deleted the image. Its addresses no longer show it.", "success")
    return redirect(url_for("media.images"))


def _refused(
    form: ImageUploadForm, message: str, status: int, *, field: str | None = None
) -> tuple[str, int]:
    if field is not None:
        form.show_problems({field: message + " Choose the file again: browsers do not keep it."})
    else:
        form.form_errors.append(message + " Nothing was saved.")
    return _images_page(form, status=status)


def _images_page(
    form: ImageUploadForm,
    *,
    in_use: library.InUse | None = None,
    status: int = 200,
) -> tuple[str, int]:
    page = render_template(
        "media/images.html", form=form, library=library.all_media(), in_use=in_use
    )
    return page, status


@bp.after_request
def never_cache_forms(response: BaseResponse) -> BaseResponse:
    return response if request.endpoint == "media.serve" else never_cache(response)


def markdown_for(media: Media) -> str:
    """Return the Markdown an author pastes to place ``media`` in a text."""
    alt = media.alt_text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")
    return f"![{alt}]({library.library_image(media).url()})"


def _library_image(media: Media) -> LibraryImage:
    return library.library_image(media)


@bp.app_template_global()
def picture(
    media: Media, *, lazy: bool = True, width: int | None = None, alt: str | None = None
) -> Markup:
    """A library image as responsive markup, for templates (lead images, thumbnails)."""
    return Markup(picture_html(_library_image(media), lazy=lazy, width=width, alt=alt))


@bp.app_template_global()
def media_url(media: Media, width: int | None = None, ext: str | None = None) -> str:
    """The absolute URL of one variant of ``media`` (the widest fallback by default)."""
    return absolute_url(_library_image(media).url(width, ext))


bp.add_app_template_global(markdown_for, "image_markdown")


@bp.app_template_filter()
def file_size(size: int) -> str:
    """Say how large a file is, as people do: "2.4 MB", "310 kB"."""
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    return f"{max(1, round(size / 1024))} kB"
