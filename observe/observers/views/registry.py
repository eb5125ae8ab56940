"""The branch's observer registry: list, detail, status changes, notes, adding by hand."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from observe.branches.models import Branch
from observe.common.forms import attach_errors
from observe.common.pagination import paginate
from observe.extensions import db
from observe.observers import bp, services
from observe.observers.choices import Status
from observe.observers.forms import BulkStatusForm, NoteForm, ObserverForm, StatusForm
from observe.observers.models import Observer
from observe.observers.queries import observers_by_ids, registry_statement
from observe.observers.rules import validate_applicant
from observe.permissions import can, get_or_404_in_scope, in_scope, requires, visible_branch_ids
from observe.users.queries import branch_options

FILTERS = ("q", "status", "channel", "campaign", "city", "language", "experience",
           "availability", "branch_id", "sort")


def current_filters() -> dict:
    return {name: request.args.get(name, "") for name in FILTERS}


@bp.get("/observers/")
@requires("observers.view")
def index():
    filters = current_filters()
    page = paginate(registry_statement(current_user, filters))
    return render_template("observers/index.html", page=page, filters=filters,
                           bulk_form=BulkStatusForm(), branches=_visible_branches())


def _visible_branches():
    allowed = visible_branch_ids(current_user)
    return [(i, name) for i, name in branch_options(include_blank=False)
            if allowed is None or i in allowed]


def _show_invitations(result) -> str | None:
    for observer, why in result.skipped:
        flash(f"{observer.full_name}: {why}.", "warning")  # `why` is translated already
    if result.changed:
        flash(ngettext("Status changed for %(num)d observer.",
                       "Status changed for %(num)d observers.", len(result.changed)), "success")
    if result.invitations:
        return render_template("observers/invitations.html", invitations=result.invitations)
    return None


@bp.post("/observers/bulk")
@requires("observers.manage")
def bulk_status():
    form = BulkStatusForm()
    observers = observers_by_ids(current_user, request.form.getlist("observer_id"))
    if not observers:
        flash(_("Select at least one observer."), "warning")
    elif form.validate_on_submit():
        try:
            result = services.change_status(observers, Status(form.status.data),
                                            reason=form.reason.data,
                                            actor=current_user._get_current_object())
        except services.PipelineError as error:
            db.session.rollback()
            flash(str(error), "danger")
        else:
            db.session.commit()
            if (page := _show_invitations(result)) is not None:
                return page
    return redirect(request.form.get("back") or url_for("observers.index"))


@bp.get("/observers/<int:observer_id>")
@requires("observers.view")
def show(observer_id: int):
    observer = get_or_404_in_scope(Observer, observer_id)
    return render_template("observers/show.html", observer=observer,
                           status_form=StatusForm(), note_form=NoteForm(),
                           personal=can(current_user, "observers.personal_data"))


@bp.post("/observers/<int:observer_id>/status")
@requires("observers.manage")
def change_status(observer_id: int):
    observer = get_or_404_in_scope(Observer, observer_id)
    form = StatusForm()
    if form.validate_on_submit():
        try:
            result = services.change_status([observer], Status(form.status.data),
                                            reason=form.reason.data,
                                            actor=current_user._get_current_object())
        except services.PipelineError as error:
            db.session.rollback()
            form.reason.errors = [str(error)]
        else:
            db.session.commit()
            if (page := _show_invitations(result)) is not None:
                return page
            return redirect(url_for("observers.show", observer_id=observer.id))
    return render_template("observers/show.html", observer=observer, status_form=form,
                           note_form=NoteForm(), personal=True), 400  # managers see personal data


@bp.post("/observers/<int:observer_id>/notes")
@requires("observers.manage")
def add_note(observer_id: int):
    observer = get_or_404_in_scope(Observer, observer_id)
    form = NoteForm()
    if form.validate_on_submit():
        services.add_note(observer, form.body.data, actor=current_user._get_current_object())
        db.session.commit()
        flash(_("Note added."), "success")
        return redirect(url_for("observers.show", observer_id=observer.id))
    return render_template("observers/show.html", observer=observer, status_form=StatusForm(),
                           note_form=form, personal=True), 400


@bp.post("/observers/<int:observer_id>/invite")
@requires("observers.manage")
def reinvite(observer_id: int):
    observer = get_or_404_in_scope(Observer, observer_id)
    invitation = services.invite(observer, actor=current_user._get_current_object())
    if invitation is None:
        flash(_("This observer has no active account to invite."), "warning")
        return redirect(url_for("observers.show", observer_id=observer.id))
    db.session.commit()
    return render_template("observers/invitations.html", invitations=[invitation])


def _observer_form(observer: Observer | None) -> ObserverForm:
    form = ObserverForm(obj=observer)
    form.branch_id.choices = _visible_branches()
    if observer is not None and request.method == "GET":
        form.birth_date.data = observer.birth_date.isoformat() if observer.birth_date else ""
        form.consent.data = observer.consent_at is not None
    return form


def _save(form: ObserverForm, observer: Observer | None) -> Observer | None:
    form_valid = form.validate()
    clean, errors = validate_applicant({**form.rule_input(), "channel": form.channel.data,
                                        "campaign": form.campaign.data}, require_email=False)
    branch = db.session.get(Branch, form.branch_id.data) if form.branch_id.data else None
    if branch is None or not in_scope(current_user, branch.id):
        errors["branch_id"] = _("Choose a branch.")
    if not form_valid or errors:
        attach_errors(form, errors)
        return None
    actor = current_user._get_current_object()
    try:
        if observer is None:
            observer = services.add_observer(clean, branch, actor=actor)
        else:
            services.update_observer(observer, {**clean, "branch_id": branch.id}, actor=actor)
    except services.PipelineError as error:
        db.session.rollback()
        form.form_errors.append(str(error))
        return None
    db.session.commit()
    return observer


@bp.route("/observers/new", methods=["GET", "POST"])
@requires("observers.manage")
def create():
    form = _observer_form(None)
    if request.method == "GET":
        form.languages.data = []
        form.channel.data = "coordinator"
    if request.method == "POST" and (observer := _save(form, None)) is not None:
        flash(_("Observer added."), "success")
        return redirect(url_for("observers.show", observer_id=observer.id))
    return render_template("observers/edit.html", form=form, observer=None)


@bp.route("/observers/<int:observer_id>/edit", methods=["GET", "POST"])
@requires("observers.manage", "observers.personal_data")
def edit(observer_id: int):
    observer = get_or_404_in_scope(Observer, observer_id)
    form = _observer_form(observer)
    if request.method == "POST" and _save(form, observer) is not None:
        flash(_("Changes saved."), "success")
        return redirect(url_for("observers.show", observer_id=observer.id))
    return render_template("observers/edit.html", form=form, observer=observer)
