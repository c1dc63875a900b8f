"""The image library: uploads, what is refused, what readers get, and no metadata leaks."""

import io
import json
import re

import feedparser
import pytest
from PIL import Image
from sqlalchemy import select

from blog import accounts, cache
from blog.content import render_markdown
from blog.content.cleaning import clean_html
from blog.extensions import db
from blog.models import Article, Author, Media
from blog.rules import MAX_IMAGE_UPLOAD_BYTES, MAX_LIBRARY_IMAGES_PER_TEXT, InvalidInput
from tests.forms import csrf_token, submit
from tests.helpers import SITE_URL
from tests.images import (
    media_urls,
    only_media,
    photo,
    png,
    png_bomb,
    stored,
    upload,
)

TOPIC = "treatment-resistant-depression"


@pytest.fixture
def topic(make_topic):
    return make_topic(TOPIC, "Treatment-Resistant Depression")


@pytest.fixture
def logged_in(auth, ada, topic):
    auth.login()
    return ada


def write(client, topic, *, title="Reading a food label", body="Text.", lead_image="", **more):
    data = {
        "title": title,
        "summary": "What to look for.",
        "body": body,
        "topic": str(topic.id),
        "slug": "",
        "lead_image": str(lead_image),
        "publish": "Publish",
        **more,
    }
    return submit(client, "/write", data)


def fetch(client, url, **headers):
    return client.get(url, headers=headers)


# Uploading, and what is stored and served.


def test_an_upload_is_stored_in_three_widths_as_webp_and_jpeg_and_listed(client, app, logged_in):
    response = upload(client, photo((2000, 1500)))
    assert response.status_code == 302
    assert stored(app) == (1, 6)
    media = only_media(app)
    assert (media.width, media.height, media.fallback) == (1600, 1200, "jpg")
    assert (media.original_format, media.original_width, media.original_height) == (
        "JPEG",
        2000,
        1500,
    )
    page = client.get(response.location).get_data(as_text=True)
    assert "Uploaded. Paste this into an article" in page
    assert "A gradient from black to white with a red corner" in page
    markdown = f"![A gradient from black to white with a red corner](/media/{media.hash}-1600.jpg)"
    assert f"<code>{markdown}</code>" in page
    assert "Ada Lovelace" in page and "2000 × 1500 JPEG" in page
    for width, height in ((480, 360), (960, 720), (1600, 1200)):
        for ext, mime in (("webp", "image/webp"), ("jpg", "image/jpeg")):
            served = fetch(client, f"/media/{media.hash}-{width}.{ext}")
            assert served.status_code == 200
            assert served.mimetype == mime
            assert Image.open(io.BytesIO(served.data)).size == (width, height)


