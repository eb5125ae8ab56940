"""field operations: roll-call, alerts, SOS and broadcasts

Revision ID: 0013_fieldops
Revises: 0012_updates
Create Date: 2026-12-02 11:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013_fieldops'
down_revision = '0012_updates'
branch_labels = None
depends_on = None


def _user_fk(table, column):
    return sa.ForeignKeyConstraint([column], ['user_account.id'],
                                   name=op.f(f'fk_{table}_{column}_user_account'),
                                   ondelete='SET NULL')


def upgrade():
    op.create_table('field_alert',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('election_id', sa.Integer(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('region', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('raised_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('acknowledged_by_id', sa.Integer(), nullable=True),
    sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['election_id'], ['election.id'],
                            name=op.f('fk_field_alert_election_id_election'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignment.id'],
                            name=op.f('fk_field_alert_assignment_id_assignment'),
                            ondelete='CASCADE'),
    _user_fk('field_alert', 'acknowledged_by_id'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_field_alert')),
    sa.UniqueConstraint('assignment_id', 'kind', name=op.f('uq_field_alert_assignment_id_kind'))
    )
    with op.batch_alter_table('field_alert', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_field_alert_election_id'), ['election_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_field_alert_region'), ['region'], unique=False)
        batch_op.create_index('ix_field_alert_open', ['election_id', 'acknowledged_at'],
                              unique=False)

    op.create_table('sos_signal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('election_id', sa.Integer(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('observer_id', sa.Integer(), nullable=False),
    sa.Column('region', sa.String(length=32), nullable=False),
    sa.Column('reason', sa.String(length=16), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('latitude', sa.Float(), nullable=True),
    sa.Column('longitude', sa.Float(), nullable=True),
    sa.Column('accuracy_m', sa.Float(), nullable=True),
    sa.Column('photo_name', sa.String(length=100), nullable=True),
    sa.Column('photo_type', sa.String(length=64), nullable=False),
    sa.Column('photo_size', sa.Integer(), nullable=True),
    sa.Column('photo_sha256', sa.String(length=64), nullable=False),
    sa.Column('raised_by_id', sa.Integer(), nullable=True),
    sa.Column('raised_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('acknowledged_by_id', sa.Integer(), nullable=True),
    sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolved_by_id', sa.Integer(), nullable=True),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolution_note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['election_id'], ['election.id'],
                            name=op.f('fk_sos_signal_election_id_election'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignment.id'],
                            name=op.f('fk_sos_signal_assignment_id_assignment'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['observer_id'], ['observer.id'],
                            name=op.f('fk_sos_signal_observer_id_observer'), ondelete='CASCADE'),
    _user_fk('sos_signal', 'raised_by_id'),
    _user_fk('sos_signal', 'acknowledged_by_id'),
    _user_fk('sos_signal', 'resolved_by_id'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sos_signal')),
    sa.UniqueConstraint('uuid', name=op.f('uq_sos_signal_uuid')),
    sa.UniqueConstraint('photo_name', name=op.f('uq_sos_signal_photo_name'))
    )
    with op.batch_alter_table('sos_signal', schema=None) as batch_op:
        for column in ('election_id', 'assignment_id', 'observer_id', 'region', 'status'):
            batch_op.create_index(batch_op.f(f'ix_sos_signal_{column}'), [column], unique=False)

    op.create_table('call_note',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('caller_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('called_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignment.id'],
                            name=op.f('fk_call_note_assignment_id_assignment'),
                            ondelete='CASCADE'),
    _user_fk('call_note', 'caller_id'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_call_note'))
    )
    with op.batch_alter_table('call_note', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_call_note_assignment_id'), ['assignment_id'],
                              unique=False)

    op.create_table('broadcast',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('election_id', sa.Integer(), nullable=False),
    sa.Column('sender_id', sa.Integer(), nullable=True),
    sa.Column('region', sa.String(length=32), nullable=False),
    sa.Column('district', sa.String(length=120), nullable=False),
    sa.Column('shift', sa.String(length=16), nullable=False),
    sa.Column('not_checked_in', sa.Boolean(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['election_id'], ['election.id'],
                            name=op.f('fk_broadcast_election_id_election'), ondelete='CASCADE'),
    _user_fk('broadcast', 'sender_id'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_broadcast'))
    )
    with op.batch_alter_table('broadcast', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_broadcast_election_id'), ['election_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_broadcast_region'), ['region'], unique=False)

    op.create_table('broadcast_receipt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('broadcast_id', sa.Integer(), nullable=False),
    sa.Column('observer_id', sa.Integer(), nullable=False),
    sa.Column('emailed', sa.Boolean(), nullable=False),
    sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['broadcast_id'], ['broadcast.id'],
                            name=op.f('fk_broadcast_receipt_broadcast_id_broadcast'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['observer_id'], ['observer.id'],
                            name=op.f('fk_broadcast_receipt_observer_id_observer'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_broadcast_receipt')),
    sa.UniqueConstraint('broadcast_id', 'observer_id',
                        name=op.f('uq_broadcast_receipt_broadcast_id_observer_id'))
    )
    with op.batch_alter_table('broadcast_receipt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_broadcast_receipt_observer_id'), ['observer_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('broadcast_receipt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_broadcast_receipt_observer_id'))
    op.drop_table('broadcast_receipt')
    with op.batch_alter_table('broadcast', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_broadcast_region'))
        batch_op.drop_index(batch_op.f('ix_broadcast_election_id'))
    op.drop_table('broadcast')
    with op.batch_alter_table('call_note', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_call_note_assignment_id'))
    op.drop_table('call_note')
    with op.batch_alter_table('sos_signal', schema=None) as batch_op:
        for column in ('status', 'region', 'observer_id', 'assignment_id', 'election_id'):
            batch_op.drop_index(batch_op.f(f'ix_sos_signal_{column}'))
    op.drop_table('sos_signal')
    with op.batch_alter_table('field_alert', schema=None) as batch_op:
        batch_op.drop_index('ix_field_alert_open')
        batch_op.drop_index(batch_op.f('ix_field_alert_region'))
        batch_op.drop_index(batch_op.f('ix_field_alert_election_id'))
    op.drop_table('field_alert')
