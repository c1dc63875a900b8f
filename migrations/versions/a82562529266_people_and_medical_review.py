"""Public profiles for people, and medical review as part of each article.

authors gains credentials, a role title and a bio (Markdown and its clean HTML),
all empty for existing accounts, and is_clinical_reviewer (false for everyone:
an editor marks reviewers). articles gains reviewer_id, last_reviewed_at and
next_review_due, all empty: existing articles are "not yet medically reviewed"
until someone records a review. topics gains review_interval_months, empty (the
site's default interval). Downgrading drops these columns; nothing else changes.

Revision ID: a82562529266
Revises: 028c4bdf7cc8
Create Date: 2026-11-27 14:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a82562529266'
down_revision = '028c4bdf7cc8'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('authors', schema=None) as batch_op:
        batch_op.add_column(sa.Column('credentials', sa.String(length=120), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('role_title', sa.String(length=120), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('bio_markdown', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('bio_html', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('is_clinical_reviewer', sa.Boolean(), nullable=False, server_default=sa.false()))

    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reviewer_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('last_reviewed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('next_review_due', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_articles_reviewer_id_authors'), 'authors', ['reviewer_id'], ['id'])

    with op.batch_alter_table('topics', schema=None) as batch_op:
        batch_op.add_column(sa.Column('review_interval_months', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('topics', schema=None) as batch_op:
        batch_op.drop_column('review_interval_months')

    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_articles_reviewer_id_authors'), type_='foreignkey')
        batch_op.drop_column('next_review_due')
        batch_op.drop_column('last_reviewed_at')
        batch_op.drop_column('reviewer_id')

    with op.batch_alter_table('authors', schema=None) as batch_op:
        batch_op.drop_column('is_clinical_reviewer')
        batch_op.drop_column('bio_html')
        batch_op.drop_column('bio_markdown')
        batch_op.drop_column('role_title')
        batch_op.drop_column('credentials')
