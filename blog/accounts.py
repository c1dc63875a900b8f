"""Author accounts: who may log in, and the one place a username is looked up.

Every login session stores the account's id with its ``session_version``;
moving the version on (log out, a password change, deactivation) ends every
session of that account, including copies of its cookie.
"""

import functools
import hashlib
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Flask
from sqlalchemy import select, update
from werkzeug.security import check_password_hash, generate_password_hash

from . import cache, clock
from .content import render_markdown
from .extensions import db, login_manager
from .models import Author, PasswordLink, Topic
from .publishing import clean_typed_text
from .rules import (
    MAX_BIO_LENGTH,
    MAX_CREDENTIALS_LENGTH,
    MAX_DISPLAY_NAME_LENGTH,
    MAX_PASSWORD_LENGTH,
    MAX_ROLE_TITLE_LENGTH,
    MAX_USERNAME_LENGTH,
    MIN_PASSWORD_LENGTH,
    PASSWORD_LINK_HOURS,
    InvalidInput,
    plain_text_problem,
    whole_number,
)

# The most common passwords long enough to pass the length rule, from the
# published breach lists; anything here is refused whatever its case.
COMMON_PASSWORDS = frozenset(
    {
        "123456789012", "1234567890123", "12345678901234", "qwertyuiopas", "qwertyuiop123",
        "password1234", "password12345", "passwordpassword", "iloveyou1234", "letmein12345",
        "welcome12345", "abc123456789", "abcdefghijkl", "1q2w3e4r5t6y", "1qaz2wsx3edc",
        "qazwsxedcrfv", "zaq12wsxcde3", "asdfghjklqwe", "administrator", "changeme1234",
        "football1234", "monkey123456", "sunshine1234", "princess1234", "trustno1trustno1",
    }
)  # fmt: skip


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
    # A deactivated account gets the same answer as a wrong password.
    return author if author.check_password(password) and author.is_active else None


def _account_problems(username: str, password: str | None, display_name: str) -> dict[str, str]:
    username = normalise_username(username)
    errors = {}
    if not username:
        errors["username"] = "Enter a username."
    elif len(username) > MAX_USERNAME_LENGTH:
        errors["username"] = f"Use at most {MAX_USERNAME_LENGTH} characters for a username."
    elif author_named(username) is not None:
        errors["username"] = f"An author called “{username}” already exists."
    if len(" ".join(display_name.split())) > MAX_DISPLAY_NAME_LENGTH:
        errors["display_name"] = f"Keep the name to {MAX_DISPLAY_NAME_LENGTH} characters or fewer."
    if password is not None and (problem := password_problem(password, username=username)):
        errors["password"] = problem
    return errors


def password_problem(password: str, *, username: str = "") -> str | None:
    """Return why ``password`` is not acceptable, or None when it is."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Use at least {MIN_PASSWORD_LENGTH} characters."
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"Use at most {MAX_PASSWORD_LENGTH} characters."
    folded = password.casefold()
    if folded in COMMON_PASSWORDS or len(set(folded)) <= 2:
        return "That password is one of the first an attacker would try; choose another."
    if username and normalise_username(username).casefold() in folded:
        return "Leave your username out of your password."
    return None


def create_author(
    username: str, password: str | None, *, display_name: str = "", editor: bool = False
) -> Author:
    """Create an account; without a password it exists (as a byline) but cannot log in."""
    if errors := _account_problems(username, password, display_name):
        raise InvalidInput(errors)
    username = normalise_username(username)
    display_name = " ".join(display_name.split())
    author = Author(username=username, display_name=display_name or username, is_editor=editor)
    if password is not None:
        author.set_password(password)
    db.session.add(author)
    db.session.commit()
    return author


def set_password(author: Author, password: str) -> None:
    """Replace ``author``'s password, ending every session of the account."""
    if problem := password_problem(password, username=author.username):
        raise InvalidInput({"password": problem})
    author.set_password(password)
    end_sessions(author)
    db.session.commit()


def end_sessions(author: Author) -> None:
    """End every login session of ``author`` at its next request (commit to apply)."""
    author.session_version += 1


def log_out(author: Author) -> None:
    """End ``author``'s sessions for good: a copy of the cookie opens nothing afterwards."""
    end_sessions(author)
    db.session.commit()


def change_own_password(author: Author, current: str, new: str) -> None:
    """Replace ``author``'s password after checking the current one; raise InvalidInput."""
    if not author.check_password(current):
        raise InvalidInput({"current_password": "That is not your current password."})
    set_password(author, new)


@dataclass(frozen=True)
class ProfileInput:
    """What someone typed for a public profile, named as the columns it fills."""

    display_name: str
    credentials: str = ""
    role_title: str = ""
    bio_markdown: str = ""

    def normalised(self) -> "ProfileInput":
        """Return the input with each line field on one line and the bio's line ends made Unix."""
        return ProfileInput(
            display_name=" ".join(clean_typed_text(self.display_name).split()),
            credentials=" ".join(clean_typed_text(self.credentials).split()),
            role_title=" ".join(clean_typed_text(self.role_title).split()),
            bio_markdown=clean_typed_text(self.bio_markdown).strip(),
        )

    @classmethod
    def of(cls, author: Author) -> "ProfileInput":
        """Return what would be typed to get ``author``'s profile back."""
        return cls(author.display_name, author.credentials, author.role_title, author.bio_markdown)


