"""The registry as a table for CSV/XLSX export; personal columns only for those allowed."""

from flask_babel import gettext as _
from flask_babel import to_user_timezone
from sqlalchemy import select

from observe.audit.services import record
from observe.branches.models import Branch
from observe.extensions import db
from observe.observers.choices import (
    AVAILABILITY,
    CHANNELS,
    EXPERIENCE,
    LANGUAGES,
    STATUS_LABELS,
    label,
)
from observe.observers.queries import registry_statement
from observe.permissions import can


def _columns(personal: bool) -> list[tuple[str, str]]:
    columns = [("id", _("Record number")), ("full_name", _("Full name"))]
    if personal:
        columns += [("iin", _("IIN")), ("birth_date", _("Date of birth")),
                    ("phone", _("Phone")), ("email", _("E-mail"))]
    columns += [("branch", _("Branch")), ("city", _("City or district")),
                ("languages", _("Languages")), ("experience", _("Experience")),
                ("availability", _("Availability")), ("status", _("Status")),
                ("channel", _("Channel")), ("campaign", _("Campaign")),
                ("applied_at", _("Application date"))]
    return columns


def _value(observer, key: str, branches: dict):
    if key == "branch":
        return branches.get(observer.branch_id, "")
    if key == "languages":
        names = [label(LANGUAGES, code) for code in observer.languages or []]
        if observer.other_language:
            names.append(observer.other_language)
        return ", ".join(names)
    if key == "experience":
        return label(EXPERIENCE, observer.experience)
    if key == "availability":
        return label(AVAILABILITY, observer.availability)
    if key == "status":
        return str(STATUS_LABELS.get(observer.status, observer.status))
    if key == "channel":
        return label(CHANNELS, observer.channel)
    if key == "birth_date":
        return observer.birth_date.strftime("%d.%m.%Y") if observer.birth_date else ""
    if key == "applied_at":
        return to_user_timezone(observer.applied_at).strftime("%d.%m.%Y %H:%M")
    value = getattr(observer, key)
    return "" if value is None else value


def registry_table(user, filters: dict, fmt: str) -> tuple[list[str], list[list]]:
    """(headers, rows) of the observers the user may see, filtered; the export is audited."""
    personal = can(user, "observers.personal_data")
    columns = _columns(personal)
    branches = dict(db.session.execute(select(Branch.id, Branch.name)).all())
    observers = db.session.execute(registry_statement(user, filters)).scalars()
    rows = [[_value(o, key, branches) for key, _title in columns] for o in observers]
    record("observer.export", actor=user, object_type="observer", summary=f"{len(rows)} {fmt}",
           after={"filters": {k: v for k, v in filters.items() if v}, "rows": len(rows),
                  "format": fmt, "personal_data": personal})
    return [title for _key, title in columns], rows
