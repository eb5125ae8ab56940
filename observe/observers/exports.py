"""The registry as a table for CSV/XLSX export; personal columns only for those allowed."""

from collections.abc import Iterator

from flask_babel import get_timezone
from flask_babel import gettext as _
from sqlalchemy import func, select

from observe.audit.services import record
from observe.branches.models import Branch
from observe.extensions import db
from observe.observers.choices import (
    AVAILABILITY,
    CHANNELS,
    EXPERIENCE,
    LANGUAGES,
    STATUS_LABELS,
)
from observe.observers.models import Observer
from observe.observers.queries import registry_statement
from observe.observers.services import audit_search
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


# The columns read for the export: rows, not ORM objects, fetched in batches.
_FIELDS = ("id", "full_name", "iin", "birth_date", "phone", "email", "branch_id", "city",
           "languages", "other_language", "experience", "availability", "status", "channel",
           "campaign", "applied_at")
BATCH = 2000


def _labels() -> dict[str, dict]:
    """The vocabularies as plain {value: label} dicts, translated once per export, not per row."""
    return {"languages": {k: str(v) for k, v in LANGUAGES.items()},
            "experience": {k: str(v) for k, v in EXPERIENCE.items()},
            "availability": {k: str(v) for k, v in AVAILABILITY.items()},
            "status": {str(k): str(v) for k, v in STATUS_LABELS.items()},
            "channel": {k: str(v) for k, v in CHANNELS.items()}}


def _day(value) -> str:
    # 31.12.2026, as strftime("%d.%m.%Y") writes it, at a fraction of its cost per row.
    return f"{value.day:02d}.{value.month:02d}.{value.year:04d}"


def _getter(key: str, branches: dict, labels: dict, zone):
    """How one column's cell is read from a row (chosen once per export, not once per cell)."""
    if key == "branch":
        return lambda row: branches.get(row.branch_id, "")
    if key == "languages":
        names = labels["languages"]

        def languages(row):
            found = [names.get(code, code) for code in row.languages or []]
            if row.other_language:
                found.append(row.other_language)
            return ", ".join(found)

        return languages
    if key in ("experience", "availability", "status", "channel"):
        vocabulary = labels[key]

        def labelled(row):
            value = getattr(row, key)
            return "" if value is None else vocabulary.get(value, value)

        return labelled
    if key == "birth_date":
        return lambda row: _day(row.birth_date) if row.birth_date else ""
    if key == "applied_at":
        def applied(row):
            moment = row.applied_at.astimezone(zone)
            return f"{_day(moment)} {moment.hour:02d}:{moment.minute:02d}"

        return applied

    def plain(row):
        value = getattr(row, key)
        return "" if value is None else value

    return plain


def _rows(statement, columns: list[tuple[str, str]]) -> Iterator[list]:
    """The export's rows, read in batches (a server-side cursor on PostgreSQL) while the file is
    written: 200,000 observers never sit in memory at once."""
    branches = dict(db.session.execute(select(Branch.id, Branch.name)).all())
    labels, zone = _labels(), get_timezone()
    getters = [_getter(key, branches, labels, zone) for key, _title in columns]
    statement = statement.with_only_columns(*(getattr(Observer, name) for name in _FIELDS),
                                            maintain_column_froms=True)
    result = db.session.execute(statement, execution_options={"yield_per": BATCH})
    for row in result:
        yield [get(row) for get in getters]


def registry_table(user, filters: dict, fmt: str) -> tuple[list[str], Iterator[list]]:
    """(headers, rows) of the observers the user may see, filtered; the export is audited.

    The rows are a generator that reads the database as it is consumed (by
    tabular.spreadsheet_download), so the file is streamed rather than built in memory.
    """
    personal = can(user, "observers.personal_data")
    columns = _columns(personal)
    statement = registry_statement(user, filters)
    total = db.session.scalar(select(func.count()).select_from(
        statement.order_by(None).subquery()))
    # The search text may be an IIN or a phone: the log keeps only what kind of search it was.
    search = audit_search(user, filters, where="export") or ("name" if filters.get("q") else "")
    record("observer.export", actor=user, object_type="observer", summary=f"{total} {fmt}",
           after={"filters": {k: v for k, v in filters.items() if v and k != "q"},
                  "search": search, "rows": total, "format": fmt, "personal_data": personal})
    return [title for _key, title in columns], _rows(statement, columns)
