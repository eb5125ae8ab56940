"""Read-side queries of complaints: the board (overdue first, then by due date), one complaint
in the caller's scope, the appeal chain, the incidents a complaint may rest on, and the numbers
the briefing shows. Coordinators see their region only (permissions.scope_to_region)."""

import re
from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import selectinload

from observe.common.db import utcnow
from observe.complaints.models import Complaint, ComplaintIncident
from observe.elections.models import PollingStation
from observe.extensions import db
from observe.permissions import region_in_scope, scope_to_region
from observe.reports.models import Incident


def board_statement(user, *, show: str = "open", election_id: int | None = None,
                    now: datetime | None = None):
    """Complaints in scope: open ones (filed, then drafts) overdue first and by due date; or all."""
    now = now or utcnow()
    stmt = scope_to_region(select(Complaint), Complaint.region, user)
    if election_id:
        stmt = stmt.where(Complaint.election_id == election_id)
    if show == "open":
        stmt = stmt.where(Complaint.status != "closed")
    elif show in ("draft", "filed", "closed"):
        stmt = stmt.where(Complaint.status == show)
    overdue = case(((Complaint.status == "filed") & (Complaint.due_at < now), 0), else_=1)
    waiting = case((Complaint.status == "filed", 0), (Complaint.status == "draft", 1), else_=2)
    return stmt.options(selectinload(Complaint.station), selectinload(Complaint.election)) \
        .order_by(overdue, waiting, Complaint.due_at.is_(None), Complaint.due_at,
                  Complaint.id.desc())


def complaint_in_scope(user, complaint_id: int) -> Complaint | None:
    """A complaint the user may see (its region theirs); None otherwise."""
    complaint = db.session.get(Complaint, complaint_id)
    if complaint is None or not region_in_scope(user, complaint.region):
        return None
    return complaint


def chain(complaint: Complaint) -> list[Complaint]:
    """The appeal chain the complaint belongs to, from the first complaint to the last appeal."""
    first = complaint
    seen = {first.id}
    while first.appeal_of is not None and first.appeal_of.id not in seen:
        first = first.appeal_of
        seen.add(first.id)
    result, current = [first], first
    while current.appeals:
        current = current.appeals[-1]
        if current in result:
            break
        result.append(current)
    return result


REFERENCE = re.compile(r"\d+")


def parse_references(text: str) -> list[int]:
    """'I-12, i15 17' → [12, 15, 17]: the incident ids a form names, in order, each once."""
    return list(dict.fromkeys(int(n) for n in REFERENCE.findall(text or "")
                              if 0 < int(n) <= 2_147_483_647))


def incidents_in_scope(user, ids: list[int]) -> tuple[list[Incident], list[int]]:
    """(the incidents the user may use, the ids that are not incidents in their scope)."""
    if not ids:
        return [], []
    stmt = scope_to_region(select(Incident).join(PollingStation,
                                                 PollingStation.id == Incident.station_id)
                           .where(Incident.id.in_(ids)), PollingStation.region, user)
    found = {i.id: i for i in db.session.scalars(stmt)}
    return [found[i] for i in ids if i in found], [i for i in ids if i not in found]


def complaints_of_incident(incident_id: int) -> list[Complaint]:
    """The complaints resting on an incident."""
    return list(db.session.scalars(select(Complaint).join(ComplaintIncident).where(
        ComplaintIncident.incident_id == incident_id).order_by(Complaint.id)))


def complaint_numbers(election_id: int, *, region: str | None = None,
                      district: str | None = None, cutoff: datetime | None = None) -> dict:
    """For the briefing: complaints filed, answered, upheld and partly upheld, as of `cutoff`
    (an answer recorded after the cut-off does not count yet)."""
    filed = Complaint.filed_at.is_not(None)
    answered = Complaint.answered_at.is_not(None)
    if cutoff is not None:
        filed, answered = Complaint.filed_at <= cutoff, Complaint.answered_at <= cutoff
    stmt = select(
        func.count(Complaint.id).filter(filed),
        func.count(Complaint.id).filter(answered),
        func.count(Complaint.id).filter(answered, Complaint.outcome == "upheld"),
        func.count(Complaint.id).filter(answered, Complaint.outcome == "partly"),
    ).where(Complaint.election_id == election_id)
    if region:
        stmt = stmt.where(Complaint.region == region)
    if district:
        stmt = stmt.join(PollingStation, PollingStation.id == Complaint.station_id) \
            .where(PollingStation.district == district)
    filed_n, answered_n, upheld_n, partly_n = db.session.execute(stmt).one()
    return {"filed": filed_n, "answered": answered_n, "upheld": upheld_n, "partly": partly_n}
