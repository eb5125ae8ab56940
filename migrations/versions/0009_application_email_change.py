"""a repeat application keeps the e-mail it gave, for the coordinator to accept

Revision ID: 0009_application_email
Revises: 0008_user_session
Create Date: 2026-12-02 02:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009_application_email'
down_revision = '0008_user_session'
branch_labels = None
depends_on = None


def upgrade():
    # Existing rows get an empty address; the model has no server default, so it is dropped.
    with op.batch_alter_table('observer_application', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email', sa.String(length=255), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('email_accepted_at', sa.DateTime(timezone=True),
                                      nullable=True))
    with op.batch_alter_table('observer_application', schema=None) as batch_op:
        batch_op.alter_column('email', server_default=None)


def downgrade():
    with op.batch_alter_table('observer_application', schema=None) as batch_op:
        batch_op.drop_column('email_accepted_at')
        batch_op.drop_column('email')
