"""Composing and sending e-mail: queued in the outbox inside the transaction, sent after it.

SMTP is never spoken while the caller's transaction (and any row lock it holds) is open: the
message is only a row until the commit; then a delivery task is queued (a Celery worker sends it
where a broker is configured, inline otherwise), and `deliver` runs in its own session.
`flask mail send` retries whatever is still unsent.
"""

import logging
import smtplib
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from observe.common.db import utcnow
from observe.common.transaction import after_commit
from observe.extensions import db
from observe.jobs.queue import send
from observe.mail.models import OutboxMessage

DELIVER_TASK = "observe.mail.deliver"
log = logging.getLogger("observe.mail")


def send_mail(recipient: str, subject: str, body: str) -> OutboxMessage:
    """Queue a message in the outbox; it goes out through SMTP after the commit, if configured."""
    message = OutboxMessage(recipient=recipient, subject=subject, body=body)
    db.session.add(message)
    db.session.flush()
    if current_app.config.get("SMTP_HOST"):
        after_commit(queue_delivery, message.id)
    return message


def queue_delivery(message_id: int) -> None:
    """Hand one committed outbox message to the delivery task (a worker, or inline)."""
    try:
        send(DELIVER_TASK, message_id)
    except Exception:  # noqa: BLE001  a broker that is down: `flask mail send` retries it
        log.exception("outbox message %s could not be queued for delivery", message_id)


def deliver(app, message_id: int) -> None:
    """Send one outbox message through SMTP in a session of its own; record success or failure."""
    with app.app_context(), Session(db.engine) as session:
        message = session.get(OutboxMessage, message_id)
        if message is None or message.sent_at is not None:
            return
        _send(app.config, message)
        session.commit()


def deliver_unsent(limit: int = 500) -> int:
    """Try every unsent message again (the `flask mail send` command); return how many went out."""
    config = current_app.config
    if not config.get("SMTP_HOST"):
        return 0
    sent = 0
    with Session(db.engine) as session:
        messages = session.execute(select(OutboxMessage).where(OutboxMessage.sent_at.is_(None))
                                   .order_by(OutboxMessage.id).limit(limit)).scalars()
        for message in messages:
            sent += _send(config, message)
            session.commit()
    return sent


def _send(config, message: OutboxMessage) -> bool:
    """Hand one message to SMTP; a failure is stored on it instead of failing anyone's action."""
    email = EmailMessage()
    email["From"] = config["MAIL_FROM"]
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email.set_content(message.body)
    try:
        with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=10) as smtp:
            if config.get("SMTP_STARTTLS"):
                smtp.starttls()
            if config.get("SMTP_USERNAME"):
                smtp.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"])
            smtp.send_message(email)
    except (OSError, smtplib.SMTPException) as error:
        current_app.logger.warning("SMTP delivery failed for outbox message %s: %s", message.id,
                                   type(error).__name__)
        message.error = str(error)[:500]
        return False
    message.sent_at = utcnow()
    message.error = ""
    return True
