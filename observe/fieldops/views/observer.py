"""The observer's side: the SOS from a station (queued offline like a report, sent once by its
UUID) and its receipt ("seen by ... at ..."), and dismissing a broadcast."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from observe.common.forms import service_errors
from observe.fieldops import bp, queries, services
from observe.fieldops.forms import ActionForm, SosForm, SosPhotoForm
from observe.fieldops.rules import SOS_REASONS, SOS_STATUSES
from observe.main.template_helpers import local_datetime
from observe.permissions import requires, signed_in_observer
from observe.reports.queries import reporting_assignment

# The SOS page asks the phone for its location; the app's policy forbids it elsewhere.
LOCATION_ALLOWED = {"permissions_policy": {"geolocation": "(self)", "camera": "()",
                                           "microphone": "()"}}


def allow_location(view):
    """Let this page ask for the phone's location."""
    view.talisman_view_options = LOCATION_ALLOWED
    return view


@bp.route("/stations/<int:station_id>/sos", methods=["GET", "POST"])
@allow_location
@requires("fieldops.sos")
def raise_sos(station_id: int):
    observer = signed_in_observer(current_user)
    assignment = reporting_assignment(observer, station_id)
    if assignment is None:
        abort(404)
    form = SosForm()
    if form.validate_on_submit():
        photo = form.photo.data
        with service_errors(form) as outcome:
            signal, created = services.submit_sos(dict(
                uuid=form.uuid.data, station_id=station_id, reason=form.reason.data,
                note=form.note.data, latitude=form.latitude.data,
                longitude=form.longitude.data, accuracy=form.accuracy.data),
                actor=current_user._get_current_object(),
                photo=(photo.stream, photo.filename) if photo and photo.filename else None,
                link_for=lambda s: url_for("fieldops.sos", sos_id=s.id, _external=True))
        if outcome.ok:
            if created:
                flash(_("SOS sent at %(time)s. Your coordinator and HQ have it.",
                        time=local_datetime(signal.raised_at, "time")), "success")
            else:
                flash(_("This SOS was already received at %(time)s: it is stored once.",
                        time=local_datetime(signal.raised_at, "time")), "info")
            return redirect(url_for("fieldops.own_sos", sos_id=signal.id))
    return render_template("fieldops/raise_sos.html", form=form, assignment=assignment)


@bp.get("/sos/mine/<int:sos_id>")
@requires("fieldops.sos")
def own_sos(sos_id: int):
    return _own_sos_page(_own_signal(sos_id), SosPhotoForm())


def _own_signal(sos_id: int):
    """The signed-in observer's own SOS; 404 for anybody else's."""
    signal = queries.own_sos_signal(signed_in_observer(current_user), sos_id)
    if signal is None:
        abort(404)
    return signal


def _own_sos_page(signal, form, status: int = 200):
    return render_template("fieldops/own_sos.html", signal=signal, form=form,
                           sos_reasons=SOS_REASONS, sos_statuses=SOS_STATUSES), status


@bp.post("/sos/mine/<int:sos_id>/photo")
@requires("fieldops.sos")
def add_sos_photo(sos_id: int):
    signal = _own_signal(sos_id)
    form = SosPhotoForm()
    if form.validate_on_submit():
        with service_errors(form) as outcome:
            services.add_sos_photo(signal, (form.photo.data.stream, form.photo.data.filename),
                                   actor=current_user._get_current_object())
        if outcome.ok:
            flash(_("The photo is added to your SOS."), "success")
            return redirect(url_for("fieldops.own_sos", sos_id=signal.id))
    return _own_sos_page(signal, form, 400)


@bp.post("/messages/<int:receipt_id>/read")
@requires("fieldops.sos")
def read_message(receipt_id: int):
    observer = signed_in_observer(current_user)
    receipt = queries.own_receipt(observer, receipt_id)
    if receipt is None:
        abort(404)
    if ActionForm().validate_on_submit():
        services.mark_read(receipt)
    return redirect(url_for("reports.hub"))
