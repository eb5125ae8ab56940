"""Staff pages for training sessions: list, schedule, edit, cancel, invite."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from observe.common.forms import service_errors
from observe.common.pagination import paginate
from observe.common.timezones import local_input, parse_local
from observe.extensions import db
from observe.permissions import may_change_branch_item, may_see_branch_item, requires
from observe.training import bp, services
from observe.training.forms import CancelForm, InviteForm, SessionForm
from observe.training.models import TrainingSession
from observe.training.queries import (
    branch_choices,
    invitable_observers,
    module_choices,
    modules_by_id,
    session_people,
    sessions_for,
    speaker_choices,
    speakers_by_id,
)


def load_session(session_id: int, user, *, for_change: bool = False) -> TrainingSession:
    """The session, or 404 when it is another branch's; 403 when it may be seen, not changed."""
    session = db.get_or_404(TrainingSession, session_id)
    if not may_see_branch_item(user, session.branch_id):
        abort(404)
    if for_change and not may_change_branch_item(user, session.branch_id):
        abort(403)
    return session


@bp.get("/sessions/")
@requires("training.sessions")
def sessions():
    past = request.args.get("when") == "past"
    page = paginate(sessions_for(current_user, upcoming=not past))
    return render_template("training/sessions.html", page=page, past=past)


@bp.get("/sessions/<int:session_id>")
@requires("training.sessions")
def session_detail(session_id: int):
    user = current_user._get_current_object()
    session = load_session(session_id, user)
    # A coordinator sees their own branch's people; other branches' only as a count.
    registrations, others = session_people(session, user)
    return render_template(
        "training/session.html", session=session, registrations=registrations,
        other_branches=others, active_count=services.active_registration_count(session),
        cancel_form=CancelForm(), invite_form=InviteForm(prefix="invite"),
        may_change=may_change_branch_item(user, session.branch_id))


def _session_form(session: TrainingSession | None, user) -> SessionForm:
    form = SessionForm(obj=session)
    form.branch_id.choices = branch_choices(user, session.branch_id if session else None)
    form.modules.choices = module_choices()
    form.speakers.choices = speaker_choices()
    if request.method == "GET" and session is not None:
        form.branch_id.data = session.branch_id or 0
        form.online.data = "1" if session.online else "0"
        form.starts_at.data = local_input(session.starts_at)
        form.ends_at.data = local_input(session.ends_at)
        form.modules.data = [m.id for m in session.modules]
        form.speakers.data = [s.id for s in session.speakers]
    elif request.method == "GET":
        form.modules.data = []
    return form


def _fields(form: SessionForm) -> dict:
    return {
        "branch_id": form.branch_id.data or None, "title": form.title.data.strip(),
        "description": form.description.data or "", "online": form.online.data == "1",
        "zoom_url": (form.zoom_url.data or "").strip(),
        "zoom_meeting_id": (form.zoom_meeting_id.data or "").strip(),
        "zoom_passcode": (form.zoom_passcode.data or "").strip(),
        "venue": (form.venue.data or "").strip(), "address": (form.address.data or "").strip(),
        "starts_at": parse_local(form.starts_at.data), "ends_at": parse_local(form.ends_at.data),
        "capacity": form.capacity.data, "min_attendance_minutes": form.min_attendance_minutes.data,
        "modules": modules_by_id(form.modules.data), "speakers": speakers_by_id(form.speakers.data),
    }


@bp.route("/sessions/new", methods=["GET", "POST"])
@requires("training.sessions")
def new_session():
    user = current_user._get_current_object()
    form = _session_form(None, user)
    if form.validate_on_submit():
        with service_errors(form) as outcome:
            session = services.create_session(actor=user, **_fields(form))
        if outcome.ok:
            flash(_("Session scheduled."), "success")
            return redirect(url_for("training.session_detail", session_id=session.id))
    return render_template("training/session_edit.html", form=form, session=None)


@bp.route("/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@requires("training.sessions")
def edit_session(session_id: int):
    user = current_user._get_current_object()
    session = load_session(session_id, user, for_change=True)
    form = _session_form(session, user)
    if form.validate_on_submit():
        with service_errors(form) as outcome:
            services.update_session(session, actor=user, **_fields(form))
        if outcome.ok:
            flash(_("Changes saved. Registered observers see them on their training page."),
                  "success")
            return redirect(url_for("training.session_detail", session_id=session.id))
    return render_template("training/session_edit.html", form=form, session=session)


@bp.post("/sessions/<int:session_id>/cancel")
@requires("training.sessions")
def cancel_session(session_id: int):
    user = current_user._get_current_object()
    session = load_session(session_id, user, for_change=True)
    form = CancelForm()
    if not form.validate_on_submit():
        flash(_("Give a reason for the cancellation."), "danger")
    else:
        with service_errors() as outcome:
            services.cancel_session(session, form.reason.data, actor=user)
        if outcome.ok:
            flash(_("The session is cancelled. Registered observers see it on their training "
                    "page."), "success")
    return redirect(url_for("training.session_detail", session_id=session.id))


@bp.post("/sessions/<int:session_id>/invite")
@requires("training.sessions")
def invite(session_id: int):
    user = current_user._get_current_object()
    session = load_session(session_id, user, for_change=True)
    form = InviteForm(prefix="invite")
    if form.validate_on_submit():
        observers = invitable_observers(session, user, trained=form.trained.data,
                                        language=form.language.data, city=form.city.data or "")
        with service_errors() as outcome:
            added = services.invite(session, observers, actor=user)
        if outcome.ok:
            flash(ngettext("%(num)d observer invited.", "%(num)d observers invited.", added),
                  "success")
    return redirect(url_for("training.session_detail", session_id=session.id))
