"""The submission path written for speed (one INSERT ... ON CONFLICT with its audit entry, the
observer loaded with the token, no ping before a checkout) keeps its guarantees: one row per
client_uuid even for concurrent retries, the stored object on a retry, scope, audit, 403s."""

import threading
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from observe.audit.models import AuditEntry
from observe.common.db import utcnow
from observe.extensions import db
from observe.reports.models import Incident, Report
from tests.statements import statements_sent


def incident_body(station, **overrides) -> dict:
    body = dict(client_uuid=str(uuid.uuid4()), station_id=station.id,
                category="ballot_stuffing", severity="high",
                description="Two bundles of ballots put in the box.",
                occurred_at=(utcnow() - timedelta(minutes=5)).isoformat())
    body.update(overrides)
    return body


def audit_of(action: str) -> list:
    return db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)
                              .order_by(AuditEntry.id)).all()


@pytest.fixture
def observer_api(api, polling_day):
    return api(polling_day.own.user)


def test_a_new_incident_is_answered_whole_and_audited_once(observer_api, polling_day):
    own = polling_day.own
    body = incident_body(own.station, complaint_filed=True, complaint_number="17")
    response = observer_api.post("/incidents", json=body)
    assert response.status_code == 201, response.get_data(as_text=True)
    answer = response.json
    assert answer["reference"] == f"I-{answer['id']}" and answer["status"] == "received"
    assert (answer["station"]["number"], answer["observer"]["id"]) == (
        own.station.number, own.observer.id)
    assert answer["evidence"] == [] and answer["complaint_number"] == "17"
    assert answer["flagged"] is False and answer["severity"] == "high"
    # As stored, read back apart from the request.
    db.session.expire_all()
    stored = db.session.get(Incident, answer["id"])
    assert (stored.uuid, stored.observer_id, stored.submitted_by_id, stored.status) == (
        body["client_uuid"], own.observer.id, own.user.id, "received")
    assert observer_api.get(f"/incidents/{answer['id']}").json["description"] == \
        body["description"]
    [entry] = audit_of("report.incident")
    assert (entry.actor_id, entry.actor_label, entry.object_type, entry.object_id) == (
        own.user.id, own.user.email, "report", str(answer["id"]))
    assert entry.summary == f"I-{answer['id']} · {own.station.number}"
    assert entry.ip_address == "127.0.0.1"


def test_a_retry_answers_200_with_the_stored_object_and_writes_nothing(observer_api,
                                                                      polling_day):
    body = incident_body(polling_day.own.station)
    first = observer_api.post("/incidents", json=body)
    assert first.status_code == 201
    again = observer_api.post("/incidents", json=body | {"description": "Changed on resend."})
    assert again.status_code == 200 and again.json == first.json
    assert db.session.scalar(select(func.count()).select_from(Report)) == 1
    assert len(audit_of("report.incident")) == 1


def test_a_turnout_retry_is_answered_after_a_later_figure_came_in(observer_api, polling_day):
    """The UUID is no longer looked up before the rules run: a retry the rules would now refuse
    (a later, higher figure is stored) still gets its stored report."""
    station = polling_day.own.station
    body = dict(client_uuid=str(uuid.uuid4()), station_id=station.id, hour=10, voters=120)
    first = observer_api.post("/turnout", json=body)
    assert first.status_code == 201
    later = observer_api.post("/turnout", json=dict(client_uuid=str(uuid.uuid4()),
                                                    station_id=station.id, hour=12,
                                                    voters=300))
    assert later.status_code == 201
    again = observer_api.post("/turnout", json=body)
    assert again.status_code == 200 and again.json == first.json


def test_an_observer_may_not_report_for_another_observers_station(api, polling_day):
    own_api = api(polling_day.own.user)
    response = own_api.post("/incidents", json=incident_body(polling_day.other.station))
    assert response.status_code == 422
    assert "station_id" in response.json["error"]["fields"]
    # Nor for a station of theirs once the assignment is withdrawn.
    polling_day.own.assignment.status = "withdrawn"
    db.session.commit()
    response = own_api.post("/incidents", json=incident_body(polling_day.own.station))
    assert response.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(Report)) == 0
    assert audit_of("report.incident") == []


