"""The write side of the glossary: check, save and delete terms, then refresh every page.

Actions have the write side's shape, ``action(term, ..., *, by, now=None)``. A
term, its other names and its definition are plain text; its explanation is
Markdown, rendered and cleaned like an article. Pages mark terms when they are
built, so any change drops every cached page (articles, topic pages and the
glossary); feeds carry the stored text unmarked and are left alone.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from . import cache, clock, glossary
from .content import render_markdown
from .content.terms import name_key
from .extensions import db
from .models import Author, GlossaryTerm, SiteSetting
from .publishing import clean_typed_text
from .rules import (
    MAX_DEFINITION_LENGTH,
    MAX_EXPLANATION_LENGTH,
    MAX_SLUG_LENGTH,
    MAX_SYNONYMS_LENGTH,
    MAX_TERM_LENGTH,
    InvalidInput,
    plain_text_problem,
)
from .slugs import SLUG_PATTERN, slugify

log = logging.getLogger(__name__)

# Ids /glossary already gives other elements (the skip link's target): no term may take one.
PAGE_ANCHORS = frozenset({"content"})


@dataclass
class GlossaryConflict(InvalidInput):
    """Input that is fine by itself but clashes with another term (its anchor or a name)."""


@dataclass(frozen=True)
class GlossaryInput:
    """What an editor typed for a term, before it is checked; named as the columns it fills."""

    term: str
    synonyms: str
    definition: str
    explanation_markdown: str = ""
    slug: str = ""

    def normalised(self) -> GlossaryInput:
        """Return the input trimmed: the term and definition on one line, one name a line."""
        names = (" ".join(line.split()) for line in clean_typed_text(self.synonyms).split("\n"))
        return GlossaryInput(
            term=" ".join(clean_typed_text(self.term).split()),
            synonyms="\n".join(name for name in names if name),
            definition=" ".join(clean_typed_text(self.definition).split()),
            explanation_markdown=clean_typed_text(self.explanation_markdown).strip(),
            slug=clean_typed_text(self.slug).strip(),
        )

    @property
    def effective_slug(self) -> str:
        """The anchor the editor chose, or else one made from the term."""
        return self.slug or slugify(self.term)

    @property
    def names(self) -> list[str]:
        """The term and its other names, as GlossaryTerm.names will read them."""
        return GlossaryTerm(term=self.term, synonyms=self.synonyms).names

    @classmethod
    def of(cls, term: GlossaryTerm) -> GlossaryInput:
        """Return what an editor would type to get ``term`` back."""
        return cls(
            term=term.term,
            synonyms=term.synonyms,
            definition=term.definition,
            explanation_markdown=term.explanation_markdown,
            slug=term.slug,
        )


def term_problems(data: GlossaryInput) -> dict[str, str]:
    """Return, field by field, what is wrong with normalised ``data`` by itself."""
    errors: dict[str, str] = {}
    if not data.term:
        errors["term"] = "Enter the term."
    elif problem := plain_text_problem("term", data.term, MAX_TERM_LENGTH):
        errors["term"] = problem
    if problem := _synonyms_problem(data.synonyms):
        errors["synonyms"] = problem
    if not data.definition:
        errors["definition"] = "Enter a one-sentence definition in plain language."
    elif problem := plain_text_problem("definition", data.definition, MAX_DEFINITION_LENGTH):
        errors["definition"] = problem
    if len(data.explanation_markdown) > MAX_EXPLANATION_LENGTH:
        errors["explanation_markdown"] = (
            f"The explanation is {len(data.explanation_markdown):,} characters; "
            f"the most it can hold is {MAX_EXPLANATION_LENGTH:,}."
        )
    if (data.slug or data.term) and (problem := _slug_problem(data.effective_slug)):
        errors["slug"] = problem
    return errors


def _synonyms_problem(synonyms: str) -> str | None:
    if len(synonyms) > MAX_SYNONYMS_LENGTH:
        return (
            f"Keep the other names to {MAX_SYNONYMS_LENGTH:,} characters in all "
            f"(they have {len(synonyms):,})."
        )
    for name in synonyms.splitlines():
        if problem := plain_text_problem("other name", name, MAX_TERM_LENGTH):
            return f"“{name[:40]}”: {problem}"
    return None


def _slug_problem(slug: str) -> str | None:
    if not slug:
        return "Enter an anchor: the term has no letters a–z or digits to make one from."
    if len(slug) > MAX_SLUG_LENGTH:
        return f"Keep the anchor to {MAX_SLUG_LENGTH} characters or fewer."
    if not SLUG_PATTERN.match(slug):
        return "Use only lower-case letters a–z, digits and single hyphens between words."
    if slug in PAGE_ANCHORS:
        return f"“{slug}” is an anchor of the glossary page itself; choose another anchor."
    return None


def term_conflicts(data: GlossaryInput, term: GlossaryTerm | None) -> dict[str, str]:
    """Return what ``data`` would share with another term: its anchor, or one of its names."""
    errors: dict[str, str] = {}
    others = [
        other
        for other in db.session.scalars(select(GlossaryTerm))
        if term is None or other.id != term.id
    ]
    slug = data.effective_slug
    if holder := next((other for other in others if other.slug == slug), None):
        errors["slug"] = _slug_taken_message(slug, holder.term)
    owner_of = {name_key(name): other for other in others for name in other.names}
    for name in data.names:
        if (owner := owner_of.get(name_key(name))) is not None:
            field = "term" if name == data.term else "synonyms"
            errors.setdefault(
                field,
                f"“{name}” is already a name of “{owner.term}”: a word can belong to one "
                "term only. Remove it here, or from that term first.",
            )
    return errors


def _slug_taken_message(slug: str, holder: str) -> str:
    return f"The anchor “{slug}” is already used by “{holder}”; choose another anchor."


def save_term(
    term: GlossaryTerm | None,
    data: GlossaryInput,
    *,
    by: Author | None,
    now: datetime | None = None,
) -> GlossaryTerm:
    """Create (``term`` None) or update a glossary term from ``data``.

    ``by`` is None only for terms saved by code (the demo loader). Bad input
    raises InvalidInput; a clash with another term's anchor or names raises
    GlossaryConflict. Nothing is saved then.
    """
    data = data.normalised()
    now = now or clock.now()
    if errors := term_problems(data):
        raise InvalidInput(errors)
    if conflicts := term_conflicts(data, term):
        raise GlossaryConflict(conflicts)
    explanation_html = render_markdown(data.explanation_markdown, field="explanation_markdown")
    if term is None:
        term = GlossaryTerm(created_at=now)
    term.slug = data.effective_slug
    term.term = data.term
    term.synonyms = data.synonyms
    term.definition = data.definition
    term.explanation_markdown = data.explanation_markdown
    term.explanation_html = explanation_html
    term.updated_at = now
    term.updated_by_id = by.id if by is not None else None
    db.session.add(term)
    try:
        db.session.commit()
    except IntegrityError as error:
        # Another editor took the anchor at the same moment; their save won.
        db.session.rollback()
        raise GlossaryConflict(
            {"slug": _slug_taken_message(data.effective_slug, "another term")}
        ) from error
    _pages_changed()
    return term


def delete_term(term: GlossaryTerm, *, by: Author, now: datetime | None = None) -> None:
    """Delete ``term``: pages stop marking it and /glossary stops listing it."""
    log.info("%s deleted glossary term %s", by.username, term.slug)
    now = now or clock.now()
    db.session.delete(term)
    stamp = db.session.get(SiteSetting, glossary.LAST_DELETION) or SiteSetting(
        key=glossary.LAST_DELETION
    )
    stamp.updated_at, stamp.updated_by_id = now, by.id
    db.session.add(stamp)
    db.session.commit()
    _pages_changed()


def _pages_changed() -> None:
    # Any article or topic page may use any term; the glossary lists them all.
    cache.invalidate([cache.PAGES_SCOPE])
