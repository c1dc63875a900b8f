"""What machines read from a page: canonical URL, share cards and the articles' JSON-LD."""

import json
import re
from html.parser import HTMLParser

import pytest

from blog.extensions import db
from blog.models import Article, Author
from tests.helpers import SITE_URL, START, days

TOPIC = "treatment-resistant-depression"


class HeadReader(HTMLParser):
    """Collect a page's meta tags, canonical link, JSON-LD blocks and visible <time>s."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.canonical: list[str] = []
        self.json_ld: list[str] = []
        self.times: list[str] = []
        self._in_json = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "meta":
            key = attributes.get("property") or attributes.get("name")
            if key:
                self.meta[key] = attributes.get("content") or ""
        elif tag == "link" and attributes.get("rel") == "canonical":
            self.canonical.append(attributes["href"])
        elif tag == "script":
            assert attributes.get("type") == "application/ld+json", "no script that runs"
            self._in_json = True
            self.json_ld.append("")
        elif tag == "time":
            self.times.append(attributes["datetime"])

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_json = False

    def handle_data(self, data):
        if self._in_json:
            self.json_ld[-1] += data


def read(client, url: str) -> HeadReader:
    response = client.get(url)
    assert response.status_code == 200, url
    reader = HeadReader()
    reader.feed(response.get_data(as_text=True))
    return reader


@pytest.fixture
def reviewed_article(app, clock, publish, review, make_reviewer, ada):
    rosalind = make_reviewer("rosalind", name="Dr Rosalind Test", credentials="MBBS, MRCPsych")
    article = publish(
        "Lithium levels",
        author=ada,
        summary="What changes your lithium level.",
        body="Check levels.[^1]\n\n[^1]: NICE guideline. https://www.nice.org.uk/guidance/ng222",
    )
    return review(article.id, rosalind, when=START + days(1))


def test_every_public_page_names_its_canonical_address_and_share_card(
    client, clock, reviewed_article
):
    pages = {
        "/": f"{SITE_URL}/",
        f"/topics/{TOPIC}": f"{SITE_URL}/topics/{TOPIC}",
        "/lithium-levels": f"{SITE_URL}/lithium-levels",
        "/authors/ada": f"{SITE_URL}/authors/ada",
    }
    for url, canonical in pages.items():
        page = read(client, url)
        assert page.canonical == [canonical], url
        assert page.meta["og:url"] == canonical
        assert page.meta["og:site_name"] == "Treatment-Resistant Depression Guide"
        assert page.meta["twitter:card"] == "summary"
        assert page.meta["description"] and page.meta["og:description"] == page.meta["description"]
        assert page.meta["og:title"] and page.meta["twitter:title"] == page.meta["og:title"]
    article = read(client, "/lithium-levels")
    assert article.meta["og:type"] == "article"
    assert article.meta["og:title"] == "Lithium levels"
    assert article.meta["description"] == "What changes your lithium level."
    assert read(client, "/").meta["og:type"] == "website"


def test_a_canonical_address_drops_unknown_parameters_and_keeps_the_listing_place(
    app, client, clock, publish
):
    app.config["ARTICLES_PER_PAGE"] = 1
    publish("First")
    second = publish("Second")
    assert read(client, f"/topics/{TOPIC}?utm_source=x").canonical == [f"{SITE_URL}/topics/{TOPIC}"]
    older = f"/topics/{TOPIC}?before={second.id}"
    assert read(client, f"{older}&utm_source=x").canonical == [f"{SITE_URL}{older}"]


def test_an_error_page_names_no_canonical_address(client):
    response = client.get("/no-such-guide")
    assert response.status_code == 404
    assert 'rel="canonical"' not in response.get_data(as_text=True)


def test_the_article_json_ld_parses_and_matches_what_the_page_shows(
    client, clock, reviewed_article
):
    page = read(client, "/lithium-levels")
    assert len(page.json_ld) == 1
    data = json.loads(page.json_ld[0])
    assert data["@context"] == "https://schema.org"
    medical, breadcrumbs = data["@graph"]
    assert medical["@type"] == "MedicalWebPage"
    assert medical["headline"] == page.meta["og:title"] == "Lithium levels"
    assert medical["url"] == page.canonical[0]
    published, last_reviewed, next_due = page.times
    assert medical["datePublished"].startswith(published)
    assert medical["dateModified"].startswith(published)
    assert medical["lastReviewed"] == last_reviewed == "2025-11-02"
    assert medical["reviewedBy"] == {
        "@type": "Person",
        "name": "Dr Rosalind Test",
        "honorificSuffix": "MBBS, MRCPsych",
        "url": f"{SITE_URL}/authors/rosalind",
    }
    assert medical["author"] == {
        "@type": "Person",
        "name": "Ada Lovelace",
        "url": f"{SITE_URL}/authors/ada",
    }
    assert medical["about"]["name"] == "Treatment Resistant Depression"
    assert medical["publisher"] == {
        "@type": "Organization",
        "name": "Treatment-Resistant Depression Guide",
        "url": f"{SITE_URL}/",
    }
    [cited] = medical["citation"]
    assert cited["url"] == "https://www.nice.org.uk/guidance/ng222"
    assert cited["name"].startswith("NICE guideline.")
    assert breadcrumbs["@type"] == "BreadcrumbList"
    assert [
        (item["position"], item["name"], item["item"]) for item in breadcrumbs["itemListElement"]
    ] == [
        (1, "Home", f"{SITE_URL}/"),
        (2, "Treatment Resistant Depression", f"{SITE_URL}/topics/{TOPIC}"),
        (3, "Lithium levels", f"{SITE_URL}/lithium-levels"),
    ]


def test_an_unreviewed_article_claims_no_review_in_its_json_ld(client, clock, publish):
    publish("Unchecked")
    [block] = read(client, "/unchecked").json_ld
    medical = json.loads(block)["@graph"][0]
    assert "lastReviewed" not in medical and "reviewedBy" not in medical
    assert "citation" not in medical


def test_no_title_or_name_can_break_out_of_the_json_ld(app, client, clock, publish, make_author):
    hostile = "</script><script>alert(1)</script> & <!--"
    writer = make_author("mallory", name=hostile)
    article = publish("Plain title", author=writer)
    with app.app_context():
        # The write side refuses markup in titles; an old row or an import might not.
        db.session.get_one(Article, article.id).title = hostile
        db.session.commit()
    response = client.get("/plain-title")
    html = response.get_data(as_text=True)
    assert html.count("<script") == 1 and html.count("</script>") == 1
    assert "<script>alert" not in html
    [block] = read(client, "/plain-title").json_ld
    medical = json.loads(block)["@graph"][0]
    assert medical["headline"] == hostile
    assert medical["author"]["name"] == hostile
    assert "\\u003c/script\\u003e" in block and "\\u0026" in block
    # JSON-LD is data; the policy still lets no script run at all.
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'none'" in policy and "default-src 'none'" in policy


def test_a_person_without_credentials_has_no_empty_suffix(client, clock, publish, review, app):
    with app.app_context():
        plain = Author(username="plainreviewer", display_name="Sam", is_clinical_reviewer=True)
        db.session.add(plain)
        db.session.commit()
        db.session.refresh(plain)
        db.session.expunge(plain)
    article = publish("Sams check")
    review(article.id, plain)
    [block] = read(client, "/sams-check").json_ld
    reviewer = json.loads(block)["@graph"][0]["reviewedBy"]
    assert reviewer == {
        "@type": "Person",
        "name": "Sam",
        "url": f"{SITE_URL}/authors/plainreviewer",
    }
    assert re.search(r"Medically reviewed by <a [^>]+>Sam</a>", client.get("/sams-check").text)
