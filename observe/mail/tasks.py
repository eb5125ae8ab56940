"""The Celery task that hands one outbox message to SMTP (see services.deliver)."""

from celery import shared_task
from flask import current_app

from observe.mail.services import DELIVER_TASK, deliver


@shared_task(name=DELIVER_TASK)
def deliver_message(message_id: int) -> None:
    """Send one committed outbox message; a failure stays on the row for `flask mail send`."""
    deliver(current_app._get_current_object(), message_id)
