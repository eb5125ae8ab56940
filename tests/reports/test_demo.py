"""The demo polling day: reports in both regions, incidents in every status, run twice."""

from sqlalchemy import func, select

from observe.demo import seed_demo
from observe.elections.models import PollingStation
from observe.extensions import db
from observe.reports.models import Incident, ProtocolCopy, Report


def test_the_demo_has_a_polling_day_in_both_regions_and_is_idempotent(app):
    seed_demo("demo-password-123")
    db.session.commit()
    total = db.session.scalar(select(func.count()).select_from(Report))
    seed_demo("demo-password-123")
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Report)) == total
    kinds = set(db.session.scalars(select(Report.kind)))
    assert kinds == {"check_in", "checklist", "turnout", "incident", "protocol"}
    statuses = set(db.session.scalars(select(Incident.status)))
    assert statuses == {"received", "verified", "rejected", "escalated", "resolved",
                        "duplicate"}
    regions = set(db.session.scalars(select(PollingStation.region).join(
        Report, Report.station_id == PollingStation.id)))
    assert regions == {"karaganda", "almaty"}
    flagged = db.session.scalars(select(ProtocolCopy.flagged)).all()
    assert sorted(flagged) == [False, True]
