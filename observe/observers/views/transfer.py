"""Import of a roster from a spreadsheet and export of the filtered registry (CSV, XLSX)."""


from flask import (
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from sqlalchemy.exc import IntegrityError
from wtforms import SelectField, SubmitField

from observe.branches.models import Branch
from observe.common.forms import mapping_form, service_errors
from observe.common.tabular import TableError, spreadsheet_download
from observe.common.uploads import PendingUploads
from observe.extensions import db
from observe.observers import bp, imports
from observe.observers.exports import registry_table
from observe.observers.views.registry import FILTERS
from observe.permissions import in_scope, is_national, requires
from observe.users.queries import branch_options

PENDING = PendingUploads("imports")


class ImportUploadForm(FlaskForm):
    file = FileField(_l("Spreadsheet"), validators=[
        FileRequired(_l("Choose a file.")),
        FileAllowed(["csv", "xlsx"], _l("Upload a CSV or XLSX file."))],
        description=_l("CSV or XLSX with a header line; Russian, Kazakh or English column "
                       "names in any order."))
    branch_id = SelectField(_l("Branch"), coerce=int)
    submit = SubmitField(_l("Upload and check"))


def _load_import(token: str):
    """The pending import behind a token: (path, filename, branch); 404 unless it is the user's."""
    pending = PENDING.load(token, user=current_user)
    if pending is None:
        abort(404)
    path, entry = pending
    branch = db.session.get(Branch, entry["branch"])
    if branch is None or not in_scope(current_user, branch.id):
        abort(404)
    return path, entry["filename"], branch


@bp.route("/observers/import", methods=["GET", "POST"])
@requires("observers.manage")
def import_upload():
    form = ImportUploadForm()
    national = is_national(current_user)
    if national:
        form.branch_id.choices = branch_options(include_blank=False)
    else:
        del form.branch_id
    if form.validate_on_submit():
        branch_id = form.branch_id.data if national else current_user.branch_id
        branch = db.session.get(Branch, branch_id) if branch_id else None
        if branch is None or not in_scope(current_user, branch.id):
            abort(403)
        with service_errors(form) as outcome:  # a file that is not what its name says
            token = PENDING.save(form.file.data, user=current_user, branch=branch.id)
        if outcome.ok:
            return redirect(url_for("observers.import_preview", token=token))
    return render_template("observers/import_upload.html", form=form)


@bp.route("/observers/import/<token>", methods=["GET", "POST"])
@requires("observers.manage")
def import_preview(token: str):
    path, filename, branch = _load_import(token)
    mapping = None
    if request.method == "POST":
        mapping = {name: request.form.get(f"map_{name}") or None for name in imports.FIELDS}
    try:
        preview = imports.preview_import(path, filename, branch, mapping)
    except TableError as error:
        PENDING.forget(token, path)
        flash(str(error), "danger")
        return redirect(url_for("observers.import_upload"))
    form = mapping_form(imports.FIELDS, preview.columns, preview.mapping)
    if form.validate_on_submit() and (form.import_valid.data or form.import_all.data):
        mode = "valid_only" if form.import_valid.data else "all_or_nothing"
        actor = current_user._get_current_object()
        try:
            outcome = imports.run_import(path, filename, branch, preview.mapping, mode, actor)
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            flash(_("Some of these observers were registered meanwhile. Check the file again."),
                  "danger")
        else:
            if outcome.refused:
                flash(ngettext("Nothing was imported: %(num)d row has errors.",
                               "Nothing was imported: %(num)d rows have errors.", outcome.invalid)
                      if not preview.missing_fields else
                      _("Nothing was imported: choose the columns for the required fields."),
                      "danger")
            else:
                PENDING.forget(token, path)
                flash(ngettext("%(num)d observer imported into %(branch)s.",
                               "%(num)d observers imported into %(branch)s.", outcome.imported,
                               branch=branch.name), "success")
                if outcome.invalid:
                    flash(ngettext("%(num)d row with errors was not imported.",
                                   "%(num)d rows with errors were not imported.",
                                   outcome.invalid), "warning")
                if outcome.duplicates:
                    flash(ngettext("%(num)d row was already registered and was skipped.",
                                   "%(num)d rows were already registered and were skipped.",
                                   outcome.duplicates), "info")
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
    db.session.commit()
    return spreadsheet_download(rows, headers, fmt, "observers", sheet_name=_("Observers"))
