"""Author accounts: who may log in, and the one place a username is looked up."""

import unicodedata
from functools import cache

from flask import Flask
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from .extensions import db, login_manager
from .models import Author
from .rules import (
    MAX_PASSWORD_LENGTH,
    MAX_USERNAME_LENGTH,
    MIN_PASSWORD_LENGTH,
    InvalidInput,
    whole_number,
)


def normalise_username(raw: str) -> str:
    """Return the one form of a username: the key it is stored, looked up and limited by.

    Every spelling that looks the same or differs only in case gives the same
    form, so "ＡＤＡ", "Ada", "a\u200bda" and "ada\x01" are one name with one
    login budget: NFKC, no control, format or unassigned characters, case-folded,
    whitespace trimmed and runs of it made one space.
    """
    # Dropping a character can bring a combining mark next to a letter it now
    # composes with, and case-folding can undo NFKC, so normalise after both.
    visible = "".join(c for c in unicodedata.normalize("NFKC", raw) if not _invisible(c))
    folded = unicodedata.normalize("NFKC", visible.casefold())
    return " ".join("".join(c for c in folded if not _invisible(c)).split())


def _invisible(character: str) -> bool:
    # Categories Cc (controls, NUL included: an error on PostgreSQL), Cf (soft
    # hyphen, zero-width space, direction marks), Cs, Co and Cn (no meaning yet).
    return unicodedata.category(character).startswith("C")


def author_named(username: str) -> Author | None:
    """Return the account called ``username``, if there is one."""
    return db.session.scalar(select(Author).where(Author.username == normalise_username(username)))


def authenticate(username: str, password: str) -> Author | None:
    """Return the account that ``username`` and ``password`` open, or None."""
    author = author_named(username)
    if author is None:
        # Spend the time a real check takes, so timing does not reveal usernames.
        check_password_hash(_unused_hash(), password)
        return None
    return author if author.check_password(password) else None


def password_problem(password: str) -> str | None:
    """Return why ``password`` is not acceptable, or None when it is."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Use at least {MIN_PASSWORD_LENGTH} characters."
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"Use at most {MAX_PASSWORD_LENGTH} characters."
    return None


def create_author(
    username: str, password: str | None, *, display_name: str = "", editor: bool = False
) -> Author:
    """Create an account; without a password it exists (as a byline) but cannot log in."""
    username = normalise_username(username)
    errors = {}
    if not username:
        errors["username"] = "Enter a username."
    elif len(username) > MAX_USERNAME_LENGTH:
        errors["username"] = f"Use at most {MAX_USERNAME_LENGTH} characters for a username."
    elif author_named(username) is not None:
        errors["username"] = f"An author called {username!r} already exists."
    if password is not None and (problem := password_problem(password)):
        errors["password"] = problem
    if errors:
        raise InvalidInput(errors)
    author = Author(username=username, display_name=display_name or username, is_editor=editor)
    if password is not None:
        author.set_password(password)
    db.session.add(author)
    db.session.commit()
    return author


def set_password(author: Author, password: str) -> None:
    """Replace ``author``'s password."""
    if problem := password_problem(password):
        raise InvalidInput({"password": problem})
    author.set_password(password)
    db.session.commit()


@cache
def _unused_hash() -> str:
    # Made on first use, not at import: hashing is slow on purpose.
    return generate_password_hash("a password no account has")


def _load_author(author_id: str) -> Author | None:
    number = whole_number(author_id)
    return db.session.get(Author, number) if number is not None else None


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Log in to continue."
    login_manager.session_protection = "strong"
    login_manager.user_loader(_load_author)
