"""Complaints: open from incidents, file, answer, appeal, edit the document, and the reminders
of answers falling due. Plain data and the acting user in, DomainError when a rule refuses;
every change is audited. The request (or the CLI command) commits."""

from datetime import datetime

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from observe.audit.services import record, snapshot
from observe.auth.models import User
from observe.common.db import utcnow
from observe.common.errors import DomainError
from observe.complaints import rules
from observe.complaints.documents import draft_text
from observe.complaints.models import Complaint, ComplaintIncident
from observe.complaints.settings import deadline_overrides
from observe.extensions import db
from observe.mail.services import send_mail


class ComplaintError(DomainError):
    """A complaint action was refused."""


def _check_body(body: str, language: str) -> None:
    if body not in rules.BODIES:
        raise ComplaintError(_("Choose the body the complaint goes to."), field="body")
    if language not in rules.LANGUAGES:
        raise ComplaintError(_("Choose Russian or Kazakh."), field="language")


def open_complaint(incidents: list, *, body: str, body_name: str = "", language: str = "ru",
                   actor=None, appeal_of: Complaint | None = None) -> Complaint:
    """Open a draft complaint resting on one or several incidents of one election and region."""
    _check_body(body, language)
    incidents = list(dict.fromkeys(incidents))
    if not incidents:
        raise ComplaintError(_("Name at least one incident."), field="incidents")
    if len({i.election_id for i in incidents}) > 1 or \
            len({i.station.region for i in incidents}) > 1:
        raise ComplaintError(_("The incidents of one complaint belong to one election and "
                               "one region."), field="incidents")
    first = incidents[0]
    stations = {i.station_id for i in incidents}
    station = first.station if len(stations) == 1 else None
    complaint = Complaint(election_id=first.election_id, region=first.station.region,
                          station_id=station.id if station else None, body=body,
                          body_name=body_name.strip()[:200], language=language,
                          status="draft", created_by_id=getattr(actor, "id", None),
                          appeal_of_id=appeal_of.id if appeal_of else None)
    db.session.add(complaint)
    complaint.links = [ComplaintIncident(incident=i) for i in incidents]
    complaint.document_text = draft_text(incidents, first.election, station or first.station,
                                         language)
    db.session.flush()
    if appeal_of is not None:
        db.session.refresh(appeal_of, ["appeals"])
    record("complaint.open", complaint, actor=actor,
           summary=", ".join(i.reference for i in incidents),
           after=snapshot(complaint, Complaint.AUDITED_FIELDS)
           | {"incidents": [i.id for i in incidents]})
    return complaint


def _changed(complaint: Complaint, action: str, before: dict, actor, summary: str = "") -> None:
    complaint.updated_at = utcnow()
    db.session.flush()
    record(action, complaint, actor=actor, summary=summary, before=before,
           after=snapshot(complaint, Complaint.AUDITED_FIELDS))


def update_details(complaint: Complaint, *, body: str, body_name: str, actor=None) -> Complaint:
    """Change the addressee of a complaint not yet answered (the due date follows the body)."""
    _check_body(body, complaint.language)
    if complaint.status == "closed":
        raise ComplaintError(_("A closed complaint is not changed; open an appeal instead."))
    before = snapshot(complaint, Complaint.AUDITED_FIELDS)
    complaint.body, complaint.body_name = body, body_name.strip()[:200]
    if complaint.filed_at is not None:
        complaint.due_at = _due(complaint, complaint.filed_at)
    _changed(complaint, "complaint.update", before, actor)
    return complaint


def _due(complaint: Complaint, filed_at: datetime) -> datetime:
    return rules.due_at(complaint.body, filed_at, polling_day=complaint.election.polling_day,
                        overrides=deadline_overrides())


def file_complaint(complaint: Complaint, *, filed_at: datetime, filed_by=None,
                   incoming_number: str = "", due_at: datetime | None = None, actor=None,
                   now: datetime | None = None) -> Complaint:
    """Record that the complaint was handed in: when, by whom, its incoming number; the due
    date follows from the body's deadline unless given."""
    now = now or utcnow()
    if complaint.status == "closed":
        raise ComplaintError(_("This complaint is closed already."))
    if filed_at is None:
        raise ComplaintError(_("Give the date and time it was filed."), field="filed_at")
    if filed_at > now:
        raise ComplaintError(_("A complaint cannot be filed in the future."), field="filed_at")
    if due_at is not None and due_at < filed_at:
        raise ComplaintError(_("The answer cannot be due before the complaint was filed."),
                             field="due_at")
    before = snapshot(complaint, Complaint.AUDITED_FIELDS)
    complaint.status = "filed"
    complaint.filed_at = filed_at
    complaint.filed_by_id = getattr(filed_by or actor, "id", None)
    complaint.incoming_number = (incoming_number or "").strip()[:64]
    complaint.due_at = due_at or _due(complaint, filed_at)
    # A new due date deserves its own reminders.
    complaint.reminded_soon_at = complaint.reminded_overdue_at = None
    _changed(complaint, "complaint.file", before, actor, complaint.incoming_number)
    return complaint


