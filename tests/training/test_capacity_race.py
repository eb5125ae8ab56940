"""Two observers taking the last seat at once: exactly one gets it, on a real PostgreSQL server.

Each contender runs in its own thread with its own connection and transaction; a barrier
releases both registrations together, so they really overlap in the database.
"""

import threading

import pytest
from sqlalchemy import func, select

from observe.extensions import db
from observe.training import services
from observe.training.models import Registration, TrainingSession


# SQLite allows one writer at a time, so the race cannot happen there; the same rule (one
# conditional UPDATE) is exercised on both backends by test_full_session_refuses_with_a_message.
@pytest.mark.postgres_only
def test_last_seat_goes_to_one_observer(app, make_branch, make_session, make_trainee):
    branch = make_branch()
    session = make_session(branch, capacity=1)
    contenders = [make_trainee(branch).id for _ in range(2)]
    session_id = session.id
    barrier = threading.Barrier(len(contenders))
    outcomes: dict[int, str] = {}

    def take_seat(observer_id: int) -> None:
        from observe.observers.models import Observer

        with app.app_context():
            own = db.session.get(TrainingSession, session_id)
            observer = db.session.get(Observer, observer_id)
            barrier.wait()
            try:
                services.register(own, observer)
                db.session.commit()
                outcomes[observer_id] = "registered"
            except services.TrainingError:
                db.session.rollback()
                outcomes[observer_id] = "full"
            finally:
                db.session.remove()

    threads = [threading.Thread(target=take_seat, args=(oid,)) for oid in contenders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes.values()) == ["full", "registered"]
    db.session.expire_all()
    active = db.session.scalar(select(func.count()).select_from(Registration).where(
        Registration.session_id == session_id, Registration.cancelled_at.is_(None)))
    assert active == 1
    assert db.session.get(TrainingSession, session_id).seats_taken == 1
