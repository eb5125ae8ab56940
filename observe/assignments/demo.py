"""Demo assignments: confirmed observers in both demo branches, observer1 stationary all day."""

from sqlalchemy import select

from observe.assignments.models import Assignment
from observe.assignments.services import Proposal, assign_observer, confirm_assignment
from observe.auth.models import User
from observe.elections.models import PollingStation
from observe.extensions import db
from observe.observers.models import Observer

# (observer e-mail, station number, role, shift, coordinator e-mail)
DEMO_ASSIGNMENTS = [
    ("observer1@example.org", "001", "stationary", "full_day",
     "coordinator.karaganda@example.org"),
    ("observer2@example.org", "003", "stationary", "full_day",
     "coordinator.karaganda@example.org"),
    ("observer5@example.org", "101", "stationary", "full_day",
     "coordinator.almaty@example.org"),
]


def seed_assignments(election) -> None:
    """Assign and confirm the demo observers once (through the real rules)."""
    if db.session.execute(select(Assignment.id).where(
            Assignment.election_id == election.id).limit(1)).first():
        return
    for email, number, role, shift, coordinator_email in DEMO_ASSIGNMENTS:
        observer = db.session.execute(select(Observer).join(User, User.id == Observer.user_id)
                                      .where(User.email == email)).scalar_one()
        coordinator = db.session.execute(select(User).where(User.email == coordinator_email)
                                         ).scalar_one()
        station = db.session.execute(select(PollingStation).where(
            PollingStation.election_id == election.id, PollingStation.number == number)
        ).scalar_one()
        assignment = assign_observer(Proposal(observer, station, role, shift), actor=coordinator)
        confirm_assignment(assignment, actor=observer.user)
