"""Two coordinators assigning the last stationary seat at once: exactly one succeeds.

Each contender runs in its own thread with its own connection and transaction; a barrier
releases both assignments together, so they really overlap in the database. The station row
lock taken by assign_observer makes the second wait and then count the first one's seat.
"""

import threading

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from observe.assignments.models import Assignment
from observe.assignments.services import AssignmentError, Proposal, assign_observer
from observe.extensions import db


# SQLite allows one writer at a time, so the race cannot happen there; the seat limit itself
# is tested on both backends in test_rules.py and test_board.py.
@pytest.mark.postgres_only
def test_the_last_seat_goes_to_one_observer(app, make_branch, make_user, make_election,
                                            make_station, make_certified):
    branch = make_branch(region="karaganda")
    coordinators = [make_user("coordinator", branch=branch).id for _ in range(2)]
    station_id = make_station(make_election()).id
    contenders = [make_certified(branch).id for _ in range(2)]
    barrier = threading.Barrier(len(contenders))
    outcomes: dict[int, str] = {}

    def take_seat(observer_id: int, coordinator_id: int) -> None:
        from observe.auth.models import User
        from observe.elections.models import PollingStation
        from observe.observers.models import Observer

        with app.app_context(), force_locale("en"):
            coordinator = db.session.get(User, coordinator_id)
            observer = db.session.get(Observer, observer_id)
            station = db.session.get(PollingStation, station_id)
            observer.branch.region  # noqa: B018 -- loaded before the race, not during it
            barrier.wait()
            try:
                assign_observer(Proposal(observer, station, "stationary", "full_day"),
                                actor=coordinator)
                db.session.commit()
                outcomes[observer_id] = "assigned"
            except AssignmentError as error:
                db.session.rollback()
                outcomes[observer_id] = "refused: " + " ".join(error.messages)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=take_seat, args=pair)
               for pair in zip(contenders, coordinators, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert len(outcomes) == 2
    assert sorted(outcomes.values())[0] == "assigned"
    assert "already has 1 of 1" in sorted(outcomes.values())[1]
    db.session.expire_all()
    active = db.session.scalar(select(func.count()).select_from(Assignment).where(
        Assignment.station_id == station_id, Assignment.status.in_(("assigned", "confirmed"))))
    assert active == 1
