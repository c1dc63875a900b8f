"""Safety notices editors can change, mental-health topics, and material updates of articles.

site_settings holds one row per setting editors change in the browser (the
medical disclaimer, the crisis-support notice): the text as typed and, for
Markdown, its clean HTML. No rows: the defaults in ``blog.notices`` apply.
topics.is_mental_health is false for every existing topic (no crisis notice
until an editor ticks it). articles.last_material_update_at and
material_update_note are empty for existing articles (no "Updated" line);
article_revisions.material_update_note keeps the note a version was saved with,
so pending changes marked as a material update take effect when published.
Downgrading drops them all; the articles and topics themselves are kept.

Revision ID: 028c4bdf7cc8
Revises: f6048227e2d0
Create Date: 2026-11-27 14:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '028c4bdf7cc8'
down_revision = 'f6048227e2d0'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('site_settings',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('html', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['authors.id'], name=op.f('fk_site_settings_updated_by_id_authors')),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_site_settings'))
    )
    with op.batch_alter_table('topics', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_mental_health', sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_material_update_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('material_update_note', sa.String(length=200), nullable=True))
    with op.batch_alter_table('article_revisions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('material_update_note', sa.String(length=200), nullable=True))


def downgrade():
    with op.batch_alter_table('article_revisions', schema=None) as batch_op:
        batch_op.drop_column('material_update_note')
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.drop_column('material_update_note')
        batch_op.drop_column('last_material_update_at')
    with op.batch_alter_table('topics', schema=None) as batch_op:
        batch_op.drop_column('is_mental_health')
    op.drop_table('site_settings')
