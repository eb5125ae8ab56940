"""Queueing jobs and running them: the row is written in the caller's transaction, the task is
sent after the commit (so it never runs before the row exists), and the work commits with the
job's "done" in one transaction, or not at all.
"""

import logging
import time
from datetime import timedelta

from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import OperationalError

from observe.common import files
from observe.common.db import utcnow
from observe.common.errors import DomainError
from observe.common.transaction import after_commit, committed
from observe.extensions import db
from observe.jobs.models import Job
from observe.jobs.queue import send
from observe.jobs.registry import HANDLERS, Outcome

AREA = "jobs"
RUN_TASK = "observe.jobs.run"
# A job's file is kept this long after the job finished, then deleted with the next job queued.
FILE_HOURS = 24
# Progress is written at most this often (seconds): a page polls it, nobody needs every row.
PROGRESS_EVERY = 0.5
log = logging.getLogger("observe.jobs")


def queue(kind: str, *, user, title: str, params: dict | None = None, total: int = 0) -> Job:
    """Record a job for the user and send its task once the caller's transaction commits."""
    if kind not in HANDLERS:
        raise ValueError(f"unknown job kind {kind!r}")
    job = Job(kind=kind, user_id=getattr(user, "id", None), title=title[:300],
              params=params or {}, total=total, language=str(get_locale() or "ru"),
              status="queued", done=0, result={}, error="")
    db.session.add(job)
    db.session.flush()
    after_commit(_dispatch, job.id)
    _expire_files()
    return job


def _expire_files() -> None:
    """Delete the files of jobs finished more than FILE_HOURS ago (mandate letters carry IINs):
    the rows stay, their download is gone; each new job sweeps a few."""
    cutoff = utcnow() - timedelta(hours=FILE_HOURS)
    for old in db.session.scalars(select(Job).where(Job.file_name != "",
                                                    Job.finished_at < cutoff).limit(50)):
        after_commit(files.remove, file_of(old))
        old.file_name = ""
    db.session.flush()


def _dispatch(job_id: int) -> None:
    """Send the job's task; when the broker cannot take it, the job fails with a message."""
    try:
        send(RUN_TASK, job_id)
    except Exception:  # noqa: BLE001  a broker that is down must not fail the committed request
        log.exception("job %s could not be queued", job_id)
        _set(job_id, status="failed", finished_at=utcnow(),
             error=_("The job could not be started: the job queue does not answer. Try again "
                     "later."))


def _set(job_id: int, **values) -> None:
    """Write the job's row at once, in a transaction of its own (the page sees it straight away)."""
    with db.engine.begin() as connection:
        connection.execute(update(Job.__table__).where(Job.__table__.c.id == job_id)
                           .values(**values))


class Progress:
    """`progress(done, total=None)`: how far a job is, written now and then on its own connection.

    On SQLite a second connection cannot write while the job's transaction holds the write
    lock: once the job has written, progress is not written until the end.
    """

    def __init__(self, job_id: int, total: int):
        self.job_id, self.total, self.written_at = job_id, total, 0.0

    def __call__(self, done: int, total: int | None = None) -> None:
        if total is not None:
            self.total = total
        now = time.monotonic()
        if now - self.written_at < PROGRESS_EVERY and done < self.total and total is None:
            return
        self.written_at = now
        if _sqlite_writing():
            return  # the job's transaction holds SQLite's write lock: the bar jumps at the end
        try:
            _set(self.job_id, done=min(done, self.total), total=self.total)
        except OperationalError:  # a locked SQLite file: the bar moves at the next call
            log.warning("progress of job %s not written", self.job_id)


def _sqlite_writing() -> bool:
    """True when the job's own session has written to SQLite (a second writer would wait)."""
    if db.engine.dialect.name != "sqlite" or not db.session().in_transaction():
        return False
    return db.session.connection().connection.dbapi_connection.in_transaction


def run(job_id: int) -> None:
    """Run a queued job (the task's body): the handler's work and "done" commit together."""
    job = db.session.get(Job, job_id)
    if job is None or job.finished:
        return  # already run (a redelivered task) or deleted with its user
    kind = job.kind
    _set(job_id, status="running", started_at=utcnow(), done=0, error="")
    with force_locale(job.language):
        try:
            with committed():
                progress = Progress(job_id, job.total)
                outcome = HANDLERS[kind](job, progress)
                _finish(job, outcome, progress.total)
        except DomainError as error:
            db.session.remove()
            _set(job_id, status="failed", finished_at=utcnow(), error=error.message,
                 result=getattr(error, "result", {}))
        except Exception:
            db.session.remove()
            log.exception("job %s (%s) failed", job_id, kind)
            _set(job_id, status="failed", finished_at=utcnow(),
                 error=_("The job stopped with an error. Try again; if it fails again, tell "
                         "the administrator."))


def _finish(job: Job, outcome: Outcome, total: int) -> None:
    if outcome.body is not None:
        stored = files.store(outcome.body, kinds={outcome.kind}, area=AREA,
                             filename=outcome.filename,
                             max_bytes=max(len(outcome.body), 1))
        job.file_name, job.file_kind, job.file_size = stored.name, stored.kind, stored.size
        job.file_sha256, job.download_name = stored.sha256, stored.filename
    job.result = outcome.result or {}
    job.status, job.finished_at, job.error = "done", utcnow(), ""
    job.done = job.total = max(total, 1)
    db.session.flush()


def file_of(job: Job) -> files.StoredFile | None:
    """The file a finished job made, or None."""
    if job.status != "done" or not job.file_name:
        return None
    return files.StoredFile(area=AREA, name=job.file_name, kind=job.file_kind,
                            size=job.file_size, sha256=job.file_sha256,
                            filename=job.download_name)

