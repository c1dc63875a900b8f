"""For any text at all, the Markdown-to-clean-HTML pipeline lets nothing executable through."""

from html.parser import HTMLParser
from urllib.parse import urlsplit

from hypothesis import given, settings
from hypothesis import strategies as st

from blog.content import absolutize_urls, render_markdown
from blog.content.cleaning import clean_html
from blog.rules import InvalidInput

BAD_SCHEMES = ("javascript:", "data:", "vbscript:")

# Text rich in what Markdown and HTML give meaning to, so examples reach links,
# images, emphasis, entities and tags rather than plain words only.
PIECES = [
    "[", "]", "(", ")", "<", ">", "!", "*", "_", "`", "~", "#", "|", "-", "\n", " ", "\t",
    "&", ";", "#", "\\", "/", "//", "'", '"', "=", ":", "^", "javascript:", "data:", "JaVa",
    "vbscript:", "&#106;", "&#x6A;", "&Tab;", "%0a", "on", "onerror", "href", "src", "a",
    "<a ", "<img ", "<script>", "</", "http:", "https://x.example", "evil.example", "[^1]",
]  # fmt: skip
marked_up_text = st.lists(st.sampled_from(PIECES) | st.text(max_size=3), max_size=40).map("".join)


class Attributes(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes += [(name, value or "") for name, value in attrs]

    handle_startendtag = handle_starttag


def parsed(html: str) -> Attributes:
    parser = Attributes()
    parser.feed(html)
    parser.close()
    return parser


def assert_nothing_executable(html: str) -> None:
    found = parsed(html)
    assert "script" not in found.tags
    assert "<script" not in html.lower()
    for name, value in found.attributes:
        assert not name.startswith("on"), (name, html)
        if name in ("href", "src"):
            squeezed = "".join(c for c in value if c > " ").lower()
            assert not squeezed.startswith(BAD_SCHEMES), (value, html)


def rendered(source: str) -> str:
    try:
        return render_markdown(source)
    except InvalidInput:  # too much formatting: refused, nothing to show
        return ""


@settings(max_examples=150, deadline=None)
@given(marked_up_text)
def test_rendered_markdown_never_holds_script_handlers_or_dangerous_urls(source):
    assert_nothing_executable(rendered(source))


@settings(max_examples=150, deadline=None)
@given(marked_up_text)
def test_cleaned_html_never_holds_script_handlers_or_dangerous_urls(html):
    assert_nothing_executable(clean_html(html))


@settings(max_examples=150, deadline=None)
@given(marked_up_text, st.booleans())
def test_feed_html_holds_only_absolute_web_and_mail_urls(source, as_html):
    clean = clean_html(source) if as_html else rendered(source)
    absolute = absolutize_urls(clean, "https://guide.example/topic/article")
    assert_nothing_executable(absolute)
    for name, value in parsed(absolute).attributes:
        if name in ("href", "src"):
            url = urlsplit(value)
            assert url.scheme in ("http", "https", "mailto"), (value, absolute)
            assert url.scheme == "mailto" or url.netloc, (value, absolute)
