"""Training numbers per branch and per session, and certification by hand."""

from flask import flash, redirect, render_template, url_for
from flask_babel import format_percent
from flask_babel import gettext as _
from flask_login import current_user

from observe.common.forms import service_errors
from observe.observers.models import Observer
from observe.permissions import get_or_404_in_scope, requires
from observe.training import bp, services, stats
from observe.training.forms import CertifyForm


@bp.get("/numbers")
@requires("training.sessions")
def numbers():
    return render_template("training/numbers.html", branches=stats.by_branch(current_user),
                           sessions=stats.by_session(current_user),
                           percent=lambda r: "—" if r is None else format_percent(r, "#,##0.0%"))


@bp.post("/observers/<int:observer_id>/certification")
@requires("training.certify")
def certification(observer_id: int):
    user = current_user._get_current_object()
    observer = get_or_404_in_scope(Observer, observer_id, user)
    form = CertifyForm()
    if not form.validate_on_submit():
        flash(_("Give a reason."), "danger")
        return redirect(url_for("observers.show", observer_id=observer.id))
    with service_errors() as outcome:
        if form.decertify.data:
            services.decertify(observer, form.reason.data, actor=user)
            message = _("The certification was taken back.")
        else:
            services.certify_by_hand(observer, form.reason.data, actor=user)
            message = _("The observer is certified.")
    if outcome.ok:
        flash(message, "success")
    return redirect(url_for("observers.show", observer_id=observer.id))
