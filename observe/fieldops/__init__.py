"""Polling-day safety: the roll-call board, late and silent alerts, SOS, broadcasts."""

from flask import Blueprint

bp = Blueprint("fieldops", __name__, url_prefix="/fieldops")

# Each page module registers its routes on import.
import observe.fieldops.views.banner  # noqa: E402,F401
import observe.fieldops.views.broadcasts  # noqa: E402,F401
import observe.fieldops.views.observer  # noqa: E402,F401
import observe.fieldops.views.staff  # noqa: E402,F401
