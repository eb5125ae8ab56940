"""Assigning observers to polling stations: the rules, written once for the form, the
auto-assignment and the API."""

from collections import defaultdict
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import or_, select

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


def _lock_stations(station_ids) -> dict[int, PollingStation]:
    """The stations by id, row-locked on PostgreSQL in one statement, in id order.

    A second coordinator assigning to one of them waits here and then counts the first one's
    assignment; taking the locks in id order keeps two batches from deadlocking. SQLite takes
    one writer at a time anyway.
    """
    stations = db.session.execute(
        select(PollingStation).where(PollingStation.id.in_(sorted(station_ids)))
        .order_by(PollingStation.id).with_for_update()).scalars()
    return {station.id: station for station in stations}


@dataclass
class _Seat:
    """An active assignment as the rules see it."""

    election_id: int
    observer_id: int
    station_id: int
    role: str
    shift: str
    number: str  # the station's number, for the message about a clash


class _Ledger:
    """The active assignments the rules look at, read in one query and kept up to date while a
    batch assigns, so that checking a pair costs no round trip."""

    def __init__(self):
        self.by_observer: dict[tuple[int, int], list[_Seat]] = defaultdict(list)
        self.by_station: dict[int, list[_Seat]] = defaultdict(list)

    @classmethod
    def load(cls, proposals: list[Proposal], ignore: Assignment | None = None) -> "_Ledger":
        """Every active assignment of the proposals' observers and stations in their elections."""
        ledger = cls()
        stmt = (select(Assignment.election_id, Assignment.observer_id, Assignment.station_id,
                       Assignment.role, Assignment.shift, PollingStation.number)
                .join(PollingStation, PollingStation.id == Assignment.station_id)
                .where(Assignment.status.in_(ACTIVE),
                       Assignment.election_id.in_({p.station.election_id for p in proposals}),
                       or_(Assignment.observer_id.in_({p.observer.id for p in proposals}),
                           Assignment.station_id.in_({p.station.id for p in proposals})))
                .order_by(Assignment.id))
        if ignore is not None:
            stmt = stmt.where(Assignment.id != ignore.id)
        for row in db.session.execute(stmt):
            ledger.add(_Seat(*row))
        return ledger

    def add(self, seat: _Seat) -> None:
        self.by_observer[(seat.election_id, seat.observer_id)].append(seat)
        self.by_station[seat.station_id].append(seat)

    def clash(self, election_id: int, observer_id: int, shift: str) -> _Seat | None:
        """The observer's first assignment in the election at a time overlapping the shift."""
        overlapping = overlapping_shifts(shift)
        return next((seat for seat in self.by_observer.get((election_id, observer_id), ())
                     if seat.shift in overlapping), None)

    def taken(self, station_id: int, role: str, shift: str) -> int:
        """Seats of the role at the station at a time overlapping the shift."""
        overlapping = overlapping_shifts(shift)
        return sum(seat.role == role and seat.shift in overlapping
                   for seat in self.by_station.get(station_id, ()))


def _violations(proposal: Proposal, actor, ledger: _Ledger, limits: dict[str, int]
                ) -> list[str]:
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
    clash = ledger.clash(station.election_id, observer.id, shift)
    if clash is not None:
        problems.append(_("This observer is already assigned at that time (station %(number)s).",
                          number=clash.number))
    limit = limits.get(role)
    if limit is not None:
        taken = ledger.taken(station.id, role, shift)
        if taken >= limit:
            problems.append(_("Station %(number)s already has %(taken)d of %(limit)d observers in "
                              "this role for this shift.", number=station.number, taken=taken,
                              limit=limit))
    return problems


def rule_violations(proposal: Proposal, actor, *, ignore: Assignment | None = None
                    ) -> list[str]:
    """Every rule the proposed assignment breaks (an empty list means it may be made)."""
    return _violations(proposal, actor, _Ledger.load([proposal], ignore), role_limits())


@dataclass
class Refusal:
    """A proposal of a batch that broke rules, and which."""

    proposal: Proposal
    messages: list[str]


def assign_observers(proposals: list[Proposal], *, actor
                     ) -> tuple[list[Assignment], list[Refusal]]:
    """Create many assignments under the rules of assign_observer, in a fixed number of queries.

    The stations are locked once, the assignments the rules look at are read once, and each
    proposal is checked against them and the ones made before it in the batch. A proposal that
    breaks a rule is refused with every message; the others still go ahead.
    """
    if not proposals:
        return [], []
    stations = _lock_stations({p.station.id for p in proposals})
    for proposal in proposals:
        proposal.station = stations[proposal.station.id]
    ledger, limits = _Ledger.load(proposals), role_limits()
    made: list[tuple[Proposal, Assignment]] = []
    refused: list[Refusal] = []
    # The ledger is the truth while the batch runs; loading an observer's branch must not
    # write the batch's rows one lazy load at a time.
    with db.session.no_autoflush:
        for proposal in proposals:
            problems = _violations(proposal, actor, ledger, limits)
            if problems:
                refused.append(Refusal(proposal, problems))
                continue
            observer, station = proposal.observer, proposal.station
            assignment = Assignment(
                election_id=station.election_id, station_id=station.id, observer_id=observer.id,
                branch_id=observer.branch_id, role=proposal.role, shift=proposal.shift,
                override_reason="" if is_certified(observer)
                else proposal.override_reason.strip(),
                assigned_by_id=getattr(actor, "id", None))
            db.session.add(assignment)
            ledger.add(_Seat(station.election_id, observer.id, station.id, proposal.role,
                             proposal.shift, station.number))
            made.append((proposal, assignment))
    db.session.flush()  # one INSERT for the batch; the audit entries need the ids
    for proposal, assignment in made:
        record("assignment.create", assignment, actor=actor,
               summary=f"{proposal.observer.full_name} → {proposal.station.number}",
               after=snapshot(assignment, Assignment.AUDITED_FIELDS))
        if assignment.override_reason:
            record("assignment.certification_override", assignment, actor=actor,
                   summary=assignment.override_reason)
    db.session.flush()
    return [assignment for _proposal, assignment in made], refused


def assign_observer(proposal: Proposal, *, actor) -> Assignment:
    """Create an assignment after checking every rule; raise AssignmentError with all problems."""
    created, refused = assign_observers([proposal], actor=actor)
    if refused:
        raise AssignmentError(refused[0].messages)
    return created[0]


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
    station = _lock_stations({station.id})[station.id]
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
                        branch_id: int | None = None, progress=None) -> bytes:
    """The PDF of these mandate letters, audited: who took whose personal data out."""
    body = mandate_pdf(assignments, progress=progress)
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
