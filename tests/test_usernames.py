"""One form of every username: property tests of the normaliser and the lookup that uses it."""

import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from blog.accounts import author_named, create_author, normalise_username

ACCOUNTS = ["ada", "grace hopper", "zoë", "müller-lüdenscheidt"]

format_characters = st.characters(categories=["Cf"])


def categories(text: str) -> set[str]:
    return {unicodedata.category(c) for c in text}


@given(st.text())
def test_normalising_twice_changes_nothing(raw):
    once = normalise_username(raw)
    assert normalise_username(once) == once


@given(st.text())
def test_a_normal_username_has_no_control_or_format_characters_nor_outer_space(raw):
    name = normalise_username(raw)
    assert not categories(name) & {"Cc", "Cf"}
    assert name == name.strip()


@given(st.text())
def test_a_normal_username_is_nfkc_and_case_folded(raw):
    name = normalise_username(raw)
    assert unicodedata.normalize("NFKC", name) == name
    assert normalise_username(name.upper()) == normalise_username(name.casefold())


@st.composite
def variants(draw, name: str) -> str:
    """Spell ``name`` another way: some letters in another case, invisible characters between."""
    spelled = []
    for character in name:
        spelled.append(draw(st.text(format_characters, max_size=2)))
        spelled.append(character.upper() if draw(st.booleans()) else character)
    spelled.append(draw(st.text(format_characters, max_size=2)))
    return "".join(spelled)


@pytest.mark.parametrize(
    "typed",
    ["da\u200bve", "DAVE", "ｄａｖｅ", "dave\x01", "d\tave", "da\u00adve", " dave ", "\u2060dave"],
)
def test_variants_that_look_alike_are_one_name(typed):
    assert normalise_username(typed) == "dave"


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=50)
@given(data=st.data())
def test_any_spelling_with_invisible_characters_or_other_case_finds_the_account(app, data):
    with app.app_context():
        if author_named(ACCOUNTS[0]) is None:
            for name in ACCOUNTS:
                create_author(name, None)
        name = data.draw(st.sampled_from(ACCOUNTS))
        typed = data.draw(variants(name))
        found = author_named(typed)
        assert found is not None and found.username == name, typed
