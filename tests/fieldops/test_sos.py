"""SOS through HTTP: the hub's button, stored once per UUID (a retry or the offline queue's
resend gets the stored one), an optional photo through the files module, coordinator and HQ
alerted at once, acknowledged ("seen by ... at ...") and resolved with a note; scope."""

import io
import re
import uuid

from sqlalchemy import func, select

from observe.extensions import db
from observe.fieldops.models import SosSignal
from tests.fieldops.conftest import outbox
from tests.reports.conftest import JPEG


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status
    return response.get_data(as_text=True)


def signals() -> int:
    return db.session.scalar(select(func.count(SosSignal.id)))


def send(client, station_id, **fields):
    data = {"uuid": str(uuid.uuid4()), "reason": "removed", "note": "", **fields}
    return client.post(f"/fieldops/stations/{station_id}/sos", data=data,
                       content_type="multipart/form-data")


def test_the_hub_has_the_sos_button(client, login, polling_day):
    login(user=polling_day.own.user)
    html = page(client, "/reports/")
    assert f'href="/fieldops/stations/{polling_day.own.station.id}/sos"' in html
    form = page(client, f"/fieldops/stations/{polling_day.own.station.id}/sos")
    assert "I am being removed" in form and "data-report-form" in form
    assert 'name="uuid"' in form


def test_sos_is_stored_once_and_alerts_coordinator_and_hq(client, login, make_user,
                                                          polling_day):
    coordinator = make_user("coordinator", branch=polling_day.own.branch)
    elsewhere = make_user("coordinator", branch=polling_day.other.branch)
    hq = make_user("hq")
    login(user=polling_day.own.user)
    submission = str(uuid.uuid4())
    first = send(client, polling_day.own.station.id, uuid=submission, note="Police at the door",
                 latitude="49.80", longitude="73.10", accuracy="20")
    assert first.status_code == 302
    assert re.search(r"/fieldops/sos/mine/\d+$", first.headers["Location"])
    # The phone's queue resends the same UUID: stored once, the same receipt.
    again = send(client, polling_day.own.station.id, uuid=submission)
    assert again.headers["Location"] == first.headers["Location"]
    assert signals() == 1
    signal = db.session.scalars(select(SosSignal)).one()
    assert (signal.reason, signal.status, signal.note) == ("removed", "open", "Police at the door")
    assert (signal.latitude, signal.longitude) == (49.80, 73.10)
    mails = outbox("SOS at station")
    assert sorted(m.recipient for m in mails) == sorted([coordinator.email, hq.email])
    assert elsewhere.email not in {m.recipient for m in mails}
    assert f"/fieldops/sos/{signal.id}" in mails[0].body
    html = page(client, first.headers["Location"])
    assert "waiting for your coordinator or HQ to see it" in html


def test_an_sos_with_a_photo_and_a_refused_one(client, login, make_user, polling_day):
    login(user=polling_day.own.user)
    url = f"/fieldops/stations/{polling_day.own.station.id}/sos"
    refused = client.post(url, data={"uuid": str(uuid.uuid4()), "reason": "unsafe",
                                     "note": "Threatened by a man in a grey jacket",
                                     "photo": (io.BytesIO(b"<html>not a photo</html>"),
                                               "photo.jpg")},
                          content_type="multipart/form-data")
    assert refused.status_code == 200
    html = refused.get_data(as_text=True)
    assert "Threatened by a man in a grey jacket" in html  # nothing typed is lost
    assert "invalid-feedback" in html or "alert-danger" in html
    assert signals() == 0
    sent = client.post(url, data={"uuid": str(uuid.uuid4()), "reason": "unsafe",
                                  "photo": (io.BytesIO(JPEG), "photo.jpg")},
                       content_type="multipart/form-data")
    assert sent.status_code == 302
    signal = db.session.scalars(select(SosSignal)).one()
    assert signal.photo_type == "image/jpeg" and len(signal.photo_sha256) == 64
    client.post("/logout")
    login(user=make_user("coordinator", branch=polling_day.own.branch))
    photo = client.get(f"/fieldops/sos/{signal.id}/photo")
    assert photo.status_code == 200 and photo.data == JPEG


