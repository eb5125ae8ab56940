"""training: how each certification was given; calendar feed tokens kept as SHA-256 only

Revision ID: 0007_training_certification
Revises: 0006_polling_day_reports
Create Date: 2026-12-02 02:00:00

Existing feed tokens are hashed here, so calendars already subscribed keep working. Observers
certified today get a certification row: "rule" when their last certification was the training
rule's (its recorded reason, in any of the three languages), "hand" otherwise.
"""
import hashlib

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0007_training_certification'
down_revision = '0006_polling_day_reports'
branch_labels = None
depends_on = None

# The reason the training rule wrote into the status history, as it read in ru, kk and en.
RULE_REASONS = (
    "Training completed: sessions attended and quiz passed",
    "Обучение пройдено: занятия посещены, тесты сданы",
    "Оқу аяқталды: сабақтарға қатысты, тесттерді тапсырды",
)


def upgrade():
    op.create_table(
        'training_certification',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('observer_id', sa.Integer(), nullable=False),
        sa.Column('method', sa.String(length=8), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('certified_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'],
                                name=op.f('fk_training_certification_actor_id_user_account'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['observer_id'], ['observer.id'],
                                name=op.f('fk_training_certification_observer_id_observer'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_training_certification')),
        sa.UniqueConstraint('observer_id', name=op.f('uq_training_certification_observer_id')),
    )
    connection = op.get_bind()
    certified = connection.execute(sa.text(
        "SELECT o.id, o.status_changed_at, c.reason, c.actor_id, c.changed_at "
        "FROM observer o LEFT JOIN observer_status_change c ON c.id = ("
        "  SELECT MAX(c2.id) FROM observer_status_change c2"
        "  WHERE c2.observer_id = o.id AND c2.to_status = 'certified') "
        "WHERE o.status = 'certified'")).all()
    for observer_id, status_changed_at, reason, actor_id, changed_at in certified:
        method = "rule" if (reason or "").strip() in RULE_REASONS else "hand"
        connection.execute(sa.text(
            "INSERT INTO training_certification (observer_id, method, reason, actor_id, "
            "certified_at) VALUES (:observer, :method, :reason, :actor, :at)"),
            {"observer": observer_id, "method": method, "reason": reason or "",
             "actor": actor_id, "at": changed_at or status_changed_at})

    with op.batch_alter_table('calendar_feed', schema=None) as batch_op:
        batch_op.add_column(sa.Column('token_hash', sa.String(length=64), nullable=True))
    feeds = connection.execute(sa.text("SELECT id, token FROM calendar_feed")).all()
    for feed_id, token in feeds:
        connection.execute(sa.text("UPDATE calendar_feed SET token_hash = :digest WHERE id = :id"),
                           {"digest": hashlib.sha256(token.encode()).hexdigest(), "id": feed_id})
    with op.batch_alter_table('calendar_feed', schema=None) as batch_op:
        batch_op.alter_column('token_hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.drop_constraint('uq_calendar_feed_token', type_='unique')
        batch_op.drop_column('token')
        batch_op.create_unique_constraint(batch_op.f('uq_calendar_feed_token_hash'),
                                          ['token_hash'])


def downgrade():
    # A hash cannot be turned back into its token: observers make a new calendar address.
    connection = op.get_bind()
    with op.batch_alter_table('calendar_feed', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_calendar_feed_token_hash'), type_='unique')
        batch_op.drop_column('token_hash')
        batch_op.add_column(sa.Column('token', sa.String(length=64), nullable=True))
    connection.execute(sa.text("DELETE FROM calendar_feed"))
    with op.batch_alter_table('calendar_feed', schema=None) as batch_op:
        batch_op.alter_column('token', existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint('uq_calendar_feed_token', ['token'])
    op.drop_table('training_certification')
