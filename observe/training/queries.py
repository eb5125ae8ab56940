"""Read-side queries for training pages."""

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from observe.common.db import utcnow
from observe.extensions import db
from observe.i18n import localized
from observe.observers.models import Observer
from observe.permissions import is_national, scope_to_branch, visible_branch_ids
from observe.training.models import (
    ModuleMaterial,
    QuizAttempt,
    QuizQuestion,
    Registration,
    SessionInvitation,
    Speaker,
    TrainingModule,
    TrainingSession,
)


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


def branch_choices(user, current_id: int | None = None) -> list[tuple[int, str]]:
    """(0, national) for national users, plus the active branches the user may schedule for
    (and the session's own branch, should it have been closed since)."""
    from flask_babel import gettext as _

    from observe.branches.models import Branch
    from observe.branches.queries import active_branch_choices

    options = active_branch_choices(user)
    if current_id and current_id not in {branch_id for branch_id, _name in options}:
        branch = db.session.get(Branch, current_id)
        if branch is not None and (is_national(user) or branch.id == user.branch_id):
            options.append((branch.id, branch.name))
    return ([(0, _("National (all branches)"))] if is_national(user) else []) + options


def module_choices() -> list[tuple[int, str]]:
    """Active modules, in curriculum order, for the session form."""
    return [(m.id, localized(m.title) or m.code) for m in db.session.execute(
        select(TrainingModule).where(TrainingModule.is_active.is_(True))
        .order_by(TrainingModule.position)).scalars()]


def speaker_choices() -> list[tuple[int, str]]:
    return [(s.id, f"{s.name} — {s.role}" if s.role else s.name) for s in all_speakers()]


def all_speakers() -> list[Speaker]:
    return list(db.session.execute(select(Speaker).order_by(Speaker.name)).scalars())


def modules_by_id(ids) -> list[TrainingModule]:
    return list(db.session.execute(select(TrainingModule).where(
        TrainingModule.id.in_(ids or []))).scalars())


def speakers_by_id(ids) -> list[Speaker]:
    return list(db.session.execute(select(Speaker).where(Speaker.id.in_(ids or []))).scalars())


def session_people(session: TrainingSession, user) -> tuple[list[Registration], int]:
    """The session's registrations of observers the user may see (by name), and how many
    observers of other branches registered or attended (shown only as a count)."""
    rows = db.session.execute(
        select(Registration).join(Observer, Observer.id == Registration.observer_id)
        .options(selectinload(Registration.observer))
        .where(Registration.session_id == session.id)).scalars().all()
    allowed = visible_branch_ids(user)
    visible = [r for r in rows if allowed is None or r.observer.branch_id in allowed]
    shown = {r.id for r in visible}
    others = sum(1 for r in rows if (r.is_active or r.attended) and r.id not in shown)
    return sorted(visible, key=lambda r: r.observer.full_name.casefold()), others


def active_registrations(session: TrainingSession, user) -> list[Registration]:
    """Active registrations of the session's observers whose attendance the user may mark."""
    stmt = scope_to_branch(
        select(Registration).join(Observer, Observer.id == Registration.observer_id)
        .options(selectinload(Registration.observer))
        .where(Registration.session_id == session.id, Registration.cancelled_at.is_(None)),
        Observer.branch_id, user)
    return sorted(db.session.execute(stmt).scalars(),
                  key=lambda r: r.observer.full_name.casefold())


def registration_of(session: TrainingSession, observer: Observer) -> Registration | None:
    return db.session.execute(select(Registration).where(
        Registration.session_id == session.id, Registration.observer_id == observer.id)
    ).scalar_one_or_none()


def curriculum_overview() -> tuple[list[TrainingModule], dict[int, int], dict[int, int]]:
    """Every module, with its count of materials and of active questions."""
    modules = db.session.execute(select(TrainingModule).order_by(
        TrainingModule.position, TrainingModule.id)).scalars().all()
    materials = dict(db.session.execute(select(ModuleMaterial.module_id, func.count())
                                        .group_by(ModuleMaterial.module_id)).all())
    questions = dict(db.session.execute(select(QuizQuestion.module_id, func.count())
                                        .where(QuizQuestion.is_active.is_(True))
                                        .group_by(QuizQuestion.module_id)).all())
    return list(modules), materials, questions


def attempt_by_uuid(submission_uuid: str, observer: Observer) -> QuizAttempt | None:
    """The observer's attempt stored under a submission's client-generated id."""
    if not submission_uuid:
        return None
    return db.session.execute(select(QuizAttempt).where(
        QuizAttempt.submission_uuid == submission_uuid[:36],
        QuizAttempt.observer_id == observer.id)).scalar_one_or_none()


def registered_count(session_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(Registration).where(
        Registration.session_id == session_id, Registration.cancelled_at.is_(None))) or 0