def test_acknowledge_then_resolve_and_the_observer_sees_who_and_when(client, login, make_user,
                                                                     polling_day, clock):
    login(user=polling_day.own.user)
    receipt = send(client, polling_day.own.station.id).headers["Location"]
    signal = db.session.scalars(select(SosSignal)).one()
    client.post("/logout")
    coordinator = make_user("coordinator", branch=polling_day.own.branch, full_name="Erlan M")
    login(user=coordinator)
    board = page(client, "/fieldops/?lang=en")  # the banner's words are matched in English
    assert f'data-state="sos" data-assignment="{polling_day.own.assignment.id}"' in board
    assert "1 open SOS" in board
    clock.set(10, 42)
    assert client.post(f"/fieldops/sos/{signal.id}/acknowledge").status_code == 302
    refused = client.post(f"/fieldops/sos/{signal.id}/resolve", data={"note": ""})
    assert refused.status_code == 400
    db.session.refresh(signal)
    assert (signal.status, signal.acknowledged_by_id) == ("acknowledged", coordinator.id)
    assert "1 open SOS" not in page(client, "/fieldops/alerts")
    client.post("/logout")
    login(user=polling_day.own.user)
    assert "Seen by Erlan M at 10:42" in page(client, receipt)
    assert "seen by Erlan M at 10:42" in page(client, "/reports/")
    client.post("/logout")
    login(user=coordinator)
    clock.set(11, 5)
    done = client.post(f"/fieldops/sos/{signal.id}/resolve",
                       data={"note": "Called the TEC; the observer is back inside."})
    assert done.status_code == 302
    db.session.refresh(signal)
    assert signal.status == "resolved" and signal.resolved_by_id == coordinator.id
    assert "back inside" in signal.resolution_note
    # Resolved: the board shows the station's own state again.
    assert f'data-state="late" data-assignment="{polling_day.own.assignment.id}"' in page(
        client, "/fieldops/")


def test_scope_of_sos(client, login, make_user, polling_day):
    login(user=polling_day.own.user)
    receipt = send(client, polling_day.own.station.id).headers["Location"]
    signal = db.session.scalars(select(SosSignal)).one()
    # Not from a station the observer is not assigned to.
    assert send(client, polling_day.other.station.id).status_code == 404
    assert send(client, polling_day.spare_station.id).status_code == 404
    client.post("/logout")
    login(user=polling_day.other.user)
    assert client.get(receipt).status_code == 404
    client.post("/logout")
    login(user=make_user("coordinator", branch=polling_day.other.branch))
    for url in (f"/fieldops/sos/{signal.id}", f"/fieldops/sos/{signal.id}/photo"):
        assert client.get(url).status_code == 404
    assert client.post(f"/fieldops/sos/{signal.id}/acknowledge").status_code == 404
    assert client.post(f"/fieldops/sos/{signal.id}/resolve", data={"note": "x"}
                       ).status_code == 404
    db.session.refresh(signal)
    assert signal.status == "open"
    assert signals() == 1


def test_the_photo_of_an_sos_sent_without_one_is_added_from_its_receipt(client, login, make_user,
                                                                         polling_day):
    """The offline queue sends an SOS without its photo; the receipt takes it afterwards."""
    login(user=polling_day.own.user)
    receipt = send(client, polling_day.own.station.id).headers["Location"]
    signal = db.session.scalars(select(SosSignal)).one()
    assert 'class="mb-3 sos-photo-form"' in page(client, receipt)
    add = f"{receipt}/photo"
    lying = client.post(add, data={"photo": (io.BytesIO(b"<html>no</html>"), "photo.jpg")},
                        content_type="multipart/form-data")
    assert lying.status_code == 400 and "alert-danger" in lying.get_data(as_text=True)
    db.session.refresh(signal)
    assert not signal.photo_name
    added = client.post(add, data={"photo": (io.BytesIO(JPEG), "photo.jpg")},
                        content_type="multipart/form-data")
    assert added.status_code == 302 and added.headers["Location"].endswith(receipt)
    db.session.refresh(signal)
    assert signal.photo_type == "image/jpeg" and len(signal.photo_sha256) == 64
    assert "Your photo was sent with this SOS." in page(client, receipt)
    second = client.post(add, data={"photo": (io.BytesIO(JPEG), "again.jpg")},
                         content_type="multipart/form-data")
    assert second.status_code == 400
    assert "already has its photo" in second.get_data(as_text=True)
    client.post("/logout")
    # Another observer cannot add to it or see it; the region's coordinator sees the photo.
    login(user=polling_day.other.user)
    assert client.post(add, data={"photo": (io.BytesIO(JPEG), "x.jpg")},
                       content_type="multipart/form-data").status_code == 404
    client.post("/logout")
    login(user=make_user("coordinator", branch=polling_day.own.branch))
    assert client.post(add, data={"photo": (io.BytesIO(JPEG), "x.jpg")},
                       content_type="multipart/form-data").status_code == 403
    photo = client.get(f"/fieldops/sos/{signal.id}/photo")
    assert photo.status_code == 200 and photo.data == JPEG
