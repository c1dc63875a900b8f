"""Command-line tasks: demo content, author accounts, backups."""

from pathlib import Path

import click
from flask import Flask
from flask.cli import with_appcontext

from . import accounts
from .rules import InvalidInput


@click.command("seed-demo")
@with_appcontext
def seed_demo_command() -> None:
    """Load the demo topic and its guides; safe to run again."""
    from .demo import load_demo_content

    created = load_demo_content()
    if created:
        for item in created:
            click.echo(f"Created {item}.")
    else:
        click.echo("Demo content is already in place; nothing changed.")


@click.command("create-author")
@with_appcontext
@click.argument("username")
@click.option("--password", help="The password; asked for when left out.")
@click.option("--name", "display_name", help="The byline shown to readers.")
@click.option("--editor", is_flag=True, help="Let this author edit everyone's articles.")
def create_author_command(
    username: str, password: str | None, display_name: str | None, editor: bool
) -> None:
    """Create an author account."""
    if accounts.author_named(username) is not None:
        # Said before the password prompt, not after it.
        raise click.ClickException(f"An author called {username!r} already exists.")
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        author = accounts.create_author(
            username, password, display_name=display_name or "", editor=editor
        )
    except InvalidInput as invalid:
        raise click.ClickException(str(invalid)) from invalid
    role = "editor" if editor else "author"
    click.echo(f"Created {role} {author.username!r}.")


@click.command("set-password")
@with_appcontext
@click.argument("username")
@click.option("--password", help="The new password; asked for when left out.")
def set_password_command(username: str, password: str | None) -> None:
    """Change an author's password."""
    author = accounts.author_named(username)
    if author is None:
        raise click.ClickException(f"There is no author called {username!r}.")
    if password is None:
        password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    try:
        accounts.set_password(author, password)
    except InvalidInput as invalid:
        raise click.ClickException(str(invalid)) from invalid
    click.echo(f"Password changed for {author.username!r}.")


@click.command("backup")
@with_appcontext
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(path: Path) -> None:
    """Write a consistent copy of the database to PATH, while the site keeps serving."""
    from .backup import BackupError, backup

    try:
        click.echo(backup(path))
    except BackupError as error:
        raise click.ClickException(str(error)) from error


@click.command("restore")
@with_appcontext
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Really replace everything in the database.")
def restore_command(path: Path, yes: bool) -> None:
    """Replace the whole database with the backup at PATH (stop the app servers first)."""
    from .backup import BackupError, restore

    if not yes:
        raise click.ClickException(
            f"This replaces every article, version and account with those in {path}. "
            "Stop the app servers, then run it again with --yes."
        )
    try:
        click.echo(restore(path))
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    # Pages and feeds cached in Redis outlive the app servers: drop them all, so readers
    # get the restored site, not what it was before.
    from sqlalchemy import select

    from . import cache
    from .extensions import db
    from .models import Topic

    slugs = db.session.scalars(select(Topic.slug)).all()
    cache.invalidate([cache.SITE_SCOPE, cache.PAGES_SCOPE, *map(cache.topic_scope, slugs)])


def init_app(app: Flask) -> None:
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(create_author_command)
    app.cli.add_command(set_password_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
