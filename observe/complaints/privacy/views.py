"""Retention pages: the admin's overview (policies, who is due, the log of personal-data
downloads) and the observer's own page (download my data, withdraw consent)."""

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from observe.common.db import utcnow
from observe.common.forms import service_errors
from observe.complaints.privacy import bp, queries, services
from observe.complaints.privacy.exports import PROFILE_LABELS, own_data, own_export
from observe.complaints.privacy.forms import EraseForm, PolicyForm, WithdrawForm
from observe.complaints.privacy.jobs import queue_erasure
from observe.complaints.privacy.rules import DOWNLOAD_LABELS
from observe.elections.models import Election
from observe.extensions import db
from observe.permissions import requires, signed_in_observer


@bp.get("/")
@requires("privacy.manage")
def overview():
    now = utcnow()
    elections = queries.retention_overview(now)
    forms = {item.election.id: PolicyForm(formdata=None, months=item.months)
             for item in elections}
    return render_template("complaints/privacy.html", elections=elections, forms=forms,
                           planned=services.plan(now), downloads=queries.download_log(),
                           download_labels=DOWNLOAD_LABELS, now_utc=now,
                           erase_form=EraseForm(formdata=None))


@bp.post("/erase")
@requires("privacy.manage")
def erase():
    form = EraseForm()
    if not form.validate_on_submit():
        for message in form.confirm.errors or [_("The erasure was not started. Try again.")]:
            flash(message, "danger")
        return redirect(url_for("privacy.overview"))
    with service_errors() as outcome:
        job = queue_erasure(actor=current_user._get_current_object())
    if not outcome.ok:
        return redirect(url_for("privacy.overview"))
    return redirect(url_for("jobs.show", job_id=job.id))


@bp.post("/elections/<int:election_id>/policy")
@requires("privacy.manage")
def policy(election_id: int):
    election = db.session.get(Election, election_id)
    if election is None:
        abort(404)
    form = PolicyForm()
    if form.validate_on_submit():
        with service_errors() as outcome:
            services.set_policy(election, form.months.data,
                                actor=current_user._get_current_object())
        if outcome.ok:
            flash(_("Retention of %(name)s: %(months)d months after it is closed.",
                    name=election.name, months=form.months.data), "success")
    else:
        for message in form.months.errors:
            flash(message, "danger")
    return redirect(url_for("privacy.overview"))


@bp.get("/mine")
@requires("privacy.own")
def mine():
    observer = signed_in_observer(current_user)
    return render_template("complaints/mine.html", data=own_data(observer),
                           labels=PROFILE_LABELS)


@bp.get("/mine.<any(json, pdf):fmt>")
@requires("privacy.own")
def mine_download(fmt: str):
    observer = signed_in_observer(current_user)
    body = own_export(observer, fmt, actor=current_user._get_current_object())
    mimetype = "application/json" if fmt == "json" else "application/pdf"
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="my-data.{fmt}"',
        "Cache-Control": "no-store"})


@bp.route("/mine/withdraw", methods=["GET", "POST"])
@requires("privacy.own")
def withdraw():
    observer = signed_in_observer(current_user)
    form = WithdrawForm()
    if form.validate_on_submit():
        with service_errors(form) as outcome:
            services.withdraw_consent(observer, actor=current_user._get_current_object())
        if outcome.ok:
            logout_user()
            flash(_("Your consent is withdrawn and your personal data erased. Thank you for "
                    "observing."), "success")
            return redirect(url_for("auth.login"))
    return render_template("complaints/withdraw.html", form=form)
