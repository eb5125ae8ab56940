"""Composing and sending e-mail."""

import smtplib
from email.message import EmailMessage

from flask import current_app

from observe.common.db import utcnow
from observe.extensions import db
from observe.mail.models import OutboxMessage


def send_mail(recipient: str, subject: str, body: str) -> OutboxMessage:
    """Keep the message in the outbox and send it through SMTP when SMTP_HOST is set.

    A delivery failure is stored on the message instead of failing the caller's action.
    """
    message = OutboxMessage(recipient=recipient, subject=subject, body=body)
    db.session.add(message)
    config = current_app.config
    if config.get("SMTP_HOST"):
        email = EmailMessage()
        email["From"] = config["MAIL_FROM"]
        email["To"] = recipient
        email["Subject"] = subject
        email.set_content(body)
        try:
            with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=10) as smtp:
                if config.get("SMTP_STARTTLS"):
                    smtp.starttls()
                if config.get("SMTP_USERNAME"):
                    smtp.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"])
                smtp.send_message(email)
            message.sent_at = utcnow()
        except (OSError, smtplib.SMTPException) as error:
            current_app.logger.warning("SMTP delivery failed for outbox message: %s", type(error))
            message.error = str(error)[:500]
    db.session.flush()
    return message
