"""Erasure of observers' personal data, the retention policy, and the observer's withdrawal of
consent. An erasure is irreversible: the values are overwritten in place (no copy is kept), the
observer's record stays under a random pseudonym so reports, assignments and statistics remain.
"""

import secrets
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import delete, or_, select

from observe.assignments.models import Assignment
from observe.assignments.rules import ACTIVE
from observe.assignments.services import decline_assignment
from observe.audit.models import AuditEntry
from observe.audit.services import record
from observe.auth.models import ApiToken, OneTimeLink, User, UserSession
from observe.common.db import utcnow
from observe.common.errors import DomainError
from observe.complaints.privacy import queries, sweep
from observe.complaints.privacy.models import Erasure, RetentionPolicy
from observe.complaints.privacy.rules import ERASED, PERSONAL_KEYS, needles, redact
from observe.elections.models import Election
from observe.extensions import db
from observe.mail.models import OutboxMessage
from observe.observers.models import Observer, ObserverNote, StatusChange

MAX_MONTHS = 120
# The reason an assignment shows once its observer withdrew consent (no personal data in it).
WITHDRAWN = "consent withdrawn"


class PrivacyError(DomainError):
    """A retention action was refused."""


@dataclass
class PlannedErasure:
    """One observer an erasure run would (or did) erase, and what it found of theirs."""

    observer: Observer
    election_id: int | None
    reason: str
    fields: list[str] = field(default_factory=list)
    pseudonym: str = ""


def set_policy(election, months: int, *, actor=None) -> RetentionPolicy:
    """Keep an election's observers' personal data `months` after it is closed."""
    if not isinstance(months, int) or not 0 <= months <= MAX_MONTHS:
        raise PrivacyError(_("Between 0 and %(max)d months.", max=MAX_MONTHS), field="months")
    policy = db.session.scalar(select(RetentionPolicy).where(
        RetentionPolicy.election_id == election.id))
    before = {"months": policy.months} if policy else None
    if policy is None:
        policy = RetentionPolicy(election_id=election.id, months=months)
        db.session.add(policy)
    policy.months, policy.updated_at = months, utcnow()
    policy.updated_by_id = getattr(actor, "id", None)
    db.session.flush()
    record("privacy.policy", election, actor=actor, summary=f"{months}", before=before,
           after={"months": months})
    return policy


def _fields(observer: Observer) -> list[str]:
    present = [name for name in ("iin", "phone", "email", "birth_date") if getattr(observer, name)]
    if observer.user_id:
        present.append("account")
    return present


def plan(now: datetime | None = None) -> list[PlannedErasure]:
    """Who a retention run would erase now, and why (the dry run)."""
    now = now or utcnow()
    planned: dict[int, PlannedErasure] = {}
    for item in queries.retention_overview(now):
        for observer in item.observers:
            planned.setdefault(observer.id, PlannedErasure(
                observer, item.election.id, "retention", _fields(observer)))
    return list(planned.values())


def run_retention(*, now: datetime | None = None, actor=None) -> list[PlannedErasure]:
    """Erase every observer whose data fell due (the real run of `flask privacy erase`)."""
    planned = plan(now)
    words: list[str] = []
    # No flush before every query of every observer: once per batch is enough (and 5x faster).
    with db.session.no_autoflush:
        for number, item in enumerate(planned, start=1):
            erasure, found = _erase(item.observer, reason="retention",
                                    election_id=item.election_id, actor=actor, flush=False)
            item.pseudonym = erasure.pseudonym
            words += found
            if number % 200 == 0:
                db.session.flush()
    db.session.flush()
    # One sweep of every text column for the whole run, not one per observer.
    sweep.scrub(needles(*words))
    if planned:
        record("privacy.retention_run", actor=actor, object_type="observer",
               summary=f"{len(planned)}", after={"observers": [p.observer.id for p in planned]})
    return planned


def _new_pseudonym() -> str:
    # 32 random bits: drawn again on the rare clash with a stored or not yet flushed one.
    while True:
        candidate = f"P-{secrets.token_hex(4).upper()}"
        pending = {o.pseudonym for o in db.session.new if isinstance(o, Erasure)}
        if candidate not in pending and not db.session.scalar(
                select(Erasure.id).where(Erasure.pseudonym == candidate)):
            return candidate


