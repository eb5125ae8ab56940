"""Broadcasts through HTTP: a coordinator (own region only) or HQ sends to a filtered set; the
observer sees a banner (delivered) and dismisses it (read); the sender sees the counts."""

import re

from sqlalchemy import select

from observe.extensions import db
from observe.fieldops.models import Broadcast, BroadcastReceipt
from observe.jobs.models import Job
from tests.fieldops.conftest import add_assignment, check_in, local, outbox


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status
    return response.get_data(as_text=True)


def receipts(broadcast) -> dict[int, BroadcastReceipt]:
    return {r.observer_id: r for r in db.session.scalars(select(BroadcastReceipt).where(
        BroadcastReceipt.broadcast_id == broadcast.id))}


def test_a_broadcast_to_those_not_checked_in_with_read_receipts(client, login, make_user,
                                                               make_station, make_certified,
                                                               polling_day):
    own = polling_day.own
    late = add_assignment(polling_day, make_station, make_certified, own)
    check_in(own, local(polling_day.election.polling_day, 6, 20))
    coordinator = make_user("coordinator", branch=own.branch, full_name="Erlan M")
    login(user=coordinator)
    form = page(client, "/fieldops/broadcasts")
    assert "Almaty" not in re.search(r'<select[^>]*name="region".*?</select>', form,
                                     re.S).group(0)
    message = {"election": polling_day.election.id, "district": "", "shift": "",
               "not_checked_in": "y", "body": "Check in now, please: the board shows you missing."}
    # Another region is refused; "every region" means the coordinator's own.
    assert client.post("/fieldops/broadcasts", data={**message, "region": "almaty"}
                       ).status_code == 400
    assert db.session.scalars(select(Broadcast)).first() is None
    response = client.post("/fieldops/broadcasts", data={**message, "region": ""})
    assert response.status_code == 302
    broadcast = db.session.scalars(select(Broadcast)).one()
    assert broadcast.region == own.station.region
    assert set(receipts(broadcast)) == {late.observer_id}
    assert [m.recipient for m in outbox("Message from Erlan M")] == [late.observer.user.email]
    # The e-mails went through a background job (run inline: no broker in the tests).
    job = db.session.scalars(select(Job)).one()
    assert (job.kind, job.status, job.user_id) == ("fieldops.broadcast_mail", "done",
                                                   coordinator.id)
    assert "Recipients: 1 · e-mailed: 1 · delivered: 0 · read: 0" in page(
        client, "/fieldops/broadcasts")
    client.post("/logout")
    # The observer sees the banner on any page (delivered), then dismisses it (read).
    login(user=late.observer.user)
    hub = page(client, "/reports/")
    assert "Check in now, please" in hub
    receipt = receipts(broadcast)[late.observer_id]
    assert receipt.delivered_at is not None and receipt.read_at is None
    dismissed = client.post(f"/fieldops/messages/{receipt.id}/read")
    assert dismissed.status_code == 302
    db.session.refresh(receipt)
    assert receipt.read_at is not None
    assert "Check in now, please" not in page(client, "/reports/")
    client.post("/logout")
    login(user=coordinator)
    assert "Recipients: 1 · e-mailed: 1 · delivered: 1 · read: 1" in page(
        client, "/fieldops/broadcasts")


def test_hq_broadcasts_to_a_district_and_a_shift(client, login, make_user, make_station,
                                                 make_certified, polling_day):
    other = polling_day.other
    medeu = add_assignment(polling_day, make_station, make_certified, other, district="Medeu")
    add_assignment(polling_day, make_station, make_certified, other, district="Medeu",
                   shift="morning")
    afternoon = add_assignment(polling_day, make_station, make_certified, other,
                               district="Medeu", shift="afternoon")
    add_assignment(polling_day, make_station, make_certified, other, district="Medeu",
                   status="withdrawn")
    login("hq")
    response = client.post("/fieldops/broadcasts", data={
        "election": polling_day.election.id, "region": "almaty", "district": "Medeu",
        "shift": "afternoon", "body": "The afternoon shift starts at 14:00."})
    assert response.status_code == 302
    broadcast = db.session.scalars(select(Broadcast)).one()
    # The afternoon shift and the whole-day observers, who are there in the afternoon too.
    assert set(receipts(broadcast)) == {medeu.observer_id, afternoon.observer_id}


def test_a_refused_broadcast_keeps_the_text(client, login, make_user, polling_day):
    login(user=make_user("coordinator", branch=polling_day.own.branch))
    response = client.post("/fieldops/broadcasts", data={
        "election": polling_day.election.id, "district": "Nowhere district", "body": "Hello"})
    assert response.status_code == 400
    assert "Hello" in response.get_data(as_text=True)
    response = client.post("/fieldops/broadcasts", data={
        "election": polling_day.election.id, "body": "x" * 501})
    assert response.status_code == 400
    assert db.session.scalars(select(Broadcast)).first() is None


def test_an_observer_cannot_dismiss_someone_elses_message(client, login, polling_day):
    login("hq")
    client.post("/fieldops/broadcasts", data={"election": polling_day.election.id,
                                              "body": "Everyone: polls close at 20:00."})
    receipt = db.session.scalars(select(BroadcastReceipt).where(
        BroadcastReceipt.observer_id == polling_day.own.observer.id)).one()
    client.post("/logout")
    login(user=polling_day.other.user)
    assert client.post(f"/fieldops/messages/{receipt.id}/read").status_code == 404
    db.session.refresh(receipt)
    assert receipt.read_at is None
