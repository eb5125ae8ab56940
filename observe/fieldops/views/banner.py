"""The banner on top of every page: open alerts and SOS for staff; unread broadcasts for
observers (shown means delivered; dismissing means read)."""

from flask_babel import to_user_timezone
from flask_login import current_user

from observe.fieldops import bp, queries, services
from observe.fieldops.forms import ActionForm
from observe.observers.queries import observer_of
from observe.permissions import can


def banner() -> dict | None:
    """What the base layout shows on top (None when there is nothing)."""
    user = current_user
    if not getattr(user, "is_authenticated", False):
        return None
    if can(user, "fieldops.roll_call"):
        counts = queries.staff_banner(user)
        return {"staff": counts} if counts["alerts"] or counts["sos"] else None
    if can(user, "fieldops.sos"):
        observer = observer_of(user)
        receipts = queries.unread_broadcasts(observer) if observer else []
        if receipts:
            services.mark_delivered(receipts)
            return {"messages": receipts, "form": ActionForm()}
    return None


def own_latest_sos(station_id: int):
    """The signed-in observer's latest SOS from this station, for the hub's SOS button."""
    observer = observer_of(current_user)
    return queries.latest_own_sos(observer, station_id) if observer else None


@bp.app_context_processor
def inject_banner():
    return {"fieldops_banner": banner, "fieldops_own_sos": own_latest_sos}


@bp.app_template_filter("hhmm")
def hours_minutes(value) -> str:
    """A stored UTC time as HH:MM in the user's time zone: what `localtime("time")` shows in
    every language, cheap enough for a board of thousands of rows."""
    return to_user_timezone(value).strftime("%H:%M") if value else ""
