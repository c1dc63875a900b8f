"""Keep the cache's generation counters in the database, shared by every process.

Without Redis, each process keeps its built pages and feeds in memory, and
reads a scope's generation from this table before serving one; a write bumps
the counters in one statement, so every process stops serving the old entries.

Revision ID: 5b2e9d4c7a10
Revises: c3d9f2a6b814
Create Date: 2026-11-28 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5b2e9d4c7a10'
down_revision = 'c3d9f2a6b814'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('cache_generations',
    sa.Column('scope', sa.String(length=220), nullable=False),
    sa.Column('generation', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('scope', name=op.f('pk_cache_generations'))
    )


def downgrade():
    op.drop_table('cache_generations')
