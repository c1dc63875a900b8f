"""Glossary terms marked in clean HTML: the first use of each becomes a link to its definition.

Pages mark terms when they are built, on the stored clean HTML, so a glossary
edit reaches every article without saving it again (the page cache makes the
cost one-off). The first use of a term, or of any of its other names, becomes

    <a href="#term-SLUG" aria-describedby="term-SLUG-definition" class="term">word</a>

pointing at the page's "Words used on this page" list, where the element with
id ``term-SLUG-definition`` holds the short definition. A link works on a phone
(a tap), with a keyboard and, through ``aria-describedby``, in a screen reader,
with no JavaScript; ``<abbr title>`` shows nothing on touch screens.

Rules: whole words, any case, a plural "s" or "es" allowed; never inside a link,
a heading, code, the References section or another term; at one place the
longest name wins. A term that the text defines in its own words ("SSRIs, a
common class of antidepressants") is left alone on that page.

The HTML is read with the standard library's tokenizer, never with patterns; the
names are found in its text with one pattern per glossary, a trie of every name,
so each position of the text costs at most the length of the longest name,
however many terms there are. Everything not marked is copied as stored.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from html import escape, unescape
from html.parser import HTMLParser

# Text inside these is never marked: links (a term there would be a link in a link),
# headings, code and the like, where a word is a label or a literal.
UNMARKED_INSIDE = frozenset(
    {"a", "h1", "h2", "h3", "h4", "h5", "h6", "code", "pre", "kbd", "samp", "var", "dfn", "abbr"}
)
# The References section (see footnotes.py): citations keep their own words.
UNMARKED_SECTION_CLASS = "footnotes"
# A name followed by this, as in "SSRIs, a common class of antidepressants", is
# the text defining the term itself.
_DEFINED_HERE = re.compile(r",\s+an?\s", re.IGNORECASE)
# Letters, digits and hyphens make up a word: "esketamine" holds no "ketamine",
# and "SSRI-like" no "SSRI".
_WORD_BEFORE = r"(?<![\w-])"
_WORD_AFTER = r"(?![\w-])"
_PLURAL = r"(?:e?s)?"


@dataclass(frozen=True)
class Term:
    """What marking needs of a glossary term: its anchor, its names and its definition."""

    slug: str
    term: str
    definition: str
    # The term and its other names, as editors wrote them.
    names: tuple[str, ...]


@dataclass(frozen=True)
class MarkedHtml:
    """HTML with terms marked, and the terms marked in it, in the order they first appear."""

    html: str
    terms: tuple[Term, ...] = ()


def name_key(name: str) -> str:
    """Return the form of a name that two spellings of it share: spaces collapsed, lower case."""
    return " ".join(name.split()).lower()


class TermMatcher:
    """Every name of every term, compiled once into one pattern; build one per glossary."""

    def __init__(self, terms: Iterable[Term]) -> None:
        self.term_of: dict[str, Term] = {}
        for term in terms:
            for name in term.names:
                key = name_key(name)
                if key:
                    self.term_of.setdefault(key, term)
        self.pattern = (
            re.compile(
                f"{_WORD_BEFORE}(?P<name>{_trie_pattern(self.term_of)}){_PLURAL}{_WORD_AFTER}",
                re.IGNORECASE,
            )
            if self.term_of
            else None
        )

    def uses(self, text: str, start: int = 0, end: int | None = None) -> Iterator[Use]:
        """Yield each use of a name in ``text[start:end]``, left to right, none overlapping."""
        if self.pattern is None:
            return
        for match in self.pattern.finditer(text, start, len(text) if end is None else end):
            term = self.term_of.get(name_key(match["name"]))
            if term is not None:  # a letter whose case folds oddly; rare, and left alone
                yield Use(match.start(), match.end(), term)


@dataclass(frozen=True)
class Use:
    start: int
    end: int
    term: Term


def _trie_pattern(names: Iterable[str]) -> str:
    """Return a pattern matching exactly ``names``, sharing prefixes, longest first."""
    root: dict[str, dict] = {}
    for name in names:
        node = root
        for character in name:
            node = node.setdefault(character, {})
        node[""] = {}  # a name ends here
    return _node_pattern(root)


def _node_pattern(node: dict[str, dict]) -> str:
    branches = [
        _character_pattern(character) + _node_pattern(child)
        for character, child in sorted(node.items())
        if character
    ]
    if not branches:
        return ""
    ends_here = "" in node
    if len(branches) == 1 and not ends_here:
        return branches[0]
    # Greedy "?": a longer name is tried before the one that ends here.
    return "(?:" + "|".join(branches) + ")" + ("?" if ends_here else "")


def _character_pattern(character: str) -> str:
    # Stored text keeps the author's line breaks: "monoamine\noxidase" is one name.
    return r"\s+" if character == " " else re.escape(character)


def mark_terms(clean_html: str, matcher: TermMatcher) -> MarkedHtml:
    """Return ``clean_html`` with the first use of each term marked, and the terms marked."""
    if matcher.pattern is None or not clean_html:
        return MarkedHtml(clean_html)
    reader = _HtmlReader()
    reader.feed(clean_html)
    reader.close()
    defined_here = _terms_defined_in(reader.text(), matcher)
    marked: dict[str, Term] = {}
    out: list[str] = []
    for item in reader.items:
        if isinstance(item, str):
            out.append(item)
        elif not item.markable:
            out.append(item.raw())
        else:
            out.append(_mark_run(item, matcher, marked, defined_here))
    return MarkedHtml("".join(out), tuple(marked.values()))


def _terms_defined_in(text: str, matcher: TermMatcher) -> set[str]:
    """Return the slugs of the terms ``text`` defines itself: a name, then ", a" or ", an"."""
    return {use.term.slug for use in matcher.uses(text) if _DEFINED_HERE.match(text, use.end)}


def _mark_run(
    run: TextRun, matcher: TermMatcher, marked: dict[str, Term], defined_here: set[str]
) -> str:
    text = run.text()
    out: list[str] = []
    written = 0
    for use in matcher.uses(text):
        slug = use.term.slug
        # A use already marked, or defined here, is still a use: no shorter term inside it.
        if slug in marked or slug in defined_here:
            continue
        marked[slug] = use.term
        out.append(run.raw(written, use.start))
        out.append(term_link(slug, text[use.start : use.end]))
        written = use.end
    if written == 0:
        return run.raw()
    out.append(run.raw(written, len(text)))
    return "".join(out)


def term_link(slug: str, words: str) -> str:
    """Return the mark of one use: a link to the term's definition on the page, described by it."""
    anchor = escape(f"term-{slug}")
    return (
        f'<a href="#{anchor}" aria-describedby="{anchor}-definition" class="term">'
        f"{escape(words, quote=False)}</a>"
    )


