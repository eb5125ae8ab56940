"""The observer's own training page: sessions to join, registrations, progress."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from observe.common.forms import service_errors
from observe.extensions import db
from observe.permissions import can, requires, signed_in_observer
from observe.training import bp, services
from observe.training.forms import RegisterForm
from observe.training.ical import feed_of
from observe.training.models import TrainingSession
from observe.training.queries import (
    invitations_of,
    registered_count,
    registrations_of,
    sessions_open_to_observer,
)


@bp.get("/")
@login_required
def index():
    if can(current_user, "training.sessions"):
        return redirect(url_for("training.sessions"))
    if not can(current_user, "training.attend"):
        abort(403)
    observer = signed_in_observer(current_user)
    sessions = sessions_open_to_observer(observer)
    return render_template(
        "training/my.html", observer=observer, sessions=sessions,
        registrations=registrations_of(observer), invited=invitations_of(observer),
        form=RegisterForm(), seats={s.id: s.capacity - registered_count(s.id) for s in sessions},
        modules=services.required_modules(), attended=services.attended_module_ids(observer),
        passed=services.passed_module_ids(observer), qualifies=services.qualifies(observer),
        feed=feed_of(observer))


def _open_session(session_id: int, observer) -> TrainingSession:
    session = db.get_or_404(TrainingSession, session_id)
    if not services.session_open_to(session, observer):
        abort(404)
    return session


@bp.post("/sessions/<int:session_id>/register")
@requires("training.attend")
def register(session_id: int):
    observer = signed_in_observer(current_user)
    session = _open_session(session_id, observer)
    if RegisterForm().validate_on_submit():
        with service_errors() as outcome:
            services.register(session, observer, actor=current_user._get_current_object())
        if outcome.ok:
            flash(_("You are registered for %(title)s.", title=session.title), "success")
    return redirect(url_for("training.index"))


@bp.post("/sessions/<int:session_id>/unregister")
@requires("training.attend")
def unregister(session_id: int):
    observer = signed_in_observer(current_user)
    session = _open_session(session_id, observer)
    if RegisterForm().validate_on_submit():
        with service_errors() as outcome:
            services.cancel_registration(session, observer,
                                         actor=current_user._get_current_object())
        if outcome.ok:
            flash(_("Your registration is cancelled."), "info")
    return redirect(url_for("training.index"))
