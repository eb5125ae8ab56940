"""The demo shows every roll-call state, SOS in each status and a read broadcast; run twice."""

import re
from datetime import time

from flask_babel import to_user_timezone
from sqlalchemy import func, select

from observe.common.db import utcnow
from observe.demo import seed_demo
from observe.extensions import db
from observe.fieldops.models import Broadcast, BroadcastReceipt, FieldAlert, SosSignal

PASSWORD = "demo-password-123"


def counts() -> tuple:
    return tuple(db.session.scalar(select(func.count(model.id)))
                 for model in (SosSignal, Broadcast, BroadcastReceipt, FieldAlert))


def test_the_demo_shows_every_state_and_is_idempotent(app, client):
    seed_demo(PASSWORD)
    db.session.commit()
    before = counts()
    seed_demo(PASSWORD)
    db.session.commit()
    assert counts() == before
    assert set(db.session.scalars(select(SosSignal.status))) == {"open", "acknowledged",
                                                                 "resolved"}
    assert db.session.scalar(select(func.count(BroadcastReceipt.read_at))) == 1
    client.post("/login", data={"email": "hq@example.org", "password": PASSWORD})
    html = client.get("/fieldops/").get_data(as_text=True)
    states = {number: state for state, number in re.findall(
        r'roll-call-row" data-state="(\w+)".*?>(?:Station|Участок) (\w+)</a>', html, re.S)}
    with app.test_request_context():
        on_time = to_user_timezone(utcnow()).time() <= time(6, 30)
    assert states == {"001": "sos", "002": "silent", "003": "checked_in", "004": "withdrawn",
                      "101": "checked_in", "102": "expected" if on_time else "late",
                      "103": "sos"}
