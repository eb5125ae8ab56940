"""Staff pages through the HTTP client: a coordinator submits with a photo, HQ reviews; region
scope on every post route; a refused form keeps what was typed."""

import io

import pytest
from sqlalchemy import select

from observe.extensions import db
from observe.updates.models import Post
from tests.updates.conftest import jpeg


@pytest.fixture(autouse=True)
def _english(english):
    """Staff pages in English."""


def test_a_coordinator_submits_a_post_with_a_photo(client, login, world):
    login(user=world.coordinator)
    page = client.get("/updates/posts/new")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Almaty" not in html.split('id="region"')[1].split("</select>")[0]  # own region only
    response = client.post("/updates/posts/new", data={
        "region": "karaganda", "title": "Station 101 opened", "body": "At 07:00 sharp.",
        "video_url": "https://youtu.be/abc", "election_id": str(world.election.id),
        "station_id": str(world.station.id),
        "photos": [(io.BytesIO(jpeg()), "open.jpg")]}, content_type="multipart/form-data")
    assert response.status_code == 302
    post = db.session.scalar(select(Post))
    assert (post.title, post.status, post.region, post.station_id) == (
        "Station 101 opened", "submitted", "karaganda", world.station.id)
    assert [m.kind for m in post.media] == ["photo"]
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Waiting for HQ" in shown and "Approve" not in shown
    preview = client.get(f"/updates/posts/{post.id}/media/{post.media[0].id}")
    assert preview.status_code == 200 and preview.mimetype == "image/jpeg"


