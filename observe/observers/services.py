"""The observer pipeline: applications, hand-added observers, status changes, notes, invitations."""

from dataclasses import dataclass, field

from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import or_, select

from observe.audit.services import record, snapshot
from observe.auth import services as auth_services
from observe.auth.models import User
from observe.branches.models import Branch
from observe.common.db import utcnow
from observe.extensions import db
from observe.mail.services import send_mail
from observe.observers.choices import STATUS_LABELS, TRANSITIONS, Status
from observe.observers.models import Application, Observer, ObserverNote, StatusChange
from observe.observers.rules import CONSENT_VERSION
from observe.permissions import Role

INVITATION_DAYS = 7


class PipelineError(ValueError):
    """A pipeline rule was broken; the message is shown to the coordinator."""


@dataclass
class Invitation:
    observer: Observer
    link: str


@dataclass
class StatusResult:
    changed: list[Observer] = field(default_factory=list)
    invitations: list[Invitation] = field(default_factory=list)
    skipped: list[tuple[Observer, str]] = field(default_factory=list)


def find_existing(iin: str | None, phone: str | None) -> Observer | None:
    """The observer already registered with this IIN or phone, if any."""
    conditions = []
    if iin:
        conditions.append(Observer.iin == iin)
    if phone:
        conditions.append(Observer.phone == phone)
    if not conditions:
        return None
    return db.session.execute(
        select(Observer).where(or_(*conditions)).order_by(Observer.id).limit(1)
    ).scalar_one_or_none()


def _log_status(observer: Observer, to_status: Status, reason: str = "", actor=None,
                from_status: str = "") -> None:
    observer.history.append(StatusChange(from_status=from_status, to_status=to_status.value,
                                         reason=reason, actor_id=getattr(actor, "id", None)))


def submit_application(clean: dict, branch: Branch) -> tuple[Observer, bool]:
    """Record a public application; a repeat (same IIN or phone) updates nothing but is logged.

    Returns the observer and whether this submission was a repeat.
    """
    existing = find_existing(clean.get("iin"), clean.get("phone"))
    if existing is not None:
        existing.applications.append(Application(channel=clean["channel"],
                                                 campaign=clean["campaign"], is_repeat=True))
        record("observer.repeat_application", existing,
               summary=f"{clean['channel']} {clean['campaign']}".strip())
        db.session.flush()
        return existing, True
    now = utcnow()
    observer = Observer(branch=branch, status=Status.APPLIED.value, consent_version=CONSENT_VERSION,
                        consent_at=now, declared_independent_at=now, applied_at=now,
                        status_changed_at=now, **clean)
    observer.applications.append(Application(channel=clean["channel"],
                                             campaign=clean["campaign"]))
    _log_status(observer, Status.APPLIED)
    db.session.add(observer)
    db.session.flush()
    record("observer.apply", observer, after=snapshot(observer, Observer.AUDITED_FIELDS),
           summary=observer.channel)
    return observer, False


def add_observer(clean: dict, branch: Branch, *, actor, status: Status = Status.APPLIED,
                 consent_confirmed: bool = True) -> Observer:
    """A coordinator registers a volunteer by hand (consent collected on paper)."""
    if find_existing(clean.get("iin"), clean.get("phone")) is not None:
        raise PipelineError(_("An observer with this IIN or phone is already registered."))
    now = utcnow()
    clean = {**clean, "channel": clean.get("channel") or "coordinator"}
    observer = Observer(branch=branch, status=Status.APPLIED.value, applied_at=now,
                        status_changed_at=now, consent_version=CONSENT_VERSION,
                        consent_at=now if consent_confirmed else None,
                        declared_independent_at=now if consent_confirmed else None, **clean)
    observer.applications.append(Application(channel=observer.channel,
                                             campaign=observer.campaign))
    _log_status(observer, Status.APPLIED, actor=actor)
    db.session.add(observer)
    db.session.flush()
    record("observer.create", observer, after=snapshot(observer, Observer.AUDITED_FIELDS),
           actor=actor, summary=observer.full_name)
    if status != Status.APPLIED:
        change_status([observer], status, actor=actor)
    return observer


