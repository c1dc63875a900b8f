"""An image library: uploaded images and their files in the database, and lead images.

Adds ``media`` (one row per uploaded image: its content hash, description,
uploader and original size) and ``media_variants`` (the served files, bytes
included), and a nullable ``lead_image_id`` on ``articles`` and
``article_revisions``. Existing articles and versions keep no lead image.
Downgrading drops the lead images and every stored image.

Revision ID: d713ae4602ce
Revises: a82562529266
Create Date: 2026-11-27 15:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd713ae4602ce'
down_revision = 'a82562529266'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('media',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hash', sa.String(length=24), nullable=False),
    sa.Column('alt_text', sa.String(length=300), nullable=False),
    sa.Column('decorative', sa.Boolean(), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('fallback', sa.String(length=4), nullable=False),
    sa.Column('original_format', sa.String(length=8), nullable=False),
    sa.Column('original_width', sa.Integer(), nullable=False),
    sa.Column('original_height', sa.Integer(), nullable=False),
    sa.Column('original_bytes', sa.Integer(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['authors.id'], name=op.f('fk_media_uploaded_by_id_authors')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_media')),
    sa.UniqueConstraint('hash', name=op.f('uq_media_hash'))
    )
    op.create_table('media_variants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('media_id', sa.Integer(), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('format', sa.String(length=4), nullable=False),
    sa.Column('byte_length', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['media_id'], ['media.id'], name=op.f('fk_media_variants_media_id_media'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_media_variants')),
    sa.UniqueConstraint('media_id', 'width', 'format', name='uq_media_variants_file')
    )
    for table in ('articles', 'article_revisions'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('lead_image_id', sa.Integer(), nullable=True))
            batch_op.create_index(batch_op.f(f'ix_{table}_lead_image_id'), ['lead_image_id'], unique=False)
            batch_op.create_foreign_key(
                batch_op.f(f'fk_{table}_lead_image_id_media'), 'media', ['lead_image_id'], ['id'],
                ondelete='SET NULL',
            )


def downgrade():
    for table in ('article_revisions', 'articles'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'fk_{table}_lead_image_id_media'), type_='foreignkey')
            batch_op.drop_index(batch_op.f(f'ix_{table}_lead_image_id'))
            batch_op.drop_column('lead_image_id')
    op.drop_table('media_variants')
    op.drop_table('media')
