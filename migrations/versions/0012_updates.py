"""public updates: posts from the regions, approved by HQ

Revision ID: 0012_updates
Revises: 0011_briefing
Create Date: 2026-12-02 11:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_updates'
down_revision = '0011_briefing'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('update_post',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('region', sa.String(length=32), nullable=False),
    sa.Column('branch_id', sa.Integer(), nullable=True),
    sa.Column('election_id', sa.Integer(), nullable=True),
    sa.Column('station_id', sa.Integer(), nullable=True),
    sa.Column('incident_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('video_url', sa.String(length=500), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('review_comment', sa.Text(), nullable=False),
    sa.Column('pinned', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('publish_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['branch_id'], ['branch.id'],
                            name=op.f('fk_update_post_branch_id_branch'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['election_id'], ['election.id'],
                            name=op.f('fk_update_post_election_id_election'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['station_id'], ['polling_station.id'],
                            name=op.f('fk_update_post_station_id_polling_station'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['incident_id'], ['report.id'],
                            name=op.f('fk_update_post_incident_id_report'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'],
                            name=op.f('fk_update_post_created_by_id_user_account'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['approved_by_id'], ['user_account.id'],
                            name=op.f('fk_update_post_approved_by_id_user_account'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['published_by_id'], ['user_account.id'],
                            name=op.f('fk_update_post_published_by_id_user_account'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_update_post'))
    )
    with op.batch_alter_table('update_post', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_update_post_region'), ['region'], unique=False)
        batch_op.create_index(batch_op.f('ix_update_post_branch_id'), ['branch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_update_post_election_id'), ['election_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_update_post_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_update_post_publish_at'), ['publish_at'],
                              unique=False)

    op.create_table('update_post_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('video_url', sa.String(length=500), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('editor_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['post_id'], ['update_post.id'],
                            name=op.f('fk_update_post_version_post_id_update_post'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['editor_id'], ['user_account.id'],
                            name=op.f('fk_update_post_version_editor_id_user_account'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_update_post_version')),
    sa.UniqueConstraint('post_id', 'version', name=op.f('uq_update_post_version_post_id_version'))
    )
    with op.batch_alter_table('update_post_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_update_post_version_post_id'), ['post_id'],
                              unique=False)

    op.create_table('update_post_media',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('content_type', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('storage_name', sa.String(length=100), nullable=True),
    sa.Column('evidence_id', sa.Integer(), nullable=True),
    sa.Column('added_by_id', sa.Integer(), nullable=True),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['post_id'], ['update_post.id'],
                            name=op.f('fk_update_post_media_post_id_update_post'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['evidence_id'], ['evidence.id'],
                            name=op.f('fk_update_post_media_evidence_id_evidence'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['added_by_id'], ['user_account.id'],
                            name=op.f('fk_update_post_media_added_by_id_user_account'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_update_post_media')),
    sa.UniqueConstraint('storage_name', name=op.f('uq_update_post_media_storage_name'))
    )
    with op.batch_alter_table('update_post_media', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_update_post_media_post_id'), ['post_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_update_post_media_evidence_id'), ['evidence_id'],
                              unique=False)

    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.add_column(sa.Column('public_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.drop_column('public_at')

    with op.batch_alter_table('update_post_media', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_update_post_media_evidence_id'))
        batch_op.drop_index(batch_op.f('ix_update_post_media_post_id'))
    op.drop_table('update_post_media')

    with op.batch_alter_table('update_post_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_update_post_version_post_id'))
    op.drop_table('update_post_version')

    with op.batch_alter_table('update_post', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_update_post_publish_at'))
        batch_op.drop_index(batch_op.f('ix_update_post_status'))
        batch_op.drop_index(batch_op.f('ix_update_post_election_id'))
        batch_op.drop_index(batch_op.f('ix_update_post_branch_id'))
        batch_op.drop_index(batch_op.f('ix_update_post_region'))
    op.drop_table('update_post')
