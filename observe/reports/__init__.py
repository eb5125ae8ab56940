"""Polling day: check-ins, checklists, turnout, incidents with evidence, protocols, triage."""

from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/reports")

# Each page module registers its routes on import.
import observe.reports.tasks  # noqa: E402,F401
import observe.reports.views.observer  # noqa: E402,F401
import observe.reports.views.triage  # noqa: E402,F401
