"""Search: what readers find, in what order, never what they may not see, and never an error."""

import re
import uuid
from datetime import timedelta

import pytest
import redis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from blog import queries, search
from blog.extensions import db
from blog.models import Article, Author, GlossaryTerm
from blog.publishing import ArticleInput, delete, save_article, undelete, unpublish
from blog.rules import MAX_SEARCH_QUERY_LENGTH, MAX_SEARCH_TERMS
from tests.helpers import START, TEST_REDIS_URL, days, requires_redis

HOSTILE_QUERIES = [
    "lithium!!!",
    "-",
    "- -- ---",
    '"lithium',
    'lithium"',
    '"""',
    '"lithium -"',
    "(" * 50,
    "x" * 2000,
    "&|!<>" * 400,
    "".join(chr(c) for c in range(32, 127)) * 22,
    "lithium NEAR kidneys",
    "NEAR(lithium kidneys, 2)",
    "lith*",
    "*",
    "title:lithium",
    ":",
    "^lithium",
    "lithium & kidneys",
    "lithium | kidneys",
    "!lithium",
    "lithium:*",
    "lithium <-> kidneys",
    "AND OR NOT",
    "'; DROP TABLE articles; --",
    "1' OR '1'='1",
    "%",
    "_",
    "\\",
    "\x00lithium",
    "<b>lithium</b>",
    "{{ 7*7 }}",
    "ﬁ ½ ² Ⅻ",
    "العربية 中文",
    "   ",
]


def titles(response) -> list[str]:
    return re.findall(r'class="entry-title"><a href="[^"]*">([^<]*)</a>', response.text)


def found(text: str) -> list[str]:
    """Slugs of the visible articles a search for ``text`` finds, best first (inside a context)."""
    return [hit.article.slug for hit in queries.search(text, page=1, per_page=50).hits]


# Reading the query


def test_a_query_is_read_as_words_phrases_and_excluded_terms():
    parsed = search.parse('lithium "blood pressure" -ibuprofen -"side effects" NSAID\'s <b>x')
    assert parsed.included == (
        search.Term((("lithium",),)),
        search.Term((("blood", "pressure"),)),
        search.Term((("nsaid", "s"),)),
        search.Term((("b",),)),
        search.Term((("x",),)),
    )
    assert parsed.excluded == (
        search.Term((("ibuprofen",),)),
        search.Term((("side", "effects"),)),
    )


def test_operators_and_punctuation_are_only_separators_and_common_words_are_dropped():
    parsed = search.parse('NEAR(a* : b^) & | ! "the')
    assert [term.phrases[0] for term in parsed.included] == [("near",), ("b",)]
    assert not search.parse("the of and -").searchable
    assert not search.parse("-lithium").searchable


def test_a_long_query_is_cut_to_the_limits():
    parsed = search.parse(" ".join(f"word{n}" for n in range(100)))
    assert len(parsed.included) == MAX_SEARCH_TERMS
    assert not search.parse(" " * MAX_SEARCH_QUERY_LENGTH + "lithium").searchable


def test_every_token_reaches_fts5_quoted():
    parsed = search.expand(
        search.parse('NEAR lithium* "side effects" -x:y'),
        search.synonym_table([["Lithium", "Li-Liquid"]]),
    )
    match = search.fts5_match(parsed)
    assert match == '("near" AND ("lithium" OR "li liquid") AND "side effects") NOT ("x" OR "y")'
    # Outside the quoted strings only our own operators and brackets remain.
    outside_strings = re.sub(r'"[^"]*"', "", match)
    assert set(re.findall(r"\w+", outside_strings)) <= {"AND", "OR", "NOT"}
    assert re.fullmatch(r"[()A-Z ]*", outside_strings)


