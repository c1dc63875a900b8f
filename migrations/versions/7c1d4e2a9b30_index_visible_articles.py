"""Index visible articles; stamp each topic's last feed change.

A deep topic page and a page count read the listing index alone (deleted_at
joins its end). topics.feed_changed_at is a feed's Last-Modified: it moves on
every change a feed shows, including an article moving to another topic.

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
        batch_op.create_index('ix_articles_topic_visible', ['topic_id', 'status', 'published_at', 'id', 'deleted_at'], unique=False)
        batch_op.create_index('ix_articles_visible', ['status', 'published_at', 'id', 'deleted_at'], unique=False)

    with op.batch_alter_table('topics', schema=None) as batch_op:
        batch_op.add_column(sa.Column('feed_changed_at', sa.DateTime(timezone=True), nullable=True))
    # Existing topics: their newest article change, or else their creation.
    op.execute(
        "UPDATE topics SET feed_changed_at = COALESCE("
        "(SELECT MAX(articles.updated_at) FROM articles"
        " WHERE articles.topic_id = topics.id AND articles.published_at IS NOT NULL),"
        " topics.created_at)"
    )
    with op.batch_alter_table('topics', schema=None) as batch_op:
        batch_op.alter_column('feed_changed_at', existing_type=sa.DateTime(timezone=True), nullable=False)


def downgrade():
    with op.batch_alter_table('topics', schema=None) as batch_op:
        batch_op.drop_column('feed_changed_at')

    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.drop_index('ix_articles_visible')
        batch_op.drop_index('ix_articles_topic_visible')
        batch_op.create_index(batch_op.f('ix_articles_topic_listing'), ['topic_id', 'status', 'published_at', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_articles_listing'), ['status', 'published_at', 'id'], unique=False)
