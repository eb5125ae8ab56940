"""Complaint rules as pure functions of their inputs (the clock included): the bodies, the
outcomes, the default answer deadlines and the due date of a complaint. Nothing reads the
database or the app: services pass the configured overrides in.

Sources of the default deadlines (README, "Complaints"): the Constitutional Law "On Elections
in the Republic of Kazakhstan" of 28 September 1995 No. 2464, as amended. Courts and prosecutors
consider applications about elections within five days, immediately when the application comes
less than five days before polling day or on it; the same five days are applied to the
commissions (see the README for what could and could not be confirmed).
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

BODIES = ("precinct", "district", "territorial", "cec", "prosecutor", "court")
BODY_LABELS = {
    "precinct": _l("Precinct election commission"),
    "district": _l("District (city) election commission"),
    "territorial": _l("Territorial (regional) election commission"),
    "cec": _l("Central Election Commission"),
    "prosecutor": _l("Prosecutor's office"),
    "court": _l("Court"),
}
# The body an appeal goes to by default: the next one up.
APPEAL_TO = {"precinct": "district", "district": "territorial", "territorial": "cec",
             "cec": "court", "prosecutor": "court", "court": "court"}

# Calendar days within which the body must answer (overridable per body: COMPLAINT_DEADLINE_DAYS).
DEFAULT_DEADLINE_DAYS = {body: 5 for body in BODIES}
# A complaint filed this many days before polling day, or on it, must be answered at once.
IMMEDIATE_WINDOW_DAYS = 5

OUTCOMES = ("upheld", "partly", "rejected", "no_answer")
OUTCOME_LABELS = {"upheld": _l("Upheld"), "partly": _l("Partly upheld"),
                  "rejected": _l("Rejected"), "no_answer": _l("No answer")}

STATUSES = ("draft", "filed", "closed")
STATUS_LABELS = {"draft": _l("Draft"), "filed": _l("Filed, awaiting answer"),
                 "closed": lazy_pgettext("complaint status", "Closed")}

LANGUAGES = ("ru", "kk")
LANGUAGE_LABELS = {"ru": "Русский", "kk": "Қазақша"}

ZONE = ZoneInfo("Asia/Almaty")

# Reminders: one when the due date is this close, one once it has passed.
REMIND_BEFORE = timedelta(hours=24)


def parse_deadlines(text: str) -> dict[str, int]:
    """'court=10, cec=3' → {'court': 10, 'cec': 3}; unknown bodies and bad numbers are ignored."""
    result = {}
    for part in (text or "").split(","):
        name, _, value = part.partition("=")
        name, value = name.strip(), value.strip()
        if name in BODIES and value.isdigit():
            result[name] = int(value)
    return result


def deadline_days(body: str, overrides: dict | None = None) -> int:
    """Calendar days the body has to answer: the configured override, else the default."""
    return int((overrides or {}).get(body, DEFAULT_DEADLINE_DAYS.get(body, 5)))


def due_at(body: str, filed_at: datetime, *, polling_day: date | None = None,
           zone: ZoneInfo = ZONE, overrides: dict | None = None) -> datetime:
    """When the answer is due: the end of the last local day of the body's deadline.

    A complaint filed less than IMMEDIATE_WINDOW_DAYS days before polling day, or on it, is to
    be considered "immediately": due at the end of the day it was filed.
    """
    local_day = filed_at.astimezone(zone).date()
    days = deadline_days(body, overrides)
    if polling_day is not None and \
            polling_day - timedelta(days=IMMEDIATE_WINDOW_DAYS) < local_day <= polling_day:
        days = 0
    last_day = local_day + timedelta(days=days)
    return datetime.combine(last_day, time(23, 59, 59), zone).astimezone(UTC)


def is_overdue(due: datetime | None, now: datetime, status: str) -> bool:
    """Filed, not closed, and the due time has passed."""
    return status == "filed" and due is not None and due < now


def reminder_due(due: datetime | None, now: datetime, status: str, *, soon_sent: bool,
                 overdue_sent: bool) -> str | None:
    """Which reminder a complaint needs now: 'overdue', 'soon' or None (each is sent once)."""
    if status != "filed" or due is None:
        return None
    if due < now:
        return None if overdue_sent else "overdue"
    if due - now <= REMIND_BEFORE and not soon_sent:
        return "soon"
    return None


def next_body(body: str) -> str:
    """Where an appeal of a complaint to `body` goes by default."""
    return APPEAL_TO.get(body, "court")
