"""Elections, contests with their choices, polling stations edited by hand, and who may do what."""

from datetime import date, time

import pytest
from sqlalchemy import select

from observe.audit.models import AuditEntry
from observe.elections import services
from observe.elections.models import Contest, ContestChoice, Election, PollingStation
from observe.extensions import db


def entries(action):
    return db.session.execute(select(AuditEntry).where(AuditEntry.action == action)
                              ).scalars().all()


# Services



@pytest.fixture(autouse=True)
def _english_pages(client):
    """The pages asserted on here are read in English (a choice kept in the session)."""
    client.get("/login?lang=en")

def test_create_election_with_defaults(app, make_user):
    hq = make_user("hq")
    election = services.create_election(actor=hq, name="  Mazhilis  2026 ",
                                        polling_day=date(2026, 3, 15))
    db.session.commit()
    assert election.name == "Mazhilis 2026"
    assert (election.timezone, election.polls_open, election.polls_close) == (
        "Asia/Almaty", time(7, 0), time(20, 0))
    assert election.status == "planning"
    [entry] = entries("election.create")
    assert entry.actor_id == hq.id and entry.after["polling_day"] == "2026-03-15"


@pytest.mark.parametrize("fields, field", [
    ({"name": ""}, "name"),
    ({"polling_day": None}, "polling_day"),
    ({"timezone": "Mars/Olympus"}, "timezone"),
    ({"polls_open": time(20, 0), "polls_close": time(7, 0)}, "polls_close"),
    ({"polls_open": time(8, 0), "polls_close": time(8, 0)}, "polls_close"),
])
def test_create_election_refuses_bad_details(app, make_user, fields, field):
    base = dict(name="Elections", polling_day=date(2026, 3, 15))
    with pytest.raises(services.ElectionError) as error:
        services.create_election(actor=make_user("hq"), **(base | fields))
    assert error.value.field == field


def test_status_moves_only_forward(app, make_user, make_election):
    hq = make_user("hq")
    election = make_election()
    services.update_election(election, actor=hq, status="polling_day")
    db.session.commit()
    [entry] = entries("election.status")
    assert entry.before == {"status": "planning"} and entry.after == {"status": "polling_day"}
    with pytest.raises(services.ElectionError):
        services.update_election(election, actor=hq, status="planning")
    services.update_election(election, actor=hq, status="closed")
    with pytest.raises(services.ElectionError):
        services.update_election(election, actor=hq, status="polling_day")
    with pytest.raises(services.ElectionError):
        services.update_election(election, actor=hq, status="cancelled")
    assert services.next_statuses("planning") == ["planning", "polling_day", "closed"]
    assert services.next_statuses("closed") == ["closed"]


def test_update_election_audits_only_what_changed(app, make_user, make_election):
    election = make_election()
    services.update_election(election, actor=make_user("hq"), polls_close=time(21, 0))
    db.session.commit()
    [entry] = entries("election.update")
    assert entry.before == {"polls_close": "20:00"}
    assert entry.after == {"polls_close": "21:00"}
    with pytest.raises(services.ElectionError):
        services.update_election(election, actor=None, polls_open=time(22, 0))


def test_contest_with_choices(app, make_user, make_election):
    hq = make_user("hq")
    election = make_election()
    contest = services.add_contest(election, actor=hq, kind="mazhilis_party_list",
                                   name="Mazhilis", choices="Amanat\n\n  Ak  Zhol \nAuyl\n")
    db.session.commit()
    assert [c.name for c in contest.choices] == ["Amanat", "Ak Zhol", "Auyl"]
    amanat_id = contest.choices[0].id
    services.update_contest(contest, actor=hq, kind="oblast_maslikhat", name="Maslikhat",
                            region="karaganda", choices="Respublica\nAmanat")
    db.session.commit()
    db.session.expire_all()
    contest = db.session.get(Contest, contest.id)
    assert [(c.name, c.position) for c in contest.choices] == [("Respublica", 0), ("Amanat", 1)]
    assert contest.choices[1].id == amanat_id  # a kept choice keeps its row
    assert db.session.scalar(select(db.func.count()).select_from(ContestChoice)) == 2
    [entry] = entries("contest.update")
    assert entry.before["choices"] == ["Amanat", "Ak Zhol", "Auyl"]
    assert entry.after["region"] == "karaganda"
    services.remove_contest(contest, actor=hq)
    db.session.commit()
    assert db.session.scalar(select(db.func.count()).select_from(Contest)) == 0
    assert db.session.scalar(select(db.func.count()).select_from(ContestChoice)) == 0
    assert entries("contest.delete")[0].before["name"] == "Maslikhat"


@pytest.mark.parametrize("kwargs, field", [
    ({"kind": "senate"}, "kind"),
    ({"name": " "}, "name"),
    ({"region": "atlantis"}, "region"),
    ({"choices": "Amanat\namanat"}, "choices"),
])
def test_contest_refuses_bad_details(app, make_user, make_election, kwargs, field):
    base = dict(kind="other", name="Contest", choices="")
    with pytest.raises(services.ElectionError) as error:
        services.add_contest(make_election(), actor=make_user("hq"), **(base | kwargs))
    assert error.value.field == field


