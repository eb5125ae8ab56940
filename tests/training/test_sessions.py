from datetime import timedelta

import pytest
from sqlalchemy import select

from observe.common.db import utcnow
from observe.extensions import db
from observe.training import services
from observe.training.models import Registration, TrainingSession


def test_observer_registers_and_cancels(client, login_as, make_branch, make_session,
                                        make_trainee):
    branch = make_branch()
    session = make_session(branch, capacity=2)
    observer = make_trainee(branch)
    login_as(observer.user)
    page = client.get("/training/?lang=en").get_data(as_text=True)
    assert session.title in page
    assert "zoom.us/j/123456789" not in page  # credentials only once registered

    response = client.post(f"/training/sessions/{session.id}/register")
    assert response.status_code == 302
    page = client.get("/training/?lang=en").get_data(as_text=True)
    assert "zoom.us/j/123456789" in page
    assert db.session.get(TrainingSession, session.id).seats_taken == 1

    client.post(f"/training/sessions/{session.id}/unregister")
    registration = db.session.execute(select(Registration)).scalar_one()
    assert registration.cancelled_at is not None
    assert db.session.get(TrainingSession, session.id).seats_taken == 0


def test_full_session_refuses_with_a_message(client, login_as, make_branch, make_session,
                                             make_trainee):
    branch = make_branch()
    session = make_session(branch, capacity=1)
    first, second = make_trainee(branch), make_trainee(branch)
    login_as(first.user)
    client.post(f"/training/sessions/{session.id}/register")
    login_as(second.user)
    response = client.post(f"/training/sessions/{session.id}/register?lang=en",
                           follow_redirects=True)
    assert "This session is full." in response.get_data(as_text=True)
    assert db.session.get(TrainingSession, session.id).seats_taken == 1


def test_other_branch_session_is_hidden(client, login_as, make_branch, make_session,
                                        make_trainee):
    mine, theirs = make_branch(), make_branch()
    session = make_session(theirs, starts_at=utcnow() + timedelta(days=3))
    observer = make_trainee(mine)
    login_as(observer.user)
    assert session.title not in client.get("/training/").get_data(as_text=True)
    assert client.post(f"/training/sessions/{session.id}/register").status_code == 404


BAD_LINKS = ["javascript:alert(document.cookie)", "http://zoom.us/j/123",
             "https://zoom.us/j/1\r\nX-EVIL:1", "zoom.us/j/123", "https:///nohost"]


def _session_form(modules, **overrides):
    data = {"title": "Права и обязанности наблюдателя", "branch_id": "0", "online": "1",
            "zoom_url": "https://zoom.us/j/81234567890", "zoom_meeting_id": "812 3456 7890",
            "zoom_passcode": "baqyla", "venue": "", "address": "",
            "starts_at": "2030-03-05T18:00", "ends_at": "2030-03-05T20:00", "capacity": "40",
            "min_attendance_minutes": "60", "modules": [str(m.id) for m in modules],
            "description": ""}
    data.update(overrides)
    return data


@pytest.mark.parametrize("link", BAD_LINKS)
def test_only_https_zoom_links_are_accepted_by_the_form(client, login, modules, link):
    login("hq")
    response = client.post("/training/sessions/new?lang=en",
                           data=_session_form(modules, zoom_url=link))
    assert response.status_code == 200
    assert "starting with https://" in response.get_data(as_text=True)
    assert db.session.execute(select(TrainingSession)).first() is None

    response = client.post("/training/sessions/new", data=_session_form(modules))
    assert response.status_code == 302


@pytest.mark.parametrize("link", BAD_LINKS)
def test_only_https_zoom_links_are_accepted_by_the_service(make_session, link):
    with pytest.raises(services.TrainingError) as refused:
        make_session(None, zoom_url=link)
    assert refused.value.fields == {"zoom_url": [
        "Enter the Zoom link as a web address starting with https://."]}


def test_a_bad_stored_link_is_not_rendered_as_a_link(client, login_as, make_branch,
                                                     make_session, make_trainee):
    branch = make_branch()
    session = make_session(branch)
    observer = make_trainee(branch)
    services.register(session, observer)
    # Stored before links were checked (or written to the database directly).
    session.zoom_url = "javascript:alert(document.cookie)"
    db.session.commit()
    login_as(observer.user)
    page = client.get("/training/?lang=en").get_data(as_text=True)
    assert 'href="javascript:' not in page
    assert "not a valid https link" in page
