"""Count login attempts in the database; store every username in its one normal form.

login_attempts holds failed logins per (username, address) key when no Redis
counts them, so every process shares the count.

Usernames are rewritten to the form accounts.normalise_username gives (NFKC,
no control or format characters, case-folded, whitespace trimmed), the form
every login now looks up. When two accounts come to the same name, the one
already stored in that form keeps it (it is the one that name logged in to);
the other becomes "<name>-<id>" and a warning says so, since its owner must be
told. The downgrade keeps the normal names: the originals are not recorded,
and the normal ones are valid usernames under every revision.

Revision ID: 8376898271cb
Revises: 3f8a6c1d2e47
Create Date: 2026-11-28 10:20:00

"""
import logging
import unicodedata

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8376898271cb'
down_revision = '3f8a6c1d2e47'
branch_labels = None
depends_on = None

MAX_USERNAME_LENGTH = 64
# Not under "alembic": env.py's fileConfig resets that logger's children.
log = logging.getLogger("blog.migrations")


def upgrade():
    op.create_table('login_attempts',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('window_ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_login_attempts'))
    )
    with op.batch_alter_table('login_attempts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_attempts_window_ends_at'), ['window_ends_at'], unique=False)

    normalise_usernames(op.get_bind())


def downgrade():
    with op.batch_alter_table('login_attempts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_attempts_window_ends_at'))

    op.drop_table('login_attempts')


def normalise_usernames(connection):
    authors = sa.table('authors', sa.column('id', sa.Integer), sa.column('username', sa.String))
    rows = connection.execute(sa.select(authors.c.id, authors.c.username).order_by(authors.c.id)).all()
    # Names already in normal form are kept first: each is what its account logged in with.
    taken = {username for _, username in rows if normal(username) == username}
    for author_id, username in rows:
        if normal(username) == username:
            continue
        new = normal(username) or "author"
        if new in taken:
            new = free_name(new, author_id, taken)
        if new != normal(username):
            log.warning(
                "Username %r (account %d) is %r once normalised, which is empty or another "
                "account's; it is now %r. Tell its owner.",
                username, author_id, normal(username), new,
            )
        taken.add(new)
        connection.execute(
            sa.update(authors).where(authors.c.id == author_id).values(username=new)
        )


def free_name(name, author_id, taken):
    suffix, attempt = f"-{author_id}", 1
    while True:
        candidate = name[: MAX_USERNAME_LENGTH - len(suffix)] + suffix
        if candidate not in taken:
            return candidate
        attempt += 1
        suffix = f"-{author_id}-{attempt}"


def normal(raw):
    # accounts.normalise_username as of this revision, frozen here so that this
    # migration does the same thing whatever that function becomes.
    def visible(text):
        return "".join(c for c in text if not unicodedata.category(c).startswith("C"))

    folded = unicodedata.normalize("NFKC", visible(unicodedata.normalize("NFKC", raw)).casefold())
    return " ".join(visible(folded).split())
