"""An observer's own data, as JSON and as a PDF: everything the app holds about them. Each
download is audited (who, which format), as every download of personal data is."""

import json
from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from fpdf import FPDF
from sqlalchemy import select

from observe.assignments.models import Assignment
from observe.audit.services import record
from observe.complaints.documents import _font_files
from observe.extensions import db
from observe.reports.models import Report
from observe.training.models import Registration

PROFILE_FIELDS = ("full_name", "iin", "birth_date", "phone", "email", "city", "languages",
                  "other_language", "experience", "availability", "channel", "campaign",
                  "status", "consent_version", "consent_at", "declared_independent_at",
                  "applied_at")

PROFILE_LABELS = {
    "full_name": _l("Name"), "iin": _l("IIN"), "birth_date": _l("Date of birth"),
    "phone": _l("Phone"), "email": _l("E-mail"), "city": _l("City"),
    "languages": _l("Languages"), "other_language": _l("Other language"),
    "experience": _l("Experience"), "availability": _l("Availability"),
    "channel": _l("Where you heard of us"), "campaign": _l("Campaign"), "status": _l("Status"),
    "consent_version": _l("Consent version"), "consent_at": _l("Consent given"),
    "declared_independent_at": _l("Declared independent"), "applied_at": _l("Applied"),
    "branch": _l("Branch"),
}


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def own_data(observer) -> dict:
    """Everything held about the observer: profile, account, applications, history,
    training, assignments and the reports they sent (references, not the texts of others)."""
    user = observer.user
    assignments = db.session.scalars(select(Assignment).where(
        Assignment.observer_id == observer.id).order_by(Assignment.id)).all()
    reports = db.session.scalars(select(Report).where(
        Report.observer_id == observer.id).order_by(Report.id)).all()
    registrations = db.session.scalars(select(Registration).where(
        Registration.observer_id == observer.id).order_by(Registration.id)).all()
    return {
        "profile": {name: _plain(getattr(observer, name)) for name in PROFILE_FIELDS}
        | {"branch": observer.branch.name},
        "account": None if user is None else {
            "email": user.email, "full_name": user.full_name, "phone": user.phone,
            "locale": user.locale, "created_at": _plain(user.created_at),
            "last_login_at": _plain(user.last_login_at)},
        "applications": [{"submitted_at": _plain(a.submitted_at), "channel": a.channel,
                          "campaign": a.campaign, "email": a.email, "repeat": a.is_repeat}
                         for a in observer.applications],
        "status_history": [{"at": _plain(c.changed_at), "from": c.from_status,
                            "to": c.to_status, "reason": c.reason} for c in observer.history],
        "training": [{"session": r.session.title, "attended": r.attended,
                      "minutes": r.minutes} for r in registrations],
        "assignments": [{"election": a.election.name, "station": a.station.number,
                         "region": a.station.region, "role": a.role, "shift": a.shift,
                         "status": a.status} for a in assignments],
        "reports": [{"reference": r.reference, "kind": r.kind, "station": r.station.number,
                     "received_at": _plain(r.received_at), "status": r.status}
                    for r in reports],
    }


def own_export(observer, fmt: str, *, actor=None) -> bytes:
    """The observer's data as JSON or PDF bytes; the download is audited."""
    data = own_data(observer)
    record("privacy.own_export", observer, actor=actor, summary=fmt,
           after={"format": fmt, "personal_data": True})
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
    return _pdf(data)


SECTIONS = (("profile", "Profile"), ("account", "Account"), ("applications", "Applications"),
            ("status_history", "Status history"), ("training", "Training"),
            ("assignments", "Assignments"), ("reports", "Reports"))


def _section_title(key: str) -> str:
    return {"profile": _("Profile"), "account": _("Account"), "applications": _("Applications"),
            "status_history": _("Status history"), "training": _("Training"),
            "assignments": _("Assignments"), "reports": _("Reports")}[key]


def _pdf(data: dict) -> bytes:
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_margins(18, 18, 18)
    pdf.set_auto_page_break(True, margin=18)
    regular, bold = _font_files()
    pdf.add_font("PTSerif", "", regular)
    pdf.add_font("PTSerif", "B", bold)
    pdf.set_title(_("My data in Observe"))
    pdf.add_page()
    width = pdf.epw
    pdf.set_font("PTSerif", "B", 15)
    pdf.multi_cell(width, 8, _("My data in Observe"), new_x="LMARGIN", new_y="NEXT")
    for key, _english in SECTIONS:
        value = data.get(key)
        pdf.ln(3)
        pdf.set_font("PTSerif", "B", 12)
        pdf.multi_cell(width, 6.5, _section_title(key), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("PTSerif", "", 10)
        rows = [value] if isinstance(value, dict) else (value or [])
        if not rows:
            pdf.multi_cell(width, 5, "—", new_x="LMARGIN", new_y="NEXT")
        for row in rows:
            text = "; ".join(f"{k}: {'' if v is None else v}" for k, v in row.items())
            pdf.multi_cell(width, 5, text, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
