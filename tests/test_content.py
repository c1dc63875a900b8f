"""Markdown becomes clean HTML once, at save time, and nothing dangerous survives."""

import pytest

from blog.content import absolutize_urls, render_markdown


def test_markdown_renders_headings_emphasis_lists_links_and_tables():
    html = render_markdown(
        "## Dosing\n\nTake it *slowly*, **with food**.\n\n- one\n- two\n\n"
        "[NHS](https://www.nhs.uk)\n\n| Food | Tyramine |\n|---|---|\n| Cheddar | high |\n"
    )
    assert "<h2>Dosing</h2>" in html
    assert "<em>slowly</em>" in html and "<strong>with food</strong>" in html
    assert "<ul>\n<li>one</li>\n<li>two</li>\n</ul>" in html
    assert '<a href="https://www.nhs.uk" rel="nofollow noopener">NHS</a>' in html
    assert "<td>Cheddar</td>" in html


def test_a_top_level_heading_becomes_h2_so_the_page_keeps_one_h1():
    assert render_markdown("# Section") == "<h2>Section</h2>"


@pytest.mark.parametrize(
    "source, forbidden",
    [
        ("<script>alert(1)</script>", "<script"),
        ('<img src="x" onerror="alert(1)">', "onerror"),
        ("[click](javascript:alert(1))", "javascript:"),
        ("[click](JaVaScRiPt:alert(1))", "javascript:"),
        ("![pixel](data:image/svg+xml;base64,PHN2Zz4=)", "data:"),
        ("<iframe src=https://evil.example></iframe>", "<iframe"),
        ("<style>body{display:none}</style>", "<style"),
        ('<a href="https://x.example" style="position:fixed">x</a>', "style="),
        ("<svg onload=alert(1)>", "<svg"),
        ('<p onclick="steal()">hi</p>', "onclick"),
    ],
)
def test_dangerous_html_is_removed(source, forbidden):
    assert forbidden not in render_markdown(source).lower()


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


@pytest.mark.parametrize(
    "source",
    [
        "[x](//evil.example/path)",
        '<a href="\\\\evil.example/path">x</a>',
        '<a href="/\\evil.example/path">x</a>',
        '<a href="/&#9;/evil.example/path">x</a>',
    ],
)
def test_protocol_relative_and_backslash_links_are_foreign(source):
    # A browser reads each as a link to evil.example, not as a path on this site.
    html = render_markdown(source)
    assert 'href="https://evil.example/path" rel="nofollow noopener"' in html


def test_attributes_are_always_double_quoted():
    html = render_markdown("""<a title='6" tall' href="/p">x</a>""")
    assert '<a title="6&quot; tall" href="/p">x</a>' in html


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
