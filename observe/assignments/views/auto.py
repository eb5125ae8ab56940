"""Auto-assignment: review the proposal for a branch, then apply all of it or the pairs checked."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from observe.assignments import auto as planner
from observe.assignments import bp
from observe.branches.models import Branch
from observe.elections.models import Election
from observe.extensions import db
from observe.observers.choices import LANGUAGES
from observe.permissions import get_or_404_in_scope, is_national, requires
from observe.users.queries import branch_options


def _branch() -> Branch | None:
    """The branch to plan for: a coordinator's own, or the ?branch_id= a national role picked."""
    raw = request.values.get("branch_id", "").strip()
    if raw:
        if not raw.isdigit():
            abort(404)
        return get_or_404_in_scope(Branch, int(raw), branch_of=lambda branch: branch.id)
    if is_national(current_user):
        return None
    if current_user.branch_id is None:
        abort(403)
    return db.session.get(Branch, current_user.branch_id)


def _auto_url(election: Election, branch: Branch | None) -> str:
    if branch is not None and is_national(current_user):
        return url_for("assignments.auto", election_id=election.id, branch_id=branch.id)
    return url_for("assignments.auto", election_id=election.id)


@bp.get("/<int:election_id>/auto")
@requires("assignments.manage")
def auto(election_id: int):
    election = db.get_or_404(Election, election_id)
    branch = _branch()
    result = planner.plan(election, branch) if branch is not None else None
    return render_template("assignments/auto.html", election=election, branch=branch,
                           plan=result, reasons=planner.REASONS,
                           branches=branch_options(include_blank=False),
                           language_labels={k: str(v) for k, v in LANGUAGES.items()})


@bp.post("/<int:election_id>/auto")
@requires("assignments.manage")
def apply_auto(election_id: int):
    election = db.get_or_404(Election, election_id)
    branch = _branch()
    selected = set(request.form.getlist("pair"))
    if branch is None:
        flash(_("Choose a branch first."), "warning")
        return redirect(_auto_url(election, branch))
    if not selected:
        flash(_("Select at least one proposed assignment."), "warning")
        return redirect(_auto_url(election, branch))
    # The proposal is deterministic: recomputing it gives what the coordinator reviewed, unless
    # something changed meanwhile; a checked pair that is no longer proposed is not applied.
    pairs = planner.propose(election, branch)
    stale = selected - {pair.key for pair in pairs}
    created, problems = planner.apply(pairs, selected, current_user._get_current_object())
    db.session.commit()
    if created:
        flash(ngettext("%(num)d observer assigned.", "%(num)d observers assigned.",
                       len(created)), "success")
    for problem in problems:
        flash(_("%(name)s → station %(number)s: %(problems)s", name=problem.pair.observer.full_name,
                number=problem.pair.station.number, problems=" ".join(problem.messages)),
              "danger")
    if stale:
        flash(ngettext("%(num)d selected assignment is no longer proposed because the data "
                       "changed; review the new proposal.",
                       "%(num)d selected assignments are no longer proposed because the data "
                       "changed; review the new proposal.", len(stale)), "warning")
    if not stale and "assignments.board" in current_app.view_functions:
        return redirect(url_for("assignments.board", election_id=election.id,
                                branch_id=branch.id if is_national(current_user) else None))
    return redirect(_auto_url(election, branch))
