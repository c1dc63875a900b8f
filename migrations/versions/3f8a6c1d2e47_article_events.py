"""Record every action on an article: who did what, and when.

Existing articles get one event per saved revision, so the record starts
complete: "published" for a version saved as published, else "saved as a draft".

Revision ID: 3f8a6c1d2e47
Revises: 7c1d4e2a9b30
Create Date: 2026-11-27 12:05:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3f8a6c1d2e47'
down_revision = '7c1d4e2a9b30'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('article_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], name=op.f('fk_article_events_article_id_articles')),
    sa.ForeignKeyConstraint(['by_id'], ['authors.id'], name=op.f('fk_article_events_by_id_authors')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_article_events'))
    )
    with op.batch_alter_table('article_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_article_events_article_id'), ['article_id'], unique=False)

    op.execute(
        "INSERT INTO article_events (article_id, action, by_id, created_at)"
        " SELECT article_id,"
        " CASE WHEN status = 'published' THEN 'published' ELSE 'saved as a draft' END,"
        " saved_by_id, created_at"
        " FROM article_revisions ORDER BY created_at, id"
    )


def downgrade():
    with op.batch_alter_table('article_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_article_events_article_id'))

    op.drop_table('article_events')
