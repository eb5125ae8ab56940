"""Assigning observers to polling stations: the rules, written once for the form, the
auto-assignment and the API."""

from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from observe.assignments.mandates import mandate_pdf
from observe.assignments.models import Assignment
from observe.assignments.queries import observer_in_scope, station_in_election
from observe.assignments.rules import ACTIVE, ROLES, SHIFTS, limits_from_text, overlapping_shifts
from observe.audit.services import record, snapshot
from observe.common.db import utcnow
from observe.common.errors import DomainError
from observe.elections.models import PollingStation
from observe.extensions import db
from observe.observers.models import Observer
from observe.permissions import in_scope
from observe.training.services import is_certified


class AssignmentError(DomainError):
    """One or more assignment rules were broken; `messages` says which, in the user's words.

    Rule violations concern the whole assignment; a missing observer or station is named by its
    field (`observer_id`, `station_id`).
    """

    def __init__(self, messages: list[str] | str | None = None, *, field: str = "",
                 fields: dict | None = None):
        listed = [messages] if isinstance(messages, str) else list(messages or [])
        super().__init__(None, fields={**({field: listed} if listed else {}), **(fields or {})})


@dataclass
class Proposal:
    observer: Observer
    station: PollingStation
    role: str
    shift: str
    override_reason: str = ""


def role_limits() -> dict[str, int]:
    return limits_from_text(current_app.config["ASSIGNMENT_LIMITS"])


def _lock_station(station_id: int) -> PollingStation:
    # Row lock on PostgreSQL: a second coordinator assigning to this station waits here and
    # then counts the first one's assignment. SQLite takes one writer at a time anyway.
    return db.session.execute(select(PollingStation).where(PollingStation.id == station_id)
                              .with_for_update()).scalar_one()


def rule_violations(proposal: Proposal, actor, *, ignore: Assignment | None = None
                    ) -> list[str]:
    """Every rule the proposed assignment breaks (an empty list means it may be made)."""
    observer, station, role, shift = (proposal.observer, proposal.station, proposal.role,
                                      proposal.shift)
    problems = []
    if role not in ROLES:
        problems.append(_("Choose a role."))
    if shift not in SHIFTS:
        problems.append(_("Choose a shift."))
    if actor is not None and not in_scope(actor, observer.branch_id):
        problems.append(_("This observer is not in your branch."))
    if observer.branch.region != station.region:
        problems.append(_("The station is outside the region of the observer's branch."))
    if not observer.is_accepted:
        problems.append(_("Only approved observers can be assigned."))
    elif not is_certified(observer) and not proposal.override_reason.strip():
        problems.append(_("This observer is not certified yet. Give a reason to assign anyway."))
    if problems or shift not in SHIFTS:
        return problems
    active = select(Assignment).where(Assignment.status.in_(ACTIVE),
                                      Assignment.election_id == station.election_id)
    if ignore is not None:
        active = active.where(Assignment.id != ignore.id)
    clash = db.session.execute(active.where(
        Assignment.observer_id == observer.id,
        Assignment.shift.in_(overlapping_shifts(shift))).limit(1)).scalar_one_or_none()
    if clash is not None:
        problems.append(_("This observer is already assigned at that time (station %(number)s).",
                          number=clash.station.number))
    limit = role_limits().get(role)
    if limit is not None:
        taken = db.session.scalar(select(func.count()).select_from(active.where(
            Assignment.station_id == station.id, Assignment.role == role,
            Assignment.shift.in_(overlapping_shifts(shift))).subquery()))
        if taken >= limit:
            problems.append(_("Station %(number)s already has %(taken)d of %(limit)d observers in "
                              "this role for this shift.", number=station.number, taken=taken,
                              limit=limit))
    return problems


def assign_observer(proposal: Proposal, *, actor) -> Assignment:
    """Create an assignment after checking every rule; raise AssignmentError with all problems."""
    proposal.station = _lock_station(proposal.station.id)
    problems = rule_violations(proposal, actor)
    if problems:
        raise AssignmentError(problems)
    assignment = Assignment(
        election_id=proposal.station.election_id, station_id=proposal.station.id,
        observer_id=proposal.observer.id, branch_id=proposal.observer.branch_id,
        role=proposal.role, shift=proposal.shift,
        override_reason="" if is_certified(proposal.observer) else proposal.override_reason.strip(),
        assigned_by_id=getattr(actor, "id", None))
    db.session.add(assignment)
    db.session.flush()
    record("assignment.create", assignment, actor=actor,
           summary=f"{proposal.observer.full_name} → {proposal.station.number}",
           after=snapshot(assignment, Assignment.AUDITED_FIELDS))
    if assignment.override_reason:
        record("assignment.certification_override", assignment, actor=actor,
               summary=assignment.override_reason)
    return assignment


