"""The complaints' and retention settings: from the app's config, else the environment, else the
defaults in rules.py (documented in the README)."""

import os

from flask import current_app

from observe.complaints.rules import parse_deadlines

DEFAULT_RETENTION_MONTHS = 6


def _setting(name: str, default: str = "") -> str:
    value = current_app.config.get(name)
    if value is None:
        value = os.environ.get(name, default)
    return value


def deadline_overrides() -> dict[str, int]:
    """Per-body answer deadlines in days, e.g. COMPLAINT_DEADLINE_DAYS="court=10,cec=3"."""
    value = _setting("COMPLAINT_DEADLINE_DAYS")
    return dict(value) if isinstance(value, dict) else parse_deadlines(value)


def retention_months() -> int:
    """Months after an election is closed before personal data goes (PRIVACY_RETENTION_MONTHS)."""
    value = str(_setting("PRIVACY_RETENTION_MONTHS", str(DEFAULT_RETENTION_MONTHS)))
    return int(value) if value.isdigit() else DEFAULT_RETENTION_MONTHS
