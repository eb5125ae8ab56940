"""briefings: HQ's summaries of polling day, frozen with their figures when published

Revision ID: 0011_briefing
Revises: 0010_pending_upload
Create Date: 2026-12-02 03:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011_briefing'
down_revision = '0010_pending_upload'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('briefing',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('election_id', sa.Integer(), nullable=False),
    sa.Column('region', sa.String(length=32), nullable=False),
    sa.Column('cutoff_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('narrative', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('series', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('figures', sa.JSON(), nullable=True),
    sa.Column('previous_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['election_id'], ['election.id'],
                            name=op.f('fk_briefing_election_id_election'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['previous_id'], ['briefing.id'],
                            name=op.f('fk_briefing_previous_id_briefing'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'],
                            name=op.f('fk_briefing_created_by_id_user_account'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['user_account.id'],
                            name=op.f('fk_briefing_reviewed_by_id_user_account'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['published_by_id'], ['user_account.id'],
                            name=op.f('fk_briefing_published_by_id_user_account'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_briefing')),
    sa.UniqueConstraint('series', 'version', name=op.f('uq_briefing_series_version'))
    )
    with op.batch_alter_table('briefing', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_briefing_election_id'), ['election_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_briefing_region'), ['region'], unique=False)
        batch_op.create_index(batch_op.f('ix_briefing_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_briefing_series'), ['series'], unique=False)


def downgrade():
    with op.batch_alter_table('briefing', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_briefing_series'))
        batch_op.drop_index(batch_op.f('ix_briefing_status'))
        batch_op.drop_index(batch_op.f('ix_briefing_region'))
        batch_op.drop_index(batch_op.f('ix_briefing_election_id'))

    op.drop_table('briefing')
