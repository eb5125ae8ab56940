"""background jobs: what was queued, by whom, its progress and its result

Revision ID: 0016_jobs
Revises: 0015_complaints
Create Date: 2026-12-02 12:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016_jobs'
down_revision = '0015_complaints'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
