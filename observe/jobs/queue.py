"""The Celery app, built in create_app from the Flask config (Flask's "Background Tasks with
Celery" pattern): every task runs inside an app context of the app that built it.

Without CELERY_BROKER_URL tasks run inline (`task_always_eager`), so the embedded default and the
tests need no broker. The worker: `celery -A observe.jobs.worker worker` (see the README).
"""

from celery import Celery, Task
from flask import Flask, current_app


def celery_init_app(app: Flask) -> Celery:
    """Build the app's Celery app from its config and keep it in app.extensions["celery"]."""

    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            # A context of its own, so a task run inline after a request's commit gets a fresh
            # database session (Flask-SQLAlchemy scopes sessions to the app context).
            with app.app_context():
                return self.run(*args, **kwargs)

    broker = app.config.get("CELERY_BROKER_URL") or ""
    celery_app = Celery(app.name, task_cls=FlaskTask)
    celery_app.config_from_object({
        "broker_url": broker or "memory://localhost/",
        "task_always_eager": not broker,
        # State lives in the job table (and the outbox, and the files): no result backend.
        "task_ignore_result": True,
        # A job taken by a worker that dies is given to another, not lost.
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "broker_connection_retry_on_startup": True,
        "task_default_queue": "observe",
        "timezone": "UTC",
    })
    celery_app.set_default()
    app.extensions["celery"] = celery_app
    return celery_app


def is_inline() -> bool:
    """True when tasks run in the calling process (no broker configured)."""
    return not current_app.config.get("CELERY_BROKER_URL")


def send(task_name: str, *args) -> None:
    """Send a task by name to this app's Celery app (inline when no broker is configured).

    By name through the app, not through a module-level task object: each Flask app (the tests
    build several) has its own Celery app bound to it.
    """
    current_app.extensions["celery"].tasks[task_name].apply_async(args=args)
