"""The home page, health check and error pages."""

from flask import Blueprint

bp = Blueprint("main", __name__)

from observe.main import views  # noqa: E402,F401