def test_station_edit_priority_and_audit(app, make_user, make_election, make_station):
    hq = make_user("hq")
    station = make_station(make_election(), number="12")
    services.update_station(station, actor=hq, is_priority=True,
                            priority_note="Queues in 2023", language="kk")
    db.session.commit()
    assert station.is_priority and station.language == "kk"
    [entry] = entries("station.priority")
    assert entry.object_id == str(station.id)
    assert entry.before == {"is_priority": False, "priority_note": "", "language": ""}
    assert entry.after["priority_note"] == "Queues in 2023"


@pytest.mark.parametrize("fields, field", [
    ({"number": ""}, "number"),
    ({"region": "mars"}, "region"),
    ({"registered_voters": -1}, "registered_voters"),
    ({"latitude": 91.0, "longitude": 10.0}, "latitude"),
    ({"latitude": 50.0, "longitude": None}, "longitude"),
    ({"language": "en"}, "language"),
])
def test_station_edit_refuses_bad_values(app, make_user, make_election, make_station, fields,
                                         field):
    station = make_station(make_election())
    with pytest.raises(services.ElectionError) as error:
        services.update_station(station, actor=make_user("hq"), **fields)
    assert error.value.field == field


def test_station_number_is_unique_in_its_region(app, make_user, make_election, make_station):
    election = make_election()
    make_station(election, number="7")
    other = make_station(election, number="8")
    with pytest.raises(services.ElectionError) as error:
        services.update_station(other, actor=make_user("hq"), number="7")
    assert error.value.field == "number"
    services.update_station(other, actor=None, number="7", region="almaty")  # another region


# Pages


def test_hq_creates_and_edits_an_election(client, login):
    login("hq")
    assert "Asia/Almaty" in client.get("/elections/new").get_data(as_text=True)
    response = client.post("/elections/new", data={
        "name": "Mazhilis 2026", "polling_day": "2026-03-15", "timezone": "Asia/Almaty",
        "polls_open": "07:00", "polls_close": "20:00"})
    assert response.status_code == 302
    election = db.session.execute(select(Election)).scalar_one()
    assert response.headers["Location"].endswith(f"/elections/{election.id}")
    response = client.post(f"/elections/{election.id}/edit", data={
        "name": "Mazhilis 2026", "polling_day": "2026-03-15", "timezone": "Asia/Almaty",
        "polls_open": "08:00", "polls_close": "07:00", "status": "planning"})
    assert response.status_code == 200
    assert "The polls must close after they open." in response.get_data(as_text=True)
    response = client.post(f"/elections/{election.id}/edit", data={
        "name": "Mazhilis 2026", "polling_day": "2026-03-15", "timezone": "Asia/Almaty",
        "polls_open": "08:00", "polls_close": "20:00", "status": "polling_day"})
    assert response.status_code == 302
    db.session.expire_all()
    assert election.status == "polling_day" and election.polls_open == time(8, 0)
    # Back to planning is not even offered.
    page = client.get(f"/elections/{election.id}/edit").get_data(as_text=True)
    assert 'value="planning"' not in page
    response = client.post(f"/elections/{election.id}/edit", data={
        "name": "Mazhilis 2026", "polling_day": "2026-03-15", "timezone": "Asia/Almaty",
        "polls_open": "08:00", "polls_close": "20:00", "status": "planning"})
    assert response.status_code == 200
    db.session.expire_all()
    assert election.status == "polling_day"


def test_contest_pages(client, login, make_election):
    login("hq")
    election = make_election()
    response = client.post(f"/elections/{election.id}/contests", data={
        "kind": "mazhilis_party_list", "name": "Mazhilis", "region": "",
        "choices": "Amanat\nAuyl"})
    assert response.status_code == 302
    page = client.get(f"/elections/{election.id}").get_data(as_text=True)
    assert "Amanat" in page and "Auyl" in page
    response = client.post(f"/elections/{election.id}/contests", data={
        "kind": "mazhilis_party_list", "name": "", "region": ""})
    assert response.status_code == 200  # the detail page again, with the error
    contest = db.session.execute(select(Contest)).scalar_one()
    assert "Auyl" in client.get(f"/elections/contests/{contest.id}/edit").get_data(as_text=True)
    response = client.post(f"/elections/contests/{contest.id}/edit", data={
        "kind": "city_maslikhat", "name": "Almaty city maslikhat", "region": "almaty",
        "choices": "Amanat\nRespublica"})
    assert response.status_code == 302
    db.session.expire_all()
    assert [c.name for c in contest.choices] == ["Amanat", "Respublica"]
    assert client.post(f"/elections/contests/{contest.id}/delete").status_code == 302
    assert db.session.execute(select(Contest)).first() is None


