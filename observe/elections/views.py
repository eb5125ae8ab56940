"""Election pages: elections and their contests, polling stations and the station list import."""

from datetime import time
from pathlib import Path

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from observe.branches.regions import REGIONS, region_choices
from observe.common.forms import attach_errors, mapping_form
from observe.common.pagination import paginate
from observe.common.tabular import TableError
from observe.common.uploads import PendingUploads
from observe.elections import bp, imports, services
from observe.elections.forms import (
    ContestForm,
    DeleteForm,
    ElectionForm,
    StationForm,
    StationImportForm,
)
from observe.elections.models import Contest, Election, PollingStation
from observe.extensions import db
from observe.permissions import can, is_national, requires

PENDING = PendingUploads("station_imports")
SHOWN_CHANGES = 200  # changed stations listed after an import


def visible_region(user) -> str | None:
    """The one region whose stations the user may see; None means every region.

    A coordinator sees the region of their branch ("" when they have none: nothing).
    """
    if is_national(user):
        return None
    branch = getattr(user, "branch", None)
    return branch.region if branch is not None else ""


def _scoped(stmt):
    region = visible_region(current_user)
    return stmt if region is None else stmt.where(PollingStation.region == region)


def _actor():
    return current_user._get_current_object()


@bp.get("/")
@requires("elections.view")
def index():
    elections = db.session.execute(
        select(Election).order_by(Election.polling_day.desc(), Election.id.desc())).scalars()
    counts = dict(db.session.execute(_scoped(
        select(PollingStation.election_id, func.count()).group_by(PollingStation.election_id)
    )).all())
    return render_template("elections/index.html", elections=list(elections), counts=counts,
                           status_label=services.status_label)


def _election_fields(form: ElectionForm) -> dict:
    return {"name": form.name.data or "", "polling_day": form.polling_day.data,
            "timezone": form.timezone.data, "polls_open": form.polls_open.data,
            "polls_close": form.polls_close.data}


@bp.route("/new", methods=["GET", "POST"])
@requires("elections.manage")
def new():
    form = ElectionForm()
    del form.status
    if request.method == "GET":
        form.polls_open.data, form.polls_close.data = time(7, 0), time(20, 0)
    if form.validate_on_submit():
        try:
            election = services.create_election(actor=_actor(), **_election_fields(form))
        except services.ElectionError as error:
            db.session.rollback()
            attach_errors(form, {error.field or "__form__": str(error)})
        else:
            db.session.commit()
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
        try:
            services.update_election(election, actor=_actor(), status=form.status.data,
                                     **_election_fields(form))
        except services.ElectionError as error:
            db.session.rollback()
            attach_errors(form, {error.field or "__form__": str(error)})
        else:
            db.session.commit()
            flash(_("Election saved."), "success")
            return redirect(url_for("elections.detail", election_id=election.id))
    return render_template("elections/edit.html", form=form, election=election)


def _render_detail(election: Election, contest_form: ContestForm | None = None, status=200):
    region = visible_region(current_user)
    rows = db.session.execute(_scoped(
        select(PollingStation.region, func.count(), func.sum(PollingStation.registered_voters),
               func.count().filter(PollingStation.is_priority.is_(True)))
        .where(PollingStation.election_id == election.id).group_by(PollingStation.region)
    )).all()
    order = list(REGIONS)
    by_region = sorted(rows, key=lambda r: order.index(r[0]) if r[0] in order else len(order))
    return render_template(
        "elections/detail.html", election=election, by_region=by_region,
        total=sum(r[1] for r in rows), region=region,
        contest_form=contest_form or ContestForm(formdata=None),
        may_manage=can(current_user, "elections.manage"),
        status_label=services.status_label, kind_label=services.contest_kind_label,
        region_label=imports.region_label), status


@bp.get("/<int:election_id>")
@requires("elections.view")
def detail(election_id: int):
    return _render_detail(db.get_or_404(Election, election_id))


def _contest_args(form: ContestForm) -> dict:
    return {"kind": form.kind.data, "name": form.name.data or "",
            "region": form.region.data or "", "choices": form.choices.data or ""}


@bp.post("/<int:election_id>/contests")
@requires("elections.manage")
def add_contest(election_id: int):
    election = db.get_or_404(Election, election_id)
    form = ContestForm()
    if form.validate_on_submit():
        try:
            services.add_contest(election, actor=_actor(), **_contest_args(form))
        except services.ElectionError as error:
            db.session.rollback()
            attach_errors(form, {error.field or "__form__": str(error)})
        else:
            db.session.commit()
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
        try:
            services.update_contest(contest, actor=_actor(), **_contest_args(form))
        except services.ElectionError as error:
            db.session.rollback()
            attach_errors(form, {error.field or "__form__": str(error)})
        else:
            db.session.commit()
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
        services.remove_contest(contest, actor=_actor())
        db.session.commit()
        flash(_("Contest removed."), "success")
    return redirect(url_for("elections.detail", election_id=election_id))


