"""Triage through HTTP: the queue in the caller's region, its order and filters, a report's
page with the soft lock, the actions with their history and audit entries, checklist versions."""

import io
import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from observe.audit.models import AuditEntry
from observe.common.db import utcnow
from observe.extensions import db
from observe.reports import services
from observe.reports.models import ChecklistForm, Report
from tests.conftest import TEST_PASSWORD
from tests.reports.conftest import incident_data, new_id


def signed_in(app, user):
    """A client of its own for the user, reading English pages (picked before signing in)."""
    client = app.test_client()
    client.get("/login?lang=en")
    response = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return client


@pytest.fixture
def staff(app, make_user, polling_day):
    return {"coordinator": make_user("coordinator", branch=polling_day.own.branch),
            "other_coordinator": make_user("coordinator", branch=polling_day.other.branch),
            "hq": make_user("hq")}


def send_incident(side, **overrides):
    report, _ = services.submit_incident(incident_data(side.station, **overrides),
                                         actor=side.user)
    db.session.commit()
    return report


def queue_html(client, query="") -> str:
    response = client.get("/reports/triage" + query)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_coordinator_sees_their_region_and_hq_sees_all(app, polling_day, staff):
    own = send_incident(polling_day.own)
    other = send_incident(polling_day.other)
    coordinator = queue_html(signed_in(app, staff["coordinator"]))
    assert own.reference in coordinator and other.reference not in coordinator
    hq = queue_html(signed_in(app, staff["hq"]))
    assert own.reference in hq and other.reference in hq
    client = signed_in(app, staff["coordinator"])
    assert client.get(f"/reports/triage/{other.id}").status_code == 404
    assert client.post(f"/reports/triage/{other.id}",
                       data={"action": "verify"}).status_code == 404
    assert db.session.get(Report, other.id).status == "received"


def test_the_queue_puts_the_most_severe_and_newest_first(app, polling_day, staff):
    low = send_incident(polling_day.own, severity="low")
    old_critical = send_incident(polling_day.own, severity="critical")
    new_critical = send_incident(polling_day.own, severity="critical")
    medium = send_incident(polling_day.own, severity="medium")
    old_critical.received_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    html = queue_html(signed_in(app, staff["hq"]))
    positions = [html.index(f'data-reference="{r.reference}"')
                 for r in (new_critical, old_critical, medium, low)]
    assert positions == sorted(positions)


def test_problem_checklists_and_broken_protocols_join_the_queue(app, polling_day, staff):
    side = polling_day.own
    flagged, _ = services.submit_checklist(dict(
        uuid=new_id(), station_id=side.station.id, phase="opening",
        answers={"boxes_shown_empty_sealed": "no"}), actor=side.user)
    fine, _ = services.submit_checklist(dict(
        uuid=new_id(), station_id=side.station.id, phase="voting",
        answers={"voters_identified": "yes"}), actor=side.user)
    turnout, _ = services.submit_turnout(dict(uuid=new_id(), station_id=side.station.id,
                                              hour=10, voters=5), actor=side.user)
    db.session.commit()
    client = signed_in(app, staff["coordinator"])
    html = queue_html(client)
    assert flagged.reference in html
    assert fine.reference not in html and turnout.reference not in html
    page = client.get(f"/reports/triage/{flagged.id}?lang=en").get_data(as_text=True)
    assert "problem-answer" in page and "shown empty and sealed" in page


def test_the_queue_filters(app, polling_day, staff):
    stuffing = send_incident(polling_day.own, category="ballot_stuffing", severity="high")
    buying = send_incident(polling_day.own, category="vote_buying", severity="low")
    almaty = send_incident(polling_day.other, category="vote_buying", severity="low")
    buying.status = "verified"
    db.session.commit()
    client = signed_in(app, staff["hq"])

    def shown(query):
        html = queue_html(client, query)
        return {r.reference for r in (stuffing, buying, almaty) if r.reference in html}

    assert shown("?category=vote_buying") == {buying.reference, almaty.reference}
    assert shown("?severity=high") == {stuffing.reference}
    assert shown("?status=verified") == {buying.reference}
    assert shown("?region=almaty") == {almaty.reference}
    assert shown(f"?station={polling_day.own.station.number}") == {stuffing.reference,
                                                                   buying.reference}
    assert shown("?district=Kazybek+Bi+district&kind=incident") == {
        stuffing.reference, buying.reference, almaty.reference}
    assert shown(f"?election_id={polling_day.election.id}&since=2000-01-01T00:00") == {
        stuffing.reference, buying.reference, almaty.reference}
    assert shown("?until=2000-01-01T00:00") == set()
    assert shown("?election_id=999999999999999999999") == {
        stuffing.reference, buying.reference, almaty.reference}