def test_glossary_names_typed_without_quotes_are_found_as_one_term():
    synonyms = search.synonym_table(
        [["Monoamine oxidase inhibitor", "MAOI", "MAO inhibitor"], ["Phenelzine", "Nardil"]]
    )
    parsed = search.expand(search.parse("monoamine oxidase inhibitor cheese nardil"), synonyms)
    assert [term.phrases for term in parsed.included] == [
        (("monoamine", "oxidase", "inhibitor"), ("maoi",), ("mao", "inhibitor")),
        (("cheese",),),
        (("phenelzine",), ("nardil",)),
    ]


# What readers find


def test_monoamine_finds_the_maoi_guide_first(runner, client):
    runner.invoke(args=["seed-demo"])
    response = client.get("/search?q=Monoamine")
    assert response.status_code == 200
    assert titles(response)[0].startswith("Monoamine Oxidase Inhibitors")
    assert "<mark>" in response.text


def test_glossary_synonyms_find_the_other_names(runner, client):
    runner.invoke(args=["seed-demo"])
    maoi = titles(client.get("/search?q=MAOI+cheese"))
    assert maoi and maoi[0].startswith("Monoamine Oxidase Inhibitors")
    # "Nardil" is linked to phenelzine by the glossary.
    assert titles(client.get("/search?q=nardil+side+effects"))[0].startswith("Monoamine")


def test_a_glossary_edit_reaches_search_at_once(app, publish):
    publish("Phenelzine and food", body="Phenelzine needs care with aged cheese.")
    with app.app_context():
        assert found("nardil") == []
        db.session.add(
            GlossaryTerm(
                slug="phenelzine", term="Phenelzine", synonyms="Nardil", definition="A drug."
            )
        )
        db.session.commit()
        assert found("nardil") == ["phenelzine-and-food"]
        # Without the glossary, a plain full-text search still works.
        assert found("phenelzine") == ["phenelzine-and-food"]


def test_stemming_finds_other_forms_of_a_word(app, publish):
    publish("Lithium interactions", body="Several medicines change lithium levels.")
    with app.app_context():
        assert found("interact") == ["lithium-interactions"]
        assert found("medicine") == ["lithium-interactions"]


def test_phrases_and_exclusions(app, publish):
    publish("Blood pressure", body="An MAOI can raise blood pressure sharply.")
    publish("Pressure of blood tests", body="Blood tests are a pressure for some people.")
    with app.app_context():
        assert found('"blood pressure"') == ["blood-pressure"]
        assert set(found("blood pressure")) == {"blood-pressure", "pressure-of-blood-tests"}
        assert found("blood -tests") == ["blood-pressure"]
        assert found('blood -"raise blood"') == ["pressure-of-blood-tests"]


def test_a_nonsense_word_lists_nothing_and_suggests_topics_and_how_to_search(client, publish):
    publish("Lithium levels", body="Lithium is cleared by the kidneys.")
    response = client.get("/search?q=zzqxv")
    assert response.status_code == 200
    assert titles(response) == []
    assert "No guides match your search." in response.text
    assert "Browse the topics" in response.text
    assert 'href="/topics/treatment-resistant-depression"' in response.text
    assert "How to search" in response.text


def test_title_and_summary_outrank_the_body_and_a_newer_article_wins_a_tie(app, publish):
    publish("Notes on sleep", body="Lithium is mentioned once here.", when=START + days(3))
    publish("Lithium and sleep", body="About sleep.", when=START)
    publish("Sleep", summary="Why lithium matters at night.", body="About sleep.", when=START)
    publish("Older tie", body="Tyramine in cheese.", when=START)
    publish("Newer tie", body="Tyramine in cheese.", when=START + days(1))
    with app.app_context():
        assert found("lithium") == ["lithium-and-sleep", "sleep", "notes-on-sleep"]
        assert found("tyramine") == ["newer-tie", "older-tie"]


# Only what readers may see


def test_drafts_are_never_found(app, publish):
    publish("Draft on lithium", body="Lithium draft.", draft=True)
    with app.app_context():
        assert found("lithium") == []


