"""Bulk loading: COPY on PostgreSQL, multi-row INSERT through SQLAlchemy Core elsewhere, and id
ranges reserved up front so rows of joined tables (report + incident) can be written apart."""

import json
from collections.abc import Iterable, Sequence

from sqlalchemy import JSON, Table, func, insert, select, text

from observe.extensions import db

# Rows per INSERT statement batch on SQLite (its parameter limit is generous since 3.32).
SQLITE_BATCH = 5_000


def is_postgres() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def reserve_ids(table: Table, count: int) -> int:
    """The first of `count` consecutive free ids of `table`; the sequence moves past them.

    On PostgreSQL the table is locked against other writers until the transaction ends, so a
    concurrent insert cannot take an id of the range.
    """
    if not is_postgres():
        return (db.session.scalar(select(func.max(table.c.id))) or 0) + 1
    db.session.execute(text(f'LOCK TABLE "{table.name}" IN SHARE ROW EXCLUSIVE MODE'))
    sequence = db.session.scalar(text("SELECT pg_get_serial_sequence(:t, 'id')"),
                                 {"t": table.name})
    highest = max(db.session.scalar(select(func.max(table.c.id))) or 0,
                  db.session.scalar(text(f"SELECT CASE WHEN is_called THEN last_value ELSE 0 END "
                                         f"FROM {sequence}")) or 0)
    if count:
        db.session.execute(text("SELECT setval(:s, :v)"), {"s": sequence, "v": highest + count})
    return highest + 1


def bulk_insert(table: Table, columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Write rows (tuples in `columns` order) in the session's transaction; return how many."""
    if is_postgres():
        return _copy(table, columns, rows)
    written, batch = 0, []
    for row in rows:
        batch.append(dict(zip(columns, row, strict=True)))
        if len(batch) == SQLITE_BATCH:
            db.session.execute(insert(table), batch)
            written, batch = written + len(batch), []
    if batch:
        db.session.execute(insert(table), batch)
        written += len(batch)
    return written


def _copy(table: Table, columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    # COPY bypasses SQLAlchemy's type processing: JSON goes as its text, datetimes are aware.
    as_json = [isinstance(table.c[name].type, JSON) for name in columns]
    names = ", ".join(f'"{name}"' for name in columns)
    connection = db.session.connection().connection.driver_connection
    written = 0
    with connection.cursor() as cursor, \
            cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row([json.dumps(v) if j else v for v, j in zip(row, as_json,
                                                                        strict=True)]
                           if any(as_json) else row)
            written += 1
    return written
