"""The roster of an election as a table for CSV/XLSX export; phones only for those allowed."""

from collections.abc import Iterator

from flask_babel import gettext as _
from sqlalchemy import func, select

from observe.assignments.models import Assignment
from observe.assignments.queries import branch_names, roster_statement
from observe.assignments.rules import ROLES, SHIFTS, STATUSES
from observe.audit.services import record
from observe.branches.regions import region_name
from observe.elections.models import PollingStation
from observe.extensions import db
from observe.observers.models import Observer
from observe.permissions import can

BATCH = 2000


def _statement(election_id: int, branch_id: int | None, region: str | None):
    """The roster as plain columns (no ORM objects, no lazy loads), for streaming."""
    return roster_statement(
        election_id, PollingStation.region, PollingStation.district, PollingStation.number,
        PollingStation.address, Observer.full_name, Observer.phone, Assignment.role,
        Assignment.shift, Assignment.status, Assignment.branch_id,
        branch_id=branch_id, region=region)


def _rows(statement, personal: bool) -> Iterator[list]:
    """The rows, read in batches while the file is written."""
    names = branch_names()
    roles = {k: str(v) for k, v in ROLES.items()}
    shifts = {k: str(v) for k, v in SHIFTS.items()}
    statuses = {k: str(v) for k, v in STATUSES.items()}
    regions: dict[str, str] = {}
    for line in db.session.execute(statement, execution_options={"yield_per": BATCH}):
        if line.region not in regions:
            regions[line.region] = region_name(line.region)
        row = [regions[line.region], line.district, line.number, line.address, line.full_name]
        if personal:
            row.append(line.phone or "")
        row += [roles.get(line.role, line.role), shifts.get(line.shift, line.shift),
                statuses.get(line.status, line.status), names.get(line.branch_id, "")]
        yield row


def roster_table(election, user, *, branch_id: int | None, region: str | None,
                 fmt: str) -> tuple[list[str], Iterator[list]]:
    """(headers, rows) of the active assignments in scope; the export is audited.

    The rows are a generator that reads the database as it is consumed (by
    tabular.spreadsheet_download), so the file is streamed rather than built in memory.
    """
    personal = can(user, "observers.personal_data")
    headers = [_("Region"), _("District"), _("Station"), _("Address"), _("Observer")]
    if personal:
        headers.append(_("Phone"))
    headers += [_("Role"), _("Shift"), _("Status"), _("Branch")]
    statement = _statement(election.id, branch_id, region)
    total = db.session.scalar(select(func.count()).select_from(
        statement.order_by(None).subquery()))
    record("assignment.roster_export", actor=user, object_type="election",
           object_id=election.id, summary=f"{total} {fmt}",
           after={"rows": total, "format": fmt, "personal_data": personal,
                  "branch_id": branch_id, "region": region})
    return headers, _rows(statement, personal)
