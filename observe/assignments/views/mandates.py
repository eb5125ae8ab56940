"""Mandate letters: a print-ready page and a PDF for one assignment or a branch's whole election,
and the observer's own letter to take to the station."""

from flask import Response, abort, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from observe.assignments import bp
from observe.assignments.mandates import mandate_data, mandate_pdf
from observe.assignments.models import Assignment
from observe.assignments.rules import ACTIVE
from observe.audit.services import record
from observe.branches.models import Branch
from observe.elections.models import Election, PollingStation
from observe.extensions import db
from observe.observers.models import Observer
from observe.permissions import (
    get_or_404_in_scope,
    in_scope,
    is_national,
    requires,
    scope_to_branch,
)

# The letters carry the observer's IIN: only those who may see personal data print them.
MANAGE = ("assignments.manage", "observers.personal_data")


def _active_or_404(assignment: Assignment) -> Assignment:
    # A withdrawn or declined assignment must not yield a letter that opens a station's door.
    if assignment.status not in ACTIVE:
        abort(404)
    return assignment


def _pdf_response(body: bytes, filename: str) -> Response:
    return Response(body, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "no-store"})


def _record_download(assignments: list[Assignment], *, election: Election,
                     branch_id: int | None = None) -> None:
    """One audit entry per PDF: who took whose personal data out of the system."""
    if len(assignments) == 1:
        assignment = assignments[0]
        record("assignment.mandate_pdf", assignment,
               summary=f"{assignment.observer.full_name} → {assignment.station.number}",
               after={"assignment_ids": [assignment.id]})
    else:
        record("assignment.mandate_pdf", election,
               summary=f"{len(assignments)} mandate letters",
               after={"assignment_ids": [a.id for a in assignments], "branch_id": branch_id})
    db.session.commit()


def _election_assignments(election: Election, branch_id: int | None) -> list[Assignment]:
    """The active assignments of an election in the caller's branches (or the chosen one)."""
    stmt = (select(Assignment)
            .join(PollingStation, Assignment.station_id == PollingStation.id)
            .join(Observer, Assignment.observer_id == Observer.id)
            .where(Assignment.election_id == election.id, Assignment.status.in_(ACTIVE))
            .order_by(Assignment.branch_id, PollingStation.region,
                      func.length(PollingStation.number), PollingStation.number,
                      Observer.full_name, Assignment.id))
    stmt = scope_to_branch(stmt, Assignment.branch_id, current_user)
    if branch_id is not None:
        stmt = stmt.where(Assignment.branch_id == branch_id)
    return list(db.session.execute(stmt).scalars())


def _chosen_branch_id() -> int | None:
    """?branch_id= for national users; coordinators get their own branch (404 for another)."""
    branch_id = request.args.get("branch_id", type=int)
    if branch_id is not None and (db.session.get(Branch, branch_id) is None
                                  or not in_scope(current_user, branch_id)):
        abort(404)
    return branch_id


@bp.get("/mandates/<int:assignment_id>")
@requires(*MANAGE)
def mandate(assignment_id: int):
    assignment = _active_or_404(get_or_404_in_scope(Assignment, assignment_id))
    return render_template(
        "assignments/mandate.html", letters=[mandate_data(assignment)],
        election=assignment.election,
        pdf_url=url_for(".mandate_pdf_one", assignment_id=assignment.id))


@bp.get("/mandates/<int:assignment_id>.pdf")
@requires(*MANAGE)
def mandate_pdf_one(assignment_id: int):
    assignment = _active_or_404(get_or_404_in_scope(Assignment, assignment_id))
    body = mandate_pdf([assignment])
    _record_download([assignment], election=assignment.election)
    return _pdf_response(body, f"mandate-{assignment.id}.pdf")


@bp.get("/<int:election_id>/mandates")
@requires(*MANAGE)
def mandates(election_id: int):
    election = db.get_or_404(Election, election_id)
    branch_id = _chosen_branch_id()
    assignments = _election_assignments(election, branch_id)
    branches = []
    if is_national(current_user):
        branches = db.session.execute(select(Branch).order_by(Branch.name)).scalars().all()
    pdf_args = {"branch_id": branch_id} if branch_id is not None else {}
    return render_template(
        "assignments/mandate.html", letters=[mandate_data(a) for a in assignments],
        election=election, branches=branches, branch_id=branch_id,
        pdf_url=url_for(".mandates_pdf", election_id=election.id, **pdf_args) if assignments
        else None)


@bp.get("/<int:election_id>/mandates.pdf")
@requires(*MANAGE)
def mandates_pdf(election_id: int):
    election = db.get_or_404(Election, election_id)
    branch_id = _chosen_branch_id()
    assignments = _election_assignments(election, branch_id)
    if not assignments:
        abort(404)
    body = mandate_pdf(assignments)
    _record_download(assignments, election=election, branch_id=branch_id)
    suffix = f"-branch-{branch_id}" if branch_id is not None else ""
    return _pdf_response(body, f"mandates-{election.id}{suffix}.pdf")


@bp.get("/mine/<int:assignment_id>/mandate.pdf")
@requires("assignments.own")
def my_mandate_pdf(assignment_id: int):
    assignment = db.session.get(Assignment, assignment_id)
    # 404 rather than 403 for someone else's letter: ids are not to be probed.
    if assignment is None or assignment.observer.user_id != current_user.id:
        abort(404)
    _active_or_404(assignment)
    body = mandate_pdf([assignment])
    _record_download([assignment], election=assignment.election)
    return _pdf_response(body, f"mandate-{assignment.id}.pdf")
