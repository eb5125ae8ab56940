"""The Celery task that runs a job (see services.run)."""

from celery import shared_task

from observe.jobs import services


@shared_task(name=services.RUN_TASK)
def run_job(job_id: int) -> None:
    """Run one queued job inside the app (FlaskTask gives it an app context)."""
    services.run(job_id)
