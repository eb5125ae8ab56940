"""The retention run as a background job: an admin starts from /privacy/ what cron runs as
`flask privacy erase`; a few thousand observers take minutes, so the request only queues it."""

from flask_babel import gettext as _
from flask_babel import ngettext

from observe.common.errors import DomainError
from observe.complaints.privacy import services
from observe.jobs.registry import Outcome, handler
from observe.jobs.services import queue

KIND = "privacy.erase"


def queue_erasure(*, actor):
    """Queue the erasure of every observer due now; refused when nobody is due."""
    count = len(services.plan())
    if not count:
        raise DomainError(_("Nobody is due for erasure."))
    return queue(KIND, user=actor, total=count,
                 title=ngettext("Erasure of %(num)d observer's personal data",
                                "Erasure of %(num)d observers' personal data", count))


@handler(KIND)
def erase(job, progress) -> Outcome:
    """Erase whoever is due when the job runs (the same run as the CLI's), audited as its user."""
    progress(0)
    done = services.run_retention(actor=job.user)
    return Outcome(result={"erased": len(done)})
