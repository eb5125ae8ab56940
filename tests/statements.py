"""The SQL statements a block of test code sends, for tests of how many and which."""

from contextlib import contextmanager

from sqlalchemy import event

from observe.extensions import db


@contextmanager
def statements_sent():
    """Collect the SQL statements sent while the block runs (BEGIN and COMMIT are not)."""
    sent: list[str] = []

    def note(conn, cursor, statement, parameters, context, executemany):
        sent.append(statement)

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        yield sent
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
