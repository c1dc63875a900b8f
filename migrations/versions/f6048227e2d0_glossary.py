"""Add the glossary: terms, their other names and plain-language definitions.

A new table, empty on upgrade (editors at /manage/glossary and `flask seed-demo`
fill it), with the editor who saved each term last; downgrading drops it and the
terms in it. Existing tables are not changed.

Revision ID: f6048227e2d0
Revises: b7e4a1c9d260
Create Date: 2026-11-27 14:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f6048227e2d0'
down_revision = 'b7e4a1c9d260'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('glossary_terms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=200), nullable=False),
    sa.Column('term', sa.String(length=100), nullable=False),
    sa.Column('synonyms', sa.String(length=1000), nullable=False, server_default=''),
    sa.Column('definition', sa.String(length=300), nullable=False),
    sa.Column('explanation_markdown', sa.Text(), nullable=False, server_default=''),
    sa.Column('explanation_html', sa.Text(), nullable=False, server_default=''),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['authors.id'], name=op.f('fk_glossary_terms_updated_by_id_authors')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_glossary_terms')),
    sa.UniqueConstraint('slug', name=op.f('uq_glossary_terms_slug'))
    )


def downgrade():
    op.drop_table('glossary_terms')
