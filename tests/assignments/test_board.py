"""The assignment board: assigning through the form, each rule's message, change, withdraw."""

import html
import re
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from observe.assignments.models import Assignment
from observe.assignments.services import Proposal, assign_observer
from observe.audit.models import AuditEntry
from observe.extensions import db


@pytest.fixture
def world(make_branch, make_user, make_election, make_station, make_certified):
    branch = make_branch(region="karaganda")
    coordinator = make_user("coordinator", branch=branch)
    election = make_election()
    stations = [make_station(election, number=number, district=district)
                for number, district in (("101", "Kazybek Bi district"),
                                         ("102", "Kazybek Bi district"),
                                         ("201", "Alikhan Bokeikhan district"))]
    observers = [make_certified(branch, full_name=name)
                 for name in ("Aigerim Sadykova", "Bolat Nurlanov", "Daniyar Ospanov")]
    return SimpleNamespace(branch=branch, coordinator=coordinator, election=election,
                           stations=stations, observers=observers)


def assign_url(world, **args):
    query = "&".join(f"{k}={v}" for k, v in {"lang": "en", **args}.items())
    return f"/assignments/{world.election.id}/assign?{query}"


def form(observer, station, role="stationary", shift="full_day", reason=""):
    return {"observer_id": observer.id, "station_id": station.id, "role": role, "shift": shift,
            "override_reason": reason}


def actions() -> list[str]:
    return list(db.session.execute(select(AuditEntry.action).where(
        AuditEntry.action.startswith("assignment.")).order_by(AuditEntry.id)).scalars())


def test_coordinator_assigns_through_the_form(client, login, world):
    login(user=world.coordinator)
    station, observer = world.stations[1], world.observers[0]
    page = client.get(assign_url(world, station_id=station.id))
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert f'<option selected value="{station.id}">' in text
    assert "Aigerim Sadykova" in text and 'for="override_reason"' in text

    response = client.post(assign_url(world), data=form(observer, station, shift="morning"))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/assignments/{world.election.id}")
    assignment = db.session.execute(select(Assignment)).scalar_one()
    assert (assignment.observer_id, assignment.station_id, assignment.role, assignment.shift,
            assignment.status, assignment.branch_id) == (
        observer.id, station.id, "stationary", "morning", "assigned", world.branch.id)
    assert actions() == ["assignment.create"]

    board = client.get(f"/assignments/{world.election.id}?lang=en").get_data(as_text=True)
    assert "is assigned to station 102" in board
    assert "Aigerim Sadykova" in board and "Partly covered" in board


def _refused(client, world, data) -> str:
    response = client.post(assign_url(world), data=data)
    assert response.status_code == 200
    assert db.session.execute(select(Assignment).where(
        Assignment.observer_id == data["observer_id"],
        Assignment.station_id == data["station_id"])).first() is None
    return html.unescape(response.get_data(as_text=True))


def test_every_rule_shows_its_message_and_keeps_the_input(client, login, world, make_branch,
                                                          make_certified, make_station):
    login(user=world.coordinator)
    first, second, third = world.observers
    station = world.stations[0]
    assign_observer(Proposal(first, station, "stationary", "full_day"), actor=world.coordinator)
    db.session.commit()

    # The stationary seat of the station is taken for the day.
    text = _refused(client, world, form(second, station, shift="afternoon"))
    assert "Station 101 already has 1 of 1 observers in this role for this shift." in text
    assert f'<option selected value="{second.id}">' in text
    assert '<option selected value="afternoon">' in text

    # The same observer at an overlapping time elsewhere.
    text = _refused(client, world, form(first, world.stations[1], shift="morning"))
    assert "This observer is already assigned at that time (station 101)." in text

    # Not certified and no reason given.
    approved = make_certified(world.branch, status="approved", full_name="Erlan Approved")
    text = _refused(client, world, form(approved, world.stations[1]))
    assert "This observer is not certified yet. Give a reason to assign anyway." in text

    # A station outside the branch's region.
    almaty = make_station(world.election, region="almaty", number="900")
    text = _refused(client, world, form(third, almaty))
    assert "The station is outside the region of the observer's branch." in text

    # Another branch's observer is not even acknowledged to exist (the service rule that refuses
    # it is in test_rules.py).
    stranger = make_certified(make_branch(region="karaganda"), full_name="Other Branch Person")
    text = _refused(client, world, form(stranger, world.stations[2]))
    assert "Choose an observer." in text and "not in your branch" not in text

    # Nothing chosen.
    response = client.post(assign_url(world), data={"observer_id": "", "station_id": "",
                                                    "role": "stationary", "shift": "full_day"})
    assert response.status_code == 200
    assert response.get_data(as_text=True).count("This field is required.") == 2
    assert actions() == ["assignment.create"]  # only the one made through the service above


