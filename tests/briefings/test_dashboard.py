"""The dashboard page and its live fragment: the figures, the links behind them (which list the
same number of rows), drill-down, and scope (a coordinator sees their region only)."""

import re

import pytest

from observe.reports.models import Incident
from tests.briefings.conftest import add_report, local


def staff(login, briefing_day, role):
    if role == "coordinator":
        return login("coordinator", branch=briefing_day.branches["karaganda"])
    return login(role)


def figure(html: str, name: str) -> str:
    match = re.search(rf'data-{name}>\s*(.*?)</div>', html, re.S)
    assert match, name
    return re.sub(r"<[^>]+>", "", match.group(1)).split()[0]


def test_hq_sees_the_country_with_links(client, login, briefing_day):
    staff(login, briefing_day, "hq")
    election = briefing_day.election
    page = client.get(f"/briefings/dashboard/{election.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f'data-refresh-url="/briefings/dashboard/{election.id}/live"' in html
    assert "js/refresh.js" in html
    assert "<svg" in html and "style=" not in html and "<script>" not in html
    live = client.get(f"/briefings/dashboard/{election.id}/live")
    assert live.status_code == 200 and "no-store" in live.headers["Cache-Control"]
    text = live.get_data(as_text=True)
    assert re.search(r'data-figure="incidents"><a href="[^"]*kind=incident[^"]*">6</a>', text)
    assert re.search(r'data-severity="critical"><a href="[^"]*severity=critical[^"]*">2</a>',
                     text)
    assert re.search(r'data-figure="observers_present"><a [^>]*>3</a> / 3', text)
    assert re.search(r'data-figure="stations_present">3 / <a [^>]*>5</a>', text)
    # Drill-down: the regions are offered, each with its own scope.
    assert f"/briefings/dashboard/{election.id}?region=almaty" in html
    almaty = client.get(f"/briefings/dashboard/{election.id}/live?region=almaty").get_data(
        as_text=True)
    assert re.search(r'data-figure="incidents"><a href="[^"]*region=almaty[^"]*">2</a>', almaty)
    district = client.get(
        f"/briefings/dashboard/{election.id}/live?region=karaganda&district=A").get_data(
        as_text=True)
    assert re.search(r'data-figure="stations_present">2 / <a [^>]*district=A[^>]*>2</a>',
                     district)


def test_the_numbers_agree_with_the_lists_behind_them(client, login, briefing_day):
    staff(login, briefing_day, "hq")
    election = briefing_day.election
    text = client.get(f"/briefings/dashboard/{election.id}/live").get_data(as_text=True)
    links = re.findall(r'data-(?:severity|category|region|status|flagged-phase)="[^"]+">'
                       r'<a href="([^"]+)">(\d+)</a>', text)
    links += re.findall(r'data-figure="incidents"><a href="([^"]+)">(\d+)</a>', text)
    assert len(links) > 8
    for href, number in links:
        queue = client.get(href.replace("&amp;", "&"))
        assert queue.status_code == 200, href
        html = queue.get_data(as_text=True)
        rows = len(set(re.findall(r'/reports/triage/(\d+)"', html)))
        total = re.search(r'data-total="(\d+)"', html)
        assert (int(total.group(1)) if total else 0) == int(number), (href, number)
        assert rows == min(int(number), 50), (href, number, rows)


def test_the_fragment_shows_a_new_incident(client, login, briefing_day):
    staff(login, briefing_day, "hq")
    url = f"/briefings/dashboard/{briefing_day.election.id}/live"
    assert re.search(r'data-figure="incidents"><a [^>]*>6</a>', client.get(url).get_data(
        as_text=True))
    add_report(Incident, briefing_day, "A2", "o3", local(17), category="vote_buying",
               severity="critical", description="Money handed out at the door.")
    from observe.extensions import db

    db.session.commit()
    text = client.get(url).get_data(as_text=True)
    assert re.search(r'data-figure="incidents"><a [^>]*>7</a>', text)
    assert "Money handed out at the door." in text


def test_a_coordinator_sees_their_region_only(client, login, briefing_day):
    staff(login, briefing_day, "coordinator")
    election = briefing_day.election
    page = client.get(f"/briefings/dashboard/{election.id}")
    assert page.status_code == 200
    text = client.get(f"/briefings/dashboard/{election.id}/live").get_data(as_text=True)
    assert re.search(r'data-figure="incidents"><a [^>]*region=karaganda[^>]*>4</a>', text)
    assert "Incident i4" not in text
    for path in ("", "/live"):
        assert client.get(f"/briefings/dashboard/{election.id}{path}?region=almaty"
                          ).status_code == 404
    assert client.get(
        f"/briefings/dashboard/{election.id}/live?region=karaganda&district=A").status_code == 200


@pytest.mark.parametrize("path", ["/briefings/dashboard", "/briefings/dashboard/{id}",
                                  "/briefings/dashboard/{id}/live"])
def test_observers_may_not(client, login, briefing_day, path):
    login("observer")
    assert client.get(path.format(id=briefing_day.election.id)).status_code == 403


def test_unknown_election_is_404(client, login, briefing_day):
    login("hq")
    assert client.get("/briefings/dashboard/999999/live").status_code == 404
