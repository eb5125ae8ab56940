"""Assigning many at once (auto-assignment's apply): the same rules and messages as one at a
time, in a fixed number of queries, and safe when two batches race for the same stations."""

import threading

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from observe.assignments.models import Assignment
from observe.assignments.services import (
    AssignmentError,
    Proposal,
    assign_observer,
    assign_observers,
)
from observe.audit.models import AuditEntry
from observe.elections.models import PollingStation
from observe.extensions import db
from observe.observers.models import Observer
from tests.statements import statements_sent


@pytest.fixture
def branch_world(make_branch, make_user, make_election, make_station, make_certified):
    branch = make_branch(region="karaganda")
    coordinator = make_user("coordinator", branch=branch)
    election = make_election()
    return branch, coordinator, election, make_station, make_certified


def _messages_one_at_a_time(proposals, actor) -> list[list[str]]:
    """What assign_observer says about each proposal, in order (the reference)."""
    said = []
    for proposal in proposals:
        try:
            assign_observer(proposal, actor=actor)
            said.append([])
        except AssignmentError as error:
            said.append(error.messages)
    return said


def _scenario(branch, coordinator, election, make_station, make_certified):
    """Proposals that break each rule, some only because of an earlier one in the same list."""
    a, b = make_station(election, number="11"), make_station(election, number="12")
    almaty = make_station(election, number="13", region="almaty")
    first, second, third = (make_certified(branch) for _ in range(3))
    approved = make_certified(branch, status="approved")
    return [
        Proposal(first, a, "stationary", "full_day"),            # made
        Proposal(second, a, "stationary", "morning"),            # a's seat taken in this batch
        Proposal(first, b, "mobile", "afternoon"),               # first is busy (station 11)
        Proposal(third, almaty, "stationary", "full_day"),       # outside the region
        Proposal(approved, b, "stationary", "full_day"),         # not certified, no reason
        Proposal(approved, b, "stationary", "morning", "Certified in 2023"),  # made
        Proposal(second, b, "stationary", "afternoon"),          # made: morning + afternoon
        Proposal(third, b, "reserve", "nonsense"),               # no such shift
    ]


def test_a_batch_says_what_one_at_a_time_says(app, branch_world, make_election):
    branch, coordinator, election, make_station, make_certified = branch_world
    with force_locale("en"):
        reference = _messages_one_at_a_time(
            _scenario(branch, coordinator, election, make_station, make_certified), coordinator)
        db.session.commit()
        # The same story in another election, all at once.
        proposals = _scenario(branch, coordinator, make_election(), make_station,
                              make_certified)
        before = db.session.scalar(select(func.count()).select_from(AuditEntry))
        created, refused = assign_observers(proposals, actor=coordinator)
    said = [[] for _ in proposals]
    for refusal in refused:
        said[proposals.index(refusal.proposal)] = refusal.messages
    assert said == reference
    assert [m for m in said if m] == [
        ["Station 11 already has 1 of 1 observers in this role for this shift."],
        ["This observer is already assigned at that time (station 11)."],
        ["The station is outside the region of the observer's branch."],
        ["This observer is not certified yet. Give a reason to assign anyway."],
        ["Choose a shift."],
    ]
    assert len(created) == 3
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)
                                 .offset(before)).all()
    assert actions.count("assignment.create") == 3
    assert actions.count("assignment.certification_override") == 1


def test_a_batch_costs_a_fixed_number_of_queries(app, branch_world):
    branch, coordinator, election, make_station, make_certified = branch_world
    observer_ids = [make_certified(branch).id for _ in range(30)]
    station_ids = [make_station(election).id for _ in range(30)]
    # Loaded as auto-assignment has them: by the proposal, in the same transaction.
    observers = db.session.scalars(select(Observer).where(Observer.id.in_(observer_ids))
                                   .order_by(Observer.id)).all()
    stations = db.session.scalars(select(PollingStation).where(
        PollingStation.id.in_(station_ids)).order_by(PollingStation.id)).all()
    observers[0].branch.region  # noqa: B018 -- the branch is loaded with the observers
    coordinator.email  # noqa: B018
    proposals = [Proposal(observer, station, "stationary", "full_day")
                 for observer, station in zip(observers, stations, strict=True)]
    with statements_sent() as seen:
        created, refused = assign_observers(proposals, actor=coordinator)
    db.session.commit()
    assert len(created) == 30 and refused == []
    reads = [s for s in seen if s.lstrip().upper().startswith("SELECT")]
    # One locking read of the stations, one of the assignments the rules look at.
    assert len(reads) == 2, reads
    if db.engine.dialect.name == "postgresql":
        assert sum("FOR UPDATE" in s for s in seen) == 1
        assert len(seen) <= 5, seen  # and one INSERT each for assignments and audit entries


@pytest.mark.postgres_only
def test_two_batches_racing_for_the_same_stations_fill_each_seat_once(
        app, make_branch, make_user, make_election, make_station, make_certified):
    branch = make_branch(region="karaganda")
    coordinators = [make_user("coordinator", branch=branch).id for _ in range(2)]
    election = make_election()
    station_ids = [make_station(election).id for _ in range(6)]
    teams = [[make_certified(branch).id for _ in station_ids] for _ in range(2)]
    barrier = threading.Barrier(2)
    outcomes: dict[int, tuple[int, list[str]]] = {}

    def run(team: int) -> None:
        from observe.auth.models import User
        from observe.elections.models import PollingStation
        from observe.observers.models import Observer

        with app.app_context(), force_locale("en"):
            actor = db.session.get(User, coordinators[team])
            # Opposite orders: the locks are still taken in one order, so no deadlock.
            order = station_ids if team == 0 else list(reversed(station_ids))
            proposals = []
            for observer_id, station_id in zip(teams[team], order, strict=True):
                observer = db.session.get(Observer, observer_id)
                observer.branch.region  # noqa: B018 -- loaded before the race
                proposals.append(Proposal(observer, db.session.get(PollingStation, station_id),
                                          "stationary", "full_day"))
            barrier.wait()
            try:
                created, refused = assign_observers(proposals, actor=actor)
                db.session.commit()
                outcomes[team] = (len(created), [m for r in refused for m in r.messages])
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(team,)) for team in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == [0, 1]
    assert sum(made for made, _ in outcomes.values()) == len(station_ids)
    refusals = [m for _, messages in outcomes.values() for m in messages]
    assert len(refusals) == len(station_ids)
    assert all("already has 1 of 1" in m for m in refusals)
    db.session.expire_all()
    per_station = dict(db.session.execute(
        select(Assignment.station_id, func.count()).where(Assignment.status == "assigned")
        .group_by(Assignment.station_id)).all())
    assert per_station == dict.fromkeys(station_ids, 1)
