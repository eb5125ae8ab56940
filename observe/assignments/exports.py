"""The roster of an election as a table for CSV/XLSX export; phones only for those allowed."""

from flask_babel import gettext as _
from sqlalchemy import select

from observe.assignments.queries import roster
from observe.assignments.rules import ROLES, SHIFTS, STATUSES
from observe.audit.services import record
from observe.branches.models import Branch
from observe.branches.regions import region_name
from observe.extensions import db
from observe.permissions import can


def roster_table(election, user, *, branch_id: int | None, region: str | None,
                 fmt: str) -> tuple[list[str], list[list]]:
    """(headers, rows) of the active assignments in scope; the export is audited."""
    personal = can(user, "observers.personal_data")
    branch_names = dict(db.session.execute(select(Branch.id, Branch.name)).all())
    headers = [_("Region"), _("District"), _("Station"), _("Address"), _("Observer")]
    if personal:
        headers.append(_("Phone"))
    headers += [_("Role"), _("Shift"), _("Status"), _("Branch")]
    rows = []
    for assignment in roster(election.id, branch_id=branch_id, region=region):
        station, observer = assignment.station, assignment.observer
        row = [region_name(station.region), station.district, station.number, station.address,
               observer.full_name]
        if personal:
            row.append(observer.phone or "")
        row += [str(ROLES.get(assignment.role, assignment.role)),
                str(SHIFTS.get(assignment.shift, assignment.shift)),
                str(STATUSES.get(assignment.status, assignment.status)),
                branch_names.get(assignment.branch_id, "")]
        rows.append(row)
    record("assignment.roster_export", actor=user, object_type="election",
           object_id=election.id, summary=f"{len(rows)} {fmt}",
           after={"rows": len(rows), "format": fmt, "personal_data": personal,
                  "branch_id": branch_id, "region": region})
    return headers, rows
