"""Elections, their contests, and polling stations with their import."""

from flask import Blueprint

bp = Blueprint("elections", __name__, url_prefix="/elections")

import observe.elections.views  # noqa: E402,F401
