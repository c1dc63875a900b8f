"""The glossary: editors keep it in the browser, readers see it at /glossary and on every page."""

import html
import json
import re
import uuid

import pytest
from sqlalchemy import select

from blog.demo import ARTICLES, TOPIC_SLUG
from blog.extensions import db
from blog.glossary_editing import GlossaryInput, delete_term, save_term
from blog.models import Article, Author, GlossaryTerm
from blog.rules import MAX_DEFINITION_LENGTH, MAX_TERM_LENGTH
from blog.slugs import slug_problem
from tests.forms import csrf_token, submit
from tests.helpers import SITE_URL, START, TEST_REDIS_URL, days, requires_redis

MANAGE = "/manage/glossary"


@pytest.fixture
def editor(auth, make_author):
    """An editor, logged in."""
    ed = make_author("ed", editor=True, name="Ed Itor")
    auth.login("ed")
    return ed


@pytest.fixture
def add_term(app):
    """Save a term through the write side, as an editor's form would."""

    def add(term: str, definition: str = "What it means.", *, synonyms=(), **fields) -> None:
        with app.app_context():
            data = GlossaryInput(term, "\n".join(synonyms), definition, **fields)
            save_term(None, data, by=None)

    return add


def term_form(**fields):
    data = {
        "term": "Tyramine",
        "synonyms": "",
        "definition": "A substance in aged foods.",
        "explanation": "",
        "slug": "",
    }
    data.update(fields)
    return data


def create(client, **fields):
    return submit(client, f"{MANAGE}/new", term_form(**fields))


def edit(client, slug, **fields):
    return submit(client, f"{MANAGE}/{slug}/edit", term_form(slug=slug) | fields)


def field_error(page: str, field: str) -> str:
    match = re.search(
        rf'id="{field}-error"><span class="visually-hidden">Error: </span>([^<]+)<', page
    )
    assert match, f"no error beside {field}"
    return html.unescape(match.group(1))


def structured_data(page: str) -> dict:
    scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.DOTALL)
    assert len(scripts) == 1
    return json.loads(scripts[0])


def words_used(page: str) -> list[tuple[str, str, str]]:
    """The "Words used on this page" list: (anchor, term, definition) in order."""
    section = page.split('id="words-used-heading"')[1].split("</section>")[0]
    return [
        (slug, html.unescape(term), html.unescape(definition))
        for slug, term, definition in re.findall(
            r'<dt id="term-([^"]+)">([^<]*)</dt>\s*<dd id="term-\1-definition">([^<]*)</dd>',
            section,
        )
    ]


# The editor screens


def test_an_editor_adds_a_term_and_readers_find_it_in_the_glossary(client, editor):
    response = create(
        client,
        term="Monoamine oxidase inhibitor",
        synonyms="MAOI\n\n  MAO   inhibitor \nmaoi",
        definition="A type of antidepressant.",
        explanation="Read **the label**.\n\n<script>alert(1)</script>",
    )
    assert response.status_code == 302
    listing = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Saved the term “Monoamine oxidase inhibitor”." in listing
    assert "MAOI, MAO inhibitor" in listing
    with client.application.app_context():
        term = db.session.scalar(select(GlossaryTerm))
        assert term.slug == "monoamine-oxidase-inhibitor"
        assert term.synonyms == "MAOI\nMAO inhibitor\nmaoi"
        assert term.names == ["Monoamine oxidase inhibitor", "MAOI", "MAO inhibitor"]
        assert term.updated_by.username == "ed"
    page = client.get("/glossary").get_data(as_text=True)
    entry = page.split('<dt id="monoamine-oxidase-inhibitor">')[1].split("</dl>")[0]
    assert "Also called: MAOI, MAO inhibitor" in entry
    assert "A type of antidepressant." in entry
    assert "Read <strong>the label</strong>." in entry
    assert "<script>alert" not in page


