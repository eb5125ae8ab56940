"""polling-day scale: indexes and bulk-load support

Revision ID: 0014_scale
Revises: 0013_fieldops
Create Date: 2026-12-02 11:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014_scale'
down_revision = '0013_fieldops'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
