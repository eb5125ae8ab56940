"""Coverage of an election's stations per region and district, and the roster export."""

from flask import abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from observe.assignments import bp
from observe.assignments.exports import roster_table
from observe.assignments.queries import (
    branch_names,
    coverage_by_region,
    coverage_regions,
    region_options,
    station_coverage,
    stations_needing_observers,
    unassigned_certified,
)
from observe.assignments.views.board import load_election, vocabulary
from observe.common.tabular import spreadsheet_download
from observe.permissions import acting_branch, can, requires

NEEDING_SHOWN = 200  # the list of stations still to cover is cut here; the counts are complete


@bp.get("/<int:election_id>/coverage")
@requires("assignments.view")
def coverage(election_id: int):
    election = load_election(election_id)
    user = current_user._get_current_object()
    regions, chosen = coverage_regions(election.id, user, request.args.get("region", ""))
    covered = station_coverage(election.id, regions)
    needing = stations_needing_observers(covered)
    return render_template(
        "assignments/coverage.html", election=election, summary=coverage_by_region(covered),
        needing=needing[:NEEDING_SHOWN], needing_total=len(needing),
        unassigned=unassigned_certified(election.id, regions, user),
        branch_names=branch_names(), region_options=region_options(election.id, user),
        chosen_region=chosen, show_phone=can(user, "observers.personal_data"), **vocabulary())


@bp.get("/<int:election_id>/roster.<fmt>")
@requires("assignments.view")
def roster_export(election_id: int, fmt: str):
    if fmt not in ("csv", "xlsx"):
        abort(404)
    election = load_election(election_id)
    user = current_user._get_current_object()
    _regions, chosen = coverage_regions(election.id, user, request.args.get("region", ""))
    branch = acting_branch(user, request.args.get("branch_id"))
    headers, rows = roster_table(election, user, branch_id=branch.id if branch else None,
                                 region=chosen or None, fmt=fmt)
    return spreadsheet_download(rows, headers, fmt, f"roster-{election.id}",
                                sheet_name=_("Roster"))
