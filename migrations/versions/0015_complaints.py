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


def upgrade():
    pass


def downgrade():
    pass
