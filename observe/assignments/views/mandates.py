"""Mandate letters: a print-ready page and a PDF for one assignment or a branch's whole election,
and the observer's own letter to take to the station."""

from flask import Response, abort, redirect, render_template, request, url_for
from flask_login import current_user

from observe.assignments import bp
from observe.assignments.jobs import queue_mandate_letters
from observe.assignments.mandates import mandate_data
from observe.assignments.models import Assignment
from observe.assignments.queries import assignment_of, mandate_assignments
from observe.assignments.services import mandate_letters_pdf
from observe.assignments.views.board import MANDATE_CAPABILITIES, load_election
from observe.branches.queries import active_branches
from observe.common.forms import service_errors
from observe.permissions import acting_branch, get_or_404_in_scope, requires, signed_in_observer


def _active_or_404(assignment: Assignment | None) -> Assignment:
    # A withdrawn or declined assignment must not yield a letter that opens a station's door.
    if assignment is None or not assignment.is_active:
        abort(404)
    return assignment


def _pdf_response(body: bytes, filename: str) -> Response:
    return Response(body, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "no-store"})


def _user():
    return current_user._get_current_object()


@bp.get("/mandates/<int:assignment_id>")
@requires(*MANDATE_CAPABILITIES)
def mandate(assignment_id: int):
    assignment = _active_or_404(get_or_404_in_scope(Assignment, assignment_id, _user()))
    return render_template(
        "assignments/mandate.html", letters=[mandate_data(assignment)],
        election=assignment.election, branch_id=assignment.branch_id,
        pdf_url=url_for(".mandate_pdf_one", assignment_id=assignment.id))


def _acting_branch_id(user) -> int | None:
    """The branch whose letters are asked for (?branch_id=, checked), or None for all in scope."""
    branch = acting_branch(user, request.args.get("branch_id"))
    return branch.id if branch is not None else None


@bp.get("/mandates/<int:assignment_id>.pdf")
@requires(*MANDATE_CAPABILITIES)
def mandate_pdf_one(assignment_id: int):
    user = _user()
    assignment = _active_or_404(get_or_404_in_scope(Assignment, assignment_id, user))
    body = mandate_letters_pdf([assignment], actor=user, election=assignment.election)
    return _pdf_response(body, f"mandate-{assignment.id}.pdf")


@bp.get("/<int:election_id>/mandates")
@requires(*MANDATE_CAPABILITIES)
def mandates(election_id: int):
    election = load_election(election_id)
    user = _user()
    branch_id = _acting_branch_id(user)
    assignments = mandate_assignments(election.id, user, branch_id)
    return render_template(
        "assignments/mandate.html", letters=[mandate_data(a) for a in assignments],
        election=election, branches=active_branches(user), branch_id=branch_id,
        job_url=url_for(".mandates_job", election_id=election.id, branch_id=branch_id)
        if assignments else None)


@bp.get("/<int:election_id>/mandates.pdf")
@requires(*MANDATE_CAPABILITIES)
def mandates_pdf(election_id: int):
    election = load_election(election_id)
    user = _user()
    branch_id = _acting_branch_id(user)
    assignments = mandate_assignments(election.id, user, branch_id)
    if not assignments:
        abort(404)
    body = mandate_letters_pdf(assignments, actor=user, election=election, branch_id=branch_id)
    suffix = f"-branch-{branch_id}" if branch_id is not None else ""
    return _pdf_response(body, f"mandates-{election.id}{suffix}.pdf")


@bp.post("/<int:election_id>/mandates/job")
@requires(*MANDATE_CAPABILITIES)
def mandates_job(election_id: int):
    """The PDF of every letter is made by a background job; the user watches it on its page."""
    election = load_election(election_id)
    user = _user()
    branch_id = _acting_branch_id(user)
    back_url = url_for(".mandates", election_id=election.id, branch_id=branch_id)
    with service_errors() as outcome:
        job = queue_mandate_letters(election, actor=user, branch_id=branch_id, back_url=back_url)
    if not outcome.ok:
        return redirect(back_url)
    return redirect(url_for("jobs.show", job_id=job.id))


@bp.get("/mine/<int:assignment_id>/mandate.pdf")
@requires("assignments.own")
def my_mandate_pdf(assignment_id: int):
    user = _user()
    # 404 rather than 403 for someone else's letter: ids are not to be probed.
    assignment = _active_or_404(assignment_of(signed_in_observer(user), assignment_id))
    body = mandate_letters_pdf([assignment], actor=user, election=assignment.election)
    return _pdf_response(body, f"mandate-{assignment.id}.pdf")
