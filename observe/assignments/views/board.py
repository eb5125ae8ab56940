"""The assignment board: a branch's stations with coverage; assign, change and withdraw."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional

from observe.assignments import bp
from observe.assignments.models import Assignment
from observe.assignments.queries import (
    active_assignments,
    active_branches,
    assignable_observers,
    board_statement,
    coverage_state,
    districts_of,
    stationary_shifts,
    stations_of_region,
)
from observe.assignments.rules import ACTIVE, ROLES, SHIFTS, STATUSES
from observe.assignments.services import (
    AssignmentError,
    Proposal,
    assign_observer,
    change_assignment,
    withdraw_assignment,
)
from observe.branches.models import Branch
from observe.common.forms import required
from observe.common.pagination import paginate
from observe.elections.models import Election, PollingStation
from observe.extensions import db
from observe.observers.choices import STATUS_LABELS
from observe.observers.models import Observer
from observe.permissions import get_or_404_in_scope, in_scope, is_national, requires


def _id(value) -> int:
    """A select's value as an id; anything else is 0, which `required()` refuses."""
    return int(value) if str(value or "").isdigit() else 0


def _role_field():
    return SelectField(_l("Role"), choices=list(ROLES.items()), default="stationary",
                       validators=[required()])


def _shift_field():
    return SelectField(_l("Shift"), choices=list(SHIFTS.items()), default="full_day",
                       validators=[required()])


def _reason_field():
    return TextAreaField(
        _l("Reason to assign an observer who is not certified"),
        validators=[Optional(), Length(max=1000)],
        description=_l("Only for an observer who is not certified yet; the reason is kept in "
                       "the audit log."))


class AssignForm(FlaskForm):
    # Ids are checked by the assignment rules, not by the choices, so every rule can answer.
    observer_id = SelectField(_l("Observer"), coerce=_id, validate_choice=False,
                              validators=[required()])
    station_id = SelectField(_l("Polling station"), coerce=_id, validate_choice=False,
                             validators=[required()])
    role = _role_field()
    shift = _shift_field()
    override_reason = _reason_field()
    submit = SubmitField(_l("Assign"))


class EditForm(FlaskForm):
    station_id = SelectField(_l("Polling station"), coerce=_id, validate_choice=False,
                             validators=[required()])
    role = _role_field()
    shift = _shift_field()
    override_reason = _reason_field()
    submit = SubmitField(_l("Save"))


class WithdrawForm(FlaskForm):
    reason = StringField(_l("Reason (optional)"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("Withdraw"))


def vocabulary() -> dict:
    """Labels of roles, shifts and statuses for the templates."""
    return {"role_labels": ROLES, "shift_labels": SHIFTS, "status_labels": STATUSES}


def load_election(election_id: int) -> Election:
    return db.get_or_404(Election, election_id)


def board_branch() -> Branch | None:
    """The coordinator's own branch; for national roles the one chosen by ?branch_id=."""
    if not is_national(current_user):
        if current_user.branch_id is None:
            abort(403)
        return db.session.get(Branch, current_user.branch_id)
    branch_id = request.args.get("branch_id", "")
    if not branch_id:
        return None
    if not branch_id.isdigit():
        abort(404)
    return db.get_or_404(Branch, int(branch_id))


def board_url(election_id: int, branch_id: int | None) -> str:
    """The board of a branch; national users need the branch in the address."""
    return url_for("assignments.board", election_id=election_id,
                   branch_id=branch_id if is_national(current_user) else None)


def _station_choices(election_id: int, region: str) -> list[tuple[int, str]]:
    choices = [(0, _("Choose a polling station"))]
    for station in stations_of_region(election_id, region):
        text = _("Station %(number)s — %(district)s, %(address)s", number=station.number,
                 district=station.district, address=station.address)
        if station.is_priority:
            text += " · " + _("priority")
        choices.append((station.id, text))
    return choices


def _station_in(election: Election, station_id: int) -> PollingStation | None:
    station = db.session.get(PollingStation, station_id) if station_id else None
    return station if station is not None and station.election_id == election.id else None


@bp.get("/")
@requires("assignments.view")
def index():
    elections = db.session.execute(select(Election).order_by(Election.polling_day.desc(),
                                                             Election.id.desc())).scalars()
    return render_template("assignments/index.html", elections=list(elections))


@bp.get("/<int:election_id>")
@requires("assignments.view")
def board(election_id: int):
    election = load_election(election_id)
    branch = board_branch()
    if branch is None:
        return render_template("assignments/board.html", election=election, branch=None,
                               branches=active_branches(), **vocabulary())
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
        withdraw_form=WithdrawForm(), branches=active_branches() if is_national(
            current_user) else [], **vocabulary())


