"""Complaints: from incidents to a formal complaint to a commission, the prosecutor or a court,
tracked to its answer and appeals; personal-data retention lives beside it (`privacy`)."""

from flask import Blueprint

bp = Blueprint("complaints", __name__, url_prefix="/complaints")

import observe.complaints.views  # noqa: E402,F401
