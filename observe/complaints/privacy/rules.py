"""Retention rules as pure functions: when an election's personal data falls due for erasure,
and which values are personal."""

import re
from datetime import datetime

from flask_babel import lazy_gettext as _l

# Keys of audit before/after payloads whose values are an observer's or account's personal data.
PERSONAL_KEYS = frozenset({"full_name", "name", "email", "phone", "iin", "birth_date",
                           "address", "other_language", "rejection_reason"})
ERASED = "[erased]"

# Downloads of personal data, as the log on /privacy/ names them.
DOWNLOAD_LABELS = {
    "observer.export": _l("Observer registry export"),
    "assignment.roster_export": _l("Election roster export"),
    "assignment.mandate_pdf": _l("Mandate letters (with IIN)"),
    "privacy.own_export": _l("An observer's own data"),
    "privacy.erase_plan": _l("Erasure dry run"),
}


def add_months(moment: datetime, months: int) -> datetime:
    """The same day `months` later (the last day of the month when it has fewer days)."""
    month0 = moment.month - 1 + months
    year, month = moment.year + month0 // 12, month0 % 12 + 1
    for day in (moment.day, 30, 29, 28):
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    raise ValueError(moment)


def erase_after(closed_at: datetime | None, months: int) -> datetime | None:
    """When an election's personal data falls due: `months` after it was closed."""
    return None if closed_at is None else add_months(closed_at, months)


def needles(*values) -> list[str]:
    """The values to look for in every text column: non-empty, at least 5 characters (shorter
    strings would match unrelated text), longest first so a phone goes before its digits."""
    found = {str(v).strip() for v in values if v and len(str(v).strip()) >= 5}
    return sorted(found, key=lambda v: (-len(v), v))


def _pattern(word: str) -> re.Pattern:
    # Whole values only: "ann@mail.kz" must not eat the middle of "joann@mail.kz", nor
    # "Applicant 0001" the start of "Applicant 00012".
    return re.compile(r"(?<![\w@+.\-])" + re.escape(word) + r"(?![\w@\-]|\.\w)")


def redact(value, words: list[str]):
    """The value with every word replaced by ERASED, through dicts and lists (JSON payloads)."""
    if isinstance(value, str):
        for word in words:
            if word in value:
                value = _pattern(word).sub(ERASED, value)
        return value
    if isinstance(value, list):
        return [redact(item, words) for item in value]
    if isinstance(value, dict):
        return {key: redact(item, words) for key, item in value.items()}
    return value
