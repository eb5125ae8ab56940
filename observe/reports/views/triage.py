"""Coordinators and HQ triage polling-day reports: the queue, a report's page with its evidence
and history, the actions and the soft lock; HQ keeps the checklist definitions."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from observe.branches.regions import region_name
from observe.common.db import utcnow
from observe.common.forms import service_errors
from observe.common.pagination import paginate
from observe.common.timezones import parse_local
from observe.common.urls import parse_id
from observe.extensions import db
from observe.i18n import localized
from observe.permissions import requires
from observe.reports import bp, services, triage
from observe.reports.forms import ActionForm, ChecklistUploadForm, QueueFilterForm, ReleaseForm
from observe.reports.models import ChecklistForm, Report
from observe.reports.queries import (
    QueueFilters,
    checklist_versions,
    queue_choices,
    report_in_scope,
    triage_statement,
)
from observe.reports.rules import (
    CATEGORY_LABELS,
    KIND_LABELS,
    PHASE_LABELS,
    SEVERITY_LABELS,
    STATUS_LABELS,
    phase_questions,
)
from observe.reports.views.observer import vocabulary


def _filter_form(choices: dict) -> QueueFilterForm:
    form = QueueFilterForm(request.args)
    everything = [("", _("All"))]
    form.election_id.choices = everything + [(str(e.id), e.name) for e in choices["elections"]]
    form.region.choices = everything + [(r, region_name(r)) for r in choices["regions"]]
    form.district.choices = everything + [(d, d) for d in choices["districts"]]
    form.category.choices = everything + [(k, str(v)) for k, v in CATEGORY_LABELS.items()]
    form.severity.choices = everything + [(k, str(v)) for k, v in SEVERITY_LABELS.items()]
    form.status.choices = everything + [(k, str(v)) for k, v in STATUS_LABELS.items()]
    form.kind.choices = everything + [(k, str(KIND_LABELS[k]))
                                      for k in ("incident", "checklist", "protocol")]
    form.phase.choices = everything + [(k, str(v)) for k, v in PHASE_LABELS.items()]
    return form


@bp.get("/triage")
@requires("reports.triage")
def queue():
    choices = queue_choices(current_user)
    form = _filter_form(choices)
    args = request.args
    filters = QueueFilters(
        election_id=parse_id(args.get("election_id")), region=args.get("region", ""),
        district=args.get("district", ""), station=args.get("station", "").strip(),
        category=args.get("category", ""), severity=args.get("severity", ""),
        status=args.get("status", ""), kind=args.get("kind", ""), phase=args.get("phase", ""),
        since=parse_local(args.get("since", "")), until=parse_local(args.get("until", "")))
    return render_template("reports/queue.html", form=form,
                           page=paginate(triage_statement(current_user, filters)),
                           region_name=region_name, now_utc=utcnow(), **vocabulary())


def _in_scope_or_404(report_id: int) -> Report:
    report = report_in_scope(current_user, report_id)
    if report is None:
        abort(404)
    return report


@bp.get("/triage/<int:report_id>")
@requires("reports.triage")
def item(report_id: int):
    report = _in_scope_or_404(report_id)
    holder = triage.claim_report(report, actor=current_user._get_current_object())
    questions = {}
    if report.kind == "checklist":
        questions = {q["id"]: q for q in phase_questions(report.form.definition, report.phase)}
    return render_template("reports/item.html", report=report, holder=holder,
                           form=ActionForm(), release_form=ReleaseForm(), questions=questions,
                           localized=localized, region_name=region_name, **vocabulary())


def _reference_to_report(text: str) -> Report | None:
    """'I-12', 'i12' or '12' → the report with that id (scope is checked by the service)."""
    report_id = parse_id((text or "").strip().upper().lstrip("ACTIPR").lstrip("-"))
    return db.session.get(Report, report_id) if report_id else None


@bp.post("/triage/<int:report_id>")
@requires("reports.triage")
def act(report_id: int):
    report = _in_scope_or_404(report_id)
    form = ActionForm()
    if form.validate_on_submit():
        with service_errors() as outcome:
            triage.act_on_report(report, form.action.data, actor=current_user._get_current_object(),
                                 text=form.text.data or "",
                                 duplicate_of=_reference_to_report(form.duplicate_of.data))
        if outcome.ok:
            flash(_("%(reference)s: %(status)s.", reference=report.reference,
                    status=STATUS_LABELS[report.status]) if form.action.data != "comment"
                  else _("Comment added."), "success")
    else:
        flash(_("The action was not saved. Try again."), "danger")
    return redirect(url_for("reports.item", report_id=report.id))


@bp.post("/triage/<int:report_id>/release")
@requires("reports.triage")
def release(report_id: int):
    report = _in_scope_or_404(report_id)
    if ReleaseForm().validate_on_submit():
        triage.release_report(report, actor=current_user._get_current_object())
    return redirect(url_for("reports.queue"))


@bp.route("/checklists", methods=["GET", "POST"])
@requires("reports.checklists")
def checklists():
    form = ChecklistUploadForm()
    if form.validate_on_submit():
        upload = form.definition.data
        text = upload.read(1024 * 1024).decode("utf-8", "replace") if upload else ""
        with service_errors(form) as outcome:
            version = services.upload_checklist_definition(
                text, actor=current_user._get_current_object())
        if outcome.ok:
            flash(_("Version %(version)d of %(code)s is what observers answer now.",
                    version=version.version, code=version.code), "success")
            return redirect(url_for("reports.checklists"))
    services.ensure_default_checklist()
    return render_template("reports/checklists.html", form=form,
                           versions=checklist_versions(), localized=localized)


@bp.get("/checklists/<int:form_id>.json")
@requires("reports.checklists")
def checklist_json(form_id: int):
    version = db.session.get(ChecklistForm, form_id) or abort(404)
    return version.definition
