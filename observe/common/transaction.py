"""One transaction boundary: a request or a CLI command commits once at its end, or rolls back.

Services only flush. Views and commands never call commit() or rollback() themselves; work that
must wait for the commit (mail, later background jobs) is queued with `after_commit`.
"""

from collections.abc import Callable
from contextlib import contextmanager
from functools import wraps

from flask import Flask
from sqlalchemy import event
from sqlalchemy.orm import Session

from observe.extensions import db

_QUEUE_KEY = "observe_after_commit"


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


@event.listens_for(Session, "after_commit")
def _run_queued(session: Session) -> None:
    queued = session.info.pop(_QUEUE_KEY, [])
    for func, args in queued:
        func(*args)


@event.listens_for(Session, "after_soft_rollback")
def _drop_queued(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:  # the outermost transaction: nothing will commit
        session.info.pop(_QUEUE_KEY, None)
