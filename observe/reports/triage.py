"""Staff triage of polling-day reports: verify, reject with a reason, escalate to the legal
team, resolve, comment, mark as the same event as another report; and the soft lock that
shows two staff members who is working on a report. Every action writes an event on the
report's history and an audit entry."""

from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _

from observe.audit.services import record, snapshot
from observe.common.db import utcnow
from observe.extensions import db
from observe.permissions import can, region_in_scope
from observe.reports.models import Report, ReportEvent
from observe.reports.rules import may_move
from observe.reports.services import ReportError

DEFAULT_LOCK_MINUTES = 10
# Action -> the status it moves the report to (None: the status stays).
ACTIONS = {"verify": "verified", "reject": "rejected", "escalate": "escalated",
           "resolve": "resolved", "duplicate": "duplicate", "comment": None}


def lock_minutes() -> int:
    """How long a soft lock holds without a new action or visit."""
    return int(current_app.config.get("REPORT_LOCK_MINUTES", DEFAULT_LOCK_MINUTES))


def _check_scope(report: Report, actor) -> None:
    if not can(actor, "reports.triage") or not region_in_scope(actor, report.station.region):
        raise ReportError(_("You may not triage this report."))


def lock_holder(report: Report):
    """The staff user whose soft lock on the report is still live, or None."""
    if report.locked_by_id is None or report.locked_until is None \
            or report.locked_until <= utcnow():
        return None
    return report.locked_by


def claim_report(report: Report, *, actor):
    """Take the soft lock unless another user holds a live one; return who holds it now."""
    _check_scope(report, actor)
    holder = lock_holder(report)
    if holder is not None and holder.id != actor.id:
        return holder
    report.locked_by_id = actor.id
    report.locked_until = utcnow() + timedelta(minutes=lock_minutes())
    db.session.flush()
    return actor


def release_report(report: Report, *, actor) -> None:
    """Give the soft lock back (only the holder's own)."""
    _check_scope(report, actor)
    if report.locked_by_id == actor.id:
        report.locked_by_id = report.locked_until = None
        db.session.flush()


def act_on_report(report: Report, action: str, *, actor, text: str = "",
                  duplicate_of: Report | None = None) -> Report:
    """Apply one triage action; the soft lock passes to the actor."""
    _check_scope(report, actor)
    if action not in ACTIONS:
        raise ReportError(_("Unknown action."), field="action")
    text = (text or "").strip()[:4000]
    target = ACTIONS[action]
    if action in ("reject", "comment") and not text:
        raise ReportError(_("Give the reason.") if action == "reject" else _("Write a comment."),
                          field="text")
    if target is not None and not may_move(report.status, target):
        raise ReportError(_("A report that is %(status)s cannot be changed this way.",
                            status=report.status), field="action")
    before = snapshot(report, Report.AUDITED_FIELDS)
    if action == "duplicate":
        duplicate_of = _original(report, duplicate_of, actor)
        report.duplicate_of_id = duplicate_of.id
        text = text or _("Same event as %(reference)s.", reference=duplicate_of.reference)
    if target is not None:
        report.status = target
        report.status_reason = text if action in ("reject", "duplicate") else report.status_reason
        if action == "verify":
            report.status_reason = ""
    now = utcnow()
    report.updated_at = now
    report.locked_by_id, report.locked_until = actor.id, now + timedelta(minutes=lock_minutes())
    db.session.add(ReportEvent(report_id=report.id, kind=action, text=text, actor_id=actor.id,
                               created_at=now))
    db.session.flush()
    record(f"report.{action}", report, actor=actor, object_type="report",
           summary=f"{report.reference}: {text}" if text else report.reference,
           before=before, after=snapshot(report, Report.AUDITED_FIELDS))
    return report


def _original(report: Report, other: Report | None, actor) -> Report:
    """The report a duplicate points to: the other one's own original when it is a duplicate."""
    if other is None:
        raise ReportError(_("Give the reference of the report it repeats."), field="duplicate_of")
    while other.duplicate_of is not None:
        other = other.duplicate_of
    if other.id == report.id:
        raise ReportError(_("A report cannot repeat itself."), field="duplicate_of")
    if other.election_id != report.election_id:
        raise ReportError(_("The other report is from another election."),
                          field="duplicate_of")
    if not region_in_scope(actor, other.station.region):
        raise ReportError(_("Give the reference of the report it repeats."), field="duplicate_of")
    return other
