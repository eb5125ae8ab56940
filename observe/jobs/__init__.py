"""Background jobs: heavy work (letters, exports, large imports) leaves the request.

A job is a row of `job` (who queued it, its progress, its file or its error) and a Celery task
that runs it after the commit: on a worker when CELERY_BROKER_URL names a broker, inline otherwise.
Features say what a kind of job does with `@handler("kind")` (see `registry`); `services.queue`
queues one; the job's page shows its progress to the user who queued it.
"""

from flask import Blueprint

bp = Blueprint("jobs", __name__, url_prefix="/jobs")

from observe.jobs import tasks, views  # noqa: E402,F401
