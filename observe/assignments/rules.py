"""The vocabulary of assignments and which shifts overlap."""

from flask_babel import lazy_gettext as _l

ROLES = {
    "stationary": _l("Stationary observer"),
    "mobile": _l("Mobile group member"),
    "reserve": _l("Reserve"),
}

SHIFTS = {
    "full_day": _l("Whole day, including the count"),
    "morning": _l("Morning"),
    "afternoon": _l("Afternoon and the count"),
}

STATUSES = {
    "assigned": _l("Assigned"),
    "confirmed": _l("Confirmed"),
    "declined": _l("Declined"),
    "withdrawn": _l("Withdrawn"),
}

ACTIVE = ("assigned", "confirmed")


def overlapping_shifts(shift: str) -> tuple[str, ...]:
    """Shifts that share time with this one: the whole day overlaps every shift."""
    if shift == "full_day":
        return tuple(SHIFTS)
    return (shift, "full_day")


def limits_from_text(text: str) -> dict[str, int]:
    """"stationary=1,mobile=3" -> {"stationary": 1, "mobile": 3}; roles not named are unlimited."""
    limits = {}
    for part in (text or "").split(","):
        role, _, number = part.partition("=")
        if role.strip() in ROLES and number.strip().isdigit():
            limits[role.strip()] = int(number)
    return limits
