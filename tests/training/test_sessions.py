from datetime import timedelta

from sqlalchemy import select

from observe.common.db import utcnow
from observe.extensions import db
from observe.training.models import Registration, TrainingSession


def test_observer_registers_and_cancels(client, login_as, make_branch, make_session,
                                        make_trainee):
    branch = make_branch()
    session = make_session(branch, capacity=2)
    observer = make_trainee(branch)
    login_as(observer.user)
    page = client.get("/training/?lang=en").get_data(as_text=True)
    assert session.title in page
    assert "zoom.us/j/123456789" not in page  # credentials only once registered

    response = client.post(f"/training/sessions/{session.id}/register")
    assert response.status_code == 302
    page = client.get("/training/?lang=en").get_data(as_text=True)
    assert "zoom.us/j/123456789" in page
    assert db.session.get(TrainingSession, session.id).seats_taken == 1

    client.post(f"/training/sessions/{session.id}/unregister")
    registration = db.session.execute(select(Registration)).scalar_one()
    assert registration.cancelled_at is not None
    assert db.session.get(TrainingSession, session.id).seats_taken == 0


def test_full_session_refuses_with_a_message(client, login_as, make_branch, make_session,
                                             make_trainee):
    branch = make_branch()
    session = make_session(branch, capacity=1)
    first, second = make_trainee(branch), make_trainee(branch)
    login_as(first.user)
    client.post(f"/training/sessions/{session.id}/register")
    login_as(second.user)
    response = client.post(f"/training/sessions/{session.id}/register?lang=en",
                           follow_redirects=True)
    assert "This session is full." in response.get_data(as_text=True)
    assert db.session.get(TrainingSession, session.id).seats_taken == 1


def test_other_branch_session_is_hidden(client, login_as, make_branch, make_session,
                                        make_trainee):
    mine, theirs = make_branch(), make_branch()
    session = make_session(theirs, starts_at=utcnow() + timedelta(days=3))
    observer = make_trainee(mine)
    login_as(observer.user)
    assert session.title not in client.get("/training/").get_data(as_text=True)
    assert client.post(f"/training/sessions/{session.id}/register").status_code == 404