def _scrub_audit(observer: Observer, user: User | None, words: list[str], pseudonym: str) -> None:
    """Audit entries about the observer or their account lose the personal values of their
    before/after payloads; entries the account made lose its e-mail and address."""
    about = [(AuditEntry.object_type == "observer") & (AuditEntry.object_id == str(observer.id))]
    if user is not None:
        about.append((AuditEntry.object_type == "user_account")
                     & (AuditEntry.object_id == str(user.id)))
    for entry in db.session.scalars(select(AuditEntry).where(or_(*about))):
        for name in ("before", "after"):
            payload = getattr(entry, name)
            if payload:
                setattr(entry, name, {k: (ERASED if k in PERSONAL_KEYS and v else redact(v, words))
                                      for k, v in payload.items()})
        entry.summary = redact(entry.summary, words)
    if user is not None:
        for entry in db.session.scalars(select(AuditEntry).where(AuditEntry.actor_id == user.id)):
            entry.actor_label, entry.ip_address = pseudonym, ""


def erase_observer(observer: Observer, *, reason: str, election_id: int | None = None,
                   actor=None) -> Erasure:
    """Erase one observer's personal data for good; their record stays under a pseudonym."""
    erasure, words = _erase(observer, reason=reason, election_id=election_id, actor=actor)
    sweep.scrub(words)
    return erasure


def _erase(observer: Observer, *, reason: str, election_id: int | None,
           actor, flush: bool = True) -> tuple[Erasure, list[str]]:
    if queries.erasure_of(observer.id) is not None:
        raise PrivacyError(_("This observer's personal data has been erased already."))
    user = observer.user
    pseudonym = _new_pseudonym()
    # The birth date is erased from its column only: as free text it would match namesakes'.
    words = [observer.iin, observer.phone, observer.email, observer.full_name]
    words += [a.email for a in observer.applications]
    if user is not None:
        words += [user.email, user.phone, user.full_name]
    words = needles(*words)
    erased_fields = _fields(observer)
    # Mail sent to them: the address, and bodies that greet them by name and carry links.
    addresses = [w for w in words if "@" in w]
    if addresses:
        for message in db.session.scalars(select(OutboxMessage).where(
                OutboxMessage.recipient.in_(addresses))):
            message.recipient, message.subject, message.body = ERASED, ERASED, ""
    _scrub_audit(observer, user, words, pseudonym)
    observer.full_name, observer.iin, observer.phone = pseudonym, None, None
    observer.email, observer.birth_date = "", None
    observer.other_language, observer.rejection_reason = "", ""
    for application in observer.applications:
        application.email = ""
    for change in db.session.scalars(select(StatusChange).where(
            StatusChange.observer_id == observer.id)):
        change.reason = ""
    # No session synchronisation: it would walk every object loaded so far (quadratic in a run).
    db.session.execute(delete(ObserverNote).where(ObserverNote.observer_id == observer.id),
                       execution_options={"synchronize_session": False})
    if user is not None:
        user.email = f"{pseudonym.lower()}@erased.invalid"
        user.full_name, user.phone, user.password_hash = pseudonym, "", ""
        user.is_active = False
        user.session_version = (user.session_version or 1) + 1
        for model in (OneTimeLink, ApiToken, UserSession):
            db.session.execute(delete(model).where(model.user_id == user.id),
                               execution_options={"synchronize_session": False})
    erasure = Erasure(observer_id=observer.id, pseudonym=pseudonym, reason=reason,
                      election_id=election_id, erased_by_id=getattr(actor, "id", None))
    db.session.add(erasure)
    if flush:
        db.session.flush()
    record("privacy.erase", observer, actor=actor, summary=pseudonym,
           after={"reason": reason, "election_id": election_id, "fields": erased_fields})
    return erasure, words


def withdraw_consent(observer: Observer, *, actor=None) -> Erasure:
    """The observer withdrew consent: their active assignments are declined (coordinators see
    the free seat), then the same erasure, now, for them alone."""
    active = db.session.scalars(select(Assignment).join(
        Election, Election.id == Assignment.election_id).where(
        Assignment.observer_id == observer.id, Assignment.status.in_(ACTIVE),
        Election.status != "closed")).all()
    for assignment in active:
        decline_assignment(assignment, actor=actor, reason=WITHDRAWN)
    return erase_observer(observer, reason="withdrawal", actor=actor)
