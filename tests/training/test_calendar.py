import hashlib
import re
from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from observe.audit.models import AuditEntry
from observe.common.db import utcnow
from observe.extensions import db
from observe.training import services
from observe.training.ical import new_feed_token, token_digest
from observe.training.models import CalendarFeed, TrainingSession

ZOOM = "https://zoom.us/j/123456789"


def _at_18_almaty(days: int = 5) -> datetime:
    """18:00 in Almaty (UTC+5), some days ahead: 13:00 UTC."""
    day = (utcnow() + timedelta(days=days)).date()
    return datetime(day.year, day.month, day.day, 13, 0, tzinfo=UTC)


def _events(response) -> dict[str, object]:
    calendar = Calendar.from_ical(response.data)
    return {str(event["SUMMARY"]): event for event in calendar.walk("VEVENT")}


def _feed_token(observer) -> str:
    token = new_feed_token(observer)
    db.session.commit()
    return token


def _register(session, observer):
    services.register(session, observer)
    db.session.commit()


def test_session_ics_in_utc_with_zoom_for_a_registered_observer(client, login_as, make_branch,
                                                                make_session, make_trainee):
    branch = make_branch()
    session = make_session(branch, starts_at=_at_18_almaty(), title="Rights and duties")
    observer = make_trainee(branch)
    _register(session, observer)
    login_as(observer.user)

    response = client.get(f"/training/sessions/{session.id}.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    calendar = Calendar.from_ical(response.data)
    assert str(calendar["VERSION"]) == "2.0"
    assert "PRODID" in calendar
    (event,) = calendar.walk("VEVENT")
    stored = db.session.get(TrainingSession, session.id)
    assert event["DTSTART"].dt == stored.starts_at
    assert event["DTSTART"].dt == _at_18_almaty()
    assert event["DTSTART"].dt.utcoffset() == timedelta(0)
    assert event["DTEND"].dt == stored.ends_at
    assert b"T130000Z" in response.data
    assert str(event["UID"]) == f"training-session-{session.id}@observe"
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["SUMMARY"]) == "Rights and duties"
    assert str(event["LOCATION"]) == "Zoom"
    assert str(event["URL"]) == ZOOM
    description = str(event["DESCRIPTION"])
    assert ZOOM in description and "123 456 789" in description and "observe" in description
    assert "DTSTAMP" in event and "SEQUENCE" in event


def test_session_ics_without_zoom_for_an_unregistered_observer(client, login_as, make_branch,
                                                               make_session, make_trainee):
    branch = make_branch()
    session = make_session(branch, zoom_passcode="s3cret-pass")
    observer = make_trainee(branch)
    login_as(observer.user)
    response = client.get(f"/training/sessions/{session.id}.ics")
    assert response.status_code == 200
    (event,) = _events(response).values()
    assert "URL" not in event
    assert str(event["LOCATION"]) == "Zoom"
    for secret in (b"zoom.us", b"123 456 789", b"s3cret-pass"):
        assert secret not in response.data


def test_session_ics_without_zoom_after_the_observer_cancelled(client, login_as, make_branch,
                                                               make_session, make_trainee):
    branch = make_branch()
    session = make_session(branch)
    observer = make_trainee(branch)
    _register(session, observer)
    services.cancel_registration(session, observer)
    db.session.commit()
    login_as(observer.user)
    response = client.get(f"/training/sessions/{session.id}.ics")
    assert response.status_code == 200
    assert b"zoom.us" not in response.data


def test_offline_session_location_is_the_venue(client, login_as, make_branch, make_session,
                                               make_trainee):
    branch = make_branch()
    session = make_session(branch, online=False, zoom_url="", zoom_meeting_id="",
                           zoom_passcode="", venue="Hotel Kazakhstan", address="Abai 52")
    observer = make_trainee(branch)
    _register(session, observer)
    login_as(observer.user)
    (event,) = _events(client.get(f"/training/sessions/{session.id}.ics")).values()
    assert str(event["LOCATION"]) == "Hotel Kazakhstan, Abai 52"
    assert "URL" not in event


@pytest.mark.parametrize("role", ["admin", "hq", "coordinator"])
def test_staff_get_the_zoom_details(client, login, make_branch, make_session, role):
    branch = make_branch()
    session = make_session(branch)
    login(role, **({"branch": branch} if role == "coordinator" else {}))
    response = client.get(f"/training/sessions/{session.id}.ics")
    assert response.status_code == 200
    (event,) = _events(response).values()
    assert str(event["URL"]) == ZOOM
    assert "123 456 789" in str(event["DESCRIPTION"])


