"""The legal team's pages: the board of open complaints, opening one from incidents, its page
(filing, answer, appeal, the chain), the document editor and its PDF/DOCX. Coordinators read
those of their region; HQ and admins act."""

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from observe.common.db import utcnow
from observe.common.forms import service_errors
from observe.common.pagination import page_args, paginate
from observe.common.tabular import spreadsheet_download
from observe.common.timezones import from_local, to_local
from observe.complaints import bp, rules, services
from observe.complaints.documents import complaint_docx, complaint_pdf
from observe.complaints.exports import complaints_table
from observe.complaints.forms import (
    AnswerForm,
    AppealForm,
    DetailsForm,
    DocumentForm,
    FileForm,
    OpenForm,
    RedraftForm,
)
from observe.complaints.models import Complaint
from observe.complaints.queries import (
    board_statement,
    chain,
    complaint_in_scope,
    incidents_in_scope,
    parse_references,
)
from observe.permissions import can, requires

SHOW = ("open", "draft", "filed", "closed", "all")


def _vocabulary() -> dict:
    return {"BODY_LABELS": rules.BODY_LABELS, "OUTCOME_LABELS": rules.OUTCOME_LABELS,
            "STATUS_LABELS": rules.STATUS_LABELS, "LANGUAGE_LABELS": rules.LANGUAGE_LABELS,
            "now_utc": utcnow(), "is_overdue": rules.is_overdue}


def _in_scope_or_404(complaint_id: int) -> Complaint:
    complaint = complaint_in_scope(current_user, complaint_id)
    if complaint is None:
        abort(404)
    return complaint


@bp.get("/")
@requires("complaints.view")
def board():
    show = request.args.get("show", "open")
    show = show if show in SHOW else "open"
    page = paginate(board_statement(current_user, show=show))
    return render_template("complaints/board.html", page=page, show=show, shows=SHOW,
                           page_args=page_args, **_vocabulary())


@bp.get("/export.<any(csv, xlsx):fmt>")
@requires("complaints.view")
def export(fmt: str):
    show = request.args.get("show", "open")
    headers, rows = complaints_table(current_user._get_current_object(),
                                     show=show if show in SHOW else "open")
    return spreadsheet_download(rows, headers, fmt, "complaints", sheet_name=_("Complaints"))


@bp.route("/new", methods=["GET", "POST"])
@requires("complaints.manage")
def new():
    form = OpenForm()
    if not form.is_submitted() and request.args.get("incident"):
        form.incidents.data = ", ".join(f"I-{i}" for i in
                                        parse_references(",".join(request.args.getlist("incident"))))
    if form.validate_on_submit():
        incidents, unknown = incidents_in_scope(current_user,
                                                parse_references(form.incidents.data))
        if unknown:
            form.incidents.errors = [_("Not incidents you can use: %(refs)s",
                                       refs=", ".join(f"I-{i}" for i in unknown))]
        else:
            with service_errors(form) as outcome:
                complaint = services.open_complaint(
                    incidents, body=form.body.data, body_name=form.body_name.data or "",
                    language=form.language.data, actor=current_user._get_current_object())
            if outcome.ok:
                flash(_("Complaint %(ref)s opened as a draft.", ref=complaint.reference),
                      "success")
                return redirect(url_for("complaints.item", complaint_id=complaint.id))
    return render_template("complaints/new.html", form=form)


def _forms(complaint: Complaint, **given) -> dict:
    forms = {
        "details_form": DetailsForm(obj=complaint) if complaint.status != "closed" else None,
        "file_form": FileForm(formdata=None, filed_at=to_local(complaint.filed_at or utcnow()),
                              incoming_number=complaint.incoming_number,
                              due_at=to_local(complaint.due_at) if complaint.filed_at else None),
        "answer_form": AnswerForm(formdata=None),
        "appeal_form": AppealForm(formdata=None, body=rules.next_body(complaint.body)),
    }
    forms.update(given)
    return forms


def _page(complaint: Complaint, status: int = 200, **given):
    return render_template("complaints/item.html", complaint=complaint, chain=chain(complaint),
                           can_manage=can(current_user, "complaints.manage"),
                           **_forms(complaint, **given), **_vocabulary()), status


@bp.get("/<int:complaint_id>")
@requires("complaints.view")
def item(complaint_id: int):
    return _page(_in_scope_or_404(complaint_id))


