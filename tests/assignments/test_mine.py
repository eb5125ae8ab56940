"""The observer's own assignment: where and when, the map link, whom to call; confirm, decline."""

from datetime import time, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from observe.assignments.models import Assignment
from observe.assignments.services import Proposal, assign_observer
from observe.audit.models import AuditEntry
from observe.common.db import utcnow
from observe.extensions import db


@pytest.fixture
def world(make_branch, make_user, make_election, make_station, make_certified):
    branch = make_branch(region="karaganda", name="Karaganda branch", phone="+77212000000",
                         email="karaganda@example.org")
    coordinator = make_user("coordinator", branch=branch, full_name="Gulnara Coordinator",
                            phone="+77011234567")
    election = make_election(name="Mazhilis 2027", polls_open=time(7, 0),
                             polls_close=time(20, 0))
    station = make_station(election, number="0342", address="Bukhar Zhyrau Ave 12",
                           premises="School No. 5", latitude=49.806406, longitude=73.085485)
    observer = make_certified(branch, full_name="Aigerim Sadykova")
    assignment = assign_observer(Proposal(observer, station, "stationary", "full_day"),
                                 actor=coordinator)
    db.session.commit()
    return SimpleNamespace(branch=branch, coordinator=coordinator, election=election,
                           station=station, observer=observer, assignment=assignment)


def test_the_observer_sees_their_assignment(client, login, world):
    login(user=world.observer.user)
    response = client.get("/assignments/mine?lang=en")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    for expected in ("Mazhilis 2027", "0342", "Bukhar Zhyrau Ave 12", "School No. 5",
                     "07:00–20:00 local time", "Asia/Almaty", "Be at the station by 06:30",
                     "Stationary observer", "Whole day, including the count",
                     "Gulnara Coordinator", "tel:+77011234567", "mailto:" + world.coordinator.email,
                     "Karaganda branch", "tel:+77212000000", "Your ID card", "направление",
                     "A pen and a notebook", "Water and food for a long day"):
        assert expected in text, expected
    assert 'href="geo:49.806406,73.085485?q=49.806406,73.085485"' in text
    assert ('href="https://www.openstreetmap.org/?mlat=49.806406&amp;mlon=73.085485'
            in text)
    assert f'action="/assignments/mine/{world.assignment.id}/confirm"' in text
    assert f'action="/assignments/mine/{world.assignment.id}/decline"' in text
    # The menu leads observers here.
    assert 'href="/assignments/mine"' in text


def test_no_map_link_without_coordinates(client, login, world):
    world.station.latitude = None
    db.session.commit()
    login(user=world.observer.user)
    text = client.get("/assignments/mine?lang=en").get_data(as_text=True)
    assert "geo:" not in text and "openstreetmap" not in text


def test_the_observer_confirms(client, login, world):
    login(user=world.observer.user)
    response = client.post(f"/assignments/mine/{world.assignment.id}/confirm?lang=en")
    assert response.status_code == 302 and response.headers["Location"].endswith(
        "/assignments/mine")
    db.session.expire_all()
    assignment = db.session.get(Assignment, world.assignment.id)
    assert assignment.status == "confirmed" and assignment.confirmed_at is not None
    entry = db.session.execute(select(AuditEntry).where(
        AuditEntry.action == "assignment.confirmed")).scalar_one()
    assert entry.actor_id == world.observer.user.id
    text = client.get("/assignments/mine?lang=en").get_data(as_text=True)
    assert "is confirmed" in text and 'data-status="confirmed"' in text
    assert "/confirm" not in text  # nothing left to confirm
    # A second confirmation is refused with a message.
    client.post(f"/assignments/mine/{world.assignment.id}/confirm?lang=en")
    text = client.get("/assignments/mine?lang=en").get_data(as_text=True)
    assert "Only a new assignment can be confirmed." in text


def test_the_observer_declines_with_a_reason(client, login, world):
    login(user=world.observer.user)
    response = client.post(f"/assignments/mine/{world.assignment.id}/decline?lang=en",
                           data={"reason": "I will be away on a business trip"})
    assert response.status_code == 302
    db.session.expire_all()
    assignment = db.session.get(Assignment, world.assignment.id)
    assert assignment.status == "declined"
    assert assignment.decline_reason == "I will be away on a business trip"
    assert db.session.execute(select(AuditEntry).where(
        AuditEntry.action == "assignment.declined")).scalar_one().summary == (
        "I will be away on a business trip")
    text = client.get("/assignments/mine?lang=en").get_data(as_text=True)
    assert "You have no assignment yet." in text
    assert "Earlier assignments" in text and "Declined" in text


def test_a_past_election_is_listed_as_earlier(client, login, world):
    world.election.polling_day = (utcnow() - timedelta(days=400)).date()
    db.session.commit()
    login(user=world.observer.user)
    text = client.get("/assignments/mine?lang=en").get_data(as_text=True)
    assert "Earlier assignments" in text and "/confirm" not in text


def test_another_observers_assignment_is_404(client, login, world, make_certified):
    other = make_certified(world.branch)
    login(user=other.user)
    assert client.post(f"/assignments/mine/{world.assignment.id}/confirm").status_code == 404
    assert client.post(f"/assignments/mine/{world.assignment.id}/decline").status_code == 404
    text = client.get("/assignments/mine?lang=en").get_data(as_text=True)
    assert "0342" not in text
    db.session.expire_all()
    assert db.session.get(Assignment, world.assignment.id).status == "assigned"


def test_who_may_open_the_page(client, login, world):
    assert client.get("/assignments/mine").status_code == 302
    login("coordinator")
    assert client.get("/assignments/mine").status_code == 403
    assert client.post(f"/assignments/mine/{world.assignment.id}/confirm").status_code == 403


def test_an_observer_account_without_a_record_is_refused(client, login):
    login("observer")
    assert client.get("/assignments/mine").status_code == 403


def test_the_details_query_gives_what_the_api_will_answer(world, make_station, make_election):
    """One read for the page and the coming GET /api/v1/assignments: station, address, polling
    hours and the time to arrive by."""
    from observe.assignments.queries import observer_assignments

    other = make_station(make_election(name="By-election"), number="0343",
                         address="Erubaeva St 35")
    assign_observer(Proposal(world.observer, other, "mobile", "afternoon"),
                    actor=world.coordinator)
    db.session.commit()
    mine = {d.station.number: d for d in observer_assignments(world.observer)}
    whole_day, afternoon = mine["0342"], mine["0343"]
    assert (whole_day.opens, whole_day.closes, whole_day.timezone) == (
        "07:00", "20:00", "Asia/Almaty")
    assert whole_day.arrive == "06:30" and afternoon.arrive == ""
    assert whole_day.address == "Bukhar Zhyrau Ave 12, School No. 5"
    assert whole_day.upcoming and whole_day.map["geo"].startswith("geo:49.806406,73.085485")
    later = world.election.polling_day + timedelta(days=1)
    assert not any(d.upcoming for d in observer_assignments(world.observer, today=later))
