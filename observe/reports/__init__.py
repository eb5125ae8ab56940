"""Polling day: check-ins, checklists, turnout, incidents with evidence, protocols, triage."""

from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/reports")
