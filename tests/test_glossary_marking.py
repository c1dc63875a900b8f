"""Marking glossary terms in clean HTML: which words become links, and what is left as stored."""

from importlib import resources

import pytest
from hypothesis import given
from hypothesis import strategies as st

from blog.content import render_markdown
from blog.content.terms import MarkedHtml, Term, TermMatcher, mark_terms
from blog.demo_glossary import TERMS as DEMO_TERMS
from tests.helpers import TERM_MARK, without_term_marks

MAOI = Term(
    "monoamine-oxidase-inhibitor",
    "Monoamine oxidase inhibitor",
    "A type of antidepressant.",
    ("Monoamine oxidase inhibitor", "MAOI"),
)
INHIBITOR = Term("inhibitor", "Inhibitor", "Something that slows a process.", ("inhibitor",))
SSRI = Term("ssri", "SSRI", "A common antidepressant.", ("SSRI",))
RASH = Term("rash", "Rash", "Red skin.", ("rash",))
KETAMINE = Term("ketamine", "Ketamine", "An anaesthetic.", ("ketamine",))


def mark(html: str, *terms: Term) -> MarkedHtml:
    return mark_terms(html, TermMatcher(terms))


def link(slug: str, words: str) -> str:
    return (
        f'<a href="#term-{slug}" aria-describedby="term-{slug}-definition" class="term">{words}</a>'
    )


def unmarked(html: str) -> str:
    """Take the marks out again, keeping the words they held."""
    return without_term_marks(html)


def marked_words(html: str) -> list[str]:
    return TERM_MARK.findall(html)


def test_only_the_first_use_is_marked_in_the_case_it_was_written():
    result = mark("<p>Ask about an ssri. An SSRI may help.</p><p>SSRI again.</p>", SSRI)
    assert result.html == (
        f"<p>Ask about an {link('ssri', 'ssri')}. An SSRI may help.</p><p>SSRI again.</p>"
    )
    assert result.terms == (SSRI,)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Two SSRIs failed.", ["SSRIs"]),
        ("Itchy rashes came.", ["rashes"]),
        ("A rash.", ["rash"]),
        ("The SSRI's label.", ["SSRI"]),
        ("Esketamine is not ketamine.", ["ketamine"]),
        ("An SSRI-like drug, a SSRIish word, the SSRIses.", []),
        ("trashy rashers", []),
    ],
)
def test_whole_words_only_with_a_plural_s_or_es(text, words):
    result = mark(f"<p>{text}</p>", SSRI, RASH, KETAMINE)
    assert marked_words(result.html) == words
    assert unmarked(result.html) == f"<p>{text}</p>"


@pytest.mark.parametrize(
    "inside",
    [
        '<a href="/ssri">SSRI</a>',
        "<h2>SSRI</h2>",
        "<h3>What an <em>SSRI</em> does</h3>",
        "<code>SSRI</code>",
        "<pre><code>SSRI\n</code></pre>",
        '<sup id="fnref1"><a href="#fn1">SSRI</a></sup>',
    ],
)
def test_never_inside_a_link_heading_or_code_and_the_next_use_is_marked_instead(inside):
    html = f"{inside}<p>Later, an SSRI.</p>"
    result = mark(html, SSRI)
    assert result.html == f"{inside}<p>Later, an {link('ssri', 'SSRI')}.</p>"


def test_the_references_section_keeps_its_own_words():
    html = (
        '<p>Text<sup id="fnref1"><a href="#fn1">1</a></sup></p>\n'
        '<section class="footnotes">\n<h2>References</h2>\n<ol>\n<li id="fn1">\n'
        "<p>A trial of an SSRI.</p>\n</li>\n</ol>\n</section>\n<p>An SSRI after.</p>"
    )
    result = mark(html, SSRI)
    assert marked_words(result.html) == ["SSRI"]
    assert result.html.endswith(f"<p>An {link('ssri', 'SSRI')} after.</p>")


def test_the_longest_name_wins_and_no_term_is_marked_inside_another():
    html = "<p>A monoamine oxidase inhibitor is an inhibitor.</p>"
    result = mark(html, INHIBITOR, MAOI)
    assert result.html == (
        f"<p>A {link(MAOI.slug, 'monoamine oxidase inhibitor')} is an "
        f"{link('inhibitor', 'inhibitor')}.</p>"
    )
    assert result.terms == (MAOI, INHIBITOR)


def test_a_term_already_marked_still_hides_the_shorter_terms_inside_it():
    html = "<p>A MAOI. A monoamine oxidase inhibitor. An inhibitor.</p>"
    result = mark(html, INHIBITOR, MAOI)
    assert result.html == (
        f"<p>A {link(MAOI.slug, 'MAOI')}. A monoamine oxidase inhibitor. "
        f"An {link('inhibitor', 'inhibitor')}.</p>"
    )


