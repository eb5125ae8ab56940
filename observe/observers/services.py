"""The observer pipeline: applications, hand-added observers, status changes, notes, invitations.

Every function takes plain data and the acting user and raises PipelineError (a DomainError)
when a rule refuses the action, so the join form, the registry pages and the API share them.
Links (invitations) are built by a `link_for(token)` callable the caller passes in: services
never look at the request.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import or_, select

from observe.audit.services import record, snapshot
from observe.auth import services as auth_services
from observe.auth.models import User
from observe.branches.models import Branch
from observe.common.db import utcnow
from observe.common.errors import DomainError
from observe.common.urls import parse_id
from observe.extensions import db
from observe.mail.services import send_mail
from observe.observers.choices import STATUS_LABELS, TRANSITIONS, Status
from observe.observers.models import Application, Observer, ObserverNote, StatusChange
from observe.observers.queries import search_kind
from observe.observers.rules import CONSENT_VERSION, validate_applicant
from observe.permissions import Role, can, in_scope

INVITATION_DAYS = 7

# Builds the absolute link of a one-time token (the caller knows the site's address).
LinkFor = Callable[[str], str]


class PipelineError(DomainError):
    """A pipeline rule was broken; the messages are shown to the coordinator."""


class DuplicateObserver(PipelineError):
    """The IIN or phone is already registered.

    The message is the same wherever the other record is; `observer_id` is set only when the
    actor may open that record, so the error says nothing about other branches.
    """

    def __init__(self, message: str, *, observer_id: int | None = None):
        super().__init__(message)
        self.observer_id = observer_id


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


def _branch(branch_id) -> Branch | None:
    return db.session.get(Branch, branch_id) if parse_id(branch_id) else None


def apply(raw: dict, branch_id, *, consent: bool, declaration: bool) -> tuple[Observer, bool]:
    """A volunteer applies (the public form, later the API): every rule checked, then recorded.

    Returns the observer and whether this was a repeat application.
    """
    clean, errors = validate_applicant(raw)
    branch = _branch(branch_id)
    if branch is None or not branch.is_active:
        errors["branch_id"] = _("Choose your region and branch.")
    if not consent:
        errors["consent"] = _("Your consent is needed to process the application.")
    if not declaration:
        errors["declaration"] = _("Observers must be independent of candidates, parties and "
                                  "commissions.")
    if errors:
        raise PipelineError(fields=errors)
    return submit_application(clean, branch)


def submit_application(clean: dict, branch: Branch) -> tuple[Observer, bool]:
    """Record a checked application; a repeat (same IIN or phone) updates nothing but is logged.

    Returns the observer and whether this submission was a repeat.
    """
    existing = find_existing(clean.get("iin"), clean.get("phone"))
    if existing is not None:
        # A new e-mail is kept on the application for the coordinator to accept or not.
        existing.applications.append(Application(channel=clean["channel"],
                                                 campaign=clean["campaign"], is_repeat=True,
                                                 email=clean.get("email") or ""))
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


def _refuse_duplicate(existing: Observer, message: str, actor) -> None:
    raise DuplicateObserver(message, observer_id=existing.id if in_scope(
        actor, existing.branch_id) else None)


def save_observer(raw: dict, branch_id, *, actor, observer: Observer | None = None,
                  consent_confirmed: bool = False) -> Observer:
    """A coordinator adds a volunteer by hand (observer=None) or corrects one.

    The branch must be one the actor acts for; a new volunteer needs the consent collected on
    paper, and ticking it on an older record without consent records it.
    """
    clean, errors = validate_applicant(raw, require_email=False)
    branch = _branch(branch_id)
    current = observer.branch_id if observer is not None else None
    if branch is None or not in_scope(actor, branch.id) \
            or (not branch.is_active and branch.id != current):
        errors["branch_id"] = _("Choose a branch.")
    if observer is None and not consent_confirmed:
        errors["consent"] = _("Consent is required.")
    if errors:
        raise PipelineError(fields=errors)
    if observer is None:
        return add_observer(clean, branch, actor=actor)
    return update_observer(observer, {**clean, "branch_id": branch.id}, actor=actor,
                           consent_confirmed=consent_confirmed)


def add_observer(clean: dict, branch: Branch, *, actor, status: Status = Status.APPLIED,
                 consent_confirmed: bool = True) -> Observer:
    """Register checked details of a volunteer a coordinator met (consent collected on paper)."""
    if (existing := find_existing(clean.get("iin"), clean.get("phone"))) is not None:
        _refuse_duplicate(existing, _("An observer with this IIN or phone is already "
                                      "registered."), actor)
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


def invite(observer: Observer, *, actor, link_for: LinkFor) -> Invitation | None:
    """Issue a one-time link to set a password, and e-mail it when the observer has an address."""
    if observer.user is None or not observer.user.is_active:
        return None
    token = auth_services.issue_one_time_link(observer.user, purpose="invite", actor=actor,
                                              hours=INVITATION_DAYS * 24)
    link = link_for(token)
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
                  allow_certify: bool = False, link_for: LinkFor | None = None) -> StatusResult:
    """Move observers to a status, following TRANSITIONS; approval creates accounts and invitations.

    Observers for whom the move is not allowed are skipped with the reason, so a bulk action
    on a mixed selection does what it can and says what it could not. Invitations need
    `link_for`; without it (training's certification, the demo data) approval only makes the
    accounts, and `invite` can be called later.
    """
    to_status = Status(to_status)
    reason = (reason or "").strip()
    if to_status == Status.REJECTED and not reason:
        raise PipelineError(_("Give a reason for the rejection."), field="reason")
    if to_status == Status.CERTIFIED and not allow_certify:
        raise PipelineError(_("Observers are certified through training."), field="status")
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
            elif not user.password_hash and link_for is not None and (
                    invitation := invite(observer, actor=actor, link_for=link_for)):
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
        raise PipelineError(_("The note is empty."), field="body")
    note = ObserverNote(observer=observer, body=body, author_id=actor.id)
    db.session.add(note)
    db.session.flush()
    record("observer.note", observer, actor=actor, summary=body[:200])
    return note


def accept_email_change(observer: Observer, application_id, *, actor) -> Observer:
    """Take the e-mail a repeat application gave as the observer's address (audited).

    The account's sign-in address is not changed here: that is the user administration's.
    """
    application = db.session.get(Application, parse_id(application_id) or 0)
    if application is None or application.observer_id != observer.id \
            or not application.proposes_email:
        raise PipelineError(_("There is no new e-mail address to accept."))
    before = {"email": observer.email}
    observer.email = application.email
    application.email_accepted_at = utcnow()
    db.session.flush()
    record("observer.email_change", observer, before=before, after={"email": observer.email},
           actor=actor, summary=observer.full_name)
    return observer


def update_observer(observer: Observer, clean: dict, *, actor,
                    consent_confirmed: bool = False) -> Observer:
    """Correct an observer's checked details; IIN and phone stay unique."""
    other = find_existing(clean.get("iin"), clean.get("phone"))
    if other is not None and other.id != observer.id:
        _refuse_duplicate(other, _("Another observer has this IIN or phone."), actor)
    audited = (*Observer.AUDITED_FIELDS, "consent_at")
    before = snapshot(observer, audited)
    for name, value in clean.items():
        setattr(observer, name, value)
    if consent_confirmed and observer.consent_at is None:
        # Written consent collected after the record was made (an older import).
        observer.consent_at = observer.declared_independent_at = utcnow()
        observer.consent_version = CONSENT_VERSION
    db.session.flush()
    after = snapshot(observer, audited)
    if before != after:
        record("observer.update", observer, before=before, after=after, actor=actor,
               summary=observer.full_name)
    return observer


def audit_search(user, filters: dict, *, where: str) -> str | None:
    """Log a registry search that read IINs, phones or e-mails: who, when, and the kind of
    value looked for, never the value. Returns the kind (None for a search of names)."""
    kind = search_kind(filters.get("q")) if can(user, "observers.personal_data") else None
    if kind is not None:
        record("observers.search_personal", actor=user, object_type="observer", summary=kind,
               after={"kind": kind, "where": where})
    return kind
