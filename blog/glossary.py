"""The glossary's read side: its terms, A to Z, the names that mean the same thing, and marking.

Editors write terms at /manage/glossary (``blog.glossary_editing``); pages mark a
term's first use (``mark_page_terms``); search treats a term and its synonyms as
one word. This module only reads.
"""

from __future__ import annotations

from datetime import datetime
from itertools import groupby

from flask import current_app
from sqlalchemy import func, select

from .content.terms import MarkedHtml, Term, TermMatcher, mark_terms
from .extensions import db
from .models import GlossaryTerm, SiteSetting

MATCHER_KEY = "blog.glossary_matcher"


def terms_a_to_z() -> list[GlossaryTerm]:
    """Every term, sorted as a reader scans a glossary: by its name, ignoring case."""
    return list(db.session.scalars(select(GlossaryTerm).order_by(func.lower(GlossaryTerm.term))))


def has_terms() -> bool:
    """Whether the glossary has any term: an empty one is left out of the sitemap."""
    return db.session.scalar(select(GlossaryTerm.id).limit(1)) is not None


def synonym_groups() -> list[list[str]]:
    """Each term's names (the term first, then its synonyms): words search treats as one.

    Only terms with at least one synonym form a group; names are as editors wrote them.
    """
    return [names for term in terms_a_to_z() if len(names := term.names) > 1]


def term_or_404(slug: str) -> GlossaryTerm:
    """Return the term whose anchor is ``slug``, or abort with 404."""
    return db.one_or_404(select(GlossaryTerm).where(GlossaryTerm.slug == slug))


def by_letter(terms: list[GlossaryTerm]) -> list[tuple[str, list[GlossaryTerm]]]:
    """Group terms A to Z under their first letter; those starting with a digit or sign first."""
    # Sorted here, not by the database, whose collation may order signs among letters.
    ordered = sorted(terms, key=lambda term: (_letter(term) != "#", _letter(term), _folded(term)))
    return [(letter, list(group)) for letter, group in groupby(ordered, key=_letter)]


def _folded(term: GlossaryTerm) -> str:
    return term.term.casefold()


def _letter(term: GlossaryTerm) -> str:
    first = term.term[:1].upper()
    return first if first.isalpha() else "#"


def mark_page_terms(clean_html: str) -> MarkedHtml:
    """Mark the first use of each glossary term in a page's stored clean HTML."""
    if not clean_html:
        return MarkedHtml(clean_html)
    return mark_terms(clean_html, current_matcher())


# The site setting whose time is the glossary's last deletion: a deleted term leaves no
# row of its own to say when pages stopped marking it.
LAST_DELETION = "glossary_last_deletion"


def changed_at() -> datetime | None:
    """Return when a term was last added, edited or deleted: any page may have changed then."""
    edited = db.session.scalar(select(func.max(GlossaryTerm.updated_at)))
    deleted = db.session.scalar(
        select(SiteSetting.updated_at).where(SiteSetting.key == LAST_DELETION)
    )
    return max((moment for moment in (edited, deleted) if moment is not None), default=None)


def current_matcher() -> TermMatcher:
    """Return the matcher of the glossary as it is now, compiled once per version of it.

    The terms are read (one query, on a page build only: pages are cached), and
    the compiled pattern is reused in this process until any of them changes.
    """
    terms = tuple(
        Term(slug=term.slug, term=term.term, definition=term.definition, names=tuple(term.names))
        for term in db.session.scalars(select(GlossaryTerm).order_by(GlossaryTerm.id))
    )
    kept = current_app.extensions.get(MATCHER_KEY)
    if kept is not None and kept[0] == terms:
        matcher: TermMatcher = kept[1]
        return matcher
    matcher = TermMatcher(terms)
    current_app.extensions[MATCHER_KEY] = (terms, matcher)
    return matcher
