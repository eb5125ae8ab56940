"""SQLite settings applied on every new connection: foreign keys, WAL and a busy timeout; and
savepoints that nest inside the request's transaction.

Python's sqlite3 driver begins a transaction on its own, only before a write. A SAVEPOINT issued
before any write (a report's retry-safe insert uses one) then starts the transaction itself, and
releasing it commits everything: a submission refused a moment later stayed stored. So the
transaction is begun explicitly just before such a savepoint; reads elsewhere keep the driver's
behaviour (no long-held read snapshot, which would make concurrent writers fail at once).
"""

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from observe.extensions import db


def _on_connect(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _begin_before_savepoint(connection, _name) -> None:
    driver_connection = connection.connection.dbapi_connection
    if not driver_connection.in_transaction:
        driver_connection.execute("BEGIN")


def configure_engine_events(app: Flask) -> None:
    """Register the connection hooks on the app's engine when it is SQLite."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    with app.app_context():
        engine: Engine = db.engine
        event.listen(engine, "connect", _on_connect)
        event.listen(engine, "savepoint", _begin_before_savepoint)