def test_an_uncertified_observer_is_assigned_with_a_reason_and_audited(client, login, world,
                                                                        make_certified):
    login(user=world.coordinator)
    approved = make_certified(world.branch, status="approved")
    response = client.post(assign_url(world), data=form(
        approved, world.stations[2], reason="Certified at the 2023 elections"))
    assert response.status_code == 302
    assignment = db.session.execute(select(Assignment)).scalar_one()
    assert assignment.override_reason == "Certified at the 2023 elections"
    override = db.session.execute(select(AuditEntry).where(
        AuditEntry.action == "assignment.certification_override")).scalar_one()
    assert override.summary == "Certified at the 2023 elections"
    assert override.actor_id == world.coordinator.id
    assert override.object_id == str(assignment.id)


def test_change_an_assignment(client, login, world):
    login(user=world.coordinator)
    assignment = assign_observer(Proposal(world.observers[0], world.stations[0], "stationary",
                                          "full_day"), actor=world.coordinator)
    db.session.commit()
    url = f"/assignments/item/{assignment.id}/edit?lang=en"
    page = client.get(url)
    assert page.status_code == 200
    assert f'<option selected value="{world.stations[0].id}">' in page.get_data(as_text=True)

    response = client.post(url, data={"station_id": world.stations[2].id, "role": "mobile",
                                      "shift": "afternoon"})
    assert response.status_code == 302
    db.session.expire_all()
    assignment = db.session.get(Assignment, assignment.id)
    assert (assignment.station_id, assignment.role, assignment.shift) == (
        world.stations[2].id, "mobile", "afternoon")
    update = db.session.execute(select(AuditEntry).where(
        AuditEntry.action == "assignment.update")).scalar_one()
    assert update.before["role"] == "stationary" and update.after["role"] == "mobile"

    # A change that breaks a rule is refused with its message.
    other = assign_observer(Proposal(world.observers[1], world.stations[1], "stationary",
                                     "full_day"), actor=world.coordinator)
    db.session.commit()
    refused = client.post(url, data={"station_id": world.stations[1].id, "role": "stationary",
                                     "shift": "morning"})
    assert refused.status_code == 200
    assert "already has 1 of 1" in refused.get_data(as_text=True)
    assert other.status == "assigned"