def test_coordinator_of_another_branch_gets_national_sessions_only(client, login, make_branch,
                                                                   make_session):
    mine, theirs = make_branch(), make_branch()
    foreign, national = make_session(theirs), make_session(None)
    login("coordinator", branch=mine)
    assert client.get(f"/training/sessions/{foreign.id}.ics").status_code == 404
    assert client.get(f"/training/sessions/{national.id}.ics").status_code == 200


def test_another_branch_session_is_404_for_an_observer(client, login_as, make_branch,
                                                       make_session, make_trainee):
    mine, theirs = make_branch(), make_branch()
    foreign, national = make_session(theirs), make_session(None)
    login_as(make_trainee(mine).user)
    assert client.get(f"/training/sessions/{foreign.id}.ics").status_code == 404
    assert client.get(f"/training/sessions/{national.id}.ics").status_code == 200
    assert client.get("/training/sessions/999999.ics").status_code == 404


def test_anonymous_is_sent_to_sign_in_for_a_session_ics(client, make_session):
    session = make_session(None)
    response = client.get(f"/training/sessions/{session.id}.ics")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_feed_lists_the_observers_sessions_with_cancellations(client, make_branch, make_user,
                                                              make_session, make_trainee):
    branch, theirs = make_branch(), make_branch()
    hq = make_user("hq")
    kept = make_session(branch, title="Kept", starts_at=_at_18_almaty(3))
    called_off = make_session(None, title="Called off")
    dropped = make_session(branch, title="Dropped")
    make_session(branch, title="Not registered")
    make_session(theirs, title="Other branch")
    observer, neighbour = make_trainee(branch), make_trainee(branch)
    for session in (kept, called_off, dropped):
        _register(session, observer)
    neighbour_only = make_session(branch, title="Neighbour's")
    _register(neighbour_only, neighbour)
    services.cancel_registration(dropped, observer)
    services.cancel_session(called_off, "The speaker is ill", actor=hq)
    db.session.commit()

    response = client.get(f"/training/calendar/{_feed_token(observer)}.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.data)
    assert str(calendar["X-WR-CALNAME"])
    events = _events(response)
    assert set(events) == {"Kept", "Called off"}
    assert str(events["Kept"]["STATUS"]) == "CONFIRMED"
    assert events["Kept"]["DTSTART"].dt == _at_18_almaty(3)
    assert str(events["Kept"]["URL"]) == ZOOM
    assert str(events["Called off"]["STATUS"]) == "CANCELLED"
    assert "The speaker is ill" in str(events["Called off"]["DESCRIPTION"])
    assert str(events["Called off"]["UID"]) == f"training-session-{called_off.id}@observe"


def test_feed_holds_no_personal_data(client, make_branch, make_session, make_trainee):
    branch = make_branch()
    session = make_session(branch)
    observer = make_trainee(branch)
    _register(session, observer)
    body = client.get(f"/training/calendar/{_feed_token(observer)}.ics").get_data(as_text=True)
    unfolded = body.replace("\r\n ", "")
    for secret in (observer.iin, observer.phone, observer.full_name, observer.email,
                   observer.user.email):
        assert secret and secret not in unfolded
    assert "ATTENDEE" not in body and "ORGANIZER" not in body


def test_session_changes_bump_the_sequence(client, make_branch, make_user, make_session,
                                           make_trainee):
    branch = make_branch()
    session = make_session(branch)
    session.created_at = session.updated_at = utcnow() - timedelta(hours=1)  # scheduled earlier
    db.session.commit()
    observer = make_trainee(branch)
    _register(session, observer)
    url = f"/training/calendar/{_feed_token(observer)}.ics"
    (before,) = _events(client.get(url)).values()
    assert int(before["SEQUENCE"]) == 0
    services.update_session(session, title="Moved", actor=make_user("hq"))
    db.session.commit()
    (after,) = _events(client.get(url)).values()
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])
    assert str(after["UID"]) == str(before["UID"])


def test_unknown_token_is_404(client):
    assert client.get("/training/calendar/not-a-token.ics").status_code == 404
    assert client.get("/training/calendar/" + "x" * 80 + ".ics").status_code == 404


def test_feed_of_a_deactivated_account_is_404(client, make_branch, make_trainee):
    observer = make_trainee(make_branch())
    token = _feed_token(observer)
    observer.user.is_active = False
    db.session.commit()
    assert client.get(f"/training/calendar/{token}.ics").status_code == 404


