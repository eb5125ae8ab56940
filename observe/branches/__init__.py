"""Regional branches of the association."""

from flask import Blueprint

bp = Blueprint("branches", __name__, url_prefix="/branches")

from observe.branches import views  # noqa: E402,F401
