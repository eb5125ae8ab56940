"""The coordinator's and HQ's polling-day pages: the live roll-call board (late and silent
alerts raised as it loads), one assignment with its call log, alerts and SOS to acknowledge."""

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from observe.assignments.rules import ROLES, SHIFTS
from observe.branches.regions import REGIONS
from observe.common.db import utcnow
from observe.common.forms import service_errors
from observe.fieldops import bp, queries, services
from observe.fieldops.forms import ActionForm, CallForm, ResolveForm
from observe.fieldops.rules import (
    ALERT_KINDS,
    SOS_REASONS,
    SOS_STATUSES,
    STATE_COLOURS,
    STATES,
)
from observe.permissions import can, requires

SORTS = ("state", "station", "district", "observer", "checked_in", "last_report")
REFRESH_SECONDS = 30


def vocabulary() -> dict:
    return {"states": STATES, "state_colours": STATE_COLOURS, "alert_kinds": ALERT_KINDS,
            "sos_reasons": SOS_REASONS, "sos_statuses": SOS_STATUSES, "shifts": SHIFTS,
            "roles": ROLES, "regions": REGIONS}


def _user():
    return current_user._get_current_object()


@bp.get("/")
@requires("fieldops.roll_call")
def board():
    election = queries.chosen_election(request.args.get("election"))
    if election is None:
        return render_template("fieldops/board.html", election=None, **vocabulary())
    now = utcnow()
    rows = queries.board_rows(election, _user(), now)
    # The page load raises what has become due since the last look (the cron sweep does too).
    services.raise_alerts(election, queries.due_alerts(rows), now=now)
    args = request.args
    sort = args.get("sort") if args.get("sort") in SORTS else "state"
    state = args.get("state") if args.get("state") in STATES else ""
    result = queries.filter_board(rows, state=state, district=args.get("district", ""),
                                  shift=args.get("shift", ""), query=args.get("q", ""),
                                  sort=sort, descending=args.get("dir") == "desc")
    page = max(1, args.get("page", 1, type=int) or 1)
    pages = max(1, -(-len(result.rows) // queries.PER_PAGE))
    page = min(page, pages)
    shown = result.rows[(page - 1) * queries.PER_PAGE: page * queries.PER_PAGE]
    template = "fieldops/_board.html" if args.get("partial") else "fieldops/board.html"
    return render_template(
        template, election=election, elections=queries.watched_elections(), board=result,
        shown=shown, page=page, pages=pages, sort=sort, state=state, now=now,
        districts=[d for d, _counts in result.districts],
        open_alerts=queries.open_alerts(_user(), election.id, limit=20),
        open_sos=queries.sos_signals(_user(), election.id, open_only=True, limit=20),
        show_phones=can(_user(), "observers.personal_data"),
        refresh=current_app.config.get("FIELDOPS_REFRESH_SECONDS", REFRESH_SECONDS),
        form=ActionForm(), **vocabulary())


@bp.get("/assignments/<int:assignment_id>")
@requires("fieldops.roll_call")
def assignment(assignment_id: int):
    item = queries.visible_assignment(_user(), assignment_id)
    if item is None:
        abort(404)
    return render_template("fieldops/assignment.html", assignment=item,
                           calls=queries.call_log(item.id), form=CallForm(),
                           show_phones=can(_user(), "observers.personal_data"), **vocabulary())


@bp.post("/assignments/<int:assignment_id>/calls")
@requires("fieldops.roll_call")
def note_call(assignment_id: int):
    item = queries.visible_assignment(_user(), assignment_id)
    if item is None:
        abort(404)
    form = CallForm()
    if form.validate_on_submit():
        with service_errors(form) as outcome:
            services.note_call(item, form.note.data, actor=_user())
        if outcome.ok:
            flash(_("The call is noted."), "success")
            return redirect(url_for("fieldops.assignment", assignment_id=item.id))
    return render_template("fieldops/assignment.html", assignment=item,
                           calls=queries.call_log(item.id), form=form,
                           show_phones=can(_user(), "observers.personal_data"),
                           **vocabulary()), 400


@bp.get("/alerts")
@requires("fieldops.roll_call")
def alerts():
    election = queries.chosen_election(request.args.get("election"))
    return render_template(
        "fieldops/alerts.html", election=election,
        alerts=queries.open_alerts(_user(), election.id if election else None),
        done=queries.recent_alerts(_user(), election.id) if election else [],
        signals=queries.sos_signals(_user(), election.id if election else None),
        form=ActionForm(), **vocabulary())


def _back(default: str):
    target = request.form.get("next", "")
    return redirect(target if target.startswith("/fieldops/") else default)


@bp.post("/alerts/<int:alert_id>/acknowledge")
@requires("fieldops.roll_call")
def acknowledge_alert(alert_id: int):
    alert = queries.visible_alert(_user(), alert_id)
    if alert is None:
        abort(404)
    if ActionForm().validate_on_submit():
        services.acknowledge_alert(alert, actor=_user())
        flash(_("Alert acknowledged."), "success")
    return _back(url_for("fieldops.alerts"))


@bp.get("/sos/<int:sos_id>")
@requires("fieldops.roll_call")
def sos(sos_id: int):
    signal = queries.visible_sos(_user(), sos_id)
    if signal is None:
        abort(404)
    return render_template("fieldops/sos.html", signal=signal, form=ActionForm(),
                           resolve=ResolveForm(),
                           show_phones=can(_user(), "observers.personal_data"), **vocabulary())


@bp.post("/sos/<int:sos_id>/acknowledge")
@requires("fieldops.roll_call")
def acknowledge_sos(sos_id: int):
    signal = queries.visible_sos(_user(), sos_id)
    if signal is None:
        abort(404)
    if ActionForm().validate_on_submit():
        services.acknowledge_sos(signal, actor=_user())
        flash(_("SOS acknowledged: the observer sees that you have it."), "success")
    return redirect(url_for("fieldops.sos", sos_id=signal.id))


@bp.post("/sos/<int:sos_id>/resolve")
@requires("fieldops.roll_call")
def resolve_sos(sos_id: int):
    signal = queries.visible_sos(_user(), sos_id)
    if signal is None:
        abort(404)
    form = ResolveForm()
    if form.validate_on_submit():
        with service_errors(form) as outcome:
            services.resolve_sos(signal, form.note.data, actor=_user())
        if outcome.ok:
            flash(_("SOS resolved."), "success")
            return redirect(url_for("fieldops.sos", sos_id=signal.id))
    return render_template("fieldops/sos.html", signal=signal, form=ActionForm(), resolve=form,
                           show_phones=can(_user(), "observers.personal_data"),
                           **vocabulary()), 400


@bp.get("/sos/<int:sos_id>/photo")
@requires("fieldops.roll_call")
def sos_photo(sos_id: int):
    signal = queries.visible_sos(_user(), sos_id)
    if signal is None or not signal.photo_name:
        abort(404)
    return send_file(services.sos_photo(signal), mimetype=signal.photo_type)
