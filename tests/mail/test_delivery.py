"""Mail is queued in the outbox inside the transaction and handed to SMTP only after the commit."""

import smtplib

import pytest
from sqlalchemy import create_engine, select, text

from observe.extensions import db
from observe.mail.models import OutboxMessage
from observe.mail.services import deliver_unsent, send_mail


class RecordingSMTP:
    """Stands in for smtplib.SMTP; notes what was sent and whether the row was committed then."""

    sent: list = []
    fail = False
    database_url = ""

    def __init__(self, host, port, timeout=None):
        self.host = host

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def starttls(self):
        pass

    def login(self, user, password):
        pass

    def send_message(self, email):
        if RecordingSMTP.fail:
            raise smtplib.SMTPServerDisconnected("gone")
        engine = create_engine(RecordingSMTP.database_url)
        with engine.connect() as connection:
            visible = connection.execute(
                text("SELECT count(*) FROM outbox_message WHERE recipient = :r"),
                {"r": email["To"]}).scalar()
        engine.dispose()
        RecordingSMTP.sent.append((email["To"], email["Subject"], visible))


@pytest.fixture
def smtp(app, monkeypatch):
    RecordingSMTP.sent = []
    RecordingSMTP.fail = False
    RecordingSMTP.database_url = app.config["SQLALCHEMY_DATABASE_URI"]
    monkeypatch.setattr(smtplib, "SMTP", RecordingSMTP)
    monkeypatch.setitem(app.config, "SMTP_HOST", "smtp.invalid")
    return RecordingSMTP


def test_mail_goes_out_only_after_the_commit(app, smtp):
    send_mail("person@example.org", "Hello", "Body")
    assert smtp.sent == []  # still inside the transaction
    db.session.commit()
    assert smtp.sent == [("person@example.org", "Hello", 1)]  # the row was committed by then
    message = db.session.execute(select(OutboxMessage)).scalar_one()
    db.session.refresh(message)
    assert message.sent_at is not None and message.error == ""


def test_a_rolled_back_transaction_sends_nothing(app, smtp):
    send_mail("person@example.org", "Hello", "Body")
    db.session.rollback()
    db.session.commit()
    assert smtp.sent == []
    assert db.session.execute(select(OutboxMessage)).first() is None


def test_a_failed_delivery_is_kept_and_sent_again_by_the_command(app, smtp):
    smtp.fail = True
    send_mail("person@example.org", "Hello", "Body")
    db.session.commit()
    message = db.session.execute(select(OutboxMessage)).scalar_one()
    db.session.refresh(message)
    assert message.sent_at is None and "gone" in message.error
    smtp.fail = False
    result = app.test_cli_runner().invoke(args=["mail", "send"])
    assert "sent: 1" in result.output
    db.session.refresh(message)
    assert message.sent_at is not None
    assert deliver_unsent() == 0


def test_without_smtp_mail_stays_in_the_outbox(app, monkeypatch):
    monkeypatch.setattr(smtplib, "SMTP", None)  # any attempt to connect would fail loudly
    send_mail("person@example.org", "Hello", "Body")
    db.session.commit()
    assert db.session.execute(select(OutboxMessage.sent_at)).scalar_one() is None
