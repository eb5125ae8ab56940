"""Coverage of an election's stations per region and district, and the roster export."""

from flask import abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from observe.assignments import bp
from observe.assignments.exports import roster_table
from observe.assignments.queries import (
    branch_ids_of_regions,
    coverage_by_region,
    election_regions,
    station_coverage,
    stations_needing_observers,
    unassigned_certified,
)
from observe.assignments.views.board import load_election, vocabulary
from observe.branches.models import Branch
from observe.branches.regions import region_name
from observe.common.tabular import spreadsheet_download
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
    headers, rows = roster_table(election, current_user._get_current_object(),
                                 branch_id=branch_id, region=chosen or None, fmt=fmt)
    db.session.commit()
    return spreadsheet_download(rows, headers, fmt, f"roster-{election.id}",
                                sheet_name=_("Roster"))
