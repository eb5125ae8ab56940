"""An election with more than one page of stations: every page and every filter of the station
list answers, for each role that may read it (the field trial's blocker: the pager was built
without the election's id and every page past the first answered 500)."""

import re

import pytest
from sqlalchemy import insert

from observe.elections.models import PollingStation
from observe.extensions import db

MANY = 130  # 50 a page: three pages


@pytest.fixture
def crowded(make_election, make_branch, make_user):
    """130 priority stations in Karaganda, 60 in Almaty, and a Karaganda coordinator."""
    election = make_election()
    rows = [dict(election_id=election.id, region="karaganda", number=str(n),
                 district="Казыбек би район", address=f"ул. Ерубаева, {n}",
                 registered_voters=1000 + n, is_priority=True) for n in range(1, MANY + 1)]
    rows += [dict(election_id=election.id, region="almaty", number=str(n),
                  district="Медеуский район", address=f"пр. Достык, {n}",
                  registered_voters=900, is_priority=False) for n in range(1, 61)]
    db.session.execute(insert(PollingStation), rows)
    db.session.commit()
    coordinator = make_user("coordinator", branch=make_branch(region="karaganda"))
    return election, coordinator


FILTERS = ["", "page=2", "page=3", "region=karaganda", "region=karaganda&page=2",
           "district=%D0%9A%D0%B0%D0%B7%D1%8B%D0%B1%D0%B5%D0%BA&page=2", "priority=1&page=2",
           "q=%D0%95%D1%80%D1%83%D0%B1%D0%B0%D0%B5%D0%B2%D0%B0&page=2", "page=999",
           "page=nope"]


@pytest.mark.parametrize("role", ["admin", "hq", "coordinator"])
def test_every_page_and_filter_of_the_station_list_answers(client, login, crowded, role):
    election, coordinator = crowded
    if role == "coordinator":
        login(user=coordinator)
    else:
        login(role)
    base = f"/elections/{election.id}/stations"
    for query in FILTERS:
        response = client.get(f"{base}?{query}")
        assert response.status_code == 200, (query, response.status_code)
        text = response.get_data(as_text=True)
        # The pager's links keep the election and the filters.
        for link in re.findall(r'class="page-link" href="([^"]+)"', text):
            assert link.startswith(base + "?"), link
            follow = client.get(link.replace("&amp;", "&"))
            assert follow.status_code == 200, link


def test_the_pager_walks_the_whole_list(client, login, crowded):
    election, _ = crowded
    login("hq")
    seen = []
    url = f"/elections/{election.id}/stations?region=karaganda&lang=en"
    while url:
        text = client.get(url).get_data(as_text=True)
        seen += re.findall(r"ул\. Ерубаева, (\d+)", text)
        following = re.search(r'href="([^"]+)">Next<', text)
        url = following.group(1).replace("&amp;", "&") if following else None
    assert sorted(map(int, seen)) == list(range(1, MANY + 1))


def test_a_coordinator_pages_through_their_region_only(client, login, crowded):
    election, coordinator = crowded
    login(user=coordinator)
    text = client.get(f"/elections/{election.id}/stations?page=3&lang=en").get_data(as_text=True)
    assert "130 stations found" in text
    assert "Достык" not in text and "Page 3 of 3" in text