def test_a_name_broken_over_two_lines_of_the_source_is_still_one_name():
    result = mark("<p>Monoamine\noxidase   inhibitors work.</p>", INHIBITOR, MAOI)
    assert marked_words(result.html) == ["Monoamine\noxidase   inhibitors"]


def test_a_term_split_by_formatting_is_left_alone_but_nothing_breaks():
    html = "<p>A <em>monoamine</em> oxidase inhibitor.</p>"
    result = mark(html, MAOI, INHIBITOR)
    assert result.html == f"<p>A <em>monoamine</em> oxidase {link('inhibitor', 'inhibitor')}.</p>"


@pytest.mark.parametrize("comma", [", a ", ", an ", ",\nan "])
def test_a_term_the_text_defines_itself_is_not_marked_anywhere_on_the_page(comma):
    html = f"<p>Start with SSRIs.</p><p>SSRIs{comma}common class, and an inhibitor.</p>"
    result = mark(html, SSRI, INHIBITOR)
    assert marked_words(result.html) == ["inhibitor"]
    assert result.terms == (INHIBITOR,)


def test_a_synonym_defined_in_the_text_covers_the_whole_term():
    result = mark("<p>A MAOI, an older drug. Monoamine oxidase inhibitors.</p>", MAOI)
    assert result.terms == ()


def test_special_characters_in_names_and_text_are_matched_as_read_and_written_escaped():
    amp = Term("a-b", "a&b", "x", ("a&b",))
    script = Term("script", "<script>", "y", ("<script>",))
    html = "<p>Tom &amp; Jerry: a&amp;b, &lt;script&gt; and &quot;quotes&quot; &#169;.</p>"
    result = mark(html, amp, script)
    assert result.html == (
        f"<p>Tom &amp; Jerry: {link('a-b', 'a&amp;b')}, {link('script', '&lt;script&gt;')} "
        "and &quot;quotes&quot; &#169;.</p>"
    )
    assert "<script>" not in result.html


def test_a_slug_is_written_escaped_in_the_link():
    odd = Term('x"><b', "odd", "z", ("odd",))
    assert mark("<p>odd</p>", odd).html == (
        '<p><a href="#term-x&quot;&gt;&lt;b" aria-describedby="term-x&quot;&gt;&lt;b-definition"'
        ' class="term">odd</a></p>'
    )


def test_an_empty_glossary_or_page_leaves_the_html_as_it_is():
    assert mark("<p>SSRI</p>") == MarkedHtml("<p>SSRI</p>")
    assert mark("", SSRI) == MarkedHtml("")


def test_one_name_given_to_two_terms_belongs_to_the_first():
    twin = Term("twin", "Twin", "w", ("ssri",))
    assert mark("<p>ssri</p>", SSRI, twin).terms == (SSRI,)


def test_the_seed_intro_keeps_its_own_definitions_and_changes_only_at_marked_words():
    source = (
        resources.files("blog")
        .joinpath("demo_content/treatment-resistant-depression.md")
        .read_text("utf-8")
    )
    intro = render_markdown(source)
    terms = [Term(t.slug, t.term, t.definition, (t.term, *t.synonyms)) for t in DEMO_TERMS]
    result = mark_terms(intro, TermMatcher(terms))
    slugs = [term.slug for term in result.terms]
    # "SSRIs, a common class…", "electroconvulsive therapy, a proven…",
    # "treatment-resistant depression, a form…": the intro defines these itself.
    assert "ssri" not in slugs
    assert "electroconvulsive-therapy" not in slugs
    assert "treatment-resistant-depression" not in slugs
    assert "refractory depression" not in marked_words(result.html)
    assert slugs == ["snri"]
    assert unmarked(result.html) == intro


words = st.sampled_from(["SSRI", "ssris", "rash", "rashes", "inhibitor", "MAOI", "x", "&amp;"])
separators = st.sampled_from(
    [" ", "\n", ", ", "-", "</p><p>", "<em>", "</em>", "<code>", "</code>"]
)


@given(st.lists(st.tuples(words, separators), max_size=30))
def test_for_any_text_taking_the_marks_out_gives_back_the_stored_html(pieces):
    html = "<p>" + "".join(word + separator for word, separator in pieces) + "</p>"
    result = mark(html, SSRI, RASH, INHIBITOR, MAOI)
    assert unmarked(result.html) == html
    assert len(marked_words(result.html)) == len(result.terms)
    assert len({term.slug for term in result.terms}) == len(result.terms)
