"""Index visible articles and recent changes.

A deep topic page and a page count read the listing index alone (deleted_at
joins its end), and a feed's Last-Modified is an index seek instead of a scan.

Revision ID: 7c1d4e2a9b30
Revises: 265be41f239b
Create Date: 2026-11-27 00:31:52.761633

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7c1d4e2a9b30'
down_revision = '265be41f239b'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_articles_listing'))
        batch_op.drop_index(batch_op.f('ix_articles_topic_listing'))
        batch_op.create_index('ix_articles_changes', ['updated_at'], unique=False)
        batch_op.create_index('ix_articles_topic_changes', ['topic_id', 'updated_at'], unique=False)
        batch_op.create_index('ix_articles_topic_visible', ['topic_id', 'status', 'published_at', 'id', 'deleted_at'], unique=False)
        batch_op.create_index('ix_articles_visible', ['status', 'published_at', 'id', 'deleted_at'], unique=False)


def downgrade():
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.drop_index('ix_articles_visible')
        batch_op.drop_index('ix_articles_topic_visible')
        batch_op.drop_index('ix_articles_topic_changes')
        batch_op.drop_index('ix_articles_changes')
        batch_op.create_index(batch_op.f('ix_articles_topic_listing'), ['topic_id', 'status', 'published_at', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_articles_listing'), ['status', 'published_at', 'id'], unique=False)