def test_pending_changes_are_not_found_until_published(app, publish, revise):
    article = publish("Lithium levels", body="Lithium is cleared by the kidneys.")
    revise(article.id, draft=True, body_markdown="Lithium and thirst.")
    with app.app_context():
        assert found("thirst") == []
        assert found("kidneys") == ["lithium-levels"]
    revise(article.id, body_markdown="Lithium and thirst.")
    with app.app_context():
        assert found("thirst") == ["lithium-levels"]
        assert found("kidneys") == []


def test_a_scheduled_article_is_found_exactly_when_it_is_due(app, clock, make_author, make_topic):
    author, topic = make_author(), make_topic()
    with app.app_context():
        save_article(
            None,
            ArticleInput("Lithium next week", "", "Lithium, later.", topic.id),
            by=db.session.get_one(Author, author.id),
            publish=True,
            publish_at=START + days(7),
            now=START,
        )
        assert found("lithium") == []
        clock.advance(days(7) - timedelta(seconds=1))
        assert found("lithium") == []
        clock.advance(timedelta(seconds=1))
        assert found("lithium") == ["lithium-next-week"]


def test_unpublished_and_deleted_articles_are_not_found_and_restored_ones_are(app, publish):
    one = publish("Lithium one", body="Lithium.")
    two = publish("Lithium two", body="Lithium.")
    with app.app_context():
        editor = db.session.get_one(Author, one.author_id)
        unpublish(db.session.get_one(Article, one.id), by=editor, now=START + days(1))
        delete(db.session.get_one(Article, two.id), by=editor, now=START + days(1))
        assert found("lithium") == []
        undelete(db.session.get_one(Article, two.id), by=editor, now=START + days(2))
        assert found("lithium") == ["lithium-two"]


def test_an_edit_is_searchable_as_soon_as_it_is_published(app, publish, revise):
    article = publish("Lithium levels", body="Lithium is cleared by the kidneys.")
    revise(article.id, title="Lithium and thirst")
    with app.app_context():
        assert found("thirst") == ["lithium-levels"]


# The page


def test_results_show_title_date_topic_and_a_marked_snippet(client, publish):
    publish("Lithium levels", body="Your prescriber checks lithium levels in the blood.")
    response = client.get("/search?q=lithium")
    assert titles(response) == ["Lithium levels"]
    assert '<time datetime="2025-11-01">1 November 2025</time>' in response.text
    assert ">Treatment Resistant Depression</a>" in response.text
    assert "checks <mark>lithium</mark> levels" in response.text


def test_neither_article_text_nor_the_query_can_inject_markup(client, publish, backend):
    publish(
        "Lithium safety",
        body="Lithium `<script>alert(1)</script>` and 3 &lt; 4 and <b>bold</b>, vitamin b",
    )
    response = client.get("/search", query_string={"q": "<b>lithium</b>"})
    page = response.text
    assert "<script>alert" not in page
    assert "<b>bold" not in page and "<b>lithium" not in page
    if backend == "sqlite":
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    else:
        # PostgreSQL's ts_headline leaves out whatever looks like a tag: never markup either.
        assert "alert(1)" in page
    assert "3 &lt; 4" in page
    # The query comes back escaped in the box, the heading and the title.
    assert 'value="&lt;b&gt;lithium&lt;/b&gt;"' in page
    assert "<title>Search results for “&lt;b&gt;lithium&lt;/b&gt;”" in page
    marks = re.findall(r"<mark>([^<]*)</mark>", page)
    assert marks and {mark.lower() for mark in marks} == {"lithium", "b"}


def test_a_snippet_marker_typed_into_an_article_is_never_markup():
    assert str(search.marked("a \x02b\x03 <i>\x03c\x02")) == "a <mark>b</mark> &lt;i&gt;c"


