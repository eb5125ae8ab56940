"""The submit services: scope, validation, idempotency by UUID, evidence, checklist versions."""

import json
import threading
from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from observe.common.db import utcnow
from observe.common.errors import DomainError
from observe.extensions import db
from observe.reports import services
from observe.reports.models import ChecklistForm, Evidence, Incident, Report
from tests.reports.conftest import JPEG, PDF, incident_data, new_id, protocol_data, upload


def count(model=Report) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_an_incident_is_stored_with_everything_it_says(polling_day):
    own = polling_day.own
    incident, created = services.submit_incident(
        incident_data(own.station), actor=own.user, uploads=[upload(), upload(PDF, "c.pdf")])
    db.session.commit()
    assert created
    assert (incident.category, incident.severity, incident.status) == (
        "ballot_stuffing", "high", "received")
    assert incident.complaint_filed and incident.complaint_number == "17"
    assert incident.reference == f"I-{incident.id}"
    assert [e.kind for e in incident.evidence] == ["photo", "pdf"]
    assert len(incident.evidence[0].sha256) == 64


def test_a_retry_with_the_same_uuid_returns_the_stored_report(polling_day):
    own = polling_day.own
    data = incident_data(own.station)
    first, created = services.submit_incident(data, actor=own.user, uploads=[upload()])
    db.session.commit()
    again, created_again = services.submit_incident(dict(data, description="changed"),
                                                    actor=own.user, uploads=[upload()])
    db.session.commit()
    assert (created, created_again) == (True, False)
    assert again.id == first.id and again.description == first.description
    assert count() == 1
    assert count(Evidence) == 1  # the same photo sent again is kept once


def test_a_uuid_of_another_observer_is_refused_not_disclosed(polling_day):
    data = incident_data(polling_day.own.station)
    services.submit_incident(data, actor=polling_day.own.user)
    db.session.commit()
    with pytest.raises(DomainError) as error:
        services.submit_incident(dict(data, station_id=polling_day.other.station.id),
                                 actor=polling_day.other.user)
    assert "already used" in error.value.message


def test_only_stations_of_ones_active_assignments(polling_day):
    own = polling_day.own
    for station in (polling_day.other.station, polling_day.spare_station):
        with pytest.raises(DomainError, match="no active assignment"):
            services.submit_incident(incident_data(station), actor=own.user)
    own.assignment.status = "withdrawn"
    db.session.commit()
    with pytest.raises(DomainError, match="no active assignment"):
        services.submit_incident(incident_data(own.station), actor=own.user)


def test_planning_elections_take_reports_only_in_practice(app, polling_day):
    polling_day.election.status = "planning"
    db.session.commit()
    app.config["REPORTS_ALLOW_PLANNING"] = False
    try:
        with pytest.raises(DomainError, match="does not take reports"):
            services.submit_incident(incident_data(polling_day.own.station),
                                     actor=polling_day.own.user)
    finally:
        del app.config["REPORTS_ALLOW_PLANNING"]
    # Outside production (demo, testing) a planning election is open for practice.
    assert services.submit_incident(incident_data(polling_day.own.station),
                                    actor=polling_day.own.user)[1]
    polling_day.election.status = "closed"
    db.session.commit()
    with pytest.raises(DomainError, match="does not take reports"):
        services.submit_incident(incident_data(polling_day.own.station),
                                 actor=polling_day.own.user)


def test_incident_fields_are_checked(polling_day):
    with pytest.raises(DomainError) as error:
        services.submit_incident(incident_data(polling_day.own.station, category="nope",
                                               severity="", description=" ",
                                               occurred_at=None), actor=polling_day.own.user)
    assert set(error.value.fields) == {"category", "severity", "description", "occurred_at"}
    with pytest.raises(DomainError, match="future"):
        services.submit_incident(incident_data(
            polling_day.own.station, occurred_at=utcnow() + timedelta(hours=2)),
            actor=polling_day.own.user)
    with pytest.raises(DomainError, match="valid id"):
        services.submit_incident(incident_data(polling_day.own.station, uuid="x"),
                                 actor=polling_day.own.user)