@dataclass
class TextRun:
    """Text between two tags: pieces as stored (text, and character references) and as read."""

    markable: bool
    # (stored, as read) pairs; for plain text both are the same string.
    pieces: list[tuple[str, str]] = field(default_factory=list)

    def text(self) -> str:
        return "".join(read for _, read in self.pieces)

    def raw(self, start: int = 0, end: int | None = None) -> str:
        """Return the stored HTML of the text from ``start`` to ``end`` (positions as read)."""
        if start == 0 and end is None:
            return "".join(stored for stored, _ in self.pieces)
        starts = self._starts()
        end = starts[-1] if end is None else end
        out: list[str] = []
        index = max(bisect_right(starts, start) - 1, 0)
        while index < len(self.pieces) and starts[index] < end:
            stored, read = self.pieces[index]
            begin, finish = starts[index], starts[index + 1]
            if stored == read:
                out.append(stored[max(start - begin, 0) : end - begin])
            elif start <= begin and finish <= end:
                out.append(stored)  # a whole character reference, as stored
            else:
                # Part of a reference that reads as several characters: write that part.
                out.append(escape(read[max(start - begin, 0) : end - begin], quote=False))
            index += 1
        return "".join(out)

    def _starts(self) -> list[int]:
        starts = [0]
        for _, read in self.pieces:
            starts.append(starts[-1] + len(read))
        return starts


class _HtmlReader(HTMLParser):
    """Split clean HTML into markup, copied as stored, and runs of text, marked or not."""

    def __init__(self) -> None:
        # Character references come separately, so that they can be copied as stored.
        super().__init__(convert_charrefs=False)
        self.items: list[str | TextRun] = []
        self._unmarked_depth = 0
        # For each open <section>: is it the References section?
        self._sections: list[bool] = []

    def text(self) -> str:
        """Return all the text of the HTML, as read."""
        return "".join(item.text() for item in self.items if isinstance(item, TextRun))

    def _markable(self) -> bool:
        return self._unmarked_depth == 0 and not any(self._sections)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.items.append(self.get_starttag_text() or "")
        if tag in UNMARKED_INSIDE:
            self._unmarked_depth += 1
        elif tag == "section":
            classes = (dict(attrs).get("class") or "").split()
            self._sections.append(UNMARKED_SECTION_CLASS in classes)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.items.append(self.get_starttag_text() or "")

    def handle_endtag(self, tag: str) -> None:
        self.items.append(f"</{tag}>")
        if tag in UNMARKED_INSIDE:
            self._unmarked_depth = max(self._unmarked_depth - 1, 0)
        elif tag == "section" and self._sections:
            self._sections.pop()

    def _text(self, stored: str, read: str) -> None:
        markable = self._markable()
        last = self.items[-1] if self.items else None
        if isinstance(last, TextRun) and last.markable == markable:
            last.pieces.append((stored, read))
        else:
            self.items.append(TextRun(markable, [(stored, read)]))

    def handle_data(self, data: str) -> None:
        self._text(data, data)

    def handle_entityref(self, name: str) -> None:
        stored = f"&{name};"
        self._text(stored, unescape(stored))

    def handle_charref(self, name: str) -> None:
        stored = f"&#{name};"
        self._text(stored, unescape(stored))

    def handle_comment(self, data: str) -> None:
        # The cleaner strips comments, so stored HTML has none; never copy one.
        pass

    def handle_decl(self, decl: str) -> None:
        self.items.append(f"<!{decl}>")
