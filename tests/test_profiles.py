"""Public profiles: who wrote and who reviewed a guide, with their credentials."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from blog.extensions import db
from blog.models import Author
from tests.forms import csrf_token, submit
from tests.helpers import START


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def editor(make_author):
    return make_author("grace", editor=True, name="Grace Editor")


def test_a_profile_shows_credentials_role_bio_and_the_guides_written_and_reviewed(
    app, client, clock, ada, publish, review, make_reviewer
):
    rosalind = make_reviewer("rosalind", name="Dr Rosalind Test", credentials="MBBS, MRCPsych")
    with app.app_context():
        stored = db.session.get_one(Author, rosalind.id)
        stored.role_title = "Consultant psychiatrist"
        stored.bio_html = "<p>Checks <em>every</em> dose.</p>"
        db.session.commit()
    own = publish("Her own guide", author=rosalind)
    checked = publish("A guide she checked", author=ada)
    publish("A draft she wrote", author=rosalind, draft=True)
    publish("Not out yet", author=rosalind, when=START + timedelta(days=3))
    review(checked.id, rosalind)
    page = client.get("/authors/rosalind").get_data(as_text=True)
    text = text_of(page)
    assert '<h1>Dr Rosalind Test<span class="credentials">, MBBS, MRCPsych</span></h1>' in page
    assert "Consultant psychiatrist" in text and "Clinical reviewer" in text
    assert "<p>Checks <em>every</em> dose.</p>" in page
    written, reviewed = text.split("Guides medically reviewed by Dr Rosalind Test")
    assert own.title in written and checked.title not in written
    assert checked.title in reviewed and own.title not in reviewed
    assert "A draft she wrote" not in page and "Not out yet" not in page


def test_the_byline_links_to_the_authors_profile(client, clock, ada, publish):
    publish("Ada's guide", author=ada)
    page = client.get("/adas-guide").get_data(as_text=True)
    assert '<a href="/authors/ada" rel="author">Ada Lovelace</a>' in page
    profile = client.get("/authors/ada")
    assert profile.status_code == 200
    assert 'href="/adas-guide"' in profile.get_data(as_text=True)


@pytest.mark.parametrize("username", ["nobody", "ada/../grace", "%00"])
def test_an_unknown_profile_is_not_found(client, ada, username):
    assert client.get(f"/authors/{username}").status_code == 404


def test_a_deactivated_account_has_no_profile(app, client, clock, ada, publish):
    publish("Ada's guide", author=ada)
    with app.app_context():
        db.session.get_one(Author, ada.id).is_active = False
        db.session.commit()
    assert client.get("/authors/ada").status_code == 404
    page = client.get("/adas-guide").get_data(as_text=True)
    assert "/authors/ada" not in page, "no link to a page that is gone"
    assert "Ada Lovelace" in page


def test_people_edit_their_own_profile_on_the_account_page(app, client, auth, ada, clock):
    auth.login()
    response = submit(
        client,
        "/account",
        {
            "name-display_name": "Dr Ada Lovelace",
            "name-credentials": "PhD",
            "name-role_title": "Medical writer",
            "name-bio": "Writes about *lithium*.\n\n<script>alert(1)</script>",
            "name-save_name": "Save the profile",
        },
    )
    assert response.headers["Location"] == "/account"
    assert "Your profile is saved." in client.get("/account").get_data(as_text=True)
    page = client.get("/authors/ada").get_data(as_text=True)
    assert "Dr Ada Lovelace" in page and "PhD" in page and "Medical writer" in page
    assert "<em>lithium</em>" in page
    assert "<script>alert" not in page
    with app.app_context():
        stored = db.session.scalar(select(Author).where(Author.username == "ada"))
        assert stored.bio_markdown.startswith("Writes about *lithium*.")


def test_a_bad_profile_is_refused_and_what_was_typed_is_kept(client, auth, ada):
    auth.login()
    response = submit(
        client,
        "/account",
        {
            "name-display_name": "Ada",
            "name-credentials": "<b>MD</b>",
            "name-role_title": "x" * 121,
            "name-bio": "My careful bio.",
            "name-save_name": "Save the profile",
        },
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "A list of credentials is plain text: remove the HTML tag from it." in page
    assert "Keep the role title to 120 characters or fewer" in page
    assert "My careful bio." in page and "&lt;b&gt;MD&lt;/b&gt;" in page


def test_an_editor_edits_someones_profile_and_marks_them_a_clinical_reviewer(
    app, client, auth, ada, editor, clock
):
    auth.login("grace")
    url = f"/manage/people/{ada.id}/profile"
    response = submit(
        client,
        url,
        {
            "display_name": "Ada Lovelace",
            "credentials": "MBBS",
            "role_title": "GP",
            "bio": "",
            "is_clinical_reviewer": "y",
            "save_name": "Save the profile",
        },
    )
    assert response.headers["Location"] == "/manage/people"
    people = client.get("/manage/people").get_data(as_text=True)
    assert "Saved the profile of Ada Lovelace." in people
    assert "Author, clinical reviewer" in people
    with app.app_context():
        stored = db.session.get_one(Author, ada.id)
        assert (stored.is_clinical_reviewer, stored.credentials) == (True, "MBBS")


def test_only_editors_edit_other_peoples_profiles(client, auth, ada, editor):
    auth.login()
    assert client.get(f"/manage/people/{editor.id}/profile").status_code == 403
    page = client.get("/account").get_data(as_text=True)
    refused = client.post(
        f"/manage/people/{editor.id}/profile",
        data={"csrf_token": csrf_token(page), "display_name": "Hacked", "save_name": "Save"},
    )
    assert refused.status_code == 403


def test_changing_credentials_updates_the_cached_reviewer_line(
    client, auth, clock, publish, review, make_reviewer
):
    rosalind = make_reviewer("rosalind", name="Dr Rosalind Test", credentials="MBBS")
    article = publish("Checked guide")
    review(article.id, rosalind)
    assert "Dr Rosalind Test, MBBS<" in client.get("/checked-guide").get_data(as_text=True)
    reader = client.application.test_client()
    assert "Dr Rosalind Test, MBBS<" in reader.get("/checked-guide").get_data(as_text=True)
    auth.login("rosalind")
    submit(
        client,
        "/account",
        {
            "name-display_name": "Dr Rosalind Test",
            "name-credentials": "MBBS, MRCPsych",
            "name-role_title": "",
            "name-bio": "",
            "name-save_name": "Save the profile",
        },
    )
    assert "Dr Rosalind Test, MBBS, MRCPsych" in reader.get("/checked-guide").get_data(as_text=True)


def test_a_profile_edit_moves_the_last_modified_of_the_articles_that_name_the_person(
    client, auth, clock, publish, ada
):
    article = publish("Written by Ada", author=ada)
    first = client.application.test_client().get(f"/{article.slug}")
    clock.advance(timedelta(days=2))
    auth.login("ada")
    submit(
        client,
        "/account",
        {
            "name-display_name": "Ada King",
            "name-credentials": "PhD",
            "name-role_title": "",
            "name-bio": "",
            "name-save_name": "Save the profile",
        },
    )
    reader = client.application.test_client()
    again = reader.get(
        f"/{article.slug}", headers={"If-Modified-Since": first.headers["Last-Modified"]}
    )
    # Not a 304: the byline changed, though the article's text did not.
    assert again.status_code == 200
    assert "Ada King" in again.text
    assert again.last_modified > first.last_modified


def test_the_sitemap_lists_the_profiles_readers_are_led_to(
    app, client, clock, publish, review, make_author, make_reviewer
):
    rosalind = make_reviewer("rosalind")
    drafter = make_author("drafter")
    gone = make_author("gone")
    checked = publish("Checked", author=make_author("writer"))
    publish("Only a draft", author=drafter, draft=True)
    publish("By someone gone", author=gone)
    review(checked.id, rosalind)
    with app.app_context():
        db.session.get_one(Author, gone.id).is_active = False
        db.session.commit()
    sitemap = client.get("/sitemap.xml").get_data(as_text=True)
    profiles = re.findall(r"<loc>[^<]*/authors/([^<]+)</loc>", sitemap)
    assert profiles == ["rosalind", "writer"]
