"""The Celery task that rebuilds an election's incident tally for the readers who found it stale
(see tally.ensure_fresh)."""

from celery import shared_task

from observe.briefings import tally
from observe.common.transaction import committed


@shared_task(name=tally.REFRESH_TASK)
def refresh_tally(election_id: int) -> None:
    """Count the election's incidents again now (the reader that queued this claimed it)."""
    with committed():
        tally.ensure_fresh(election_id, older_than=0, in_background=False)
