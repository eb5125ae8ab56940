"""One transaction boundary: a request or a CLI command commits once at its end, or rolls back.

Services only flush. Views and commands never call commit() or rollback() themselves; work that
must wait for the commit (mail, later background jobs) is queued with `after_commit`; undoing
what a rolled-back transaction left outside the database (a stored file) with `after_rollback`.
"""

from collections.abc import Callable
from contextlib import contextmanager
from functools import wraps

from flask import Flask
from sqlalchemy import event
from sqlalchemy.orm import Session

from observe.extensions import db

_QUEUE_KEY = "observe_after_commit"
_UNDO_KEY = "observe_after_rollback"


class TransactionalFlask(Flask):
    """Flask whose every view runs in one transaction: committed if it returns, else rolled back.

    This is Indico's request-handler rule. An error handler's own writes (the audit of a 429)
    go through `committed()`.
    """

    def dispatch_request(self):
        with committed():
            return super().dispatch_request()


@contextmanager
def committed():
    """Commit the session when the block ends normally; roll it back when it raises."""
    try:
        yield
    except BaseException:
        db.session.rollback()
        raise
    if db.session.registry.has():  # a block that never opened the session has nothing to commit
        db.session.commit()


def transactional(command: Callable) -> Callable:
    """Decorate a CLI command so it commits once at its end (rolled back on error)."""

    @wraps(command)
    def wrapped(*args, **kwargs):
        with committed():
            return command(*args, **kwargs)

    return wrapped


def after_commit(func: Callable, *args) -> None:
    """Run func(*args) once the current transaction commits; forget it if it rolls back.

    The call runs outside the transaction: it must open its own session if it writes.
    """
    db.session().info.setdefault(_QUEUE_KEY, []).append((func, args))


def after_rollback(func: Callable, *args) -> None:
    """Run func(*args) if the current transaction rolls back; forget it once it commits.

    For work done outside the database inside a transaction, such as a stored upload that no
    row will point to once the transaction is undone.
    """
    db.session().info.setdefault(_UNDO_KEY, []).append((func, args))


@event.listens_for(Session, "after_commit")
def _run_queued(session: Session) -> None:
    session.info.pop(_UNDO_KEY, None)
    queued = session.info.pop(_QUEUE_KEY, [])
    for func, args in queued:
        func(*args)


@event.listens_for(Session, "after_soft_rollback")
def _drop_queued(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:  # the outermost transaction: nothing will commit
        session.info.pop(_QUEUE_KEY, None)
        for func, args in session.info.pop(_UNDO_KEY, []):
            func(*args)
