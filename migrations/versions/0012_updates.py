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
    pass


def downgrade():
    pass
