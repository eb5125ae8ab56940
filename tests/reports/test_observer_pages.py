"""The observer's polling-day pages through HTTP: scope, receipts, retries, evidence."""

import io
import re
import uuid

import pytest
from sqlalchemy import func, select

from observe.extensions import db
from observe.reports.models import CheckIn, Evidence, Incident, ProtocolCopy, Report
from tests.reports.conftest import JPEG, PDF


@pytest.fixture
def observer_client(client, login, polling_day):
    login(user=polling_day.own.user)
    return client


def reports() -> int:
    return db.session.scalar(select(func.count()).select_from(Report))


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status
    return response.get_data(as_text=True)


def test_the_hub_shows_the_observers_station_only(observer_client, polling_day):
    html = page(observer_client, "/reports/")
    assert f"Station {polling_day.own.station.number}" in html
    assert f"/reports/stations/{polling_day.own.station.id}/check-in" in html
    assert f"/reports/stations/{polling_day.other.station.id}/" not in html
    # The Almaty maslikhat is not copied at a Karaganda station.
    assert f"/protocol/{polling_day.contest.id}" in html
    assert f"/protocol/{polling_day.local_contest.id}" not in html


@pytest.mark.parametrize("path", ["check-in", "checklist/opening", "turnout", "incident",
                                  "protocol/{contest}"])
def test_other_stations_are_not_found(observer_client, polling_day, path):
    for station in (polling_day.other.station, polling_day.spare_station):
        url = f"/reports/stations/{station.id}/" + path.format(contest=polling_day.contest.id)
        assert observer_client.get(url).status_code == 404
        assert observer_client.post(url, data={"uuid": str(uuid.uuid4())}).status_code == 404
    assert reports() == 0


def test_unknown_phase_and_foreign_contest_are_not_found(observer_client, polling_day):
    station = polling_day.own.station.id
    assert observer_client.get(f"/reports/stations/{station}/checklist/lunch").status_code == 404
    assert observer_client.get(
        f"/reports/stations/{station}/protocol/{polling_day.local_contest.id}").status_code == 404


def test_check_in_shows_a_receipt_and_a_resend_is_stored_once(observer_client, polling_day):
    url = f"/reports/stations/{polling_day.own.station.id}/check-in"
    html = page(observer_client, url)
    sent_id = re.search(r'name="uuid" type="hidden" value="([0-9a-f-]{36})"', html).group(1)
    data = {"uuid": sent_id, "latitude": "49.80", "longitude": "73.10", "accuracy": "20"}
    first = observer_client.post(url, data=data, follow_redirects=True)
    receipt = first.get_data(as_text=True)
    assert "Received at" in receipt and "Reference" in receipt
    check_in = db.session.execute(select(CheckIn)).scalar_one()
    assert check_in.reference in receipt and check_in.uuid == sent_id
    again = observer_client.post(url, data=data, follow_redirects=True)
    assert "Already received at" in again.get_data(as_text=True)
    assert reports() == 1


def test_the_check_in_page_may_ask_for_the_location_others_may_not(observer_client,
                                                                   polling_day):
    station = polling_day.own.station.id
    check_in = observer_client.get(f"/reports/stations/{station}/check-in")
    assert "geolocation=(self)" in check_in.headers["Permissions-Policy"]
    incident = observer_client.get(f"/reports/stations/{station}/incident")
    assert "geolocation=()" in incident.headers["Permissions-Policy"]


def test_checklist_answers_are_stored_with_the_version(observer_client, polling_day):
    url = f"/reports/stations/{polling_day.own.station.id}/checklist/count"
    assert "counted aloud, one by one" in page(observer_client, url + "?lang=en")
    assert "дауыстап, бір-бірлеп" in page(observer_client, url + "?lang=kk")
    response = observer_client.post(url + "?lang=en", data={
        "uuid": str(uuid.uuid4()), "q_counted_aloud": "no", "q_protocol_posted": "yes",
        "q_count_remarks": "Counted in silence"}, follow_redirects=True)
    assert "Received at" in response.get_data(as_text=True)
    stored = db.session.execute(select(Report)).scalar_one()
    assert stored.answers == {"counted_aloud": "no", "protocol_posted": "yes",
                              "count_remarks": "Counted in silence"}
    assert stored.problems == ["counted_aloud"] and stored.form_version == 1
    assert "✓" in page(observer_client, "/reports/")