def test_result_pages_are_noindex_uncached_and_set_no_cookie(client, publish):
    publish("Lithium levels", body="Lithium.")
    response = client.get("/search?q=lithium")
    assert '<meta name="robots" content="noindex">' in response.text
    assert "no-store" in response.headers["Cache-Control"]
    assert "Set-Cookie" not in response.headers


def test_results_come_a_page_at_a_time(client, publish):
    for n in range(12):
        publish(f"Lithium guide {n}", body="Lithium.", when=START + timedelta(minutes=n))
    first = client.get("/search?q=lithium")
    assert len(titles(first)) == 10
    assert titles(first)[0] == "Lithium guide 11"
    assert 'href="/search?q=lithium&amp;page=2" rel="next"' in first.text
    second = client.get("/search?q=lithium&page=2")
    assert titles(second) == ["Lithium guide 1", "Lithium guide 0"]
    assert 'rel="next"' not in second.text and 'rel="prev"' in second.text
    past = client.get("/search?q=lithium&page=3")
    assert past.status_code == 200 and "There are no more results" in past.text
    assert client.get("/search?q=lithium&page=0").status_code == 404
    assert client.get("/search?q=lithium&page=9999").status_code == 404


def test_every_page_has_the_search_box_and_the_opensearch_link(client, publish):
    article = publish("Lithium levels", body="Lithium.")
    for url in ("/", f"/{article.slug}", "/topics/treatment-resistant-depression", "/nope"):
        page = client.get(url).text
        assert '<label for="site-search-q">Search the guides</label>' in page
        assert 'action="/search"' in page
        assert (
            '<link rel="search" type="application/opensearchdescription+xml" '
            'title="Treatment-Resistant Depression Guide" '
            'href="https://guide.example/opensearch.xml">'
        ) in page


def test_the_opensearch_description_gives_the_search_address(client):
    response = client.get("/opensearch.xml")
    assert response.content_type == "application/opensearchdescription+xml; charset=utf-8"
    assert 'xmlns="http://a9.com/-/spec/opensearch/1.1/"' in response.text
    assert 'template="https://guide.example/search?q={searchTerms}"' in response.text
    short_name = re.search(r"<ShortName>([^<]*)</ShortName>", response.text)
    assert short_name and 0 < len(short_name.group(1)) <= 16


def test_an_empty_query_explains_how_to_search(client):
    response = client.get("/search")
    assert response.status_code == 200
    assert '<h1 id="search-heading">Search</h1>' in response.text
    assert "<title>Search – " in response.text


@pytest.mark.parametrize("hostile", HOSTILE_QUERIES)
def test_hostile_queries_answer_with_a_page(client, publish, hostile):
    publish("Lithium and kidneys", body="Lithium is cleared by the kidneys.")
    response = client.get("/search", query_string={"q": hostile})
    assert response.status_code == 200
    assert 'id="search-heading"' in response.text
    assert "<script" not in response.text.lower().replace("&lt;script", "")


def test_operators_typed_as_words_still_find_the_words(client, publish):
    publish("Lithium and kidneys", body="Lithium is cleared by the kidneys.")
    for typed in ("lithium & kidneys", "lithium* kidneys", "lithium:", "!lithium", "(lithium"):
        assert titles(client.get("/search", query_string={"q": typed})) == [
            "Lithium and kidneys"
        ], typed
    # NEAR is a word like any other: it must appear.
    assert titles(client.get("/search", query_string={"q": "lithium NEAR"})) == []


def test_a_query_that_is_not_utf_8_answers_with_a_page(client, publish):
    publish("Lithium and kidneys", body="Lithium is cleared by the kidneys.")
    response = client.get("/search?q=lithium%ED%A0%80%FF%00")
    assert response.status_code == 200
    assert "You searched for" in response.text
    assert client.get("/search?q=lithium%00").status_code == 200


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(typed=st.text(max_size=300) | st.text(alphabet='"-*:^()&|!<> NEARORANDNOTab', max_size=60))
def test_no_text_makes_search_fail(app, publish_once, typed):
    with app.app_context():
        results = queries.search(typed, page=1, per_page=5)
        for hit in results.hits:
            assert "<" not in str(hit.snippet).replace("<mark>", "").replace("</mark>", "")
        db.session.rollback()


