"""Election pages: elections and their contests, polling stations and the station list import."""

from datetime import time
from pathlib import Path

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from observe.branches.regions import region_choices
from observe.common.forms import mapping_form, service_errors
from observe.common.pagination import paginate
from observe.common.uploads import PendingUploads
from observe.elections import bp, imports, queries, services
from observe.elections.forms import (
    ContestForm,
    DeleteForm,
    ElectionForm,
    StationForm,
    StationImportForm,
)
from observe.elections.models import Contest, Election, PollingStation
from observe.extensions import db
from observe.permissions import acting_region, can, requires

PENDING = PendingUploads("station_imports")
SHOWN_CHANGES = 200  # changed stations listed after an import


def _user():
    return current_user._get_current_object()


@bp.get("/")
@requires("elections.view")
def index():
    return render_template("elections/index.html", elections=queries.elections_newest_first(),
                           counts=queries.station_counts(_user()),
                           status_label=services.status_label)


@bp.route("/new", methods=["GET", "POST"])
@requires("elections.manage")
def new():
    form = ElectionForm()
    del form.status
    if request.method == "GET":
        form.polls_open.data, form.polls_close.data = time(7, 0), time(20, 0)
    if form.validate_on_submit():
        with service_errors(form) as outcome:
            election = services.create_election(actor=_user(), **form.fields())
        if outcome.ok:
            flash(_("Election created."), "success")
            return redirect(url_for("elections.detail", election_id=election.id))
    return render_template("elections/edit.html", form=form, election=None)


@bp.route("/<int:election_id>/edit", methods=["GET", "POST"])
@requires("elections.manage")
def edit(election_id: int):
    election = db.get_or_404(Election, election_id)
    form = ElectionForm(obj=election)
    form.status.choices = [(s, services.status_label(s))
                           for s in services.next_statuses(election.status)]
    if form.validate_on_submit():
        with service_errors(form) as outcome:
            services.update_election(election, actor=_user(), status=form.status.data,
                                     **form.fields())
        if outcome.ok:
            flash(_("Election saved."), "success")
            return redirect(url_for("elections.detail", election_id=election.id))
    return render_template("elections/edit.html", form=form, election=election)


def _render_detail(election: Election, contest_form: ContestForm | None = None, status=200):
    user = _user()
    by_region = queries.stations_by_region(election.id, user)
    return render_template(
        "elections/detail.html", election=election, by_region=by_region,
        total=sum(r[1] for r in by_region), region=acting_region(user),
        contest_form=contest_form or ContestForm(formdata=None),
        may_manage=can(user, "elections.manage"),
        status_label=services.status_label, kind_label=services.contest_kind_label,
        region_label=imports.region_label), status


@bp.get("/<int:election_id>")
@requires("elections.view")
def detail(election_id: int):
    return _render_detail(db.get_or_404(Election, election_id))


@bp.post("/<int:election_id>/contests")
@requires("elections.manage")
def add_contest(election_id: int):
    election = db.get_or_404(Election, election_id)
    form = ContestForm()
    if form.validate_on_submit():
        with service_errors(form) as outcome:
            services.add_contest(election, actor=_user(), **form.fields())
        if outcome.ok:
            flash(_("Contest added."), "success")
            return redirect(url_for("elections.detail", election_id=election.id))
    return _render_detail(election, form)


@bp.route("/contests/<int:contest_id>/edit", methods=["GET", "POST"])
@requires("elections.manage")
def edit_contest(contest_id: int):
    contest = db.get_or_404(Contest, contest_id)
    form = ContestForm(obj=contest)
    if request.method == "GET":
        form.choices.data = "\n".join(choice.name for choice in contest.choices)
    if form.validate_on_submit():
        with service_errors(form) as outcome:
            services.update_contest(contest, actor=_user(), **form.fields())
        if outcome.ok:
            flash(_("Contest saved."), "success")
            return redirect(url_for("elections.detail", election_id=contest.election_id))
    return render_template("elections/contest_edit.html", form=form, contest=contest,
                           election=contest.election, delete_form=DeleteForm())


