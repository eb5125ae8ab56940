"""Attendance of a session: marked by hand for the whole list, or imported from Zoom's report.

The Zoom report is parsed and matched on upload and shown for checking; the parsed people wait
in a file under UPLOAD_FOLDER/zoom (named by a random token that only the uploader's Flask
session knows) until the coordinator confirms. Nothing is stored in the database before that.
"""

import json
import os
import re
import secrets

from flask import flash, redirect, render_template, request, url_for
from flask import session as flask_session
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms import HiddenField, RadioField, SelectField, SubmitField
from wtforms.validators import Optional

from observe.common.tabular import TableError
from observe.common.uploads import remove_stale_files, upload_dir
from observe.extensions import db
from observe.permissions import requires
from observe.training import bp, services
from observe.training.models import Registration, TrainingSession
from observe.training.views.sessions import load_session
from observe.training.zoom import ZoomParticipant, match_participants, parse_zoom_report

ZOOM_KEY = "zoom_reports"  # {token: session id} of the reports waiting for confirmation
KEPT_REPORTS = 5
_TOKEN = re.compile(r"^[0-9a-f]{32}$")


class ZoomUploadForm(FlaskForm):
    file = FileField(_l("Zoom participant report"), validators=[
        FileRequired(_l("Choose a file.")),
        FileAllowed(["csv", "xlsx"], _l("Upload a CSV or XLSX file."))],
        description=_l("In Zoom: Reports, Usage, the meeting's Participants, Export. You will "
                       "see the result before anything is saved."))
    upload = SubmitField(_l("Upload and check"))


def _attendance_form(registrations: list[Registration], *, bound: bool = True) -> FlaskForm:
    """One attended/absent choice per registered observer, pre-filled from what is stored.

    An unbound form (shown again after a failed Zoom upload) ignores the request's data.
    """

    class AttendanceForm(FlaskForm):
        save = SubmitField(_l("Save attendance"))
        all_attended = SubmitField(_l("Mark everyone attended"))
        all_absent = SubmitField(_l("Mark everyone absent"))

    for registration in registrations:
        setattr(AttendanceForm, f"observer_{registration.observer_id}", RadioField(
            registration.observer.full_name, validators=[Optional()],
            choices=[("1", _l("Attended")), ("0", _l("Absent"))]))
    form = AttendanceForm() if bound else AttendanceForm(formdata=None)
    if not bound or not form.is_submitted():
        for registration in registrations:
            if registration.attended is not None:
                form[f"observer_{registration.observer_id}"].data = \
                    "1" if registration.attended else "0"
    return form


def _confirm_form(match, token: str) -> FlaskForm:
    """The token of the stored report and, for each unmatched person, a select of observers."""

    class ConfirmForm(FlaskForm):
        token = HiddenField()
        confirm = SubmitField(_l("Confirm and save attendance"))

    registered = {m.observer.id for m in match.matched if m.registered} | \
        {o.id for o in match.absent}
    choices = [("", _("— ignore this row —"))] + [
        (str(o.id), _("%(name)s (registered)", name=o.full_name) if o.id in registered
         else o.full_name) for o in match.eligible]
    for position, person in match.unmatched:
        setattr(ConfirmForm, f"row_{position}", SelectField(
            _("Observer for “%(name)s”", name=person.name or person.email),
            choices=choices, default="", validators=[Optional()]))
    form = ConfirmForm()
    form.token.data = token
    return form


def _active_registrations(session: TrainingSession) -> list[Registration]:
    rows = db.session.execute(
        select(Registration).options(selectinload(Registration.observer))
        .where(Registration.session_id == session.id, Registration.cancelled_at.is_(None))
    ).scalars()
    return sorted(rows, key=lambda r: r.observer.full_name.casefold())


def _render_attendance(session, registrations, form, upload_form):
    return render_template("training/attendance.html", session=session,
                           registrations=registrations, form=form, upload_form=upload_form)


def _refuse_cancelled(session: TrainingSession):
    flash(_("A cancelled session has no attendance to mark."), "warning")
    return redirect(url_for("training.session_detail", session_id=session.id))


