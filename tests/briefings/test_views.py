"""Briefing pages through HTTP: building a draft, editing, review, publish (frozen), re-issue,
and scope on every route (a coordinator: their region only; observers: 403)."""

import re

import pytest

from observe.briefings import services
from observe.briefings.models import Briefing
from observe.extensions import db
from tests.briefings.conftest import local


def csrf(client, path):
    html = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html)
    return match.group(1) if match else ""


def test_hq_builds_edits_reviews_and_publishes(client, login, briefing_day):
    login("hq")
    election = briefing_day.election
    form = client.get(f"/briefings/new?election_id={election.id}")
    assert form.status_code == 200
    response = client.post("/briefings/new", data={
        "election_id": election.id, "region": "", "cutoff": "2026-03-15T14:00",
        "language": "en", "title": "Two o'clock"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    briefing = db.session.scalar(db.select(Briefing))
    assert briefing.cutoff_at == local(14)
    page = client.get(f"/briefings/{briefing.id}").get_data(as_text=True)
    assert "As of 14:00, observers were present at 2 of 5 polling stations" in page
    assert re.search(r'data-cell="stations_present">2 / 5<', page)
    assert "<svg" in page and "style=" not in page
    # Never an observer's name on the page.
    for observer in briefing_day.observers.values():
        assert observer.full_name not in page
    edited = client.post(f"/briefings/{briefing.id}/edit", data={
        "title": "Two o'clock", "cutoff": "2026-03-15T14:00", "language": "en",
        "narrative": "Staff wrote this."})
    assert edited.status_code == 302
    assert "Staff wrote this." in client.get(f"/briefings/{briefing.id}").get_data(as_text=True)
    token = csrf(client, f"/briefings/{briefing.id}")
    assert client.post(f"/briefings/{briefing.id}/review",
                       data={"csrf_token": token}).status_code == 302
    assert client.post(f"/briefings/{briefing.id}/publish",
                       data={"csrf_token": token}).status_code == 302
    db.session.expire_all()
    assert briefing.status == "published" and briefing.figures["coverage"]["stations"] == 5
    # Frozen: the edit page sends back, a re-issue makes version 2.
    assert client.get(f"/briefings/{briefing.id}/edit").status_code == 302
    client.post(f"/briefings/{briefing.id}/reissue", data={"csrf_token": token})
    versions = db.session.scalars(db.select(Briefing).order_by(Briefing.version)).all()
    assert [(b.version, b.status) for b in versions] == [(1, "published"), (2, "draft")]
    listing = client.get("/briefings/").get_data(as_text=True)
    assert listing.count("data-briefing=") == 2


def test_refused_form_shows_errors(client, login, briefing_day):
    login("hq")
    response = client.post("/briefings/new?lang=en", data={
        "election_id": briefing_day.election.id, "region": "", "cutoff": "2099-01-01T10:00",
        "language": "en"})
    assert response.status_code == 200
    assert "The cut-off cannot be in the future." in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Briefing.id))) == 0


@pytest.fixture
def two_briefings(briefing_day, make_user):
    hq = make_user("hq")
    country = services.create_briefing(briefing_day.election, region="", cutoff=local(14),
                                       language="en", actor=hq)
    almaty = services.create_briefing(briefing_day.election, region="almaty",
                                      cutoff=local(14), language="en", actor=hq)
    karaganda = services.create_briefing(briefing_day.election, region="karaganda",
                                         cutoff=local(14), language="en", actor=hq)
    db.session.commit()
    return {"country": country, "almaty": almaty, "karaganda": karaganda}


def test_a_coordinator_works_in_their_region_only(client, login, briefing_day, two_briefings):
    login("coordinator", branch=briefing_day.branches["karaganda"])
    own = two_briefings["karaganda"].id
    listing = client.get("/briefings/").get_data(as_text=True)
    assert f'data-briefing="{own}"' in listing and listing.count("data-briefing=") == 1
    assert client.get(f"/briefings/{own}").status_code == 200
    assert client.get(f"/briefings/{own}/edit").status_code == 200
    for name in ("country", "almaty"):
        other = two_briefings[name].id
        assert client.get(f"/briefings/{other}").status_code == 404
        assert client.get(f"/briefings/{other}/edit").status_code == 404
        assert client.post(f"/briefings/{other}/review").status_code == 404
    # Only their own region is offered, and a country briefing is refused.
    form = client.get("/briefings/new").get_data(as_text=True)
    assert 'value="karaganda"' in form and 'value="almaty"' not in form
    assert client.post("/briefings/new", data={
        "election_id": briefing_day.election.id, "region": "almaty",
        "cutoff": "2026-03-15T14:00", "language": "en"}).status_code == 200
    # They review but do not publish.
    token = csrf(client, f"/briefings/{own}")
    client.post(f"/briefings/{own}/review", data={"csrf_token": token})
    page = client.get(f"/briefings/{own}?lang=en").get_data(as_text=True)
    assert ">Mark as reviewed<" not in page and ">Edit<" in page
    assert ">Publish<" not in page
    client.post(f"/briefings/{own}/publish", data={"csrf_token": token})
    db.session.expire_all()
    assert two_briefings["karaganda"].status == "reviewed"


@pytest.mark.parametrize("path, method", [
    ("/briefings/", "get"), ("/briefings/new", "get"), ("/briefings/new", "post"),
    ("/briefings/{id}", "get"), ("/briefings/{id}/edit", "get"), ("/briefings/{id}/edit", "post"),
    ("/briefings/{id}/review", "post"), ("/briefings/{id}/publish", "post"),
    ("/briefings/{id}/reissue", "post")])
def test_observers_may_not(client, login, two_briefings, path, method):
    login("observer")
    url = path.format(id=two_briefings["karaganda"].id)
    assert getattr(client, method)(url).status_code == 403