@bp.post("/contests/<int:contest_id>/delete")
@requires("elections.manage")
def delete_contest(contest_id: int):
    contest = db.get_or_404(Contest, contest_id)
    election_id = contest.election_id
    if DeleteForm().validate_on_submit():
        with service_errors() as outcome:
            services.remove_contest(contest, actor=_user())
        if outcome.ok:
            flash(_("Contest removed."), "success")
    return redirect(url_for("elections.detail", election_id=election_id))


@bp.get("/<int:election_id>/stations")
@requires("elections.view")
def stations(election_id: int):
    election = db.get_or_404(Election, election_id)
    user = _user()
    filters = {name: request.args.get(name, "") for name in queries.STATION_FILTERS}
    page = paginate(queries.station_statement(election.id, filters, user))
    return render_template(
        "elections/stations.html", election=election, page=page, filters=filters,
        region=acting_region(user), regions=region_choices(),
        may_manage=can(user, "elections.manage"), region_label=imports.region_label)


@bp.route("/stations/<int:station_id>/edit", methods=["GET", "POST"])
@requires("elections.manage")
def edit_station(station_id: int):
    station = db.get_or_404(PollingStation, station_id)
    form = StationForm(obj=station)
    if form.validate_on_submit():
        with service_errors(form) as outcome:
            services.update_station(station, actor=_user(), **form.fields())
        if outcome.ok:
            flash(_("Station saved."), "success")
            return redirect(url_for("elections.stations", election_id=station.election_id,
                                    region=station.region, q=station.number))
    return render_template("elections/station_edit.html", form=form, station=station,
                           election=station.election)


def _load_import(election: Election, token: str) -> tuple[Path, str]:
    """The pending import behind a token: (path, filename); 404 unless it is the user's."""
    pending = PENDING.load(token, user=current_user, election=election.id)
    if pending is None:
        abort(404)
    path, entry = pending
    return path, entry["filename"]


@bp.route("/<int:election_id>/stations/import", methods=["GET", "POST"])
@requires("elections.manage")
def import_upload(election_id: int):
    election = db.get_or_404(Election, election_id)
    form = StationImportForm()
    if form.validate_on_submit():
        with service_errors(form) as outcome:  # a file that is not what its name says
            token = PENDING.save(form.file.data, user=current_user, election=election.id)
        if outcome.ok:
            return redirect(url_for("elections.import_preview", election_id=election.id,
                                    token=token))
    return render_template("elections/import_upload.html", form=form, election=election)


@bp.route("/<int:election_id>/stations/import/<token>", methods=["GET", "POST"])
@requires("elections.manage")
def import_preview(election_id: int, token: str):
    election = db.get_or_404(Election, election_id)
    path, filename = _load_import(election, token)
    mapping = None
    if request.method == "POST":
        mapping = {name: request.form.get(f"map_{name}") or None for name in imports.FIELDS}
    with service_errors() as read:
        preview = imports.preview_import(path, filename, election, mapping)
    if not read.ok:  # the file cannot be read after all: start again with another
        PENDING.forget(token, path)
        return redirect(url_for("elections.import_upload", election_id=election.id))
    form = mapping_form(imports.FIELDS, preview.columns, preview.mapping)
    if form.validate_on_submit() and (form.import_valid.data or form.import_all.data):
        mode = "valid_only" if form.import_valid.data else "all_or_nothing"
        with service_errors() as status:
            outcome = imports.run_import(path, filename, election, preview.mapping, mode,
                                         _user())
        if status.ok and outcome.refused:
            flash(outcome.refusal, "danger")
        elif status.ok:
            PENDING.forget(token, path)
            return render_template(
                "elections/import_result.html", election=election, outcome=outcome,
                filename=filename, changes=outcome.changes[:SHOWN_CHANGES],
                field_label=imports.field_label, region_label=imports.region_label)
    return render_template("elections/import_preview.html", form=form, preview=preview,
                           election=election, token=token, fields=imports.FIELDS,
                           changes=preview.changes[:SHOWN_CHANGES],
                           field_label=imports.field_label, region_label=imports.region_label)
