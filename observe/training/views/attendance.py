"""Attendance of a session: marked by hand for the whole list, or imported from Zoom's report.

The Zoom report is read, checked against the session (its day and meeting ID) and matched on
upload, and shown for checking; the file waits as a pending upload (observe.common.uploads, its
token good for the uploader alone) until the coordinator confirms. No attendance is stored before
that. A coordinator sees and marks only their own branch's observers.
"""

import os

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from observe.common.forms import service_errors
from observe.common.uploads import PendingUploads
from observe.permissions import requires
from observe.training import bp, services
from observe.training.forms import ZoomUploadForm, attendance_form, zoom_confirm_form
from observe.training.queries import active_registrations
from observe.training.views.sessions import load_session
from observe.training.zoom import match_participants, report_for_session

REPORTS = PendingUploads("zoom")


def _render_attendance(session, registrations, form, upload_form):
    return render_template("training/attendance.html", session=session,
                           registrations=registrations, form=form, upload_form=upload_form)


def _refuse_cancelled(session):
    flash(_("A cancelled session has no attendance to mark."), "warning")
    return redirect(url_for("training.session_detail", session_id=session.id))


def _flash_result(result: services.AttendanceResult) -> None:
    if result.kept:
        flash(ngettext(
            "%(num)d observer marked attended by hand was kept as attended.",
            "%(num)d observers marked attended by hand were kept as attended.",
            len(result.kept)), "info")
    if result.decertified:
        flash(ngettext(
            "%(num)d observer is no longer certified: their training is no longer complete.",
            "%(num)d observers are no longer certified: their training is no longer complete.",
            len(result.decertified)), "warning")


@bp.route("/sessions/<int:session_id>/attendance", methods=["GET", "POST"])
@requires("training.sessions")
def attendance(session_id: int):
    user = current_user._get_current_object()
    session = load_session(session_id, user, for_change=True)
    registrations = active_registrations(session, user)
    form = attendance_form(registrations)
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
        if not marks:
            flash(_("Nothing changed."), "info")
        else:
            with service_errors() as outcome:
                result = services.mark_attendance(session, marks, actor=user,
                                                  source=services.MANUAL)
            if outcome.ok:
                flash(ngettext("Attendance saved for %(num)d observer.",
                               "Attendance saved for %(num)d observers.", len(marks)), "success")
                _flash_result(result)
        return redirect(url_for("training.attendance", session_id=session.id))
    return _render_attendance(session, registrations, form, ZoomUploadForm())


def _render_preview(session, match, form, filename=""):
    return render_template("training/zoom_preview.html", session=session, match=match,
                           form=form, filename=filename)


@bp.post("/sessions/<int:session_id>/attendance/zoom")
@requires("training.sessions")
def zoom_upload(session_id: int):
    user = current_user._get_current_object()
    session = load_session(session_id, user, for_change=True)
    if session.is_cancelled:
        return _refuse_cancelled(session)
    upload_form = ZoomUploadForm()
    if upload_form.validate_on_submit():
        upload = upload_form.file.data
        filename = os.path.basename(upload.filename or "")[-200:]
        with service_errors(upload_form) as outcome:
            report = report_for_session(session, upload.read(), filename)
            upload.stream.seek(0)
            token = REPORTS.save(upload, user=user, session=session.id)
        if outcome.ok:
            match = match_participants(session, report.participants, user=user)
            return _render_preview(session, match, zoom_confirm_form(match, token), filename)
    registrations = active_registrations(session, user)
    return _render_attendance(session, registrations, attendance_form(registrations, bound=False),
                              upload_form)


@bp.post("/sessions/<int:session_id>/attendance/zoom/confirm")
@requires("training.sessions")
def zoom_confirm(session_id: int):
    user = current_user._get_current_object()
    session = load_session(session_id, user, for_change=True)
    if session.is_cancelled:
        return _refuse_cancelled(session)
    token = request.form.get("token", "")
    stored = REPORTS.load(token, user=user, session=session.id)
    if stored is None:
        flash(_("The uploaded report is no longer available. Upload it again."), "warning")
        return redirect(url_for("training.attendance", session_id=session.id))
    path, entry = stored
    with service_errors() as outcome:
        report = report_for_session(session, path.read_bytes(), entry["filename"])
    if not outcome.ok:
        REPORTS.forget(token, path)
        return redirect(url_for("training.attendance", session_id=session.id))
    # Matched again rather than trusted from the form: the page only adds the hand-made matches.
    match = match_participants(session, report.participants, user=user)
    form = zoom_confirm_form(match, token)
    if not form.validate_on_submit():
        return _render_preview(session, match, form, entry["filename"])
    eligible = {str(o.id): o for o in match.eligible}
    manual = {position: eligible[choice] for position, _person in match.unmatched
              if (choice := form[f"row_{position}"].data) in eligible}
    if manual:
        match = match_participants(session, report.participants, manual, user=user)
    marks = match.marks()
    with service_errors() as outcome:
        result = services.mark_attendance(session, marks, actor=user, source=services.ZOOM,
                                          overwrite=set(form.overwrite.data or ()))
    if not outcome.ok:
        return redirect(url_for("training.attendance", session_id=session.id))
    REPORTS.forget(token, path)
    flash(_("Attendance imported from Zoom. Attended: %(attended)d; absent: %(absent)d.",
            attended=result.attended, absent=result.changed - result.attended), "success")
    _flash_result(result)
    return redirect(url_for("training.session_detail", session_id=session.id))
