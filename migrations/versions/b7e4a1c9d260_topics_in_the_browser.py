"""Let editors run topics in the browser: descriptions, order, soft delete, versions, old slugs.

topics.description is empty for existing topics (their feeds keep saying "New
guides on <title>"); topics.position numbers them in title order, as the home
page listed them until now; each existing topic gets version 1 of its text,
saved by no one (shown as "imported"). Downgrading keeps every topic, deleted
ones included (they are empty), and forgets versions and old slugs.

Revision ID: b7e4a1c9d260
Revises: 5b2e9d4c7a10
Create Date: 2026-11-28 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7e4a1c9d260'
down_revision = '5b2e9d4c7a10'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('topics', schema=None) as batch_op:
        batch_op.add_column(sa.Column('description', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('position', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True))

    op.create_table('topic_revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('slug', sa.String(length=200), nullable=False),
    sa.Column('description', sa.String(length=200), nullable=False),
    sa.Column('intro_markdown', sa.Text(), nullable=False),
    sa.Column('saved_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['saved_by_id'], ['authors.id'], name=op.f('fk_topic_revisions_saved_by_id_authors')),
    sa.ForeignKeyConstraint(['topic_id'], ['topics.id'], name=op.f('fk_topic_revisions_topic_id_topics')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_topic_revisions')),
    sa.UniqueConstraint('topic_id', 'number', name='uq_topic_revisions_number')
    )
    op.create_table('topic_slug_redirects',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('old_slug', sa.String(length=200), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['topic_id'], ['topics.id'], name=op.f('fk_topic_slug_redirects_topic_id_topics')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_topic_slug_redirects')),
    sa.UniqueConstraint('old_slug', name=op.f('uq_topic_slug_redirects_old_slug'))
    )
    with op.batch_alter_table('topic_slug_redirects', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_topic_slug_redirects_topic_id'), ['topic_id'], unique=False)

    # The order readers knew: by title. A handful of rows, numbered one by one.
    connection = op.get_bind()
    topics = sa.table('topics', sa.column('id', sa.Integer), sa.column('position', sa.Integer))
    ids = connection.scalars(sa.text('SELECT id FROM topics ORDER BY title, id')).all()
    for position, topic_id in enumerate(ids, start=1):
        connection.execute(
            topics.update().where(topics.c.id == topic_id).values(position=position)
        )

    op.execute(
        "INSERT INTO topic_revisions"
        " (topic_id, number, title, slug, description, intro_markdown, saved_by_id, created_at)"
        " SELECT id, 1, title, slug, description, intro_markdown, NULL, created_at FROM topics"
    )


def downgrade():
    with op.batch_alter_table('topic_slug_redirects', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_topic_slug_redirects_topic_id'))

    op.drop_table('topic_slug_redirects')
    op.drop_table('topic_revisions')
    with op.batch_alter_table('topics', schema=None) as batch_op:
        batch_op.drop_column('deleted_at')
        batch_op.drop_column('position')
        batch_op.drop_column('description')