def record_answer(complaint: Complaint, *, outcome: str, answered_at: datetime | None = None,
                  answer: str = "", actor=None, now: datetime | None = None) -> Complaint:
    """Record the body's answer and its outcome (or that no answer came); closes the complaint."""
    now = now or utcnow()
    if complaint.status != "filed":
        raise ComplaintError(_("Only a filed complaint awaiting its answer can be answered."))
    if outcome not in rules.OUTCOMES:
        raise ComplaintError(_("Choose the outcome."), field="outcome")
    if outcome != "no_answer" and answered_at is None:
        raise ComplaintError(_("Give the date of the answer."), field="answered_at")
    if answered_at is not None and (answered_at > now or answered_at < complaint.filed_at):
        raise ComplaintError(_("The answer date lies between the filing and now."),
                             field="answered_at")
    if outcome == "no_answer" and complaint.due_at and complaint.due_at > now:
        raise ComplaintError(_("The deadline has not passed yet."), field="outcome")
    before = snapshot(complaint, Complaint.AUDITED_FIELDS)
    complaint.status, complaint.outcome = "closed", outcome
    complaint.answered_at = answered_at if outcome != "no_answer" else None
    complaint.answer = (answer or "").strip()
    _changed(complaint, "complaint.answer", before, actor, outcome)
    return complaint


def appeal_complaint(complaint: Complaint, *, body: str, body_name: str = "",
                     language: str | None = None, actor=None) -> Complaint:
    """Open the appeal of a closed complaint: a new draft, linked, on the same incidents."""
    if complaint.status != "closed":
        raise ComplaintError(_("An appeal follows the answer, or its absence past the deadline."))
    if complaint.outcome == "upheld":
        raise ComplaintError(_("The complaint was upheld: there is nothing to appeal."))
    if any(a.status != "closed" for a in complaint.appeals):
        raise ComplaintError(_("An appeal of this complaint is already under way."))
    appeal = open_complaint(complaint.incidents, body=body, body_name=body_name,
                            language=language or complaint.language, actor=actor,
                            appeal_of=complaint)
    record("complaint.appeal", complaint, actor=actor, summary=appeal.reference,
           after={"appeal_id": appeal.id})
    return appeal


def save_document(complaint: Complaint, *, text: str, actor=None) -> Complaint:
    """Keep the legal team's edit of the document's body."""
    text = (text or "").replace("\r\n", "\n").strip()
    if not text:
        raise ComplaintError(_("The document cannot be empty."), field="text")
    complaint.document_text = text
    complaint.updated_at = utcnow()
    record("complaint.document", complaint, actor=actor, summary=f"{len(text)}")
    return complaint


def redraft_document(complaint: Complaint, *, language: str, actor=None) -> Complaint:
    """Draft the document again from the incidents, in the chosen language (edits are lost)."""
    _check_body(complaint.body, language)
    incidents = complaint.incidents
    complaint.language = language
    complaint.document_text = draft_text(incidents, complaint.election,
                                         complaint.station or incidents[0].station, language)
    complaint.updated_at = utcnow()
    record("complaint.redraft", complaint, actor=actor, summary=language)
    return complaint


def _recipients(complaint: Complaint) -> list[User]:
    ids = {complaint.created_by_id, complaint.filed_by_id} - {None}
    if not ids:
        return []
    return list(db.session.scalars(select(User).where(User.id.in_(ids), User.is_active)
                                   .order_by(User.id)))


def send_reminders(now: datetime | None = None) -> int:
    """Queue a reminder for each filed complaint due within a day or overdue, each kind once."""
    now = now or utcnow()
    horizon = now + rules.REMIND_BEFORE
    candidates = db.session.scalars(select(Complaint).where(
        Complaint.status == "filed", Complaint.due_at.is_not(None), Complaint.due_at <= horizon)
        .order_by(Complaint.due_at, Complaint.id)).all()
    sent = 0
    for complaint in candidates:
        kind = rules.reminder_due(complaint.due_at, now, complaint.status,
                                  soon_sent=complaint.reminded_soon_at is not None,
                                  overdue_sent=complaint.reminded_overdue_at is not None)
        if kind is None:
            continue
        for user in _recipients(complaint):
            _remind(user, complaint, kind)
        if kind == "overdue":
            complaint.reminded_overdue_at = now
            complaint.reminded_soon_at = complaint.reminded_soon_at or now
        else:
            complaint.reminded_soon_at = now
        sent += 1
    if sent:
        record("complaint.remind", summary=f"{sent}", object_type="complaint")
    return sent


def _remind(user: User, complaint: Complaint, kind: str) -> None:
    due = complaint.due_at.astimezone(rules.ZONE).strftime("%d.%m.%Y %H:%M")
    with force_locale(user.locale or "ru"):
        body_label = str(rules.BODY_LABELS[complaint.body])
        if kind == "overdue":
            subject = _("Complaint %(ref)s: the answer is overdue", ref=complaint.reference)
            text = _("The answer of %(body)s to complaint %(ref)s (incoming number %(number)s) "
                     "was due on %(due)s and has not been recorded. Record the answer, or close "
                     "the complaint as unanswered and appeal.",
                     body=body_label, ref=complaint.reference,
                     number=complaint.incoming_number or "—", due=due)
        else:
            subject = _("Complaint %(ref)s: the answer is due soon", ref=complaint.reference)
            text = _("The answer of %(body)s to complaint %(ref)s (incoming number %(number)s) "
                     "is due on %(due)s.", body=body_label, ref=complaint.reference,
                     number=complaint.incoming_number or "—", due=due)
    send_mail(user.email, subject, text)
