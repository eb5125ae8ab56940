"""A region with more than one page of stations: the board's pages and filters and the coverage
page answer for admin, HQ and the coordinator (the field trial's blocker on the station list had
its twin here: the board's pager is the shared macro now)."""

import re

import pytest
from sqlalchemy import insert, select

from observe.assignments.services import Proposal, assign_observer
from observe.elections.models import PollingStation
from observe.extensions import db

MANY = 130  # 50 a page: three pages


@pytest.fixture
def crowded(make_election, make_branch, make_user, make_certified):
    election = make_election()
    branch = make_branch(region="karaganda")
    coordinator = make_user("coordinator", branch=branch)
    rows = [dict(election_id=election.id, region="karaganda", number=str(n),
                 district="Казыбек би район" if n % 2 else "район Алихана Бокейханова",
                 address=f"ул. Ерубаева, {n}", registered_voters=1000 + n,
                 is_priority=n % 3 == 0) for n in range(1, MANY + 1)]
    rows += [dict(election_id=election.id, region="almaty", number=str(n),
                  district="Медеуский район", address=f"пр. Достык, {n}")
             for n in range(1, 61)]
    db.session.execute(insert(PollingStation), rows)
    first = db.session.execute(select(PollingStation).where(
        PollingStation.region == "karaganda", PollingStation.number == "1")).scalar_one()
    assign_observer(Proposal(make_certified(branch), first, "stationary", "full_day"),
                    actor=coordinator)
    db.session.commit()
    return election, branch, coordinator


def _sign_in(login, role, coordinator):
    if role == "coordinator":
        login(user=coordinator)
    else:
        login(role)


BOARD_QUERIES = ["", "page=2", "page=3", "uncovered=1&page=2",
                 "district=%D0%9A%D0%B0%D0%B7%D1%8B%D0%B1%D0%B5%D0%BA+%D0%B1%D0%B8+"
                 "%D1%80%D0%B0%D0%B9%D0%BE%D0%BD&page=2", "priority=1", "page=999",
                 "page=nope"]


@pytest.mark.parametrize("role", ["admin", "hq", "coordinator"])
def test_every_page_and_filter_of_the_board_answers(client, login, crowded, role):
    election, branch, coordinator = crowded
    _sign_in(login, role, coordinator)
    base = f"/assignments/{election.id}"
    for query in BOARD_QUERIES:
        response = client.get(f"{base}?branch_id={branch.id}&{query}")
        assert response.status_code == 200, (query, response.status_code)
        for link in re.findall(r'class="page-link" href="([^"]+)"', response.get_data(
                as_text=True)):
            assert link.startswith(base + "?") and f"branch_id={branch.id}" in link, link
            assert client.get(link.replace("&amp;", "&")).status_code == 200, link


def test_the_board_pager_walks_every_station_of_the_region(client, login, crowded):
    election, _, coordinator = crowded
    login(user=coordinator)
    seen, url = [], f"/assignments/{election.id}?lang=en"
    while url:
        text = client.get(url).get_data(as_text=True)
        seen += re.findall(r'data-station="(\d+)"', text)
        following = re.search(r'href="([^"]+)">Next<', text)
        url = following.group(1).replace("&amp;", "&") if following else None
    assert sorted(map(int, seen)) == list(range(1, MANY + 1))


@pytest.mark.parametrize("role", ["admin", "hq", "coordinator"])
def test_the_coverage_page_answers_with_every_filter(client, login, crowded, role):
    election, _, coordinator = crowded
    _sign_in(login, role, coordinator)
    for query in ("", "page=2", "region=karaganda", "region=almaty", "region=nowhere"):
        response = client.get(f"/assignments/{election.id}/coverage?lang=en&{query}")
        assert response.status_code == 200, query
    text = client.get(f"/assignments/{election.id}/coverage?region=karaganda&lang=en"
                      ).get_data(as_text=True)
    assert "129 stations are not covered all day" in text
