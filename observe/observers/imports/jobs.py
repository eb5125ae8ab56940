"""A large roster import applied by a background job, with a progress bar the user watches.

The check page (`preview_import`) is the same as for a small file; only the confirmed import of a
file of more than IMPORT_JOB_ROWS rows is queued. The job checks every row again (the bar moves
with it), then inserts all or nothing in its own transaction, and its page lists the bad rows.
"""

from flask_babel import gettext as _
from flask_babel import ngettext

from observe.branches.models import Branch
from observe.common.errors import DomainError
from observe.common.uploads import PendingUploads
from observe.extensions import db
from observe.jobs.registry import JobFailed, Outcome, handler
from observe.jobs.services import queue
from observe.observers.imports import FIELDS, ImportRefused, preview_import, run_import
from observe.permissions import in_scope

KIND = "observers.import"
# The same pending uploads as the import pages (one purpose, one table).
PENDING = PendingUploads("imports")
ERRORS_SHOWN = 200


def queue_observer_import(token: str, branch, mapping: dict, mode: str, actor, *,
                          paper_consent: bool, rows: int, filename: str, back_url: str = ""):
    """Queue the import of a checked pending file into the branch; the job."""
    title = ngettext("Import of %(file)s (%(num)d row) into %(branch)s",
                     "Import of %(file)s (%(num)d rows) into %(branch)s", rows,
                     file=filename, branch=branch.name)
    return queue(KIND, user=actor, title=title, total=rows,
                 params={"token": token, "branch_id": branch.id, "mapping": mapping,
                         "mode": mode, "paper_consent": paper_consent, "back_url": back_url})


def _errors(preview, found_later=()) -> dict:
    """The bad rows for the job's page: the check's, or those the insert itself refused."""
    errors = list(found_later) or preview.errors
    shown = [[error.line, str(FIELDS.get(error.field, error.field)), error.message]
             for error in errors[:ERRORS_SHOWN]]
    return {"errors": shown, "errors_total": len(errors)}


@handler(KIND)
def apply_import(job, progress) -> Outcome:
    """Check the file with progress, then import it all or nothing (or its valid rows)."""
    params, user = job.params, job.user
    pending = PENDING.load(params["token"], user=user)
    branch = db.session.get(Branch, params["branch_id"])
    if pending is None or branch is None or not in_scope(user, branch.id):
        raise DomainError(_("The uploaded file is no longer there. Upload it again."))
    path, entry = pending
    filename, paper = entry["filename"], bool(params.get("paper_consent"))
    preview = preview_import(path, filename, branch, params["mapping"], actor=user,
                             paper_consent=paper, progress=progress)
    progress(preview.total_rows, preview.total_rows)  # checked: the insert comes next
    try:
        outcome = run_import(path, filename, branch, preview.mapping, params["mode"], user,
                             paper_consent=paper)
    except ImportRefused as refused:
        raise JobFailed(refused.message, _errors(preview, refused.errors)) from None
    PENDING.forget(params["token"])
    messages = [ngettext("%(num)d observer imported into %(branch)s.",
                         "%(num)d observers imported into %(branch)s.", outcome.imported,
                         branch=branch.name)]
    if outcome.invalid:
        messages.append(ngettext("%(num)d row with errors was not imported.",
                                 "%(num)d rows with errors were not imported.", outcome.invalid))
    if outcome.duplicates:
        messages.append(ngettext("%(num)d row was already registered and was skipped.",
                                 "%(num)d rows were already registered and were skipped.",
                                 outcome.duplicates))
    return Outcome(result={"messages": messages, "imported": outcome.imported,
                           "invalid": outcome.invalid, "duplicates": outcome.duplicates,
                           **_errors(preview)})