def test_evidence_type_is_checked_from_the_content(app, polling_day):
    with pytest.raises(DomainError, match=r"does not match its name \(.jpg\)"):
        services.submit_incident(incident_data(polling_day.own.station),
                                 actor=polling_day.own.user,
                                 uploads=[upload(b"MZ\x90\x00 windows exe", "photo.jpg")])
    db.session.rollback()
    with pytest.raises(DomainError, match="Upload a file of one of these types"):
        services.submit_incident(incident_data(polling_day.own.station),
                                 actor=polling_day.own.user,
                                 uploads=[upload(b"MZ\x90\x00 windows exe", "setup.exe")])
    db.session.rollback()
    app.config["EVIDENCE_MAX_MB"] = 1
    try:
        with pytest.raises(DomainError, match="larger than 1 MB"):
            services.submit_incident(incident_data(polling_day.own.station),
                                     actor=polling_day.own.user,
                                     uploads=[upload(JPEG + b"x" * 1024 * 1024)])
    finally:
        del app.config["EVIDENCE_MAX_MB"]


def test_evidence_added_later_by_its_observer_only(polling_day):
    incident, _ = services.submit_incident(incident_data(polling_day.own.station),
                                           actor=polling_day.own.user)
    added = services.add_evidence(incident, [upload(PDF, "complaint.pdf")],
                                  actor=polling_day.own.user)
    assert [e.kind for e in added] == ["pdf"]
    with pytest.raises(DomainError, match="Only the observer"):
        services.add_evidence(incident, [upload()], actor=polling_day.other.user)


def test_check_in_keeps_the_time_and_the_location_when_given(polling_day):
    own = polling_day.own
    with_location, _ = services.submit_check_in(
        dict(uuid=new_id(), station_id=own.station.id, latitude="49.8", longitude="73.1",
             accuracy="12"), actor=own.user)
    without, _ = services.submit_check_in(dict(uuid=new_id(), station_id=own.station.id),
                                          actor=own.user)
    assert (with_location.latitude, with_location.longitude) == (49.8, 73.1)
    assert without.latitude is None and without.occurred_at is not None
    assert with_location.reference.startswith("A-")


def test_turnout_is_refused_above_the_register_or_below_the_earlier_figure(polling_day):
    own = polling_day.own
    submit = services.submit_turnout
    assert submit(dict(uuid=new_id(), station_id=own.station.id, hour=10, voters=150),
                  actor=own.user)[0].voters == 150
    with pytest.raises(DomainError) as error:
        submit(dict(uuid=new_id(), station_id=own.station.id, hour=12, voters=100),
               actor=own.user)
    assert error.value.fields == {"voters": [
        "100 is less than the 150 already reported for 10:00."]}
    with pytest.raises(DomainError, match="more than the 1000 voters registered"):
        submit(dict(uuid=new_id(), station_id=own.station.id, hour=12, voters=1001),
               actor=own.user)
    # The other observer's station keeps its own figures.
    assert submit(dict(uuid=new_id(), station_id=polling_day.other.station.id, hour=12,
                       voters=10), actor=polling_day.other.user)[1]


def test_checklist_answers_record_the_version_and_the_problems(polling_day):
    own = polling_day.own
    response, _ = services.submit_checklist(dict(
        uuid=new_id(), station_id=own.station.id, phase="opening",
        answers={"boxes_shown_empty_sealed": "no", "video_working": "yes",
                 "ballots_received": "1000"}), actor=own.user)
    assert response.form_version == 1
    assert response.answers == {"boxes_shown_empty_sealed": "no", "video_working": "yes",
                                "ballots_received": 1000}
    assert response.problems == ["boxes_shown_empty_sealed"]
    assert response.flagged and response.severity == "critical"
    with pytest.raises(DomainError, match="at least one"):
        services.submit_checklist(dict(uuid=new_id(), station_id=own.station.id,
                                       phase="voting", answers={}), actor=own.user)