def assign_by_ids(election, *, observer_id: int | None, station_id: int | None, role: str,
                  shift: str, actor, override_reason: str = "") -> Assignment:
    """Assign an observer (by id, within the actor's branches) to a station of the election."""
    observer = observer_in_scope(observer_id, actor)
    station = station_in_election(election.id, station_id)
    missing = {}
    if observer is None:
        # Another branch's id reads as no choice: nothing to probe.
        missing["observer_id"] = _("Choose an observer.")
    if station is None:
        missing["station_id"] = _("Choose a polling station.")
    if missing:
        raise AssignmentError(fields=missing)
    return assign_observer(Proposal(observer, station, role, shift, override_reason or ""),
                           actor=actor)


def change_assignment_by_ids(assignment: Assignment, *, station_id: int | None, role: str,
                             shift: str, actor, override_reason: str = "") -> Assignment:
    """Move an assignment to another station (by id, of the same election), role or shift."""
    station = station_in_election(assignment.election_id, station_id)
    if station is None:
        raise AssignmentError(_("Choose a polling station."), field="station_id")
    return change_assignment(assignment, station=station, role=role, shift=shift, actor=actor,
                             override_reason=override_reason)


def change_assignment(assignment: Assignment, *, station: PollingStation, role: str, shift: str,
                      actor, override_reason: str = "") -> Assignment:
    """Move an assignment to another station, role or shift, under the same rules."""
    if assignment.status not in ACTIVE:
        raise AssignmentError([_("Only an active assignment can be changed.")])
    station = _lock_station(station.id)
    proposal = Proposal(assignment.observer, station, role, shift,
                        override_reason or assignment.override_reason)
    problems = rule_violations(proposal, actor, ignore=assignment)
    if problems:
        raise AssignmentError(problems)
    before = snapshot(assignment, Assignment.AUDITED_FIELDS)
    moved = (station.id, role, shift) != (assignment.station_id, assignment.role,
                                          assignment.shift)
    assignment.station_id, assignment.role, assignment.shift = station.id, role, shift
    if moved and assignment.status == "confirmed":
        assignment.status, assignment.confirmed_at = "assigned", None  # to be confirmed again
    assignment.updated_at = utcnow()
    db.session.flush()
    record("assignment.update", assignment, actor=actor, before=before,
           after=snapshot(assignment, Assignment.AUDITED_FIELDS))
    return assignment


def withdraw_assignment(assignment: Assignment, *, actor, reason: str = "") -> Assignment:
    """The coordinator takes the assignment back."""
    if assignment.status not in ACTIVE:
        raise AssignmentError([_("This assignment is no longer active.")])
    return _set_status(assignment, "withdrawn", actor=actor, reason=(reason or "").strip())


def confirm_assignment(assignment: Assignment, *, actor) -> Assignment:
    """The observer confirms they will be there."""
    if assignment.status != "assigned":
        raise AssignmentError([_("Only a new assignment can be confirmed.")])
    assignment.confirmed_at = utcnow()
    return _set_status(assignment, "confirmed", actor=actor)


def decline_assignment(assignment: Assignment, *, actor, reason: str = "") -> Assignment:
    """The observer cannot go; the seat frees up for someone else."""
    if assignment.status not in ACTIVE:
        raise AssignmentError([_("This assignment is no longer active.")])
    assignment.decline_reason = (reason or "").strip()
    return _set_status(assignment, "declined", actor=actor, reason=reason)


def _set_status(assignment: Assignment, status: str, *, actor, reason: str = "") -> Assignment:
    before = snapshot(assignment, Assignment.AUDITED_FIELDS)
    assignment.status = status
    assignment.updated_at = utcnow()
    db.session.flush()
    record(f"assignment.{status}", assignment, actor=actor, summary=reason, before=before,
           after=snapshot(assignment, Assignment.AUDITED_FIELDS))
    return assignment


def mandate_letters_pdf(assignments: list[Assignment], *, actor, election,
                        branch_id: int | None = None) -> bytes:
    """The PDF of these mandate letters, audited: who took whose personal data out."""
    body = mandate_pdf(assignments)
    if len(assignments) == 1:
        assignment = assignments[0]
        record("assignment.mandate_pdf", assignment, actor=actor,
               summary=f"{assignment.observer.full_name} → {assignment.station.number}",
               after={"assignment_ids": [assignment.id]})
    else:
        record("assignment.mandate_pdf", election, actor=actor,
               summary=f"{len(assignments)} mandate letters",
               after={"assignment_ids": [a.id for a in assignments], "branch_id": branch_id})
    return body
