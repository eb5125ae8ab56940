"""Coverage of an election's stations per region and district, and the roster export."""

from flask import Response, abort, render_template, request
from flask_babel import gettext as _
from flask_babel import to_user_timezone
from flask_login import current_user
from sqlalchemy import select

from observe.assignments import bp
from observe.assignments.queries import (
    branch_ids_of_regions,
    coverage_by_region,
    election_regions,
    roster,
    station_coverage,
    stations_needing_observers,
    unassigned_certified,
)
from observe.assignments.rules import ROLES, SHIFTS, STATUSES
from observe.assignments.views.board import load_election, vocabulary
from observe.audit.services import record
from observe.branches.models import Branch
from observe.branches.regions import region_name
from observe.common.db import utcnow
from observe.common.tabular import write_csv, write_xlsx
from observe.extensions import db
from observe.permissions import can, is_national, requires

NEEDING_SHOWN = 200  # the list of stations still to cover is cut here; the counts are complete


def _scope(election_id: int) -> tuple[list[str], str, list[int] | None]:
    """(regions shown, the region filter, branch ids or None for all) for the signed-in user."""
    if is_national(current_user):
        regions = election_regions(election_id)
        chosen = request.args.get("region", "")
        if chosen in regions:
            regions = [chosen]
        else:
            chosen = ""
        return regions, chosen, None
    if current_user.branch_id is None:
        abort(403)
    branch = db.session.get(Branch, current_user.branch_id)
    return [branch.region], branch.region, [branch.id]


@bp.get("/<int:election_id>/coverage")
@requires("assignments.view")
def coverage(election_id: int):
    election = load_election(election_id)
    regions, chosen, branch_ids = _scope(election.id)
    covered = station_coverage(election.id, regions)
    needing = stations_needing_observers(covered)
    if branch_ids is None:
        branch_ids = branch_ids_of_regions(regions)
    return render_template(
        "assignments/coverage.html", election=election, summary=coverage_by_region(covered),
        needing=needing[:NEEDING_SHOWN], needing_total=len(needing),
        unassigned=unassigned_certified(election.id, branch_ids),
        branch_names=dict(db.session.execute(select(Branch.id, Branch.name)).all()),
        region_options=[(code, region_name(code)) for code in election_regions(election.id)]
        if is_national(current_user) else [], chosen_region=chosen,
        show_phone=can(current_user, "observers.personal_data"), **vocabulary())


@bp.get("/<int:election_id>/roster.<fmt>")
@requires("assignments.view")
def roster_export(election_id: int, fmt: str):
    if fmt not in ("csv", "xlsx"):
        abort(404)
    election = load_election(election_id)
    regions, chosen, branch_ids = _scope(election.id)
    branch_id = branch_ids[0] if branch_ids else None
    personal = can(current_user, "observers.personal_data")
    branch_names = dict(db.session.execute(select(Branch.id, Branch.name)).all())
    columns = [_("Region"), _("District"), _("Station"), _("Address"), _("Observer")]
    if personal:
        columns.append(_("Phone"))
    columns += [_("Role"), _("Shift"), _("Status"), _("Branch")]
    rows = []
    for assignment in roster(election.id, branch_id=branch_id, region=chosen or None):
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
    record("assignment.roster_export", actor=current_user._get_current_object(),
           object_type="election", object_id=election.id, summary=f"{len(rows)} {fmt}",
           after={"rows": len(rows), "format": fmt, "personal_data": personal,
                  "branch_id": branch_id, "region": chosen})
    db.session.commit()
    day = to_user_timezone(utcnow()).date().isoformat()
    if fmt == "csv":
        body, mimetype = write_csv(rows, columns), "text/csv; charset=utf-8"
    else:
        body = write_xlsx(rows, columns, sheet_name=_("Roster"))
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="roster-{election.id}-{day}.{fmt}"',
        "Cache-Control": "no-store"})
