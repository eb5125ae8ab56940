"""Times read back from the database are aware and in UTC on both backends, whatever time zone
the PostgreSQL server or database defaults to (the connection sets its own session zone)."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select, text

from observe.elections.models import Election
from observe.extensions import db


def test_a_stored_time_reads_back_as_the_same_instant_in_utc(app, make_user):
    user = make_user(email="clock@example.org")
    stored = db.session.scalar(select(type(user).created_at).where(type(user).id == user.id))
    assert stored.tzinfo is UTC
    assert stored.utcoffset().total_seconds() == 0


@pytest.mark.postgres_only  # SQLite has no session time zone; its values are naive UTC
def test_postgres_sessions_run_in_utc_even_when_the_database_defaults_to_another_zone(
        app, make_election):
    name = db.engine.url.database
    db.session.commit()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(f'ALTER DATABASE "{name}" SET timezone = \'Asia/Almaty\''))
    db.session.remove()
    db.engine.dispose()  # new connections pick up the database's new default
    try:
        election = make_election()
        db.session.commit()
        assert db.session.scalar(text("SHOW TIME ZONE")) == "UTC"
        hour = db.session.scalar(
            text("SELECT EXTRACT(HOUR FROM TIMESTAMPTZ '2026-12-07 10:00+00')"))
        assert int(hour) == 10  # not 15, as it would be in Almaty's zone
        created = db.session.scalar(select(Election.created_at).where(Election.id == election.id))
        assert created.tzinfo is UTC and created <= datetime.now(UTC)
    finally:
        db.session.remove()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text(f'ALTER DATABASE "{name}" RESET timezone'))
        db.engine.dispose()