def test_actions_change_the_status_write_history_and_audit(app, polling_day, staff):
    report = send_incident(polling_day.own)
    client = signed_in(app, staff["coordinator"])
    url = f"/reports/triage/{report.id}"
    refused = client.post(url, data={"action": "reject", "text": ""}, follow_redirects=True)
    assert "Give the reason." in refused.get_data(as_text=True)
    assert db.session.get(Report, report.id).status == "received"
    client.post(url, data={"action": "comment", "text": "Called the observer"})
    client.post(url, data={"action": "verify"})
    client.post(url, data={"action": "escalate", "text": "For the lawyers"})
    client.post(url, data={"action": "resolve"})
    db.session.expire_all()
    report = db.session.get(Report, report.id)
    assert report.status == "resolved"
    assert [(e.kind, e.actor_id) for e in report.events] == [
        ("comment", staff["coordinator"].id), ("verify", staff["coordinator"].id),
        ("escalate", staff["coordinator"].id), ("resolve", staff["coordinator"].id)]
    audited = db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.object_type == "report", AuditEntry.object_id == str(report.id),
        AuditEntry.actor_id == staff["coordinator"].id).order_by(AuditEntry.id)).all()
    assert audited == ["report.comment", "report.verify", "report.escalate", "report.resolve"]
    page = client.get(url).get_data(as_text=True)
    assert "Called the observer" in page and "For the lawyers" in page
    # A resolved report is not reopened by a stray click.
    again = client.post(url, data={"action": "verify"}, follow_redirects=True)
    assert "cannot be changed this way" in again.get_data(as_text=True)


def test_a_rejection_reaches_the_observers_receipt(app, polling_day, staff):
    report = send_incident(polling_day.own)
    client = signed_in(app, staff["hq"])
    client.post(f"/reports/triage/{report.id}",
                data={"action": "reject", "text": "The photo shows another station."})
    observer = signed_in(app, polling_day.own.user)
    receipt = observer.get(f"/reports/mine/{report.id}").get_data(as_text=True)
    assert 'data-status="rejected"' in receipt
    assert "The photo shows another station." in receipt


def test_two_reports_of_one_event(app, polling_day, staff):
    first = send_incident(polling_day.own)
    second = send_incident(polling_day.own)
    third = send_incident(polling_day.own)
    other_region = send_incident(polling_day.other)
    client = signed_in(app, staff["coordinator"])
    client.post(f"/reports/triage/{second.id}",
                data={"action": "duplicate", "duplicate_of": first.reference})
    # Pointing at a duplicate points at its original.
    client.post(f"/reports/triage/{third.id}",
                data={"action": "duplicate", "duplicate_of": second.reference})
    refused = client.post(f"/reports/triage/{first.id}", follow_redirects=True,
                          data={"action": "duplicate", "duplicate_of": other_region.reference})
    assert "Give the reference of the report it repeats." in refused.get_data(as_text=True)
    db.session.expire_all()
    assert (db.session.get(Report, second.id).duplicate_of_id,
            db.session.get(Report, third.id).duplicate_of_id) == (first.id, first.id)
    assert db.session.get(Report, second.id).status == "duplicate"
    assert db.session.get(Report, first.id).status == "received"
    page = client.get(f"/reports/triage/{second.id}").get_data(as_text=True)
    assert f"Same event as {first.reference}." in page


def test_the_soft_lock_shows_who_is_working_on_a_report(app, polling_day, staff):
    report = send_incident(polling_day.own)
    hq = signed_in(app, staff["hq"])
    coordinator = signed_in(app, staff["coordinator"])
    assert "soft-lock" not in hq.get(f"/reports/triage/{report.id}").get_data(as_text=True)
    seen = coordinator.get(f"/reports/triage/{report.id}").get_data(as_text=True)
    assert "soft-lock" in seen and staff["hq"].full_name in seen
    assert staff["hq"].full_name in queue_html(coordinator)
    # The lock times out ...
    db.session.get(Report, report.id).locked_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert "soft-lock" not in coordinator.get(
        f"/reports/triage/{report.id}").get_data(as_text=True)
    # ... and the holder can give it back.
    hq_again = hq.get(f"/reports/triage/{report.id}").get_data(as_text=True)
    assert staff["coordinator"].full_name in hq_again
    coordinator.post(f"/reports/triage/{report.id}/release")
    assert "soft-lock" not in hq.get(f"/reports/triage/{report.id}").get_data(as_text=True)


def test_hq_uploads_a_checklist_version(app, polling_day, staff):
    client = signed_in(app, staff["hq"])
    assert "kz-standard" in client.get("/reports/checklists").get_data(as_text=True)
    current = db.session.execute(select(ChecklistForm)).scalar_one()
    definition = client.get(f"/reports/checklists/{current.id}.json").get_json()
    definition["phases"]["opening"].append({"id": "ramp", "type": "yes_no",
                                            "text": {"en": "Is there a ramp?"}})
    response = client.post("/reports/checklists", follow_redirects=True, data={
        "definition": (io.BytesIO(json.dumps(definition).encode()), "kz.json")},
        content_type="multipart/form-data")
    assert "Version 2 of kz-standard" in response.get_data(as_text=True)
    bad = client.post("/reports/checklists", data={
        "definition": (io.BytesIO(b'{"code": "x", "phases": {}}'), "bad.json")},
        content_type="multipart/form-data")
    assert bad.status_code == 200
    assert "title: texts by language (ru, kk, en) are required." in bad.get_data(as_text=True)
    observer = signed_in(app, polling_day.own.user)
    page = observer.get(f"/reports/stations/{polling_day.own.station.id}/checklist/opening"
                        "?lang=en").get_data(as_text=True)
    assert "Is there a ramp?" in page and "version 2" in page
    coordinator = signed_in(app, staff["coordinator"])
    assert coordinator.get("/reports/checklists").status_code == 403
