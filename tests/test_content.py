"""Markdown becomes clean HTML once, at save time, and nothing dangerous survives."""

from html.parser import HTMLParser

import pytest

from blog.content import absolutize_urls, render_markdown
from blog.content.cleaning import clean_html
from blog.rules import (
    MAX_EMPHASIS_DEPTH,
    MAX_LINES,
    MAX_MARKUP_CHARACTERS,
    MAX_MARKUP_PIECES,
    InvalidInput,
)


class TagCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def tags_of(html: str) -> list[tuple[str, dict]]:
    collector = TagCollector()
    collector.feed(html)
    collector.close()
    return collector.tags


def test_markdown_renders_headings_emphasis_lists_links_and_tables():
    html = render_markdown(
        "## Dosing\n\nTake it *slowly*, **with food**, ~~never~~.\n\n- one\n- two\n\n"
        "[NHS](https://www.nhs.uk)\n\n| Food | Tyramine |\n|:---|--:|\n| Cheddar | high |\n"
    )
    assert "<h2>Dosing</h2>" in html
    assert "<em>slowly</em>" in html and "<strong>with food</strong>" in html
    assert "<del>never</del>" in html
    assert "<ul>\n<li>one</li>\n<li>two</li>\n</ul>" in html
    assert '<a href="https://www.nhs.uk" rel="nofollow noopener">NHS</a>' in html
    assert '<td align="left">Cheddar</td>\n<td align="right">high</td>' in html


def test_a_top_level_heading_becomes_h2_so_the_page_keeps_one_h1():
    assert render_markdown("# Section") == "<h2>Section</h2>"
    assert render_markdown("Section\n===") == "<h2>Section</h2>"


def test_footnotes_become_a_numbered_references_section_with_back_links():
    html = render_markdown("Lithium[^nice] helps[^nice].\n\n[^nice]: NICE guideline NG222.")
    assert html == (
        '<p>Lithium<sup id="fnref1"><a href="#fn1">1</a></sup> helps'
        '<sup id="fnref1-1"><a href="#fn1">1</a></sup>.</p>\n'
        '<section class="footnotes">\n<h2>References</h2>\n<ol>\n<li id="fn1">\n'
        '<p>NICE guideline NG222. <a href="#fnref1" title="Back to where note 1 is cited" '
        'aria-label="Back to where note 1 is cited">\u21a9</a> <a href="#fnref1-1" '
        'title="Back to where note 1 is cited (2)" '
        'aria-label="Back to where note 1 is cited (2)">\u21a9</a></p>\n</li>\n</ol>\n</section>'
    )


def test_only_the_footnotes_own_ids_and_class_survive_cleaning():
    html = clean_html(
        '<sup id="fnref2"><a href="#fn2">2</a></sup><sup id="main">x</sup>'
        '<section class="footnotes"></section><section class="x"></section><p id="fn1">y</p>'
    )
    assert html == (
        '<sup id="fnref2"><a href="#fn2">2</a></sup><sup>x</sup>'
        '<section class="footnotes"></section><section></section><p>y</p>'
    )


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        '<img src="x" onerror="alert(1)">',
        "<iframe src=https://evil.example></iframe>",
        "<style>body{display:none}</style>",
        '<a href="https://x.example" style="position:fixed">x</a>',
        "<svg onload=alert(1)>",
        '<p onclick="steal()">hi</p>',
    ],
)
def test_html_typed_in_markdown_is_shown_as_text(source):
    html = render_markdown(source)
    assert tags_of(html) == [("p", {})]
    assert "&lt;" in html


@pytest.mark.parametrize(
    "source, forbidden",
    [
        ("[click](javascript:alert(1))", "javascript:"),
        ("[click](JaVaScRiPt:alert(1))", "javascript:"),
        ("![pixel](data:image/svg+xml;base64,PHN2Zz4=)", "data:"),
        ("[x](vbscript:msgbox(1))", "vbscript:"),
    ],
)
def test_dangerous_urls_never_become_links(source, forbidden):
    # markdown-it leaves such a link as its text; nothing in any attribute points there.
    for _tag, attrs in tags_of(render_markdown(source)):
        assert not any(forbidden in (value or "").lower() for value in attrs.values())


def test_the_cleaner_removes_dangerous_html_whatever_produced_it():
    html = clean_html('<p onclick="x()">a<script>b</script><img src="x" onerror="y"></p>')
    assert html == '<p>ab<img src="x"></p>'


