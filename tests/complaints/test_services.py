"""Opening, filing, answering and appealing complaints; reminders; the briefing's numbers."""

import io
from datetime import timedelta

import pytest
from docx import Document
from pypdf import PdfReader
from sqlalchemy import func, select

from observe.audit.models import AuditEntry
from observe.common.db import utcnow
from observe.complaints import rules, services
from observe.complaints.documents import complaint_docx, complaint_pdf
from observe.complaints.queries import chain, complaint_numbers
from observe.complaints.services import ComplaintError
from observe.extensions import db
from observe.mail.models import OutboxMessage


def test_open_from_several_incidents_drafts_the_document(world):
    complaint = services.open_complaint(world.own, body="district", language="ru",
                                        actor=world.hq)
    db.session.commit()
    assert complaint.status == "draft" and complaint.region == "karaganda"
    assert [i.id for i in complaint.incidents] == [i.id for i in world.own]
    text = complaint.document_text
    assert f"№ {world.day.own.station.number}" in text
    assert world.own[0].description in text
    sha = world.own[0].evidence[0].sha256
    assert f"SHA-256: {sha}" in text
    assert db.session.scalar(select(AuditEntry.action).where(
        AuditEntry.object_type == "complaint")) == "complaint.open"


def test_incidents_of_two_regions_are_refused(world):
    with pytest.raises(ComplaintError):
        services.open_complaint(world.own + world.other, body="cec", actor=world.hq)
    with pytest.raises(ComplaintError):
        services.open_complaint([], body="cec", actor=world.hq)
    with pytest.raises(ComplaintError):
        services.open_complaint(world.own, body="parliament", actor=world.hq)


def test_file_sets_the_due_date_and_answer_closes(world, app):
    app.config["COMPLAINT_DEADLINE_DAYS"] = "precinct=2"
    complaint = services.open_complaint(world.own[:1], body="precinct", actor=world.hq)
    filed = utcnow() - timedelta(hours=1)
    # Polling day is the local date of the filing (after 19:00 UTC it is already tomorrow in
    # Almaty, and the fixture's polling day is the UTC date).
    complaint.election.polling_day = filed.astimezone(rules.ZONE).date()
    services.file_complaint(complaint, filed_at=filed, incoming_number="ВХ-17", actor=world.hq)
    # Polling day is today: "immediately", due the same local day.
    assert complaint.due_at.date() in {filed.date(), (filed + timedelta(days=1)).date()}
    assert complaint.due_at - filed < timedelta(days=1)
    with pytest.raises(ComplaintError):
        services.file_complaint(complaint, filed_at=utcnow() + timedelta(days=1), actor=world.hq)
    services.record_answer(complaint, outcome="partly", answered_at=utcnow(),
                           answer="Частично удовлетворена.", actor=world.hq)
    assert complaint.status == "closed" and complaint.outcome == "partly"
    with pytest.raises(ComplaintError):
        services.record_answer(complaint, outcome="upheld", answered_at=utcnow(), actor=world.hq)


def test_no_answer_only_after_the_deadline(world):
    complaint = services.open_complaint(world.own[:1], body="court", actor=world.hq)
    services.file_complaint(complaint, filed_at=utcnow() - timedelta(days=1),
                            due_at=utcnow() + timedelta(days=2), actor=world.hq)
    with pytest.raises(ComplaintError):
        services.record_answer(complaint, outcome="no_answer", actor=world.hq)
    later = utcnow() + timedelta(days=3)
    services.record_answer(complaint, outcome="no_answer", actor=world.hq, now=later)
    assert complaint.answered_at is None and complaint.status == "closed"


def _closed(world, body, outcome="rejected", appeal_of=None):
    complaint = (services.appeal_complaint(appeal_of, body=body, actor=world.hq)
                 if appeal_of else services.open_complaint(world.own, body=body, actor=world.hq))
    services.file_complaint(complaint, filed_at=utcnow() - timedelta(hours=2), actor=world.hq)
    services.record_answer(complaint, outcome=outcome, answered_at=utcnow() - timedelta(hours=1),
                           actor=world.hq)
    return complaint


