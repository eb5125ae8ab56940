from observe.extensions import db
from observe.observers.choices import Status
from observe.observers.models import Observer, StatusChange
from observe.training import services
from observe.training.models import QuizAttempt
from observe.training.services import AttendanceMark


def _row(rows, label):
    return next(row for row in rows if row["label"] == label)


def test_numbers_per_branch_and_session(app, client, login, make_branch, make_user,
                                        make_session, make_trainee, modules):
    from observe.training import stats

    north, south = make_branch(name="North"), make_branch(name="South")
    hq = make_user("hq")
    session = make_session(north, title="North basics")
    people = [make_trainee(north) for _ in range(4)] + [make_trainee(south)]
    services.invite(session, people, actor=hq)  # the South observer is not invitable: skipped
    for observer in people[:3]:
        services.register(session, observer)
    services.mark_attendance(session, [AttendanceMark(people[0].id, True, 90),
                                       AttendanceMark(people[1].id, False, 5)], actor=hq)
    for passed in (True, False):
        db.session.add(QuizAttempt(observer_id=people[0].id, module_id=modules[0].id,
                                   submitted_at=session.starts_at, score_percent=50,
                                   passed=passed))
    db.session.commit()

    by_branch = stats.by_branch(hq)
    assert {k: _row(by_branch, "North")[k] for k in
            ("invited", "registered", "attended", "attempts", "passed")} == {
        "invited": 4, "registered": 3, "attended": 1, "attempts": 2, "passed": 1}
    assert _row(by_branch, "North")["attendance_rate"] == 1 / 3
    assert _row(by_branch, "South")["registered"] == 0
    assert _row(by_branch, "South")["attendance_rate"] is None

    by_session = stats.by_session(hq)
    assert _row(by_session, "North basics")["registered"] == 3
    assert _row(by_session, "North basics")["pass_rate"] == 0.5

    coordinator = make_user("coordinator", branch=south)
    assert [row["label"] for row in stats.by_branch(coordinator)] == ["South"]
    login("coordinator", user=coordinator)
    page = client.get("/training/numbers?lang=en").get_data(as_text=True)
    assert "South" in page and "North basics" not in page


def test_certify_and_take_back_by_hand(client, login, make_branch, make_trainee):
    branch = make_branch()
    observer = make_trainee(branch)
    coordinator = login("coordinator", branch=branch)
    assert client.post(f"/training/observers/{observer.id}/certification",
                       data={"reason": "", "certify": "1"}).status_code == 302
    assert db.session.get(Observer, observer.id).status == Status.APPROVED.value

    client.post(f"/training/observers/{observer.id}/certification",
                data={"reason": "Trained at the 2023 elections", "certify": "1"})
    db.session.expire_all()
    assert db.session.get(Observer, observer.id).status == Status.CERTIFIED.value
    change = db.session.query(StatusChange).filter_by(
        observer_id=observer.id, to_status="certified").one()
    assert change.actor_id == coordinator.id and change.reason == "Trained at the 2023 elections"

    client.post(f"/training/observers/{observer.id}/certification",
                data={"reason": "Joined a party's campaign", "decertify": "1"})
    db.session.expire_all()
    assert db.session.get(Observer, observer.id).status == Status.APPROVED.value
    assert services.is_certified(db.session.get(Observer, observer.id)) is False


def test_certification_is_branch_scoped_and_role_checked(client, login, make_branch,
                                                        make_trainee):
    observer = make_trainee(make_branch())
    login("coordinator")  # of another branch
    assert client.post(f"/training/observers/{observer.id}/certification",
                       data={"reason": "x", "certify": "1"}).status_code == 404
    client.post("/logout")
    login("hq")
    assert client.post(f"/training/observers/{observer.id}/certification",
                       data={"reason": "x", "certify": "1"}).status_code == 403
