"""The branch's observer registry: list, detail, status changes, notes, adding by hand."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from observe.branches.queries import active_branch_choices
from observe.common.forms import service_errors
from observe.common.pagination import paginate
from observe.common.urls import local_path
from observe.observers import bp, services
from observe.observers.choices import Status
from observe.observers.forms import (
    BulkStatusForm,
    EmailChangeForm,
    NoteForm,
    ObserverForm,
    StatusForm,
)
from observe.observers.models import Observer
from observe.observers.queries import filter_branch_choices, observers_by_ids, registry_statement
from observe.permissions import can, get_or_404_in_scope, requires

FILTERS = ("q", "status", "channel", "campaign", "city", "language", "experience",
           "availability", "branch_id", "sort")


def current_filters() -> dict:
    return {name: request.args.get(name, "") for name in FILTERS}


def invitation_link(token: str) -> str:
    """The absolute address of a one-time link, for the services that send invitations."""
    return url_for("auth.reset_password", token=token, _external=True)


@bp.get("/observers/")
@requires("observers.view")
def index():
    user = current_user._get_current_object()
    filters = current_filters()
    services.audit_search(user, filters, where="list")
    page = paginate(registry_statement(user, filters))
    return render_template("observers/index.html", page=page, filters=filters,
                           bulk_form=BulkStatusForm(), branches=filter_branch_choices(user))


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
    user = current_user._get_current_object()
    form = BulkStatusForm()
    observers = observers_by_ids(user, request.form.getlist("observer_id"))
    if not observers:
        flash(_("Select at least one observer."), "warning")
    elif form.validate_on_submit():
        with service_errors() as outcome:
            result = services.change_status(observers, Status(form.status.data),
                                            reason=form.reason.data, actor=user,
                                            link_for=invitation_link)
        if outcome.ok and (page := _show_invitations(result)) is not None:
            return page
    return redirect(local_path(request.form.get("back"), url_for("observers.index")))


def _show_page(observer: Observer, status_form=None, note_form=None, status: int = 200):
    return render_template("observers/show.html", observer=observer,
                           status_form=status_form or StatusForm(),
                           note_form=note_form or NoteForm(), email_form=EmailChangeForm(),
                           personal=can(current_user, "observers.personal_data")), status


@bp.get("/observers/<int:observer_id>")
@requires("observers.view")
def show(observer_id: int):
    return _show_page(get_or_404_in_scope(Observer, observer_id, current_user))


@bp.post("/observers/<int:observer_id>/status")
@requires("observers.manage")
def change_status(observer_id: int):
    observer = get_or_404_in_scope(Observer, observer_id, current_user)
    form = StatusForm()
    if form.validate_on_submit():
        with service_errors(form) as outcome:
            result = services.change_status([observer], Status(form.status.data),
                                            reason=form.reason.data,
                                            actor=current_user._get_current_object(),
                                            link_for=invitation_link)
        if outcome.ok:
            if (page := _show_invitations(result)) is not None:
                return page
            return redirect(url_for("observers.show", observer_id=observer.id))
    return _show_page(observer, status_form=form, status=400)


@bp.post("/observers/<int:observer_id>/notes")
@requires("observers.manage")
def add_note(observer_id: int):
    observer = get_or_404_in_scope(Observer, observer_id, current_user)
    form = NoteForm()
    if form.validate_on_submit():
        with service_errors(form) as outcome:
            services.add_note(observer, form.body.data, actor=current_user._get_current_object())
        if outcome.ok:
            flash(_("Note added."), "success")
            return redirect(url_for("observers.show", observer_id=observer.id))
    return _show_page(observer, note_form=form, status=400)


@bp.post("/observers/<int:observer_id>/email-change")
@requires("observers.manage", "observers.personal_data")
def accept_email(observer_id: int):
    observer = get_or_404_in_scope(Observer, observer_id, current_user)
    form = EmailChangeForm()
    if form.validate_on_submit():
        with service_errors() as outcome:
            services.accept_email_change(observer, form.application_id.data,
                                         actor=current_user._get_current_object())
        if outcome.ok:
            flash(_("The new e-mail address is saved."), "success")
    return redirect(url_for("observers.show", observer_id=observer.id))


@bp.post("/observers/<int:observer_id>/invite")
@requires("observers.manage")
def reinvite(observer_id: int):
    observer = get_or_404_in_scope(Observer, observer_id, current_user)
    invitation = services.invite(observer, actor=current_user._get_current_object(),
                                 link_for=invitation_link)
    if invitation is None:
        flash(_("This observer has no active account to invite."), "warning")
        return redirect(url_for("observers.show", observer_id=observer.id))
    return render_template("observers/invitations.html", invitations=[invitation])


def _observer_form(observer: Observer | None) -> ObserverForm:
    form = ObserverForm(obj=observer)
    form.branch_id.choices = active_branch_choices(current_user)
    if observer is not None and observer.branch_id not in {i for i, _ in form.branch_id.choices}:
        form.branch_id.choices.append((observer.branch_id, observer.branch.name))  # closed since
    if observer is not None and request.method == "GET":
        form.birth_date.data = observer.birth_date.isoformat() if observer.birth_date else ""
        form.consent.data = observer.consent_at is not None
    return form


def _save(form: ObserverForm, observer: Observer | None):
    """(outcome, saved observer): the outcome's error may name a duplicate the user may open."""
    saved = None
    with service_errors(form) as outcome:
        saved = services.save_observer(
            form.rule_input(), form.branch_id.data, actor=current_user._get_current_object(),
            observer=observer, consent_confirmed=form.consent.data)
    return outcome, saved


def _edit_page(form, observer, outcome=None):
    error = getattr(outcome, "error", None)
    return render_template("observers/edit.html", form=form, observer=observer,
                           duplicate_id=getattr(error, "observer_id", None))


@bp.route("/observers/new", methods=["GET", "POST"])
@requires("observers.manage")
def create():
    form = _observer_form(None)
    if request.method == "GET":
        form.languages.data = []
        form.channel.data = "coordinator"
    if form.validate_on_submit():
        outcome, saved = _save(form, None)
        if outcome.ok:
            flash(_("Observer added."), "success")
            return redirect(url_for("observers.show", observer_id=saved.id))
        return _edit_page(form, None, outcome)
    return _edit_page(form, None)


@bp.route("/observers/<int:observer_id>/edit", methods=["GET", "POST"])
@requires("observers.manage", "observers.personal_data")
def edit(observer_id: int):
    observer = get_or_404_in_scope(Observer, observer_id, current_user)
    form = _observer_form(observer)
    if form.validate_on_submit():
        outcome, _saved = _save(form, observer)
        if outcome.ok:
            flash(_("Changes saved."), "success")
            return redirect(url_for("observers.show", observer_id=observer.id))
        return _edit_page(form, observer, outcome)
    return _edit_page(form, observer)