def test_editing_a_term_keeps_its_anchor_unless_the_editor_changes_it(client, editor, add_term):
    add_term("Washout period", synonyms=["washout"])
    response = edit(client, "washout-period", term="Washout", synonyms="wash-out")
    assert response.status_code == 302
    with client.application.app_context():
        term = db.session.scalar(select(GlossaryTerm))
        assert (term.slug, term.term, term.names) == (
            "washout-period",
            "Washout",
            ["Washout", "wash-out"],
        )
    form = client.get(f"{MANAGE}/washout-period/edit").get_data(as_text=True)
    assert 'value="washout-period"' in form
    assert "wash-out</textarea>" in form


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"term": "  "}, "term", "Enter the term."),
        ({"term": "A <b>bold</b> term"}, "term", "A term is plain text: remove the HTML tag"),
        ({"term": "x" * (MAX_TERM_LENGTH + 1)}, "term", f"to {MAX_TERM_LENGTH} characters"),
        ({"synonyms": "ok\n" + "y" * 101}, "synonyms", "characters or fewer (it has 101)"),
        ({"synonyms": "<i>MAOI</i>"}, "synonyms", "plain text"),
        ({"definition": ""}, "definition", "Enter a one-sentence definition"),
        (
            {"definition": "d" * (MAX_DEFINITION_LENGTH + 1)},
            "definition",
            f"Keep the definition to {MAX_DEFINITION_LENGTH} characters or fewer",
        ),
        ({"explanation": "e" * 20_001}, "explanation", "the most it can hold is 20,000"),
        ({"slug": "Not A Slug"}, "slug", "Use only lower-case letters"),
        ({"term": "抑郁"}, "slug", "Enter an anchor"),
        ({"term": "Content"}, "slug", "“content” is an anchor of the glossary page itself"),
    ],
)
def test_bad_input_is_refused_beside_its_field_and_the_text_is_kept(
    client, editor, fields, field, message
):
    response = create(client, **fields)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Nothing was saved" in page
    assert message in field_error(page, field)
    assert "A substance in aged foods." in page or "definition" in fields
    with client.application.app_context():
        assert db.session.scalar(select(GlossaryTerm)) is None


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"term": "maoi"},
            "term",
            "“maoi” is already a name of “Monoamine oxidase inhibitor”",
        ),
        (
            {"term": "Phenelzine", "synonyms": "Nardil\nMAO  inhibitor"},
            "synonyms",
            "“MAO inhibitor” is already a name of “Monoamine oxidase inhibitor”",
        ),
        (
            {"term": "MAO inhibitors", "slug": "monoamine-oxidase-inhibitor"},
            "slug",
            "The anchor “monoamine-oxidase-inhibitor” is already used by "
            "“Monoamine oxidase inhibitor”",
        ),
    ],
)
def test_a_name_or_anchor_of_another_term_is_a_conflict_naming_that_term(
    client, editor, add_term, fields, field, message
):
    add_term("Monoamine oxidase inhibitor", synonyms=["MAOI", "MAO inhibitor"])
    response = create(client, **fields)
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert message in field_error(page, field)
    assert f'value="{fields["term"]}"' in page
    with client.application.app_context():
        assert len(db.session.scalars(select(GlossaryTerm)).all()) == 1


def test_a_term_may_keep_its_own_names_when_edited(client, editor, add_term):
    add_term("Monoamine oxidase inhibitor", synonyms=["MAOI"])
    response = edit(
        client, "monoamine-oxidase-inhibitor", term="Monoamine oxidase inhibitor", synonyms="MAOI"
    )
    assert response.status_code == 302


def test_deleting_a_term_asks_first_then_takes_it_off_every_page(client, editor, add_term):
    add_term("Tyramine")
    confirm = client.get(f"{MANAGE}/tyramine/delete").get_data(as_text=True)
    assert "Delete the term “Tyramine”?" in confirm
    response = client.post(f"{MANAGE}/tyramine/delete", data={"csrf_token": csrf_token(confirm)})
    assert response.status_code == 302
    assert "Deleted the term “Tyramine”." in client.get(MANAGE).get_data(as_text=True)
    assert 'id="tyramine"' not in client.get("/glossary").get_data(as_text=True)
    assert client.get(f"{MANAGE}/tyramine/edit").status_code == 404
    assert (
        client.post(
            f"{MANAGE}/tyramine/delete", data={"csrf_token": csrf_token(confirm)}
        ).status_code
        == 404
    )


def test_a_form_without_its_csrf_token_saves_nothing(client, editor):
    response = client.post(f"{MANAGE}/new", data=term_form())
    assert response.status_code == 400
    with client.application.app_context():
        assert db.session.scalar(select(GlossaryTerm)) is None