def test_the_appeal_chain(world):
    first = _closed(world, "precinct")
    second = _closed(world, "district", appeal_of=first)
    third = services.appeal_complaint(second, body="court", actor=world.hq)
    db.session.commit()
    assert third.appeal_of_id == second.id and second.appeal_of_id == first.id
    assert [i.id for i in third.incidents] == [i.id for i in world.own]
    for link in (first, second, third):
        assert [c.id for c in chain(link)] == [first.id, second.id, third.id]
    # One appeal at a time; nothing to appeal once upheld; no appeal of an open complaint.
    with pytest.raises(ComplaintError):
        services.appeal_complaint(second, body="court", actor=world.hq)
    with pytest.raises(ComplaintError):
        services.appeal_complaint(third, body="court", actor=world.hq)
    upheld = _closed(world, "prosecutor", outcome="upheld")
    with pytest.raises(ComplaintError):
        services.appeal_complaint(upheld, body="court", actor=world.hq)


def test_reminders_are_sent_once_per_kind(world):
    complaint = services.open_complaint(world.own, body="district", actor=world.hq)
    now = utcnow()
    services.file_complaint(complaint, filed_at=now - timedelta(days=4),
                            due_at=now + timedelta(hours=5), actor=world.hq, now=now)
    db.session.commit()

    def outbox():
        return db.session.scalar(select(func.count(OutboxMessage.id)))

    assert services.send_reminders(now) == 1
    assert outbox() == 1
    assert services.send_reminders(now) == 0 and outbox() == 1
    later = now + timedelta(hours=6)
    assert services.send_reminders(later) == 1
    assert services.send_reminders(later) == 0 and outbox() == 2
    message = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
    assert message.recipient == world.hq.email and complaint.reference in message.subject


def test_briefing_numbers(world):
    _closed(world, "precinct", outcome="upheld")
    _closed(world, "district", outcome="partly")
    services.open_complaint(world.own, body="court", actor=world.hq)
    db.session.commit()
    election = world.day.election.id
    assert complaint_numbers(election) == {"filed": 2, "answered": 2, "upheld": 1, "partly": 1}
    assert complaint_numbers(election, region="almaty")["filed"] == 0
    before = utcnow() - timedelta(days=1)
    assert complaint_numbers(election, cutoff=before)["filed"] == 0


def test_documents_in_kazakh_pdf_and_docx(world):
    complaint = services.open_complaint(world.own, body="territorial", language="kk",
                                        body_name="Қарағанды облыстық сайлау комиссиясы",
                                        actor=world.hq)
    extra = "\nҚосымша: ғ, ң, ө, ұ, ү, һ, і."
    services.save_document(complaint, text=complaint.document_text + extra, actor=world.hq)
    sha = world.own[0].evidence[0].sha256
    docx = Document(io.BytesIO(complaint_docx(complaint)))
    text = "\n".join(p.text for p in docx.paragraphs)
    assert "ШАҒЫМ" in text and "Қарағанды облыстық сайлау комиссиясы" in text
    assert f"SHA-256: {sha}" in text and "ғ, ң, ө, ұ, ү, һ, і" in text
    assert "байқаушылары" in text
    reader = PdfReader(io.BytesIO(complaint_pdf(complaint)))
    pdf_text = " ".join(page.extract_text() for page in reader.pages)
    assert "ШАҒЫМ" in pdf_text and "Қарағанды" in pdf_text
    assert sha in pdf_text.replace("\n", "")
    # Drafting again in Russian replaces the Kazakh text.
    services.redraft_document(complaint, language="ru", actor=world.hq)
    assert "сообщает о нарушениях" in complaint.document_text
    assert "ЖАЛОБА" in " ".join(p.extract_text() for p in
                                PdfReader(io.BytesIO(complaint_pdf(complaint))).pages)


def test_briefing_figures_carry_the_complaint_numbers(world):
    from observe.briefings.figures import briefing_figures
    from observe.briefings.queries import Scope

    _closed(world, "precinct", outcome="upheld")
    db.session.commit()
    figures = briefing_figures(Scope(world.day.election.id), world.day.election)
    assert figures["complaints"] == {"filed": 1, "answered": 1, "upheld": 1, "partly": 0}
    regional = briefing_figures(Scope(world.day.election.id, region="almaty"), world.day.election)
    assert regional["complaints"]["filed"] == 0
