"""Certification agrees with the rule after attendance changes; hand certifications stay."""

from sqlalchemy import select

from observe.audit.models import AuditEntry
from observe.extensions import db
from observe.observers.choices import Status
from observe.observers.models import Observer, StatusChange
from observe.training import services
from observe.training.models import Certification


def _status(observer) -> str:
    db.session.expire_all()
    return db.session.get(Observer, observer.id).status


def _mark(client, session, observer, value: str):
    response = client.post(f"/training/sessions/{session.id}/attendance",
                           data={f"observer_{observer.id}": value, "save": "Save"})
    assert response.status_code == 302


def test_taking_attendance_back_takes_back_the_rules_certification(
        client, login_as, make_user, make_branch, make_session, make_trainee):
    branch = make_branch()
    session = make_session(branch)  # every module, no quiz questions: attendance is enough
    observer = make_trainee(branch)
    services.register(session, observer)
    db.session.commit()
    coordinator = login_as(make_user("coordinator", branch=branch))

    _mark(client, session, observer, "1")
    assert _status(observer) == Status.CERTIFIED.value
    assert db.session.execute(select(Certification.method)).scalar_one() == "rule"

    _mark(client, session, observer, "0")  # the mark was a mistake
    assert _status(observer) == Status.APPROVED.value
    back = db.session.execute(select(StatusChange).where(
        StatusChange.observer_id == observer.id, StatusChange.to_status == "approved",
        StatusChange.from_status == "certified")).scalar_one()
    assert back.actor_id == coordinator.id and back.reason
    assert db.session.execute(select(AuditEntry).where(
        AuditEntry.action == "observer.decertify_by_rule")).scalar_one()
    assert db.session.execute(select(Certification)).first() is None

    login_as(observer.user)
    page = client.get("/training/?lang=en").get_data(as_text=True)
    assert "session not attended" in page
    assert "You are certified" not in page


def test_a_hand_certification_stays_and_says_so(client, login_as, make_user, make_branch,
                                                make_session, make_trainee):
    branch = make_branch()
    session = make_session(branch)
    observer = make_trainee(branch)
    services.register(session, observer)
    db.session.commit()
    login_as(make_user("coordinator", branch=branch))
    client.post(f"/training/observers/{observer.id}/certification",
                data={"reason": "Наблюдал на выборах 2023 года", "certify": "1"})
    assert _status(observer) == Status.CERTIFIED.value

    _mark(client, session, observer, "0")
    assert _status(observer) == Status.CERTIFIED.value
    entry = db.session.execute(select(Certification)).scalar_one()
    assert (entry.method, entry.reason) == ("hand", "Наблюдал на выборах 2023 года")

    login_as(observer.user)
    page = client.get("/training/?lang=en").get_data(as_text=True)
    assert "session not attended" in page
    assert "You are certified" not in page
    assert "Your coordinator has certified you" in page


def test_cancelling_a_session_takes_back_what_it_certified(app, make_user, make_branch,
                                                           make_session, make_trainee):
    branch = make_branch()
    hq = make_user("hq")
    session = make_session(branch)
    observer = make_trainee(branch)
    services.register(session, observer)
    result = services.mark_attendance(session, [services.AttendanceMark(observer.id, True)],
                                      actor=hq)
    assert result.certified == [observer.id]
    services.cancel_session(session, "Зал закрыт на ремонт", actor=hq)
    db.session.commit()
    assert _status(observer) == Status.APPROVED.value


def test_an_observer_certified_by_the_rule_is_told_so(client, login_as, make_user, make_branch,
                                                      make_session, make_trainee):
    branch = make_branch()
    session = make_session(branch)
    observer = make_trainee(branch)
    services.register(session, observer)
    services.mark_attendance(session, [services.AttendanceMark(observer.id, True)],
                             actor=make_user("hq"))
    db.session.commit()
    login_as(observer.user)
    page = client.get("/training/?lang=en").get_data(as_text=True)
    assert "You are certified" in page and "session not attended" not in page
