"""Read-side of retention: when each election was closed, whose personal data falls due, an
observer's own data, and the log of downloads of personal data."""

from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import exists, select

from observe.assignments.models import Assignment
from observe.audit.models import AuditEntry
from observe.complaints.privacy.models import Erasure, RetentionPolicy
from observe.complaints.privacy.rules import DOWNLOAD_LABELS, erase_after
from observe.complaints.settings import retention_months
from observe.elections.models import Election
from observe.extensions import db
from observe.observers.models import Observer

# Audit actions of downloads that carry personal data (written by their own features).
DOWNLOAD_ACTIONS = tuple(DOWNLOAD_LABELS)


def closed_at(election: Election) -> datetime | None:
    """When the election was closed: its audited status change to "closed".

    An election closed before the audit log kept status changes counts as closed at the end of
    the day after polling day.
    """
    if election.status != "closed":
        return None
    entries = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "election.status", AuditEntry.object_type == "election",
        AuditEntry.object_id == str(election.id)).order_by(AuditEntry.occurred_at.desc())).all()
    for entry in entries:
        if (entry.after or {}).get("status") == "closed":
            return entry.occurred_at
    return datetime.combine(election.polling_day + timedelta(days=1), time(23, 59), UTC)


def policy_months(election: Election) -> int:
    """The election's retention in months: its own policy, else PRIVACY_RETENTION_MONTHS."""
    policy = db.session.scalar(select(RetentionPolicy).where(
        RetentionPolicy.election_id == election.id))
    return policy.months if policy else retention_months()


@dataclass
class ElectionRetention:
    election: Election
    months: int
    closed_at: datetime | None
    erase_after: datetime | None
    observers: list = field(default_factory=list)


def retention_overview(now: datetime) -> list[ElectionRetention]:
    """Every election with its policy, close time, due date and (once due) the observers due."""
    rows = []
    for election in db.session.scalars(select(Election).order_by(Election.polling_day.desc())):
        months = policy_months(election)
        closed = closed_at(election)
        due = erase_after(closed, months)
        item = ElectionRetention(election, months, closed, due)
        if due is not None and due <= now:
            item.observers = observers_due(election, closed)
        rows.append(item)
    return rows


def observers_due(election: Election, closed: datetime) -> list[Observer]:
    """Observers known before the election was closed, not erased yet, and not assigned in a
    later election (their data is still needed there)."""
    later = select(Assignment.id).join(Election, Election.id == Assignment.election_id).where(
        Assignment.observer_id == Observer.id, Election.polling_day > election.polling_day)
    erased = select(Erasure.id).where(Erasure.observer_id == Observer.id)
    return list(db.session.scalars(select(Observer).where(
        Observer.applied_at <= closed, ~exists(later), ~exists(erased)).order_by(Observer.id)))


def erasure_of(observer_id: int) -> Erasure | None:
    return db.session.scalar(select(Erasure).where(Erasure.observer_id == observer_id))


def download_log(limit: int = 200) -> list[AuditEntry]:
    """Who downloaded personal data, what and when: newest first."""
    return list(db.session.scalars(select(AuditEntry).where(
        AuditEntry.action.in_(DOWNLOAD_ACTIONS)).order_by(AuditEntry.occurred_at.desc(),
                                                          AuditEntry.id.desc()).limit(limit)))