@pytest.fixture
def publish_once(publish):
    return publish("Near or and not", body='NEAR the "quotes" and a-b & c | d ! e: f* ^g')


# The limit


@pytest.fixture(params=["memory", pytest.param("redis", marks=requires_redis)])
def limited(request, app, make_app):
    overrides = {"SEARCH_REQUESTS_LIMIT": 3, "SEARCH_REQUESTS_WINDOW": 10}
    prefix = None
    if request.param == "redis":
        prefix = f"blog-tests:search:{uuid.uuid4().hex}"
        overrides |= {"REDIS_URL": TEST_REDIS_URL, "SEARCH_REQUESTS_PREFIX": prefix}
    yield make_app(**overrides)
    if prefix:
        client = redis.Redis.from_url(TEST_REDIS_URL)
        for key in client.scan_iter(f"{prefix}:*"):
            client.delete(key)
        client.close()


def test_a_burst_of_searches_from_one_address_gets_429_until_the_window_ends(limited):
    from tests.conftest import SteppedClock

    clock = SteppedClock(START + timedelta(seconds=2))
    limited.config["CLOCK"] = clock
    client = limited.test_client()
    here = {"REMOTE_ADDR": "203.0.113.5"}
    for _ in range(3):
        assert client.get("/search?q=lithium", environ_base=here).status_code == 200
    refused = client.get("/search?q=lithium", environ_base=here)
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "8"
    assert "Too many searches" in refused.text
    # Another address has its own budget.
    other = client.get("/search?q=lithium", environ_base={"REMOTE_ADDR": "203.0.113.6"})
    assert other.status_code == 200
    clock.advance(timedelta(seconds=8))
    assert client.get("/search?q=lithium", environ_base=here).status_code == 200


def test_a_redis_that_is_down_lets_searches_through(app, make_app):
    app = make_app(REDIS_URL="redis://127.0.0.1:1/0", SEARCH_REQUESTS_LIMIT=1)
    client = app.test_client()
    assert client.get("/search?q=lithium").status_code == 200
    assert client.get("/search?q=lithium").status_code == 200


def test_only_the_newest_matches_are_ranked_past_the_candidate_limit(app, publish, monkeypatch):
    monkeypatch.setattr(search, "MAX_SEARCH_CANDIDATES", 2)
    publish("Lithium", body="Lithium.", when=START)
    publish("Second", body="Lithium.", when=START + days(1))
    publish("Third", body="Lithium.", when=START + days(2))
    with app.app_context():
        # The best match by far (the title) is the oldest: past the limit, it is not ranked.
        assert found("lithium") == ["third", "second"]
        monkeypatch.setattr(search, "MAX_SEARCH_CANDIDATES", 3)
        assert found("lithium") == ["lithium", "third", "second"]


def test_a_long_query_is_echoed_only_as_far_as_it_is_read(client):
    response = client.get("/search", query_string={"q": "lithium " + "x" * 2000})
    box = re.search(r'<input id="site-search-q"[^>]*value="([^"]*)"', response.text)
    assert box and box.group(1) == ("lithium " + "x" * 2000)[:MAX_SEARCH_QUERY_LENGTH]


def test_the_whole_body_is_searched_but_snippets_come_from_its_beginning(app, publish):
    body = "Sleep well. " * 600 + "\n\nTyramine is in aged cheese."
    publish("A long guide", body=body)
    with app.app_context():
        [hit] = queries.search("tyramine", page=1, per_page=10).hits
    assert hit.article.slug == "a-long-guide"
    assert str(hit.snippet).startswith("Sleep well.")
    assert "<mark>" not in str(hit.snippet)