def profile_problems(data: ProfileInput) -> dict[str, str]:
    """Return, field by field, why normalised ``data`` cannot be saved (empty when it can)."""
    errors: dict[str, str] = {}
    if not data.display_name:
        errors["display_name"] = "Enter the name readers see on articles."
    elif problem := plain_text_problem("name", data.display_name, MAX_DISPLAY_NAME_LENGTH):
        errors["display_name"] = problem
    if problem := plain_text_problem(
        "list of credentials", data.credentials, MAX_CREDENTIALS_LENGTH
    ):
        errors["credentials"] = problem
    if problem := plain_text_problem("role title", data.role_title, MAX_ROLE_TITLE_LENGTH):
        errors["role_title"] = problem
    if len(data.bio_markdown) > MAX_BIO_LENGTH:
        errors["bio_markdown"] = (
            f"Keep the bio to {MAX_BIO_LENGTH:,} characters or fewer "
            f"(it has {len(data.bio_markdown):,})."
        )
    return errors


def save_profile(author: Author, data: ProfileInput, *, by: Author) -> None:
    """Save ``author``'s public profile; ``by`` is the person or an editor. Raise InvalidInput."""
    if by.id != author.id and not by.is_editor:
        raise InvalidInput({"account": "Only an editor can change someone else's profile."})
    data = data.normalised()
    if errors := profile_problems(data):
        raise InvalidInput(errors)
    # Cleaned once, now, like an article's body; only the clean HTML reaches readers.
    bio_html = render_markdown(data.bio_markdown, field="bio_markdown")
    renamed = data.display_name != author.display_name
    author.display_name = data.display_name
    author.credentials = data.credentials
    author.role_title = data.role_title
    author.bio_markdown = data.bio_markdown
    author.bio_html = bio_html
    author.changed_at = clock.now()
    db.session.commit()
    _profile_changed(feeds=renamed)


def set_clinical_reviewer(author: Author, reviewer: bool, *, by: Author) -> None:
    """Let (or stop) ``author`` being recorded as a medical reviewer; editors only."""
    if not by.is_editor:
        raise InvalidInput({"account": "Only an editor can mark a clinical reviewer."})
    author.is_clinical_reviewer = reviewer
    author.changed_at = clock.now()
    db.session.commit()
    _profile_changed(feeds=False)


def _profile_changed(*, feeds: bool) -> None:
    """Drop cached pages (bylines, reviewer lines, profiles), and feeds when bylines changed."""
    scopes = [cache.PAGES_SCOPE]
    if feeds:
        # Feed items carry the author's name.
        topics = db.session.scalars(select(Topic.slug))
        scopes += [cache.SITE_SCOPE, *map(cache.topic_scope, topics)]
    cache.invalidate(scopes)


def set_active(author: Author, active: bool, *, by: Author) -> None:
    """Deactivate (ending its sessions) or reactivate ``author``, but never oneself."""
    if author.id == by.id and not active:
        raise InvalidInput({"account": "You cannot deactivate your own account."})
    author.is_active = active
    author.changed_at = clock.now()
    if not active:
        end_sessions(author)
    db.session.commit()
    # A deactivated person's profile page is gone (and a reactivated one is back).
    cache.invalidate([cache.PAGES_SCOPE])


def open_account(
    username: str, display_name: str, *, editor: bool, by: Author, now: datetime | None = None
) -> tuple[Author, str]:
    """Create an account without a password; return it and the secret of its set-password link."""
    problems = _account_problems(username, None, display_name)
    if not display_name.strip():
        problems["display_name"] = "Enter the name readers see on this person's articles."
    if problems:
        raise InvalidInput(problems)
    author = create_author(username, None, display_name=display_name, editor=editor)
    return author, new_password_link(author, by=by, now=now)


def new_password_link(author: Author, *, by: Author, now: datetime | None = None) -> str:
    """Make a one-time set-password link for ``author``, retiring older ones; return its secret."""
    now = now or clock.now()
    db.session.execute(
        update(PasswordLink)
        .where(PasswordLink.author_id == author.id, PasswordLink.used_at.is_(None))
        .values(used_at=now)
    )
    secret = secrets.token_urlsafe(32)
    db.session.add(
        PasswordLink(
            author_id=author.id,
            secret_hash=_hash(secret),
            created_by_id=by.id,
            created_at=now,
            expires_at=now + timedelta(hours=PASSWORD_LINK_HOURS),
        )
    )
    db.session.commit()
    return secret


@dataclass
class UnusableLink(Exception):
    """A set-password link that is unknown, used already, or expired; ``reason`` says which."""

    reason: str


def usable_link(secret: str, *, now: datetime | None = None) -> PasswordLink:
    """Return the unused, unexpired link with ``secret``; raise UnusableLink otherwise."""
    now = now or clock.now()
    link = db.session.scalar(select(PasswordLink).where(PasswordLink.secret_hash == _hash(secret)))
    if link is None:
        raise UnusableLink("unknown")
    if link.used_at is not None:
        raise UnusableLink("used")
    if now >= link.expires_at:
        raise UnusableLink("expired")
    return link


def set_password_by_link(secret: str, password: str, *, now: datetime | None = None) -> Author:
    """Set a password through a one-time link, which is then used up; raise InvalidInput."""
    now = now or clock.now()
    link = usable_link(secret, now=now)
    author = link.author
    if problem := password_problem(password, username=author.username):
        raise InvalidInput({"password": problem})
    author.set_password(password)
    end_sessions(author)
    link.used_at = now
    db.session.commit()
    return author


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@functools.cache
def _unused_hash() -> str:
    # Made on first use, not at import: hashing is slow on purpose.
    return generate_password_hash("a password no account has")


def _load_author(session_id: str) -> Author | None:
    account, _, version = session_id.partition(":")
    number = whole_number(account)
    author = db.session.get(Author, number) if number is not None else None
    if author is None or not author.is_active or str(author.session_version) != version:
        return None
    return author


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Log in to continue."
    login_manager.session_protection = "strong"
    login_manager.user_loader(_load_author)