def test_an_observer_account_without_its_record_gets_403(api, make_user, polling_day):
    lone = api(make_user("observer"))
    assert lone.post("/incidents", json=incident_body(polling_day.own.station)
                     ).status_code == 403


def test_a_dead_pooled_connection_is_retried_once_at_the_token_lookup(observer_api,
                                                                     polling_day,
                                                                     monkeypatch):
    """No ping before each checkout: the first statement of an API request is run again on a
    fresh connection when the pooled one turns out dead (the database restarted)."""
    from observe.auth import services as auth_services

    real, calls = auth_services.api_caller, []

    def dead_once(token):
        calls.append(token)
        if len(calls) == 1:
            raise OperationalError("SELECT", {}, Exception("server closed the connection"),
                                   connection_invalidated=True)
        return real(token)

    monkeypatch.setattr(auth_services, "api_caller", dead_once)
    response = observer_api.post("/checkins", json=dict(
        client_uuid=str(uuid.uuid4()), station_id=polling_day.own.station.id))
    assert response.status_code == 201 and len(calls) == 2


def test_a_dead_pooled_connection_is_retried_once_at_the_one_statement_incident(
        observer_api, polling_day, monkeypatch):
    """POST /incidents' first statement is the whole submission: it too is run again once."""
    from observe.reports import token_holders

    real, calls = token_holders.submit_incident, []

    def dead_once(data, **kwargs):
        calls.append(data)
        if len(calls) == 1:
            raise OperationalError("INSERT", {}, Exception("server closed the connection"),
                                   connection_invalidated=True)
        return real(data, **kwargs)

    monkeypatch.setattr(token_holders, "submit_incident", dead_once)
    response = observer_api.post("/incidents", json=incident_body(polling_day.own.station))
    assert response.status_code == 201 and len(calls) == 2
    assert db.session.scalar(select(func.count()).select_from(Report)) == 1


@pytest.mark.postgres_only
def test_concurrent_retries_over_http_store_one_row(app, api, polling_day):
    """Eight copies of one submission at once (a phone resending on a bad network): one 201,
    the others 200 with the same object, one row and one audit entry."""
    body = incident_body(polling_day.own.station)
    clients = [api(polling_day.own.user) for _ in range(8)]
    barrier = threading.Barrier(len(clients))
    answers: list = []

    def send(client) -> None:
        with app.app_context():
            barrier.wait()
            response = client.post("/incidents", json=body)
            answers.append((response.status_code, response.get_json()))
            db.session.remove()

    threads = [threading.Thread(target=send, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(status for status, _ in answers) == [200] * 7 + [201], answers
    assert len({answer["id"] for _, answer in answers}) == 1
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Report).where(
        Report.uuid == body["client_uuid"])) == 1
    assert len(audit_of("report.incident")) == 1


# --- POST /incidents in one statement (PostgreSQL) ---------------------------------------------

@pytest.mark.postgres_only
def test_a_new_incident_is_one_statement_on_postgresql(observer_api, polling_day):
    body = incident_body(polling_day.own.station)
    with statements_sent() as statements:
        response = observer_api.post("/incidents", json=body)
    assert response.status_code == 201
    [statement] = statements
    assert statement.startswith("WITH scope AS")
    assert response.headers["Cache-Control"] == "no-store, private"  # the caller's own data


def _ordinary_path(monkeypatch):
    from observe.reports import token_holders

    monkeypatch.setattr(token_holders, "submit_incident", lambda data, **kw: None)


