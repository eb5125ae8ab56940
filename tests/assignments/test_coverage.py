"""Coverage per region and district, the stations still to cover, and the roster export."""

import re
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from observe.assignments.queries import coverage_state
from observe.assignments.services import (
    Proposal,
    assign_observer,
    decline_assignment,
    withdraw_assignment,
)
from observe.audit.models import AuditEntry
from observe.common.tabular import read_table
from observe.extensions import db

A, B = "Kazybek Bi district", "Alikhan Bokeikhan district"


@pytest.fixture
def world(make_branch, make_user, make_election, make_station, make_certified):
    branch = make_branch(region="karaganda", name="Karaganda branch")
    coordinator = make_user("coordinator", branch=branch)
    election = make_election()
    s = {n: make_station(election, number=n, district=d, is_priority=p, address=f"Street {n}")
         for n, d, p in (("1", A, False), ("2", A, False), ("3", A, False), ("4", A, False),
                         ("5", B, True), ("6", B, False), ("7", B, True))}
    s["almaty"] = make_station(election, number="1", region="almaty", district="Medeu district")
    people = [make_certified(branch, full_name=f"Observer {i}") for i in range(1, 10)]

    def put(observer, station, shift, role="stationary"):
        return assign_observer(Proposal(observer, station, role, shift), actor=coordinator)

    put(people[0], s["1"], "full_day")                           # 1: whole day
    put(people[1], s["2"], "morning")                            # 2: morning + afternoon
    put(people[2], s["2"], "afternoon")
    put(people[3], s["3"], "morning")                            # 3: partly
    put(people[4], s["6"], "full_day", role="mobile")            # 6: a mobile group is no cover
    put(people[5], s["7"], "afternoon")                          # 7: partly, priority
    withdraw_assignment(put(people[6], s["4"], "full_day"), actor=coordinator)   # 4: none
    decline_assignment(put(people[7], s["5"], "full_day"), actor=coordinator)    # 5: none
    approved = make_certified(branch, status="approved", full_name="Not Certified Yet")
    db.session.commit()
    return SimpleNamespace(branch=branch, coordinator=coordinator, election=election,
                           stations=s, people=people, approved=approved)


def test_coverage_state():
    assert coverage_state({"full_day"}) == "full"
    assert coverage_state({"morning", "afternoon"}) == "full"
    assert coverage_state({"morning"}) == coverage_state({"afternoon"}) == "partial"
    assert coverage_state(set()) == coverage_state(None) == "none"


def counts(text: str, district: str) -> dict:
    row = re.search(rf'data-district="{district}">(.*?)</tr>', text, re.S).group(1)
    return {k: int(v) for k, v in re.findall(r'data-col="(\w+)">(\d+)<', row)}


def test_counts_per_district_for_a_coordinator(client, login, world):
    login(user=world.coordinator)
    response = client.get(f"/assignments/{world.election.id}/coverage?lang=en")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert counts(text, A) == {"stations": 4, "full": 2, "partial": 1, "none": 1}
    assert counts(text, B) == {"stations": 3, "full": 0, "partial": 1, "none": 2}
    total = re.search(r'class="coverage-total[^"]*">(.*?)</tr>', text, re.S).group(1)
    assert dict(re.findall(r'data-col="(\w+)">(\d+)<', total)) == {
        "stations": "7", "full": "2", "partial": "2", "none": "3"}
    assert 'data-region="almaty"' not in text  # only the branch's region

    # Priority stations first (uncovered before partly covered), then the rest.
    needing = re.findall(r'class="needing-row" data-station="(\w+)" data-priority="(\w+)"', text)
    assert needing == [("5", "yes"), ("7", "yes"), ("6", "no"), ("4", "no"), ("3", "no")]

    # Certified and without an active assignment: the withdrawn and declined ones and Observer 9.
    unassigned = re.findall(r'<tr class="unassigned-row">\s*<td>([^<]+)</td>', text)
    assert unassigned == ["Observer 7", "Observer 8", "Observer 9"]
    assert "Not Certified Yet" not in text
    assert "tel:" in text  # coordinators see the phones


def test_hq_sees_every_region_and_can_pick_one(client, login, world):
    login("hq")
    text = client.get(f"/assignments/{world.election.id}/coverage?lang=en").get_data(
        as_text=True)
    assert 'data-region="almaty"' in text and 'data-region="karaganda"' in text
    assert counts(text, "Medeu district") == {"stations": 1, "full": 0, "partial": 0, "none": 1}
    assert "tel:" not in text
    only = client.get(f"/assignments/{world.election.id}/coverage?lang=en&region=almaty")
    text = only.get_data(as_text=True)
    assert 'data-region="almaty"' in text and 'data-region="karaganda"' not in text


# By region, district (Alikhan Bokeikhan before Kazybek Bi), station number, then the shift.
ROSTER = [("6", "Observer 5", "Whole day, including the count"),
          ("7", "Observer 6", "Afternoon and the count"),
          ("1", "Observer 1", "Whole day, including the count"),
          ("2", "Observer 2", "Morning"), ("2", "Observer 3", "Afternoon and the count"),
          ("3", "Observer 4", "Morning")]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_roster_with_phones_for_a_coordinator(client, login, world, fmt):
    login(user=world.coordinator)
    client.get("/?lang=en")
    response = client.get(f"/assignments/{world.election.id}/roster.{fmt}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith(f'.{fmt}"')
    table = read_table(response.data, f"roster.{fmt}")
    assert list(table.columns) == ["Region", "District", "Station", "Address", "Observer",
                                   "Phone", "Role", "Shift", "Status", "Branch"]
    assert [(r.Station, r.Observer, r.Shift) for r in table.itertuples()] == ROSTER
    first = table.iloc[2]
    assert first["Region"] == "Karaganda Region" and first["Address"] == "Street 1"
    assert first["Role"] == "Stationary observer" and first["Status"] == "Assigned"
    assert first["Branch"] == "Karaganda branch"
    assert first["Phone"] == world.people[0].phone
    assert table.iloc[0]["Role"] == "Mobile group member"
    entry = db.session.execute(select(AuditEntry).where(
        AuditEntry.action == "assignment.roster_export")).scalar_one()
    assert entry.after == {"rows": 6, "format": fmt, "personal_data": True,
                           "branch_id": world.branch.id, "region": "karaganda"}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_roster_without_phones_for_hq(client, login, world, fmt):
    login("hq")
    client.get("/?lang=en")
    response = client.get(f"/assignments/{world.election.id}/roster.{fmt}")
    assert response.status_code == 200
    table = read_table(response.data, f"roster.{fmt}")
    assert "Phone" not in table.columns
    assert [(r.Station, r.Observer, r.Shift) for r in table.itertuples()] == ROSTER


def test_roster_refusals(client, login, world):
    url = f"/assignments/{world.election.id}/roster.csv"
    assert client.get(url).status_code == 302
    login("observer")
    assert client.get(url).status_code == 403
    assert client.get(f"/assignments/{world.election.id}/coverage").status_code == 403


def test_roster_unknown_format(client, login, world):
    login(user=world.coordinator)
    assert client.get(f"/assignments/{world.election.id}/roster.pdf").status_code == 404
