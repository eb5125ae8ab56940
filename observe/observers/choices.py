"""The fixed vocabularies of recruitment, with their labels in the interface language."""

from enum import StrEnum

from flask_babel import lazy_gettext as _l


class Status(StrEnum):
    APPLIED = "applied"
    APPROVED = "approved"
    REJECTED = "rejected"
    CERTIFIED = "certified"
    WITHDRAWN = "withdrawn"


# Statuses of people the association has accepted: they train, and may be assigned.
ACCEPTED = frozenset({Status.APPROVED, Status.CERTIFIED})

STATUS_LABELS = {
    Status.APPLIED: _l("Applied"),
    Status.APPROVED: _l("Approved"),
    Status.REJECTED: _l("Rejected"),
    Status.CERTIFIED: _l("Certified"),
    Status.WITHDRAWN: _l("Withdrawn"),
}

# Which statuses a coordinator may move an observer to from each status. Certification is
# granted by training (a later feature); withdrawal is possible at any time.
TRANSITIONS = {
    Status.APPLIED: {Status.APPROVED, Status.REJECTED, Status.WITHDRAWN},
    Status.APPROVED: {Status.REJECTED, Status.WITHDRAWN},
    Status.REJECTED: {Status.APPROVED, Status.WITHDRAWN},
    Status.CERTIFIED: {Status.WITHDRAWN},
    Status.WITHDRAWN: {Status.APPLIED},
}

CHANNELS = {
    "telegram": "Telegram",
    "instagram": "Instagram",
    "facebook": "Facebook",
    "whatsapp": "WhatsApp",
    "website": _l("Website"),
    "ngo": _l("NGO partner"),
    "offline": _l("Offline event"),
    "friends": _l("Friends or family"),
    "import": _l("Imported list"),
    "coordinator": _l("Added by a coordinator"),
    "other": _l("Other"),
}

# Channels a volunteer can pick on the public form (the others are set by the app).
PUBLIC_CHANNELS = ("telegram", "instagram", "facebook", "whatsapp", "website", "ngo", "offline",
                   "friends", "other")

LANGUAGES = {"kk": _l("Kazakh"), "ru": _l("Russian"), "other": _l("Other")}

EXPERIENCE = {
    "none": _l("No, this is my first time"),
    "once": _l("Yes, once"),
    "several": _l("Yes, several times"),
}

AVAILABILITY = {
    "full_day": _l("The whole day, including the count"),
    "morning": _l("Morning only"),
    "afternoon": _l("Afternoon and the count"),
    "unsure": _l("Not sure yet"),
}


def label(mapping: dict, value: str | None) -> str:
    """The label of a value in one of the vocabularies above (the value itself if unknown)."""
    if value is None:
        return ""
    return str(mapping.get(value, value))


def vocabularies() -> dict:
    """The vocabularies as plain {value: label} dicts in the current language, for templates."""
    return {
        "status_labels": {s.value: str(text) for s, text in STATUS_LABELS.items()},
        "channel_labels": {k: str(v) for k, v in CHANNELS.items()},
        "language_labels": {k: str(v) for k, v in LANGUAGES.items()},
        "experience_labels": {k: str(v) for k, v in EXPERIENCE.items()},
        "availability_labels": {k: str(v) for k, v in AVAILABILITY.items()},
    }
