"""The audit log: who changed what, when, with the state before and after."""

from flask import Blueprint

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")

from observe.audit import views, web  # noqa: E402,F401
