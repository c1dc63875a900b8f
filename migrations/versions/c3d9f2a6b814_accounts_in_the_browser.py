"""Manage accounts in the browser: deactivation, session versions, one-time password links.

Existing accounts stay active at session version 1 (sessions made before the
upgrade store only the id, so every author logs in once more afterwards).

Revision ID: c3d9f2a6b814
Revises: 9d1c5e7f3a28
Create Date: 2026-11-27 12:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c3d9f2a6b814'
down_revision = '9d1c5e7f3a28'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('authors', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_active', sa.Boolean(), nullable=False, server_default=sa.true()))
        batch_op.add_column(sa.Column('session_version', sa.Integer(), nullable=False, server_default='1'))
    with op.batch_alter_table('authors', schema=None) as batch_op:
        batch_op.alter_column('is_active', server_default=None)
        batch_op.alter_column('session_version', server_default=None)

    op.create_table('password_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('secret_hash', sa.String(length=64), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['authors.id'], name=op.f('fk_password_links_author_id_authors')),
    sa.ForeignKeyConstraint(['created_by_id'], ['authors.id'], name=op.f('fk_password_links_created_by_id_authors')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_password_links')),
    sa.UniqueConstraint('secret_hash', name=op.f('uq_password_links_secret_hash'))
    )
    with op.batch_alter_table('password_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_password_links_author_id'), ['author_id'], unique=False)


def downgrade():
    with op.batch_alter_table('password_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_password_links_author_id'))
    op.drop_table('password_links')

    with op.batch_alter_table('authors', schema=None) as batch_op:
        batch_op.drop_column('session_version')
        batch_op.drop_column('is_active')
