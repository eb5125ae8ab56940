"""POST /checkins, /checklists, /turnout, /incidents, /protocols: 201 new, 200 on a retry with
the same client_uuid; refusals are 422 with the services' messages; evidence is multipart."""

import io
import uuid
from datetime import timedelta

import pytest

from observe.common.db import utcnow
from observe.extensions import db
from observe.reports.models import Evidence, Report
from tests.reports.conftest import JPEG, PDF


def new_id() -> str:
    return str(uuid.uuid4())


def incident_body(station, **overrides) -> dict:
    body = dict(client_uuid=new_id(), station_id=station.id, category="ballot_stuffing",
                severity="high", description="Two bundles of ballots put in the box.",
                occurred_at=(utcnow() - timedelta(minutes=5)).isoformat(),
                complaint_filed=True, complaint_number="17")
    body.update(overrides)
    return body


def bodies(day) -> dict:
    station = day.own.station
    votes = {str(c.id): 100 for c in day.contest.choices}
    return {
        "/checkins": dict(client_uuid=new_id(), station_id=station.id, latitude=49.8,
                          longitude=73.1, accuracy=12.5),
        "/checklists": dict(client_uuid=new_id(), station_id=station.id, phase="opening",
                            answers={}),
        "/turnout": dict(client_uuid=new_id(), station_id=station.id, hour=10, voters=120),
        "/incidents": incident_body(station),
        "/protocols": dict(client_uuid=new_id(), station_id=station.id,
                           contest_id=day.contest.id, voters_on_list=1000,
                           ballots_received=1000, ballots_issued=700, ballots_cancelled=300,
                           ballots_in_box=650, ballots_invalid=50, votes=votes),
    }


@pytest.fixture
def observer_api(api, polling_day):
    return api(polling_day.own.user)


def fill_checklist(client, body):
    """Answer the first question of the opening phase of the current checklist."""
    form = client.get("/forms").json["items"][0]
    question = form["definition"]["phases"]["opening"][0]
    answer = (question.get("options") or ["yes"])[0]
    if isinstance(answer, dict):
        answer = answer.get("value") or answer.get("code")
    body["answers"] = {question["id"]: answer}
    body["form_id"] = form["id"]


@pytest.mark.parametrize("path, kind", [("/checkins", "check_in"), ("/checklists", "checklist"),
                                        ("/turnout", "turnout"), ("/incidents", "incident"),
                                        ("/protocols", "protocol")])
def test_a_submission_is_stored_once_and_a_retry_gets_the_same_object(
        observer_api, polling_day, path, kind):
    body = bodies(polling_day)[path]
    if path == "/checklists":
        fill_checklist(observer_api, body)
    first = observer_api.post(path, json=body)
    assert first.status_code == 201, first.get_data(as_text=True)
    assert first.json["kind"] == kind and first.json["client_uuid"] == body["client_uuid"]
    assert first.json["received_at"].endswith("+05:00")
    again = observer_api.post(path, json=body)
    assert again.status_code == 200
    assert again.json == first.json
    assert db.session.query(Report).filter_by(uuid=body["client_uuid"]).count() == 1


def test_a_protocol_with_broken_arithmetic_is_flagged_not_refused(observer_api, polling_day):
    body = bodies(polling_day)["/protocols"] | {"ballots_in_box": 999}
    response = observer_api.post("/protocols", json=body)
    assert response.status_code == 201
    assert response.json["flagged"] is True and response.json["mismatches"]


