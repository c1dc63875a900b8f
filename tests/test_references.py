"""References: numbered footnotes with back-links, and DOIs and PubMed ids that link themselves."""

import re

import feedparser
import pytest
from hypothesis import given
from hypothesis import strategies as st

from blog.content import render_markdown

DOI = "10.1007/s40263-021-00832-x"
DOI_LINK = f'<a href="https://doi.org/{DOI}" rel="nofollow noopener">'


def links(html: str) -> list[tuple[str, str]]:
    """Return (href, text) of every link in ``html``, in order."""
    return re.findall(r'<a href="([^"]*)"[^>]*>(.*?)</a>', html)


@pytest.mark.parametrize(
    ("typed", "href", "text"),
    [
        (f"doi:{DOI}", f"https://doi.org/{DOI}", f"doi:{DOI}"),
        (f"DOI: {DOI}", f"https://doi.org/{DOI}", f"DOI: {DOI}"),
        (f"https://doi.org/{DOI}", f"https://doi.org/{DOI}", f"https://doi.org/{DOI}"),
        (f"https://dx.doi.org/{DOI}", f"https://doi.org/{DOI}", f"https://dx.doi.org/{DOI}"),
        ("PMID: 30255284", "https://pubmed.ncbi.nlm.nih.gov/30255284/", "PMID: 30255284"),
        ("PMID:15784664", "https://pubmed.ncbi.nlm.nih.gov/15784664/", "PMID:15784664"),
    ],
)
def test_a_bare_identifier_becomes_a_link_showing_what_was_typed(typed, href, text):
    assert links(render_markdown(f"Source: {typed}")) == [(href, text)]


@pytest.mark.parametrize("after", [".", ",", ";", ":", "!", "?", ")", '"', "”", "’", ").", "]"])
def test_punctuation_after_a_doi_stays_text(after):
    html = render_markdown(f"(see doi:{DOI}{after}")
    assert links(html) == [(f"https://doi.org/{DOI}", f"doi:{DOI}")]
    assert f"</a>{after}</p>" in html


def test_parentheses_that_belong_to_the_doi_stay_in_it():
    doi = "10.1016/S0140-6736(17)32802-7"
    html = render_markdown(f"A trial (doi:{doi}).")
    assert links(html) == [(f"https://doi.org/{doi}", f"doi:{doi}")]
    assert html.endswith("</a>).</p>")


def test_characters_a_url_reads_specially_are_escaped_in_a_doi_typed_bare():
    doi = "10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-O"
    [(href, text)] = links(render_markdown(f"doi:{doi}"))
    assert (
        href == "https://doi.org/10.1002/(SICI)1097-4571(199806)49:8%3C693::AID-ASI4%3E3.0.CO;2-O"
    )
    assert text == "doi:10.1002/(SICI)1097-4571(199806)49:8&lt;693::AID-ASI4&gt;3.0.CO;2-O"
    [(href, _)] = links(render_markdown("doi:10.1000/a#b"))
    assert href == "https://doi.org/10.1000/a%23b"


@pytest.mark.parametrize(
    "typed",
    [
        "PMID: ",
        "PMID:",
        "PMID: none yet",
        "PMID: 1234567890",  # longer than any PubMed id
        "PMID: 123abc",
        "doi:",
        "doi:10.1/short",  # a registrant code has at least four digits
        "doi:10.1234/.",
        "mydoi:10.1234/abc",
        "https://example.org/?u=https://doi.org/10.1234/abc",
    ],
)
def test_things_that_only_look_like_identifiers_are_left_alone(typed):
    html = render_markdown(typed)
    assert "pubmed" not in html
    if "example.org" in typed:
        # bleach links the whole URL as typed; nothing inside it is split off.
        assert [href for href, _ in links(html)] == [typed]
    else:
        assert links(html) == []


def test_identifiers_inside_code_are_not_linked():
    html = render_markdown(f"`doi:{DOI}` and `PMID: 123`\n\n    doi:{DOI}\n\n```\nPMID: 1\n```")
    assert links(html) == []
    assert f"<code>doi:{DOI}</code>" in html


def test_identifiers_inside_links_and_images_are_left_as_they_are():
    html = render_markdown(
        f"[doi:{DOI}](https://example.org/paper) <https://doi.org/{DOI}> "
        "![PMID: 123](/chart.png) [see PMID: 456](/local)"
    )
    assert links(html) == [
        ("https://example.org/paper", f"doi:{DOI}"),
        (f"https://doi.org/{DOI}", f"https://doi.org/{DOI}"),
        ("/local", "see PMID: 456"),
    ]
    assert 'alt="PMID: 123"' in html


def test_identifiers_in_footnotes_link_and_the_references_keep_their_numbers():
    html = render_markdown(
        "MAOIs help[^a]. Tyramine matters[^b].\n\n"
        f"[^b]: Gillman PK. J Neural Transm. 2018. PMID: 30255284\n[^a]: Shulman. doi:{DOI}."
    )
    references = html.split('<section class="footnotes">')[1]
    assert '<li id="fn1">\n<p>Shulman. ' + DOI_LINK in references
    assert (
        '<li id="fn2">\n<p>Gillman PK. J Neural Transm. 2018. '
        '<a href="https://pubmed.ncbi.nlm.nih.gov/30255284/" rel="nofollow noopener">'
        "PMID: 30255284</a>" in references
    )
    assert (
        '<a href="#fnref2" title="Back to where note 2 is cited" '
        'aria-label="Back to where note 2 is cited">\u21a9</a>' in references
    )


def test_a_footnote_is_cleaned_like_the_body():
    html = render_markdown(
        "Text[^1]\n\n[^1]: <script>alert(1)</script> [x](javascript:alert(1)) doi:10.1234/a<b"
    )
    assert "<script" not in html and 'href="javascript' not in html
    assert "&lt;script&gt;" in html
    assert '<a href="https://doi.org/10.1234/a%3Cb" rel="nofollow noopener">' in html


@given(st.text(alphabet=st.sampled_from(list("doi:10.1234/()[]`<>PMID 5_*x.,\n\\"))))
def test_any_text_renders_and_every_identifier_link_points_at_the_resolvers(text):
    html = render_markdown(text)
    for href, _ in links(html):
        assert href.startswith(("https://doi.org/10.", "https://pubmed.ncbi.nlm.nih.gov/")), href
        assert href.count('"') == 0 and "<" not in href and " " not in href


def test_feed_items_carry_the_references_with_absolute_back_links(client, publish):
    publish(
        "Cited guide",
        slug="cited-guide",
        body=f"MAOIs help[^1].\n\n[^1]: Shulman KI. CNS Drugs. doi:{DOI}",
    )
    rss = feedparser.parse(client.get("/feed.xml").data)
    content = rss.entries[0].content[0].value
    assert "<h2>References</h2>" in content
    assert f'<a href="https://doi.org/{DOI}"' in content
    # Absolute back-links, named by their title: feed HTML may not carry ARIA.
    assert (
        '<a href="https://guide.example/cited-guide#fnref1" '
        'title="Back to where note 1 is cited">' in content
    )
    assert "aria-label" not in content
    item = client.get("/feed.json").get_json()["items"][0]
    assert "<h2>References</h2>" in item["content_html"]
    assert f'<a href="https://doi.org/{DOI}"' in item["content_html"]