def test_feed_is_rate_limited(client, make_branch, make_trainee):
    url = f"/training/calendar/{_feed_token(make_trainee(make_branch()))}.ics"
    statuses = [client.get(url).status_code for _ in range(61)]
    assert statuses[:60] == [200] * 60
    assert statuses[60] == 429


def _feed_url_on(page: str) -> str:
    found = re.search(r'id="calendar-feed-url" type="text" value="(http://localhost/training/'
                      r'calendar/([^"/]+)\.ics)"', page)
    assert found, page
    return found.group(2)


def test_my_page_offers_the_feed_and_session_links(client, login_as, make_branch, make_session,
                                                   make_trainee):
    branch = make_branch()
    session = make_session(branch)
    observer = make_trainee(branch)
    login_as(observer.user)
    page = client.get("/training/?lang=en").get_data(as_text=True)
    assert "Get my calendar address" in page
    assert f"/training/sessions/{session.id}.ics" in page
    assert "Add to calendar (.ics)" in page
    # A page view makes no token: it is made, and shown, on request.
    assert db.session.execute(select(CalendarFeed)).first() is None

    response = client.post("/training/calendar/regenerate?lang=en")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    token = _feed_url_on(page)
    assert f"webcal://localhost/training/calendar/{token}.ics" in page
    assert 'data-copy-target="calendar-feed-url"' in page
    assert client.get(f"/training/calendar/{token}.ics").status_code == 200

    # Afterwards the training page no longer shows it, and offers a new one instead.
    page = client.get("/training/?lang=en").get_data(as_text=True)
    assert token not in page and "Make a new address" in page


def test_feed_tokens_are_stored_hashed(client, login_as, make_branch, make_trainee):
    observer = make_trainee(make_branch())
    login_as(observer.user)
    token = _feed_url_on(client.post("/training/calendar/regenerate").get_data(as_text=True))
    stored = db.session.execute(select(CalendarFeed)).scalar_one()
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest() == token_digest(token)
    assert token not in str({c.name: getattr(stored, c.name)
                             for c in CalendarFeed.__table__.columns})


def test_regenerate_replaces_the_feed_url(client, login_as, make_branch, make_trainee):
    observer = make_trainee(make_branch())
    old = _feed_token(observer)
    login_as(observer.user)
    assert client.get(f"/training/calendar/{old}.ics").status_code == 200

    response = client.post("/training/calendar/regenerate")
    assert response.status_code == 200
    new = _feed_url_on(response.get_data(as_text=True))
    assert new != old
    assert client.get(f"/training/calendar/{old}.ics").status_code == 404
    assert client.get(f"/training/calendar/{new}.ics").status_code == 200
    entries = db.session.execute(select(AuditEntry).where(
        AuditEntry.action == "training.feed_regenerate").order_by(AuditEntry.id)).scalars().all()
    assert entries[-1].actor_id == observer.user.id
    assert all(old not in str(e.after) and new not in str(e.after) for e in entries)


@pytest.mark.parametrize("role", ["admin", "hq", "coordinator"])
def test_only_observers_regenerate(client, login, role):
    login(role)
    assert client.post("/training/calendar/regenerate").status_code == 403


def test_anonymous_cannot_regenerate(client):
    response = client.post("/training/calendar/regenerate")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_one_bad_session_does_not_break_the_calendars(client, login_as, make_branch,
                                                      make_session, make_trainee):
    branch = make_branch()
    good = make_session(branch, title="Good")
    bad = make_session(branch, title="Bad")
    observer = make_trainee(branch)
    for session in (good, bad):
        _register(session, observer)
    # Written straight into the database: a CR/LF in the link, control characters elsewhere.
    bad.zoom_url = "https://zoom.us/j/1\r\nX-EVIL:1"
    bad.zoom_passcode = "pass\r\nATTENDEE:mailto:x@example.org"
    bad.title = "Bad\x07 title\r\nSTATUS:CANCELLED"
    db.session.commit()

    feed = client.get(f"/training/calendar/{_feed_token(observer)}.ics")
    assert feed.status_code == 200
    events = _events(feed)
    assert str(events["Good"]["URL"]) == ZOOM
    (broken,) = [e for name, e in events.items() if name != "Good"]
    assert "URL" not in broken and str(broken["STATUS"]) == "CONFIRMED"
    for line in feed.data.split(b"\r\n"):
        assert not line.startswith((b"X-EVIL", b"ATTENDEE", b"STATUS:CANCELLED"))
    assert b"\x07" not in feed.data

    login_as(observer.user)
    single = client.get(f"/training/sessions/{bad.id}.ics")
    assert single.status_code == 200
    assert b"X-EVIL:1\r\n" not in single.data
