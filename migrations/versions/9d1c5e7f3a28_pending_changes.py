"""Let a live article keep changes that are not published yet.

articles.pending_revision names the revision that holds them (the article's own
columns stay what readers see). Existing articles have none. Scheduled
publishing needs no column: a published article whose published_at is still to
come is scheduled.

Revision ID: 9d1c5e7f3a28
Revises: 8376898271cb
Create Date: 2026-11-27 12:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9d1c5e7f3a28'
down_revision = '8376898271cb'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pending_revision', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.drop_column('pending_revision')
