"""Training numbers per branch and per session, for coordinators (own branch) and HQ (all).

Counts come from grouped SQL queries over observers the user may see; pandas joins them and
computes the rates, so a national session shows a coordinator only their own branch's people.
"""

import pandas as pd
from sqlalchemy import case, func, select

from observe.branches.models import Branch
from observe.extensions import db
from observe.observers.choices import Status
from observe.observers.models import Observer
from observe.permissions import scope_to_branch
from observe.training.models import QuizAttempt, Registration, SessionInvitation
from observe.training.queries import sessions_for

COLUMNS = ["invited", "registered", "attended", "certified", "attempts", "passed"]


def _rate(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    return (numerator / denominator.where(denominator > 0)).astype(object).where(
        denominator > 0, None)


def _finish(frame: pd.DataFrame) -> list[dict]:
    for column in COLUMNS:
        if column not in frame:
            frame[column] = 0
    frame[COLUMNS] = frame[COLUMNS].fillna(0).astype(int)
    frame["attendance_rate"] = _rate(frame["attended"], frame["registered"])
    frame["pass_rate"] = _rate(frame["passed"], frame["attempts"])
    return frame.to_dict("records")


def _scoped_observers(user):
    return scope_to_branch(select(Observer.id, Observer.branch_id), Observer.branch_id, user)\
        .subquery()


def by_branch(user) -> list[dict]:
    """Invited, registered, attended (distinct observers), certified and quiz results per branch."""
    people = _scoped_observers(user)
    branches = pd.DataFrame(db.session.execute(
        select(Branch.id.label("branch_id"), Branch.name.label("label"))
        .where(Branch.id.in_(select(people.c.branch_id)))).all(),
        columns=["branch_id", "label"])
    if branches.empty:
        return []

    def per_branch(column_name, stmt):
        rows = db.session.execute(stmt).all()
        return pd.DataFrame(rows, columns=["branch_id", column_name]).set_index("branch_id")

    invited = per_branch("invited", select(
        people.c.branch_id, func.count(func.distinct(SessionInvitation.observer_id)))
        .join(SessionInvitation, SessionInvitation.observer_id == people.c.id)
        .group_by(people.c.branch_id))
    registered = per_branch("registered", select(
        people.c.branch_id, func.count(func.distinct(Registration.observer_id)))
        .join(Registration, Registration.observer_id == people.c.id)
        .where(Registration.cancelled_at.is_(None)).group_by(people.c.branch_id))
    attended = per_branch("attended", select(
        people.c.branch_id, func.count(func.distinct(Registration.observer_id)))
        .join(Registration, Registration.observer_id == people.c.id)
        .where(Registration.attended.is_(True)).group_by(people.c.branch_id))
    certified = per_branch("certified", select(Observer.branch_id, func.count())
                           .where(Observer.id.in_(select(people.c.id)),
                                  Observer.status == Status.CERTIFIED.value)
                           .group_by(Observer.branch_id))
    quiz = pd.DataFrame(db.session.execute(
        select(people.c.branch_id, func.count(),
               func.sum(case((QuizAttempt.passed.is_(True), 1), else_=0)))
        .join(QuizAttempt, QuizAttempt.observer_id == people.c.id)
        .where(QuizAttempt.submitted_at.is_not(None)).group_by(people.c.branch_id)).all(),
        columns=["branch_id", "attempts", "passed"]).set_index("branch_id")
    frame = branches.set_index("branch_id").join([invited, registered, attended, certified, quiz])
    return _finish(frame.reset_index().sort_values("label"))


def by_session(user) -> list[dict]:
    """Invited, registered, attended, certified and quiz results of each session's observers."""
    people = _scoped_observers(user)
    sessions = db.session.execute(sessions_for(user, upcoming=None)).scalars().all()
    if not sessions:
        return []
    ids = [s.id for s in sessions]
    frame = pd.DataFrame({"session_id": ids, "label": [s.title for s in sessions],
                          "starts_at": [s.starts_at for s in sessions],
                          "cancelled": [s.is_cancelled for s in sessions]}).set_index("session_id")

    def per_session(column_name, stmt):
        rows = db.session.execute(stmt).all()
        return pd.DataFrame(rows, columns=["session_id", column_name]).set_index("session_id")

    invited = per_session("invited", select(SessionInvitation.session_id, func.count())
                          .where(SessionInvitation.session_id.in_(ids),
                                 SessionInvitation.observer_id.in_(select(people.c.id)))
                          .group_by(SessionInvitation.session_id))
    in_session = (Registration.session_id.in_(ids),
                  Registration.observer_id.in_(select(people.c.id)))
    registered = per_session("registered", select(Registration.session_id, func.count())
                             .where(*in_session, Registration.cancelled_at.is_(None))
                             .group_by(Registration.session_id))
    attended = per_session("attended", select(Registration.session_id, func.count())
                           .where(*in_session, Registration.attended.is_(True))
                           .group_by(Registration.session_id))
    certified = per_session("certified", select(Registration.session_id, func.count())
                            .join(Observer, Observer.id == Registration.observer_id)
                            .where(*in_session, Registration.attended.is_(True),
                                   Observer.status == Status.CERTIFIED.value)
                            .group_by(Registration.session_id))
    # Quiz results of the people who attended, on the modules the session covered.
    from observe.training.models import session_module

    quiz = pd.DataFrame(db.session.execute(
        select(Registration.session_id, func.count(),
               func.sum(case((QuizAttempt.passed.is_(True), 1), else_=0)))
        .join(session_module, session_module.c.session_id == Registration.session_id)
        .join(QuizAttempt, (QuizAttempt.observer_id == Registration.observer_id)
              & (QuizAttempt.module_id == session_module.c.module_id))
        .where(*in_session, Registration.attended.is_(True),
               QuizAttempt.submitted_at.is_not(None))
        .group_by(Registration.session_id)).all(),
        columns=["session_id", "attempts", "passed"]).set_index("session_id")
    frame = frame.join([invited, registered, attended, certified, quiz])
    return _finish(frame.reset_index())

