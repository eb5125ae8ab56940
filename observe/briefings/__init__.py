"""HQ on polling day: the live dashboard, briefings (builder, narrative, workflow, exports).

Briefings read every other feature; nothing reads briefings."""

from flask import Blueprint

bp = Blueprint("briefings", __name__, url_prefix="/briefings")

from observe.briefings import cli, tasks, views  # noqa: E402,F401
