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


def upgrade():
    pass


def downgrade():
    pass
