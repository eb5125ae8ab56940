"""Read-side queries for training pages."""

from sqlalchemy import func, or_, select

from observe.branches.models import Branch
from observe.common.db import utcnow
from observe.extensions import db
from observe.observers.models import Observer
from observe.permissions import visible_branch_ids
from observe.training.models import Registration, SessionInvitation, TrainingSession


def sessions_for(user, *, upcoming: bool | None = True):
    """Sessions the user may see: national ones and those of their branches (None: all)."""
    stmt = select(TrainingSession)
    allowed = visible_branch_ids(user)
    if allowed is not None:
        stmt = stmt.where(or_(TrainingSession.branch_id.is_(None),
                              TrainingSession.branch_id.in_(allowed or {-1})))
    now = utcnow()
    if upcoming is None:
        return stmt.order_by(TrainingSession.starts_at.desc())
    if upcoming:
        return stmt.where(TrainingSession.ends_at >= now).order_by(TrainingSession.starts_at)
    return stmt.where(TrainingSession.ends_at < now).order_by(TrainingSession.starts_at.desc())


def sessions_open_to_observer(observer: Observer):
    """Upcoming, not cancelled sessions of the observer's branch and national ones."""
    return db.session.execute(
        select(TrainingSession).where(
            or_(TrainingSession.branch_id.is_(None),
                TrainingSession.branch_id == observer.branch_id),
            TrainingSession.ends_at >= utcnow())
        .order_by(TrainingSession.starts_at)).scalars().all()


def registrations_of(observer: Observer) -> dict[int, Registration]:
    """The observer's registrations by session id (active or cancelled)."""
    rows = db.session.execute(select(Registration).where(
        Registration.observer_id == observer.id)).scalars()
    return {r.session_id: r for r in rows}


def invitations_of(observer: Observer) -> set[int]:
    return set(db.session.execute(select(SessionInvitation.session_id).where(
        SessionInvitation.observer_id == observer.id)).scalars())


def invitable_observers(session: TrainingSession, user, *, trained: str, language: str,
                        city: str) -> list[Observer]:
    """Approved (or certified, if asked) observers of the session's branch matching the filter."""
    from observe.observers.choices import ACCEPTED, Status
    from observe.observers.queries import registry_statement

    statuses = [Status.APPROVED.value] if trained == "untrained" else \
        [status.value for status in ACCEPTED]
    stmt = registry_statement(user, {"language": language, "city": city, "sort": "name"})
    stmt = stmt.where(Observer.status.in_(statuses))
    if session.branch_id is not None:
        stmt = stmt.where(Observer.branch_id == session.branch_id)
    return list(db.session.execute(stmt).scalars())


def branch_choices(user) -> list[tuple[int, str]]:
    """(0, national) plus the branches the user may schedule sessions for."""
    from flask_babel import gettext as _

    allowed = visible_branch_ids(user)
    stmt = select(Branch.id, Branch.name).order_by(Branch.name)
    if allowed is not None:
        stmt = stmt.where(Branch.id.in_(allowed or {-1}))
    options = [(row.id, row.name) for row in db.session.execute(stmt)]
    return ([(0, _("National (all branches)"))] if allowed is None else []) + options


def registered_count(session_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(Registration).where(
        Registration.session_id == session_id, Registration.cancelled_at.is_(None))) or 0
