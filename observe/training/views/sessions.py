"""Staff pages for training sessions: list, schedule, edit, cancel, invite."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from observe.common.forms import attach_errors
from observe.common.pagination import paginate
from observe.common.timezones import local_input, parse_local
from observe.extensions import db
from observe.i18n import localized
from observe.permissions import may_change_branch_item, may_see_branch_item, requires
from observe.training import bp, services
from observe.training.forms import CancelForm, InviteForm, SessionForm
from observe.training.models import Speaker, TrainingModule, TrainingSession
from observe.training.queries import branch_choices, invitable_observers, sessions_for


def load_session(session_id: int, *, for_change: bool = False) -> TrainingSession:
    """The session, or 404 when it is another branch's; 403 when it may be seen, not changed."""
    session = db.get_or_404(TrainingSession, session_id)
    if not may_see_branch_item(current_user, session.branch_id):
        abort(404)
    if for_change and not may_change_branch_item(current_user, session.branch_id):
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
    session = load_session(session_id)
    registrations = sorted(session.registrations, key=lambda r: r.observer.full_name)
    return render_template(
        "training/session.html", session=session, registrations=registrations,
        active_count=sum(r.is_active for r in registrations), cancel_form=CancelForm(),
        invite_form=InviteForm(prefix="invite"),
        may_change=may_change_branch_item(current_user, session.branch_id))


def _session_form(session: TrainingSession | None) -> SessionForm:
    form = SessionForm(obj=session)
    form.branch_id.choices = branch_choices(current_user)
    form.modules.choices = [(m.id, localized(m.title) or m.code) for m in
                            db.session.execute(select(TrainingModule).where(
                                TrainingModule.is_active.is_(True))
                                .order_by(TrainingModule.position)).scalars()]
    form.speakers.choices = [(s.id, f"{s.name} — {s.role}" if s.role else s.name) for s in
                             db.session.execute(select(Speaker).order_by(Speaker.name)).scalars()]
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


def _save(form: SessionForm, session: TrainingSession | None) -> TrainingSession | None:
    if not form.validate():
        return None
    branch_id = form.branch_id.data or None
    if not may_change_branch_item(current_user, branch_id):
        form.branch_id.errors = [_("You cannot schedule sessions for this branch.")]
        return None
    fields = {
        "branch_id": branch_id, "title": form.title.data.strip(),
        "description": form.description.data or "", "online": form.online.data == "1",
        "zoom_url": (form.zoom_url.data or "").strip(),
        "zoom_meeting_id": (form.zoom_meeting_id.data or "").strip(),
        "zoom_passcode": (form.zoom_passcode.data or "").strip(),
        "venue": (form.venue.data or "").strip(), "address": (form.address.data or "").strip(),
        "starts_at": parse_local(form.starts_at.data), "ends_at": parse_local(form.ends_at.data),
        "capacity": form.capacity.data, "min_attendance_minutes": form.min_attendance_minutes.data,
    }
    modules = db.session.execute(select(TrainingModule).where(
        TrainingModule.id.in_(form.modules.data or []))).scalars().all()
    speakers = db.session.execute(select(Speaker).where(
        Speaker.id.in_(form.speakers.data or []))).scalars().all()
    actor = current_user._get_current_object()
    try:
        if session is None:
            session = services.create_session(modules=modules, speakers=speakers, actor=actor,
                                              **fields)
        else:
            services.update_session(session, modules=modules, speakers=speakers, actor=actor,
                                    **fields)
    except services.TrainingError as error:
        db.session.rollback()
        attach_errors(form, {error.field or "__form__": str(error)})
        return None
    db.session.commit()
    return session


@bp.route("/sessions/new", methods=["GET", "POST"])
@requires("training.sessions")
def new_session():
    form = _session_form(None)
    if request.method == "POST" and (session := _save(form, None)) is not None:
        flash(_("Session scheduled."), "success")
        return redirect(url_for("training.session_detail", session_id=session.id))
    return render_template("training/session_edit.html", form=form, session=None)


@bp.route("/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@requires("training.sessions")
def edit_session(session_id: int):
    session = load_session(session_id, for_change=True)
    form = _session_form(session)
    if request.method == "POST" and _save(form, session) is not None:
        flash(_("Changes saved. Registered observers see them on their training page."),
              "success")
        return redirect(url_for("training.session_detail", session_id=session.id))
    return render_template("training/session_edit.html", form=form, session=session)


@bp.post("/sessions/<int:session_id>/cancel")
@requires("training.sessions")
def cancel_session(session_id: int):
    session = load_session(session_id, for_change=True)
    form = CancelForm()
    if form.validate_on_submit():
        services.cancel_session(session, form.reason.data,
                                actor=current_user._get_current_object())
        db.session.commit()
        flash(_("The session is cancelled. Registered observers see it on their training page."),
              "success")
    else:
        flash(_("Give a reason for the cancellation."), "danger")
    return redirect(url_for("training.session_detail", session_id=session.id))


@bp.post("/sessions/<int:session_id>/invite")
@requires("training.sessions")
def invite(session_id: int):
    session = load_session(session_id, for_change=True)
    form = InviteForm(prefix="invite")
    if form.validate_on_submit():
        observers = invitable_observers(session, current_user, trained=form.trained.data,
                                        language=form.language.data, city=form.city.data or "")
        added = services.invite(session, observers, actor=current_user._get_current_object())
        db.session.commit()
        flash(ngettext("%(num)d observer invited.", "%(num)d observers invited.", added),
              "success")
    return redirect(url_for("training.session_detail", session_id=session.id))
