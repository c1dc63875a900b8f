"""Every response carries the hardening headers."""

import pytest


@pytest.mark.parametrize("url", ["/", "/login", "/feed.xml", "/missing-page", "/healthz"])
def test_every_response_is_hardened(client, make_topic, url):
    make_topic()
    headers = client.get(url).headers
    policy = headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'none'"
    assert directives["script-src"] == "'none'", "no script at all, inline or foreign"
    assert directives["style-src"] == "'self'"
    assert directives["img-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["form-action"] == "'self'"
    assert "unsafe-inline" not in policy and "http" not in policy
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert headers["X-Frame-Options"] == "DENY"


def test_extra_image_origins_are_opt_in(app_config):
    from blog import create_app

    app = create_app(dict(app_config, EXTRA_IMAGE_ORIGINS=["https://images.example.org"]))
    policy = app.test_client().get("/healthz").headers["Content-Security-Policy"]
    assert "img-src 'self' https://images.example.org" in policy


def test_pages_use_no_inline_style_or_script(client, make_topic, auth, ada):
    make_topic()
    auth.login()
    for url in ("/", "/topics/treatment-resistant-depression", "/write", "/dashboard", "/login"):
        page = client.get(url).get_data(as_text=True)
        assert "<script" not in page and "<style" not in page and " style=" not in page, url