def _ensure_account(observer: Observer, actor) -> tuple[User | None, str | None]:
    """Create or link the observer's account; return it and the skip reason if none was made."""
    if observer.user is not None:
        return observer.user, None
    if not observer.email:
        return None, _("no e-mail address, so no account was created")
    user = auth_services.find_user_by_email(observer.email)
    if user is None:
        user = auth_services.create_user(email=observer.email, role=Role.OBSERVER.value,
                                         full_name=observer.full_name, branch=observer.branch,
                                         phone=observer.phone or "", actor=actor)
    elif user.role != Role.OBSERVER.value or user.branch_id != observer.branch_id:
        return None, _("the e-mail address belongs to another account")
    observer.user = user
    return user, None


def invite(observer: Observer, *, actor) -> Invitation | None:
    """Issue a one-time link to set a password, and e-mail it when the observer has an address."""
    if observer.user is None or not observer.user.is_active:
        return None
    token = auth_services.issue_one_time_link(observer.user, purpose="invite", actor=actor,
                                              hours=INVITATION_DAYS * 24)
    link = url_for("auth.reset_password", token=token, _external=True)
    send_mail(observer.user.email, _("Your Observe account"),
              ngettext("Hello, %(name)s!\n\nYour application to observe the elections was "
                       "approved. Set your password with this link (it works once, for %(num)d "
                       "day):\n%(link)s\n",
                       "Hello, %(name)s!\n\nYour application to observe the elections was "
                       "approved. Set your password with this link (it works once, for %(num)d "
                       "days):\n%(link)s\n",
                       INVITATION_DAYS, name=observer.full_name, link=link))
    return Invitation(observer, link)


def change_status(observers: list[Observer], to_status: Status, *, actor, reason: str = "",
                  allow_certify: bool = False) -> StatusResult:
    """Move observers to a status, following TRANSITIONS; approval creates accounts and invitations.

    Observers for whom the move is not allowed are skipped with the reason, so a bulk action
    on a mixed selection does what it can and says what it could not.
    """
    to_status = Status(to_status)
    reason = (reason or "").strip()
    if to_status == Status.REJECTED and not reason:
        raise PipelineError(_("Give a reason for the rejection."))
    if to_status == Status.CERTIFIED and not allow_certify:
        raise PipelineError(_("Observers are certified through training."))
    result = StatusResult()
    now = utcnow()
    for observer in observers:
        current = Status(observer.status)
        allowed = TRANSITIONS[current] | ({Status.CERTIFIED} if allow_certify else set())
        if to_status not in allowed:
            result.skipped.append((observer, _("cannot go from %(a)s to %(b)s",
                                               a=STATUS_LABELS[current],
                                               b=STATUS_LABELS[to_status])))
            continue
        before = snapshot(observer, ("status", "rejection_reason"))
        observer.status = to_status.value
        observer.status_changed_at = now
        observer.rejection_reason = reason if to_status == Status.REJECTED else ""
        _log_status(observer, to_status, reason, actor, from_status=current.value)
        if observer.user is not None and to_status in (Status.REJECTED, Status.WITHDRAWN):
            auth_services.set_active(observer.user, False, actor=actor)
        if to_status == Status.APPROVED:
            user, skip_reason = _ensure_account(observer, actor)
            if user is not None and not user.is_active:
                auth_services.set_active(user, True, actor=actor)
            db.session.flush()
            if skip_reason:
                result.skipped.append((observer, skip_reason))
            elif not user.password_hash and (invitation := invite(observer, actor=actor)):
                result.invitations.append(invitation)
        record("observer.status", observer, before=before,
               after=snapshot(observer, ("status", "rejection_reason")), actor=actor,
               summary=reason)
        result.changed.append(observer)
    db.session.flush()
    return result


def add_note(observer: Observer, body: str, *, actor) -> ObserverNote:
    """Keep a coordinator's note on the observer's record."""
    body = (body or "").strip()
    if not body:
        raise PipelineError(_("The note is empty."))
    note = ObserverNote(observer=observer, body=body, author_id=actor.id)
    db.session.add(note)
    db.session.flush()
    record("observer.note", observer, actor=actor, summary=body[:200])
    return note


def update_observer(observer: Observer, clean: dict, *, actor) -> Observer:
    """Correct an observer's details; IIN and phone stay unique."""
    other = find_existing(clean.get("iin"), clean.get("phone"))
    if other is not None and other.id != observer.id:
        raise PipelineError(_("Another observer has this IIN or phone."))
    before = snapshot(observer, Observer.AUDITED_FIELDS)
    for name, value in clean.items():
        setattr(observer, name, value)
    db.session.flush()
    after = snapshot(observer, Observer.AUDITED_FIELDS)
    if before != after:
        record("observer.update", observer, before=before, after=after, actor=actor,
               summary=observer.full_name)
    return observer
