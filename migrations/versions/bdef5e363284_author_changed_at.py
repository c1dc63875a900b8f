"""Stamp each account with when what readers see of it last changed.

Pages naming a person (bylines, review lines) put this time in their
Last-Modified, so a profile edit, a reviewer mark or a deactivation is not
answered 304 to a client revalidating by date alone. Empty (no change since the
account was opened) for existing accounts; downgrading drops the column.

Revision ID: bdef5e363284
Revises: f45aa389eaa7
Create Date: 2026-11-27 16:05:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'bdef5e363284'
down_revision = 'f45aa389eaa7'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('authors', schema=None) as batch_op:
        batch_op.add_column(sa.Column('changed_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('authors', schema=None) as batch_op:
        batch_op.drop_column('changed_at')