def test_station_edit_page(client, login, make_election, make_station):
    login("admin")
    station = make_station(make_election(), number="44")
    data = {"number": "44", "region": "karaganda", "district": "Temirtau",
            "address": "Respubliki Ave 8", "premises": "House of Culture", "commission": "",
            "registered_voters": "1650", "latitude": "", "longitude": "", "language": "",
            "is_priority": "y", "priority_note": "Large station"}
    assert client.post(f"/elections/stations/{station.id}/edit",
                       data=data).status_code == 302
    db.session.expire_all()
    assert station.is_priority and station.priority_note == "Large station"
    assert station.district == "Temirtau" and station.latitude is None
    response = client.post(f"/elections/stations/{station.id}/edit",
                           data=data | {"latitude": "49.8"})
    assert response.status_code == 200
    assert "Give both the latitude and the longitude" in response.get_data(as_text=True)


def test_station_list_filters_and_coordinator_scope(client, login, make_branch, make_election,
                                                    make_station):
    election = make_election()
    make_station(election, number="1", region="karaganda", address="Bukhar-Zhyrau Ave 47",
                 is_priority=True)
    make_station(election, number="2", region="karaganda", district="Temirtau",
                 address="Respubliki Ave 8")
    make_station(election, number="101", region="almaty", address="Abay Ave 115")
    login("coordinator", branch=make_branch(region="almaty"))
    page = client.get(f"/elections/{election.id}/stations").get_data(as_text=True)
    assert "Abay Ave 115" in page and "Bukhar-Zhyrau" not in page
    # Asking for another region does not widen the view.
    page = client.get(f"/elections/{election.id}/stations?region=karaganda"
                      ).get_data(as_text=True)
    assert "Bukhar-Zhyrau" not in page and "Respubliki" not in page
    detail = client.get(f"/elections/{election.id}").get_data(as_text=True)
    assert "region=almaty" in detail and "region=karaganda" not in detail
    assert "/edit" not in page


def test_station_list_filters_for_hq(client, login, make_election, make_station):
    election = make_election()
    make_station(election, number="1", region="karaganda", address="Bukhar-Zhyrau Ave 47",
                 is_priority=True)
    make_station(election, number="2", region="karaganda", district="Temirtau",
                 address="Respubliki Ave 8")
    make_station(election, number="101", region="almaty", address="Abay Ave 115")
    login("hq")
    url = f"/elections/{election.id}/stations"

    def shown(query):
        page = client.get(f"{url}?{query}").get_data(as_text=True)
        return {a for a in ("Bukhar-Zhyrau", "Respubliki", "Abay Ave") if a in page}

    assert shown("") == {"Bukhar-Zhyrau", "Respubliki", "Abay Ave"}
    assert shown("region=almaty") == {"Abay Ave"}
    assert shown("district=temir") == {"Respubliki"}
    assert shown("priority=1") == {"Bukhar-Zhyrau"}
    assert shown("q=101") == {"Abay Ave"}
    assert shown("q=%E2%84%96+2") == {"Respubliki"}  # "№ 2"
    assert shown("q=abay") == {"Abay Ave"}
    assert shown("q=100%25") == set()


@pytest.mark.parametrize("role, expected", [
    ("anonymous", 302), ("admin", 200), ("hq", 200), ("coordinator", 200), ("observer", 403)])
def test_who_may_view(client, login, make_election, make_station, role, expected):
    election = make_election()
    if role != "anonymous":
        login(role)
    for url in ("/elections/", f"/elections/{election.id}",
                f"/elections/{election.id}/stations"):
        response = client.get(url)
        assert response.status_code == expected, url
        if role == "anonymous":
            assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("role, expected", [
    ("anonymous", 302), ("admin", 200), ("hq", 200), ("coordinator", 403), ("observer", 403)])
def test_who_may_manage(client, login, make_election, make_station, role, expected):
    election = make_election()
    station = make_station(election)
    contest = Contest(election=election, kind="other", name="Contest")
    db.session.add(contest)
    db.session.commit()
    if role != "anonymous":
        login(role)
    for url in ("/elections/new", f"/elections/{election.id}/edit",
                f"/elections/contests/{contest.id}/edit",
                f"/elections/stations/{station.id}/edit",
                f"/elections/{election.id}/stations/import"):
        response = client.get(url)
        assert response.status_code == expected, url
        if role == "anonymous":
            assert "/login" in response.headers["Location"]
    posts = {"/elections/new": 200, f"/elections/{election.id}/contests": 200,
             "/elections/contests/0/delete": 404,
             f"/elections/stations/{station.id}/edit": 200}
    for url, allowed in posts.items():
        response = client.post(url, data={})
        assert response.status_code == (allowed if expected == 200 else expected), url
    assert db.session.get(PollingStation, station.id) is not None


def test_nav_shows_elections(client, login):
    login("coordinator")
    assert 'href="/elections/"' in client.get("/").get_data(as_text=True)
