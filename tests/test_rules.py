"""The one parser of numbers from URLs and forms, for any text at all."""

from hypothesis import given
from hypothesis import strategies as st

from blog.rules import MAX_ID, whole_number


@given(st.text(), st.integers(min_value=1, max_value=MAX_ID))
def test_any_text_is_a_number_in_range_or_none_never_an_error(text, maximum):
    number = whole_number(text, maximum=maximum)
    assert number is None or (type(number) is int and 1 <= number <= maximum)


@given(st.text())
def test_only_ascii_digits_make_a_number(text):
    if whole_number(text) is not None:
        assert text.strip().isascii() and text.strip().isdigit()


@given(st.integers(min_value=1, max_value=MAX_ID))
def test_every_number_in_range_is_read_back(number):
    assert whole_number(str(number)) == number


@given(st.integers(min_value=MAX_ID + 1))
def test_a_number_past_the_maximum_is_none(number):
    assert whole_number(str(number)) is None


def test_digits_of_other_scripts_are_not_numbers():
    for text in ("²", "١٢", "１２", "٣", "1²"):
        assert whole_number(text) is None, text
