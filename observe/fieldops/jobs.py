"""A broadcast's e-mails as a background job: a message to a few hundred observers is queued by
the request (the banner is there at once) and mailed by the worker through the outbox."""

from flask_babel import gettext as _
from flask_babel import ngettext

from observe.common.errors import DomainError
from observe.extensions import db
from observe.fieldops.models import Broadcast
from observe.jobs.registry import Outcome, handler
from observe.jobs.services import queue
from observe.mail.services import send_mail

KIND = "fieldops.broadcast_mail"


def queue_broadcast_mail(broadcast: Broadcast, count: int, *, actor):
    """Queue the e-mails of a broadcast (one per observer with an address); the job."""
    return queue(KIND, user=actor, total=count, params={"broadcast_id": broadcast.id},
                 title=ngettext("Broadcast by e-mail to %(num)d observer",
                                "Broadcast by e-mail to %(num)d observers", count))


@handler(KIND)
def broadcast_mail(job, progress) -> Outcome:
    """Put one e-mail per recipient with an address in the outbox."""
    broadcast = db.session.get(Broadcast, job.params["broadcast_id"])
    if broadcast is None:
        raise DomainError(_("This broadcast is no longer there."))
    receipts = [r for r in broadcast.receipts if r.emailed]
    progress(0, len(receipts))  # before any write: SQLite lets one connection write at a time
    sender = broadcast.sender.full_name or broadcast.sender.email if broadcast.sender \
        else "Observe"
    for receipt in receipts:
        observer = receipt.observer
        address = observer.user.email if observer.user else observer.email
        if address:
            send_mail(address, _("Message from %(sender)s", sender=sender), broadcast.body)
    return Outcome(result={"emailed": len(receipts)})
