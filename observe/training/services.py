"""Training sessions, registration, attendance and certification: the rules, written once."""

import re
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import and_, func, select, update

from observe.audit.services import record, snapshot
from observe.common.db import utcnow
from observe.common.errors import DomainError
from observe.extensions import db
from observe.observers.choices import Status
from observe.observers.models import Observer, StatusChange
from observe.observers.services import change_status
from observe.permissions import in_scope, may_change_branch_item
from observe.training.models import (
    Certification,
    QuizAttempt,
    Registration,
    SessionInvitation,
    TrainingModule,
    TrainingSession,
)

SESSION_FIELDS = ("branch_id", "title", "description", "online", "zoom_url", "zoom_meeting_id",
                  "zoom_passcode", "venue", "address", "starts_at", "ends_at", "capacity",
                  "min_attendance_minutes")

# How an attendance mark was recorded.
MANUAL = "manual"
ZOOM = "zoom"

# Any control character (CR, LF, NUL, ...): never part of a link, an ID or a passcode.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class TrainingError(DomainError):
    """A training rule was broken; the message is shown to the user (next to `field`)."""

    def __init__(self, message: str | None = None, field: str = "", *, fields=None):
        super().__init__(message, field=field or "", fields=fields)


def safe_zoom_url(url: str | None) -> str:
    """The URL when it is a plain https link (no spaces or control characters), else ""."""
    url = (url or "").strip()
    if not url or len(url) > 500 or _CONTROL.search(url) or any(c.isspace() for c in url):
        return ""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    if parts.scheme.lower() != "https" or not parts.hostname:
        return ""
    return url


def _check_zoom_fields(fields: dict) -> None:
    url = (fields.get("zoom_url") or "").strip()
    if url and not safe_zoom_url(url):
        raise TrainingError(_("Enter the Zoom link as a web address starting with https://."),
                            "zoom_url")
    for name in ("zoom_meeting_id", "zoom_passcode"):
        if _CONTROL.search(fields.get(name) or ""):
            raise TrainingError(_("Remove the line breaks and other control characters."),
                                name)


def _check_session(fields: dict) -> None:
    starts, ends = fields.get("starts_at"), fields.get("ends_at")
    if not isinstance(starts, datetime) or not isinstance(ends, datetime):
        raise TrainingError(_("Enter the start and the end."), "starts_at")
    if ends <= starts:
        raise TrainingError(_("The session must end after it starts."), "ends_at")
    if (fields.get("capacity") or 0) < 1:
        raise TrainingError(_("The capacity must be at least 1."), "capacity")
    if fields.get("online") and not (fields.get("zoom_url") or "").strip():
        raise TrainingError(_("An online session needs its Zoom link."), "zoom_url")
    _check_zoom_fields(fields)
    if not fields.get("online") and not (fields.get("venue") or fields.get("address")):
        raise TrainingError(_("An offline session needs a venue or an address."), "venue")


def _check_branch(branch_id: int | None, actor) -> None:
    if actor is not None and not may_change_branch_item(actor, branch_id):
        raise TrainingError(_("You cannot schedule sessions for this branch."), "branch_id")


def create_session(*, modules=(), speakers=(), actor, **fields) -> TrainingSession:
    """Schedule a session (national when branch_id is None)."""
    _check_branch(fields.get("branch_id"), actor)
    _check_session(fields)
    session = TrainingSession(**{k: fields.get(k) for k in SESSION_FIELDS if k in fields},
                              created_by_id=actor.id)
    session.modules = list(modules)
    session.speakers = list(speakers)
    db.session.add(session)
    db.session.flush()
    record("training.session_create", session, actor=actor, summary=session.title,
           after=snapshot(session, TrainingSession.AUDITED_FIELDS))
    return session


