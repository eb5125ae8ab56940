"""Demo complaints: one awaiting its answer from the Karaganda district commission, and a chain
(rejected by the precinct commission, appealed to the territorial one) in Almaty. Idempotent:
a complaint resting on the same incident is not opened twice."""

from datetime import timedelta

from sqlalchemy import select

from observe.auth.models import User
from observe.common.db import utcnow
from observe.complaints import services
from observe.complaints.models import ComplaintIncident
from observe.elections.models import PollingStation
from observe.extensions import db
from observe.reports.models import Incident

# (station number, category of the incident the complaint rests on)
KARAGANDA = ("003", "organised_transport")
ALMATY = ("101", "observer_obstruction")


def _incident(number: str, category: str) -> Incident | None:
    return db.session.scalar(select(Incident).join(
        PollingStation, PollingStation.id == Incident.station_id).where(
        PollingStation.number == number, Incident.category == category).order_by(Incident.id))


def seed_complaints() -> None:
    """Two demo complaints and an appeal, opened by HQ through the real services."""
    hq = db.session.scalar(select(User).where(User.email == "hq@example.org"))
    now = utcnow()
    first, second = _incident(*KARAGANDA), _incident(*ALMATY)
    for incident in (first, second):
        if incident is None or db.session.scalar(select(ComplaintIncident.id).where(
                ComplaintIncident.incident_id == incident.id)):
            return
    waiting = services.open_complaint([first], body="district", language="ru",
                                      body_name="Казыбекбийская районная избирательная комиссия",
                                      actor=hq)
    services.file_complaint(waiting, filed_at=now - timedelta(hours=20),
                            incoming_number="ВХ-118", actor=hq, now=now)
    rejected = services.open_complaint([second], body="precinct", language="kk",
                                       body_name="№ 101 учаскелік сайлау комиссиясы", actor=hq)
    services.file_complaint(rejected, filed_at=now - timedelta(hours=6), incoming_number="12",
                            due_at=now - timedelta(hours=2), actor=hq, now=now)
    services.record_answer(rejected, outcome="rejected", answered_at=now - timedelta(hours=3),
                           answer="Бақылаушыларға кедергі келтірілмеген.", actor=hq, now=now)
    services.appeal_complaint(rejected, body="territorial",
                              body_name="Алматы қалалық аумақтық сайлау комиссиясы", actor=hq)