def test_relative_urls_become_absolute_for_feeds():
    html = render_markdown(
        "[home](/topics/x) ![chart](/static/chart.png) [out](https://a.example/)"
    )
    absolute = absolutize_urls(html, "https://guide.example/")
    assert 'href="https://guide.example/topics/x"' in absolute
    assert 'src="https://guide.example/static/chart.png"' in absolute
    assert 'href="https://a.example/"' in absolute


def test_making_urls_absolute_leaves_text_that_looks_like_attributes_alone():
    html = render_markdown('Write href="/x" in text, and `src="/y"` in code.')
    assert absolutize_urls(html, "https://guide.example/") == html


def test_protocol_relative_markdown_links_are_foreign():
    html = render_markdown("[x](//evil.example/path)")
    assert html == '<p><a href="https://evil.example/path" rel="nofollow noopener">x</a></p>'


def test_backslashes_in_markdown_links_stay_on_the_site():
    # CommonMark percent-encodes the backslash, so a browser reads a path here.
    assert 'href="%5C%5Cevil.example/x"' in render_markdown("[x](\\\\\\\\evil.example/x)")


@pytest.mark.parametrize(
    "href",
    ["\\\\evil.example/path", "/\\evil.example/path", "/&#9;/evil.example/path"],
)
def test_backslash_and_hidden_protocol_relative_links_in_html_are_foreign(href):
    # A browser reads each as a link to evil.example, not as a path on this site.
    html = clean_html(f'<a href="{href}">x</a>')
    assert html == '<a href="https://evil.example/path" rel="nofollow noopener">x</a>'


def test_attributes_are_always_double_quoted():
    html = clean_html("""<a title='6" tall' href="/p">x</a>""")
    assert html == '<a title="6&quot; tall" href="/p">x</a>'


def test_making_urls_absolute_reads_single_quoted_attributes_as_a_browser_does():
    # HTML stored before the cleaner always double-quoted may hold such tags.
    stored = """<a title='6" tall' href="/p">x</a> <img alt='6" tall' src="/i.png">"""
    assert absolutize_urls(stored, "https://guide.example/") == (
        '<a title="6&quot; tall" href="https://guide.example/p">x</a> '
        '<img alt="6&quot; tall" src="https://guide.example/i.png">'
    )


def test_making_urls_absolute_marks_stored_protocol_relative_links_foreign():
    absolute = absolutize_urls('<a href="//evil.example/x">x</a>', "https://guide.example/")
    assert absolute == '<a href="https://evil.example/x" rel="nofollow noopener">x</a>'


@pytest.mark.parametrize("marker", ["- ", "1. ", "> ", "> - "])
def test_markdown_nested_300_deep_renders_without_recursion_error(marker):
    html = render_markdown(marker * 300 + "deep")
    assert html.startswith(("<ul>", "<ol>", "<blockquote>"))


def test_emphasis_nested_past_the_limit_is_shown_as_text():
    stars = "*" * 2 * (MAX_EMPHASIS_DEPTH + 5)  # "**" is one level: 25 levels asked for
    html = render_markdown(stars + "a" + stars)
    assert html.count("<strong>") == MAX_EMPHASIS_DEPTH
    assert "**********a**********" in html


def test_too_much_formatting_is_refused_with_the_reason():
    with pytest.raises(InvalidInput) as refused:
        render_markdown("*a* " * (MAX_MARKUP_PIECES // 2))
    message = refused.value.errors["body_markdown"]
    assert "too much formatting" in message and "Split it into two articles" in message


def test_a_long_article_of_ordinary_prose_is_well_within_the_formatting_limit():
    paragraph = (
        "Lithium is **cleared** by the kidneys, so your prescriber checks [blood levels]"
        "(/topics/lithium) every 3 months & after any change in dose.\n\n"
    )
    section = "## A section\n\n" + paragraph * 8 + "- one\n- two\n- three\n\n"
    body = section * (200_000 // len(section))
    assert "<h2>A section</h2>" in render_markdown(body)


@pytest.mark.parametrize(
    "source, reason",
    [
        ("[" * (MAX_MARKUP_CHARACTERS + 1), "formatting characters"),
        ("a " + "_" * MAX_MARKUP_CHARACTERS + " b |", "formatting characters"),
        ("a\n=\n" * (MAX_LINES // 2 + 1), "too many lines"),
    ],
    ids=["brackets", "underscores and a pipe", "setext headings"],
)
def test_a_text_that_would_be_slow_to_render_is_refused_before_it_is_parsed(source, reason):
    with pytest.raises(InvalidInput) as refused:
        render_markdown(source)
    assert reason in refused.value.errors["body_markdown"]
    assert "Split it into two articles." in refused.value.errors["body_markdown"]