STATION_FILTERS = ("region", "district", "priority", "q")


def station_statement(election: Election, filters: dict):
    """A select() of the election's stations the user may see, filtered as the list asks."""
    stmt = _scoped(select(PollingStation).where(PollingStation.election_id == election.id))
    if filters.get("region"):
        stmt = stmt.where(PollingStation.region == filters["region"])
    if filters.get("district"):
        stmt = stmt.where(PollingStation.district.icontains(filters["district"].strip(),
                                                            autoescape=True))
    if filters.get("priority") == "1":
        stmt = stmt.where(PollingStation.is_priority.is_(True))
    q = (filters.get("q") or "").strip()
    if q:
        stmt = stmt.where(or_(PollingStation.number == imports.station_number(q),
                              PollingStation.number == q,
                              PollingStation.address.icontains(q, autoescape=True)))
    return stmt.order_by(PollingStation.region, func.length(PollingStation.number),
                         PollingStation.number)


@bp.get("/<int:election_id>/stations")
@requires("elections.view")
def stations(election_id: int):
    election = db.get_or_404(Election, election_id)
    filters = {name: request.args.get(name, "") for name in STATION_FILTERS}
    region = visible_region(current_user)
    page = paginate(station_statement(election, filters))
    return render_template(
        "elections/stations.html", election=election, page=page, filters=filters,
        region=region, regions=region_choices(), may_manage=can(current_user, "elections.manage"),
        region_label=imports.region_label)


@bp.route("/stations/<int:station_id>/edit", methods=["GET", "POST"])
@requires("elections.manage")
def edit_station(station_id: int):
    station = db.get_or_404(PollingStation, station_id)
    form = StationForm(obj=station)
    if form.validate_on_submit():
        fields = {name: getattr(form, name).data for name in services.STATION_FIELDS}
        for name in ("district", "address", "premises", "commission", "priority_note"):
            fields[name] = fields[name] or ""
        try:
            services.update_station(station, actor=_actor(), **fields)
            db.session.commit()
        except services.ElectionError as error:
            db.session.rollback()
            attach_errors(form, {error.field or "__form__": str(error)})
        except IntegrityError:
            db.session.rollback()
            attach_errors(form, {"number": _("This region already has a station with this "
                                             "number.")})
        else:
            flash(_("Station saved."), "success")
            return redirect(url_for("elections.stations", election_id=station.election_id,
                                    region=station.region, q=station.number))
    return render_template("elections/station_edit.html", form=form, station=station,
                           election=station.election)


def _load_import(election: Election, token: str) -> tuple[Path, str]:
    """The pending import behind a token: (path, filename); 404 unless it is the user's."""
    pending = PENDING.load(token, election=election.id)
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
        token = PENDING.save(form.file.data, election=election.id)
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
    try:
        preview = imports.preview_import(path, filename, election, mapping)
    except TableError as error:
        PENDING.forget(token, path)
        flash(str(error), "danger")
        return redirect(url_for("elections.import_upload", election_id=election.id))
    form = mapping_form(imports.FIELDS, preview.columns, preview.mapping)
    if form.validate_on_submit() and (form.import_valid.data or form.import_all.data):
        mode = "valid_only" if form.import_valid.data else "all_or_nothing"
        try:
            outcome = imports.run_import(path, filename, election, preview.mapping, mode,
                                         _actor())
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            flash(_("Some of these stations were added meanwhile. Check the file again."),
                  "danger")
        else:
            if outcome.refused:
                if preview.missing_fields:
                    message = _("Nothing was imported: choose the columns for the required "
                                "fields.")
                elif outcome.invalid:
                    message = ngettext("Nothing was imported: %(num)d row has errors.",
                                       "Nothing was imported: %(num)d rows have errors.",
                                       outcome.invalid)
                else:
                    message = ngettext(
                        "Nothing was imported: %(num)d station is listed twice.",
                        "Nothing was imported: %(num)d stations are listed twice.",
                        outcome.duplicates)
                flash(message, "danger")
            else:
                PENDING.forget(token, path)
                return render_template(
                    "elections/import_result.html", election=election, outcome=outcome,
                    filename=filename, changes=outcome.changes[:SHOWN_CHANGES],
                    field_label=imports.field_label, region_label=imports.region_label)
    return render_template("elections/import_preview.html", form=form, preview=preview,
                           election=election, token=token, fields=imports.FIELDS,
                           changes=preview.changes[:SHOWN_CHANGES],
                           field_label=imports.field_label, region_label=imports.region_label)