SCREENS = [
    ("get", MANAGE),
    ("get", f"{MANAGE}/new"),
    ("post", f"{MANAGE}/new"),
    ("get", f"{MANAGE}/tyramine/edit"),
    ("post", f"{MANAGE}/tyramine/edit"),
    ("get", f"{MANAGE}/tyramine/delete"),
    ("post", f"{MANAGE}/tyramine/delete"),
]


@pytest.mark.parametrize(("method", "url"), SCREENS)
def test_only_editors_reach_the_glossary_screens(client, auth, make_author, add_term, method, url):
    add_term("Tyramine")
    anonymous = getattr(client, method)(url)
    if method == "get":
        assert anonymous.status_code == 302
        assert anonymous.headers["Location"].startswith("/login")
    else:
        assert anonymous.status_code in (302, 400)  # no session, so no CSRF token either
    make_author("writer")
    auth.login("writer")
    token = csrf_token(client.get("/dashboard").get_data(as_text=True))
    response = getattr(client, method)(url, data={"csrf_token": token, **term_form()})
    assert response.status_code == 403
    with client.application.app_context():
        assert [t.term for t in db.session.scalars(select(GlossaryTerm))] == ["Tyramine"]


def test_editor_screens_are_never_cached_and_robots_keep_out(client, editor):
    assert client.get(MANAGE).headers["Cache-Control"] == "private, no-store"
    assert "Disallow: /manage\n" in client.get("/robots.txt").get_data(as_text=True)


# The glossary page


def test_the_glossary_lists_terms_a_to_z_under_letter_headings(client, add_term):
    for term in ("beta blocker", "Alpha", "5-HT", "Augmentation", "Zinc"):
        add_term(term)
    page = client.get("/glossary").get_data(as_text=True)
    headings = re.findall(r'<h2 id="Letter-([^"]+)">([^<]+)</h2>', page)
    assert headings == [("other", "#"), ("A", "A"), ("B", "B"), ("Z", "Z")]
    assert re.findall(r'<dt id="([^"]+)">', page) == [
        "5-ht",
        "alpha",
        "augmentation",
        "beta-blocker",
        "zinc",
    ]
    letters = page.split('aria-label="Letters"')[1].split("</nav>")[0]
    assert re.findall(r'href="#(Letter-[^"]+)"', letters) == [
        "Letter-other",
        "Letter-A",
        "Letter-B",
        "Letter-Z",
    ]


