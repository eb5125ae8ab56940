"""Demo polling-day reports for both demo regions: check-ins, checklist answers, turnout,
incidents in every triage status, and protocols (one that adds up, one that does not).

Sent through the real services with fixed UUIDs, so a second run replays instead of adding."""

import uuid
from datetime import timedelta

from sqlalchemy import select

from observe.auth.models import User
from observe.common.db import utcnow
from observe.elections.demo import DEMO_ELECTION
from observe.elections.models import Election, PollingStation
from observe.extensions import db
from observe.reports import services, triage

NAMESPACE = uuid.UUID("6f1c2a52-8d1e-4c55-9a51-5e0f3f7f0a11")

# (observer, station, category, severity, minutes ago, description, triage: [(by, action, text)])
INCIDENTS = [
    ("observer1@example.org", "001", "ballot_stuffing", "critical", 95,
     "A commission member put a bundle of ballots into box 2 at 09:40.",
     []),
    ("observer1@example.org", "001", "video_surveillance", "medium", 150,
     "The camera over the ballot box was turned to the wall.",
     [("coordinator.karaganda@example.org", "verify", "")]),
    ("observer2@example.org", "003", "organised_transport", "high", 120,
     "Two buses brought factory workers; a man at the door ticked names on a list.",
     [("coordinator.karaganda@example.org", "verify", ""),
      ("hq@example.org", "escalate", "Complaint to the territorial commission prepared.")]),
    ("observer2@example.org", "003", "campaigning", "low", 200,
     "Leaflets of a party on the table at the entrance.",
     [("coordinator.karaganda@example.org", "reject",
       "Information board of the commission, not campaign material.")]),
    ("observer2@example.org", "003", "ballot_stuffing", "critical", 90,
     "Saw a bundle of ballots going into box 2.",
     [("coordinator.karaganda@example.org", "duplicate", "")]),
    ("observer5@example.org", "101", "observer_obstruction", "high", 60,
     "The chairperson asked observers to stand behind a rope 8 metres from the table.",
     [("coordinator.almaty@example.org", "verify", ""),
      ("coordinator.almaty@example.org", "resolve", "Moved closer after a call to the TEC.")]),
    ("observer5@example.org", "101", "group_voting", "medium", 30,
     "A family of four went into one booth together.",
     []),
]

CHECKLISTS = [
    ("observer1@example.org", "001", "opening",
     {"boxes_shown_empty_sealed": "yes", "video_working": "no", "observers_admitted": "yes",
      "observer_seat_view": "yes", "list_and_ballots_counted": "yes",
      "ballots_received": 2400, "opened_on_time": "yes"}),
    ("observer2@example.org", "003", "opening",
     {"boxes_shown_empty_sealed": "yes", "video_working": "yes", "observers_admitted": "yes",
      "observer_seat_view": "yes", "list_and_ballots_counted": "yes",
      "ballots_received": 2700, "opened_on_time": "yes"}),
    ("observer5@example.org", "101", "opening",
     {"boxes_shown_empty_sealed": "yes", "video_working": "yes", "observers_admitted": "no",
      "observer_seat_view": "no", "list_and_ballots_counted": "yes",
      "ballots_received": 2900, "opened_on_time": "yes"}),
    ("observer5@example.org", "101", "voting",
     {"voters_identified": "yes", "marking_rules": "yes", "secrecy_ensured": "yes",
      "mobile_box": "with_list_and_observers", "video_still_working": "yes"}),
]

TURNOUT = [("observer1@example.org", "001", [(10, 310), (12, 720), (14, 1105)]),
           ("observer2@example.org", "003", [(10, 280), (12, 640)]),
           ("observer5@example.org", "101", [(10, 240), (12, 590), (14, 930)])]

# (observer, station, figures, votes in party order)
PROTOCOLS = [
    ("observer1@example.org", "001",
     dict(voters_on_list=2450, ballots_received=2400, ballots_issued=1640,
          ballots_cancelled=760, ballots_in_box=1632, ballots_invalid=22),
     [820, 190, 160, 150, 120, 110, 60]),
    ("observer5@example.org", "101",  # does not add up: flagged for HQ
     dict(voters_on_list=2890, ballots_received=2900, ballots_issued=1510,
          ballots_cancelled=1300, ballots_in_box=1530, ballots_invalid=18),
     [700, 150, 190, 160, 140, 120, 50]),
]


def _id(*parts) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(map(str, parts))))


def seed_reports() -> None:
    """The demo polling-day reports, sent once through the services."""
    election = db.session.execute(select(Election).where(
        Election.name == DEMO_ELECTION)).scalar_one_or_none()
    if election is None or not services.election_takes_reports(election):
        return
    services.ensure_default_checklist()
    users = {u.email: u for u in db.session.scalars(select(User))}
    stations = {s.number: s for s in db.session.scalars(select(PollingStation).where(
        PollingStation.election_id == election.id))}
    now = utcnow()
    for email, number in {(e, n) for e, n, *_ in INCIDENTS + CHECKLISTS}:
        services.submit_check_in(dict(uuid=_id("check-in", email, number),
                                      station_id=stations[number].id,
                                      latitude=stations[number].latitude,
                                      longitude=stations[number].longitude, accuracy=25,
                                      occurred_at=now - timedelta(hours=4)),
                                 actor=users[email])
    for email, number, phase, answers in CHECKLISTS:
        services.submit_checklist(dict(uuid=_id("checklist", email, phase),
                                       station_id=stations[number].id, phase=phase,
                                       answers=answers), actor=users[email])
    for email, number, figures in TURNOUT:
        for hour, voters in figures:
            services.submit_turnout(dict(uuid=_id("turnout", email, hour),
                                         station_id=stations[number].id, hour=hour,
                                         voters=voters), actor=users[email])
    originals = {}
    for n, (email, number, category, severity, ago, text, steps) in enumerate(INCIDENTS):
        incident, created = services.submit_incident(dict(
            uuid=_id("incident", n), station_id=stations[number].id, category=category,
            severity=severity, description=text, occurred_at=now - timedelta(minutes=ago),
            complaint_filed=severity == "critical",
            complaint_number="14/2" if severity == "critical" else ""), actor=users[email])
        originals.setdefault((number[:1], category), incident)
        if not created:
            continue
        for by, action, note in steps:
            triage.act_on_report(incident, action, actor=users[by], text=note,
                                 duplicate_of=originals[(number[:1], category)]
                                 if action == "duplicate" else None)
    for email, number, figures, votes in PROTOCOLS:
        contest = election.contests[0]
        services.submit_protocol(dict(figures, uuid=_id("protocol", number),
                                      station_id=stations[number].id, contest_id=contest.id,
                                      votes={c.id: v for c, v in zip(contest.choices, votes,
                                                                      strict=False)}),
                                 actor=users[email])
    db.session.flush()
