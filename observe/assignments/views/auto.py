"""Auto-assignment: review the proposal for a branch, then apply all of it or the pairs checked."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from observe.assignments import auto as planner
from observe.assignments import bp
from observe.assignments.views.board import board_url, load_election
from observe.branches.models import Branch
from observe.branches.queries import active_branch_choices
from observe.elections.models import Election
from observe.observers.choices import LANGUAGES
from observe.permissions import acting_branch, requires


def _auto_url(election: Election, branch: Branch | None, user) -> str:
    picks = branch is not None and acting_branch(user) is None
    return url_for("assignments.auto", election_id=election.id,
                   branch_id=branch.id if picks else None)


@bp.get("/<int:election_id>/auto")
@requires("assignments.manage")
def auto(election_id: int):
    election = load_election(election_id)
    user = current_user._get_current_object()
    branch = acting_branch(user, request.args.get("branch_id"))
    result = planner.plan(election, branch) if branch is not None else None
    return render_template("assignments/auto.html", election=election, branch=branch,
                           plan=result, reasons=planner.REASONS,
                           branches=active_branch_choices(user),
                           language_labels={k: str(v) for k, v in LANGUAGES.items()})


@bp.post("/<int:election_id>/auto")
@requires("assignments.manage")
def apply_auto(election_id: int):
    election = load_election(election_id)
    user = current_user._get_current_object()
    # The form names the branch in a hidden field; a link may name it in the address.
    branch = acting_branch(user, request.form.get("branch_id") or request.args.get("branch_id"))
    selected = set(request.form.getlist("pair"))
    if branch is None:
        flash(_("Choose a branch first."), "warning")
        return redirect(_auto_url(election, branch, user))
    if not selected:
        flash(_("Select at least one proposed assignment."), "warning")
        return redirect(_auto_url(election, branch, user))
    # The proposal is deterministic: recomputing it gives what the coordinator reviewed, unless
    # something changed meanwhile; a checked pair that is no longer proposed is not applied.
    pairs = planner.propose(election, branch)
    stale = selected - {pair.key for pair in pairs}
    created, problems = planner.apply(pairs, selected, user)
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
        return redirect(_auto_url(election, branch, user))
    return redirect(board_url(election.id, branch, user))
