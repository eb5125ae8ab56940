"""The PDF of every mandate letter of an election (or one branch's) as a background job: a few
hundred letters take seconds, so the request only queues it and the user watches its progress."""

from flask_babel import gettext as _
from flask_babel import ngettext

from observe.assignments.queries import mandate_assignments
from observe.assignments.services import mandate_letters_pdf
from observe.common.errors import DomainError
from observe.elections.models import Election
from observe.extensions import db
from observe.jobs.registry import Outcome, handler
from observe.jobs.services import queue

KIND = "assignments.mandates"


def queue_mandate_letters(election, *, actor, branch_id: int | None, back_url: str = ""):
    """Queue the PDF of the letters the actor may print (one branch's when given); the job."""
    count = len(mandate_assignments(election.id, actor, branch_id))
    if not count:
        raise DomainError(_("No active assignments to print for this election."))
    title = ngettext("%(num)d mandate letter · %(election)s",
                     "%(num)d mandate letters · %(election)s", count, election=election.name)
    return queue(KIND, user=actor, title=title, total=count,
                 params={"election_id": election.id, "branch_id": branch_id,
                         "back_url": back_url})


@handler(KIND)
def mandate_letters(job, progress) -> Outcome:
    """Write the letters of the job's election with its user's scope as it is now."""
    election = db.session.get(Election, job.params["election_id"])
    branch_id = job.params.get("branch_id")
    assignments = mandate_assignments(election.id, job.user, branch_id) if election else []
    if not assignments:
        raise DomainError(_("No active assignments to print for this election."))
    progress(0, len(assignments))
    body = mandate_letters_pdf(assignments, actor=job.user, election=election,
                               branch_id=branch_id, progress=progress)
    suffix = f"-branch-{branch_id}" if branch_id is not None else ""
    return Outcome(body, "pdf", f"mandates-{election.id}{suffix}.pdf")
