"""The complaints in the caller's scope as a table for CSV/XLSX: the board's order, every
complaint of the chosen view, no personal data (the staff member who filed is not listed)."""

from collections.abc import Iterator

from flask_babel import gettext as _

from observe.branches.regions import region_name
from observe.complaints import rules
from observe.complaints.queries import board_statement
from observe.extensions import db

BATCH = 1000


def _local(value) -> str:
    return value.astimezone(rules.ZONE).strftime("%Y-%m-%d %H:%M") if value else ""


def complaints_table(user, *, show: str) -> tuple[list[str], Iterator[list]]:
    """(headers, rows) of the complaints the user may see, overdue first, then by due date."""
    headers = [_("Complaint"), _("Appeal of"), _("Election"), _("Region"), _("Station"), _("To"),
               _("Name of the body"), _("Status"), _("Filed at"), _("Incoming number"),
               _("Answer due"), _("Overdue"), _("Answered at"), _("Outcome"), _("Incidents")]
    bodies = {k: str(v) for k, v in rules.BODY_LABELS.items()}
    statuses = {k: str(v) for k, v in rules.STATUS_LABELS.items()}
    outcomes = {k: str(v) for k, v in rules.OUTCOME_LABELS.items()}
    yes, no = _("yes"), _("no")

    def rows():
        from observe.common.db import utcnow

        now = utcnow()
        result = db.session.scalars(board_statement(user, show=show, now=now),
                                    execution_options={"yield_per": BATCH})
        for c in result:
            yield [c.reference, f"C-{c.appeal_of_id}" if c.appeal_of_id else "",
                   c.election.name, region_name(c.region), c.station.number if c.station else "",
                   bodies.get(c.body, c.body), c.body_name, statuses.get(c.status, c.status),
                   _local(c.filed_at), c.incoming_number, _local(c.due_at),
                   yes if rules.is_overdue(c.due_at, now, c.status) else no,
                   _local(c.answered_at), outcomes.get(c.outcome, c.outcome),
                   ", ".join(f"I-{link.incident_id}" for link in c.links)]

    return headers, rows()