def update_session(session: TrainingSession, *, modules=None, speakers=None, actor,
                   **fields) -> TrainingSession:
    """Change a session; registered observers see the new details on their pages and feeds."""
    if session.is_cancelled:
        raise TrainingError(_("A cancelled session cannot be changed."))
    merged = {k: getattr(session, k) for k in SESSION_FIELDS} | fields
    if merged["branch_id"] != session.branch_id:
        _check_branch(merged["branch_id"], actor)
    _check_session(merged)
    taken = active_registration_count(session)
    if merged["capacity"] < taken:
        raise TrainingError(ngettext(
            "%(num)d observer is registered already; the capacity cannot be lower.",
            "%(num)d observers are registered already; the capacity cannot be lower.", taken),
            "capacity")
    before = snapshot(session, TrainingSession.AUDITED_FIELDS)
    old_modules = {m.id for m in session.modules}
    for name in SESSION_FIELDS:
        setattr(session, name, merged[name])
    if modules is not None:
        session.modules = list(modules)
    if speakers is not None:
        session.speakers = list(speakers)
    session.updated_at = utcnow()
    db.session.flush()
    record("training.session_update", session, actor=actor, summary=session.title,
           before=before, after=snapshot(session, TrainingSession.AUDITED_FIELDS))
    if {m.id for m in session.modules} != old_modules:
        # The modules an attendee is credited with changed: so may their certification.
        reevaluate_certification(attendees(session), actor=actor)
    return session


def cancel_session(session: TrainingSession, reason: str, *, actor) -> TrainingSession:
    """Cancel a session; its registrations stay, so observers see that it was cancelled."""
    if session.is_cancelled:
        return session
    session.cancelled_at = utcnow()
    session.cancel_reason = (reason or "").strip()
    session.updated_at = session.cancelled_at
    db.session.flush()
    record("training.session_cancel", session, actor=actor, summary=session.cancel_reason)
    # A cancelled session credits nobody: those it certified may no longer qualify.
    reevaluate_certification(attendees(session), actor=actor)
    return session


def active_registration_count(session: TrainingSession) -> int:
    return db.session.scalar(select(func.count()).select_from(Registration).where(
        Registration.session_id == session.id, Registration.cancelled_at.is_(None))) or 0


def session_open_to(session: TrainingSession, observer: Observer) -> bool:
    """Whether the observer may see and join the session: national, or of their branch."""
    return session.branch_id is None or session.branch_id == observer.branch_id