def test_an_uploaded_definition_becomes_the_next_version(polling_day):
    admin = polling_day.own.user  # the service leaves who may upload to the view
    first = services.ensure_default_checklist()
    definition = dict(first.definition)
    definition["phases"] = {"opening": [
        {"id": "doors_open", "type": "yes_no", "text": {"en": "Doors open?"},
         "problem_if": {"equals": "no"}}]}
    second = services.upload_checklist_definition(json.dumps(definition), actor=admin)
    assert (second.code, second.version) == (first.code, 2)
    assert services.current_checklist().id == second.id
    response, _ = services.submit_checklist(dict(
        uuid=new_id(), station_id=polling_day.own.station.id, phase="opening",
        answers={"doors_open": "no"}), actor=polling_day.own.user)
    assert (response.form_version, response.problems) == (2, ["doors_open"])
    with pytest.raises(DomainError) as error:
        services.upload_checklist_definition('{"code": ""}', actor=admin)
    assert "code: a text of 1 to 64 characters is required." in error.value.fields["definition"]
    with pytest.raises(DomainError, match="not valid JSON"):
        services.upload_checklist_definition("{", actor=admin)
    assert count(ChecklistForm) == 2


def test_protocol_arithmetic_is_flagged_not_refused(polling_day):
    own = polling_day.own
    good, _ = services.submit_protocol(protocol_data(own.station, polling_day.contest),
                                       actor=own.user, uploads=[upload()])
    assert good.mismatches == [] and not good.flagged
    assert sorted(v.votes for v in good.votes) == [100, 200, 300]
    assert good.evidence[0].kind == "photo"
    bad, _ = services.submit_protocol(protocol_data(own.station, polling_day.contest,
                                                    ballots_in_box=700),
                                      actor=own.user)
    assert bad.mismatches == ["box_balance"] and bad.flagged


def test_protocol_refuses_missing_figures_and_foreign_contests(polling_day):
    own = polling_day.own
    with pytest.raises(DomainError) as error:
        services.submit_protocol(protocol_data(own.station, polling_day.contest,
                                               ballots_invalid="", votes={}), actor=own.user)
    assert "ballots_invalid" in error.value.fields
    assert f"votes_{polling_day.contest.choices[0].id}" in error.value.fields
    with pytest.raises(DomainError, match="contest of this station"):
        services.submit_protocol(protocol_data(own.station, polling_day.local_contest),
                                 actor=own.user)


# SQLite takes one writer at a time, so two retries cannot overlap there; the replay itself is
# tested on both backends above.
@pytest.mark.postgres_only
def test_two_concurrent_retries_store_one_report(app, polling_day):
    user_id, station_id = polling_day.own.user.id, polling_day.own.station.id
    data = incident_data(polling_day.own.station)
    barrier = threading.Barrier(2)
    results: list = []

    def send() -> None:
        from observe.auth.models import User

        with app.app_context(), force_locale("en"):
            user = db.session.get(User, user_id)
            payload = dict(data, station_id=station_id)
            barrier.wait()
            try:
                report, created = services.submit_incident(payload, actor=user)
                db.session.commit()
                results.append((report.id, created))
            except Exception as error:  # noqa: BLE001 -- reported by the assertion below
                db.session.rollback()
                results.append(("error", repr(error)))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert len(results) == 2, results
    assert sorted(created for _, created in results) == [False, True], results
    assert results[0][0] == results[1][0]
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Incident)) == 1


def test_a_retry_stopped_by_the_unique_uuid_writes_nothing(polling_day):
    """The UUID is not looked up before the INSERT: the INSERT skips a taken one (ON CONFLICT DO
    NOTHING); the stored report comes back, and neither a row nor an audit entry is added."""
    from observe.audit.models import AuditEntry

    own = polling_day.own
    data = incident_data(own.station)
    first, _ = services.submit_incident(data, actor=own.user)
    db.session.commit()
    again, created = services.submit_incident(dict(data, severity="low"), actor=own.user)
    db.session.commit()
    assert (again.id, created, again.severity) == (first.id, False, first.severity)
    assert count() == 1 and count(Incident) == 1
    entries = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "report.incident")).all()
    assert [(e.object_id, e.summary, e.actor_id) for e in entries] == [
        (str(first.id), f"I-{first.id} · {own.station.number}", own.user.id)]
