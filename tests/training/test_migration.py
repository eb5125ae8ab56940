"""The training migration keeps subscribed calendars working and knows who the rule certified."""

import hashlib
from datetime import UTC, date, datetime
from itertools import count

import sqlalchemy as sa
from flask_migrate import upgrade

from observe.extensions import db
from tests.test_migrations import throwaway_app  # noqa: F401  (the fixture)

BEFORE = "0006_polling_day_reports"
AFTER = "0007_training_certification"
_serial = count(1)


def _insert(connection, table_name: str, **values) -> int:
    """Insert a row, filling every required column the test does not care about."""
    table = sa.Table(table_name, sa.MetaData(), autoload_with=connection)
    row = {}
    for column in table.columns:
        if column.name in values or column.primary_key or column.nullable \
                or column.server_default is not None:
            continue
        n = next(_serial)
        kind = column.type
        if isinstance(kind, sa.Boolean):
            row[column.name] = False
        elif isinstance(kind, sa.Integer):
            row[column.name] = 0
        elif isinstance(kind, sa.DateTime):
            row[column.name] = datetime(2026, 11, 1, tzinfo=UTC)
        elif isinstance(kind, sa.Date):
            row[column.name] = date(1990, 1, 1)
        elif isinstance(kind, sa.JSON):
            row[column.name] = []
        else:
            row[column.name] = f"{n:012d}"[-(getattr(kind, "length", None) or 12):]
    row.update(values)
    return connection.execute(table.insert().values(**row)).inserted_primary_key[0]


def test_feed_tokens_are_hashed_and_certifications_kept(throwaway_app):  # noqa: F811
    with throwaway_app.app_context():
        upgrade(revision=BEFORE)
        with db.engine.begin() as connection:
            branch = _insert(connection, "branch", name="Карагандинский филиал", region="karaganda")
            people = {}
            for key, reason in (("rule", "Обучение пройдено: занятия посещены, тесты сданы"),
                                ("hand", "Наблюдал на выборах 2023 года")):
                people[key] = _insert(connection, "observer", branch_id=branch,
                                      status="certified", full_name=f"Наблюдатель {key}")
                _insert(connection, "observer_status_change", observer_id=people[key],
                        from_status="approved", to_status="certified", reason=reason)
            _insert(connection, "calendar_feed", observer_id=people["rule"],
                    token="old-token-kept-by-a-calendar-app")

        upgrade(revision=AFTER)
        with db.engine.connect() as connection:
            stored = connection.execute(sa.text("SELECT token_hash FROM calendar_feed")).scalar()
            methods = dict(connection.execute(sa.text(
                "SELECT observer_id, method FROM training_certification")).all())
        assert stored == hashlib.sha256(b"old-token-kept-by-a-calendar-app").hexdigest()
        assert methods == {people["rule"]: "rule", people["hand"]: "hand"}