@bp.post("/<int:complaint_id>/details")
@requires("complaints.manage")
def details(complaint_id: int):
    complaint = _in_scope_or_404(complaint_id)
    form = DetailsForm()
    if form.validate_on_submit():
        with service_errors(form) as outcome:
            services.update_details(complaint, body=form.body.data,
                                    body_name=form.body_name.data or "",
                                    actor=current_user._get_current_object())
        if outcome.ok:
            flash(_("Saved."), "success")
            return redirect(url_for("complaints.item", complaint_id=complaint.id))
    return _page(complaint, details_form=form)


@bp.post("/<int:complaint_id>/file")
@requires("complaints.manage")
def file(complaint_id: int):
    complaint = _in_scope_or_404(complaint_id)
    form = FileForm()
    if form.validate_on_submit():
        with service_errors(form) as outcome:
            services.file_complaint(complaint, filed_at=from_local(form.filed_at.data),
                                    incoming_number=form.incoming_number.data or "",
                                    due_at=from_local(form.due_at.data),
                                    actor=current_user._get_current_object())
        if outcome.ok:
            flash(_("Filing recorded; the answer is due by the date shown."), "success")
            return redirect(url_for("complaints.item", complaint_id=complaint.id))
    return _page(complaint, file_form=form)


@bp.post("/<int:complaint_id>/answer")
@requires("complaints.manage")
def answer(complaint_id: int):
    complaint = _in_scope_or_404(complaint_id)
    form = AnswerForm()
    if form.validate_on_submit():
        with service_errors(form) as outcome:
            services.record_answer(complaint, outcome=form.outcome.data,
                                   answered_at=from_local(form.answered_at.data),
                                   answer=form.answer.data or "",
                                   actor=current_user._get_current_object())
        if outcome.ok:
            flash(_("Answer recorded; the complaint is closed."), "success")
            return redirect(url_for("complaints.item", complaint_id=complaint.id))
    return _page(complaint, answer_form=form)


@bp.post("/<int:complaint_id>/appeal")
@requires("complaints.manage")
def appeal(complaint_id: int):
    complaint = _in_scope_or_404(complaint_id)
    form = AppealForm()
    if form.validate_on_submit():
        with service_errors(form) as outcome:
            created = services.appeal_complaint(complaint, body=form.body.data,
                                                body_name=form.body_name.data or "",
                                                actor=current_user._get_current_object())
        if outcome.ok:
            flash(_("Appeal %(ref)s opened as a draft.", ref=created.reference), "success")
            return redirect(url_for("complaints.item", complaint_id=created.id))
    return _page(complaint, appeal_form=form)


@bp.route("/<int:complaint_id>/document", methods=["GET", "POST"])
@requires("complaints.manage")
def document(complaint_id: int):
    complaint = _in_scope_or_404(complaint_id)
    form = DocumentForm(data={"text": complaint.document_text})
    if form.validate_on_submit():
        with service_errors(form) as outcome:
            services.save_document(complaint, text=form.text.data,
                                   actor=current_user._get_current_object())
        if outcome.ok:
            flash(_("Document saved."), "success")
            return redirect(url_for("complaints.document", complaint_id=complaint.id))
    redraft_form = RedraftForm(formdata=None, language=complaint.language)
    return render_template("complaints/document.html", complaint=complaint, form=form,
                           redraft_form=redraft_form, **_vocabulary())


@bp.post("/<int:complaint_id>/redraft")
@requires("complaints.manage")
def redraft(complaint_id: int):
    complaint = _in_scope_or_404(complaint_id)
    form = RedraftForm()
    if form.validate_on_submit():
        with service_errors() as outcome:
            services.redraft_document(complaint, language=form.language.data,
                                      actor=current_user._get_current_object())
        if outcome.ok:
            flash(_("Document drafted again from the incidents."), "success")
    else:
        flash(_("Choose the language of the document."), "danger")
    return redirect(url_for("complaints.document", complaint_id=complaint.id))


@bp.get("/<int:complaint_id>/complaint.<any(pdf, docx):fmt>")
@requires("complaints.view")
def download(complaint_id: int, fmt: str):
    complaint = _in_scope_or_404(complaint_id)
    if fmt == "pdf":
        body, mimetype = complaint_pdf(complaint), "application/pdf"
    else:
        body = complaint_docx(complaint)
        mimetype = ("application/vnd.openxmlformats-officedocument"
                    ".wordprocessingml.document")
    name = f"complaint-{complaint.id}-{complaint.language}.{fmt}"
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{name}"',
                             "Cache-Control": "no-store"})