def test_served_files_are_immutable_with_a_strong_etag_and_answer_304(client, app, logged_in):
    upload(client, photo((1000, 800)))
    media = only_media(app)
    url = f"/media/{media.hash}-960.webp"
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/dashboard").text)})
    first = fetch(client, url)
    assert first.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert first.headers["X-Content-Type-Options"] == "nosniff"
    etag = first.headers["ETag"]
    assert etag == f'"{media.hash}-960.webp"' and not etag.startswith("W/")
    again = fetch(client, url, **{"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag
    assert fetch(client, f"/media/{media.hash}-961.webp").status_code == 404
    assert fetch(client, f"/media/{media.hash}-960.gif").status_code == 404
    assert fetch(client, "/media/../../etc/passwd").status_code == 404


def test_small_images_are_never_upscaled_and_transparency_is_kept_as_png(client, app, logged_in):
    upload(client, png((300, 200), alpha=True), filename="dot.png", content_type="image/png")
    media = only_media(app)
    assert (media.width, media.height, media.fallback) == (300, 200, "png")
    assert stored(app) == (1, 2)  # one width, as WebP and PNG
    served = fetch(client, f"/media/{media.hash}-300.png")
    assert Image.open(io.BytesIO(served.data)).mode == "RGBA"
    assert fetch(client, f"/media/{media.hash}-480.png").status_code == 404


def test_a_gif_gives_its_first_frame(client, app, logged_in):
    frames = [Image.new("RGB", (200, 100), colour) for colour in ("red", "blue")]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    assert (
        upload(client, out.getvalue(), filename="a.gif", content_type="image/gif").status_code
        == 302
    )
    media = only_media(app)
    served = Image.open(io.BytesIO(fetch(client, f"/media/{media.hash}-200.jpg").data))
    red, green, blue = served.convert("RGB").getpixel((100, 50))
    assert red > 200 and blue < 60


def test_the_exif_orientation_is_applied(client, app, logged_in):
    # Orientation 6: the camera was turned; the picture is shown rotated 90° clockwise.
    upload(client, photo((1200, 800), orientation=6))
    media = only_media(app)
    assert (media.width, media.height) == (800, 1200)
    served = Image.open(io.BytesIO(fetch(client, f"/media/{media.hash}-800.jpg").data))
    assert served.size == (800, 1200)
    # The red corner, top left before turning, is now top right.
    top_right, top_left = (served.convert("RGB").getpixel(xy) for xy in ((780, 20), (20, 20)))
    assert top_right[0] > 150 and top_right[1] < 100  # red
    assert top_left[1] > 100  # not red


def test_the_same_file_twice_is_refused_and_points_at_the_first(client, app, logged_in):
    data = photo((600, 400))
    upload(client, data)
    again = upload(client, data, alt="Another description")
    assert again.status_code == 409
    assert "already in the library" in again.text
    assert stored(app) == (1, 4)


# Bad input: a clear message, the right status, nothing stored.

TRUNCATED = photo((800, 600))[:4000]
HTML_PAGE = b"<!doctype html><html><body><script>alert(1)</script></body></html>"
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(document.cookie)</script></svg>"
)

BAD_FILES = {
    "text named .jpg": (b"Just some notes, not a photo.\n" * 20, "notes.jpg", "image/jpeg", 400,
                        "not a JPEG, PNG, WebP or GIF image"),
    "truncated JPEG": (TRUNCATED, "cut.jpg", "image/jpeg", 400, "damaged or incomplete"),
    "PNG bomb over our limit": (png_bomb(8000, 8000), "bomb.png", "image/png", 413,
                                "8,000 × 8,000 pixels"),
    "PNG bomb over Pillow's": (png_bomb(20000, 20000), "bomb.png", "image/png", 413,
                               "the most is 40 megapixels"),
    "SVG with script": (SVG, "chart.svg", "image/svg+xml", 400, "SVG images are not accepted"),
    "SVG named .png": (SVG, "chart.png", "image/png", 400, "SVG images are not accepted"),
    "HTML as image/png": (HTML_PAGE, "page.png", "image/png", 400, "not a JPEG, PNG"),
    "zero bytes": (b"", "empty.jpg", "image/jpeg", 400, "The file is empty"),
    "12 MB": (b"\xff\xd8\xff" + b"\0" * (12 * 1024 * 1024), "big.jpg", "image/jpeg", 413,
              "larger than 10 MB"),
}  # fmt: skip


@pytest.mark.parametrize("case", BAD_FILES, ids=list(BAD_FILES))
def test_a_bad_file_is_refused_with_a_clear_message_and_nothing_is_stored(
    client, app, logged_in, case
):
    data, filename, content_type, status, message = BAD_FILES[case]
    response = upload(client, data, filename=filename, content_type=content_type)
    assert response.status_code == status
    assert message in response.text
    assert "Nothing was saved" in response.text
    if case != "12 MB":  # whose body is refused unread: the browser's Back keeps the form
        # The description the author typed is still in the form.
        assert 'value="A gradient from black to white with a red corner"' in response.text
    assert stored(app) == (0, 0)


def test_a_very_tall_image_is_refused_with_a_clear_message(client, app, logged_in):
    # A long infographic: under the pixel limit, but taller than a WebP file can be.
    response = upload(client, png((600, 20_000)))
    assert response.status_code == 400
    assert "too tall for its width (600 × 20,000 pixels)" in response.text
    assert 'value="A gradient from black to white with a red corner"' in response.text
    assert stored(app) == (0, 0)


def test_the_upload_limit_is_10_mb_there_and_3_mb_everywhere_else(client, app, logged_in, topic):
    just_under = photo((400, 300)) + b"\0" * (MAX_IMAGE_UPLOAD_BYTES - 400_000)
    assert len(just_under) > 3 * 1024 * 1024
    # Trailing bytes after a JPEG's end are ignored by decoders: a valid 9.7 MB file.
    assert upload(client, just_under).status_code == 302
    assert stored(app)[0] == 1
    token = csrf_token(client.get("/write").text)
    form = {"csrf_token": token, "title": "Big", "body": "x" * (4 * 1024 * 1024),
            "topic": str(topic.id), "publish": "Publish"}  # fmt: skip
    too_big = client.post("/write", data=form)
    assert too_big.status_code == 413
    assert "larger than the site accepts" in too_big.text


def test_a_hostile_filename_is_never_used(client, app, logged_in):
    name = "../../etc/pass\x00wd\u202egnp.jpg"
    response = upload(client, photo((500, 400)), filename=name)
    assert response.status_code == 302
    media = only_media(app)
    assert re.fullmatch(r"[0-9a-f]{24}", media.hash)
    page = client.get("/manage/images").text
    # Pieces no random CSRF token can contain (a slash, a dot before "jpg", RTL, NUL).
    for piece in ("etc/pass", "gnp.jpg", "\u202e", "\x00"):
        assert piece not in page


def test_alt_text_is_plain_text_and_required_unless_decorative(client, app, logged_in):
    tagged = upload(client, photo((500, 400)), alt='A chart <img src=x onerror="alert(1)">')
    assert tagged.status_code == 400
    assert "A description is plain text: remove the HTML tag from it." in tagged.text
    assert "&lt;img src=x" in tagged.text and "<img src=x" not in tagged.text
    missing = upload(client, photo((500, 400)), alt="   ")
    assert missing.status_code == 400
    assert "Describe the image for readers who cannot see it" in missing.text
    both = upload(client, photo((500, 400)), alt="A cat", decorative=True)
    assert both.status_code == 400 and "A decorative image has no description" in both.text
    assert stored(app) == (0, 0)
    assert upload(client, photo((500, 400)), alt="", decorative=True).status_code == 302
    media = only_media(app)
    assert (media.alt_text, media.decorative) == ("", True)
    assert "<em>Decorative</em>" in client.get("/manage/images").text


def test_an_upload_without_a_csrf_token_is_refused(client, app, logged_in):
    response = upload(client, photo((500, 400)), with_csrf=False)
    assert response.status_code == 400
    assert "Form expired" in response.text
    assert stored(app) == (0, 0)


def test_a_logged_out_visitor_is_sent_to_log_in(client, app, topic):
    response = upload(client, photo((500, 400)), with_csrf=False)
    assert response.status_code == 302
    assert response.location.startswith("/login")
    assert client.get("/manage/images").location.startswith("/login")
    assert stored(app) == (0, 0)


def test_one_image_per_upload(client, app, logged_in):
    response = upload(client, photo((500, 400)), extra_files=2)
    assert response.status_code == 400
    assert "Upload one image at a time" in response.text
    assert stored(app) == (0, 0)


# Readers: responsive pictures, a lead image, and no metadata in any served file.


def test_a_gps_tagged_photo_reaches_readers_with_no_metadata_left(client, app, logged_in, topic):
    original = photo((2400, 1800), gps=True)
    assert b"xmpmeta" in original and b"PhoneMaker" in original
    upload(client, original, alt="A gradient with a red corner")
    media = only_media(app)
    body = (
        "The chart:\n\n"
        f"![The tyramine chart](/media/{media.hash}-1600.jpg)\n\n"
        f"And again, with the library's description: ![](/media/{media.hash}-480.jpg)"
    )
    assert write(client, topic, body=body, lead_image=media.id).status_code == 302
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/dashboard").text)})
    page = client.get("/reading-a-food-label").text

    # Lead image: first, not lazy; body images: lazy; all async, sized, described.
    lead = page.split('<figure class="lead-image">')[1].split("</figure>")[0]
    assert (
        'loading="lazy"' not in lead
        and 'fetchpriority="high"' in lead
        and 'alt="A gradient with a red corner"' in lead
    )
    prose = page.split('<div class="prose">')[1]
    assert prose.count("<picture>") == 2 and prose.count('loading="lazy"') == 2
    assert 'alt="The tyramine chart"' in prose and 'alt="A gradient with a red corner"' in prose
    for img in re.findall(r"<img [^>]*>", page):
        assert re.search(r' width="\d+" height="\d+"', img) and ' alt="' in img, img
        assert 'decoding="async"' in img
    assert 'type="image/webp"' in prose and "480w, " in prose and "sizes=" in prose
    assert f'<meta property="og:image" content="{SITE_URL}/media/{media.hash}-1600.jpg">' in page

    served = media_urls(page)
    assert len(served) == 6  # three widths, two formats
    for url in served:
        data = client.get(url).data
        image = Image.open(io.BytesIO(data))
        assert not image.getexif(), url
        assert "exif" not in image.info and "xmp" not in image.info, url
        assert "comment" not in image.info, url
        for leak in (b"Exif", b"GPS", b"xmpmeta", b"PhoneMaker", b"taken at home"):
            assert leak not in data, (url, leak)


def test_the_lead_image_shows_as_a_thumbnail_in_listings_and_in_feeds(
    client, app, logged_in, topic
):
    upload(client, photo((1200, 900)))
    media = only_media(app)
    write(client, topic, lead_image=media.id)
    write(client, topic, title="No picture here")
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/dashboard").text)})
    listing = client.get(f"/topics/{TOPIC}").text
    assert listing.count('class="entry-image"') == 1
    thumbnail = listing.split('class="entry-image">')[1].split("</div>")[0]
    assert f'src="/media/{media.hash}-480.jpg"' in thumbnail and 'alt=""' in thumbnail
    assert 'width="480" height="360"' in thumbnail and 'loading="lazy"' in thumbnail

    rss = client.get("/feed.xml").text
    parsed = feedparser.parse(rss)
    with_image = next(e for e in parsed.entries if e.title == "Reading a food label")
    assert with_image.media_content == [
        {"url": f"{SITE_URL}/media/{media.hash}-1200.jpg", "medium": "image",
         "type": "image/jpeg", "width": "1200", "height": "900"}
    ]  # fmt: skip
    plain = next(e for e in parsed.entries if e.title == "No picture here")
    assert "media_content" not in plain
    items = json.loads(client.get("/feed.json").text)["items"]
    images = {item["title"]: item.get("image") for item in items}
    assert images == {
        "Reading a food label": f"{SITE_URL}/media/{media.hash}-1200.jpg",
        "No picture here": None,
    }


def test_feeds_carry_absolute_image_urls_in_the_content(client, app, logged_in, topic):
    upload(client, photo((1000, 700)))
    media = only_media(app)
    write(client, topic, body=f"![A chart](/media/{media.hash}-1000.jpg)")
    item = json.loads(client.get("/feed.json").text)["items"][0]
    content = item["content_html"]
    # A plain <img> at the widest JPEG: feed readers choose no source and load it at once.
    # The body comes first; the safety notices follow it.
    assert content.startswith(
        f'<p><img src="{SITE_URL}/media/{media.hash}-1000.jpg" alt="A chart" width="1000" '
        'height="700"></p>'
    )


def test_an_image_outside_the_library_stays_a_plain_img(app):
    with app.app_context():
        html = render_markdown(f"![gone](/media/{'0' * 24}-480.jpg)", images=lambda hashes: {})
    assert html == f'<p><img alt="gone" src="/media/{"0" * 24}-480.jpg"></p>'


def test_one_text_may_place_only_so_many_library_images(app):
    body = "\n\n".join(
        f"![x](/media/{n:024x}-480.jpg)" for n in range(MAX_LIBRARY_IMAGES_PER_TEXT + 1)
    )
    asked: list = []
    with app.app_context(), pytest.raises(InvalidInput, match="different images from the library"):
        render_markdown(body, images=lambda hashes: asked.append(hashes) or {})
    assert asked == []


@pytest.mark.parametrize(
    "html",
    [
        '<img src="/a.png" srcset="https://evil.example/x.png 1w" alt="">',
        '<img src="/a.png" srcset="javascript:alert(1) 1w" alt="">',
        '<img src="/a.png" sizes="100vw" loading="eager" decoding="sync" alt="">',
        '<picture><source srcset="https://evil.example/x.webp" type="text/html"></picture>',
        '<img src="/a.png" width="100%" height="1e9" alt="">',
    ],
)
def test_the_cleaner_keeps_image_attributes_only_as_the_library_writes_them(html):
    clean = clean_html(html)
    for forbidden in ("evil", "javascript", "100vw", "eager", "sync", "text/html", "%", "1e9"):
        assert forbidden not in clean


# Deleting.


def test_an_image_a_published_article_uses_cannot_be_deleted_and_says_where(
    client, app, logged_in, topic
):
    upload(client, photo((800, 600)))
    media = only_media(app)
    write(client, topic, title="Uses it in the text", body=f"![x](/media/{media.hash}-800.jpg)")
    write(client, topic, title="Uses it as lead", lead_image=media.id)
    token = csrf_token(client.get("/manage/images").text)
    refused = client.post(f"/manage/images/{media.id}/delete", data={"csrf_token": token})
    assert refused.status_code == 409
    assert "This image is in use, so it was not deleted" in refused.text
    assert "Uses it in the text" in refused.text and "Uses it as lead" in refused.text
    assert stored(app) == (1, 4)
    assert client.get(f"/media/{media.hash}-800.jpg").status_code == 200


def test_deleting_an_unused_image_makes_its_urls_404_and_drops_cached_pages(
    client, app, logged_in, topic
):
    upload(client, photo((800, 600)))
    media = only_media(app)
    # A draft chose it as its lead image: the draft loses that choice, nothing else.
    write(client, topic, title="A draft", lead_image=media.id, publish="", save_draft="Save draft")
    with app.app_context():
        before = cache.site_cache().generations.current(cache.PAGES_SCOPE)
    token = csrf_token(client.get("/manage/images").text)
    deleted = client.post(f"/manage/images/{media.id}/delete", data={"csrf_token": token})
    assert deleted.status_code == 302
    assert "Deleted the image" in client.get(deleted.location).text
    assert stored(app) == (0, 0)
    for url in (f"/media/{media.hash}-800.jpg", f"/media/{media.hash}-480.webp"):
        assert client.get(url).status_code == 404
    with app.app_context():
        draft = db.session.scalars(select(Article)).one()
        assert (draft.title, draft.lead_image_id) == ("A draft", None)
        assert cache.site_cache().generations.current(cache.PAGES_SCOPE) > before


def test_an_image_a_deleted_published_article_shows_cannot_be_deleted_so_a_restore_shows_it(
    client, app, auth, make_author, topic
):
    # Restoring a deleted article brings it back published, with the text it had:
    # had the image gone meanwhile, readers would get a broken image.
    make_author("ed", editor=True)
    auth.login("ed")
    upload(client, photo((800, 600)))
    media = only_media(app)
    write(client, topic, title="Shows it", body=f"![x](/media/{media.hash}-800.jpg)")
    token = csrf_token(client.get("/manage/images").text)
    assert client.post("/shows-it/delete", data={"csrf_token": token}).status_code == 302
    refused = client.post(f"/manage/images/{media.id}/delete", data={"csrf_token": token})
    assert refused.status_code == 409
    assert "“Shows it”, a deleted article an editor can restore" in refused.text
    assert client.post("/shows-it/undelete", data={"csrf_token": token}).status_code == 302
    auth.logout()
    page = client.get("/shows-it").text
    assert media_urls(page)
    for url in media_urls(page):
        assert client.get(url).status_code == 200, url


def test_a_text_placing_a_deleted_image_is_not_published_with_a_broken_image(
    client, app, logged_in, topic
):
    # A draft may keep the image after it is deleted; readers must never get a broken one.
    upload(client, photo((800, 600)))
    media = only_media(app)
    body = f"Before.\n\n![A label](/media/{media.hash}-800.jpg)"
    write(client, topic, title="A draft", body=body, publish="", save_draft="Save draft")
    token = csrf_token(client.get("/manage/images").text)
    assert (
        client.post(f"/manage/images/{media.id}/delete", data={"csrf_token": token}).status_code
        == 302
    )
    refused = submit(
        client,
        "/a-draft/edit",
        {"title": "A draft", "summary": "What to look for.", "body": body,
         "topic": str(topic.id), "slug": "a-draft", "lead_image": "", "publish": "Publish"},
    )  # fmt: skip
    assert refused.status_code == 400
    assert "no longer in the library" in refused.text
    assert f"/media/{media.hash}-800.jpg" in refused.text  # the text is kept in the form
    assert client.get("/a-draft").status_code == 404


def test_an_image_a_profile_shows_cannot_be_deleted_and_says_where(client, app, logged_in):
    # The library offers Markdown to paste, and a bio takes Markdown: a reader of the
    # profile must not be left with a broken image.
    upload(client, photo((800, 600)))
    media = only_media(app)
    with app.app_context():
        ada = db.session.get_one(Author, logged_in.id)
        bio = f"I write guides.\n\n![Ada at her desk](/media/{media.hash}-800.jpg)"
        accounts.save_profile(ada, accounts.ProfileInput("Ada Lovelace", bio_markdown=bio), by=ada)
    token = csrf_token(client.get("/manage/images").text)
    refused = client.post(f"/manage/images/{media.id}/delete", data={"csrf_token": token})
    assert refused.status_code == 409
    assert "the profile of Ada Lovelace" in refused.text
    page = client.get("/authors/ada").text
    assert media_urls(page)
    for url in media_urls(page):
        assert client.get(url).status_code == 200, url


def test_only_the_uploader_or_an_editor_may_delete(client, app, auth, make_author, topic):
    make_author("ada", name="Ada Lovelace")
    make_author("bob")
    auth.login("ada")
    upload(client, photo((800, 600)))
    media = only_media(app)
    auth.logout()
    auth.login("bob")
    page = client.get("/manage/images").text
    assert "A gradient from black to white" in page and "Delete" not in page.split("<table")[1]
    response = client.post(
        f"/manage/images/{media.id}/delete", data={"csrf_token": csrf_token(page)}
    )
    assert response.status_code == 404
    assert stored(app) == (1, 4)


# Lead images through the article form, and the cache.


def test_changing_the_lead_image_shows_at_once_to_cached_readers(client, app, logged_in, topic):
    upload(client, photo((800, 600)))
    first = only_media(app)
    upload(client, photo((640, 480)), alt="A smaller gradient")
    with app.app_context():
        second = db.session.scalars(select(Media).where(Media.id != first.id)).one()
        second_hash = second.hash
    write(client, topic, lead_image=first.id)
    reader = app.test_client()
    assert f"/media/{first.hash}-800.jpg" in reader.get("/reading-a-food-label").text
    form_page = client.get("/reading-a-food-label/edit").text
    assert f'<option selected value="{first.id}">' in form_page
    assert "A smaller gradient (640 × 480," in form_page
    edited = submit(
        client,
        "/reading-a-food-label/edit",
        {"title": "Reading a food label", "summary": "", "body": "Text.", "topic": str(topic.id),
         "slug": "reading-a-food-label", "lead_image": str(second.id), "publish": "Publish"},
    )  # fmt: skip
    assert edited.status_code == 302
    page = reader.get("/reading-a-food-label").text
    assert f"/media/{second_hash}-640.jpg" in page and first.hash not in page


def test_a_lead_image_that_is_not_in_the_library_is_refused(client, app, logged_in, topic):
    response = write(client, topic, lead_image=4242)
    assert response.status_code == 400
    assert "Choose one of the listed images, or no lead image." in response.text
    with app.app_context():
        assert db.session.scalars(select(Article)).all() == []


def test_the_preview_shows_the_lead_image_and_library_pictures(client, app, logged_in, topic):
    upload(client, photo((800, 600)))
    media = only_media(app)
    body = f"![A chart](/media/{media.hash}-800.jpg)"
    response = write(client, topic, body=body, lead_image=media.id, publish="", preview="Preview")
    preview = response.text.split('<section class="preview"')[1].split("</section>")[0]
    lead = preview.split('<figure class="lead-image">')[1].split("</figure>")[0]
    assert f'srcset="/media/{media.hash}-480.webp 480w' in lead
    assert preview.count("<picture>") == 2
    with app.app_context():
        assert db.session.scalars(select(Article)).all() == []


def test_the_refusal_names_no_other_authors_unpublished_title(
    client, app, auth, make_author, topic, clock
):
    from datetime import timedelta

    from blog import library as image_library
    from blog.models import Author
    from blog.publishing import ArticleInput, save_article

    make_author("ada", name="Ada Lovelace")
    bob = make_author("bob", name="Bob")
    auth.login("ada")
    upload(client, photo((800, 600)))
    media = only_media(app)
    with app.app_context():
        by = db.session.get_one(Author, bob.id)
        for title, when in (("Bob's live guide", None), ("Bob's secret plan", timedelta(days=3))):
            save_article(
                None,
                ArticleInput(title, "", "Text.", topic.id, lead_image_id=media.id),
                by=by,
                publish=True,
                publish_at=clock.now + when if when else None,
                now=clock.now,
            )
        assert len(image_library.articles_using(db.session.get_one(Media, media.id))) == 2
    token = csrf_token(client.get("/manage/images").text)
    refused = client.post(f"/manage/images/{media.id}/delete", data={"csrf_token": token})
    assert refused.status_code == 409
    assert "Bob's live guide" in refused.text.replace("&#39;", "'")
    assert "secret plan" not in refused.text
    assert "an article by another author, scheduled to appear later" in refused.text


def test_an_image_in_a_topic_intro_cannot_be_deleted(client, app, logged_in, topic):
    from blog.models import Author
    from blog.topics import TopicInput, save_topic

    upload(client, photo((800, 600)))
    media = only_media(app)
    with app.app_context():
        from blog.models import Topic

        saved = db.session.get_one(Topic, topic.id)
        intro = f"Start here.\n\n![A map](/media/{media.hash}-800.jpg)"
        save_topic(
            saved,
            TopicInput(saved.title, "", intro, saved.slug),
            by=db.session.scalars(select(Author)).one(),
        )
    assert "<picture>" in client.get(f"/topics/{TOPIC}").text
    token = csrf_token(client.get("/manage/images").text)
    refused = client.post(f"/manage/images/{media.id}/delete", data={"csrf_token": token})
    assert refused.status_code == 409
    assert "the introduction of the topic" in refused.text
    assert stored(app) == (1, 4)


def test_a_topic_intro_placing_a_deleted_image_is_refused_and_the_topic_unchanged(
    client, app, logged_in, topic
):
    from blog.topics import TopicInput, save_topic

    upload(client, photo((800, 600)))
    media = only_media(app)
    token = csrf_token(client.get("/manage/images").text)
    assert (
        client.post(f"/manage/images/{media.id}/delete", data={"csrf_token": token}).status_code
        == 302
    )
    with app.app_context():
        from blog.models import Topic

        saved = db.session.get_one(Topic, topic.id)
        intro = f"Start here.\n\n![A map](/media/{media.hash}-800.jpg)"
        with pytest.raises(InvalidInput) as refused:
            save_topic(
                saved,
                TopicInput(saved.title, "", intro, "a-new-address"),
                by=db.session.scalars(select(Author)).one(),
            )
        assert "no longer in the library" in refused.value.errors["intro_markdown"]
        db.session.rollback()
    page = client.get(f"/topics/{TOPIC}")
    assert page.status_code == 200
    assert f"/media/{media.hash}" not in page.text


def test_the_refusal_names_no_other_authors_deleted_title(client, app, auth, make_author, topic):
    from blog.publishing import ArticleInput, delete, save_article

    make_author("ada", name="Ada Lovelace")
    bob = make_author("bob", name="Bob")
    auth.login("ada")
    upload(client, photo((800, 600)))
    media = only_media(app)
    with app.app_context():
        by = db.session.get_one(Author, bob.id)
        article = save_article(
            None,
            ArticleInput("Bob's withdrawn guide", "", "Text.", topic.id, lead_image_id=media.id),
            by=by,
            publish=True,
        )
        delete(article, by=by)
    token = csrf_token(client.get("/manage/images").text)
    refused = client.post(f"/manage/images/{media.id}/delete", data={"csrf_token": token})
    assert refused.status_code == 409
    assert "withdrawn guide" not in refused.text
    assert "a deleted article by another author, which an editor can restore" in refused.text
