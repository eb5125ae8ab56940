"""The assignment board: a branch's stations with coverage; assign, change and withdraw."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from observe.assignments import bp
from observe.assignments.forms import (
    AssignForm,
    EditForm,
    WithdrawForm,
    observer_choices,
    query_id,
    station_choices,
)
from observe.assignments.models import Assignment
from observe.assignments.queries import (
    active_assignments,
    active_count,
    assignable_observers,
    board_statement,
    coverage_state,
    districts_of,
    stationary_shifts,
    stations_of_region,
)
from observe.assignments.rules import ROLES, SHIFTS, STATUSES
from observe.assignments.services import (
    assign_by_ids,
    change_assignment_by_ids,
    withdraw_assignment,
)
from observe.branches.models import Branch
from observe.branches.queries import active_branches
from observe.common.forms import service_errors
from observe.common.pagination import paginate
from observe.elections.models import Election
from observe.elections.queries import elections_newest_first
from observe.extensions import db
from observe.permissions import acting_branch, can, get_or_404_in_scope, requires

# The letters carry the observer's IIN: only those who may see personal data print them.
MANDATE_CAPABILITIES = ("assignments.manage", "observers.personal_data")


def vocabulary() -> dict:
    """Labels of roles, shifts and statuses for the templates."""
    return {"role_labels": ROLES, "shift_labels": SHIFTS, "status_labels": STATUSES}


def load_election(election_id: int) -> Election:
    return db.get_or_404(Election, election_id)


def board_url(election_id: int, branch: Branch | None, user) -> str:
    """The board of a branch; a user who picks branches needs it named in the address."""
    picks = branch is not None and acting_branch(user) is None
    return url_for("assignments.board", election_id=election_id,
                   branch_id=branch.id if picks else None)


def _user():
    return current_user._get_current_object()


@bp.get("/")
@requires("assignments.view")
def index():
    return render_template("assignments/index.html", elections=elections_newest_first())


@bp.get("/<int:election_id>")
@requires("assignments.view")
def board(election_id: int):
    election = load_election(election_id)
    user = _user()
    branch = acting_branch(user, request.args.get("branch_id"))
    if branch is None:
        return render_template("assignments/board.html", election=election, branch=None,
                               branches=active_branches(user), **vocabulary())
    filters = {"district": request.args.get("district", ""),
               "priority": request.args.get("priority") == "1",
               "uncovered": request.args.get("uncovered") == "1"}
    page = paginate(board_statement(election.id, branch.region, filters))
    ids = [station.id for station in page.items]
    shifts = stationary_shifts(election.id, ids)
    return render_template(
        "assignments/board.html", election=election, branch=branch, page=page,
        filters=filters, districts=districts_of(election.id, branch.region),
        states={i: coverage_state(shifts.get(i)) for i in ids},
        assignments=active_assignments(election.id, station_ids=ids, branch_id=branch.id),
        withdraw_form=WithdrawForm(), branches=active_branches(user),
        may_print=all(can(user, c) for c in MANDATE_CAPABILITIES),
        letters=active_count(election.id, branch.id), **vocabulary())


@bp.route("/<int:election_id>/assign", methods=["GET", "POST"])
@requires("assignments.manage")
def assign(election_id: int):
    election = load_election(election_id)
    user = _user()
    branch = acting_branch(user, request.args.get("branch_id"))
    if branch is None:
        flash(_("Choose a branch first."), "info")
        return redirect(url_for("assignments.board", election_id=election.id))
    form = AssignForm()
    form.observer_id.choices = observer_choices(assignable_observers(branch.id))
    form.station_id.choices = station_choices(stations_of_region(election.id, branch.region))
    if request.method == "GET":
        form.station_id.data = query_id(request.args.get("station_id"))
        form.observer_id.data = query_id(request.args.get("observer_id"))
    if form.validate_on_submit():
        with service_errors(form) as outcome:
            assignment = assign_by_ids(
                election, observer_id=form.observer_id.data, station_id=form.station_id.data,
                role=form.role.data, shift=form.shift.data,
                override_reason=form.override_reason.data or "", actor=user)
        if outcome.ok:
            flash(_("%(name)s is assigned to station %(number)s.",
                    name=assignment.observer.full_name, number=assignment.station.number),
                  "success")
            return redirect(board_url(election.id, branch, user))
    return render_template("assignments/assign.html", form=form, election=election,
                           branch=branch)


@bp.route("/item/<int:assignment_id>/edit", methods=["GET", "POST"])
@requires("assignments.manage")
def edit(assignment_id: int):
    user = _user()
    assignment = get_or_404_in_scope(Assignment, assignment_id, user)
    election = assignment.election
    branch = db.session.get(Branch, assignment.branch_id)
    if not assignment.is_active:
        flash(_("This assignment is no longer active."), "danger")
        return redirect(board_url(election.id, branch, user))
    # Only a GET starts from the stored values: a POST missing a field must not fall back to them.
    form = EditForm(obj=assignment if request.method == "GET" else None)
    form.station_id.choices = station_choices(stations_of_region(election.id, branch.region))
    if form.validate_on_submit():
        with service_errors(form) as outcome:
            change_assignment_by_ids(assignment, station_id=form.station_id.data,
                                     role=form.role.data, shift=form.shift.data, actor=user,
                                     override_reason=form.override_reason.data or "")
        if outcome.ok:
            flash(_("The assignment of %(name)s is changed.",
                    name=assignment.observer.full_name), "success")
            return redirect(board_url(election.id, branch, user))
    return render_template("assignments/edit.html", form=form, assignment=assignment,
                           election=election, branch=branch, **vocabulary())


@bp.post("/item/<int:assignment_id>/withdraw")
@requires("assignments.manage")
def withdraw(assignment_id: int):
    user = _user()
    assignment = get_or_404_in_scope(Assignment, assignment_id, user)
    election_id, branch = assignment.election_id, db.session.get(Branch, assignment.branch_id)
    name = assignment.observer.full_name
    form = WithdrawForm()
    if not form.validate_on_submit():
        flash(_("The assignment was not withdrawn. Try again."), "danger")
    else:
        with service_errors() as outcome:
            withdraw_assignment(assignment, actor=user, reason=form.reason.data or "")
        if outcome.ok:
            flash(_("The assignment of %(name)s is withdrawn.", name=name), "success")
    return redirect(board_url(election_id, branch, user))
