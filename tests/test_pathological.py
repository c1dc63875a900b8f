"""Markdown built to stall or crash a renderer gets a page or a clear refusal, never a 500.

Every case of ``tests/pathological.py`` goes through the real form, previewed
and then saved. The whole corpus runs at 10,000 characters here (at the
200,000-character limit it takes minutes: ``make bench`` times it there); the
deeply nested cases, the ones that could recurse, also run at the limit.
"""

import pytest

from blog.rules import MAX_BODY_LENGTH
from tests.forms import submit
from tests.pathological import CASES

SMALL = 10_000
DEEP = [
    "blockquote '>' x N",
    "blockquote stairs",
    "bullet list '- ' x N",
    "ordered list '1. ' x N",
    "list indented deeper per line",
    "quote and list '> - ' x N",
    "'~~' x N around a",
    "'`' x N",
]
TOO_MUCH_FORMATTING = "too much formatting to publish safely"


@pytest.fixture
def form(auth, ada, make_topic):
    topic = make_topic("treatment-resistant-depression")
    auth.login()
    return {"title": "Stress test", "summary": "", "topic": str(topic.id), "slug": "stress"}


def preview_and_save(client, form, body: str) -> None:
    preview = submit(client, "/write", {**form, "body": body, "preview": "Preview"})
    assert preview.status_code == 200
    assert "Preview" in preview.get_data(as_text=True)

    saved = submit(client, "/write", {**form, "body": body, "save_draft": "Save draft"})
    if saved.status_code == 400:
        assert TOO_MUCH_FORMATTING in saved.get_data(as_text=True)
        assert TOO_MUCH_FORMATTING in preview.get_data(as_text=True)
    else:
        assert saved.status_code == 302
        assert client.get("/stress/edit").status_code == 200


@pytest.mark.parametrize("name", list(CASES))
def test_every_pathological_case_gets_a_page_or_a_clear_refusal(client, form, name):
    preview_and_save(client, form, CASES[name](SMALL))


@pytest.mark.parametrize("name", DEEP)
def test_nesting_at_the_size_limit_never_recurses_too_deep(client, form, name):
    preview_and_save(client, form, CASES[name](MAX_BODY_LENGTH))


def test_a_corpus_case_is_exactly_the_size_asked_for():
    assert {len(make(1234)) for make in CASES.values()} == {1234}