def test_a_refused_form_keeps_what_was_typed(client, login, world):
    login(user=world.coordinator)
    response = client.post("/updates/posts/new", data={
        "region": "karaganda", "title": "Live from Karaganda", "body": "Keep this text.",
        "video_url": "https://vimeo.com/1"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Live from Karaganda" in html and "Keep this text." in html
    assert "YouTube, Facebook, Instagram or Telegram" in html
    assert db.session.scalar(select(Post)) is None


def test_a_coordinator_may_not_post_for_another_region(client, login, world):
    login(user=world.coordinator)
    response = client.post("/updates/posts/new", data={"region": "almaty", "title": "Not mine"})
    assert response.status_code == 200  # refused choice
    assert db.session.scalar(select(Post)) is None


def test_region_scope_on_every_post_route(client, login, world, make_post):
    post = make_post(to="submitted", region="almaty")
    login(user=world.coordinator)
    for method, path in (("GET", ""), ("GET", "/edit"), ("POST", "/edit"),
                         ("POST", "/evidence"), ("POST", "/media/1/remove"),
                         ("GET", "/media/1")):
        response = client.open(f"/updates/posts/{post.id}{path}", method=method)
        assert response.status_code == 404, (method, path)
    listing = client.get("/updates/posts/").get_data(as_text=True)
    assert post.title not in listing
    assert client.post(f"/updates/posts/{post.id}/approve").status_code == 403


def test_hq_returns_then_approves_and_publishes(client, login, world, make_post):
    post = make_post(to="submitted")
    login(user=world.hq)
    page = client.get(f"/updates/posts/{post.id}").get_data(as_text=True)
    assert "Approve" in page and "Send back to the region" in page
    client.post(f"/updates/posts/{post.id}/return", data={"comment": "Name the station."})
    db.session.expire_all()
    assert post.status == "returned"
    # the coordinator sees the comment and resubmits
    client.post("/logout")
    client.get("/login?lang=en")
    login(user=world.coordinator)
    page = client.get(f"/updates/posts/{post.id}").get_data(as_text=True)
    assert "Name the station." in page
    client.post(f"/updates/posts/{post.id}/edit", data={
        "region": "karaganda", "title": "Station 101 opened", "body": "At 07:00.",
        "election_id": str(world.election.id)})
    db.session.expire_all()
    assert post.status == "submitted" and post.title == "Station 101 opened"
    client.post("/logout")
    client.get("/login?lang=en")
    login(user=world.hq)
    assert client.post(f"/updates/posts/{post.id}/approve").status_code == 302
    client.post(f"/updates/posts/{post.id}/publish", data={"publish_at": ""})
    client.post(f"/updates/posts/{post.id}/pin")
    db.session.expire_all()
    assert (post.status, post.pinned) == ("published", True)
    page = client.get(f"/updates/posts/{post.id}").get_data(as_text=True)
    assert "Open on the public page" in page and "Withdraw from the public page" in page


def test_hq_schedules_publication_in_local_time(client, login, world, make_post):
    post = make_post(to="approved")
    login(user=world.hq)
    client.post(f"/updates/posts/{post.id}/publish", data={"publish_at": "2031-03-15T21:00"})
    db.session.expire_all()
    assert post.status == "published"
    assert post.publish_at.isoformat() == "2031-03-15T16:00:00+00:00"  # 21:00 in Almaty
    page = client.get(f"/updates/posts/{post.id}").get_data(as_text=True)
    assert "scheduled for" in page


def test_staff_menu_and_home_card(client, login, world):
    login(user=world.coordinator)
    home = client.get("/").get_data(as_text=True)
    assert 'href="/updates/posts/"' in home and 'id="home-updates"' in home


def test_hq_clears_an_incident_photo_for_a_post(client, login, world, incident_photo):
    incident, evidence = incident_photo
    login(user=world.coordinator)
    response = client.post("/updates/posts/new", data={
        "region": "karaganda", "title": "Ballots in box 2", "body": "Verified by the branch.",
        "incident_id": str(incident.id)})
    post = db.session.scalar(select(Post))
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f'data-evidence="{evidence.id}"' in page
    assert "HQ must clear this photo for the public first." in page
    client.post(f"/updates/posts/{post.id}/evidence", data={"evidence_id": str(evidence.id),
                                                            "confirm": "y"})
    db.session.expire_all()
    assert post.media == [] and evidence.public_at is None  # a coordinator cannot clear it

    client.post("/logout")
    client.get("/login?lang=en")
    login(user=world.hq)
    page = client.get(f"/updates/posts/{post.id}").get_data(as_text=True)
    assert "Make public and add to the post" in page and 'name="confirm"' in page
    refused = client.post(f"/updates/posts/{post.id}/evidence",
                          data={"evidence_id": str(evidence.id)}, follow_redirects=True)
    assert "Confirm that no face or number plate can be recognised." in \
        refused.get_data(as_text=True)
    db.session.expire_all()
    assert evidence.public_at is None
    client.post(f"/updates/posts/{post.id}/evidence", data={"evidence_id": str(evidence.id),
                                                            "confirm": "y"})
    db.session.expire_all()
    assert evidence.public_at is not None and [m.evidence_id for m in post.media] == [evidence.id]
    # an evidence id of another incident is not found from this post
    assert client.post(f"/updates/posts/{post.id}/evidence",
                       data={"evidence_id": "999999", "confirm": "y"}).status_code == 404
    client.post(f"/updates/posts/{post.id}/approve")
    client.post(f"/updates/posts/{post.id}/publish", data={"publish_at": ""})
    media = client.get(f"/updates/media/{post.media[0].id}")
    assert media.status_code == 200 and media.mimetype == "image/jpeg"


def test_hq_is_warned_of_personal_data_in_a_post(client, login, world, make_post):
    from tests.observers.factories import valid_iin

    clean = make_post(to="submitted", body="Stations opened at 07:00.")
    leaky = make_post(to="submitted", body=f"Call Aigerim on 8 (701) 234-56-78, IIN "
                                           f"{valid_iin()}, or aigerim@mail.kz.")
    login(user=world.hq)
    assert "data-personal-data" not in client.get(f"/updates/posts/{clean.id}").get_data(
        as_text=True)
    page = client.get(f"/updates/posts/{leaky.id}").get_data(as_text=True)
    assert "data-personal-data" in page
    assert "a phone number, an IIN, an e-mail address" in page
