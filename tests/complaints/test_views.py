"""The complaint pages through HTTP: HQ opens, files, answers and appeals; coordinators read
their region only; observers are kept out; the board puts overdue answers first."""

import io
from datetime import timedelta

from docx import Document

from observe.common.db import utcnow
from observe.common.timezones import local_input
from observe.complaints import services
from observe.complaints.models import Complaint
from observe.extensions import db


def test_hq_opens_files_answers_and_appeals(world, client, login):
    login(user=world.hq)
    refs = ", ".join(i.reference for i in world.own)
    page = client.get(f"/complaints/new?incident={world.own[0].id}").get_data(as_text=True)
    assert f"I-{world.own[0].id}" in page
    response = client.post("/complaints/new", data={"incidents": refs, "body": "precinct",
                                                    "body_name": "УИК № 5", "language": "ru"})
    assert response.status_code == 302
    complaint = db.session.query(Complaint).one()
    url = f"/complaints/{complaint.id}"
    filed = local_input(utcnow() - timedelta(hours=3))
    assert client.post(f"{url}/file", data={"filed_at": filed, "incoming_number": "42"}) \
        .status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "Answer due" in page and "42" in page
    answered = local_input(utcnow() - timedelta(hours=1))
    assert client.post(f"{url}/answer", data={"outcome": "rejected", "answered_at": answered,
                                              "answer": "Отказано."}).status_code == 302
    response = client.post(f"{url}/appeal", data={"body": "district", "body_name": ""})
    assert response.status_code == 302
    appeal_url = response.headers["Location"]
    page = client.get(appeal_url).get_data(as_text=True)
    assert "Appeal chain" in page and complaint.reference in page
    docx = client.get(f"{appeal_url}/complaint.docx")
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.data)).paragraphs)
    assert "ЖАЛОБА" in text


def test_a_refused_form_keeps_what_was_typed(world, client, login):
    login(user=world.hq)
    response = client.post("/complaints/new", data={
        "incidents": f"{world.own[0].reference}, I-999999", "body": "court",
        "body_name": "Казыбекбийский районный суд", "language": "kk"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Not incidents you can use: I-999999" in page
    assert "Казыбекбийский районный суд" in page
    complaint = services.open_complaint(world.own, body="court", actor=world.hq)
    db.session.commit()
    response = client.post(f"/complaints/{complaint.id}/file",
                           data={"filed_at": "not a date", "incoming_number": "A-7"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Not a valid datetime value." in page
    assert 'value="A-7"' in page and 'value="not a date"' in page


def test_coordinator_reads_own_region_only(world, client, login):
    own = services.open_complaint(world.own, body="district", actor=world.hq)
    other = services.open_complaint(world.other, body="district", actor=world.hq)
    db.session.commit()
    login("coordinator", branch=world.day.own.branch)
    board = client.get("/complaints/").get_data(as_text=True)
    assert own.reference in board and other.reference not in board
    assert client.get(f"/complaints/{own.id}").status_code == 200
    assert client.get(f"/complaints/{own.id}/complaint.pdf").status_code == 200
    assert client.get(f"/complaints/{other.id}").status_code == 404
    assert client.get(f"/complaints/{other.id}/complaint.docx").status_code == 404
    # Read-only: no action, not even in their region.
    assert client.post(f"/complaints/{own.id}/file", data={}).status_code == 403
    assert client.get(f"/complaints/{own.id}/document").status_code == 403
    assert client.post("/complaints/new", data={}).status_code == 403


def test_coordinator_cannot_open_with_other_region_incidents_via_hq_only(world, client, login):
    # HQ works nationally; an observer never sees complaints.
    login(user=world.day.own.user)
    assert client.get("/complaints/").status_code == 403


def test_board_overdue_first_and_paged(world, client, login):
    now = utcnow()
    made = []
    for n in range(55):
        complaint = services.open_complaint(world.own, body="district", actor=world.hq)
        services.file_complaint(complaint, filed_at=now - timedelta(days=10),
                                due_at=now + timedelta(days=n - 2), actor=world.hq)
        made.append(complaint)
    db.session.commit()
    login(user=world.hq)
    page = client.get("/complaints/").get_data(as_text=True)
    overdue = [made[0].reference, made[1].reference]
    first = page.index("complaint-row")
    assert all(page.index(f">{ref}<") < page.index(f">{made[5].reference}<") for ref in overdue)
    assert page.index(f">{made[0].reference}<") > first and "Overdue" in page
    second = client.get("/complaints/?page=2").get_data(as_text=True)
    assert f">{made[54].reference}<" in second and "Page 2 of 2" in second


def test_document_edit_keeps_the_text(world, client, login):
    complaint = services.open_complaint(world.own, body="cec", language="kk", actor=world.hq)
    db.session.commit()
    login(user=world.hq)
    url = f"/complaints/{complaint.id}/document"
    assert "байқаушылары" in client.get(url).get_data(as_text=True)
    assert client.post(url, data={"text": "Жаңа мәтін: ғ ә і"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Complaint, complaint.id).document_text == "Жаңа мәтін: ғ ә і"
    assert client.post(url, data={"text": "   "}).status_code == 200


def test_export_in_scope_overdue_first(world, client, login):
    import csv

    now = utcnow()
    late = services.open_complaint(world.own, body="district", actor=world.hq)
    services.file_complaint(late, filed_at=now - timedelta(days=9),
                            due_at=now - timedelta(days=1), actor=world.hq)
    draft = services.open_complaint(world.own[:1], body="court", actor=world.hq)
    other = services.open_complaint(world.other, body="cec", actor=world.hq)
    db.session.commit()
    login("coordinator", branch=world.day.own.branch)
    response = client.get("/complaints/export.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    references = [row[0] for row in rows[1:]]
    assert references == [late.reference, draft.reference]
    assert other.reference not in references
    assert rows[1][11] == "yes" and rows[1][-1] == ", ".join(i.reference for i in world.own)
    assert client.get("/complaints/export.xlsx").status_code == 200


def test_triage_page_links_to_a_new_complaint_for_the_legal_team(world, client, login):
    incident = world.own[0]
    login(user=world.hq)
    page = client.get(f"/reports/triage/{incident.id}").get_data(as_text=True)
    assert f"/complaints/new?incident={incident.id}" in page
    client.post("/logout")
    client.get("/login?lang=en")
    login("coordinator", branch=world.day.own.branch)
    page = client.get(f"/reports/triage/{incident.id}").get_data(as_text=True)
    assert "/complaints/new" not in page
