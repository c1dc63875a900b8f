"""The glossary's read side: its terms, A to Z, and the names that mean the same thing.

Editors write terms at /manage/glossary; pages mark a term's first use; search
treats a term and its synonyms as one word. This module only reads.
"""

from sqlalchemy import func, select

from .extensions import db
from .models import GlossaryTerm


def terms_a_to_z() -> list[GlossaryTerm]:
    """Every term, sorted as a reader scans a glossary: by its name, ignoring case."""
    return list(db.session.scalars(select(GlossaryTerm).order_by(func.lower(GlossaryTerm.term))))


def synonym_groups() -> list[list[str]]:
    """Each term's names (the term first, then its synonyms): words search treats as one.

    Only terms with at least one synonym form a group; names are as editors wrote them.
    """
    return [names for term in terms_a_to_z() if len(names := term.names) > 1]
