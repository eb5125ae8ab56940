"""Broadcasts: HQ (anywhere) or a coordinator (own region) sends a short message to a chosen set
of observers, and sees how many got it and read it."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from observe.assignments.rules import SHIFTS
from observe.branches.regions import REGIONS
from observe.common.forms import service_errors
from observe.fieldops import bp, queries, services
from observe.fieldops.forms import BroadcastForm
from observe.permissions import acting_region, requires


@bp.route("/broadcasts", methods=["GET", "POST"])
@requires("fieldops.broadcast")
def broadcasts():
    user = current_user._get_current_object()
    election = queries.chosen_election(request.values.get("election"))
    form = BroadcastForm()
    region = acting_region(user)
    form.fill_choices([region] if region else list(REGIONS),
                      queries.districts(election.id, user) if election else [])
    if election is not None and form.validate_on_submit():
        with service_errors(form) as outcome:
            broadcast = services.send_broadcast(election, dict(
                region=form.region.data, district=form.district.data, shift=form.shift.data,
                not_checked_in=form.not_checked_in.data, body=form.body.data), actor=user)
        if outcome.ok:
            flash(_("Sent to %(count)d observer(s).", count=len(broadcast.receipts)), "success")
            return redirect(url_for("fieldops.broadcasts", election=election.id))
    status = 400 if request.method == "POST" else 200
    return render_template("fieldops/broadcasts.html", form=form, election=election,
                           sent=queries.broadcasts(user), regions=REGIONS, shifts=SHIFTS), status
