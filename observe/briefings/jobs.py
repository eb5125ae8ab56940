"""A briefing's PDF and workbook as background jobs: a national briefing at polling-day volume
reads every figure again, so the request only queues it. The CSV of incidents and the Telegram
text stay direct downloads: they are one query (the CSV streams rows) and a few lines.
"""

from flask_babel import gettext as _

from observe.briefings import exports, services
from observe.briefings.models import Briefing
from observe.common.errors import DomainError
from observe.extensions import db
from observe.jobs.registry import Outcome, handler
from observe.jobs.services import queue
from observe.permissions import region_in_scope

KIND = "briefings.export"
FORMATS = ("pdf", "xlsx")


def queue_briefing_export(briefing: Briefing, fmt: str, *, actor, back_url: str = ""):
    """Queue the briefing's PDF or workbook for the actor; the job."""
    if fmt not in FORMATS:
        raise ValueError(f"no export job for {fmt!r}")
    title = _("%(heading)s (%(format)s)", heading=exports.heading(briefing), format=fmt.upper())
    return queue(KIND, user=actor, title=title, total=1,
                 params={"briefing_id": briefing.id, "format": fmt, "back_url": back_url})


@handler(KIND)
def briefing_export(job, progress) -> Outcome:
    """Render the export with the figures as they are when the job runs (frozen once published)."""
    briefing = db.session.get(Briefing, job.params["briefing_id"])
    if briefing is None or not region_in_scope(job.user, briefing.region or None):
        raise DomainError(_("This briefing is no longer there."))
    fmt = job.params["format"]
    figures = services.figures_of(briefing)
    body = exports.briefing_pdf(briefing, figures) if fmt == "pdf" \
        else exports.briefing_xlsx(briefing, figures)
    stamp = briefing.cutoff_at.strftime("%Y%m%d-%H%M")
    return Outcome(body, fmt, f"briefing-{briefing.id}-v{briefing.version}-{stamp}.{fmt}")
