"""The observer's own assignments: where, when, in what role, whom to call; confirm or decline."""

from datetime import date

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from observe.assignments import bp
from observe.assignments.forms import ConfirmForm, DeclineForm
from observe.assignments.queries import assignment_of, coordinators_of, observer_assignments
from observe.assignments.services import confirm_assignment, decline_assignment
from observe.assignments.views.board import vocabulary
from observe.common.forms import service_errors
from observe.permissions import requires, signed_in_observer

WHAT_TO_BRING = (
    _l("Your ID card"),
    _l("The mandate letter (направление) from your branch"),
    _l("A charged phone, and a power bank if you have one"),
    _l("A pen and a notebook"),
    _l("Water and food for a long day"),
)


def _own(assignment_id: int):
    """One of the signed-in observer's own assignments; 404 for anyone else's."""
    assignment = assignment_of(signed_in_observer(current_user), assignment_id)
    if assignment is None:
        abort(404)
    return assignment


@bp.get("/mine")
@requires("assignments.own")
def mine():
    observer = signed_in_observer(current_user)
    items = observer_assignments(observer)
    current = sorted((i for i in items if i.upcoming),
                     key=lambda i: i.election.polling_day or date.max)
    return render_template(
        "assignments/mine.html", observer=observer, current=current,
        past=[i for i in items if not i.upcoming], branch=observer.branch,
        coordinators=coordinators_of(observer.branch_id), what_to_bring=WHAT_TO_BRING,
        confirm_form=ConfirmForm(), decline_form=DeclineForm(), **vocabulary())


@bp.post("/mine/<int:assignment_id>/confirm")
@requires("assignments.own")
def confirm(assignment_id: int):
    assignment = _own(assignment_id)
    if not ConfirmForm().validate_on_submit():
        flash(_("The assignment was not confirmed. Try again."), "danger")
    else:
        with service_errors() as outcome:
            confirm_assignment(assignment, actor=current_user._get_current_object())
        if outcome.ok:
            flash(_("Thank you! Your assignment to station %(number)s is confirmed.",
                    number=assignment.station.number), "success")
    return redirect(url_for("assignments.mine"))


@bp.post("/mine/<int:assignment_id>/decline")
@requires("assignments.own")
def decline(assignment_id: int):
    assignment = _own(assignment_id)
    form = DeclineForm()
    if form.validate_on_submit():
        with service_errors() as outcome:
            decline_assignment(assignment, actor=current_user._get_current_object(),
                               reason=form.reason.data or "")
        if outcome.ok:
            flash(_("You have declined the assignment."), "info")
    else:
        flash(_("The assignment was not declined. Try again."), "danger")
    return redirect(url_for("assignments.mine"))
