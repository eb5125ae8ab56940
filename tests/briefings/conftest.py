"""A hand-counted polling day for briefings: five stations in two regions, three active
assignments, and reports written straight into the tables with chosen received times, so every
figure in the tests can be counted by hand from the list in `briefing_day`'s docstring."""

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from observe.assignments.models import Assignment
from observe.extensions import db
from observe.reports.models import (
    CheckIn,
    ChecklistForm,
    ChecklistResponse,
    Incident,
    ProtocolCopy,
    TurnoutReport,
)

DAY = date(2026, 3, 15)
ALMATY = ZoneInfo("Asia/Almaty")


def local(hour: int, minute: int = 0) -> datetime:
    """A local time on polling day, as the UTC datetime stored."""
    return datetime(DAY.year, DAY.month, DAY.day, hour, minute, tzinfo=ALMATY).astimezone(UTC)


DEFINITION = {"code": "kz", "title": {"en": "Checklist"}, "phases": {
    "opening": [{"id": "q1", "type": "yes_no", "text": {"en": "Ballot box sealed?",
                                                         "ru": "Урна опечатана?"}}],
    "voting": [{"id": "q1", "type": "yes_no", "text": {"en": "Voter list on display?"}},
               {"id": "q2", "type": "yes_no", "text": {"en": "Secrecy kept?"}}]}}


@dataclass
class Day:
    election: object
    stations: dict
    branches: dict
    observers: dict
    form: object
    incidents: dict = field(default_factory=dict)


def add_report(cls, day: Day, station: str, observer: str, at: datetime, **fields):
    report = cls(uuid=str(uuid.uuid4()), election_id=day.election.id,
                 station_id=day.stations[station].id, observer_id=day.observers[observer].id,
                 received_at=at, occurred_at=at, updated_at=at, **fields)
    db.session.add(report)
    db.session.flush()
    return report


@pytest.fixture
def briefing_day(app, make_branch, make_election, make_station, make_certified):
    """Stations K1, K2 (Karaganda, district A), K3 (Karaganda, B), A1, A2 (Almaty), 1,000
    voters each. Active assignments: o1@K1, o2@K2, o3@A1; o4@K3 declined.

    Local times on polling day (the tests' cut-off is 14:00):
    check-ins   o1@K1 07:30, o2@K2 08:00, o3@A1 15:00
    checklists  K1 opening 07:45 problems [q1]; K2 opening 08:10 none; K1 voting 12:00 [q1, q2];
                A1 opening 15:10 [q1]
    turnout     K1 10h 100 (10:05) then 120 (10:20); K2 10h 80 (10:10); K2 12h 500 rejected
                (12:05); K1 12h 300 (12:10); A1 14h 400 (15:00)
    incidents   i1 K1 ballot_stuffing critical verified 09:00; i2 K2 vote_buying high received
                11:00; i3 K1 ballot_stuffing medium rejected 11:30; i4 A1 ballot_stuffing high
                verified 13:00; i5 A1 other low duplicate 13:30; i6 K2 ballot_stuffing critical
                verified 16:00
    protocols   K1 13:50 mismatches [received_balance, box_balance]; K2 13:55 none
    """
    election = make_election(name="Mazhilis 2026", polling_day=DAY, status="polling_day")
    branches = {"karaganda": make_branch(region="karaganda"),
                "almaty": make_branch(region="almaty")}
    stations = {}
    for name, region, district in (("K1", "karaganda", "A"), ("K2", "karaganda", "A"),
                                   ("K3", "karaganda", "B"), ("A1", "almaty", "Medeu"),
                                   ("A2", "almaty", "Medeu")):
        stations[name] = make_station(election, number=name, region=region, district=district,
                                      registered_voters=1000)
    observers = {"o1": make_certified(branches["karaganda"]),
                 "o2": make_certified(branches["karaganda"]),
                 "o3": make_certified(branches["almaty"]),
                 "o4": make_certified(branches["karaganda"])}
    for name, station, branch, status in (("o1", "K1", "karaganda", "confirmed"),
                                          ("o2", "K2", "karaganda", "assigned"),
                                          ("o3", "A1", "almaty", "confirmed"),
                                          ("o4", "K3", "karaganda", "declined")):
        db.session.add(Assignment(election_id=election.id, station_id=stations[station].id,
                                  observer_id=observers[name].id,
                                  branch_id=branches[branch].id, role="stationary",
                                  shift="full_day", status=status))
    form = ChecklistForm(code="kz", version=1, title="Checklist", definition=DEFINITION,
                         is_active=True)
    db.session.add(form)
    db.session.flush()
    day = Day(election, stations, branches, observers, form)
    for station, observer, at in (("K1", "o1", local(7, 30)), ("K2", "o2", local(8)),
                                  ("A1", "o3", local(15))):
        add_report(CheckIn, day, station, observer, at)
    for station, observer, phase, problems, at in (
            ("K1", "o1", "opening", ["q1"], local(7, 45)),
            ("K2", "o2", "opening", [], local(8, 10)),
            ("K1", "o1", "voting", ["q1", "q2"], local(12)),
            ("A1", "o3", "opening", ["q1"], local(15, 10))):
        add_report(ChecklistResponse, day, station, observer, at, form_id=form.id, form_version=1,
                   phase=phase, answers={}, problems=problems, flagged=bool(problems))
    for station, observer, hour, voters, at, status in (
            ("K1", "o1", 10, 100, local(10, 5), "received"),
            ("K1", "o1", 10, 120, local(10, 20), "received"),
            ("K2", "o2", 10, 80, local(10, 10), "received"),
            ("K2", "o2", 12, 500, local(12, 5), "rejected"),
            ("K1", "o1", 12, 300, local(12, 10), "received"),
            ("A1", "o3", 14, 400, local(15), "received")):
        add_report(TurnoutReport, day, station, observer, at, hour=hour, voters=voters,
                   status=status)
    for key, station, observer, category, severity, status, at in (
            ("i1", "K1", "o1", "ballot_stuffing", "critical", "verified", local(9)),
            ("i2", "K2", "o2", "vote_buying", "high", "received", local(11)),
            ("i3", "K1", "o1", "ballot_stuffing", "medium", "rejected", local(11, 30)),
            ("i4", "A1", "o3", "ballot_stuffing", "high", "verified", local(13)),
            ("i5", "A1", "o3", "other", "low", "duplicate", local(13, 30)),
            ("i6", "K2", "o2", "ballot_stuffing", "critical", "verified", local(16))):
        day.incidents[key] = add_report(
            Incident, day, station, observer, at, category=category, severity=severity,
            status=status, description=f"Incident {key} at {station}: ballots in a bundle.")
    for station, observer, mismatches, at in (
            ("K1", "o1", ["received_balance", "box_balance"], local(13, 50)),
            ("K2", "o2", [], local(13, 55))):
        add_report(ProtocolCopy, day, station, observer, at, contest_id=_contest(election).id,
                   voters_on_list=1000, ballots_received=1000, ballots_issued=700,
                   ballots_cancelled=200, ballots_in_box=650, ballots_invalid=50,
                   mismatches=mismatches, flagged=bool(mismatches))
    db.session.commit()
    return day


def _contest(election):
    from observe.elections.models import Contest

    contest = db.session.query(Contest).filter_by(election_id=election.id).first()
    if contest is None:
        contest = Contest(election_id=election.id, kind="mazhilis_party_list", name="Mazhilis",
                          position=1)
        db.session.add(contest)
        db.session.flush()
    return contest
