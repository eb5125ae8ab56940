"""Import of a roster from a spreadsheet and export of the filtered registry (CSV, XLSX)."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from observe.branches.models import Branch
from observe.branches.queries import active_branch_choices
from observe.common.forms import mapping_form, service_errors
from observe.common.tabular import spreadsheet_download
from observe.common.uploads import PendingUploads
from observe.observers import bp, imports
from observe.observers.exports import registry_table
from observe.observers.forms import ImportUploadForm
from observe.observers.imports.jobs import queue_observer_import
from observe.observers.views.registry import FILTERS
from observe.permissions import acting_branch, get_or_404_in_scope, requires

PENDING = PendingUploads("imports")


def _load_import(token: str):
    """The pending import behind a token: (path, entry, branch); 404 unless it is the user's."""
    pending = PENDING.load(token, user=current_user)
    if pending is None:
        abort(404)
    path, entry = pending
    branch = get_or_404_in_scope(Branch, entry["branch"], current_user,
                                 branch_of=lambda branch: branch.id)
    return path, entry, branch


@bp.route("/observers/import", methods=["GET", "POST"])
@requires("observers.manage")
def import_upload():
    user = current_user._get_current_object()
    own = acting_branch(user)  # None for national roles: they choose the branch
    form = ImportUploadForm()
    if own is None:
        form.branch_id.choices = active_branch_choices(user)
    else:
        del form.branch_id
    if form.validate_on_submit():
        branch = own or acting_branch(user, form.branch_id.data)
        with service_errors(form) as outcome:  # a file that is not what its name says
            token = PENDING.save(form.file.data, user=user, branch=branch.id,
                                 paper_consent=bool(form.paper_consent.data))
        if outcome.ok:
            return redirect(url_for("observers.import_preview", token=token))
    return render_template("observers/import_upload.html", form=form)


@bp.route("/observers/import/<token>", methods=["GET", "POST"])
@requires("observers.manage")
def import_preview(token: str):
    user = current_user._get_current_object()
    path, entry, branch = _load_import(token)
    filename, paper_consent = entry["filename"], entry.get("paper_consent", False)
    mapping = None
    if request.method == "POST":
        mapping = {name: request.form.get(f"map_{name}") or None for name in imports.FIELDS}
    with service_errors() as read:
        preview = imports.preview_import(path, filename, branch, mapping, actor=user,
                                         paper_consent=paper_consent)
    if not read.ok:  # the file cannot be read after all: start again with another
        PENDING.forget(token, path)
        return redirect(url_for("observers.import_upload"))
    form = mapping_form(imports.FIELDS, preview.columns, preview.mapping)
    if form.validate_on_submit() and (form.import_valid.data or form.import_all.data):
        mode = "valid_only" if form.import_valid.data else "all_or_nothing"
        if preview.total_rows > current_app.config["IMPORT_JOB_ROWS"]:
            # A large file is imported by a background job; its page shows the progress.
            job = queue_observer_import(token, branch, preview.mapping, mode, user,
                                        paper_consent=paper_consent, rows=preview.total_rows,
                                        filename=filename,
                                        back_url=url_for("observers.index"))
            return redirect(url_for("jobs.show", job_id=job.id))
        with service_errors() as outcome:
            result = imports.run_import(path, filename, branch, preview.mapping, mode, user,
                                        paper_consent=paper_consent)
        if outcome.ok:
            PENDING.forget(token, path)
            flash(ngettext("%(num)d observer imported into %(branch)s.",
                           "%(num)d observers imported into %(branch)s.", result.imported,
                           branch=branch.name), "success")
            if result.invalid:
                flash(ngettext("%(num)d row with errors was not imported.",
                               "%(num)d rows with errors were not imported.",
                               result.invalid), "warning")
            if result.duplicates:
                flash(ngettext("%(num)d row was already registered and was skipped.",
                               "%(num)d rows were already registered and were skipped.",
                               result.duplicates), "info")
            return redirect(url_for("observers.index"))
    return render_template("observers/import_preview.html", form=form, preview=preview,
                           branch=branch, token=token, fields=imports.FIELDS,
                           required_fields=imports.REQUIRED_FIELDS)


@bp.get("/observers/export.<fmt>")
@requires("observers.view")
def export(fmt: str):
    if fmt not in ("csv", "xlsx"):
        abort(404)
    filters = {name: request.args.get(name, "") for name in FILTERS}
    headers, rows = registry_table(current_user._get_current_object(), filters, fmt)
    return spreadsheet_download(rows, headers, fmt, "observers", sheet_name=_("Observers"))