def test_the_glossary_is_linked_from_every_page_and_is_a_cached_public_page(client, add_term):
    add_term("Tyramine")
    nav = client.get("/").get_data(as_text=True).split('aria-label="Site"')[1]
    assert '<a href="/glossary">Glossary</a>' in nav.split("</nav>")[0]
    first = client.get("/glossary")
    assert "public" in first.headers["Cache-Control"]
    again = client.get("/glossary", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_the_sitemap_lists_the_glossary_once_it_has_a_term(client, add_term):
    assert "/glossary</loc>" not in client.get("/sitemap.xml").text
    add_term("Tyramine", "A substance in aged foods.")
    assert f"<loc>{SITE_URL}/glossary</loc>" in client.get("/sitemap.xml").text


def test_an_empty_glossary_says_so(client):
    page = client.get("/glossary").get_data(as_text=True)
    assert "The glossary has no words yet." in page
    assert structured_data(page)["hasDefinedTerm"] == []


def test_the_defined_term_set_describes_exactly_the_terms_on_the_page(client, add_term):
    add_term("Monoamine oxidase inhibitor", "Blocks an enzyme.", synonyms=["MAOI"])
    add_term("Tyramine", "In aged cheese & wine.")
    page = client.get("/glossary").get_data(as_text=True)
    data = structured_data(page)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "DefinedTermSet"
    assert data["url"] == data["@id"] == f"{SITE_URL}/glossary"
    shown = re.findall(r'<dt id="([^"]+)">([^<]+)</dt>', page)
    described = data["hasDefinedTerm"]
    assert [(t["url"], t["name"]) for t in described] == [
        (f"{SITE_URL}/glossary#{slug}", html.unescape(name)) for slug, name in shown
    ]
    maoi, tyramine = described
    assert maoi == {
        "@type": "DefinedTerm",
        "@id": f"{SITE_URL}/glossary#monoamine-oxidase-inhibitor",
        "url": f"{SITE_URL}/glossary#monoamine-oxidase-inhibitor",
        "name": "Monoamine oxidase inhibitor",
        "alternateName": ["MAOI"],
        "description": "Blocks an enzyme.",
        "inDefinedTermSet": f"{SITE_URL}/glossary",
    }
    assert "alternateName" not in tyramine
    assert tyramine["description"] == "In aged cheese & wine."


def test_no_term_can_break_out_of_the_json_ld_and_the_csp_still_forbids_script(app, client):
    # The form refuses tags; a term from before that rule or from code must still be safe.
    with app.app_context():
        db.session.add(
            GlossaryTerm(
                slug="script",
                term="</script><script>alert(1)</script>",
                synonyms="<!--",
                definition="a & b > c",
                created_at=START,
                updated_at=START,
            )
        )
        db.session.commit()
    response = client.get("/glossary")
    page = response.get_data(as_text=True)
    assert page.count("<script") == 1
    assert page.count("</script>") == 1
    assert "<!--" not in page
    assert r"\u003c/script\u003e\u003cscript\u003ealert(1)\u003c/script\u003e" in page
    assert r"a \u0026 b \u003e c" in page
    (term,) = structured_data(page)["hasDefinedTerm"]
    assert term["name"] == "</script><script>alert(1)</script>"
    assert term["alternateName"] == ["<!--"]
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;</dt>" in page
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'none'" in policy
    assert "unsafe-inline" not in policy


def test_glossary_is_not_a_slug_an_article_can_take():
    assert slug_problem("glossary") is not None


# Marking terms on readers' pages


def test_an_article_marks_first_uses_and_lists_the_words_used_at_its_end(client, publish, add_term):
    add_term("Tyramine", "Raises blood pressure > 180 & more; < 1 g is safe.")
    add_term("Monoamine oxidase inhibitor", "A type of antidepressant.", synonyms=["MAOI"])
    article = publish(
        "Diet on an MAOI",
        body="## Tyramine\n\nOn an MAOI, avoid tyramine. [MAOI](/x) and `tyramine`. Tyramine.",
    )
    page = client.get(f"/{article.slug}").get_data(as_text=True)
    assert "<h2>Tyramine</h2>" in page
    assert (
        'On an <a href="#term-monoamine-oxidase-inhibitor" aria-describedby='
        '"term-monoamine-oxidase-inhibitor-definition" class="term">MAOI</a>, avoid '
        '<a href="#term-tyramine" aria-describedby="term-tyramine-definition" class="term">'
        'tyramine</a>. <a href="/x">MAOI</a> and <code>tyramine</code>. Tyramine.'
    ) in page
    assert words_used(page) == [
        ("monoamine-oxidase-inhibitor", "Monoamine oxidase inhibitor", "A type of antidepressant."),
        ("tyramine", "Tyramine", "Raises blood pressure > 180 & more; < 1 g is safe."),
    ]
    assert "Raises blood pressure &gt; 180 &amp; more; &lt; 1 g is safe." in page
    assert '<a href="/glossary#tyramine">More about Tyramine in the glossary</a>' in page


def test_a_page_with_no_terms_has_no_words_used_section(client, publish, add_term):
    add_term("Tyramine")
    article = publish("Plain", body="Nothing to define here.")
    page = client.get(f"/{article.slug}").get_data(as_text=True)
    assert "Words used on this page" not in page
    assert 'class="term"' not in page


def test_feeds_carry_the_stored_text_unmarked(client, publish, add_term):
    add_term("Tyramine")
    publish("Diet", body="Avoid tyramine.")
    for feed in ("/feed.xml", "/feed.json"):
        body = client.get(feed).get_data(as_text=True)
        assert "Avoid tyramine." in body
        assert "term-tyramine" not in body


WORKERS = [pytest.param({}, id="no-redis")] + [
    pytest.param({"REDIS_URL": TEST_REDIS_URL}, id="redis", marks=requires_redis)
]


@pytest.mark.parametrize("settings", WORKERS)
def test_a_glossary_edit_shows_at_once_on_pages_already_cached_in_every_worker(
    make_app, make_topic, publish, settings
):
    settings = {**settings, "CACHE_PREFIX": f"test:{uuid.uuid4()}"}
    reader_worker, editor_worker = make_app(**settings), make_app(**settings)
    article = publish("Diet", body="Avoid tyramine.")
    reader = reader_worker.test_client()
    paths = [f"/{article.slug}", "/topics/treatment-resistant-depression", "/glossary"]
    before = {path: reader.get(path).get_data(as_text=True) for path in paths}
    assert all("Tyramine" not in page for page in before.values())
    assert reader.get(paths[0]).get_data(as_text=True) == before[paths[0]]  # served from cache

    with editor_worker.app_context():
        save_term(None, GlossaryInput("Tyramine", "", "In aged foods."), by=None)
    page = reader.get(paths[0]).get_data(as_text=True)
    assert words_used(page) == [("tyramine", "Tyramine", "In aged foods.")]
    assert 'id="tyramine"' in reader.get("/glossary").get_data(as_text=True)

    with editor_worker.app_context():
        term = db.session.scalar(select(GlossaryTerm))
        save_term(term, GlossaryInput("Tyramine", "", "Found in aged cheese."), by=None)
    assert words_used(reader.get(paths[0]).get_data(as_text=True))[0][2] == "Found in aged cheese."

    with editor_worker.app_context():
        term = db.session.scalar(select(GlossaryTerm))
        editor = Author(username="ed", display_name="Ed", password_hash="!", is_editor=True)
        db.session.add(editor)
        db.session.commit()
        delete_term(term, by=editor)
    assert "Words used on this page" not in reader.get(paths[0]).get_data(as_text=True)


def test_an_article_page_counts_a_term_edit_as_a_change(client, publish, add_term, app, clock):
    article = publish("Diet", body="Avoid tyramine.", when=START)
    add_term("Tyramine")  # saved at the clock's time, START
    with app.app_context():
        term = db.session.scalar(select(GlossaryTerm))
        clock.advance(days(3))
        save_term(term, GlossaryInput("Tyramine", "", "Changed."), by=None)
    response = client.get(f"/{article.slug}")
    assert response.last_modified == START + days(3)


def test_deleting_a_term_moves_the_last_modified_of_pages_that_marked_it(
    client, publish, add_term, app, clock, make_author
):
    article = publish("Diet", body="Avoid tyramine.", when=START)
    add_term("Tyramine")
    first = client.get(f"/{article.slug}")
    assert "Words used on this page" in first.get_data(as_text=True)
    clock.advance(days(3))
    with app.app_context():
        editor = make_author("ed", editor=True)
        delete_term(db.session.scalar(select(GlossaryTerm)), by=editor)
    # A reader revalidating by date alone gets the page without the term, not a 304.
    again = client.get(
        f"/{article.slug}", headers={"If-Modified-Since": first.headers["Last-Modified"]}
    )
    assert again.status_code == 200
    assert "Words used on this page" not in again.get_data(as_text=True)
    assert again.last_modified == START + days(3)


def test_the_demo_marks_terms_in_its_guides_but_not_the_intro_s_own_definitions(runner, client):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    maoi_guide = client.get(f"/{ARTICLES[0].slug}").get_data(as_text=True)
    definitions = {slug: definition for slug, _, definition in words_used(maoi_guide)}
    assert definitions["phenelzine"].startswith("An older, irreversible MAOI antidepressant")
    assert 'class="term">Monoamine oxidase inhibitors</a>' in maoi_guide
    topic = client.get(f"/topics/{TOPIC_SLUG}").get_data(as_text=True)
    intro = topic.split('class="prose topic-intro">')[1].split("</div>")[0]
    assert "SSRIs, a common class" in intro
    assert "term-ssri" not in intro
    assert "term-electroconvulsive-therapy" not in intro
    assert "term-treatment-resistant-depression" not in intro
    assert [slug for slug, _, _ in words_used(topic)] == ["snri"]
    glossary = client.get("/glossary").get_data(as_text=True)
    assert len(structured_data(glossary)["hasDefinedTerm"]) == 16


def test_loading_the_demo_twice_keeps_one_copy_of_each_term(runner, app):
    runner.invoke(args=["seed-demo"])
    result = runner.invoke(args=["seed-demo"])
    assert "glossary term" not in result.output
    with app.app_context():
        assert len(db.session.scalars(select(GlossaryTerm)).all()) == 16
        assert db.session.scalar(select(Article).limit(1)) is not None