def _stored(answer_id: int) -> dict:
    db.session.expire_all()
    incident = db.session.get(Incident, answer_id)
    [entry] = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "report.incident", AuditEntry.object_id == str(answer_id))).all()
    report_columns = {c.key: getattr(incident, c.key) for c in Report.__table__.columns
                      if c.key not in ("id", "uuid", "occurred_at", "received_at", "updated_at")}
    detail_columns = {c.key: getattr(incident, c.key) for c in Incident.__table__.columns
                      if c.key != "id"}
    audit_columns = {c.key: getattr(entry, c.key) for c in AuditEntry.__table__.columns
                     if c.key not in ("id", "occurred_at", "object_id", "summary")}
    return {**report_columns, **detail_columns, **audit_columns,
            "summary": entry.summary.replace(f"I-{answer_id} ", "I-ID ", 1)}


def test_the_one_statement_stores_and_answers_what_the_ordinary_path_does(
        observer_api, polling_day, monkeypatch):
    """Whichever path stores it (on SQLite both answers come from the ordinary one), the rows,
    the audit entry and the answer are the same."""
    body = dict(complaint_filed=True, complaint_number="A-17", people_involved="A member")
    fast = observer_api.post("/incidents", json=incident_body(polling_day.own.station, **body))
    _ordinary_path(monkeypatch)
    ordinary = observer_api.post("/incidents", json=incident_body(polling_day.own.station,
                                                                  **body))
    assert (fast.status_code, ordinary.status_code) == (201, 201)
    assert _stored(fast.json["id"]) == _stored(ordinary.json["id"])
    varying = {"id", "reference", "client_uuid", "occurred_at", "received_at"}
    assert {k: v for k, v in fast.json.items() if k not in varying} == \
        {k: v for k, v in ordinary.json.items() if k not in varying}


def test_the_answer_speaks_the_token_holders_language(observer_api, polling_day):
    polling_day.own.user.locale = "kk"
    db.session.commit()
    kazakh = observer_api.post("/incidents", json=incident_body(polling_day.own.station)).json
    polling_day.own.user.locale = "en"
    db.session.commit()
    english = observer_api.post("/incidents", json=incident_body(polling_day.own.station)).json
    assert english["category_label"] == "Ballot stuffing"
    assert kazakh["category_label"] not in ("Ballot stuffing", "ballot_stuffing")


def test_the_token_use_is_recorded_by_the_one_statement_too(observer_api, polling_day):
    from observe.auth.models import ApiToken

    api_token = db.session.query(ApiToken).filter_by(user_id=polling_day.own.user.id).one()
    assert api_token.last_used_at is None
    before = utcnow().replace(microsecond=0)
    assert observer_api.post("/incidents", json=incident_body(polling_day.own.station)
                             ).status_code == 201
    db.session.expire_all()
    assert db.session.get(ApiToken, api_token.id).last_used_at >= before


@pytest.mark.parametrize("change, status", [
    ("revoked", 401), ("deactivated", 401), ("withdrawn", 422), ("closed", 422),
    ("planning", 422)])
def test_what_the_one_statement_may_not_store_is_refused_as_before(
        app, observer_api, polling_day, change, status, monkeypatch):
    """Each condition of the statement: nothing stored, and the ordinary path's answer."""
    from observe.auth import services as auth_services
    from observe.auth.models import ApiToken

    own = polling_day.own
    if change == "revoked":
        db.session.query(ApiToken).filter_by(user_id=own.user.id).one().revoked_at = utcnow()
    elif change == "deactivated":
        auth_services.set_active(own.user, False)
    elif change == "withdrawn":
        own.assignment.status = "withdrawn"
    else:
        own.station.election.status = change
        monkeypatch.setitem(app.config, "REPORTS_ALLOW_PLANNING", False)
    db.session.commit()
    response = observer_api.post("/incidents", json=incident_body(own.station))
    assert response.status_code == status, response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Report)) == 0
    assert audit_of("report.incident") == []


def test_a_bad_token_with_a_bad_body_is_still_401(client, polling_day):
    response = client.post("/api/v1/incidents", json={"station_id": "x"},
                           headers={"Authorization": "Bearer obs_nope"})
    assert response.status_code == 401
