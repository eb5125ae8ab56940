"""Assignment of observers to polling stations: rules, auto-assignment, coverage, mandates."""

from flask import Blueprint

bp = Blueprint("assignments", __name__, url_prefix="/assignments")

# Each page module registers its routes on import (one line per module, in views/).
import observe.assignments.views.auto  # noqa: E402,F401
import observe.assignments.views.board  # noqa: E402,F401
import observe.assignments.views.coverage  # noqa: E402,F401
import observe.assignments.views.mandates  # noqa: E402,F401
import observe.assignments.views.mine  # noqa: E402,F401
