"""complaints and personal-data retention

Revision ID: 0015_complaints
Revises: 0014_scale
Create Date: 2026-12-02 11:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015_complaints'
down_revision = '0014_scale'
branch_labels = None
depends_on = None


def _user_fk(table, column):
    return sa.ForeignKeyConstraint([column], ['user_account.id'],
                                   name=op.f(f'fk_{table}_{column}_user_account'),
                                   ondelete='SET NULL')


def upgrade():
    op.create_table('complaint',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('election_id', sa.Integer(), nullable=False),
    sa.Column('region', sa.String(length=32), nullable=False),
    sa.Column('station_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.String(length=16), nullable=False),
    sa.Column('body_name', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('filed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('filed_by_id', sa.Integer(), nullable=True),
    sa.Column('incoming_number', sa.String(length=64), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('appeal_of_id', sa.Integer(), nullable=True),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('document_text', sa.Text(), nullable=False),
    sa.Column('reminded_soon_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reminded_overdue_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['election_id'], ['election.id'],
                            name=op.f('fk_complaint_election_id_election'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['station_id'], ['polling_station.id'],
                            name=op.f('fk_complaint_station_id_polling_station'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['appeal_of_id'], ['complaint.id'],
                            name=op.f('fk_complaint_appeal_of_id_complaint'), ondelete='SET NULL'),
    _user_fk('complaint', 'filed_by_id'),
    _user_fk('complaint', 'created_by_id'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaint'))
    )
    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_complaint_election_id'), ['election_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_complaint_region'), ['region'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaint_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaint_due_at'), ['due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaint_appeal_of_id'), ['appeal_of_id'],
                              unique=False)
        batch_op.create_index('ix_complaint_board', ['status', 'due_at'], unique=False)

    op.create_table('complaint_incident',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaint.id'],
                            name=op.f('fk_complaint_incident_complaint_id_complaint'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['incident_id'], ['incident.id'],
                            name=op.f('fk_complaint_incident_incident_id_incident'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaint_incident')),
    sa.UniqueConstraint('complaint_id', 'incident_id',
                        name=op.f('uq_complaint_incident_complaint_id_incident_id'))
    )
    with op.batch_alter_table('complaint_incident', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_complaint_incident_complaint_id'), ['complaint_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_complaint_incident_incident_id'), ['incident_id'],
                              unique=False)

    op.create_table('retention_policy',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('election_id', sa.Integer(), nullable=False),
    sa.Column('months', sa.Integer(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['election_id'], ['election.id'],
                            name=op.f('fk_retention_policy_election_id_election'),
                            ondelete='CASCADE'),
    _user_fk('retention_policy', 'updated_by_id'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_retention_policy')),
    sa.UniqueConstraint('election_id', name=op.f('uq_retention_policy_election_id'))
    )

    op.create_table('erasure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('observer_id', sa.Integer(), nullable=True),
    sa.Column('pseudonym', sa.String(length=32), nullable=False),
    sa.Column('reason', sa.String(length=16), nullable=False),
    sa.Column('election_id', sa.Integer(), nullable=True),
    sa.Column('erased_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('erased_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['observer_id'], ['observer.id'],
                            name=op.f('fk_erasure_observer_id_observer'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['election_id'], ['election.id'],
                            name=op.f('fk_erasure_election_id_election'), ondelete='SET NULL'),
    _user_fk('erasure', 'erased_by_id'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_erasure')),
    sa.UniqueConstraint('observer_id', name=op.f('uq_erasure_observer_id')),
    sa.UniqueConstraint('pseudonym', name=op.f('uq_erasure_pseudonym'))
    )


def downgrade():
    op.drop_table('erasure')
    op.drop_table('retention_policy')
    with op.batch_alter_table('complaint_incident', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_complaint_incident_incident_id'))
        batch_op.drop_index(batch_op.f('ix_complaint_incident_complaint_id'))
    op.drop_table('complaint_incident')
    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.drop_index('ix_complaint_board')
        batch_op.drop_index(batch_op.f('ix_complaint_appeal_of_id'))
        batch_op.drop_index(batch_op.f('ix_complaint_due_at'))
        batch_op.drop_index(batch_op.f('ix_complaint_status'))
        batch_op.drop_index(batch_op.f('ix_complaint_region'))
        batch_op.drop_index(batch_op.f('ix_complaint_election_id'))
    op.drop_table('complaint')
