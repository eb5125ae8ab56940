"""Polling day for the roll-call: the reports tests' world (an observer at one station each in
Karaganda and Almaty), a fixed clock at noon local time, and helpers to add check-ins,
assignments and the coordinators who watch them."""

import uuid
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from observe.assignments.models import Assignment
from observe.extensions import db
from observe.mail.models import OutboxMessage
from observe.reports.models import CheckIn
from tests.reports.conftest import build_polling_day

ALMATY = ZoneInfo("Asia/Almaty")


@pytest.fixture(autouse=True)
def english_pages(client):
    """These tests read English texts; the interface defaults to Russian."""
    from observe.i18n import PICKED_KEY

    with client.session_transaction() as session:
        session["lang"] = "en"
        session[PICKED_KEY] = True


@pytest.fixture
def polling_day(app, make_branch, make_election, make_station, make_certified):
    return build_polling_day(make_branch, make_election, make_station, make_certified)


def local(day, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=ALMATY).astimezone(UTC)


@pytest.fixture
def clock(monkeypatch, polling_day):
    """Noon on polling day, local time, for the board, the services and the sweep; `set`
    moves it."""

    class Clock:
        now = local(polling_day.election.polling_day, 12, 0)

        def set(self, hour, minute=0):
            self.now = local(polling_day.election.polling_day, hour, minute)

    fixed = Clock()
    for target in ("observe.fieldops.views.staff.utcnow", "observe.fieldops.services.utcnow"):
        monkeypatch.setattr(target, lambda: fixed.now)
    return fixed


def check_in(side, at: datetime, last_report_at: datetime | None = None) -> CheckIn:
    """A check-in of the side's observer at `at` (the report's received time too)."""
    report = CheckIn(uuid=str(uuid.uuid4()), election_id=side.assignment.election_id,
                     station_id=side.station.id, observer_id=side.observer.id,
                     submitted_by_id=side.user.id, occurred_at=at, received_at=at,
                     updated_at=at)
    db.session.add(report)
    db.session.commit()
    return report


def coordinator_of(make_user, side):
    return make_user("coordinator", branch=side.branch)


def outbox(subject_part: str = "") -> list[OutboxMessage]:
    return [m for m in db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
            if subject_part in m.subject]


def add_assignment(polling_day, make_station, make_certified, side, **overrides) -> Assignment:
    """Another observer at another station of the side's region."""
    station = make_station(polling_day.election, region=side.station.region,
                           district=overrides.pop("district", side.station.district))
    observer = make_certified(side.branch)
    assignment = Assignment(election_id=polling_day.election.id, station_id=station.id,
                            observer_id=observer.id, branch_id=side.branch.id,
                            role="stationary", shift=overrides.pop("shift", "full_day"),
                            status=overrides.pop("status", "confirmed"))
    db.session.add(assignment)
    db.session.commit()
    return assignment


__all__ = ["check_in", "coordinator_of", "outbox", "add_assignment", "local", "timedelta"]
