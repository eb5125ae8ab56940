"""The Celery task that makes a photo's preview after its upload is committed."""

from celery import shared_task

from observe.reports.evidence import THUMBNAIL_TASK, thumbnail_path


@shared_task(name=THUMBNAIL_TASK)
def make_thumbnail(storage_name: str) -> None:
    """Make the preview now, so the first member of staff to open the report does not wait."""
    thumbnail_path(storage_name)