def test_refusals_are_422_with_the_services_messages(observer_api, polling_day):
    station = polling_day.own.station
    # Beyond the registered voters: the turnout rule refuses it.
    response = observer_api.post("/turnout", json=dict(client_uuid=new_id(),
                                                       station_id=station.id, hour=10,
                                                       voters=5000))
    assert response.status_code == 422 and "voters" in response.json["error"]["fields"]
    # A station the observer is not assigned to.
    response = observer_api.post("/incidents", json=incident_body(polling_day.other.station))
    assert response.status_code == 422 and "station_id" in response.json["error"]["fields"]
    # A client_uuid that is not a UUID; a body that is not JSON; unknown fields.
    response = observer_api.post("/incidents", json=incident_body(station, client_uuid="x"))
    assert "client_uuid" in response.json["error"]["fields"]
    response = observer_api.post("/incidents", data="nope", content_type="text/plain")
    assert response.status_code == 422
    response = observer_api.post("/incidents", json=incident_body(station, extra=1))
    assert response.status_code == 422 and "extra" in response.json["error"]["fields"]
    # A time without an offset is refused: times carry their offset.
    response = observer_api.post("/incidents", json=incident_body(
        station, occurred_at="2026-03-15T10:00:00"))
    assert response.status_code == 422 and "occurred_at" in response.json["error"]["fields"]
    # A protocol of a contest of another region.
    body = bodies(polling_day)["/protocols"] | {"contest_id": polling_day.local_contest.id}
    response = observer_api.post("/protocols", json=body)
    assert response.status_code == 422 and "contest_id" in response.json["error"]["fields"]
    assert db.session.query(Report).count() == 0


def test_a_uuid_of_another_observer_is_not_handed_out(api, polling_day):
    body = incident_body(polling_day.own.station)
    assert api(polling_day.own.user).post("/incidents", json=body).status_code == 201
    other = api(polling_day.other.user)
    response = other.post("/incidents", json=body | {"station_id": polling_day.other.station.id})
    assert response.status_code == 422 and "client_uuid" in response.json["error"]["fields"]


@pytest.mark.parametrize("role", ["admin", "hq", "coordinator"])
def test_staff_may_not_submit(api, polling_day, role):
    body = incident_body(polling_day.own.station)
    assert api(role).post("/incidents", json=body).status_code == 403


def test_evidence_is_attached_once_to_ones_own_incident(observer_api, api, polling_day):
    incident = observer_api.post("/incidents", json=incident_body(polling_day.own.station)).json
    path = f"/incidents/{incident['id']}/evidence"

    def send(*files):
        return observer_api.post(path, data={"file": [(io.BytesIO(c), n) for c, n in files]},
                                 content_type="multipart/form-data")

    response = send((JPEG, "photo.jpg"), (PDF, "act.pdf"))
    assert response.status_code == 201, response.get_data(as_text=True)
    assert [e["kind"] for e in response.json["items"]] == ["photo", "pdf"]
    again = send((JPEG, "photo.jpg"))
    assert again.status_code == 200 and len(again.json["items"]) == 2
    assert db.session.query(Evidence).count() == 2
    # Not a photo, video or PDF.
    response = send((b"hello", "note.txt"))
    assert response.status_code == 422
    assert {"evidence", "file"} & set(response.json["error"]["fields"])  # the service's field
    # Nothing attached.
    assert observer_api.post(path, data={}, content_type="multipart/form-data"
                             ).status_code == 422
    # Someone else's incident, or one that does not exist: 404.
    other = api(polling_day.other.user)
    assert other.post(path, data={"file": (io.BytesIO(JPEG), "p.jpg")},
                      content_type="multipart/form-data").status_code == 404
    assert observer_api.post("/incidents/999999/evidence", data={
        "file": (io.BytesIO(JPEG), "p.jpg")}, content_type="multipart/form-data"
    ).status_code == 404


def test_a_too_large_upload_is_413(app, observer_api, polling_day, monkeypatch):
    incident = observer_api.post("/incidents", json=incident_body(polling_day.own.station)).json
    path = f"/incidents/{incident['id']}/evidence"
    monkeypatch.setitem(app.config, "EVIDENCE_MAX_MB", 1)
    big = JPEG + b"\0" * (1024 * 1024)
    response = observer_api.post(path, data={"file": (io.BytesIO(big), "big.jpg")},
                                 content_type="multipart/form-data")
    assert response.status_code == 413 and response.json["error"]["code"] == "too_large"
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 100_000)
    response = observer_api.post(path, data={"file": (io.BytesIO(big), "big.jpg")},
                                 content_type="multipart/form-data")
    assert response.status_code == 413 and response.json["error"]["code"] == "too_large"
    assert db.session.query(Evidence).count() == 0
