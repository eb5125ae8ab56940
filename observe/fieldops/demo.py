"""Demo polling-day safety for both demo regions, every roll-call state on the board:
001 an acknowledged SOS, 002 silent (checked in five hours ago, nothing since), 003 checked in,
004 withdrawn, 101 checked in with a resolved SOS and a call, 102 late (no check-in after
06:30), 103 an open SOS; the alerts raised as of now, and a broadcast that one observer read.

Sent through the real services with fixed UUIDs, so a second run replays instead of adding."""

import uuid
from datetime import timedelta

from sqlalchemy import select

from observe.assignments.models import Assignment
from observe.auth.models import User
from observe.common.db import utcnow
from observe.elections.demo import DEMO_ELECTION
from observe.elections.models import Election, PollingStation
from observe.extensions import db
from observe.fieldops import services
from observe.fieldops.models import Broadcast, BroadcastReceipt
from observe.observers.models import Observer
from observe.reports import services as reports

NAMESPACE = uuid.UUID("0b5e7f4c-3f0e-4f7e-9a0c-6a2d1f0c1515")

# (observer, station, status, checked in hours ago or None)
ASSIGNMENTS = [
    ("observer3@example.org", "004", "withdrawn", None),
    ("observer3@example.org", "002", "confirmed", 5),
    ("observer4@example.org", "102", "confirmed", None),
    ("observer6@example.org", "103", "confirmed", 1),
]

# (observer, station, reason, note, acknowledged by, resolution)
SOS = [
    ("observer1@example.org", "001", "unsafe",
     "Двое мужчин у входа фотографируют меня и требуют уйти.",
     "coordinator.karaganda@example.org", ""),
    ("observer5@example.org", "101", "removed",
     "Председатель УИК попросил покинуть участок без объяснения причин.",
     "coordinator.almaty@example.org", "Позвонили в ТИК, наблюдателя вернули на участок."),
    ("observer6@example.org", "103", "obstructed",
     "Не пускают к столу с бюллетенями, держат за лентой в 10 метрах.", None, ""),
]

BROADCAST = ("coordinator.karaganda@example.org",
             "Напоминаем: явку на 12:00 отправьте до 12:15. Если что-то мешает — звоните.")


def _id(*parts) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(map(str, parts))))


def seed_fieldops() -> None:
    """The demo roll-call, SOS, calls and broadcast, once."""
    election = db.session.execute(select(Election).where(
        Election.name == DEMO_ELECTION)).scalar_one_or_none()
    if election is None or not reports.election_takes_reports(election):
        return
    users = {u.email: u for u in db.session.scalars(select(User))}
    observers = {o.user.email: o for o in db.session.scalars(
        select(Observer).where(Observer.user_id.is_not(None)))}
    stations = {s.number: s for s in db.session.scalars(select(PollingStation).where(
        PollingStation.election_id == election.id))}
    now = utcnow()
    for email, number, status, hours_ago in ASSIGNMENTS:
        observer = observers.get(email)
        if observer is None:
            continue
        if db.session.scalars(select(Assignment.id).where(
                Assignment.observer_id == observer.id,
                Assignment.station_id == stations[number].id)).first() is None:
            db.session.add(Assignment(election_id=election.id, station_id=stations[number].id,
                                      observer_id=observer.id, branch_id=observer.branch_id,
                                      role="stationary", shift="full_day", status=status))
            db.session.flush()
        if hours_ago is not None:
            report, created = reports.submit_check_in(dict(
                uuid=_id("check-in", email, number), station_id=stations[number].id,
                latitude=stations[number].latitude, longitude=stations[number].longitude,
                accuracy=30), actor=users[email])
            if created:  # the silent one went quiet hours ago
                report.occurred_at = report.received_at = now - timedelta(hours=hours_ago)
    db.session.flush()
    for email, number, reason, note, by, resolution in SOS:
        if email not in observers:
            continue
        signal, created = services.submit_sos(dict(
            uuid=_id("sos", email), station_id=stations[number].id, reason=reason, note=note,
            latitude=stations[number].latitude, longitude=stations[number].longitude),
            actor=users[email])
        if created and by:
            services.acknowledge_sos(signal, actor=users[by])
            if resolution:
                services.resolve_sos(signal, resolution, actor=users[by])
                services.note_call(signal.assignment, "Дозвонились, наблюдатель на месте.",
                                   actor=users[by])
    sender, body = BROADCAST
    if db.session.scalars(select(Broadcast.id).where(Broadcast.body == body)).first() is None:
        broadcast = services.send_broadcast(election, {"body": body}, actor=users[sender])
        first = db.session.scalars(select(BroadcastReceipt).where(
            BroadcastReceipt.broadcast_id == broadcast.id).order_by(BroadcastReceipt.id)).first()
        if first is not None:
            services.mark_read(first)
    services.sweep(now)
    db.session.flush()