def register(session: TrainingSession, observer: Observer, *, actor=None) -> Registration:
    """Take a seat for the observer; refuses a full, past, cancelled or foreign session.

    The seat is taken with one conditional UPDATE (seats_taken < capacity), which the database
    applies atomically: two observers racing for the last seat cannot both get it.
    """
    if not session_open_to(session, observer):
        raise TrainingError(_("This session is not open to your branch."))
    if session.is_cancelled:
        raise TrainingError(_("This session was cancelled."))
    if session.starts_at <= utcnow():
        raise TrainingError(_("This session has already started."))
    if not observer.is_accepted:
        raise TrainingError(_("Only approved observers can register for training."))
    existing = db.session.execute(select(Registration).where(
        Registration.session_id == session.id, Registration.observer_id == observer.id)
    ).scalar_one_or_none()
    if existing is not None and existing.is_active:
        return existing
    taken = db.session.execute(
        update(TrainingSession)
        .where(TrainingSession.id == session.id,
               TrainingSession.seats_taken < TrainingSession.capacity)
        .values(seats_taken=TrainingSession.seats_taken + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    if taken != 1:
        raise TrainingError(_("This session is full."))
    if existing is None:
        existing = Registration(session_id=session.id, observer_id=observer.id)
        db.session.add(existing)
    else:
        existing.cancelled_at = None
        existing.registered_at = utcnow()
    db.session.flush()
    db.session.refresh(session)
    record("training.register", existing, actor=actor, summary=session.title,
           after={"session_id": session.id, "observer_id": observer.id})
    return existing


def cancel_registration(session: TrainingSession, observer: Observer, *, actor=None) -> None:
    """Give the seat back (before the session starts)."""
    registration = db.session.execute(select(Registration).where(
        Registration.session_id == session.id, Registration.observer_id == observer.id,
        Registration.cancelled_at.is_(None))).scalar_one_or_none()
    if registration is None:
        return
    if session.starts_at <= utcnow():
        raise TrainingError(_("This session has already started."))
    registration.cancelled_at = utcnow()
    db.session.execute(
        update(TrainingSession).where(TrainingSession.id == session.id,
                                      TrainingSession.seats_taken > 0)
        .values(seats_taken=TrainingSession.seats_taken - 1)
        .execution_options(synchronize_session=False))
    db.session.flush()
    db.session.refresh(session)
    record("training.unregister", registration, actor=actor, summary=session.title)


def invite(session: TrainingSession, observers, *, actor) -> int:
    """Invite observers to a session (once each); returns how many were newly invited."""
    already = set(db.session.execute(select(SessionInvitation.observer_id).where(
        SessionInvitation.session_id == session.id)).scalars())
    added = 0
    for observer in observers:
        if observer.id in already or not session_open_to(session, observer):
            continue
        db.session.add(SessionInvitation(session_id=session.id, observer_id=observer.id,
                                         invited_by_id=actor.id))
        added += 1
    db.session.flush()
    record("training.invite", session, actor=actor, summary=str(added), after={"invited": added})
    return added


@dataclass
class AttendanceMark:
    observer_id: int
    attended: bool
    minutes: int | None = None


@dataclass
class AttendanceResult:
    """What mark_attendance did: marks saved, of them attended, and hand marks it kept."""

    changed: int = 0
    attended: int = 0
    kept: list[int] = field(default_factory=list)  # observer ids kept "attended" (by hand)
    certified: list[int] = field(default_factory=list)
    decertified: list[int] = field(default_factory=list)


def mark_attendance(session: TrainingSession, marks: list[AttendanceMark], *, actor,
                    source: str = MANUAL, overwrite=frozenset()) -> AttendanceResult:
    """Record attended/absent for observers, then bring their certification in line with the rule.

    Observers present without registering (common with Zoom links passed around) get a
    registration created for them, outside the capacity count: they already attended. A mark
    from Zoom never turns a hand-marked "attended" into "absent" unless the observer's id is in
    `overwrite` (the coordinator ticked them on the preview). A branch-bound actor marks only
    observers of their own branch.
    """
    if session.is_cancelled:
        raise TrainingError(_("A cancelled session has no attendance to mark."))
    observers = {o.id: o for o in db.session.execute(select(Observer).where(
        Observer.id.in_([m.observer_id for m in marks]))).scalars()}
    if actor is not None and any(
            mark.observer_id not in observers or not in_scope(actor,
                                                              observers[mark.observer_id].branch_id)
            for mark in marks):
        raise TrainingError(_("You can mark the attendance of your branch's observers only."))
    now = utcnow()
    by_observer = {r.observer_id: r for r in session.registrations}
    result = AttendanceResult()
    for mark in marks:
        registration = by_observer.get(mark.observer_id)
        if (source == ZOOM and not mark.attended and registration is not None
                and registration.attended is True and registration.attendance_source == MANUAL
                and mark.observer_id not in overwrite):
            result.kept.append(mark.observer_id)
            continue
        if registration is None:
            registration = Registration(session_id=session.id, observer_id=mark.observer_id)
            db.session.add(registration)
            by_observer[mark.observer_id] = registration
        registration.attended = mark.attended
        registration.minutes = mark.minutes
        registration.attendance_source = source
        registration.marked_at = now
        result.changed += 1
        result.attended += bool(mark.attended)
    db.session.flush()
    record("training.attendance", session, actor=actor, summary=f"{result.changed} {source}",
           after={"marked": result.changed, "attended": result.attended, "source": source,
                  "kept_by_hand": len(result.kept)})
    changed = [observers[m.observer_id] for m in marks if m.observer_id not in result.kept]
    result.certified, result.decertified = reevaluate_certification(changed, actor=actor)
    return result


def required_modules() -> list[TrainingModule]:
    return list(db.session.execute(select(TrainingModule).where(
        TrainingModule.is_active.is_(True), TrainingModule.required_for_certification.is_(True))
        .order_by(TrainingModule.position)).scalars())


def attended_module_ids(observer: Observer) -> set[int]:
    """Modules covered by sessions the observer attended (cancelled sessions do not count)."""
    from observe.training.models import session_module

    rows = db.session.execute(
        select(session_module.c.module_id)
        .join(Registration, Registration.session_id == session_module.c.session_id)
        .join(TrainingSession, TrainingSession.id == Registration.session_id)
        .where(Registration.observer_id == observer.id, Registration.attended.is_(True),
               TrainingSession.cancelled_at.is_(None))
    ).scalars()
    return set(rows)


def passed_module_ids(observer: Observer) -> set[int]:
    return set(db.session.execute(select(QuizAttempt.module_id).where(
        and_(QuizAttempt.observer_id == observer.id, QuizAttempt.passed.is_(True)))).scalars())


def qualifies(observer: Observer) -> bool:
    """Attended sessions covering every required module and passed every required module's quiz.

    The quiz is required for a module only when the module has questions.
    """
    modules = required_modules()
    if not modules:
        return False
    attended = attended_module_ids(observer)
    passed = passed_module_ids(observer)
    return all(m.id in attended and (m.id in passed or not m.questions) for m in modules)


def certification_of(observer: Observer) -> Certification | None:
    """How the observer's certification was given (None when never recorded)."""
    return db.session.execute(select(Certification).where(
        Certification.observer_id == observer.id)).scalar_one_or_none()


def _keep_certification(observer: Observer, method: str, reason: str, actor) -> None:
    entry = certification_of(observer)
    if entry is None:
        entry = Certification(observer_id=observer.id)
        db.session.add(entry)
    entry.method, entry.reason = method, reason
    entry.actor_id = actor.id if actor is not None else None
    entry.certified_at = utcnow()
    db.session.flush()


def _forget_certification(observer: Observer) -> None:
    entry = certification_of(observer)
    if entry is not None:
        db.session.delete(entry)
        db.session.flush()


def certified_by_rule(observer: Observer) -> bool:
    """Whether the observer is certified and the training rule (not a person) certified them."""
    entry = certification_of(observer)
    return (Status(observer.status) == Status.CERTIFIED and entry is not None
            and entry.method == Certification.RULE)


def certify_if_qualified(observer: Observer, *, actor=None) -> bool:
    """Certify an approved observer who qualifies (recorded in the status history)."""
    if Status(observer.status) != Status.APPROVED or not qualifies(observer):
        return False
    reason = _("Training completed: sessions attended and quiz passed")
    change_status([observer], Status.CERTIFIED, actor=actor, allow_certify=True, reason=reason)
    _keep_certification(observer, Certification.RULE, reason, actor)
    return True


def _back_to_approved(observer: Observer, reason: str, actor, action: str) -> None:
    before = snapshot(observer, ("status",))
    observer.status = Status.APPROVED.value
    observer.status_changed_at = utcnow()
    observer.history.append(StatusChange(from_status=Status.CERTIFIED.value,
                                         to_status=Status.APPROVED.value, reason=reason,
                                         actor_id=actor.id if actor is not None else None))
    _forget_certification(observer)
    db.session.flush()
    record(action, observer, actor=actor, summary=reason, before=before,
           after=snapshot(observer, ("status",)))


def reevaluate_certification(observers, *, actor=None) -> tuple[list[int], list[int]]:
    """Make certification agree with the rule: certify who now qualifies, and take it back from
    those the rule certified who no longer do. Certifications given by hand stay.

    Returns the ids (certified, decertified).
    """
    certified, decertified = [], []
    for observer in {o.id: o for o in observers}.values():
        status = Status(observer.status)
        if status == Status.APPROVED:
            if certify_if_qualified(observer, actor=actor):
                certified.append(observer.id)
        elif status == Status.CERTIFIED and certified_by_rule(observer) \
                and not qualifies(observer):
            _back_to_approved(observer, _("Training no longer complete: the attendance that "
                                          "certified the observer changed"),
                              actor, "observer.decertify_by_rule")
            decertified.append(observer.id)
    return certified, decertified


def attendees(session: TrainingSession) -> list[Observer]:
    """Observers marked as having attended the session."""
    return list(db.session.execute(
        select(Observer).join(Registration, Registration.observer_id == Observer.id)
        .where(Registration.session_id == session.id, Registration.attended.is_(True))
    ).scalars())


def certify_by_hand(observer: Observer, reason: str, *, actor) -> None:
    """A coordinator certifies an approved observer without the usual path (reason audited)."""
    reason = (reason or "").strip()
    if not reason:
        raise TrainingError(_("Give a reason."), "reason")
    if Status(observer.status) != Status.APPROVED:
        raise TrainingError(_("Only approved observers can be certified."))
    change_status([observer], Status.CERTIFIED, actor=actor, allow_certify=True, reason=reason)
    _keep_certification(observer, Certification.HAND, reason, actor)


def decertify(observer: Observer, reason: str, *, actor) -> None:
    """Take a certification back (the observer returns to approved); the reason is audited."""
    reason = (reason or "").strip()
    if not reason:
        raise TrainingError(_("Give a reason."), "reason")
    if Status(observer.status) != Status.CERTIFIED:
        raise TrainingError(_("This observer is not certified."))
    _back_to_approved(observer, reason, actor, "observer.decertify")


def is_certified(observer: Observer) -> bool:
    """The certification gate: only certified observers may be assigned to a polling station."""
    return Status(observer.status) == Status.CERTIFIED