@bp.route("/sessions/<int:session_id>/attendance", methods=["GET", "POST"])
@requires("training.sessions")
def attendance(session_id: int):
    session = load_session(session_id, for_change=True)
    registrations = _active_registrations(session)
    form = _attendance_form(registrations)
    if form.is_submitted() and session.is_cancelled:
        return _refuse_cancelled(session)
    if form.validate_on_submit():
        marks = []
        for registration in registrations:
            if form.all_attended.data:
                value = True
            elif form.all_absent.data:
                value = False
            else:
                choice = form[f"observer_{registration.observer_id}"].data
                value = None if choice not in ("1", "0") else choice == "1"
            # Unchanged rows are left alone, so minutes imported from Zoom are kept.
            if value is not None and value != registration.attended:
                marks.append(services.AttendanceMark(registration.observer_id, value))
        if marks:
            services.mark_attendance(session, marks, actor=current_user._get_current_object(),
                                     source="manual")
            db.session.commit()
            flash(ngettext("Attendance saved for %(num)d observer.",
                           "Attendance saved for %(num)d observers.", len(marks)), "success")
        else:
            flash(_("Nothing changed."), "info")
        return redirect(url_for("training.attendance", session_id=session.id))
    return _render_attendance(session, registrations, form, ZoomUploadForm())


def _store_report(session: TrainingSession, participants: list[ZoomParticipant]) -> str:
    """Keep the parsed report until confirmation; returns its token."""
    folder = upload_dir("zoom")
    remove_stale_files(folder, "*.json")
    token = secrets.token_hex(16)
    body = json.dumps({"session": session.id, "user": current_user.id,
                       "participants": [p.to_dict() for p in participants]}, ensure_ascii=False)
    # Names and e-mails of participants: readable by the app's user only.
    descriptor = os.open(folder / f"{token}.json", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(body)
    pending = dict(flask_session.get(ZOOM_KEY) or {})
    pending[token] = session.id
    for old in list(pending)[:-KEPT_REPORTS]:
        pending.pop(old)
        (folder / f"{old}.json").unlink(missing_ok=True)
    flask_session[ZOOM_KEY] = pending
    return token


def _load_report(session: TrainingSession, token: str) -> list[ZoomParticipant] | None:
    """The stored report behind a token, if it is this user's upload for this session."""
    if not _TOKEN.match(token or "") or (flask_session.get(ZOOM_KEY) or {}).get(token) \
            != session.id:
        return None
    try:
        stored = json.loads((upload_dir("zoom") / f"{token}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if stored.get("session") != session.id or stored.get("user") != current_user.id:
        return None
    return [ZoomParticipant.from_dict(p) for p in stored.get("participants") or []]


def _forget_report(token: str) -> None:
    pending = dict(flask_session.get(ZOOM_KEY) or {})
    pending.pop(token, None)
    flask_session[ZOOM_KEY] = pending
    (upload_dir("zoom") / f"{token}.json").unlink(missing_ok=True)


def _render_preview(session, match, form, filename=""):
    return render_template("training/zoom_preview.html", session=session, match=match,
                           form=form, filename=filename)


@bp.post("/sessions/<int:session_id>/attendance/zoom")
@requires("training.sessions")
def zoom_upload(session_id: int):
    session = load_session(session_id, for_change=True)
    if session.is_cancelled:
        return _refuse_cancelled(session)
    upload_form = ZoomUploadForm()
    participants = None
    if upload_form.validate_on_submit():
        upload = upload_form.file.data
        filename = os.path.basename(upload.filename or "")[-200:]
        try:
            participants = parse_zoom_report(upload.read(), filename)
        except TableError as error:
            upload_form.file.errors = [str(error)]
    if participants is None:
        registrations = _active_registrations(session)
        return _render_attendance(session, registrations,
                                  _attendance_form(registrations, bound=False), upload_form)
    token = _store_report(session, participants)
    match = match_participants(session, participants)
    return _render_preview(session, match, _confirm_form(match, token), filename)


@bp.post("/sessions/<int:session_id>/attendance/zoom/confirm")
@requires("training.sessions")
def zoom_confirm(session_id: int):
    session = load_session(session_id, for_change=True)
    if session.is_cancelled:
        return _refuse_cancelled(session)
    token = request.form.get("token", "")
    participants = _load_report(session, token)
    if participants is None:
        flash(_("The uploaded report is no longer available. Upload it again."), "warning")
        return redirect(url_for("training.attendance", session_id=session.id))
    # Matched again rather than trusted from the form: the page only adds the hand-made matches.
    match = match_participants(session, participants)
    form = _confirm_form(match, token)
    if not form.validate_on_submit():
        return _render_preview(session, match, form)
    eligible = {str(o.id): o for o in match.eligible}
    manual = {position: eligible[choice] for position, _person in match.unmatched
              if (choice := form[f"row_{position}"].data) in eligible}
    if manual:
        match = match_participants(session, participants, manual)
    marks = match.marks()
    services.mark_attendance(session, marks, actor=current_user._get_current_object(),
                             source="zoom")
    db.session.commit()
    _forget_report(token)
    attended = sum(mark.attended for mark in marks)
    flash(_("Attendance imported from Zoom. Attended: %(attended)d; absent: %(absent)d.",
            attended=attended, absent=len(marks) - attended), "success")
    return redirect(url_for("training.session_detail", session_id=session.id))