def test_withdraw_an_assignment(client, login, world):
    login(user=world.coordinator)
    assignment = assign_observer(Proposal(world.observers[0], world.stations[0], "stationary",
                                          "full_day"), actor=world.coordinator)
    db.session.commit()
    response = client.post(f"/assignments/item/{assignment.id}/withdraw?lang=en",
                           data={"reason": "Moved to Astana"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Assignment, assignment.id).status == "withdrawn"
    entry = db.session.execute(select(AuditEntry).where(
        AuditEntry.action == "assignment.withdrawn")).scalar_one()
    assert entry.summary == "Moved to Astana" and entry.after["status"] == "withdrawn"
    # The seat is free again, and a second withdrawal changes nothing.
    again = client.post(f"/assignments/item/{assignment.id}/withdraw?lang=en", data={})
    assert again.status_code == 302
    assert actions().count("assignment.withdrawn") == 1
    board = client.get(f"/assignments/{world.election.id}?lang=en").get_data(as_text=True)
    assert "Not covered" in board


def test_board_filters(client, login, world, make_station):
    login(user=world.coordinator)
    priority = make_station(world.election, number="301", district="Alikhan Bokeikhan district",
                            is_priority=True)
    assign_observer(Proposal(world.observers[0], world.stations[0], "stationary", "full_day"),
                    actor=world.coordinator)
    db.session.commit()
    base = f"/assignments/{world.election.id}?lang=en"

    def numbers(query=""):
        text = client.get(base + query).get_data(as_text=True)
        return re.findall(r'data-station="([^"]+)"', text)

    assert numbers() == ["201", "301", "101", "102"]  # by district, then number
    assert numbers("&uncovered=1") == ["201", "301", "102"]
    assert numbers("&priority=1") == ["301"]
    assert numbers("&district=Kazybek+Bi+district") == ["101", "102"]
    assert priority.is_priority


def test_a_coordinator_sees_and_changes_only_their_branch(client, login, world, make_user,
                                                          make_branch, make_certified):
    other_branch = make_branch(region="karaganda")
    other_coordinator = make_user("coordinator", branch=other_branch)
    theirs = assign_observer(Proposal(make_certified(other_branch, full_name="Someone Else"),
                                      world.stations[0], "stationary", "full_day"),
                             actor=other_coordinator)
    db.session.commit()
    login(user=world.coordinator)
    assert client.get(f"/assignments/item/{theirs.id}/edit").status_code == 404
    assert client.post(f"/assignments/item/{theirs.id}/edit", data={}).status_code == 404
    assert client.post(f"/assignments/item/{theirs.id}/withdraw").status_code == 404
    board = client.get(f"/assignments/{world.election.id}?lang=en").get_data(as_text=True)
    assert "Someone Else" not in board
    assert "Covered all day" in board  # the coverage still counts every branch
    # ?branch_id= is ignored for a coordinator.
    board = client.get(f"/assignments/{world.election.id}?branch_id={other_branch.id}")
    assert "Someone Else" not in board.get_data(as_text=True)
    assert db.session.get(Assignment, theirs.id).status == "assigned"


def test_hq_reads_the_board_but_cannot_assign(client, login, world):
    assignment = assign_observer(Proposal(world.observers[0], world.stations[0], "stationary",
                                          "full_day"), actor=world.coordinator)
    db.session.commit()
    login("hq")
    chooser = client.get(f"/assignments/{world.election.id}?lang=en")
    assert chooser.status_code == 200
    assert "Choose a branch" in chooser.get_data(as_text=True)
    board = client.get(f"/assignments/{world.election.id}?lang=en&branch_id={world.branch.id}")
    text = board.get_data(as_text=True)
    assert board.status_code == 200 and "Aigerim Sadykova" in text
    assert "Assign here" not in text and "/withdraw" not in text
    assert client.get(assign_url(world, branch_id=world.branch.id)).status_code == 403
    assert client.post(assign_url(world, branch_id=world.branch.id),
                       data=form(world.observers[1], world.stations[1])).status_code == 403
    assert client.get(f"/assignments/item/{assignment.id}/edit").status_code == 403
    assert client.post(f"/assignments/item/{assignment.id}/withdraw").status_code == 403
    assert client.get("/assignments/9999999?branch_id=1").status_code == 404


def test_admin_assigns_for_a_chosen_branch(client, login, world):
    login("admin")
    without = client.get(assign_url(world))
    assert without.status_code == 302
    assert without.headers["Location"].endswith(f"/assignments/{world.election.id}")
    response = client.post(assign_url(world, branch_id=world.branch.id),
                           data=form(world.observers[0], world.stations[0]))
    assert response.status_code == 302
    assert f"branch_id={world.branch.id}" in response.headers["Location"]
    assert db.session.execute(select(Assignment)).scalar_one().branch_id == world.branch.id


@pytest.mark.parametrize("method, path", [
    ("GET", "/assignments/"), ("GET", "/assignments/{election}"),
    ("GET", "/assignments/{election}/assign"), ("POST", "/assignments/{election}/assign"),
])
def test_observers_are_refused_and_anonymous_sent_to_sign_in(client, login, world, method,
                                                             path):
    url = path.format(election=world.election.id)
    anonymous = client.open(url, method=method)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    login("observer")
    assert client.open(url, method=method).status_code == 403


def test_the_index_lists_elections(client, login, world):
    login(user=world.coordinator)
    page = client.get("/assignments/?lang=en")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert world.election.name in text
    assert f"/assignments/{world.election.id}/coverage" in text
