"""Recruitment: the join form, the observer registry and its pipeline, import and export."""

from flask import Blueprint

from observe.observers.choices import vocabularies

bp = Blueprint("observers", __name__)
bp.context_processor(vocabularies)

from observe.observers.views import funnel, join, registry, transfer  # noqa: E402,F401
