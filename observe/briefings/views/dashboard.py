"""The polling-day dashboard: the page, and the fragment its script fetches every 30 seconds."""

from datetime import datetime

from flask import abort, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from observe.branches.regions import region_name
from observe.briefings import bp
from observe.briefings.figures import cached_dashboard_figures
from observe.briefings.queries import places, requested_scope
from observe.common.db import utcnow
from observe.elections.models import Election
from observe.extensions import db
from observe.main.template_helpers import local_datetime
from observe.permissions import acting_region, requires
from observe.reports.rules import (
    CATEGORY_LABELS,
    MISMATCH_LABELS,
    PHASE_LABELS,
    SEVERITY_LABELS,
    STATUS_LABELS,
)

REFRESH_SECONDS = 30


def clock(value: str | None) -> str:
    """A stored ISO time (UTC) as local hours:minutes."""
    return local_datetime(datetime.fromisoformat(value), "time") if value else ""


def category_bars(rows: list[dict]) -> list[tuple]:
    """(label, count, None) per category, for the bar chart."""
    return [(str(CATEGORY_LABELS.get(r["category"], r["category"])), r["count"], None)
            for r in rows]


def hour_columns(rows: list[dict]) -> list[tuple]:
    """("07", count) for every hour polls are open, and any other hour that has incidents."""
    counts = {r["hour"]: r["count"] for r in rows}
    return [(f"{h:02d}", counts.get(h, 0)) for h in sorted(set(range(7, 21)) | set(counts))]


def turnout_columns(rows: list[dict]) -> list[tuple]:
    """("10:00", share) per reporting hour, for the turnout chart."""
    return [(f"{r['hour']:02d}:00", r["share"]) for r in rows]


CHANGE_LABELS = {"stations_present": _l("Stations with an observer present"),
                 "observers_present": _l("Observers checked in"),
                 "incidents": _l("Incidents reported"), "verified": _l("Incidents verified"),
                 "rejected": _l("Incidents rejected"),
                 "protocol_mismatches": _l("Protocols with mismatches")}


def vocabulary() -> dict:
    """The labels and helpers every briefings template shows codes and times with."""
    return {"region_name": region_name, "category_labels": CATEGORY_LABELS,
            "severity_labels": SEVERITY_LABELS, "status_labels": STATUS_LABELS,
            "phase_labels": PHASE_LABELS, "clock": clock, "category_bars": category_bars,
            "hour_columns": hour_columns, "turnout_columns": turnout_columns,
            "change_labels": CHANGE_LABELS, "mismatch_labels": MISMATCH_LABELS}


def link_builder(endpoint: str, **fixed):
    """A function building links to a filtered list, leaving out empty filters."""

    def build(**params):
        merged = {k: v for k, v in {**fixed, **params}.items() if v not in (None, "")}
        return url_for(endpoint, **merged)

    return build


def _scope_or_404(election: Election, cutoff=None):
    scope = requested_scope(current_user, election.id, request.args.get("region", ""),
                            request.args.get("district", ""), cutoff)
    if scope is None:
        abort(404)
    return scope


def _context(election: Election, scope) -> dict:
    place = {"region": scope.region, "district": scope.district}
    return {"election": election, "scope": scope,
            "figures": cached_dashboard_figures(scope, election), "now": utcnow(),
            "triage_link": link_builder("reports.queue", election_id=election.id, **place),
            "stations_link": link_builder("elections.stations", election_id=election.id,
                                          **place),
            "coverage_link": link_builder("assignments.coverage", election_id=election.id,
                                          region=scope.region),
            **vocabulary()}


@bp.get("/dashboard")
@requires("briefings.view")
def dashboards():
    elections = db.session.scalars(select(Election).order_by(Election.polling_day.desc(),
                                                             Election.id.desc())).all()
    return render_template("briefings/elections.html", elections=elections)


@bp.get("/dashboard/<int:election_id>")
@requires("briefings.view")
def dashboard(election_id: int):
    election = db.get_or_404(Election, election_id)
    scope = _scope_or_404(election)
    national = acting_region(current_user) is None
    regions = places(election.id) if national else []
    districts = places(election.id, scope.region) if scope.region else []
    return render_template("briefings/dashboard.html", regions=regions, districts=districts,
                           national=national, refresh_seconds=REFRESH_SECONDS,
                           **_context(election, scope))


@bp.get("/dashboard/<int:election_id>/live")
@requires("briefings.view")
def dashboard_live(election_id: int):
    election = db.get_or_404(Election, election_id)
    scope = _scope_or_404(election)
    html = render_template("briefings/_dashboard_live.html", **_context(election, scope))
    return html, 200, {"Cache-Control": "no-store"}