@bp.route("/<int:election_id>/assign", methods=["GET", "POST"])
@requires("assignments.manage")
def assign(election_id: int):
    election = load_election(election_id)
    branch = board_branch()
    if branch is None:
        flash(_("Choose a branch first."), "info")
        return redirect(url_for("assignments.board", election_id=election.id))
    form = AssignForm()
    observers = assignable_observers(branch.id)
    form.observer_id.choices = [(0, _("Choose an observer"))] + [
        (o.id, o.full_name if o.status == "certified" else _(
            "%(name)s (%(status)s, not certified)", name=o.full_name,
            status=STATUS_LABELS.get(o.status, o.status))) for o in observers]
    form.station_id.choices = _station_choices(election.id, branch.region)
    if request.method == "GET":
        form.station_id.data = _id(request.args.get("station_id"))
        form.observer_id.data = _id(request.args.get("observer_id"))
    if form.validate_on_submit():
        observer = db.session.get(Observer, form.observer_id.data)
        if observer is not None and not in_scope(current_user, observer.branch_id):
            observer = None  # another branch's id reads as no choice: nothing to probe
        station = _station_in(election, form.station_id.data)
        if observer is None:
            form.observer_id.errors.append(_("Choose an observer."))
        if station is None:
            form.station_id.errors.append(_("Choose a polling station."))
        if observer is not None and station is not None:
            try:
                assign_observer(Proposal(observer, station, form.role.data, form.shift.data,
                                         form.override_reason.data or ""),
                                actor=current_user._get_current_object())
            except AssignmentError as error:
                db.session.rollback()
                form.form_errors.extend(error.messages)
            else:
                db.session.commit()
                flash(_("%(name)s is assigned to station %(number)s.", name=observer.full_name,
                        number=station.number), "success")
                return redirect(board_url(election.id, branch.id))
    return render_template("assignments/assign.html", form=form, election=election,
                           branch=branch)


@bp.route("/item/<int:assignment_id>/edit", methods=["GET", "POST"])
@requires("assignments.manage")
def edit(assignment_id: int):
    assignment = get_or_404_in_scope(Assignment, assignment_id)
    election = assignment.election
    branch = db.session.get(Branch, assignment.branch_id)
    # Only a GET starts from the stored values: a POST missing a field must not fall back to them.
    form = EditForm(obj=assignment if request.method == "GET" else None)
    form.station_id.choices = _station_choices(election.id, branch.region)
    if assignment.status not in ACTIVE:
        flash(_("This assignment is no longer active."), "danger")
        return redirect(board_url(election.id, branch.id))
    if form.validate_on_submit():
        station = _station_in(election, form.station_id.data)
        if station is None:
            form.station_id.errors.append(_("Choose a polling station."))
        else:
            try:
                change_assignment(assignment, station=station, role=form.role.data,
                                  shift=form.shift.data, actor=current_user._get_current_object(),
                                  override_reason=form.override_reason.data or "")
            except AssignmentError as error:
                db.session.rollback()
                form.form_errors.extend(error.messages)
            else:
                db.session.commit()
                flash(_("The assignment of %(name)s is changed.",
                        name=assignment.observer.full_name), "success")
                return redirect(board_url(election.id, branch.id))
    return render_template("assignments/edit.html", form=form, assignment=assignment,
                           election=election, branch=branch, **vocabulary())


@bp.post("/item/<int:assignment_id>/withdraw")
@requires("assignments.manage")
def withdraw(assignment_id: int):
    assignment = get_or_404_in_scope(Assignment, assignment_id)
    election_id, branch_id = assignment.election_id, assignment.branch_id
    form = WithdrawForm()
    if not form.validate_on_submit():
        flash(_("The assignment was not withdrawn. Try again."), "danger")
    elif assignment.status not in ACTIVE:
        flash(_("This assignment is no longer active."), "danger")
    else:
        name = assignment.observer.full_name
        withdraw_assignment(assignment, actor=current_user._get_current_object(),
                            reason=(form.reason.data or "").strip())
        db.session.commit()
        flash(_("The assignment of %(name)s is withdrawn.", name=name), "success")
    return redirect(board_url(election_id, branch_id))