def test_turnout_refusal_is_shown_on_the_form(observer_client, polling_day):
    url = f"/reports/stations/{polling_day.own.station.id}/turnout"
    observer_client.post(url, data={"uuid": str(uuid.uuid4()), "hour": "10", "voters": "200"})
    response = observer_client.post(url, data={"uuid": str(uuid.uuid4()), "hour": "12",
                                               "voters": "150"})
    assert response.status_code == 200
    assert "150 is less than the 200 already reported for 10:00." in \
        response.get_data(as_text=True)
    response = observer_client.post(url, data={"uuid": str(uuid.uuid4()), "hour": "12",
                                               "voters": "5000"})
    assert "more than the 1000 voters registered" in response.get_data(as_text=True)
    assert reports() == 1


def test_an_incident_with_evidence_and_later_evidence(observer_client, polling_day):
    url = f"/reports/stations/{polling_day.own.station.id}/incident"
    data = {"uuid": str(uuid.uuid4()), "category": "vote_buying", "severity": "critical",
            "occurred_at": "00:01", "description": "Money for votes at the entrance",
            "people_involved": "", "complaint_filed": "y", "complaint_number": "A-5",
            "evidence": [(io.BytesIO(JPEG), "photo.jpg")]}
    response = observer_client.post(url, data=data, content_type="multipart/form-data",
                                    follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Received at" in html and "photo.jpg" in html
    incident = db.session.execute(select(Incident)).scalar_one()
    assert (incident.category, incident.severity, incident.complaint_number) == (
        "vote_buying", "critical", "A-5")
    added = observer_client.post(f"/reports/mine/{incident.id}/evidence", data={
        "evidence": [(io.BytesIO(PDF), "complaint.pdf")]}, content_type="multipart/form-data",
        follow_redirects=True)
    assert "1 file(s) added." in added.get_data(as_text=True)
    refused = observer_client.post(f"/reports/mine/{incident.id}/evidence", data={
        "evidence": [(io.BytesIO(b"#!/bin/sh\nrm -rf /"), "x.jpg")]},
        content_type="multipart/form-data", follow_redirects=True)
    assert "does not match its name (.jpg)" in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Evidence)) == 2
    file = observer_client.get(f"/reports/evidence/{incident.evidence[0].id}")
    assert file.status_code == 200 and file.data.startswith(b"\xff\xd8\xff")


def test_incident_form_errors_are_shown(observer_client, polling_day):
    url = f"/reports/stations/{polling_day.own.station.id}/incident"
    response = observer_client.post(url, data={"uuid": str(uuid.uuid4()), "category": "",
                                               "severity": "high", "occurred_at": "10:00",
                                               "description": ""})
    assert response.status_code == 200
    assert "This field is required." in response.get_data(as_text=True)
    assert reports() == 0


def test_a_protocol_that_does_not_add_up_is_stored_and_flagged(observer_client, polling_day):
    contest = polling_day.contest
    url = f"/reports/stations/{polling_day.own.station.id}/protocol/{contest.id}"
    assert "Amanat" in page(observer_client, url)
    data = {"uuid": str(uuid.uuid4()), "voters_on_list": "1000", "ballots_received": "1000",
            "ballots_issued": "700", "ballots_cancelled": "200", "ballots_in_box": "650",
            "ballots_invalid": "50"}
    data.update({f"votes_{c.id}": "200" for c in contest.choices})
    response = observer_client.post(url, data=data, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Received at" in html
    assert "Ballots received ≠ ballots issued + ballots cancelled." in html
    protocol = db.session.execute(select(ProtocolCopy)).scalar_one()
    assert protocol.flagged and protocol.mismatches == ["received_balance"]


def test_my_reports_list_only_mine_with_their_status(observer_client, polling_day, client):
    from observe.reports import services
    from tests.reports.conftest import incident_data

    mine, _ = services.submit_incident(incident_data(polling_day.own.station),
                                       actor=polling_day.own.user)
    theirs, _ = services.submit_incident(incident_data(polling_day.other.station),
                                         actor=polling_day.other.user)
    mine.status, mine.status_reason = "rejected", "Not a violation: the box was sealed."
    db.session.commit()
    html = page(observer_client, "/reports/mine")
    assert mine.reference in html and theirs.reference not in html
    assert "Not a violation: the box was sealed." in html
    assert observer_client.get(f"/reports/mine/{theirs.id}").status_code == 404
    assert observer_client.get(f"/reports/mine/{mine.id}").status_code == 200
