"""Reading jobs: each is seen by the user who queued it, and by those who may see every job."""

from sqlalchemy import select

from observe.extensions import db
from observe.jobs.models import Job
from observe.permissions import can


def job_for(user, job_id: int) -> Job | None:
    """The job if this user may see it (theirs, or any for an administrator), else None."""
    job = db.session.get(Job, job_id)
    if job is None or not (job.user_id == user.id or can(user, "jobs.any")):
        return None
    return job


def status_of(job: Job) -> dict:
    """What the job page polls: status, progress and the error (in the job's language)."""
    return {"id": job.id, "status": job.status, "done": job.done, "total": job.total,
            "percent": job.percent, "finished": job.finished, "error": job.error}


def jobs_of(user, limit: int = 50) -> list[Job]:
    """The user's own jobs, newest first (what "come back later" comes back to)."""
    return list(db.session.scalars(select(Job).where(Job.user_id == user.id)
                                   .order_by(Job.created_at.desc(), Job.id.desc())
                                   .limit(limit)))
