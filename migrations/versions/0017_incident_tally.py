"""incident tally: the dashboard's and briefings' incident figures pre-aggregated per hour

Revision ID: 0017_incident_tally
Revises: 0016_jobs
Create Date: 2026-12-07 20:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017_incident_tally'
down_revision = '0016_jobs'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('incident_tally',
    sa.Column('election_id', sa.Integer(), nullable=False),
    sa.Column('region', sa.String(length=32), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.Column('severity', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('hour', sa.DateTime(timezone=True), nullable=False),
    sa.Column('incidents', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['election_id'], ['election.id'],
                            name=op.f('fk_incident_tally_election_id_election'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('election_id', 'region', 'category', 'severity', 'status', 'hour',
                            name=op.f('pk_incident_tally'))
    )
    op.create_table('incident_tally_refresh',
    sa.Column('election_id', sa.Integer(), nullable=False),
    sa.Column('refreshed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('seconds', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['election_id'], ['election.id'],
                            name=op.f('fk_incident_tally_refresh_election_id_election'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('election_id', name=op.f('pk_incident_tally_refresh'))
    )


def downgrade():
    op.drop_table('incident_tally_refresh')
    op.drop_table('incident_tally')
